"""An independent reader for QTI 1.2 packages (IMS QTI ASI 1.2.1), used to check the Canvas export.

Written from the QTI 1.2 ASI binding, not from qbank's exporter: it reads the IMS content
package, the ``questestinterop`` document, and *runs* each item's response processing
(``respcondition`` / ``conditionvar`` / ``setvar`` / ``displayfeedback``) for a given
response, so tests check what a student's answer scores rather than how the XML looks.

One convention outside the spec text is applied, because Canvas and text2qti rely on it:
several ``varequal`` tests of the same single-valued response inside one ``conditionvar`` can
never all hold, and Canvas writes them to mean "any of these answers" — they are read as OR.
Everything else in a ``conditionvar`` is combined with AND.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _children(element: etree._Element, name: str | None = None) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


Convert = Callable[[str], str]


def _material_text(element: etree._Element | None, convert: Convert) -> tuple[str, str]:
    """(text, texttype) of the first ``mattext`` under ``element`` ("" when there is none).

    HTML text goes through ``convert`` (e.g. :func:`equation_images_as_latex`).
    """
    if element is None:
        return "", ""
    for node in element.iter():
        if isinstance(node.tag, str) and _local(node) == "mattext":
            texttype = node.get("texttype", "text/plain")
            text = node.text or ""
            return (convert(text) if texttype == "text/html" else text), texttype
    return "", ""


@dataclass
class Label:
    ident: str
    text: str
    texttype: str


@dataclass
class Response:
    """A ``response_lid`` (choice of labels) or ``response_str`` (typed text) of an item."""

    ident: str
    kind: str  # "lid" | "str"
    cardinality: str
    prompt: str  # the response's own material (a matching prompt, a blank's name)
    labels: list[Label]
    fibtype: str | None


@dataclass
class Outcome:
    score: Decimal
    feedback: list[str]


@dataclass
class Item:
    ident: str
    title: str
    metadata: dict[str, str]
    stem: str
    responses: list[Response]
    processing: etree._Element | None
    feedback: dict[str, str]

    @property
    def question_type(self) -> str:
        return self.metadata.get("question_type", "")

    @property
    def points(self) -> Decimal:
        return Decimal(self.metadata.get("points_possible", "0"))

    def response(self, ident: str) -> Response:
        return next(r for r in self.responses if r.ident == ident)

    def label(self, text: str, response: str = "response1") -> str:
        """Ident of the label showing ``text`` (HTML or plain) in ``response``."""
        matches = [lab.ident for lab in self.response(response).labels if lab.text == text]
        assert len(matches) == 1, (text, [lab.text for lab in self.response(response).labels])
        return matches[0]

    def score(self, answers: dict[str, list[str]]) -> Outcome:
        """Run the item's response processing for ``answers`` (response ident → values)."""
        if self.processing is None:
            return Outcome(Decimal(0), [])
        variables: dict[str, Decimal] = {}
        outcomes = _child(self.processing, "outcomes")
        for decvar in _children(outcomes, "decvar") if outcomes is not None else []:
            variables[decvar.get("varname", "SCORE")] = Decimal(decvar.get("defaultval", "0"))
        shown: list[str] = []
        for condition in _children(self.processing, "respcondition"):
            conditionvar = _child(condition, "conditionvar")
            if conditionvar is None or not _holds(conditionvar, answers, self):
                continue
            for setvar in _children(condition, "setvar"):
                name = setvar.get("varname", "SCORE")
                value = Decimal((setvar.text or "0").strip())
                action = setvar.get("action", "Set")
                old = variables.get(name, Decimal(0))
                variables[name] = {"Set": value, "Add": old + value, "Subtract": old - value,
                                   "Multiply": old * value, "Divide": old / value}[action]
            shown += [d.get("linkrefid", "") for d in _children(condition, "displayfeedback")]
            if condition.get("continue", "No") != "Yes":
                break
        return Outcome(variables.get("SCORE", Decimal(0)), shown)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _test(node: etree._Element, answers: dict[str, list[str]], item: Item) -> bool:
    name = _local(node)
    if name == "other":
        return True
    if name == "and":
        return all(_test(c, answers, item) for c in _children(node))
    if name == "or":
        return any(_test(c, answers, item) for c in _children(node))
    if name == "not":
        return not all(_test(c, answers, item) for c in _children(node))
    respident = node.get("respident", "")
    given = answers.get(respident, [])
    if name == "unanswered":
        return not given
    expected = (node.text or "").strip()
    response = next((r for r in item.responses if r.ident == respident), None)
    numeric = response is not None and response.fibtype in ("Decimal", "Integer", "Scientific")
    if name == "varequal":
        if numeric:
            want = _number(expected)
            return any(_number(g) == want for g in given if _number(g) is not None)
        if node.get("case", "No") == "Yes":
            return expected in given
        return expected.casefold() in [g.casefold() for g in given]
    if name in ("vargte", "varlte", "vargt", "varlt"):
        bound = _number(expected)
        values = [v for v in (_number(g) for g in given) if v is not None]
        if bound is None or not values:
            return False
        if name == "vargte":
            return any(v >= bound for v in values)
        if name == "varlte":
            return any(v <= bound for v in values)
        if name == "vargt":
            return any(v > bound for v in values)
        return any(v < bound for v in values)
    raise AssertionError(f"condition <{name}> not understood by this reader")


def _holds(conditionvar: etree._Element, answers: dict[str, list[str]], item: Item) -> bool:
    tests = _children(conditionvar)
    same = {t.get("respident") for t in tests}
    if len(tests) > 1 and all(_local(t) == "varequal" for t in tests) and len(same) == 1:
        return any(_test(t, answers, item) for t in tests)  # Canvas's "any of these answers"
    return all(_test(t, answers, item) for t in tests)


def _read_item(node: etree._Element, convert: Convert) -> Item:
    metadata: dict[str, str] = {}
    meta = _child(node, "itemmetadata")
    if meta is not None:
        for fieldnode in meta.iter():
            if isinstance(fieldnode.tag, str) and _local(fieldnode) == "qtimetadatafield":
                label = _child(fieldnode, "fieldlabel")
                entry = _child(fieldnode, "fieldentry")
                key = (label.text or "") if label is not None else ""
                metadata[key] = (entry.text or "") if entry is not None else ""
    stem = ""
    responses: list[Response] = []
    presentation = _child(node, "presentation")
    if presentation is not None:
        stem = _material_text(_child(presentation, "material"), convert)[0]
        for response in _children(presentation):
            kind = _local(response)
            if kind not in ("response_lid", "response_str"):
                continue
            render = next(c for c in _children(response) if _local(c).startswith("render_"))
            labels = [Label(lab.get("ident", ""), *_material_text(lab, convert))
                      for lab in _children(render, "response_label")]
            responses.append(Response(response.get("ident", ""), kind.removeprefix("response_"),
                                      response.get("rcardinality", "Single"),
                                      _material_text(_child(response, "material"), convert)[0], labels,
                                      render.get("fibtype", "String") if _local(render) == "render_fib" else None))
    feedback = {f.get("ident", ""): _material_text(f, convert)[0] for f in _children(node, "itemfeedback")}
    return Item(node.get("ident", ""), node.get("title", ""), metadata, stem, responses,
                _child(node, "resprocessing"), feedback)


@dataclass
class Section:
    ident: str
    title: str
    selection_number: int | None
    points_per_item: Decimal | None
    items: list[Item] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _read_section(node: etree._Element, convert: Convert) -> Section:
    number: int | None = None
    per_item: Decimal | None = None
    ordering = _child(node, "selection_ordering")
    if ordering is not None:
        for selection in _children(ordering, "selection"):
            count = _child(selection, "selection_number")
            if count is not None:
                number = int((count.text or "").strip())
            extension = _child(selection, "selection_extension")
            if extension is not None:
                points = _child(extension, "points_per_item")
                if points is not None:
                    per_item = Decimal((points.text or "").strip())
    section = Section(node.get("ident", ""), node.get("title", ""), number, per_item)
    for child in _children(node):
        if _local(child) == "item":
            section.items.append(_read_item(child, convert))
        elif _local(child) == "section":
            section.sections.append(_read_section(child, convert))
    return section


@dataclass
class Package:
    files: dict[str, bytes]
    resources: dict[str, dict[str, object]]  # identifier → {type, href, files, dependencies}
    title: str
    ident: str
    root: Section
    meta: dict[str, str]

    def items(self) -> list[Item]:
        found: list[Item] = []

        def walk(section: Section) -> None:
            found.extend(section.items)
            for inner in section.sections:
                walk(inner)

        walk(self.root)
        return found

    def item(self, ident: str) -> Item:
        return next(i for i in self.items() if i.ident == ident)

    def item_texts(self) -> str:
        """Every item's XML as text (to look for the forms a package uses)."""
        return "\n".join(data.decode("utf-8") for name, data in sorted(self.files.items())
                         if name.endswith(".xml") and name != "imsmanifest.xml")


def html_references(text: str) -> list[str]:
    """Every ``src``/``href`` in an HTML fragment."""
    if not text.strip():
        return []
    tree = lxml_html.fragment_fromstring(text, create_parent="div")
    return [value for node in tree.iter() for name, value in node.attrib.items() if name in ("src", "href")]


_EQUATION_IMAGE = re.compile(r'<img\b[^>]*\bclass="equation_image"[^>]*>')
_SRC = re.compile(r'\bsrc="/equation_images/([^"?]*)')


def equation_images_as_latex(text: str) -> str:
    """Replace each Canvas equation image by ``[[latex]]``, the LaTeX read from its URL.

    Canvas's own page script recovers the formula the same way: the path after
    ``/equation_images/``, URL-decoded twice.
    """

    def latex(match: re.Match[str]) -> str:
        src = _SRC.search(match.group())
        assert src is not None, match.group()
        return f"[[{escape(unquote(unquote(src.group(1))), quote=False)}]]"

    return _EQUATION_IMAGE.sub(latex, text)


def package_path(reference: str) -> str | None:
    """The package file an HTML reference means, per Canvas's ``$IMS-CC-FILEBASE$`` convention."""
    decoded = unquote(reference)
    prefix = "$IMS-CC-FILEBASE$/"
    return decoded[len(prefix):] if decoded.startswith(prefix) else None


def read_package(data: bytes, convert: Convert = lambda text: text) -> Package:
    """Read a package; ``convert`` is applied to every piece of HTML text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = etree.fromstring(files["imsmanifest.xml"], _PARSER)
    resources: dict[str, dict[str, object]] = {}
    for node in manifest.iter():
        if isinstance(node.tag, str) and _local(node) == "resource":
            resources[node.get("identifier", "")] = {
                "type": node.get("type", ""), "href": node.get("href"),
                "files": [f.get("href", "") for f in _children(node, "file")],
                "dependencies": [d.get("identifierref", "") for d in _children(node, "dependency")],
            }
    qti = [r for r in resources.values() if r["type"] == "imsqti_xmlv1p2"]
    assert len(qti) == 1, "one QTI 1.2 assessment resource expected"
    qti_files = qti[0]["files"]
    assert isinstance(qti_files, list)
    document = etree.fromstring(files[qti_files[0]], _PARSER)
    assessment = next(n for n in document.iter() if isinstance(n.tag, str) and _local(n) == "assessment")
    sections = _children(assessment, "section")
    assert len(sections) == 1, "one root section expected"
    meta: dict[str, str] = {}
    for resource in resources.values():
        resource_files = resource["files"]
        assert isinstance(resource_files, list)
        if resource_files and str(resource_files[0]).endswith("assessment_meta.xml"):
            quiz = etree.fromstring(files[resource_files[0]], _PARSER)
            meta = {_local(c): (c.text or "") for c in _children(quiz)}
            meta["description"] = convert(meta.get("description", ""))  # HTML, like the questions
    return Package(files, resources, assessment.get("title", ""), assessment.get("ident", ""),
                   _read_section(sections[0], convert), meta)
