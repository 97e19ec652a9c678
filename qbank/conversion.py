"""What ``qbank import`` and ``qbank convert`` share: choosing a reader, reading inputs, naming banks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank import registry
from qbank.models import Bank
from qbank.readers import Reader

if TYPE_CHECKING:
    from qbank.readers.foreign.build import Media

__all__ = ["bank_names", "choose_reader", "read_inputs"]


def choose_reader(path: Path, fmt: str | None, media: Path | Media) -> Reader | str:
    """The reader for ``path`` (``fmt`` names it, else the first that recognises the file), or why none."""
    try:
        if fmt is not None:
            return registry.load_reader(fmt)(media=media)
        with path.open("rb") as handle:
            head = handle.read(4096)
        for name in registry.available_readers():
            if name == "markdown":
                continue
            cls = registry.load_reader(name)
            if cls.recognises(path, head):
                return cls(media=media)
        cls = registry.load_reader("markdown")
        if cls.recognises(path, head):
            return cls(media=media)
    except KeyError:
        return f"unknown input format `{fmt}`; installed: {', '.join(registry.available_readers())}"
    except registry.LoadError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    return (f"{path}: its format is not recognised; name it with --from "
            f"({', '.join(registry.available_readers())})")


def read_inputs(paths: list[Path], fmt: str | None, media: Path, progress: Callable[[int], None] | None = None,
                inside: Callable[[int, int], None] | None = None) -> tuple[list[Bank], list[dg.Diagnostic]]:
    """Every input read; ``progress`` is told each input's question count, ``inside`` the questions
    read so far inside one input (readers that can tell)."""
    from qbank.readers.foreign.build import Media

    banks: list[Bank] = []
    found: list[dg.Diagnostic] = []
    store = Media(media)  # one store for every input: two inputs' `img.png` stay two files
    for path in paths:
        reader = choose_reader(path, fmt, store)
        if isinstance(reader, str):
            found.append(dg.make("E904", reader, str(path), 1,
                                 hint="name the format with --from; `qbank import --help` lists them"))
            continue
        reader.progress = inside
        result = reader.read(path)
        banks += result.banks
        found += result.diagnostics
        if progress is not None:
            progress(sum(len(b.questions) for b in result.banks))
    return banks, found


def bank_names(banks: list[Bank], suffix: str) -> list[str]:
    """A file name per bank from its title (``Algebra: Basics`` → ``algebra-basics.md``), unique."""
    from qbank.readers.markdown import slug

    names: list[str] = []
    for bank in banks:
        base = slug(bank.title) or "bank"
        name, count = base + suffix, 1
        while name in names:
            count += 1
            name = f"{base}-{count}{suffix}"
        names.append(name)
    return names
