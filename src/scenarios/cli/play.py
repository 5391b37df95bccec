"""``scenarios play FILE``: walk through a scenario in the terminal, one screen per node.

The walk itself is :class:`scenarios.walk.Walk`; this module only shows it and reads
keys.  Input is read line by line, so the same session works at a terminal, from a pipe
(``printf '1\\nr\\nr\\n' | scenarios play FILE``) and from a classroom script.  End of
input and Ctrl-C end the session cleanly (exit 0), after writing ``--save`` and
``--transcript`` if asked.  Colour (the actor's ``color``) is used only when standard
output is a terminal and ``NO_COLOR`` is unset.
"""

from __future__ import annotations

import os
import sys
import textwrap

from .. import formatting
from ..kinds import KINDS
from . import add_file, add_set, count
from .reveal import branch_label as _branch_label
from .reveal import historical_year as _historical_year
from .reveal import render_reveal
from .width import add_width

# Only the standard library and scenarios.kinds at module level: `scenarios --help` imports this module.

MARKS = {"square": "■", "circle": "●", "triangle": "▲"}  # by the kind's symbol (scenarios.kinds)

KEYS = (
    ("1, 2, …", "choose that option (for the actor deciding, or for chance)"),
    ("r", "roll: let chance decide (at a decision: the analyst's belief weights)"),
    ("Enter", "at a chance node, the same as r"),
    ("b", "go back one step"),
    ("h", "history: the steps taken so far"),
    ("s", "strategic hint: what a rational actor would do here (backward induction)"),
    ("?", "this help"),
    ("q", "quit"),
)


def render_help(style: Style) -> str:
    lines = ["  Keys (type one and press Enter):"]
    lines += [style.wrap(text, f"  {key:<9}", " " * 11) for key, text in KEYS]
    return "\n".join(lines)


# -- presentation --------------------------------------------------------------------------
class Style:
    """Terminal width and colours; colour only on a terminal and without ``NO_COLOR``."""

    def __init__(self, *, width: int = 80, color: bool = False, actors=None):
        self.width = width
        self.color = color
        rgbs = {key: _rgb(actor.color) for key, actor in (actors or {}).items() if actor.color} if color else {}
        self._codes = {key: "\x1b[1;38;2;{};{};{}m".format(*rgb) for key, rgb in rgbs.items() if rgb}

    @classmethod
    def for_stream(cls, stream, scenario) -> Style:
        from .width import columns

        is_tty = hasattr(stream, "isatty") and stream.isatty()
        color = is_tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        width = min(columns(), 100)  # --width, the terminal's, or 80 when piped; 100 at most, for reading
        return cls(width=width, color=color, actors=scenario.actors)

    def actor(self, text: str, key: str | None) -> str:
        code = self._codes.get(key)
        return f"{code}{text}\x1b[0m" if code else text

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color else text

    def wrap(self, text: str, indent: str = "", subsequent: str | None = None) -> str:
        """``text`` with its whitespace collapsed, filled to the width after ``indent``."""
        return textwrap.fill(" ".join(text.split()), width=self.width, initial_indent=indent,
                             subsequent_indent=indent if subsequent is None else subsequent)

    def rule(self, char: str = "─") -> str:
        return char * self.width


def _rgb(color: str) -> tuple[int, int, int] | None:
    """A matplotlib colour as 0-255 RGB; hex without matplotlib, names through it."""
    text = color.strip()
    if text.startswith("#") and len(text) in (4, 7):
        digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
        try:
            return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
        except ValueError:
            return None
    try:
        from matplotlib.colors import to_rgb

        return tuple(round(255 * c) for c in to_rgb(text))  # type: ignore[return-value]  # three channels
    except (ImportError, ValueError):
        return None


number = formatting.terminal_number


def probability(x: float) -> str:
    """A path probability: 6 significant digits and a percentage.

    >>> probability(0.3 * 0.5 * 0.35 * 0.6)
    '0.0315 (3.15%)'
    """
    return f"{x:.6g} ({100 * x:.3g}%)"


def _actor_name(walk, key: str | None) -> str:
    return walk.scenario.actors[key].name if key else "chance"


def _source_line(source) -> str:
    parts = [p for p in (source.publisher, source.date) if p]
    return (", ".join(parts) + ": " if parts else "") + f"“{source.title}”"


def _payoff_text(walk, payoffs) -> str:
    return ", ".join(f"{walk.scenario.actors[a].name} {number(v, 2)}" for a, v in payoffs.items())


def render_node(walk, style: Style) -> str:
    """The screen for the walk's current node: narrative, source, options.

    >>> import scenarios
    >>> from scenarios.walk import Walk
    >>> print(render_node(Walk(scenarios.load("entry-deterrence")), Style(width=60)).splitlines()[3])
    ■ Enter the market?
    """
    node = walk.node
    shown = walk.narrative  # at an information set: the set's narrative, never which member
    s = walk.scenario
    step = len(walk.history) + 1
    lines = [style.rule(), style.dim(style.wrap(f"Step {step} · {s.title}", " ", "   ")), style.rule()]
    kind = KINDS[node.kind]
    head = f"{MARKS[kind.symbol]} {'' if kind.has_branches else 'Outcome: '}{shown.label}"
    lines.append(style.actor(style.bold(style.wrap(head, "", "  ")), node.actor))
    if kind.has_actor:
        lines.append(style.actor(style.wrap(f"{_actor_name(walk, node.actor)} decides", "  "), node.actor))
    elif kind.has_branches:
        lines.append("  Chance decides")
    if walk.infoset:
        from .play_games import hidden_note

        lines.append(style.dim(style.wrap(hidden_note(walk), "  ")))
    if walk.text:
        lines += ["", style.wrap(walk.text, "  ")]
    if walk.quote or walk.sources:
        lines.append("")
        if walk.quote:
            lines.append(style.wrap(f"“{walk.quote}”", "    "))
        for source in walk.sources:
            lines.append(style.dim(style.wrap("— " + _source_line(source), "      ")))
    if walk.infoset:  # the path's probability and payoffs would tell the members apart
        lines += ["", style.wrap("Your path so far: not shown here, since it would tell "
                                 f"{_actor_name(walk, node.actor)} what it cannot know.", "  ")]
    else:
        lines += ["", style.wrap(f"Your path so far: p = {probability(walk.path_probability)}; "
                                 f"accrued payoffs: {_payoff_text(walk, walk.accrued)}", "  ")]
    if walk.is_finished:
        return "\n".join(lines)
    lines.append("")
    if kind.has_actor:
        lines.append(style.wrap(f"What does {_actor_name(walk, node.actor)} do? (p: the analyst's "
                                "belief weights)", "  "))
    else:
        lines.append("  What happens? (p: the probabilities)")
    lines += render_options(walk, style)
    n = len(walk.options)
    keys = f"1-{n} choose" if n > 1 else "1 choose"
    keys += " · r roll" + ("" if kind.has_actor else " (or Enter)")
    lines.append(style.dim(style.wrap(f"keys: {keys} · b back · h history · s hint · ? help · q quit",
                                      "  ", "        ")))
    return "\n".join(lines)


def render_options(walk, style: Style) -> list[str]:
    options = walk.options
    label_width = min(max(len(o.label) for o in options), max(20, style.width - 22))
    lines = []
    for k, option in enumerate(options, 1):
        label = option.label
        first, *rest = textwrap.wrap(label, label_width) or [""]
        line = f"  {k:>2}) {first.ljust(label_width)}  p = {number(option.probability)}"
        lines.append(line)
        lines += [f"      {more}" for more in rest]
        if option.payoffs:
            lines.append(style.dim(style.wrap(f"payoffs on this branch: {_payoff_text(walk, option.payoffs)}",
                                              "      ", "        ")))
    return lines


def render_step(walk, step, style: Style) -> str:
    """What just happened: the choice or the roll, and the branch's narrative (unless the
    walk is now at an information set whose actor cannot see that step)."""
    if walk.infoset and walk.step_views()[-1] == "hidden":
        return style.bold(style.wrap(f"→ A step {_actor_name(walk, walk.node.actor)} cannot see was taken.", "", "  "))
    if step.how == "rolled":
        what = f"Rolled {step.u:.3f}: {step.label} (p = {number(step.probability)})"
    else:
        what = f"You chose: {step.label} (p = {number(step.probability)})"
    lines = [style.bold(style.wrap("→ " + what, "", "  "))]
    branch = walk.scenario.nodes[step.at].branches[step.branch]  # by position: branches may share a child
    if branch.text:
        lines.append(style.wrap(branch.text, "  "))
    return "\n".join(lines)


def render_history(walk, style: Style) -> str:
    if not walk.history:
        return "  History: no step taken yet (you are at the start)."
    from ..walk.infosets import HIDDEN, SHOWN

    lines = ["  History:"]
    for k, (step, view) in enumerate(zip(walk.history, walk.step_views(), strict=True), 1):
        node = walk.scenario.nodes[step.at]
        who = _actor_name(walk, node.actor)
        how = "rolled" if step.how == "rolled" else "chose"
        if view == HIDDEN:
            lines.append(style.wrap(f"{k}. (hidden: {_actor_name(walk, walk.node.actor)} cannot see this step)",
                                    "    ", "       "))
            continue
        where = f"{node.label} ({who})" if view == SHOWN else who
        lines.append(style.wrap(f"{k}. {MARKS[KINDS[node.kind].symbol]} {where}: {how} "
                                f"“{step.label}”" + (f", p = {number(step.probability)}" if view == SHOWN else ""),
                                "    ", "       "))
    if not walk.infoset:
        lines.append(f"    Path probability so far: {probability(walk.path_probability)}")
    return "\n".join(lines)


def render_hint(walk, style: Style) -> str:
    if not walk.scenario.perfect_information:
        from .play_games import render_equilibrium_hint

        return render_equilibrium_hint(walk, style)
    hint = walk.hint()
    node = walk.node
    kind = KINDS[node.kind]
    lines = [style.wrap("Strategic hint (backward induction: every actor maximises its own "
                        "expected payoff):", "  ")]
    if kind.has_actor and hint.choice:
        who = _actor_name(walk, node.actor)
        lines.append(style.wrap(f"{who} would choose “{hint.choice_label}”"
                                + (" (a tie, broken by listing order)" if hint.tie else "") + ".",
                                "    "))
        lines.append(f"    value of each option for {who}:")
        width = min(max(len(o.label) for o in walk.options), max(20, style.width - 20))
        for option in walk.options:
            mark = "→" if option.index == hint.choice_branch else " "
            label = option.label if len(option.label) <= width else option.label[:width - 1] + "…"
            lines.append(f"    {mark} {label:<{width}}  {number(hint.branch_values[option.index], 3):>8}")
    elif kind.has_actor:
        lines.append(style.wrap("This decision is fixed: the solution keeps its belief weights here.",
                                "    "))
    elif kind.has_branches:
        lines.append(style.wrap("Chance decides here; the solution takes the probabilities as given.",
                                "    "))
    else:
        lines.append("    The walk has ended.")
    if kind.has_branches:
        outcomes = ", ".join(f"{walk.scenario.nodes[o].label} {number(p)}"
                             for o, p in list(hint.outcomes.items())[:4])
        lines.append(style.wrap(f"If every actor plays the solution from here: outcomes "
                                f"{outcomes}; expected path payoffs {_payoff_text(walk, hint.expected)}.",
                                "    "))
    return "\n".join(lines)


def render_summary(walk, style: Style) -> str:
    """End of the walk: path, probability and rank, payoffs, strategy, historical reveal."""
    summary = walk.summary()
    s = walk.scenario
    lines = ["", style.rule("═"), style.bold(" End of the walk"), style.rule("═")]
    route = " → ".join(step.label for step in summary.steps)
    lines.append(style.wrap(f"Your path: {route} ⇒ {s.nodes[summary.outcome].label}", "  ", "    "))
    lines += ["", style.wrap(f"Probability of this path: {probability(summary.probability)}", "  ")]
    lines.append(style.wrap(_rank_text(summary.rank), "  "))
    fit = max(8, min(30, style.width - 28))
    names = {a: actor.name if len(actor.name) <= fit else actor.name[:fit - 1] + "…"
             for a, actor in s.actors.items()}
    width = max([len("payoffs")] + [len(n) for n in names.values()])
    lines += ["", f"    {'payoffs':<{width}}  {'outcome':>7}  {'whole path':>10}"]
    for a, name in names.items():
        lines.append(f"    {name:<{width}}  {number(summary.outcome_payoffs[a], 2):>7}  "
                     f"{number(summary.path_payoffs[a], 2):>10}")
    lines.append(style.dim(style.wrap("(the whole path adds the costs and gains along the way to the "
                                      "outcome's own)", "    ")))
    if summary.decisions and not s.perfect_information:
        from .play_games import render_game_decisions

        lines += render_game_decisions(walk, summary, style, _branch_label)
    elif summary.decisions:
        lines += ["", style.wrap("Your decisions against the strategic solution (backward induction):",
                                 "  ")]
        for review in summary.decisions:
            node = s.nodes[review.node]
            took = _branch_label(s, review.node, review.took, review.took_branch)
            who = _actor_name(walk, review.actor)
            you = "the roll took" if review.rolled else "you took"
            if review.strategic is None:
                text = f"{node.label} ({who}, fixed): {you} “{took}”."
            elif review.agrees:
                text = (f"{node.label} ({who}): {you} “{took}”, as the solution does "
                        f"(value {number(review.value_took, 3)} for {who}).")
            else:
                text = (f"{node.label} ({who}): {you} “{took}” (value "
                        f"{number(review.value_took, 3)} for {who}); the solution takes "
                        f"“{_branch_label(s, review.node, review.strategic, review.strategic_branch)}” "
                        f"({number(review.value_strategic, 3)}).")
            lines.append(style.wrap("• " + text, "    ", "      "))
        lines.append(style.wrap("If every actor played the solution from the start, the expected "
                                f"payoffs would be {_payoff_text(walk, summary.solution_expected)}.",
                                "    "))
    lines += render_reveal(walk, summary.reveal, style)
    return "\n".join(lines)


def _rank_text(rank) -> str:
    from ..walk import ordinal

    if not rank.exact:  # too many paths to count: rank and higher are lower bounds
        return f"At least {rank.higher} of the {rank.total} possible paths are more probable (too many to count)."
    where = "the most probable" if rank.higher == 0 else f"the {ordinal(rank.rank)} most probable"
    text = f"It is {where} of {rank.total} possible paths"
    if rank.ties:
        text += f" (tied with {rank.ties} other path{'s' if rank.ties > 1 else ''} of the same probability)"
    if rank.higher:
        text += f"; {rank.higher} path{'s are' if rank.higher > 1 else ' is'} more probable"
    return text + "."


# -- the transcript --------------------------------------------------------------------------
def _md(text: str) -> str:
    """Escape the characters that would break a Markdown table cell or start markup."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")


def markdown_transcript(walk, *, backs: int = 0, ended: str = "end") -> str:
    """The walk as Markdown: every screen of the path taken, then the summary and reveal.

    >>> import scenarios
    >>> from scenarios.walk import Walk
    >>> walk = Walk(scenarios.load("entry-deterrence"), seed=1)
    >>> _ = walk.choose("Stay out")
    >>> text = markdown_transcript(walk)
    >>> "| 1 | Stay out | 0.5 | **taken** |" in text, "- Path probability: **0.5 (50%)**" in text
    (True, True)
    """
    from ..model import DISCLAIMER

    s = walk.scenario
    out = [f"# Walk through “{_md(s.title)}”", ""]
    out.append(f"- scenario: `{s.id}`" + (f" (as of {s.as_of})" if s.as_of else ""))
    out.append(f"- note: {_md(DISCLAIMER)}")
    out.append(f"- seed: {walk.seed}; rolls drawn: {walk.rolls}; steps taken back: {backs}")
    if walk.overrides:
        out.append("- overrides: " + ", ".join(f"`{k}={v}`" for k, v in walk.overrides.items()))
    out.append("")
    replay = type(walk)(s, seed=walk.seed, overrides=walk.overrides)
    for n, step in enumerate([*walk.history, None], 1):
        node = replay.narrative  # what the student read there (an information set's narrative)
        who = f" — {_md(_actor_name(walk, node.actor))} decides" if KINDS[node.kind].has_actor else ""
        title = f"Outcome: {node.label}" if not KINDS[node.kind].has_branches else node.label
        out += [f"## {n}. {MARKS[KINDS[node.kind].symbol]} {_md(title)}{who}", ""]
        if node.text:
            out += [_md(node.text), ""]
        if node.quote:
            out += [f"> “{_md(node.quote)}”", ">"]
        for source in replay.sources:
            out.append(f"> — {_md(_source_line(source))}  ")
        if node.quote or node.source:
            out.append("")
        if step is None:
            break
        out += ["| # | option | p | |", "| ---: | --- | ---: | --- |"]
        for k, option in enumerate(replay.options, 1):
            mark = "**taken**" if option.index == step.branch else ""
            out.append(f"| {k} | {_md(option.label)} | {number(option.probability)} | {mark} |")
        out.append("")
        how = f"Rolled {step.u:.3f}" if step.how == "rolled" else "Chose"
        out.append(f"**{how}:** {_md(step.label)} (p = {number(step.probability)}); "
                   f"path probability now {probability(replay.path_probability * step.probability)}.")
        branch = replay.node.branches[step.branch]
        if branch.text:
            out += ["", _md(branch.text)]
        out.append("")
        replay.choose(replay.options[step.branch])
    if not walk.is_finished:
        out += [f"*The walk stopped here ({ended}), at step {len(walk.history) + 1}; path "
                f"probability so far {probability(walk.path_probability)}.*", ""]
        return "\n".join(out)
    summary = walk.summary()
    out += ["## Summary", ""]
    route = " → ".join(_md(step.label) for step in summary.steps)
    out.append(f"- Path: {route} ⇒ **{_md(s.nodes[summary.outcome].label)}**")
    out.append(f"- Path probability: **{probability(summary.probability)}**")
    out.append(f"- {_rank_text(summary.rank)}")
    out += ["", "| actor | outcome payoff | whole-path payoff |", "| --- | ---: | ---: |"]
    for a, actor in s.actors.items():
        out.append(f"| {_md(actor.name)} | {number(summary.outcome_payoffs[a], 2)} | "
                   f"{number(summary.path_payoffs[a], 2)} |")
    if summary.decisions:
        out += ["", "Values are the deciding actor's expected payoff under the strategic solution.", "",
                "| decision | actor | taken | strategic solution |", "| --- | --- | --- | --- |"]
        for review in summary.decisions:
            strategic = ("(a game with information sets: see `solve --method spe`)" if not s.perfect_information
                         else "(fixed)" if review.strategic is None else
                         f"{_md(_branch_label(s, review.node, review.strategic))} "
                         f"({number(review.value_strategic, 3)})")
            out.append(f"| {_md(s.nodes[review.node].label)} | {_md(_actor_name(walk, review.actor))} | "
                       f"{_md(_branch_label(s, review.node, review.took))} "
                       f"({number(review.value_took, 3)}){' (rolled)' if review.rolled else ''} | "
                       f"{strategic} |")
    reveal = summary.reveal
    if reveal.status != "none":
        out += ["", f"## What actually happened{_historical_year(reveal)}", ""]
        for step in reveal.steps:
            line = f"- **{step.date or 'undated'}** — {_md(step.label)}"
            if step.text:
                line += f". {_md(step.text)}"
            if step.event:
                line += f" (source: {_md(step.event)})"
            if step.quote:
                line += f": “{_md(step.quote)}”"
            if step.branch:
                line += f" → *{_md(step.branch)}*"
            out.append(line)
        out.append("")
        plain = Style(width=10_000)
        for line in render_reveal(walk, reveal, plain)[-3:]:
            if line.strip():
                out += [_md(line.strip()), ""]
    out.append("")
    return "\n".join(out)


# -- the session -----------------------------------------------------------------------------
class Session:
    """One terminal session over a walk: read keys, print screens."""

    def __init__(self, walk, *, read, write, style: Style, echo: bool = False):
        self.walk = walk
        self.read = read  # read(prompt) -> str, raising EOFError at the end of input
        self.write = write
        self.style = style
        self.echo = echo  # repeat the key typed (input from a pipe is not echoed)
        self.backs = 0

    def show(self, text: str) -> None:
        self.write(text + "\n")

    def screen(self, *, keys: bool = True) -> None:
        self.show(render_node(self.walk, self.style))
        if self.walk.is_finished:
            self.show(render_summary(self.walk, self.style))
            if keys:
                self.show(self.style.dim(self.style.wrap("keys: b back · h history · ? help · q quit "
                                                         "(or Enter)", "  ", "        ")))

    def disclaimer(self) -> None:
        """Shown once at the start: the numbers are judgments for teaching, not forecasts."""
        from ..model import DISCLAIMER

        self.show(self.style.bold(self.style.wrap("Note: " + DISCLAIMER, "  ", "  ")))

    def auto(self) -> str:
        self.disclaimer()
        self.screen(keys=False)
        while not self.walk.is_finished:
            self.show("> r (auto)")
            self.show(render_step(self.walk, self.walk.roll(), self.style))
            self.screen(keys=False)
        return "end"

    def run(self) -> str:
        """Interact until q, end of input or Ctrl-C (raised to the caller); return why it ended."""
        self.disclaimer()
        self.screen()
        while True:
            try:
                line = self.read("> ")
            except EOFError:
                self.show("\n(end of input)")
                return "end of input"
            if self.echo:
                self.show(line)
            if self.handle(line.strip().lower()) == "quit":
                return "quit"

    def handle(self, key: str) -> str | None:
        walk, style = self.walk, self.style
        n = len(walk.options)
        if key == "q" or (key == "" and walk.is_finished):
            where = "at the end" if walk.is_finished else f"at “{walk.narrative.label}” (step {len(walk.history) + 1})"
            self.show(f"Bye. You stopped {where}.")
            return "quit"
        if key in ("?", "help"):
            self.show(render_help(style))
        elif key == "h":
            self.show(render_history(walk, style))
        elif key == "s":
            self.show(render_hint(walk, style))
        elif key == "b":
            if walk.is_at_start:
                self.show("  Already at the start: there is no step to go back to.")
            else:
                walk.back()
                self.backs += 1
                self.show(f"← Back to step {len(walk.history) + 1}.")
                self.screen()
        elif walk.is_finished and (key in ("r", "") or key.isdigit()):
            self.show("  The walk has ended: b goes back a step, h shows the history, q quits.")
        elif key == "r" or (key == "" and not KINDS[walk.node.kind].has_actor):
            self.show(render_step(walk, walk.roll(), style))
            self.screen()
        elif key.isdigit() and 1 <= int(key) <= n:
            self.show(render_step(walk, walk.choose(walk.options[int(key) - 1]), style))
            self.screen()
        elif key == "":
            self.show(f"  Type a key and press Enter: 1-{n} to choose, r to roll, ? for help.")
        elif key.isdigit():
            self.show(f"  There is no option {key}: choose 1-{n}, or r, b, h, s, ?, q.")
        else:
            shown = key if len(key) <= 20 else key[:20] + "…"
            valid = "b, h, ?, q" if walk.is_finished else f"1-{n}, r, b, h, s, ?, q"
            self.show(f"  Unknown key “{shown}”: the keys are {valid} (? explains them).")
        return None


# -- the command -----------------------------------------------------------------------------
def cmd_play(args) -> int:

    from ..io.atomic import write_atomic
    from ..io.files import InputFileError, read_text_file
    from ..walk import SavedWalkError, Walk, WalkError
    from .commands import load_scenario, overrides_of

    scenario = load_scenario(args)
    if args.resume:
        if args.overrides:
            raise WalkError("--set cannot be combined with --resume: a saved walk keeps its own overrides")
        try:
            text = read_text_file(args.resume)
        except InputFileError as exc:
            raise SavedWalkError(f"{args.resume}: error: cannot read the saved walk ({exc})") from None
        try:
            walk = Walk.loads(scenario, text)
        except SavedWalkError as exc:
            raise SavedWalkError(f"{args.resume}: error: {exc}") from None
    else:
        walk = Walk(scenario, seed=args.seed, overrides=overrides_of(args))

    out = sys.stdout
    style = Style.for_stream(out, scenario)
    interactive = sys.stdin is not None and sys.stdin.isatty()

    def write(text: str) -> None:
        out.write(text)
        out.flush()

    session = Session(walk, read=input, write=write, style=style, echo=not interactive)
    ended = "end"
    try:
        ended = session.auto() if args.auto else session.run()
    except KeyboardInterrupt:
        write("\n(interrupted)\n")
        ended = "interrupted"
    finally:
        if args.save:
            write_atomic(args.save, walk.dumps())
            print(f"saved the walk to {args.save} (resume with --resume {args.save})", file=sys.stderr)
        if args.transcript:
            write_atomic(args.transcript, markdown_transcript(walk, backs=session.backs, ended=ended))
            print(f"wrote the transcript to {args.transcript}", file=sys.stderr)
    return 0


def register(add) -> None:
    p = add("play", "walk through a scenario step by step: choose or roll at each node, go back, "
                    "and see how likely your path was and what actually happened", cmd_play)
    p.epilog = ("Keys during the walk: a number chooses that option, r rolls, b goes back, "
                "h shows the history, s a strategic hint, ? help, q quits.  Input may be piped.")
    add_file(p)
    add_set(p)
    start = p.add_mutually_exclusive_group()
    start.add_argument("--seed", metavar="S", type=count,
                       help="seed for the rolls (default: a fresh one, shown in the transcript)")
    start.add_argument("--resume", metavar="WALK.json", help="continue a walk saved with --save")
    p.add_argument("--auto", action="store_true", help="roll at every node to the end, no input")
    p.add_argument("--transcript", metavar="OUT.md", help="write the walk as Markdown when it ends")
    p.add_argument("--save", metavar="WALK.json",
                   help="save the walk (scenario, choices, seed, rolls) when the session ends")
    add_width(p)
