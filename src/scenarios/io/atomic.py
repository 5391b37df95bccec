"""Write output files atomically: a temporary file in the same folder, then a rename.

A reader (or a briefer's slide deck) never sees a half-written file, and an interrupted
write leaves nothing behind.  Every file the package writes goes through here.  A target
that exists must be a regular file: a device, FIFO or socket is never replaced, and an
existing scenario file (YAML, or JSON with ``nodes``/``extends``) is not overwritten
unless the caller says so.  A symbolic link is judged by what it points at; if that is a
regular file, the link itself is replaced by the new file (the file it pointed at is left
as it was).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import (
    OutputError,  # noqa: F401  (defined in errors.py; importable here as before)
    )

__all__ = ["atomic_path", "write_atomic", "OutputError", "SCENARIO_SUFFIXES"]

SCENARIO_SUFFIXES = (".yaml", ".yml")


def _check_target(path: Path, *, overwrite_scenarios: bool) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: error: folder {str(folder)!r} does not exist")
    try:
        info = path.stat()  # follows a symbolic link: what the link points at is judged
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{path}: error: cannot write there ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: error: is a directory")
    if not stat.S_ISREG(info.st_mode):
        # Renaming over a device (/dev/full, /dev/null), a FIFO or a socket would replace it
        # with a regular file, which as root is allowed and breaks the system.
        raise OutputError(f"{path}: error: not a regular file (a device, FIFO or socket); refusing to replace it")
    if not overwrite_scenarios and _is_scenario(path):
        raise OutputError(f"{path}: error: refusing to overwrite an existing scenario file")


def _is_scenario(path: Path) -> bool:
    """A YAML file, or a JSON file whose top level is a scenario's (``nodes`` or ``extends``)."""
    suffix = path.suffix.lower()
    if suffix in SCENARIO_SUFFIXES:
        return True
    if suffix != ".json":
        return False
    try:
        if path.stat().st_size > 64 * 2**20:  # a JSON scenario that large: leave it alone
            return True
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and ("nodes" in data or "extends" in data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite_scenarios: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed onto ``path``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    _check_target(path, overwrite_scenarios=overwrite_scenarios)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix,
                                        dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise OutputError(f"{path}: error: cannot write there ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: error: cannot write the file ({exc.strerror})") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def write_atomic(path: str | os.PathLike, data: str | bytes, *, overwrite_scenarios: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; return the path."""
    with atomic_path(path, overwrite_scenarios=overwrite_scenarios) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)
