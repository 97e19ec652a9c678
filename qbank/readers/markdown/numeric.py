"""Numerical answers as authors write them: ``42``, ``3.14 ± 0.01``, ``2 ± 5%``, ``[1.2, 1.3]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = r"[-+−]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMERIC_FORMS = [
    ("range", re.compile(rf"^\[\s*({NUMBER})\s*,\s*({NUMBER})\s*\]$")),
    ("range", re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")),
    ("tolerance", re.compile(rf"^({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})\s*(%?)$")),
    ("exact", re.compile(rf"^({NUMBER})$")),
]


def parse_number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("_", "").replace("−", "-"))
    except InvalidOperation:
        return None


def parse_numeric(text: str) -> tuple[str, Decimal, Decimal] | str:
    """(kind, value, tolerance) for a numerical answer, or an error message."""
    text = text.strip()
    for kind, pattern in NUMERIC_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        first = parse_number(match.group(1))
        if first is None:
            break
        if kind == "exact":
            return kind, first, Decimal(0)
        second = parse_number(match.group(2))
        if second is None:
            break
        if kind == "range":
            if first > second:
                return f"range [{match.group(1)}, {match.group(2)}] has its lower bound above its upper bound"
            return kind, (first + second) / 2, (second - first) / 2
        if second < 0:
            return f"tolerance {match.group(2)} is negative"
        if match.group(3):
            second = abs(first) * second / 100
        return kind, first, second
    return f"`{text}` is not a number, `value ± tolerance` or a range `[low, high]`"


def looks_numeric(text: str) -> bool:
    """Written in a numerical form (even an invalid one, such as a negative tolerance)."""
    text = text.strip()
    return any(pattern.match(text) for _, pattern in NUMERIC_FORMS)


# --- numbers written the way qbank does not read them ------------------------------------
#
# `3,14`, `1,000`, `1 000`, `9.81 m/s^2`, `6.02 × 10^23`: an author meant a number, but qbank
# would read the answer as text (a short answer accepting exactly that text), or refuse it in a
# numerical question. Each is reported with the reading(s) qbank would accept.

_SIGN = r"[-+−]?"
_GROUP_SPACE = "[ '\u00a0\u2009\u202f]"
# A number with any separators people use: 3,14 / 1,000,000 / 1.000,5 / 1 000 / 1'000 / 9.81
_LOOSE = (rf"{_SIGN}(?:\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?:[.,]\d+)?|\d(?:\d|[.,](?=\d))*|[.,]\d+)"
          r"(?:[eE][-+]?\d+)?")
_PREFIXES = "(?:da|[YZEPTGMkhdcmµμunpfa])"
_BASES = ("mmHg|mol|kat|atm|bar|rad|deg|bit|ppm|cal|min|Hz|Pa|Wb|lm|lx|Bq|Gy|Sv|eV|Wh|Ah|Da|dB|cd|sr"
          "|°C|°F|m|g|s|A|K|N|J|W|C|V|F|Ω|S|T|H|L|l|t|h|d|B|Å")
_ATOM = rf"(?:{_PREFIXES}?(?:{_BASES})|°|‰)(?:\^?\{{?[-−]?\d+\}}?|[⁻]?[¹²³⁴⁵⁶⁷⁸⁹⁰]+)?"
_UNIT = rf"(?:%|{_ATOM}(?:\s*[/·*⋅.]\s*{_ATOM}|\s+{_ATOM})*)(?![\w°])"
_PM = r"(?:±|\+-|\+/-)"


def _value(n: int) -> str:
    """A value (group ``v<n>``), or a mantissa times a power of ten (groups ``m<n>``, ``e<n>``)."""
    times_ten = (rf"(?P<m{n}>{_LOOSE})\s*(?:[x×·*⋅]|\\times|\\cdot)\s*10\s*\^\s*\{{?"
                 rf"(?P<e{n}>[-+−]?\d+)\}}?")
    return rf"(?:{times_ten}|(?P<v{n}>{_LOOSE}))"


_LOOKALIKE_FORMS = [
    re.compile(rf"^\[\s*{_value(1)}\s*(?P<u1>{_UNIT})?\s*[,;]\s*{_value(2)}\s*(?P<u2>{_UNIT})?\s*\]"
               rf"\s*(?P<u3>{_UNIT})?$"),
    re.compile(rf"^{_value(1)}\s*(?P<u1>{_UNIT})?\s*\.\.\s*{_value(2)}\s*(?P<u2>{_UNIT})?$"),
    re.compile(rf"^{_value(1)}\s*(?P<u1>{_UNIT})?\s*{_PM}\s*{_value(2)}\s*(?P<pct>%(?!\S))?\s*"
               rf"(?P<u2>{_UNIT})?$"),
    re.compile(rf"^{_value(1)}\s*(?P<u1>{_UNIT})?$"),
]


_STARTS_LIKE_A_NUMBER = re.compile(r"\[?\s*[-+−]?[.,]?\d")


def _readings(number: str) -> list[str] | None:
    """How qbank would write a loosely written number: one reading, or two when a comma could be
    a thousands separator or a decimal comma (``1,000``). None when it is no number."""
    sign = number[0] if number[:1] in "-+−" else ""
    body, exponent = number[len(sign):], ""
    split = re.search(r"[eE][-+]?\d+$", body)
    if split:
        body, exponent = body[:split.start()], split.group()
    sign = "-" if sign == "−" else sign
    forms: list[tuple[str, list[str]]] = [
        (r"\d+(?:\.\d+)?|\.\d+", [body]),
        (rf"\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?:[.,]\d+)?", [re.sub(_GROUP_SPACE, "", body).replace(",", ".")]),
        (r"\d{1,3}(?:,\d{3}){2,}", [body.replace(",", "")]),
        (r"\d{1,3}(?:,\d{3})+\.\d+", [body.replace(",", "")]),
        (r"\d{1,3}(?:\.\d{3}){2,}", [body.replace(".", "")]),
        (r"\d{1,3}(?:\.\d{3})+,\d+", [body.replace(".", "").replace(",", ".")]),
        (r"\d{1,3},\d{3}", [body.replace(",", ""), body.replace(",", ".")]),
        (r"\d*,\d+", [body.replace(",", ".")]),
    ]
    for pattern, readings in forms:
        if re.fullmatch(pattern, body):
            return [sign + r + exponent for r in readings]
    return None


@dataclass(frozen=True)
class Lookalike:
    """An answer written as a number qbank does not read, and how to write it."""

    message: str
    readings: tuple[str, ...]  # the answer as qbank reads it (two when it is ambiguous)
    unit: str | None  # a unit written in the answer


def numeric_lookalike(text: str) -> Lookalike | None:
    """What is wrong with ``text`` when it is a number written with a decimal comma, thousands
    separators, a unit or ``× 10^n``; None when it is no such thing (or a number qbank reads)."""
    text = " ".join(text.split())
    if not _STARTS_LIKE_A_NUMBER.match(text) or looks_numeric(text):
        return None
    for form in _LOOKALIKE_FORMS:
        match = form.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        units = [groups[k] for k in ("u1", "u2", "u3") if groups.get(k)]
        if len({u.replace(" ", "") for u in units}) > 1:
            return None  # two different units: not one quantity
        kinds: list[str] = []
        pieces: list[list[str]] = []
        for n in (1, 2):
            if groups.get(f"m{n}"):
                mantissa = _readings(groups[f"m{n}"])
                if mantissa is None or len(mantissa) > 1:
                    return None
                pieces.append([f"{mantissa[0]}e{groups[f'e{n}'].replace('−', '-')}"])
                kinds.append("`× 10^n` for the power of ten")
            elif groups.get(f"v{n}"):
                readings = _readings(groups[f"v{n}"])
                if readings is None:
                    return None
                if readings[0] != groups[f"v{n}"].replace("−", "-") or len(readings) > 1:
                    kinds.append(_separator_kind(groups[f"v{n}"], readings))
                pieces.append(readings)
        if units:
            kinds.append(f"a unit (`{units[0]}`)")
        if not kinds:
            return None
        rebuilt = [_rebuild(form, match, [p[min(k, len(p) - 1)] for p in pieces]) for k in range(2)]
        kinds = list(dict.fromkeys(kinds))
        return Lookalike(f"`{text}` is written with {' and '.join(kinds)}", tuple(dict.fromkeys(rebuilt)),
                         units[0] if units else None)
    return None


def _separator_kind(written: str, readings: list[str]) -> str:
    if len(readings) > 1:
        return "a comma that could be a thousands separator or a decimal comma"
    if re.search(r"\d,\d+(?:[eE]|$)", written) and not re.search(r",\d{3}(?:,|\.|$)", written):
        return "a decimal comma"
    if "," in written and "." in written and written.rfind(",") > written.rfind("."):
        return "a decimal comma"
    return "thousands separators"


def _rebuild(form: re.Pattern[str], match: re.Match[str], values: list[str]) -> str:
    if form is _LOOKALIKE_FORMS[0]:
        return f"[{values[0]}, {values[1]}]"
    if form is _LOOKALIKE_FORMS[1]:
        return f"{values[0]}..{values[1]}"
    if form is _LOOKALIKE_FORMS[2]:
        return f"{values[0]} ± {values[1]}{'%' if match.group('pct') else ''}"
    return values[0]


def lookalike_hint(lookalike: Lookalike, *, typed: bool) -> str:
    """What to write instead; ``typed``: the question states ``type=numerical``."""
    if len(lookalike.readings) > 1:
        hint = (f"write `- = {lookalike.readings[0]}` (the comma separates thousands) or "
                f"`- = {lookalike.readings[1]}` (it is a decimal comma)")
    else:
        hint = f"write `- = {lookalike.readings[0]}`"
    if lookalike.unit is not None:
        hint += f" and give the unit on the heading: `{{unit=\"{lookalike.unit}\"}}`"
    if not typed:
        hint += "; or write `{type=short-answer}` if the text itself is the answer"
    return hint
