"""Write output files atomically: a temporary file in the same folder, then a rename.

A reader (or a briefer's slide deck) never sees a half-written file, and an interrupted
write leaves nothing behind.  Every file the package writes goes through here.  A target
that exists must be a regular file: a device, FIFO or socket is never replaced, and an
existing scenario file (YAML, or JSON with ``nodes``/``extends``) is not overwritten
unless the caller says so.  A symbolic link is judged by what it points at; if that is a
regular file, the link itself is replaced by the new file (the file it pointed at is left
as it was).  A folder of files that belong together (the briefing pack) is built under a
temporary name and renamed into place (:func:`atomic_folder`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError  # defined in errors.py; importable here as before

__all__ = ["atomic_path", "atomic_folder", "write_atomic", "OutputError", "SCENARIO_SUFFIXES"]

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
    except OutputError:  # from the caller's own writing: already says which file
        raise
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


@contextlib.contextmanager
def atomic_folder(folder: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary folder next to ``folder``; on success it takes ``folder``'s place.

    An existing ``folder`` is moved aside, the new one renamed in, and the old one removed,
    so a reader sees the old folder or the new one, never a mix; on any failure (or an
    interrupt) the temporary folder is removed and ``folder`` is left as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "pack"
    >>> with atomic_folder(target) as tmp:
    ...     _ = (tmp / "a.txt").write_text("done")
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
    """
    folder = Path(folder)
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{folder}: error: folder {str(parent)!r} does not exist")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{folder}: error: exists and is not a folder")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:  # a read-only or full file system, no permission
        raise OutputError(f"{folder}: error: cannot make the folder ({exc.strerror or exc})") from None
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; give the usual permissions
    try:
        yield staging
        _swap_in(staging, folder)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{folder}: error: cannot write the folder ({exc.strerror or exc})") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, folder: Path) -> None:
    """Rename ``staging`` to ``folder``, moving an existing ``folder`` aside first (and back if
    the rename fails), then removing the old one."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    os.rmdir(old)  # only the unique name is wanted
    os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
