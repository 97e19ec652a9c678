"""Readers: a source file → question banks (:class:`~qbank.models.Bank`) plus diagnostics.

Pandoc's shape: every reader builds the same model, with source positions in the file it
read, and every writer (exporter) reads only the model; neither knows the other. qbank's own
format is Markdown (:mod:`qbank.readers.markdown`); other formats (Moodle XML, GIFT, QTI)
implement :class:`Reader` too and register in the ``qbank.readers`` entry-point group, so
``qbank import`` finds them as ``qbank export`` finds targets.

A reader never raises for bad input: what it cannot read is a diagnostic naming the file,
the line and what to do, and ``banks`` holds what could be read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from qbank import diagnostics as dg
from qbank.models import Bank

if TYPE_CHECKING:  # rendering loads Markdown, nh3 and lxml: only when something is rendered
    from qbank.readers.foreign.build import Media
    from qbank.render import Renderer

__all__ = ["ReadResult", "Reader"]


@dataclass
class ReadResult:
    """What reading one input gave: the banks in it (one file may hold several) and diagnostics."""

    banks: list[Bank] = field(default_factory=list)
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


class Reader(ABC):
    """One input format. Subclasses set the class attributes and implement :meth:`read`."""

    name: ClassVar[str]  # e.g. "markdown", "moodle-xml"
    description: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]  # file name endings this format usually has, e.g. (".xml",)

    def __init__(self, *, renderer: Renderer | None = None, media: Path | Media | None = None) -> None:
        """``renderer``: the rendering service the checks made while reading use.

        ``media``: the folder where the reader stores the files its input carries (a Moodle
        export's images, a package's files), which the model's ``Image.path`` then points to;
        default: a temporary folder, removed when the reader is. Readers given one
        :class:`~qbank.readers.foreign.build.Media` store into it together, so files of the same
        name from different inputs stay apart.
        """
        if renderer is None:
            from qbank.render import shared

            renderer = shared()
        self.renderer = renderer
        self.media_folder = media if media is None or isinstance(media, Path) else media.folder
        self._media: Media | None = None if media is None or isinstance(media, Path) else media
        # Set by the caller to follow a large input: called with (questions read, questions in the input).
        self.progress: Callable[[int, int], None] | None = None

    @property
    def media(self) -> Media:
        """Where this reader stores the files of what it reads (see ``media`` above)."""
        if self._media is None:
            from qbank.readers.foreign.build import Media

            self._media = Media(self.media_folder)
        return self._media

    @classmethod
    def recognises(cls, path: Path, head: bytes) -> bool:
        """Whether ``path`` (whose first bytes are ``head``) looks like this format.

        The default goes by the file name; a format whose files share a suffix with another
        (``.xml``, ``.zip``) looks at ``head`` as well.
        """
        return path.name.lower().endswith(cls.suffixes)

    @abstractmethod
    def read(self, path: Path) -> ReadResult:
        """Read ``path``; never raises for bad input (it becomes a diagnostic)."""
