"""``scenarios export FILE --to FORMAT -o OUT``: the scenario in another tool's format."""

from __future__ import annotations

from typing import Any

from . import add_file, add_set


def cmd_export(args) -> int:
    from ..export import export, formats
    from .commands import emit, load_scenario, overrides_of

    scenario = load_scenario(args)
    options: dict[str, Any] = {}
    if args.results:
        options["results"] = True
    if args.overrides:
        options["overrides"] = overrides_of(args)
    module = formats().get(args.to)
    if module is not None:
        _check_options(module, options)
    content = export(scenario, args.to, args.output, **options)
    if args.output is None:
        emit(content if isinstance(content, str) else content.decode("utf-8"))
    return 0


def _check_options(module, options: dict) -> None:
    """A clear error (not a TypeError) for an option the format does not take."""
    import inspect

    from ..export._shared import ExportOptionError

    parameters = inspect.signature(module.export).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    flags = {"results": "--results", "overrides": "--set"}
    for name in options:
        if name not in parameters:
            raise ExportOptionError(f"export --to {module.FORMAT}: {flags[name]} is not supported by "
                                    f"this format")


def register(add) -> None:
    p = add("export", "write the scenario in another format (see --to)", cmd_export)
    add_file(p)
    p.add_argument("--to", metavar="FORMAT", required=True,
                   help="output format: json, efg, graphml, gexf, dot, mermaid, html, whatif")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.add_argument("--results", action="store_true",
                   help="include evaluation and solve results (formats that support it)")
    add_set(p)
