"""Saving a walk as JSON and replaying it: the saved form, its checks, the replay.

A saved walk records the scenario id, the seed, the overrides, each step (where it was
taken, to which child by which branch position, chosen or rolled, and a roll's number in the seeded stream) and how
many numbers were drawn; replaying re-draws every roll and checks it lands where it did.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..errors import SavedWalkError, ScenarioError
from .records import _clean

__all__ = ["WALK_FORMAT", "WALK_VERSION", "saved_form", "check_saved", "replay", "parse"]

#: ``format`` and ``version`` of a saved walk (JSON).
WALK_FORMAT = "scenarios-walk"
WALK_VERSION = 1


#: Bounds on what a saved walk may ask of a replay (a real walk is a few dozen steps).
MAX_ROLLS = 1_000_000
MAX_CHOICES = 100_000


def _shown(text: str, limit: int = 80) -> str:
    """``text`` for a message, cut to ``limit`` characters (a saved walk can be huge)."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def saved_form(walk) -> dict:
    """The saved form of ``walk``: scenario id, seed, overrides, choices and the number of rolls."""
    return {"format": WALK_FORMAT, "version": WALK_VERSION, "scenario": walk.scenario.id,
            "seed": walk.seed, "overrides": dict(walk.overrides),
            "choices": [{"at": s.at, "to": s.to, "branch": s.branch, "how": s.how, "draw": s.draw}
                        for s in walk.history],
            "rolls": walk.rolls, "path": list(walk.path),
            "probability": _clean(walk.path_probability)}


def parse(text: str) -> Any:
    """The JSON of a saved walk (SavedWalkError for text that is not JSON)."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise SavedWalkError(f"saved walk is not valid JSON: {exc}") from None
    except RecursionError:
        raise SavedWalkError("saved walk: nested too deeply to be a saved walk") from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise SavedWalkError(f"saved walk: {_shown(str(exc))}") from None


def replay(walk_class, scenario, data: Any):
    """A new ``walk_class`` on ``scenario`` that replays the saved ``data``, every roll re-drawn
    and checked (SavedWalkError where it does not replay)."""
    from .core import pick

    check_saved(data)
    if data["scenario"] != scenario.id:
        raise SavedWalkError(f"saved walk is for scenario {data['scenario']!r}, "
                             f"not {scenario.id!r}")
    try:
        walk = walk_class(scenario, seed=data["seed"], overrides=data["overrides"])
    except ScenarioError as exc:
        raise SavedWalkError(f"saved walk: its overrides do not apply: {exc}") from None
    rolls = data["rolls"]
    draws = [c["draw"] for c in data["choices"] if c["how"] == "rolled"]
    if any(b <= a for a, b in zip(draws, draws[1:], strict=False)) or any(d >= rolls for d in draws):
        raise SavedWalkError(f"saved walk: roll numbers {_shown(str(draws))} must increase and stay "
                             f"below 'rolls' ({rolls})")
    stream = np.random.default_rng(walk.seed).random(rolls)
    for n, choice in enumerate(data["choices"], 1):
        where = f"saved walk, choice {n}"
        if choice["at"] != walk.node_id:
            raise SavedWalkError(f"{where}: made at {choice['at']!r}, but the walk is at "
                                 f"{walk.node_id!r}")
        if walk.is_finished:
            raise SavedWalkError(f"{where}: the walk already ended at {walk.node_id!r}")
        options = walk.options
        if choice["to"] not in {o.to for o in options}:
            raise SavedWalkError(f"{where}: {walk.node_id!r} has no branch to {choice['to']!r} "
                                 f"(its options: {', '.join(o.to for o in options)})")
        branch = choice.get("branch")  # its position: several branches may lead to 'to'
        if choice["how"] == "chose":
            if branch is not None and not (branch < len(options) and options[branch].to == choice["to"]):
                raise SavedWalkError(f"{where}: branch {branch} of {walk.node_id!r} does not lead to "
                                     f"{choice['to']!r}")
            if branch is None:
                if sum(o.to == choice["to"] for o in options) > 1:
                    raise SavedWalkError(f"{where}: several branches of {walk.node_id!r} lead to "
                                         f"{choice['to']!r}; the choice needs its 'branch' position")
                branch = next(o.index for o in options if o.to == choice["to"])
            walk._take(options[branch], "chose")
        else:
            u = float(stream[choice["draw"]])
            picked = pick(options, u)
            if picked.to != choice["to"] or (branch is not None and picked.index != branch):
                raise SavedWalkError(
                    f"{where}: roll #{choice['draw']} now lands on {picked.to!r} (branch {picked.index}), not "
                    f"{choice['to']!r}{'' if branch is None else f' (branch {branch})'} "
                    "(were the scenario's numbers changed?)")
            walk._take(picked, "rolled", choice["draw"], u)
    walk._rng = np.random.default_rng(walk.seed)
    walk._rng.random(rolls)  # advance the stream past the numbers already drawn
    walk._draws = rolls
    return walk


def check_saved(data: Any) -> None:
    """Shape checks of a saved walk, each with a message that says what is wrong."""
    def bad(message: str):
        raise SavedWalkError(f"saved walk: {message}")

    if not isinstance(data, dict):
        bad(f"expected a JSON object, found {type(data).__name__}")
    if data.get("format") != WALK_FORMAT:
        bad(f"'format' must be {WALK_FORMAT!r} (is this a saved walk?)")
    if data.get("version") != WALK_VERSION:
        bad(f"unsupported version {data.get('version')!r} (this program reads {WALK_VERSION})")
    for key, kind in (("scenario", str), ("seed", int), ("rolls", int), ("choices", list),
                      ("overrides", dict)):
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            bad(f"{key!r} must be {'a ' + kind.__name__ if key != 'overrides' else 'an object'}, "
                f"found {_shown(repr(value))}")
    if data["seed"] < 0 or data["rolls"] < 0:
        bad("'seed' and 'rolls' must be >= 0")
    if data["rolls"] > MAX_ROLLS:  # each roll is a random number drawn again on replay
        bad(f"'rolls' is {data['rolls']:,}; a walk makes at most {MAX_ROLLS:,}")
    if len(data["choices"]) > MAX_CHOICES:
        bad(f"{len(data['choices']):,} choices; a walk makes at most {MAX_CHOICES:,}")
    for key, value in data["overrides"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            bad(f"override {key!r} must be a number or an expression, found {_shown(repr(value))}")
    for n, choice in enumerate(data["choices"], 1):
        if not isinstance(choice, dict) or not isinstance(choice.get("at"), str) \
                or not isinstance(choice.get("to"), str):
            bad(f"choice {n} must be an object with text 'at' and 'to', found {_shown(repr(choice))}")
        how, draw = choice.get("how"), choice.get("draw")
        if how not in ("chose", "rolled"):
            bad(f"choice {n}: 'how' must be 'chose' or 'rolled', found {_shown(repr(how))}")
        if how == "rolled" and (not isinstance(draw, int) or isinstance(draw, bool) or draw < 0):
            bad(f"choice {n}: a roll needs its 'draw' number (>= 0), found {_shown(repr(draw))}")
        if how == "chose" and draw is not None:
            bad(f"choice {n}: a choice has no 'draw', found {_shown(repr(draw))}")
        branch = choice.get("branch")
        if branch is not None and (not isinstance(branch, int) or isinstance(branch, bool) or branch < 0):
            bad(f"choice {n}: 'branch' must be a position >= 0, found {_shown(repr(branch))}")
