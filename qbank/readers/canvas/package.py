"""Where the quizzes and banks of a Canvas package are, in each of its layouts.

- **Quiz export** (``QtiManifest`` / ``generate_qti_only``): ``<quiz id>/<quiz id>.xml`` with
  ``<quiz id>/assessment_meta.xml``; ``non_cc_assessments/`` is empty. text2qti and qbank's
  canvas target write this layout too.
- **Course export** ``.imscc``: every quiz twice — ``<quiz id>/assessment_qti.xml`` in the
  lossy Common Cartridge profile (five types, groups flattened) and the full Canvas flavour in
  ``non_cc_assessments/<quiz id>.xml.qti`` — and every question bank as
  ``non_cc_assessments/<bank id>.xml.qti`` holding an ``objectbank``. The full flavour is read;
  the CC profile only for a quiz that has no full flavour, with a warning.
- **One QTI 1.2 file** (a ``questestinterop`` document), as other tools write.

Settings in ``<dir>/assessment_meta.xml`` apply to the quiz whose ident is ``<dir>``, as in
Canvas (``post_process_assessments``); a settings file that matches no quiz is reported.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from qbank import render
from qbank.models import Bank

from ..foreign import safexml
from ..foreign.archive import Package, open_input
from ..foreign.build import Ids, Media
from ..foreign.packagefiles import ImageFiles
from ..foreign.packagetext import PackageText
from ..foreign.report import Report
from .assessment import BankSource, bank_source, read_assessment, read_objectbank
from .idents import recover_key
from .items import ItemContext
from .meta import Meta, read_meta
from .qti12 import children, local

__all__ = ["read_canvas"]


@dataclass
class _Document:
    member: str
    root: etree._Element


def _hint_key(path: Path) -> str:
    name = path.name
    for suffix in (".canvas.zip", ".zip", ".imscc", ".xml.qti", ".xml", ".qti"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _documents(package: Package, report: Report) -> list[_Document]:
    """Every QTI 1.2 document of the package, course-export CC profiles left out where a full one exists."""
    found: list[_Document] = []
    for member in sorted(package.names):
        lower = member.lower()
        if not (lower.endswith((".xml", ".qti")) and not lower.endswith(("imsmanifest.xml", "assessment_meta.xml"))):
            continue
        if lower.startswith(("course_settings/", "wiki_content/", "web_resources/", "lti_resource_links/")):
            continue
        data = package.read(member, report)
        if data is None or b"questestinterop" not in data[:4096]:
            continue
        root = safexml.parse(data, package.pos(member).file, report.diagnostics)
        if root is not None and local(root) == "questestinterop":
            found.append(_Document(member, root))
    full = {a.get("ident", "") for d in found if d.member.startswith("non_cc_assessments/")
            for a in children(d.root, "assessment")}
    kept = []
    for document in found:
        if document.member.endswith("/assessment_qti.xml"):
            idents = {a.get("ident", "") for a in children(document.root, "assessment")}
            if idents & full:
                continue
            report.add("W703", "this quiz is only in the Common Cartridge profile, which keeps five question types "
                       "and flattens groups: what Canvas left out of it cannot be imported",
                       package.pos(document.member), hint="export it from Canvas as a quiz export as well")
        kept.append(document)
    return kept


def _metas(package: Package, text: PackageText, report: Report) -> dict[str, tuple[str, Meta]]:
    metas: dict[str, tuple[str, Meta]] = {}
    for member in package.names:
        if not member.endswith("assessment_meta.xml"):
            continue
        root = package.parse(member, report)
        if root is not None:
            metas[posixpath.basename(posixpath.dirname(member))] = (member, read_meta(
                root, member, package.pos(member).file, text, report))
    return metas


def read_canvas(path: Path, report: Report, media: Media, renderer: render.Renderer) -> list[Bank]:
    package = open_input(path, report)
    if package is None:
        return []
    with package:
        return _read(package, path, report, media, renderer)


def _read(package: Package, path: Path, report: Report, media: Media, renderer: render.Renderer) -> list[Bank]:
    files = ImageFiles(package, media, report)
    text = PackageText(report, media, renderer, files.resolver)
    documents = _documents(package, report)
    if report.failed:
        return []
    metas = _metas(package, text, report)
    banks: dict[str, BankSource] = {}
    bank_elements: list[tuple[BankSource, etree._Element]] = []
    for document in documents:
        for element in children(document.root, "objectbank"):
            source = bank_source(element, package.pos(document.member).file, document.member)
            banks[source.ident] = source
            bank_elements.append((source, element))
    items = {element.get("ident", ""): (element, document.member, package.pos(document.member).file)
             for document in documents for element in children(document.root, "item")}
    made: list[Bank] = []
    applied: set[str] = set()
    for document in documents:
        for element in children(document.root, "assessment"):
            ident = element.get("ident", "")
            key = recover_key(ident, (_hint_key(path),))
            meta = metas.get(ident)
            if meta is not None:
                applied.add(ident)
            ctx = ItemContext(report, text, document.member, package.pos(document.member).file, key, Ids(),
                              meta[1].shuffle if meta is not None and meta[1].shuffle is not None else True)
            bank = read_assessment(element, ctx, key, meta[1] if meta else None, banks, items)
            if bank is not None:
                made.append(bank)
    for folder, (member, _) in sorted(metas.items()):
        if folder not in applied:
            report.add("W701", f"quiz settings in `{member}` match no quiz ident `{folder}`; Canvas ignores them too, "
                       "and so does this import", package.pos(member),
                       hint="the folder of assessment_meta.xml must be named like the quiz's <assessment ident>")
    for source, element in bank_elements:
        ctx = ItemContext(report, text, source.member, source.file, None, Ids(), True)
        bank = read_objectbank(source, element, ctx)
        if bank is not None:
            made.append(bank)
    if not documents:
        report.add("E701", "no QTI 1.2 quiz or question bank found in this package", package.pos(""),
                   hint="a Canvas quiz export holds <quiz id>/<quiz id>.xml; a course export non_cc_assessments/")
    return made
