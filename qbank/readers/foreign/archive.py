"""Zip packages (IMS content packages, Canvas exports, ``.imscc``) read as untrusted input.

The whole package is refused (``E702``) when any member could do harm or is out of bounds,
before any member is used: a reader never sees half a package. Sizes are checked against
the central directory first and again while each member is inflated, because a zip's size
fields are written by whoever made it.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from qbank.models import Pos

from .report import Report

if TYPE_CHECKING:  # lxml loads when a member is parsed, not when a reader recognises a package
    from lxml import etree

__all__ = ["LIMITS", "Limits", "Package", "is_zip", "open_input", "open_package", "peek", "single_file"]


@dataclass(frozen=True)
class Limits:
    members: int = 20_000  # a course export with thousands of files stays well below
    member_bytes: int = 64 * 1024 * 1024
    total_bytes: int = 512 * 1024 * 1024
    ratio: int = 200  # inflated/deflated size of a member larger than ``ratio_floor``
    ratio_floor: int = 1024 * 1024
    package_bytes: int = 1024 * 1024 * 1024  # the zip file itself


LIMITS = Limits()
_HINT = "the package may be damaged or hostile; export it again from its LMS"


def is_zip(head: bytes) -> bool:
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def peek(path: Path, member: str, limit: int = 1 << 20) -> tuple[list[str], bytes] | None:
    """The names in the zip at ``path`` and the first ``limit`` bytes of ``member`` (``b""`` when it
    has none), or None when it is not a readable zip: enough for a reader to recognise a package.
    Nothing here is checked against the limits; :func:`open_package` checks all of them."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if member not in names:
                return names, b""
            with archive.open(member) as handle:
                return names, handle.read(limit)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None


@dataclass
class Package:
    """The members of a checked zip (or of a folder, or one file), read on demand with the limits."""

    path: str  # the package as given: diagnostics name members as ``path/member``
    _archive: zipfile.ZipFile | None
    _folder: Path | None
    names: tuple[str, ...]
    limits: Limits
    _known: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._known = frozenset(self.names)

    def pos(self, member: str, line: int = 1, col: int = 1) -> Pos:
        return Pos(file=f"{self.path}/{member}" if member else self.path, line=line, col=col)

    def has(self, name: str) -> bool:
        return name in self._known

    def find(self, name: str, *, ignore_case: bool = False) -> str | None:
        """The member called ``name`` (optionally ignoring case), or None."""
        if name in self._known:
            return name
        if ignore_case:
            wanted = name.casefold()
            return next((n for n in self.names if n.casefold() == wanted), None)
        return None

    def read(self, name: str, report: Report) -> bytes | None:
        """The member's bytes, or None (with E702) when it inflates past the limits."""
        if self._folder is not None:
            return (self._folder / name).read_bytes()
        assert self._archive is not None
        data = bytearray()
        with self._archive.open(name) as member:
            while chunk := member.read(1 << 16):
                data += chunk
                if len(data) > self.limits.member_bytes:
                    report.add("E702", f"`{name}` inflates past {self.limits.member_bytes // 1048576} MiB, more "
                               "than its header says: refused as a decompression bomb", self.pos(name), hint=_HINT)
                    return None
        return bytes(data)

    def parse(self, name: str, report: Report) -> etree._Element | None:
        """The member parsed as untrusted XML (:mod:`.safexml`), or None with the reason in ``report``."""
        from . import safexml

        data = self.read(name, report)
        return safexml.parse(data, self.pos(name).file, report.diagnostics) if data is not None else None

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\x00" in name:
        return "has a NUL character in its name"
    unix = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(unix):
        return "is a symbolic link"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "has a `..` path that leaves the package"
    if info.flag_bits & 0x1:
        return "is encrypted"
    return None


def open_package(path: Path, report: Report, limits: Limits = LIMITS) -> Package | None:
    """The checked package at ``path`` (a zip file), or None with the reason in ``report``.

    Members are read from the file as they are asked for: a course export may be most of a GiB."""
    where = Pos(file=str(path), line=1)
    try:
        size = path.stat().st_size
        if size > limits.package_bytes:
            report.add("E702", f"the package is {size // 1048576} MiB; the limit is "
                       f"{limits.package_bytes // 1048576} MiB", where, hint="import its quizzes in smaller exports")
            return None
        path.open("rb").close()
    except OSError as exc:
        report.add("E701", f"cannot read the file: {exc.strerror or exc}", where, hint="check the path and permissions")
        return None
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        report.add("E701", f"not a readable zip file ({exc})", where, hint=_HINT)
        return None
    problem = _package_problem(archive, limits)
    if problem is not None:
        archive.close()
        report.add("E702", problem, where, hint=_HINT)
        return None
    names = tuple(info.filename for info in archive.infolist() if not info.is_dir())
    return Package(str(path), archive, None, names, limits)


def _package_problem(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    """Why the whole package is refused (a member that could do harm, or sizes out of bounds), or None."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > limits.members:
        return f"the package has {len(infos)} files; the limit is {limits.members}"
    seen: set[str] = set()
    total = 0
    for info in archive.infolist():
        problem = _member_problem(info)
        if problem is None and info.filename.rstrip("/") in seen:
            problem = "appears twice"
        if problem is None and not info.is_dir():
            total += info.file_size
            if info.file_size > limits.member_bytes:
                problem = f"is {info.file_size // 1048576} MiB; the limit is {limits.member_bytes // 1048576} MiB"
            elif (info.file_size > limits.ratio_floor
                  and info.file_size > limits.ratio * max(info.compress_size, 1)):
                problem = (f"inflates {info.file_size // max(info.compress_size, 1)} times; more than "
                           f"{limits.ratio} times is refused as a decompression bomb")
        if problem is not None:
            return f"package member `{info.filename}` {problem}: the package is refused"
        seen.add(info.filename.rstrip("/"))
    if total > limits.total_bytes:
        return f"the package inflates to {total // 1048576} MiB; the limit is {limits.total_bytes // 1048576} MiB"
    return None


def single_file(path: Path, report: Report, limits: Limits = LIMITS) -> Package | None:
    """A one-file 'package' (a bare XML file), read with the member limit."""
    where = Pos(file=str(path), line=1)
    try:
        size = path.stat().st_size
    except OSError as exc:
        report.add("E701", f"cannot read the file: {exc.strerror or exc}", where, hint="check the path and permissions")
        return None
    if size > limits.member_bytes:
        report.add("E702", f"the file is {size // 1048576} MiB; the limit is {limits.member_bytes // 1048576} MiB",
                   where, hint="split it into smaller files")
        return None
    return Package(str(path.parent), None, path.parent, (path.name,), limits)


def open_input(path: Path, report: Report, limits: Limits = LIMITS) -> Package | None:
    """The package at ``path``: the checked zip when it is one, else the one file it is; None with
    the reason in ``report``."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        head = b""  # single_file reports why it cannot be read
    return open_package(path, report, limits) if is_zip(head) else single_file(path, report, limits)
