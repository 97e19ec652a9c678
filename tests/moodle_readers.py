"""Readers of Moodle XML and GIFT that behave like Moodle's own importers (tests only).

They follow Moodle's ``question/format/xml/format.php``, ``question/format/gift/format.php``,
``question/type/multianswer/questiontype.php`` (cloze) and the grade check of
``question/format.php`` ("Error if grade not listed"): a file they accept without raising
:class:`MoodleImportError` is one Moodle imports whole, and what they return is what Moodle
would store. They are written from Moodle's code, not from qbank's exporters. The GIFT reader
is in :mod:`moodle_gift_reader`; both return the :class:`Imported` records defined here.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

from lxml import etree

# question/engine/bank.php: fraction_options_full(), and match_grade_options() in lib/questionlib.php.
_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
           0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)
ALLOWED_FRACTIONS = tuple(sorted({*_GRADES, *(-g for g in _GRADES)}, reverse=True))


class MoodleImportError(Exception):
    """What makes Moodle's importer stop ("Stop on error")."""


def match_grade(fraction: float) -> float:
    for allowed in ALLOWED_FRACTIONS:
        if abs(fraction - allowed) < 0.00001:
            return allowed
    raise MoodleImportError(f"invalidgrade: {fraction!r} is not a grade Moodle lists")


@dataclass
class Text:
    text: str
    format: str = "html"
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Answer:
    text: str
    fraction: float
    feedback: Text
    tolerance: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class ClozePart:
    qtype: str  # shortanswer | multichoice | numerical
    mark: str
    answers: list[Answer]
    usecase: int = 0
    shuffle: int = 0


@dataclass
class Imported:
    """One question as Moodle would store it."""

    qtype: str
    name: str = ""
    questiontext: Text = field(default_factory=lambda: Text(""))
    generalfeedback: Text = field(default_factory=lambda: Text(""))
    defaultmark: str = "1"
    idnumber: str | None = None
    tags: list[str] = field(default_factory=list)
    category: str = ""
    single: int | None = None
    shuffle: int | None = None
    answers: list[Answer] = field(default_factory=list)
    subquestions: list[tuple[Text, str]] = field(default_factory=list)
    usecase: int | None = None
    units: list[tuple[str, str]] = field(default_factory=list)
    correctfeedback: Text | None = None
    partiallycorrectfeedback: Text | None = None
    incorrectfeedback: Text | None = None
    responsefieldlines: str | None = None
    cloze: list[ClozePart] = field(default_factory=list)
    ordering: dict[str, object] = field(default_factory=dict)  # qtype_ordering's stored options


def clean_question_name(name: str) -> str:
    """qformat_default::clean_question_name: PARAM_TEXT removes tags, then trim."""
    name = re.sub(r"<[a-zA-Z/!?][^>]*>?", "", name)
    return name.strip()


def check_fractions(question: Imported) -> None:
    """question/format.php: every fraction must be one Moodle lists (matchgrades = error)."""
    for answer in question.answers:
        answer.fraction = match_grade(answer.fraction)


# --- cloze: qtype_multianswer_extract_question -----------------------------------------------

_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
# PCRE's (?<!\\|&|&amp;) written as three fixed-width look-behinds for Python's re.
_ALT_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_ALT_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ALT_ANSWER})(#({_ALT_FEEDBACK}))?"
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL_ALT = f"^({_NUMBER})(:{_NUMBER})?$"
_TYPES = ("(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
          "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|(REGEXP|RX)|(REGEXP_C|RXC)|"
          "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
          "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)")
_ANSWER = re.compile(r"\{([0-9]*):(" + _TYPES + "):(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + r")*)\}", re.S)
_ALT = re.compile("~?" + _ALTERNATIVE, re.S)
_KINDS = {3: ("numerical", 0), 4: ("multichoice", 0), 5: ("multichoice", 0), 6: ("multichoice", 0),
          7: ("shortanswer", 0), 8: ("shortanswer", 1), 11: ("multichoice", 1), 12: ("multichoice", 1),
          13: ("multichoice", 1)}


def extract_cloze(text: str) -> tuple[str, list[ClozePart]]:
    """The question text with ``{#n}`` markers, and its sub-questions (raises as Moodle's validation does)."""
    parts: list[ClozePart] = []
    position = 1
    while True:
        match = _ANSWER.search(text)
        if match is None:
            break
        groups = match.groups()
        kind = next(((_KINDS[i]) for i in sorted(_KINDS) if groups[i - 1]), None)
        if kind is None:
            raise MoodleImportError(f"cloze type {groups[1]} not read here")
        qtype, shuffle_or_case = kind
        part = ClozePart(qtype=qtype, mark=groups[0] or "1", answers=[],
                         usecase=shuffle_or_case if qtype == "shortanswer" else 0,
                         shuffle=shuffle_or_case if qtype == "multichoice" else 0)
        remaining = match.group(18)
        while True:
            alt = _ALT.search(remaining)
            if alt is None or alt.group(0) == "":
                break
            if alt.group(1) == "=":
                frac = 1.0
            elif alt.group(2):
                frac = 0.01 * float(alt.group(2).replace(",", "."))
            else:
                frac = 0.0
            feedback = ""
            if alt.group(5) is not None:
                feedback = html.unescape(alt.group(5)).replace("\\}", "}").replace("\\#", "#")
            raw = alt.group(3)
            numeric = re.match(_NUMERICAL_ALT, raw, re.S) if qtype == "numerical" else None
            if numeric:
                answer = Answer(numeric.group(1), frac, Text(feedback), numeric.group(6) or "0")
            else:
                answer = Answer(html.unescape(raw).replace("\\}", "}").replace("\\#", "#"), frac, Text(feedback))
            part.answers.append(answer)
            remaining = remaining.split(alt.group(0), 1)[1]
        parts.append(part)
        text = text.replace(match.group(0), f"{{#{position}}}", 1)
        position += 1
    if not parts:
        raise MoodleImportError("invalidmultianswerquestion: no sub-questions")
    for part in parts:
        filled = [a for a in part.answers if a.text.strip() != ""]
        if part.qtype == "multichoice" and len(filled) < 2:
            raise MoodleImportError("invalidmultianswerquestion: a drop-down needs two answers")
        if not filled:
            raise MoodleImportError("invalidmultianswerquestion: a blank needs an answer")
        if not any(a.fraction == 1 for a in filled):
            raise MoodleImportError("invalidmultianswerquestion: no answer is worth 100%")
        for answer in part.answers:
            answer.fraction = match_grade(answer.fraction)
    return text, parts


# --- Moodle XML ---------------------------------------------------------------------------------


PHP_WHITESPACE = " \t\n\r\0\x0b"  # what PHP's trim() strips (not U+00A0, unlike str.strip())


def php_trim(text: str) -> str:
    return text.strip(PHP_WHITESPACE)


class _XmlizeTarget:
    """Receives libxml2's character-data chunks exactly as PHP's XML parser hands them on, and
    keeps them as ``core_xml_parser::characterdata()`` does (lib/xmlize.php)."""

    def __init__(self) -> None:
        self.root: etree._Element | None = None
        self.stack: list[etree._Element] = []
        self.chunks: list[list[str]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        element = etree.Element(tag, attrib) if not self.stack else etree.SubElement(self.stack[-1], tag, attrib)
        self.root = self.root if self.root is not None else element
        self.stack.append(element)
        self.chunks.append([])

    def end(self, tag: str) -> None:
        element = self.stack.pop()
        # characterdata(): a chunk is kept if it is "0" or not empty after PHP's trim(); kept
        # chunks are concatenated. A chunk that is only whitespace is lost.
        kept = [chunk for chunk in self.chunks.pop() if chunk == "0" or php_trim(chunk) != ""]
        element.text = "".join(kept) or None

    def data(self, data: str) -> None:
        if self.chunks:
            self.chunks[-1].append(data)

    def close(self) -> etree._Element | None:
        return self.root


def parse_like_moodle(data: bytes) -> etree._Element:
    """The element tree as Moodle's ``xmlize()`` (``core_xml_parser::parse()``) sees it.

    PHP's XML parser is libxml2's SAX parser, which lxml also uses; ``parse()`` trims the input
    and feeds it in 4096-byte slices. libxml2 hands each entity or character reference over as a
    chunk of its own and a CDATA section whole, splits long or non-ASCII runs into 300-byte
    pieces and at the 4096-byte feed points, and ``characterdata()`` drops every chunk that is
    only whitespace: so ``&lt;/b&gt; &lt;i&gt;`` loses its space, while CDATA keeps it. (The chunk
    rules were checked against PHP 8.2 with libxml2 2.9.14 on 1,100 random documents.)
    """
    target = _XmlizeTarget()
    parser = etree.XMLParser(target=target, strip_cdata=False, resolve_entities=False, no_network=True,
                             load_dtd=False)
    raw = data.strip(PHP_WHITESPACE.encode())
    try:
        for start in range(0, len(raw), 4096):
            parser.feed(raw[start:start + 4096])
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise MoodleImportError(f"errorparsingxml: {exc}") from exc
    if root is None:
        raise MoodleImportError("errorparsingxml: the file holds no XML")
    return root


def _text(element: etree._Element | None, default: str = "") -> str:
    """An element's text as ``getpath(..., true)`` reads it: trimmed by PHP's trim()."""
    if element is None:
        return default
    return php_trim(element.text or "")


def _child_text(element: etree._Element, tag: str, default: str = "") -> str:
    child = element.find(tag)
    return default if child is None else _text(child.find("text") if child.find("text") is not None else child,
                                                default)


def _files(element: etree._Element) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for file in element.findall("file"):
        path = (file.get("path") or "/") + (file.get("name") or "")
        if path in found:
            continue  # Moodle skips a duplicate path in one element
        found[path] = base64.b64decode(file.text or "")
    return {path.lstrip("/"): data for path, data in found.items()}


def _with_files(element: etree._Element | None, default_format: str = "html") -> Text:
    if element is None:
        return Text("", default_format)
    fmt = element.get("format", default_format)
    fmt = fmt if fmt in ("moodle_auto_format", "html", "plain_text", "wiki_like", "markdown") else "html"
    return Text(_text(element.find("text")), fmt, _files(element))


def _answers(question: etree._Element, with_files: bool) -> list[Answer]:
    answers: list[Answer] = []
    for element in question.findall("answer"):
        text = _with_files(element) if with_files else Text(_text(element.find("text")), "plain_text")
        answers.append(Answer(text.text, float(element.get("fraction", "0")) / 100,
                              _with_files(element.find("feedback")),
                              _text(element.find("tolerance"), "0") if element.find("tolerance") is not None
                              else None, text.files))
    return answers


def _single(value: str) -> int:
    value = value.strip()
    return 0 if value in ("false", "") or value == "0" else 1


def _headers(question: etree._Element, qtype: str) -> Imported:
    name = question.find("name/text")
    if name is None:
        raise MoodleImportError("xmlimportnoname")
    tags = [_text(tag.find("text")) for tag in question.findall("tags/tag")]
    return Imported(
        qtype=qtype, name=clean_question_name(name.text or ""),
        questiontext=_with_files(question.find("questiontext")),
        generalfeedback=_with_files(question.find("generalfeedback")),
        defaultmark=_text(question.find("defaultgrade"), "1"),
        idnumber=_text(question.find("idnumber")) if question.find("idnumber") is not None else None,
        tags=tags)


def _combined(question: etree._Element, result: Imported) -> None:
    result.correctfeedback = _with_files(question.find("correctfeedback"))
    result.partiallycorrectfeedback = _with_files(question.find("partiallycorrectfeedback"))
    result.incorrectfeedback = _with_files(question.find("incorrectfeedback"))


_ORDERING_GRADINGS = ("ALL_OR_NOTHING", "ABSOLUTE_POSITION", "RELATIVE_NEXT_EXCLUDE_LAST",
                      "RELATIVE_NEXT_INCLUDE_LAST", "RELATIVE_ONE_PREVIOUS_AND_NEXT",
                      "RELATIVE_ALL_PREVIOUS_AND_NEXT", "LONGEST_ORDERED_SUBSET", "LONGEST_CONTIGUOUS_SUBSET",
                      "RELATIVE_TO_CORRECT")


def _ordering(question: etree._Element) -> Imported:
    """qtype_ordering::import_from_xml and save_question_options (core since Moodle 4.4).

    Every option has a default that is rarely what an author means (6 items drawn at random,
    relative grading), so what is missing counts; the answers are the items in the correct order
    (their fractions are ignored), per-item feedback is discarded, and fewer than two items is a
    notice that ends the import.
    """
    result = _headers(question, "ordering")
    select = "selecttype" if question.find("selecttype") is not None else "logical"
    count = "selectcount" if question.find("selecttype") is not None else "studentsee"
    layout = _text(question.find("layouttype"), "VERTICAL").upper()
    selecttype = _text(question.find(select), "RANDOM").upper()
    selectcount = _text(question.find(count), "6")
    grading = _text(question.find("gradingtype"), "RELATIVE").upper()
    show = _text(question.find("showgrading"), "1").upper()
    numbering = _text(question.find("numberingstyle"), "1")
    result.ordering = {
        "layouttype": "HORIZONTAL" if layout in ("HORIZONTAL", "HORI", "H", "1") else "VERTICAL",
        "selecttype": {"ALL": "ALL", "EXACT": "ALL", "CONTIGUOUS": "CONTIGUOUS", "CONTIG": "CONTIGUOUS"}.get(
            selecttype, "RANDOM"),
        "selectcount": int(selectcount) if selectcount.isdigit() and int(selectcount) >= 2 else 2,
        "gradingtype": (grading if grading in _ORDERING_GRADINGS else
                        "ABSOLUTE_POSITION" if grading in ("ABS", "ABSOLUTE") else "RELATIVE_NEXT_EXCLUDE_LAST"),
        "showgrading": 0 if show in ("HIDE", "FALSE", "NO") else 1,
        "numberingstyle": numbering if numbering in ("none", "123", "abc", "ABCD", "iii", "IIII") else "none",
        # Without the element, Moodle makes up two empty hints ("show number correct").
        "shownumcorrect_given": question.find("shownumcorrect") is not None,
    }
    items = [_with_files(element) for element in question.findall("answer")]
    items = [item for item in items if item.text.strip() or item.text == "0"]
    if len(items) < 2:
        raise MoodleImportError("ordering_notenoughanswers: an ordering question needs at least two items")
    result.answers = [Answer(item.text, 1.0, Text(""), files=item.files) for item in items]
    _combined(question, result)
    return result


def read_moodle_xml(data: bytes) -> list[Imported]:
    """Every question (category switches included, as ``qtype="category"``) of a Moodle XML file."""
    root = parse_like_moodle(data)
    if root.tag != "quiz":
        raise MoodleImportError("not a Moodle XML quiz")
    out: list[Imported] = []
    for question in root.findall("question"):
        qtype = question.get("type", "")
        if qtype == "category":
            out.append(Imported(qtype="category", category=_child_text(question, "category")))
            continue
        if qtype == "multichoice":
            result = _headers(question, qtype)
            result.single = _single(_text(question.find("single"), "true"))
            result.shuffle = _single(_text(question.find("shuffleanswers"), "false"))
            result.answers = _answers(question, with_files=True)
            _combined(question, result)
        elif qtype == "truefalse":
            result = _headers(question, qtype)
            for element in question.findall("answer"):
                text = _text(element.find("text"))
                if text not in ("true", "false"):
                    raise MoodleImportError("truefalseimporterror: answer text is not true/false")
            result.answers = _answers(question, with_files=False)
        elif qtype in ("shortanswer", "numerical"):
            result = _headers(question, qtype)
            result.answers = _answers(question, with_files=False)
            if qtype == "shortanswer":
                result.usecase = int(_text(question.find("usecase"), "0"))
            result.units = [(_text(u.find("multiplier"), "1"), _text(u.find("unit_name")))
                            for u in question.findall("units/unit")]
        elif qtype == "essay":
            result = _headers(question, qtype)
            result.responsefieldlines = _text(question.find("responsefieldlines"), "15")
        elif qtype in ("matching", "match"):
            result = _headers(question, "match")
            result.shuffle = _single(_text(question.find("shuffleanswers"), "1"))
            for sub in question.findall("subquestion"):
                result.subquestions.append((_with_files(sub), _text(sub.find("answer/text"))))
            _combined(question, result)
        elif qtype in ("cloze", "multianswer"):
            result = _headers(question, "multianswer")
            text, result.cloze = extract_cloze(result.questiontext.text)
            result.questiontext = Text(text, result.questiontext.format, result.questiontext.files)
            result.defaultmark = str(sum(int(part.mark) for part in result.cloze))
        elif qtype == "description":
            result = _headers(question, qtype)
            result.defaultmark = "0"
        elif qtype == "ordering":
            result = _ordering(question)
        else:
            raise MoodleImportError(f"xmltypeunsupported: {qtype}")
        check_fractions(result)
        out.append(result)
    return out


def categories(questions: list[Imported]) -> list[Imported]:
    """Questions with ``category`` set to the category path in force (category switches dropped)."""
    current = ""
    out: list[Imported] = []
    for question in questions:
        if question.qtype == "category":
            current = question.category
        else:
            question.category = current
            out.append(question)
    return out


def split_category_path(path: str) -> list[str]:
    """question/format.php: levels split on a lone ``/``; ``//`` is a slash inside a level."""
    return [segment.strip().replace("//", "/") for segment in re.split(r"(?<!/)/(?!/)", path.strip())]


def shortanswer_literal(pattern: str) -> str | None:
    """The one string a short-answer pattern accepts (qtype_shortanswer's wildcard rule), None if it has ``*``."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    return bits[0].replace("\\*", "*") if len(bits) == 1 else None


def broken_images(text: Text) -> list[str]:
    """``@@PLUGINFILE@@`` references with no file in the same element (Moodle shows a broken image)."""
    from urllib.parse import unquote

    names = [unquote(name) for name in re.findall(r"@@PLUGINFILE@@/([^\"'<>\s]+)", text.text)]
    return [name for name in names if name not in text.files]
