"""YAML front matter: bank metadata and the defaults every question inherits."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from qbank import acknowledge
from qbank import diagnostics as dg
from qbank.models import Allowance, Pos
from qbank.xhtml import NOT_XML

from .settings import Duration, Points, Scoring, Tags, problems_of

# A duration, or nothing: published as one flat "string, integer or null".
OptionalDuration = Annotated[Duration | None, WithJsonSchema(
    {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})]


class FrontMatter(BaseModel):
    """What a bank's front matter may hold. ``qbank schema`` publishes it as JSON Schema."""

    model_config = ConfigDict(extra="forbid", title="qbank bank front matter")

    title: str = Field(min_length=1, description="Bank title, shown as the quiz name")
    description: str | None = Field(None, description="Markdown shown before the questions")
    author: str | None = None
    subjects: Tags = Field(default_factory=list, description="Subject areas")
    tags: Tags = Field(default_factory=list, description="Tags every question gets")
    level: str | None = Field(None, description="e.g. University")
    difficulty: str | None = Field(None, description="Default difficulty of every question")
    language: str = Field("en", description="BCP 47 language of the content")
    points: Points = Field(Decimal(1), description="Default points per question", json_schema_extra={"default": 1})
    time_limit: OptionalDuration = Field(None, description="Default time limit per question: '15 min', '90 s'")
    quiz_time_limit: OptionalDuration = Field(
        None, description="Time limit of the whole quiz; default: the sum of the question limits")
    shuffle: bool = Field(True, description="Shuffle answer options")
    category: str | None = Field(None, description="Category path, e.g. 'Deep Learning/Generative Models'")
    scoring: Scoring = Field(
        "penalty", description="Multiple-select scoring: 'penalty' (wrong ticks cost) or 'no-penalty'")
    allowed_attempts: int = Field(1, ge=-1, description="Attempts an LMS allows (-1: unlimited)")
    allow: str | list[str] | dict[str, str | None] | None = Field(
        None, description="Warnings about the bank itself (no single question) acknowledged, with reasons: "
                          "{'T002@gift': 'GIFT has no bank description'} or ['T002@gift: ...']")
    seed: Annotated[str | int, WithJsonSchema({"type": ["string", "integer"]})] | None = Field(
        None, description="Seed of the varied questions' values: change it to draw new variants")


KEYS = tuple(FrontMatter.model_fields)


@dataclass
class FrontMatterResult:
    data: FrontMatter | None
    body_start: int  # index of the first body line (0-based)
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    allowances: list[Allowance] = field(default_factory=list)


def _key_line(lines: list[str], key: str) -> tuple[int, int]:
    pattern = re.compile(r"^(\s*)" + re.escape(key) + r"\s*:")
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            return index, len(match.group(1)) + 1
    return 0, 1


def read(file: str, lines: list[str]) -> FrontMatterResult:
    """Parse front matter from the start of ``lines`` (the whole file)."""
    if not lines or lines[0].strip() != "---":
        return FrontMatterResult(None, 0, [dg.make(
            "E105", "bank has no front matter with a title", file, 1,
            hint="start the file with `---`, a line `title: ...`, and `---`")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return FrontMatterResult(None, len(lines), [dg.make(
            "E102", "front matter starts with `---` but is never closed", file, 1,
            hint="add a `---` line after the last front-matter key")])
    block = lines[1:end]
    text = "\n".join(block)
    try:
        raw = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        col = (mark.column + 1) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatterResult(None, end + 1, [dg.make(
            "E101", f"front matter is not valid YAML: {problem}", file, line, col,
            hint="quote values that contain `:` or start with a special character, e.g. title: \"A: B\"")])
    except RecursionError:
        return FrontMatterResult(None, end + 1, [dg.make(
            "E101", "front matter is not valid YAML: it is nested too deeply", file, 2,
            hint="front matter holds flat `key: value` lines and short lists")])
    if not isinstance(raw, dict):
        return FrontMatterResult(None, end + 1, [dg.make(
            "E101", "front matter must be `key: value` lines", file, 2,
            hint="write one `key: value` per line, e.g. `title: My quiz`")])

    diags: list[dg.Diagnostic] = []
    known: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key)
        if name not in KEYS:
            index, col = _key_line(block, name)
            close = difflib.get_close_matches(name.lower().replace("-", "_"), KEYS, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(KEYS)}"
            diags.append(dg.make("E103", f"unknown front-matter key `{name}`", file, index + 2, col,
                                 hint=hint, end_col=col + len(name)))
        else:
            known[name] = value
    for name, value in known.items():
        # YAML escapes ("\x01") can put characters no target can carry into any value.
        if any(isinstance(v, str) and NOT_XML.search(v) for v in (value if isinstance(value, list) else [value])):
            index, col = _key_line(block, name)
            diags.append(dg.make("E601", f"front-matter `{name}` holds a control character XML cannot carry", file,
                                 index + 2, col, hint="delete it (check for escapes such as \\x01 or \\a)"))
    if "title" not in known:
        diags.append(dg.make("E105", "front matter has no `title`", file, 1,
                             hint="add a line `title: ...` to the front matter"))
    try:
        data: FrontMatter | None = FrontMatter.model_validate(known)
    except ValidationError as exc:
        data = None
        for problem in problems_of(exc, known, "E104", {}, "front-matter `{key}: {value}`"):
            if problem.key == "title" and "title" not in known:
                continue
            index, col = _key_line(block, problem.key)
            if problem.code == "E309":  # points: the same code as in a heading
                diags.append(dg.make("E309", f"front-matter `{problem.key}: {known.get(problem.key)}`: points must "
                                     "be greater than zero", file, index + 2, col, hint=problem.hint))
                continue
            if problem.code != "E104":  # a duration: its message names the key already
                diags.append(dg.make(problem.code, problem.message, file, index + 2, col, hint=problem.hint))
                continue
            error = next(e for e in exc.errors() if e["loc"] and str(e["loc"][0]) == problem.key)
            diags.append(dg.make("E104", f"front-matter `{problem.key}`: {_plain_reason(error)}", file, index + 2,
                                 col, hint=_hint_for(problem.key)))
    result = FrontMatterResult(data if not diags else None, end + 1, diags)
    if data is not None and data.allow is not None:
        _allow(file, block, data.allow, result)
    return result


def _allow(file: str, block: list[str], value: str | list[str] | dict[str, str | None],
           result: FrontMatterResult) -> None:
    """``allow:`` as a string, a list of strings or a mapping of codes to reasons."""
    key_index, key_col = _key_line(block, "allow")
    entries: list[tuple[str, str | None]] = []  # (codes, reason): a reason is never split
    if isinstance(value, str):
        entries = [(value, None)]
    elif isinstance(value, list):
        entries = [(entry, None) for entry in value]
    else:
        entries = [(codes, reason) for codes, reason in value.items()]
    for entry, given in entries:
        codes = entry.partition(":")[0].strip()
        index = next((k for k in range(key_index, len(block)) if codes and codes in block[k]), key_index)
        col = block[index].find(codes) + 1 if codes and codes in block[index] else key_col
        specs, problems = acknowledge.parse_allow(entry if given is None else codes.replace(";", " "))
        if given is not None:
            specs = [(code, target, given.strip() or None) for code, target, _ in specs]
        for message, hint in problems:
            result.diagnostics.append(dg.make("E104", f"front-matter `allow`: {message}", file, index + 2, col,
                                              hint=hint))
        for code, target, reason in specs:
            result.allowances.append(Allowance(code=code, target=target, reason=reason,
                                               pos=Pos(file=file, line=index + 2, col=col)))


# Pydantic's error types, said the way an author reads a front matter.
_REASONS = {
    "bool_parsing": "must be true or false", "bool_type": "must be true or false",
    "string_type": "must be text", "list_type": "must be a list", "int_parsing": "must be a whole number",
    "int_type": "must be a whole number", "int_from_float": "must be a whole number",
    "dict_type": "must be a mapping of codes to reasons", "string_too_short": "must not be empty",
    "missing": "is required",
}


def _plain_reason(error: Any) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "literal_error" and "expected" in context:
        return f"must be one of {context['expected']}"
    if kind in ("greater_than_equal", "greater_than") and context:
        limit = next(iter(context.values()))
        return f"must be {limit} or more" if kind == "greater_than_equal" else f"must be more than {limit}"
    if kind in _REASONS:
        return _REASONS[kind]
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def _hint_for(key: str) -> str:
    field_info = FrontMatter.model_fields.get(key)
    if field_info is not None and field_info.description:
        return f"`{key}`: {field_info.description}"
    return f"check the value of `{key}`"
