"""Finds targets (writers) and readers through their entry-point groups.

The core never imports a target or a foreign-format reader by name: qbank's own and any
third-party distribution's register the same way, and a module is imported only when used.
A target may declare diagnostic codes of its own; they are registered when it is loaded.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, cast

from qbank import diagnostics as dg

if TYPE_CHECKING:  # listing what is installed needs neither: loading a plugin does
    from qbank.exporter import Exporter
    from qbank.readers import Reader

TARGETS = "qbank.exporters"
READERS = "qbank.readers"

__all__ = ["READERS", "TARGETS", "LoadError", "available_readers", "available_targets",
           "load_reader", "load_target"]


class LoadError(Exception):
    """An installed plugin whose code cannot be imported (a broken or partial install)."""


def _available(group: str) -> dict[str, EntryPoint]:
    found = {ep.name: ep for ep in entry_points(group=group)}
    return dict(sorted(found.items()))


def available_targets() -> dict[str, EntryPoint]:
    """Installed targets by name (sorted)."""
    return _available(TARGETS)


def available_readers() -> dict[str, EntryPoint]:
    """Installed readers by name (sorted)."""
    return _available(READERS)


def _load(group: str, name: str, base: type[Any], what: str) -> type[Any]:
    installed = _available(group)
    if name not in installed:
        raise KeyError(name)
    entry = installed[name]
    try:
        cls = entry.load()
    except Exception as exc:  # a third-party plugin may fail in any way; report it, never crash
        raise LoadError(f"{what} `{name}` ({entry.value}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise LoadError(f"{what} `{name}` ({entry.value}) is not {'an' if what == 'target' else 'a'} "
                        f"{base.__name__} subclass")
    return cls


def load_target(name: str) -> type[Exporter]:
    """The exporter class of target ``name``; KeyError if no such target is installed."""
    from qbank.exporter import Exporter

    cls = cast(type[Exporter], _load(TARGETS, name, Exporter, "target"))
    try:
        dg.register_codes(cls.codes, owner=f"target `{name}`")
    except ValueError as exc:
        raise LoadError(str(exc)) from exc
    return cls


def load_reader(name: str) -> type[Reader]:
    """The reader class of format ``name``; KeyError if no such reader is installed."""
    from qbank.readers import Reader

    return cast(type[Reader], _load(READERS, name, Reader, "reader"))
