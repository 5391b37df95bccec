"""Reading input files safely: regular files only, within a size limit, as UTF-8 text.

Every file the package reads on a user's behalf (scenario files, ``extends:`` bases,
``.efg`` games, saved walks) comes through :func:`read_text_file`.  A FIFO, a device or a
socket is refused before it is opened (reading one could block forever or never end),
and so is a file larger than :func:`size_limit` (default 256 MB; set
``SCENARIOS_MAX_INPUT_BYTES`` to change it), so that no input can exhaust memory before
it is even parsed.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
>>> _ = path.write_text("title: t")
>>> read_text_file(path)
'title: t'
>>> read_text_file("/dev/null")
Traceback (most recent call last):
...
scenarios.errors.InputFileError: not a regular file (a device, FIFO or socket)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputFileError

__all__ = ["InputFileError", "read_text_file", "size_limit", "DEFAULT_LIMIT", "LIMIT_VARIABLE"]

#: Files larger than this are refused unless ``SCENARIOS_MAX_INPUT_BYTES`` says otherwise.
DEFAULT_LIMIT = 256 * 2**20
LIMIT_VARIABLE = "SCENARIOS_MAX_INPUT_BYTES"


def size_limit() -> int:
    """The largest input file accepted, in bytes (``SCENARIOS_MAX_INPUT_BYTES`` or 256 MB)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULT_LIMIT


def _megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n:,} bytes"


def read_text_file(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the regular file ``path``.

    Raises InputFileError (an OSError) for a missing or unreadable file, a directory, a
    file that is not a regular file, one over the size limit, or one that is not UTF-8.
    """
    path = Path(path)
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:
        raise InputFileError(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError("not a regular file (a device, FIFO or socket)", "not-regular")
    limit = size_limit()
    if info.st_size > limit:
        raise InputFileError(f"the file is {_megabytes(info.st_size)}, more than the limit of "
                             f"{_megabytes(limit)} (set {LIMIT_VARIABLE} to raise it)", "too-large")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # a file that grew since stat() is still bounded
    except OSError as exc:
        raise InputFileError(f"cannot read the file: {exc.strerror}") from None
    if len(data) > limit:
        raise InputFileError(f"the file is larger than the limit of {_megabytes(limit)} "
                             f"(set {LIMIT_VARIABLE} to raise it)", "too-large")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", "encoding") from None
