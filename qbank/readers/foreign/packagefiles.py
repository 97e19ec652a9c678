"""Images that question HTML refers to, found among a package's files.

Canvas writes course files as ``$IMS-CC-FILEBASE$/<folder path>/<name>`` (percent-encoded
``%24IMS-CC-FILEBASE%24`` by text2qti and qbank), with ``?canvas_download=1`` and
``canvas_qs_*`` query parameters on downloads (``lib/cc/cc_helper.rb``). Canvas's importer
(``app/models/importers/link_parser.rb``) un-escapes the token and looks the path up among
the package's files: here ``web_resources/<path>``, then ``<path>``, then any file whose path
ends with it (case ignored last). Other references are relative to the file that holds them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import unquote

from qbank.assets import MEDIA_TYPES, svg_problem

from .archive import Package
from .build import Media
from .report import Report

__all__ = ["ImageFiles"]

_TOKEN = re.compile(r"^\$IMS[-_]CC[-_]FILEBASE\$/", re.I)


class ImageFiles:
    """Resolves image references of one package and stores each image once in the reader's media."""

    def __init__(self, package: Package, media: Media, report: Report) -> None:
        self.package = package
        self.media = media
        self.report = report
        self._stored: dict[str, str | None] = {}  # member → name in the media folder

    def resolver(self, member: str) -> Callable[[str], str | None]:
        """src → the stored image's name, for HTML in ``member`` (relative references start there)."""
        folder = posixpath.dirname(member)
        return lambda src: self.resolve(src, folder)

    def member_for(self, src: str, folder: str) -> str | None:
        reference = re.sub(r"%24", "$", src.split("#", 1)[0], flags=re.I)
        path = reference.split("?", 1)[0]
        if _TOKEN.match(path):
            relative = unquote(_TOKEN.sub("", path))
            candidates = [f"web_resources/{relative}", relative]
        else:
            if re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I) or path.startswith("/"):
                return None
            relative = unquote(path)
            candidates = [posixpath.normpath(posixpath.join(folder, relative)), relative]
        for candidate in candidates:
            if not candidate.startswith("../") and candidate != ".." and self.package.has(candidate):
                return candidate
        tail = "/" + relative.lstrip("/")
        for ignore_case in (False, True):
            for name in self.package.names:
                if name.casefold().endswith(tail.casefold()) if ignore_case else name.endswith(tail):
                    return name
        return None

    def resolve(self, src: str, folder: str) -> str | None:
        member = self.member_for(src, folder)
        if member is None:
            return None
        if member not in self._stored:
            self._stored[member] = self._store(member)
        return self._stored[member]

    def _store(self, member: str) -> str | None:
        where = self.package.pos(member)
        if PurePosixPath(member).suffix.lower() not in MEDIA_TYPES:
            self.report.add("W701", f"`{member}` is not an SVG, PNG, JPEG, GIF or WebP image; it is dropped", where,
                            hint="convert it and add it to the imported bank by hand")
            return None
        data = self.package.read(member, self.report)
        if data is None:
            return None
        if member.lower().endswith(".svg"):
            problem = svg_problem(data)
            if problem:
                self.report.add("W701", f"SVG `{member}` {problem}; it is dropped", where,
                                hint="remove scripts, event handlers and external links, then add it by hand")
                return None
        name, why = self.media.add(PurePosixPath(member).name, data)
        if name is None:
            self.report.add("W701", f"image {why}; it is dropped", where, hint="add it to the imported bank by hand")
        return name
