"""Subcommands of the ``qbank`` CLI: every module here with ``add_parser(subparsers)``.

Modules are discovered, so adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

_ORDER = ("lint", "export", "build", "targets")


def _discover() -> tuple[ModuleType, ...]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name != "common"]
    names.sort(key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n))
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


COMMANDS: tuple[ModuleType, ...] = _discover()
