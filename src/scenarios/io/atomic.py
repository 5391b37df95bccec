"""Write output files atomically: a temporary file in the same folder, then a rename.

A reader (or a briefer's slide deck) never sees a half-written file, and an interrupted
write leaves nothing behind.  Every file the package writes goes through here.
"""

from __future__ import annotations

import contextlib
import os
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
    if path.is_dir():
        raise OutputError(f"{path}: error: is a directory")
    if path.exists() and path.suffix.lower() in SCENARIO_SUFFIXES and not overwrite_scenarios:
        raise OutputError(f"{path}: error: refusing to overwrite an existing scenario file")


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
