"""Write the hostile files of this folder (run once; the files are committed).

Each file is one class of hostile input; tests/test_hostile_cli.py runs the whole command
line against every file here and checks exit 0, 1 or 2, no traceback, a bounded message and
nothing written on failure.  ``python tests/data/hostile/make.py`` rewrites them.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
COIN = {"title": "Coin", "nodes": {"flip": {"kind": "chance", "branches": [{"to": "heads", "p": 0.5},
                                                                            {"to": "tails", "p": "rest"}]},
                                   "heads": {"kind": "outcome"}, "tails": {"kind": "outcome"}}}


def coin(**changes) -> dict:
    data = json.loads(json.dumps(COIN))
    data.update(changes)
    return data


def walk(**changes) -> str:
    data = {"format": "scenarios-walk", "version": 1, "scenario": "entry-deterrence", "seed": 3,
            "overrides": {}, "choices": [{"at": "entry", "to": "stay_out", "how": "rolled", "draw": 0}],
            "rolls": 1, "path": ["entry", "stay_out"], "probability": 0.5}
    data.update(changes)
    return json.dumps(data)


LAUGHS = "title: lol\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)) + \
    "nodes: {x: {kind: outcome, label: *i}}\n"

FILES: dict[str, str | bytes] = {
    # -- YAML the parser must refuse or bound
    "yaml_bomb.yaml": LAUGHS,
    "python_object.yaml": "title: !!python/object/apply:os.system ['touch pwned']\nnodes: {a: {kind: outcome}}\n",
    "python_name.yaml": "title: T\nnodes: !!python/name:os.system\n",
    "deep_flow.yaml": "title: T\nnodes: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "merge_bomb.yaml": "title: T\nbase: &b {kind: outcome}\nnodes: {a: {<<: *b}}\n",
    "escape_codes.yaml": 'title: "clear \\e[2J and retitle \\e]0;pwned\\a"\nnodes: {a: {kind: outcome}}\n',
    "binary.yaml": bytes(range(256)) * 4,
    "utf16.yaml": "title: T\nnodes: {a: {kind: outcome}}\n".encode("utf-16"),
    "empty.yaml": "",
    "only_comment.yaml": "# nothing\n",
    "long_line.yaml": "title: " + "x" * 100_000 + "\nnodes: {a: {kind: outcome}}\n",
    "long_key.json": json.dumps({"title": "T", "k" * 50_000: 1, "nodes": {"a": {"kind": "outcome"}}}),
    # -- JSON
    "deep_nesting.json": "[" * 5_000 + "]" * 5_000,
    "huge_integer.json": '{"title": "T", "nodes": {"a": {"kind": "outcome", "payoffs": {"x": 1' + "0" * 5000 + "}}}}",
    "lone_surrogate.json": '{"title": "\\ud800", "nodes": {"a": {"kind": "outcome"}}}',
    "nan_infinity.json": '{"title": "T", "actors": {"x": {}}, "nodes": {"a": {"kind": "outcome", '
                         '"payoffs": {"x": NaN}}, "b": {"kind": "outcome", "payoffs": {"x": Infinity}}}}',
    "control_characters.json": json.dumps(coin(title="T\u001b[2J\u001b]0;pwned\u0007",
                                               actors={"r\u001b[31m": {}})),
    "truncated.json": json.dumps(COIN)[:40],
    # -- expressions: parsed by our own parser, never run
    "expression_injection.yaml": (
        "title: T\nparameters:\n  a: \"__import__('os').system('touch pwned')\"\n"
        "  b: \"().__class__.__bases__[0]\"\n  c: \"lambda: 1\"\nnodes: {x: {kind: outcome}}\n"),
    "power_tower.yaml": ("title: T\nactors: {r: {}}\nparameters:\n  big: '9 ** 9 ** 9 ** 9'\n"
                         "  wide: '10 ** 400'\nnodes: {x: {kind: outcome, payoffs: {r: big}}}\n"),
    "deep_parentheses.yaml": "title: T\nparameters: {a: '" + "(" * 5000 + "1" + ")" * 5000 + "'}\n"
                             "nodes: {x: {kind: outcome}}\n",
    "long_expression.yaml": "title: T\nparameters: {a: '" + "+".join(["1"] * 20_000) + "'}\n"
                            "nodes: {x: {kind: outcome}}\n",
    # -- structure
    "cycle.yaml": ("title: T\nnodes:\n  a: {kind: chance, branches: [{to: b, p: 1}]}\n"
                   "  b: {kind: chance, branches: [{to: a, p: 1}]}\n"),
    "many_problems.yaml": "title: T\nnodes:\n" + "".join(f"  n{i}: {{kind: outcome, colour: red}}\n"
                                                          for i in range(3000)),
    "html_in_text.yaml": (
        "title: \"</script><script>alert(1)</script>\"\nsummary: \"<img src=x onerror=alert(1)>\"\n"
        "actors: {r: {name: \"<b>R</b>\"}}\nnodes:\n"
        "  a: {kind: decision, actor: r, label: \"]]><!--\", text: \"{{7*7}} ${7*7} `rm -rf`\", branches:\n"
        "      [{to: b, label: \"</svg><script>x</script>\"}, {to: c, label: \"| table | *md*\"}]}\n"
        "  b: {kind: outcome, payoffs: {r: 1}, tags: [\"<tag>\"]}\n  c: {kind: outcome, payoffs: {r: 0}}\n"),
    # -- variants
    "extends_system_file.yaml": "title: V\nextends: /etc/passwd\n",
    "extends_parent.yaml": "title: V\nextends: ../../../../../../../../etc/hostname\n",
    "extends_self.yaml": "title: V\nextends: extends_self.yaml\n",
    # -- saved walks (resumed with entry-deterrence)
    "walk_absurd_rolls.json": walk(rolls=10 ** 12),
    "walk_deep.json": walk()[:-1] + ', "extra": ' + "[" * 5_000 + "]" * 5_000 + "}",
    "walk_huge_seed.json": walk().replace('"seed": 3', '"seed": 9' + "9" * 5000),
    "walk_wrong_types.json": walk(choices="entry", seed="x", overrides=[1, 2]),
    # -- Gambit .efg
    "huge_integer.efg": 'EFG 2 R "G" { "A" }\n""\nt "" 1 "o" { 1' + "0" * 5000 + " }\n",
    "garbage.efg": "EFG 2 R \"G\" { \"A\" \"B\" }\n\"\"\np \"\" 1 1 \"x\" { \"a\" } 0\nc c c c {{{ \"\n",
    # a chain of 3,000 chance nodes ("on" goes deeper, "off" ends), in Gambit's prefix order
    "deep.efg": ('EFG 2 R "Deep" { "A" }\n""\n'
                 + "".join(f'c "" {i + 1} "n{i}" {{ "on" 1 "off" 0 }} 0\n' for i in range(3000))
                 + 't "" 1 "last" { 1 }\n' + 't "" 2 "off" { 0 }\n' * 3000),
    "too_many_players.efg": 'EFG 2 R "G" { ' + " ".join(f'"p{i}"' for i in range(20_000)) + ' }\n""\n'
                            't "" 1 "o" { 0 }\n',
}


def generated() -> dict[str, str]:
    """Hostile files too large to keep in the repository, made by the test that uses them."""
    many = [{"at": "entry", "to": "x", "how": "chose", "draw": None}] * 100_001
    return {"walk_many_choices.json": walk(choices=many)}


def main() -> None:
    for name, content in FILES.items():
        path = HERE / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    print(f"wrote {len(FILES)} files to {HERE}")


if __name__ == "__main__":
    main()
