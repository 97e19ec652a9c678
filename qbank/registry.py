"""Finds targets through the ``qbank.exporters`` entry-point group.

The core never imports an exporter by name: qbank's own targets and any third-party
distribution's register the same way, and a target's module is imported only when used.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from qbank.exporter import Exporter

GROUP = "qbank.exporters"


def available() -> dict[str, EntryPoint]:
    """Installed targets by name (sorted)."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    return dict(sorted(found.items()))


class TargetLoadError(Exception):
    """An installed target whose code cannot be imported (a broken or partial install)."""


def load(name: str) -> type[Exporter]:
    """The exporter class of target ``name``; KeyError if no such target is installed."""
    targets = available()
    if name not in targets:
        raise KeyError(name)
    try:
        cls = targets[name].load()
    except Exception as exc:  # a third-party plugin may fail in any way; report it, never crash
        raise TargetLoadError(f"target `{name}` ({targets[name].value}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise TargetLoadError(f"target `{name}` ({targets[name].value}) is not an Exporter subclass")
    return cls
