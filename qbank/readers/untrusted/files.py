"""Images that question HTML refers to, found among a package's files.

Canvas writes course files as ``$IMS-CC-FILEBASE$/<folder path>/<name>`` (percent-encoded
``%24IMS-CC-FILEBASE%24`` by text2qti and qbank), with ``?canvas_download=1`` and
``canvas_qs_*`` query parameters on downloads (``lib/cc/cc_helper.rb``). Canvas's importer
(``app/models/importers/link_parser.rb``) un-escapes the token and looks the path up among
the package's files: here ``web_resources/<path>``, then ``<path>``, then any file whose path
ends with it (case ignored last). Other references are relative to the file that holds them.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import unquote

from qbank.assets import MEDIA_TYPES, svg_problem
from qbank.models import Pos

from .archive import Package
from .images import PackageImage, safe_name
from .report import Report

__all__ = ["ImageFiles"]

ImageResolverFn = Callable[[str], PackageImage | None]
_TOKEN = re.compile(r"^\$IMS[-_]CC[-_]FILEBASE\$/", re.I)


class ImageFiles:
    """Resolves image references of one package; each file gets one unique name."""

    def __init__(self, package: Package, report: Report) -> None:
        self.package = package
        self.report = report
        self._names: dict[str, str] = {}  # member → name
        self._taken: dict[str, str] = {}  # name → member
        self._cache: dict[str, PackageImage | None] = {}

    def resolver(self, member: str) -> ImageResolverFn:
        folder = posixpath.dirname(member)
        return lambda src: self.resolve(src, folder)

    def member_for(self, src: str, folder: str) -> str | None:
        reference = src.split("#", 1)[0]
        reference = re.sub(r"%24", "$", reference, flags=re.I)
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
            if candidate.startswith("../") or candidate == "..":
                continue
            if self.package.has(candidate):
                return candidate
        tail = "/" + relative.lstrip("/")
        for ignore_case in (False, True):
            for name in self.package.names:
                if (name.casefold().endswith(tail.casefold()) if ignore_case else name.endswith(tail)):
                    return name
        return None

    def resolve(self, src: str, folder: str) -> PackageImage | None:
        member = self.member_for(src, folder)
        if member is None:
            return None
        if member in self._cache:
            return self._cache[member]
        found = self._load(member)
        self._cache[member] = found
        return found

    def _load(self, member: str) -> PackageImage | None:
        suffix = PurePosixPath(member).suffix.lower()
        where = self.package.pos(member)
        if suffix not in MEDIA_TYPES:
            self.report.add("W701", f"`{member}` is not an SVG, PNG, JPEG, GIF or WebP image; it is dropped", where,
                            hint="convert it and add it to the imported bank by hand")
            return None
        data = self.package.read(member, self.report)
        if data is None:
            return None
        if suffix == ".svg":
            problem = svg_problem(data)
            if problem:
                self.report.add("W701", f"SVG `{member}` {problem}; it is dropped", where,
                                hint="remove scripts, event handlers and external links, then add it by hand")
                return None
        name = safe_name(member)
        if self._taken.get(name, member) != member:
            stem, ext = posixpath.splitext(name)
            name = f"{stem}-{hashlib.sha256(member.encode()).hexdigest()[:8]}{ext}"
        self._taken[name] = member
        self._names[member] = name
        return PackageImage(name, data)

    def pos(self, member: str, line: int) -> Pos:
        return self.package.pos(member, line)
