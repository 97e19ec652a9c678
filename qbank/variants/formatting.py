"""How a value is shown: ``{{V}}``, ``{{V:.2f}}`` (a Python format spec) or ``{{V|sig=3|sep=,}}`` (filters).

Numbers are exact decimals, rounded half away from zero (``2.675`` to 2 places is ``2.68``,
as taught in school; Python's own ``format`` of a float would give ``2.67``). A negative
zero is never shown (``-0.001`` to 2 places is ``0.00``). The default, ``{{V}}``, is every digit
of the exact value (``13.5``, ``0.333...`` to 28 digits), with no float noise.

Inside math, a value is written as a LaTeX group, ``{13.5}``, so ``x^{{n}}`` stays one
superscript whatever ``n`` is; a thousands comma is ``{,}`` and ``×10ⁿ`` is ``\\times 10^{n}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from qbank.numberformat import format_decimal

from . import decmath as dm

__all__ = ["Format", "Shown", "parse_format", "show", "value_key"]

_SPEC = re.compile(r"(?P<head>(?:[^{}]?[<>=^])?[-+ ]?)z?(?P<tail>#?0?(?:\d{1,2})?[,_]?(?:\.(?P<prec>\d{1,2}))?"
                   r"(?P<type>[eEfFgG%])?)")
_FILTER = re.compile(r"(?P<name>[a-z]+)(?:=(?P<arg>.*))?")
_SEPARATORS = {",": (",", "{,}"), "thin": ("\u2009", "\\,"), "_": ("_", "\\_")}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
FILTERS = "dp=N, sig=N, sci, sep=, (or sep=thin), sign"


@dataclass(frozen=True)
class Format:
    spec: str | None = None  # a validated Python format spec, `z` added
    places: int | None = None  # dp=N
    figures: int | None = None  # sig=N
    sci: bool = False
    sep: str | None = None
    sign: bool = False

    @property
    def is_default(self) -> bool:
        return self == Format()


@dataclass(frozen=True)
class Shown:
    """A value as shown, and (for a number) the exact value and the number the text says."""

    text: str
    exact: Decimal | None = None
    shown: Decimal | None = None  # None when the text is not a plain number (×10ⁿ, grouping)

    @property
    def rounded(self) -> bool:
        return self.exact is not None and self.shown is not None and self.shown != self.exact


def parse_format(spec: str | None, filters: str | None) -> Format | str:
    """The format written after ``:`` or ``|``, or what is wrong with it."""
    if spec is not None:
        match = _SPEC.fullmatch(spec.strip())
        if not match or (match.group("prec") and int(match.group("prec")) > 30):
            return (f"`:{spec}` is not a number format qbank accepts (e.g. `:.2f`, `:,.0f`, `:+.3e`; "
                    "at most 30 places)")
        return Format(spec=match.group("head") + "z" + match.group("tail"))
    if filters is None:
        return Format()
    values: dict[str, Any] = {}
    for raw in filters.split("|"):
        part = raw.strip()
        match = _FILTER.fullmatch(part)
        name, arg = (match.group("name"), match.group("arg")) if match else (part, None)
        if name in ("dp", "sig") and arg is not None and arg.strip().isdigit():
            count = int(arg)
            if not (0 <= count <= 30 if name == "dp" else 1 <= count <= dm.CONTEXT.prec):
                return f"`{name}={arg}` is out of range ({'0 to 30' if name == 'dp' else '1 to 28'})"
            values["places" if name == "dp" else "figures"] = count
        elif name == "sep" and arg is not None and arg.strip() in _SEPARATORS:
            values["sep"] = arg.strip()
        elif name in ("sci", "sign") and arg is None:
            values[name] = True
        else:
            return f"`|{part}` is not a filter; filters are {FILTERS}"
    if "places" in values and "figures" in values:
        return "`dp=` and `sig=` cannot both be given"
    return Format(**values)


def show(value: Any, fmt: Format, *, math: bool) -> Shown:
    """``value`` as text (or LaTeX, in math). Raises ``ValueError`` when it cannot take ``fmt``."""
    if isinstance(value, bool):
        raise ValueError("it is a truth value; use it in a condition (`a if c else b`) instead")
    if isinstance(value, str):
        if not fmt.is_default:
            raise ValueError("it is text, which takes no number format")
        return Shown(value)
    if isinstance(value, list):
        return Shown(", ".join(show(item, fmt, math=math).text for item in value))
    exact = Decimal(value)
    if fmt.spec is not None:
        return _with_spec(exact, fmt.spec, math)
    with localcontext(dm.CONTEXT) as ctx:
        ctx.rounding = ROUND_HALF_UP
        return _with_filters(exact, fmt, math)


def _with_spec(exact: Decimal, spec: str, math: bool) -> Shown:
    with localcontext(dm.CONTEXT) as ctx:
        ctx.rounding = ROUND_HALF_UP
        text = format(exact, spec)
    plain = text.strip().replace(",", "").replace("_", "")
    shown: Decimal | None
    try:
        shown = Decimal(plain[:-1]) / 100 if plain.endswith("%") else Decimal(plain)
    except InvalidOperation:
        shown = None
    if math:
        text = text.replace(",", "{,}").replace("%", "\\%")
        power = re.fullmatch(r"(.*?)[eE]([-+]?\d+)", text)
        if power:  # 4.213e-2 is 4.213 × 10^{-2} in a formula
            exponent = int(power.group(2))
            text = power.group(1) + (f"\\times 10^{{{exponent}}}" if exponent else "")
    return Shown(text, exact, shown)


def _with_filters(exact: Decimal, fmt: Format, math: bool) -> Shown:
    value, places = exact, None
    if fmt.figures is not None:
        value = dm.sig(exact, fmt.figures)
        places = max(0, fmt.figures - 1 - value.adjusted()) if not value.is_zero() else fmt.figures - 1
    elif fmt.places is not None:
        value = exact.quantize(Decimal(1).scaleb(-fmt.places))
        places = fmt.places
    if fmt.sci and not exact.is_zero():
        exponent = value.adjusted()
        if fmt.figures is not None:
            digits = _fixed(value.scaleb(-exponent), fmt.figures - 1)
        elif fmt.places is not None:
            exponent = exact.adjusted()
            scaled = exact.scaleb(-exponent).quantize(Decimal(1).scaleb(-fmt.places))
            if abs(scaled) >= 10:  # 9.996 to 2 places carries: 1.00 × 10¹
                exponent += 1
                scaled = exact.scaleb(-exponent).quantize(Decimal(1).scaleb(-fmt.places))
            digits = _fixed(scaled, fmt.places)
        else:
            digits = format_decimal(exact.scaleb(-exponent))
        text = _signed(digits, fmt.sign)
        if exponent != 0:
            text += f"\\times 10^{{{exponent}}}" if math else f" × 10{str(exponent).translate(_SUPERSCRIPT)}"
        return Shown(text, exact, None)
    digits = _fixed(value, places) if places is not None else format_decimal(value)
    if math and "e" in digits:
        head, power = digits.split("e")
        digits = f"{head}\\times 10^{{{int(power)}}}"
    shown: Decimal | None = value
    if fmt.sep is not None:
        digits = _grouped(digits, _SEPARATORS[fmt.sep][1 if math else 0])
        shown = None
    return Shown(_signed(digits, fmt.sign), exact, shown)


def _fixed(value: Decimal, places: int) -> str:
    text = format(value.quantize(Decimal(1).scaleb(-places)), "f")
    return text[1:] if re.fullmatch(r"-0(\.0*)?", text) else text


def _signed(digits: str, sign: bool) -> str:
    if sign and not digits.startswith("-") and re.search(r"[1-9]", digits.split("e")[0].split("\\")[0]):
        return "+" + digits
    return digits


def _grouped(digits: str, separator: str) -> str:
    match = re.match(r"(-?)(\d+)(.*)", digits, re.S)
    if not match or "e" in digits:
        return digits
    whole = match.group(2)
    groups = [whole[max(0, i - 3):i] for i in range(len(whole), 0, -3)][::-1]
    return match.group(1) + separator.join(groups) + match.group(3)


_NUMBER_TEXT = re.compile(r"[-+−]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?")


def value_key(text: str) -> str | None:
    """The number an option's text is (``0.50``, ``$0.5$``, ``{0.5}``), normalised; else None."""
    plain = re.sub(r"[\s${}]|\\,", "", text).replace("−", "-")
    if not _NUMBER_TEXT.fullmatch(plain):
        return None
    return format_decimal(Decimal(plain))
