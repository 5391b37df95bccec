"""The chart registry: every kind of ``scenarios chart FILE KIND``, by name.

Like the export registry (:mod:`scenarios.export`), one entry per kind, each with

- a **description** (the command's ``--help`` and its error messages list them);
- a **compute** step, ``compute(scenario, request) -> data``: runs what the chart needs
  (an evaluation, a sensitivity analysis, a PSA, a comparison of variants) and checks
  the options that concern it;
- a **draw** step, ``draw(data, request, ax=None, theme=...) -> Axes``: draws on the given
  axes (new ones if None) with :mod:`scenarios.render.charts`, which only draws.

:func:`chart_figure` looks the kind up, computes and draws; :data:`CHARTS` maps every
kind to its description, in the order they are listed.  A new kind is one more
:func:`register` call.

>>> list(CHARTS)[:3]
['outcomes', 'tags', 'options']
>>> import scenarios
>>> ax = chart_figure(scenarios.load("entry-deterrence"), "options", node="response", solve=True)
>>> [t.get_text() for t in ax.get_yticklabels()]
['Fight (price war)', 'Accommodate (share the market)\\n(chosen)']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnknownChartError, did_you_mean

__all__ = ["ChartKind", "ChartRequest", "REGISTRY", "CHARTS", "register", "chart_figure"]


@dataclass(frozen=True)
class ChartRequest:
    """The options of one chart (those of ``scenarios chart``); each kind reads its own."""

    overrides: Mapping[str, Any] | None = None
    given: str | None = None
    solve: bool = False
    metric: str | None = None
    node: str | None = None
    x: str | None = None
    y: str | None = None
    steps: int | None = None
    policy: str = "belief"
    psa_draws: int | None = None
    seed: int | None = 0
    of: str | None = None
    histogram: bool = False
    variants: Sequence = field(default_factory=tuple)

    def result(self, scenario):
        """The belief (or, with ``solve``, strategic) result the chart reads."""
        if self.solve:
            return scenario.solve(overrides=self.overrides, top=0)
        return scenario.evaluate(given=self.given, overrides=self.overrides, top=0)

    def psa(self, scenario):
        """A probabilistic sensitivity analysis of ``psa_draws`` draws (default 1000)."""
        from ..analysis.psa import psa

        return psa(scenario, self.psa_draws or 1000, seed=self.seed, overrides=self.overrides,
                   allow_invalid=True)


@dataclass(frozen=True)
class ChartKind:
    """One kind of chart: its name, description, compute step and draw step."""

    name: str
    description: str
    compute: Callable[[Any, ChartRequest], Any]
    draw: Callable[..., Any]


#: Chart kinds by name, in the order they are listed.
REGISTRY: dict[str, ChartKind] = {}
#: Chart kind -> description (what ``scenarios chart --help`` lists).
CHARTS: dict[str, str] = {}


def register(name: str, description: str, compute: Callable[[Any, ChartRequest], Any],
             draw: Callable[..., Any]) -> ChartKind:
    """Add a chart kind to :data:`REGISTRY` and :data:`CHARTS`."""
    kind = ChartKind(name, description, compute, draw)
    REGISTRY[name] = kind
    CHARTS[name] = description
    return kind


def chart_figure(scenario, kind: str, *, ax=None, overrides=None, given=None, theme="light",
                 metric: str | None = None, node: str | None = None, x: str | None = None,
                 y: str | None = None, steps: int | None = None, policy: str = "belief",
                 psa_draws: int | None = None, seed: int | None = 0, of: str | None = None,
                 histogram: bool = False, variants: Sequence = (), solve: bool = False):
    """Draw chart ``kind`` (see :data:`CHARTS`) for ``scenario``; return the Axes.

    Raises
    ------
    UnknownChartError
        for an unknown kind, or options that do not fit it.
    """
    if kind not in REGISTRY:
        raise UnknownChartError(f"unknown chart {kind!r}{did_you_mean(kind, REGISTRY)}; "
                                f"charts: {', '.join(REGISTRY)}")
    from ..render.theme import get_theme

    request = ChartRequest(dict(overrides or {}) or None, given, solve, metric, node, x, y, steps, policy,
                           psa_draws, seed, of, histogram, tuple(variants))
    chart = REGISTRY[kind]
    return chart.draw(chart.compute(scenario, request), request, ax=ax, theme=get_theme(theme))


# -- the kinds ---------------------------------------------------------------------------------

def _charts():
    from ..render import charts

    return charts


def _outcomes(scenario, request):
    return request.result(scenario), request.psa(scenario) if request.psa_draws else None


def _tags(scenario, request):
    result = request.result(scenario)
    if not result.tags:
        raise UnknownChartError("tags chart: no outcome of this scenario has tags")
    return result, request.psa(scenario) if request.psa_draws else None


def _options(scenario, request):
    result = request.result(scenario)
    solved = result if result.mode == "strategic" else scenario.solve(overrides=request.overrides, top=0)
    return scenario, request.node, result, solved


def _tornado(scenario, request):
    from ..analysis import sensitivity

    return sensitivity.tornado(scenario, metric=request.metric, policy=request.policy,
                               overrides=request.overrides, node=request.node)


def _spider(scenario, request):
    from ..analysis import sensitivity

    return sensitivity.spider(scenario, steps=request.steps or 9, metric=request.metric, policy=request.policy,
                              overrides=request.overrides, node=request.node)


def _two_way(scenario, request):
    if not (request.x and request.y):
        raise UnknownChartError("two-way chart: give the two parameters with --x NAME --y NAME")
    from ..analysis import sensitivity

    return sensitivity.grid(scenario, request.x, request.y, steps=request.steps or 41, metric=request.metric,
                            policy="reoptimize" if request.policy == "belief" else request.policy,
                            node=request.node, overrides=request.overrides)


def _psa(scenario, request):
    return request.psa(scenario), {k: a.name for k, a in scenario.actors.items()}


def _compare(scenario, request):
    if not request.variants:
        raise UnknownChartError("compare chart: give one or more variants with --variant FILE")
    from ..analysis.compare import compare

    return compare([scenario, *request.variants])


def _cea(scenario, request):
    from ..analysis.cea import cea

    actors = [k for k, a in scenario.actors.items() if a.criterion is not None and a.criterion.kind == "net_benefit"]
    if not actors:
        raise UnknownChartError("cea chart: no actor has a net_benefit criterion (see 'scenarios cea')")
    uncertain = any(p.dist is not None for p in scenario.parameters.values()) or any(
        n.dist is not None for n in scenario.nodes.values())
    draws = request.psa_draws if request.psa_draws is not None else (1000 if uncertain else 0)
    return cea(scenario, actors[0], strategic=request.solve, overrides=request.overrides, draws=draws,
               seed=request.seed or 0)


def _draw_cea(data, request, *, ax, theme):
    return _charts().cea_chart(data, ax=ax, theme=theme)


def _draw_outcomes(data, request, *, ax, theme):
    return _charts().outcome_chart(data[0], psa=data[1], ax=ax, theme=theme)


def _draw_tags(data, request, *, ax, theme):
    return _charts().tag_chart(data[0], psa=data[1], ax=ax, theme=theme)


def _draw_options(data, request, *, ax, theme):
    scenario, node, result, solved = data
    return _charts().option_chart(scenario, node, result=result, solved=solved, ax=ax, theme=theme)


def _draw_tornado(data, request, *, ax, theme):
    return _charts().tornado_chart(data, ax=ax, theme=theme)


def _draw_spider(data, request, *, ax, theme):
    return _charts().spider_chart(data, ax=ax, theme=theme)


def _draw_two_way(data, request, *, ax, theme):
    return _charts().two_way_chart(data, ax=ax, theme=theme)


def _draw_psa(data, request, *, ax, theme):
    result, actor_names = data
    return _charts().psa_chart(result, request.of or "payoffs", kind="histogram" if request.histogram else "intervals",
                               ax=ax, theme=theme, actor_names=actor_names)


_SECTIONS = {"payoffs": "expected_payoffs", "solved": "solved_payoffs"}  # --of -> Comparison section


def _draw_compare(data, request, *, ax, theme):
    section = _SECTIONS.get(request.of or "outcomes", request.of or "outcomes")
    return _charts().comparison_chart(data, section, ax=ax, theme=theme)


register("outcomes", "outcome distribution, coloured by each outcome's first tag (--psa N adds 5-95 % intervals)",
         _outcomes, _draw_outcomes)
register("tags", "probability of ending in an outcome with each tag (--psa N adds intervals)", _tags, _draw_tags)
register("options", "expected payoff per actor of each option at a decision node (--node, default the root)",
         _options, _draw_options)
register("tornado", "one-way sensitivity of a metric to each parameter's low/high range (--metric)",
         _tornado, _draw_tornado)
register("spider", "the metric across each parameter's range (--metric, --steps)", _spider, _draw_spider)
register("two-way", "where each option is chosen over a grid of two parameters (--x, --y, --node)",
         _two_way, _draw_two_way)
register("psa", "probabilistic sensitivity: 5-95 % intervals of expected payoffs (--psa N, --of, --histogram)",
         _psa, _draw_psa)
def _timeline(scenario, request):
    from ..analysis.timeline import timeline

    if not scenario.evidence:
        raise UnknownChartError("timeline chart: the scenario has no dated 'evidence:' list (see docs/analysis.md)")
    return (timeline(scenario, overrides=request.overrides), {k: n.label for k, n in scenario.nodes.items()},
            scenario.title)


def _draw_timeline(data, request, *, ax, theme):
    from ..render.charts.timeline import timeline_chart

    result, labels, name = data
    return timeline_chart(result, labels=labels, ax=ax, theme=theme, name=name)


register("compare", "the scenario against variants given with --variant FILE (--of outcomes|tags|payoffs)",
         _compare, _draw_compare)
register("cea", "cost-effectiveness plane with the efficient frontier and, with --psa N (default 1000 when the "
         "file has distributions), the acceptability curve; the actor is the first with a net_benefit criterion",
         _cea, _draw_cea)
register("timeline", "P(tag) on each date of the scenario's dated evidence (every tag that moves), events marked",
         _timeline, _draw_timeline)
