"""A bank as an IMS content package: items, one assessment test, images and the manifest.

Layout (the same for both versions)::

    imsmanifest.xml
    assessment.xml            the test: the bank's order, groups as sections (pools select), limits
    items/<question id>.xml   one item per question
    items/images/<name>       the images, referred to from items as images/<name>
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from qbank import render
from qbank.archive import build_zip
from qbank.assets import AssetTable
from qbank.models import Bank, Question

from . import scoring as sc
from .content import MEDIA_FOLDER, ContentBuilder
from .items import BuiltItem, blocks, build_item
from .tree import XSI_NS, Dialect, document, indent, qti

TEST_FILE = "assessment.xml"
ITEM_FOLDER = "items"
# xs:language, the type of xml:lang in both QTI schemas.
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


def language_tag(bank: Bank) -> str | None:
    """The bank's language as xml:lang, or None when it is not a language tag."""
    return bank.language if _LANGUAGE.fullmatch(bank.language) else None


def slug(text: str) -> str:
    """An NCName-safe identifier part."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "bank"


def bank_slug(bank: Bank) -> str:
    stem = re.sub(r"\.md$", "", bank.path.replace("\\", "/").rsplit("/", 1)[-1])
    return slug(stem)


def item_path(question: Question) -> str:
    return f"{ITEM_FOLDER}/{question.id}.xml"


def _time_limits(seconds: int | None) -> list[etree._Element]:
    return [] if seconds is None else [qti("timeLimits", {"maxTime": seconds})]


def build_test(bank: Bank, questions: Sequence[Question], content: ContentBuilder) -> etree._Element:
    groups = {group.id: group for group in bank.groups}
    test = qti("assessmentTest", {"identifier": f"test-{bank_slug(bank)}", "title": bank.title,
                                  "toolName": "qbank"})
    for identifier in (sc.SCORE, sc.MAXSCORE):
        test.append(qti("outcomeDeclaration", {"identifier": identifier, "cardinality": "single",
                                               "baseType": "float"}))
    test.extend(_time_limits(bank.quiz_time_limit(questions)))
    attempts = 0 if bank.allowed_attempts < 0 else bank.allowed_attempts
    part = qti("testPart", {"identifier": "part-1", "navigationMode": "nonlinear", "submissionMode": "individual"},
               qti("itemSessionControl", {"maxAttempts": attempts, "showFeedback": True}))
    test.append(part)
    section: etree._Element | None = None
    current: object = object()
    sections = 0
    for question in questions:
        if question.group != current or section is None:
            current = question.group
            group = groups.get(question.group) if question.group else None
            sections += 1
            section = qti("assessmentSection", {"identifier": f"section-{sections}",
                                                "title": group.title if group else bank.title, "visible": True})
            if group is not None and group.pick is not None:
                section.append(qti("selection", {"select": group.pick}))
            if sections == 1 and bank.description is not None:
                # The bank's introduction, shown to candidates before its first question.
                rubric = qti("rubricBlock", {"view": "candidate"})
                rubric.extend(blocks(content, bank.description))
                section.append(rubric)
            part.append(section)
        ref = qti("assessmentItemRef", {"identifier": question.id, "href": item_path(question)})
        ref.extend(_time_limits(question.time_limit))
        section.append(ref)
    # Every item scores in the points it is worth in the bank (a pool's points= is already in
    # each member's points), so the test's total is the plain sum over the items it selects.
    processing = qti("outcomeProcessing")
    for identifier in (sc.SCORE, sc.MAXSCORE):
        processing.append(sc.set_outcome(identifier, qti("sum", None, qti(
            "testVariables", {"variableIdentifier": identifier}))))
    test.append(processing)
    return test


def build_manifest(bank: Bank, dialect: Dialect, items: Sequence[BuiltItem],
                   test_images: Sequence[str] = ()) -> etree._Element:
    ns = dialect.cp_namespace
    manifest = etree.Element(f"{{{ns}}}manifest", nsmap={None: ns, "xsi": XSI_NS})
    manifest.set("identifier", f"manifest-{bank_slug(bank)}")
    manifest.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} {dialect.cp_schema_location}")
    metadata = etree.SubElement(manifest, f"{{{ns}}}metadata")
    etree.SubElement(metadata, f"{{{ns}}}schema").text = dialect.package_schema
    etree.SubElement(metadata, f"{{{ns}}}schemaversion").text = dialect.package_schema_version
    etree.SubElement(manifest, f"{{{ns}}}organizations")
    resources = etree.SubElement(manifest, f"{{{ns}}}resources")
    test = etree.SubElement(resources, f"{{{ns}}}resource", identifier=f"test-{bank_slug(bank)}",
                            type=dialect.test_resource, href=TEST_FILE)
    etree.SubElement(test, f"{{{ns}}}file", href=TEST_FILE)
    for image in test_images:
        etree.SubElement(test, f"{{{ns}}}file", href=image)
    for item in items:
        etree.SubElement(test, f"{{{ns}}}dependency", identifierref=f"item-{item.identifier}")
    for item in items:
        href = f"{ITEM_FOLDER}/{item.identifier}.xml"
        resource = etree.SubElement(resources, f"{{{ns}}}resource", identifier=f"item-{item.identifier}",
                                    type=dialect.item_resource, href=href)
        etree.SubElement(resource, f"{{{ns}}}file", href=href)
        for image in item.images:
            etree.SubElement(resource, f"{{{ns}}}file", href=f"{ITEM_FOLDER}/{image}")
    return manifest


@dataclass
class NeutralPackage:
    """The dialect-neutral content of one bank's package: built once, realised for each version."""

    bank: Bank
    questions: tuple[Question, ...]
    items: list[BuiltItem]  # indented neutral items
    test: etree._Element  # the indented neutral test
    test_images: list[str]
    assets: dict[str, bytes]


# The package last built, so that exporting one bank to QTI 2.1 and then to QTI 3.0 (as `qbank
# build` does) builds its neutral items once; both versions are realised from the same tree.
_LAST: list[NeutralPackage] = []


def neutral_package(bank: Bank, questions: Sequence[Question], renderer: render.Renderer) -> NeutralPackage:
    held = tuple(questions)
    if _LAST and _LAST[0].bank is bank and _LAST[0].questions == held:
        return _LAST[0]
    assets = AssetTable()
    language = language_tag(bank)
    items = [build_item(question, ContentBuilder(assets, renderer), language) for question in held]
    for item in items:
        indent(item.element)
    test_content = ContentBuilder(assets, renderer, f"{ITEM_FOLDER}/{MEDIA_FOLDER}")
    test = indent(build_test(bank, held, test_content))
    package = NeutralPackage(bank, held, items, test, list(test_content.images), assets.files)
    _LAST[:] = [package]
    return package


def build_package(bank: Bank, questions: Sequence[Question], dialect: Dialect,
                  renderer: render.Renderer) -> dict[str, bytes]:
    """Every file of the package, by path."""
    neutral = neutral_package(bank, questions, renderer)
    files: dict[str, bytes] = {}
    for question, item in zip(neutral.questions, neutral.items, strict=True):
        files[item_path(question)] = document(dialect.realize(item.element))
    files[TEST_FILE] = document(dialect.realize(neutral.test))
    manifest = build_manifest(bank, dialect, neutral.items, neutral.test_images)
    etree.indent(manifest)  # the manifest holds no text content: indenting it changes nothing
    files["imsmanifest.xml"] = document(manifest)
    for name, data in neutral.assets.items():
        files[f"{ITEM_FOLDER}/{MEDIA_FOLDER}/{name}"] = data
    return files


def build_zip_package(bank: Bank, questions: Sequence[Question], dialect: Dialect,
                      renderer: render.Renderer) -> bytes:
    return build_zip(build_package(bank, questions, dialect, renderer))
