"""``scenarios schema`` and ``scenarios import``: moving scenarios between tools.

``schema`` prints the JSON Schema of scenario files (for editors); ``import`` turns a
Gambit ``.efg`` game of perfect information into a scenario YAML file.  The ``export``
command lives in :mod:`scenarios.cli.export`.
"""

from __future__ import annotations

import sys


def cmd_schema(args) -> int:
    from ..io.schema import schema_path, schema_text
    from .commands import emit

    if args.path:
        emit(str(schema_path()))
    elif args.output:
        from ..io.atomic import write_atomic

        write_atomic(args.output, schema_text())
    else:
        emit(schema_text())
    return 0


def cmd_import(args) -> int:
    from pathlib import Path

    from ..io.dump import dump, dumps
    from ..io.efg_import import load_efg

    source = Path(args.file)
    if source.suffix.lower() != ".efg":
        from ..errors import Diagnostic, ScenarioFileError

        raise ScenarioFileError([Diagnostic(str(source), 1, 1, "error", "format",
                                            "can only import Gambit extensive-form games (.efg files)")])
    stem = Path(args.output).stem if args.output else source.stem
    scenario = load_efg(source, id=args.id or _identifier(stem))
    if args.output is None:
        sys.stdout.write(dumps(scenario))
        return 0
    dump(scenario, args.output, overwrite=args.force)
    print(f"wrote {args.output} ({len(scenario.nodes)} nodes, {len(scenario.actors)} actors)",
          file=sys.stderr)
    return 0


def _identifier(stem: str) -> str:
    import re

    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return slug or "imported-game"


def register(add) -> None:
    p = add("schema", "print the JSON Schema of scenario files (for editors' completion and checks)",
            cmd_schema)
    p.add_argument("--path", action="store_true",
                   help="print where the installed schema file is instead of its text")
    p.add_argument("-o", "--output", metavar="OUT", help="write the schema to a file")
    p = add("import", "convert a Gambit .efg game into a scenario file (information sets included)",
            cmd_import)
    p.add_argument("file", metavar="FILE.efg", help="Gambit extensive-form game file")
    p.add_argument("-o", "--output", metavar="OUT.yaml",
                   help="scenario file to write (default: standard output)")
    p.add_argument("--id", help="the scenario's id (default: from the output or input file name)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
