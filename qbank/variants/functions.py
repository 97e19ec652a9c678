"""What an expression may call and which operators it may use: qbank's own, and nothing else.

The evaluator gets exactly this table (simpleeval's defaults, which include ``rand`` and
``randint`` on the process-global :mod:`random`, are never used). Every function and operator
checks its arguments and bounds its result, so no expression can build a huge number, text or
list: integers stay below 10^100, decimals keep 28 significant digits with exponents within
±999, text stays under 10,000 characters and lists under 1,000 items.
"""

from __future__ import annotations

import ast
import math
import operator as op
from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Any

from . import decmath as dm
from .rng import Stream

__all__ = ["FUNCTIONS", "NAMES", "Draws", "ValueLimit", "checked", "functions_for", "operators"]

MAX_INT = 10 ** 100
MAX_TEXT = 10_000
MAX_LIST = 1_000


class ValueLimit(ArithmeticError):
    """A value larger than a variable may hold."""


def checked(value: Any) -> Any:
    """``value`` if a variable may hold it; raises otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) >= MAX_INT:
            raise ValueLimit("the integer has more than 100 digits")
        return value
    if isinstance(value, Decimal):
        return dm.finite(value)
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValueLimit(f"the text is longer than {MAX_TEXT:,} characters")
        return value
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST:
            raise ValueLimit(f"the list has more than {MAX_LIST:,} items")
        return list(value)
    raise TypeError(f"a variable cannot hold {dm.describe(value)}")


def _numbers(*values: Any) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"expected a number, not {dm.describe(value)}")


def _arith(name: str, ints: Callable[[int, int], Any], decimals: Callable[[Decimal, Decimal], Any]
           ) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        if name == "+" and isinstance(a, str) and isinstance(b, str):
            return checked(a + b)
        if name == "+" and isinstance(a, list) and isinstance(b, list):
            return checked(a + b)
        _numbers(a, b)
        if name in ("/", "//", "%") and b == 0:
            raise ZeroDivisionError(f"division by zero in `{a} {name} {b}`")
        if isinstance(a, int) and isinstance(b, int) and name != "/":
            return checked(ints(a, b))
        with localcontext(dm.CONTEXT):
            return checked(decimals(Decimal(a), Decimal(b)))
    return apply


def _floordiv(a: Decimal, b: Decimal) -> Decimal:
    """Like ``int`` floor division (towards minus infinity), which Decimal's ``//`` is not."""
    return (a / b).to_integral_value(ROUND_FLOOR)


def _mod(a: Decimal, b: Decimal) -> Decimal:
    """Like ``int`` modulo (the sign of the divisor), which Decimal's ``%`` is not."""
    return a - b * _floordiv(a, b)


def _power(a: Any, b: Any) -> Any:
    _numbers(a, b)
    if isinstance(a, int) and isinstance(b, int) and b >= 0:
        if abs(a) > 1 and b * math.log10(abs(a)) >= 100:
            raise ValueLimit(f"{a} ** {b} has more than 100 digits")
        return a ** b
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"division by zero in `{a} ** {b}`")
    with localcontext(dm.CONTEXT):
        return checked(Decimal(a) ** Decimal(b))


def _unary(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(a: Any) -> Any:
        _numbers(a)
        return checked(fn(a))
    return apply


def _contains(x: Any, y: Any) -> bool:
    if not isinstance(y, list | tuple | str):
        raise TypeError(f"`in` needs a list or text on its right, not {dm.describe(y)}")
    if isinstance(y, str) and not isinstance(x, str):
        raise TypeError("`in` text needs text on its left")
    return x in y


def operators() -> dict[type, Callable[..., Any]]:
    """Arithmetic, comparison and logic; no bit operations, shifts, ``is`` or ``is not``."""
    return {
        ast.Add: _arith("+", op.add, op.add), ast.Sub: _arith("-", op.sub, op.sub),
        ast.Mult: _arith("*", op.mul, op.mul), ast.Div: _arith("/", op.truediv, op.truediv),
        ast.FloorDiv: _arith("//", op.floordiv, _floordiv), ast.Mod: _arith("%", op.mod, _mod),
        ast.Pow: _power, ast.USub: _unary(op.neg), ast.UAdd: _unary(op.pos), ast.Not: op.not_,
        ast.Eq: op.eq, ast.NotEq: op.ne, ast.Gt: op.gt, ast.Lt: op.lt, ast.GtE: op.ge, ast.LtE: op.le,
        ast.In: _contains, ast.NotIn: lambda x, y: not _contains(x, y),
    }


class Draws:
    """The random functions, drawing from the stream of the variable being evaluated."""

    def __init__(self) -> None:
        self.stream: Stream | None = None

    def _stream(self) -> Stream:
        assert self.stream is not None, "a draw outside a variable"
        return self.stream

    def randint(self, low: Any, high: Any, step: Any = 1) -> int:
        """A whole number from ``low`` to ``high`` inclusive, in steps of ``step``."""
        for value in (low, high, step):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("randint(low, high, step) takes whole numbers; for decimals use "
                                "uniform(low, high, step)")
        if step <= 0 or high < low:
            raise ValueError(f"randint({low}, {high}, {step}) has nothing to draw from")
        return int(low + step * self._stream().below((high - low) // step + 1))

    def uniform(self, low: Any, high: Any, step: Any) -> Number:
        """A number from ``low`` to ``high`` inclusive on the grid ``low + k * step`` (exact)."""
        _numbers(low, high, step)
        with localcontext(dm.CONTEXT):
            lo, hi, st = Decimal(low), Decimal(high), Decimal(step)
            if st <= 0 or hi < lo:
                raise ValueError(f"uniform({low}, {high}, {step}) has nothing to draw from")
            count = int((hi - lo) / st) + 1
            if count > 10 ** 12:
                raise ValueError(f"uniform({low}, {high}, {step}) has more than 10^12 steps")
            value = lo + st * self._stream().below(count)
        return value if not all(isinstance(v, int) for v in (low, high, step)) else int(value)

    def choice(self, items: Any) -> Any:
        seq = _sequence(items, "choice")
        return seq[self._stream().below(len(seq))]

    def shuffle(self, items: Any) -> list[Any]:
        seq = list(_sequence(items, "shuffle"))
        for i in range(len(seq) - 1, 0, -1):  # Fisher-Yates
            j = self._stream().below(i + 1)
            seq[i], seq[j] = seq[j], seq[i]
        return seq

    def sample(self, items: Any, count: Any) -> list[Any]:
        seq = list(_sequence(items, "sample"))
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= len(seq):
            raise ValueError(f"sample(items, k) needs k between 0 and {len(seq)}")
        for i in range(count):  # a partial Fisher-Yates
            j = i + self._stream().below(len(seq) - i)
            seq[i], seq[j] = seq[j], seq[i]
        return seq[:count]


Number = dm.Number


def _sequence(items: Any, name: str) -> Sequence[Any]:
    if not isinstance(items, list | tuple | str) or not items:
        raise ValueError(f"{name}() needs a non-empty list, e.g. {name}([1, 2, 3])")
    return items


def _bounded_int(name: str, limit: int) -> Callable[..., int]:
    def apply(*args: Any) -> int:
        for value in args:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
                raise ValueError(f"{name}() takes whole numbers from 0 to {limit}")
        return int(checked(getattr(math, name)(*args)))
    return apply


def _minmax(fn: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        values = list(args[0]) if len(args) == 1 and isinstance(args[0], list | tuple) else list(args)
        if not values:
            raise ValueError(f"{fn.__name__}() of nothing")
        _numbers(*values)
        return fn(values)
    return apply


def _sum(items: Any) -> Any:
    seq = _sequence(items, "sum")
    _numbers(*seq)
    with localcontext(dm.CONTEXT):
        return checked(sum(seq, 0))


def _length(items: Any) -> int:
    if not isinstance(items, list | tuple | str):
        raise TypeError(f"len() of {dm.describe(items)}")
    return len(items)


def _abs(x: Any) -> Any:
    _numbers(x)
    return abs(x)


def _int(x: Any) -> int:
    _numbers(x)
    return x if isinstance(x, int) else int(dm.to_decimal(x).to_integral_value("ROUND_DOWN"))


def _degrees(x: Any) -> Decimal:
    with localcontext(dm.CONTEXT):
        return dm.finite(dm.to_decimal(x) * 180 / dm.PI)


def _radians(x: Any) -> Decimal:
    with localcontext(dm.CONTEXT):
        return dm.finite(dm.to_decimal(x) * dm.PI / 180)


def _hypot(x: Any, y: Any) -> Decimal:
    with localcontext(dm.CONTEXT):
        return dm.sqrt(dm.to_decimal(x) ** 2 + dm.to_decimal(y) ** 2)


# Pure functions (the draws are added per evaluator by :func:`functions_for`).
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": _abs, "min": _minmax(min), "max": _minmax(max), "sum": _sum, "len": _length,
    "round": dm.round_half_up, "sig": dm.sig, "floor": dm.floor, "ceil": dm.ceil, "int": _int,
    "sqrt": dm.sqrt, "exp": dm.exp, "ln": dm.ln, "log": dm.log, "log10": dm.log10,
    "sin": dm.sin, "cos": dm.cos, "tan": dm.tan, "asin": dm.asin, "acos": dm.acos, "atan": dm.atan,
    "atan2": dm.atan2, "hypot": _hypot, "degrees": _degrees, "radians": _radians,
    "gcd": _bounded_int("gcd", MAX_INT), "lcm": _bounded_int("lcm", 10 ** 50),
    "factorial": _bounded_int("factorial", 60), "comb": _bounded_int("comb", 300),
    "perm": _bounded_int("perm", 300),
}
DRAWS = ("randint", "uniform", "choice", "shuffle", "sample")
NAMES: dict[str, Any] = {"pi": +dm.PI.quantize(Decimal("1e-27")), "e": +dm.E.quantize(Decimal("1e-27")),
                         "True": True, "False": False}


def functions_for(draws: Draws) -> dict[str, Callable[..., Any]]:
    return {**FUNCTIONS, **{name: getattr(draws, name) for name in DRAWS}}
