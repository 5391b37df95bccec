"""Bundled scenarios: list their names and resolve a name to a file.

The scenario files live in the repository's ``scenarios/`` folder and are shipped inside
the package (``scenarios/bundled/``) so bundled names work from an installed wheel too.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_names", "bundled_path", "is_bundled", "SUFFIXES"]

SUFFIXES = (".yaml", ".yml", ".json")


def _folders() -> list[Path]:
    folders = []
    # The package is installed as files (never zipped), so its folder is a path: no need of
    # importlib.resources, whose import (tempfile, zipfile, random) costs a small command.
    packaged = Path(__file__).resolve().parents[1] / "bundled"
    if packaged.is_dir():
        folders.append(packaged)
    checkout = Path(__file__).resolve().parents[3] / "scenarios"  # editable install / checkout
    if checkout.is_dir() and checkout not in folders:
        folders.append(checkout)
    return folders


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, sorted.

    >>> "donbas-recognition-2022" in bundled_names()
    True
    """
    names: set[str] = set()
    for folder in _folders():
        names.update(f.stem for f in folder.iterdir() if f.suffix in SUFFIXES and f.is_file())
    return sorted(names)


def bundled_path(name: str) -> Path | None:
    """The file of bundled scenario ``name``, or None."""
    for folder in _folders():
        for suffix in SUFFIXES:
            candidate = folder / (name + suffix)
            try:
                if candidate.is_file():
                    return candidate
            except (OSError, ValueError):  # a name the OS refuses (too long, NUL byte)
                return None
    return None


def is_bundled(path: Path) -> bool:
    """True for a file in a bundled scenarios folder (links resolved).

    >>> is_bundled(bundled_path("entry-deterrence")), is_bundled(Path("/etc/passwd"))
    (True, False)
    """
    try:
        resolved = path.resolve()
        return any(resolved.is_relative_to(folder.resolve()) for folder in _folders())
    except OSError:  # pragma: no cover - unresolvable path
        return False
