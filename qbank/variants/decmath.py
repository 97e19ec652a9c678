"""Exact-decimal arithmetic for variables: one fixed context, and math functions in Decimal.

Every number a variable holds is an ``int`` or a :class:`~decimal.Decimal`, never a float:
``0.1`` in a variables block is the decimal 0.1, ``R / 3`` is a decimal division. All of it is
computed under :data:`CONTEXT` (28 significant digits), whatever context the caller has, and
the functions below are pure Decimal (``sqrt``, ``exp`` and ``ln`` are Decimal's own, correctly
rounded; the trigonometric ones are Taylor series), so a bank's values are the same on every
machine: no platform ``libm`` is involved.

NaN and infinity never arise silently: an invalid operation, a division by zero or an
overflow raises (the context traps them), and every function result is checked to be finite.
"""

from __future__ import annotations

from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

__all__ = ["CONTEXT", "E", "PI", "Number", "NumberError", "acos", "asin", "atan", "atan2", "ceil", "cos",
           "exp", "floor", "ln", "log", "log10", "round_half_up", "sig", "sin", "sqrt", "tan", "to_decimal"]

Number = int | Decimal

CONTEXT = Context(prec=28, rounding="ROUND_HALF_EVEN", Emax=999, Emin=-999,
                  traps=[InvalidOperation, DivisionByZero, Overflow])
_GUARD = Context(prec=CONTEXT.prec + 8, rounding="ROUND_HALF_EVEN", Emax=999, Emin=-999,
                 traps=[InvalidOperation, DivisionByZero, Overflow])
# More digits than any context here uses.
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
E = Decimal("2.71828182845904523536028747135266249775724709369995957496696763")
TRIG_LIMIT = Decimal(10) ** 6  # larger arguments to sin/cos/tan have no meaningful digits left


class NumberError(ArithmeticError):
    """A value that is not a finite number, or an argument outside a function's domain."""


def to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected a number, not {describe(value)}")
    return Decimal(value)


def describe(value: object) -> str:
    if isinstance(value, bool):
        return "a truth value"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise NumberError("the result is not a finite number")
    return +value if value.is_zero() else value


def sqrt(x: Number) -> Decimal:
    d = to_decimal(x)
    if d < 0:
        raise NumberError(f"sqrt of a negative number ({d})")
    with localcontext(CONTEXT):
        return finite(d.sqrt())


def exp(x: Number) -> Decimal:
    with localcontext(CONTEXT):
        return finite(to_decimal(x).exp())


def ln(x: Number) -> Decimal:
    d = to_decimal(x)
    if d <= 0:
        raise NumberError(f"the logarithm of {d}, which is not positive")
    with localcontext(CONTEXT):
        return finite(d.ln())


def log(x: Number, base: Number | None = None) -> Decimal:
    if base is None:
        return ln(x)
    b = to_decimal(base)
    if b <= 0 or b == 1:
        raise NumberError(f"a logarithm to base {b}")
    with localcontext(_GUARD):
        value = ln(x) / ln(b)
    with localcontext(CONTEXT):
        return finite(+value)


def log10(x: Number) -> Decimal:
    d = to_decimal(x)
    if d <= 0:
        raise NumberError(f"the logarithm of {d}, which is not positive")
    with localcontext(CONTEXT):
        return finite(d.log10())


def _reduced(x: Decimal) -> Decimal:
    """``x`` moved into ``[-pi, pi]`` (with guard digits)."""
    if abs(x) > TRIG_LIMIT:
        raise NumberError(f"the angle {x} is too large (more than 10^6 radians)")
    two_pi = 2 * PI
    return x - two_pi * (x / two_pi).to_integral_value(ROUND_HALF_UP)


def _series(x: Decimal, first: Decimal, power: int) -> Decimal:
    """sin (power 1) or cos (power 0) of a reduced ``x`` by its Taylor series."""
    total, term, k = first, first, power
    square = x * x
    while True:
        term = -term * square / ((k + 1) * (k + 2))
        k += 2
        if abs(term) < Decimal(10) ** -(_GUARD.prec + 2):
            return total
        total += term


def sin(x: Number) -> Decimal:
    with localcontext(_GUARD):
        r = _reduced(to_decimal(x))
        value = _series(r, r, 1)
    with localcontext(CONTEXT):
        return finite(+value)


def cos(x: Number) -> Decimal:
    with localcontext(_GUARD):
        value = _series(_reduced(to_decimal(x)), Decimal(1), 0)
    with localcontext(CONTEXT):
        return finite(+value)


def tan(x: Number) -> Decimal:
    with localcontext(_GUARD):
        r = _reduced(to_decimal(x))
        c = _series(r, Decimal(1), 0)
        if abs(c) < Decimal(10) ** -(CONTEXT.prec - 2):
            raise NumberError(f"tan({x}) is infinite")
        value = _series(r, r, 1) / c
    with localcontext(CONTEXT):
        return finite(+value)


def _atan(x: Decimal) -> Decimal:
    """atan with guard digits: halve the argument until it is small, then the series."""
    halvings = 0
    while abs(x) > Decimal("0.1"):
        x = x / (1 + (1 + x * x).sqrt())
        halvings += 1
    total, term, k = x, x, 1
    square = x * x
    while True:
        term = -term * square
        k += 2
        step = term / k
        if abs(step) < Decimal(10) ** -(_GUARD.prec + 2):
            result: Decimal = total * (2 ** halvings)
            return result
        total += step


def atan(x: Number) -> Decimal:
    with localcontext(_GUARD):
        value = _atan(to_decimal(x))
    with localcontext(CONTEXT):
        return finite(+value)


def atan2(y: Number, x: Number) -> Decimal:
    dy, dx = to_decimal(y), to_decimal(x)
    with localcontext(_GUARD):
        if dx > 0:
            value = _atan(dy / dx)
        elif dx < 0:
            value = _atan(dy / dx) + (PI if dy >= 0 else -PI)
        elif dy != 0:
            value = PI / 2 if dy > 0 else -PI / 2
        else:
            raise NumberError("atan2(0, 0) is undefined")
    with localcontext(CONTEXT):
        return finite(+value)


def asin(x: Number) -> Decimal:
    d = to_decimal(x)
    if abs(d) > 1:
        raise NumberError(f"asin({d}): the argument must be between -1 and 1")
    with localcontext(_GUARD):
        value = (PI / 2 if d > 0 else -PI / 2) if abs(d) == 1 else _atan(d / (1 - d * d).sqrt())
    with localcontext(CONTEXT):
        return finite(+value)


def acos(x: Number) -> Decimal:
    d = to_decimal(x)
    if abs(d) > 1:
        raise NumberError(f"acos({d}): the argument must be between -1 and 1")
    with localcontext(_GUARD):
        value = PI / 2 - ((PI / 2 if d > 0 else -PI / 2) if abs(d) == 1 else _atan(d / (1 - d * d).sqrt()))
    with localcontext(CONTEXT):
        return finite(+value)


def _integral(x: Number, rounding: str) -> int:
    if isinstance(x, int) and not isinstance(x, bool):
        return x
    d = to_decimal(x)
    if d.adjusted() > 100:
        raise NumberError(f"{d} is too large to round to an integer")
    return int(d.to_integral_value(rounding))


def floor(x: Number) -> int:
    return _integral(x, ROUND_FLOOR)


def ceil(x: Number) -> int:
    return _integral(x, ROUND_CEILING)


def round_half_up(x: Number, places: int | None = None) -> Number:
    """Schoolbook rounding (halves away from zero): ``round(2.5)`` is 3, ``round(2.675, 2)`` 2.68."""
    if places is None:
        return _integral(x, ROUND_HALF_UP)
    if isinstance(places, bool) or not isinstance(places, int) or abs(places) > 100:
        raise NumberError("round(x, n) needs a whole number of places n between -100 and 100")
    d = to_decimal(x)
    with localcontext(CONTEXT):
        return finite(d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def sig(x: Number, figures: int) -> Decimal:
    """``x`` rounded to ``figures`` significant figures (halves away from zero)."""
    if isinstance(figures, bool) or not isinstance(figures, int) or not 1 <= figures <= CONTEXT.prec:
        raise NumberError(f"sig(x, n) needs n between 1 and {CONTEXT.prec}")
    d = to_decimal(x)
    if d.is_zero():
        return Decimal(0)
    with localcontext(CONTEXT):
        rounded = d.quantize(Decimal(1).scaleb(d.adjusted() - figures + 1), ROUND_HALF_UP)
        if rounded.adjusted() > d.adjusted():  # 9.996 to 3 figures carries into a new digit: 10.0
            rounded = rounded.quantize(Decimal(1).scaleb(rounded.adjusted() - figures + 1), ROUND_HALF_UP)
        return finite(rounded)
