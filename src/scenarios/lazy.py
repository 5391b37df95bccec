"""Names of a package imported on first use (PEP 562), written once for every package.

``scenarios``, ``scenarios.render`` and ``scenarios.briefing`` list their public names and
the module each comes from; :func:`lazy_names` gives them the module ``__getattr__`` and
``__dir__`` that import a name's module only when the name is first used, so that
``scenarios --help`` loads neither numpy nor matplotlib.

>>> getattr_, dir_ = lazy_names("scenarios.formatting", {"percent": "scenarios.formatting"})
>>> getattr_("percent")(0.5)
'50.0%'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose name ``n`` lives in module ``exports[n]``
    (absolute, or relative to the package)."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name], package), name)
            setattr(sys.modules[package], name, value)  # later lookups skip this function
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
