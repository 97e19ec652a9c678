"""The settings an author writes: front-matter defaults, question and group heading attributes.

One set of field types validates all three, so a value means the same wherever it is
written and each problem has one code wherever it is found:

- points that are not greater than zero: E309 (front matter, question or group heading);
- a time limit that is not a duration: E321;
- any other malformed value: E104 (front matter), E204 (question heading), E208 (group heading).

Heading attributes arrive as strings (``points=2``), front matter as YAML values; both go
through the same Pydantic types, which parse text too.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from qbank.durations import parse_duration

POINTS_ERROR = "qbank_points"  # a number, but not > 0
DURATION_ERROR = "qbank_duration"

TYPE_ALIASES = {
    "multiple-choice": "multiple-choice", "mc": "multiple-choice", "single": "multiple-choice",
    "multiple-select": "multiple-select", "ms": "multiple-select", "multiple-answer": "multiple-select",
    "multiple-answers": "multiple-select", "true-false": "true-false", "tf": "true-false",
    "short-answer": "short-answer", "short": "short-answer", "numerical": "numerical", "numeric": "numerical",
    "num": "numerical", "essay": "essay", "matching": "matching", "match": "matching",
    "ordering": "ordering", "order": "ordering", "fill-in-blanks": "fill-in-blanks", "cloze": "fill-in-blanks",
    "blanks": "fill-in-blanks", "description": "description", "text": "description",
}


def _points(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PydanticCustomError("qbank_not_a_number", "not a number")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise PydanticCustomError("qbank_not_a_number", "not a number") from None
    if not number.is_finite():
        raise PydanticCustomError("qbank_not_a_number", "not a number")
    if number <= 0:
        raise PydanticCustomError(POINTS_ERROR, "must be greater than zero")
    return number


def _duration(value: Any) -> int:
    seconds = None if isinstance(value, bool) or value is None else parse_duration(str(value))
    if seconds is None:
        raise PydanticCustomError(DURATION_ERROR, "not a duration")
    return seconds


def _tags(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _question_type(value: Any) -> Any:
    return TYPE_ALIASES.get(value.lower(), value) if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# Points (> 0, finite, exact). An explicit JSON Schema: Pydantic's own for Decimal changes
# between releases, and the published schema must not depend on which release is installed.
Points = Annotated[Decimal, BeforeValidator(_points), WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]
# A duration in seconds, written `15 min`, `90s`, `1h` or as a number of minutes.
Duration = Annotated[int, BeforeValidator(_duration),
                     WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}]})]
Tags = Annotated[list[str], BeforeValidator(_tags)]
Scoring = Literal["penalty", "no-penalty"]
QuestionTypeName = Annotated[Literal[
    "multiple-choice", "multiple-select", "true-false", "short-answer", "numerical", "essay", "matching",
    "ordering", "fill-in-blanks", "description"], BeforeValidator(_question_type)]


class QuestionAttributes(BaseModel):
    """What a question heading's ``{...}`` may set (every key optional)."""

    model_config = ConfigDict(extra="forbid")

    type: QuestionTypeName | None = None
    points: Points | None = None
    time: Duration | None = None
    tags: Tags = Field(default_factory=list)
    shuffle: bool | None = None
    difficulty: str | None = None
    case: Annotated[Literal["sensitive", "insensitive"], BeforeValidator(_lower)] = "insensitive"
    unit: str | None = None
    lines: Annotated[int, Field(ge=1, le=100)] = 10
    scoring: Scoring | None = None
    allow: str | None = None  # warnings acknowledged for this question: "T004@canvas: reason"
    idnumber: Annotated[str, Field(min_length=1)] | None = None  # an imported question's original id
    variants: Annotated[int, Field(ge=1, le=100)] | None = None


class GroupAttributes(BaseModel):
    """What a group heading's ``{...}`` may set."""

    model_config = ConfigDict(extra="forbid")

    pick: Annotated[int, Field(gt=0)] | None = None
    points: Points | None = None
    allow: str | None = None  # warnings acknowledged for the group heading's own diagnostics


QUESTION_KEYS = tuple(QuestionAttributes.model_fields)
GROUP_KEYS = tuple(GroupAttributes.model_fields)

QUESTION_HINTS = {
    "type": "types: " + ", ".join(sorted(set(TYPE_ALIASES.values()))),
    "points": "write a number, e.g. points=2 or points=0.5",
    "time": "write e.g. time=15min, time=90s or time=1h",
    "shuffle": "write shuffle=true or shuffle=false",
    "case": "write case=sensitive or case=insensitive",
    "scoring": "write scoring=penalty or scoring=no-penalty",
    "lines": "write the essay box height in lines, 1 to 100",
    "idnumber": 'write the original id in quotes, e.g. idnumber="T & F"',
    "variants": "write how many variants to make, 1 to 100, e.g. variants=20",
}
GROUP_HINTS = {
    "pick": "write pick=2 to draw two questions of this group",
    "points": "write the points each drawn question is worth, e.g. points=2",
}


@dataclass(frozen=True)
class SettingProblem:
    """A value that did not validate: which key, its code, and what to say."""

    key: str
    code: str
    message: str
    hint: str


def problems_of(error: ValidationError, values: Mapping[str, Any], code: str, hints: Mapping[str, str],
                describe: str = "`{key}={value}`") -> list[SettingProblem]:
    """One :class:`SettingProblem` per invalid key, with the code its kind of problem has."""
    found: list[SettingProblem] = []
    for item in error.errors():
        key = str(item["loc"][0]) if item["loc"] else ""
        shown = describe.format(key=key, value=values.get(key, ""))
        if item["type"] == POINTS_ERROR:
            found.append(SettingProblem(key, "E309", f"points must be greater than zero, not {values.get(key)}",
                                        "set points to a positive number, e.g. 1 or 0.5"))
        elif item["type"] == DURATION_ERROR:
            found.append(SettingProblem(key, "E321", f"{shown} is not a duration",
                                        "write e.g. 15min, 90s or 1h (or a number of minutes)"))
        elif key == "type" and isinstance(values.get(key), str):
            close = difflib.get_close_matches(values[key].lower(), TYPE_ALIASES, n=1)
            found.append(SettingProblem(key, code, f"{shown} is not valid",
                                        (f"did you mean `{close[0]}`? " if close else "") + hints[key]))
        else:
            found.append(SettingProblem(key, code, f"{shown} is not valid",
                                        hints.get(key, f"check the value of `{key}`")))
    return found


@dataclass(frozen=True)
class Settings:
    """A question's effective settings: the bank's defaults overridden by its heading attributes."""

    type: str | None
    points: Decimal
    time_limit: int | None
    tags: tuple[str, ...]
    difficulty: str | None
    shuffle: bool
    scoring: str
    case_sensitive: bool
    unit: str | None
    lines: int
    points_col: int | None  # the column of the heading's own points=, if it sets one
    idnumber: str | None = None

    @property
    def points_given(self) -> bool:
        return self.points_col is not None
