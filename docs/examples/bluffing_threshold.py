"""The threshold chart of docs/bluffing.md: the equilibria of the bluffing game against the prior.

    python docs/examples/bluffing_threshold.py [OUT.png]     (default docs/img/bluffing-threshold.png)

Lines: the equilibria worked out by hand in docs/bluffing.md (the formulas below; the tests
check them in pygambit).  Dots: the equilibria ``scenarios`` computes with Gambit
(``Scenario.solve(method="nash")``, every extreme Nash equilibrium) for priors 0.05, 0.10,
..., 0.95, those whose threats are credible, classified by what the resolved Russia and the
West do.  Every dot sits on a line and every line has its dots: the tool agrees with the hand
analysis.  (About a minute: Gambit enumerates 11 to 17 equilibria per prior.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import scenarios

THRESHOLD = 0.6  # the West accommodates the build-up iff P(resolved | build-up) >= 0.6

#: Per equilibrium family: (colour, name, [first prior, last prior] where it exists).
FAMILIES = {
    "separating": ("#0072b2", "separating: only a resolved Russia recognizes", (0.0, 1.0)),
    "pooling": ("#e69f00", "pooling: both keep the build-up, the West accommodates", (THRESHOLD, 1.0)),
    "hybrid": ("#009e73", "hybrid: a resolved Russia sometimes recognizes", (THRESHOLD, 1.0)),
}


def by_hand(family: str, p: np.ndarray) -> dict[str, np.ndarray]:
    """The hand analysis of docs/bluffing.md, for priors ``p`` (where the family exists)."""
    one, zero = np.ones_like(p), np.zeros_like(p)
    if family == "separating":
        return {"recognize": one, "accommodate": zero, "war": zero, "west": 3 - 6 * p, "russia": 5 * p - 2}
    if family == "pooling":
        return {"recognize": zero, "accommodate": one, "war": zero, "west": -3 * one, "russia": 4 * one}
    keep = 1.5 * (1 - p) / p  # the resolved Russia keeps the build-up with this probability
    return {"recognize": 1 - keep, "accommodate": 0.75 * one, "war": p * keep * 0.25, "west": -3 * one,
            "russia": 2.5 + 0.5 * p}


def family_of(recognize: float, accommodate: float) -> str:
    if recognize > 1 - 1e-6 and accommodate < 1e-6:
        return "separating"
    if recognize < 1e-6 and accommodate > 1 - 1e-6:
        return "pooling"
    return "hybrid"


def war_probability(p: float, b) -> float:
    """P(war) when behaviour ``b`` (an equilibrium's, by set) is played at prior ``p``."""
    def part(kind: str, weight: float) -> float:
        recognize = b[kind][RECOGNIZE]
        attack = 1.0 if kind == "resolved" else 0.0  # credible last moves (where unreported, unreached)
        keep = (1 - recognize) * b["west_sees_buildup"]["Firm: sanctions and deterrence"] * attack
        recog = recognize * b["west_sees_recognition"]["Firm: sanctions and deterrence"] * attack
        return weight * (keep + recog)
    return part("resolved", p) + part("bluffing", 1 - p)


RECOGNIZE = "Recognize the two self-proclaimed republics"


def credible(eq) -> bool:
    """Whether Russia's last moves in ``eq`` are the ones it would make when the time came: a
    resolved Russia attacks, one that is not backs down (where the equilibrium says: at a set in
    ``eq.arbitrary`` Russia's own earlier choice rules the move out, and any move fits)."""
    for action in ("buildup", "recognition"):
        for kind, best in (("resolved", "Attack"), ("bluffing", "Back down")):
            name = f"last_{action}_{kind}"
            if name not in eq.arbitrary and eq.behaviour[name][best] < 1 - 1e-9:
                return False
    return True


def with_the_tool(scenario, priors) -> list[tuple[float, str, dict[str, float]]]:
    """The equilibria ``scenarios solve --method nash`` lists at each prior (every extreme Nash
    equilibrium), keeping those whose threats are credible (:func:`credible`), as
    (prior, family, numbers), each family once per prior."""
    points, seen = [], set()
    for p in priors:
        for eq in scenario.solve(method="nash", overrides={"p_resolved": float(p)}, top=0).equilibria:
            if not credible(eq):
                continue
            b = eq.behaviour
            numbers = {"recognize": b["resolved"][RECOGNIZE], "accommodate": b["west_sees_buildup"]["Accommodate"],
                       "war": war_probability(float(p), b),
                       "west": eq.expected_payoffs["west"], "russia": eq.expected_payoffs["russia"]}
            family = family_of(numbers["recognize"], numbers["accommodate"])
            if (float(p), family) not in seen:
                seen.add((float(p), family))
                points.append((float(p), family, numbers))
    return points


PANELS = (("recognize", "A resolved Russia recognizes (probability)"),
          ("accommodate", "The West accommodates the build-up (probability)"),
          ("war", "War (probability)"),
          ("west", "The West's expected payoff"))


def draw(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenario = scenarios.load("bluffing-2022")
    points = with_the_tool(scenario, np.round(np.arange(0.05, 0.951, 0.05), 2))
    plt.rcParams.update({"font.size": 15})
    fig, axes = plt.subplots(2, 2, figsize=(13.33, 7.5), sharex=True)
    for ax, (key, title) in zip(axes.flat, PANELS, strict=True):
        for family, (color, _, (lo, hi)) in FAMILIES.items():
            p = np.linspace(max(lo, 0.005), hi, 200)
            ax.plot(p, by_hand(family, p)[key], color=color, lw=3.5 if family != "hybrid" else 2.5,
                    ls="-" if family != "hybrid" else "--", zorder=2)
            xs = [q for q, fam, _ in points if fam == family]
            ys = [v[key] for _, fam, v in points if fam == family]
            ax.scatter(xs, ys, s=28, color="white", edgecolor=color, lw=1.5, zorder=3)
        ax.axvline(THRESHOLD, color="#555555", ls=":", lw=1.5, zorder=1)
        ax.set_title(title, fontsize=15, loc="left")
        ax.grid(alpha=0.25)
        ax.set_xlim(0, 1)
        if key in ("recognize", "accommodate"):
            ax.set_ylim(-0.05, 1.05)
        elif key == "war":
            ax.set_ylim(-0.02, 0.42)
    axes[0, 0].annotate("threshold 0.6", xy=(THRESHOLD, 0.5), xytext=(THRESHOLD - 0.02, 0.5),
                        ha="right", va="center", color="#555555", fontsize=13)
    for ax in axes[1]:
        ax.set_xlabel("prior that Russia is resolved (p_resolved)")
    handles = [plt.Line2D([], [], color=c, lw=3.5 if f != "hybrid" else 2.5, ls="-" if f != "hybrid" else "--")
               for f, (c, _, _) in FAMILIES.items()]
    handles.append(plt.Line2D([], [], ls="", marker="o", markerfacecolor="white", markeredgecolor="#333333"))
    labels = [name for _, name, _ in FAMILIES.values()] + ["found by scenarios solve --method nash (credible threats)"]
    fig.suptitle("The bluffing game: its equilibria as the prior that Russia is resolved moves",
                 x=0.01, ha="left", fontsize=18, fontweight="bold")
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.945), ncol=2, frameon=False,
               fontsize=13)
    fig.tight_layout(rect=(0, 0, 1, 0.89))
    fig.savefig(out, dpi=150)
    plt.close(fig)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "img" / "bluffing-threshold.png"
    draw(target)
    print(f"wrote {target}")
