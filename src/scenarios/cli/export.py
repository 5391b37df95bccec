"""``scenarios export FILE --to FORMAT -o OUT``: the scenario in another tool's format."""

from __future__ import annotations

from . import add_file


def cmd_export(args) -> int:
    from ..export import export
    from .commands import emit, load_scenario

    scenario = load_scenario(args)
    options = {"results": True} if args.results else {}
    content = export(scenario, args.to, args.output, **options)
    if args.output is None:
        emit(content if isinstance(content, str) else content.decode("utf-8"))
    return 0


def register(add) -> None:
    p = add("export", "write the scenario in another format (see --to)", cmd_export)
    add_file(p)
    p.add_argument("--to", metavar="FORMAT", required=True,
                   help="output format, e.g. json, efg, graphml, gexf, dot, mermaid, html")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.add_argument("--results", action="store_true",
                   help="include evaluation and solve results (formats that support it)")
