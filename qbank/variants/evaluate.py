"""A question's variables: ``NAME = expression`` lines, read and checked here, evaluated by simpleeval.

qbank parses the block itself (``ast.parse``), so it can point at the line of every problem,
order the variables, and refuse anything outside a small allow-list *before* evaluation:
numbers, text, lists, arithmetic, comparisons, ``and``/``or``/``not``, ``a if c else b``,
indexing, and calls of qbank's own functions (:mod:`.functions`). No attributes, no lambdas,
no comprehensions, no imports: nothing an expression could use to reach Python itself.
simpleeval then evaluates each checked expression with qbank's operators and functions only.

There are no loops, so each node of a block is evaluated at most once per variant, and every
value is bounded (:mod:`.functions`): the work of one evaluation is known before it runs (its
``cost``, :data:`HEAVY`). A block has at most :data:`MAX_NODES` nodes, and a bank may spend at
most :data:`~qbank.variants.limits.MAX_BANK_WORK` units on all its variants, redraws included:
that is qbank's operation budget. It is counted, never timed, so it is the same on every machine.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException, DivisionByZero, InvalidOperation
from typing import Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression

from . import decmath as dm
from .functions import DRAWS, FUNCTIONS, NAMES, Draws, ValueLimit, checked, functions_for, operators
from .rng import Stream

__all__ = ["MAX_NODES", "Block", "EvaluationError", "Evaluator", "Expression", "Problem", "Variable",
           "parse_block", "parse_expression"]

MAX_NODES = 2_000  # per question's ```vars block
CALLABLE = frozenset(FUNCTIONS) | frozenset(DRAWS)
# The work of evaluating an expression, in units of one cheap node: a call of a function that
# runs a series or a loop costs HEAVY units more, a power (a decimal power is the slowest
# operation there is) POWER more. Calibrated so that no unit takes much longer than a cheap
# node, about 2.5 microseconds (bench/variants.py measures it).
HEAVY = 25
POWER = 60
_HEAVY_CALLS = frozenset({"sin", "cos", "tan", "asin", "acos", "atan", "atan2", "exp", "ln", "log", "log10", "sqrt",
                          "hypot", "factorial", "comb", "perm", "sum", "shuffle", "sample", "min", "max"})
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd, ast.Not,
              ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_ALLOWED = (ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
            ast.Call, ast.keyword, ast.List, ast.Tuple, ast.Subscript, ast.Slice, *_OPERATORS)
_POWER_TYPO = ("`^` is not a power here (in Python it is exclusive or)", "write powers as `**`: `x**2`")
_REFUSED = {
    ast.Attribute: ("attributes (`x.y`) are not available in variables",
                    "call a function instead, e.g. `sqrt(x)`"),
    ast.Lambda: ("lambda is not available in variables", "write the expression directly"),
    ast.ListComp: ("comprehensions are not available in variables", "write the list out: `[1, 2, 3]`"),
    ast.GeneratorExp: ("comprehensions are not available in variables", "write the list out: `[1, 2, 3]`"),
    ast.JoinedStr: ("f-strings are not available in variables", "format values in the text: `{{V:.2f}}`"),
    ast.NamedExpr: ("`:=` is not available in variables", "give the value its own line: `name = ...`"),
}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    line: int
    col: int
    hint: str


@dataclass(frozen=True)
class Expression:
    """One checked expression: its source, its tree and the variables it reads."""

    source: str
    node: ast.expr
    uses: frozenset[str]
    line: int
    col: int
    cost: int = 0  # the work of one evaluation (see HEAVY)


@dataclass(frozen=True)
class Variable(Expression):
    name: str = ""


@dataclass
class Block:
    variables: list[Variable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0

    @property
    def cost(self) -> int:
        """The work of evaluating every variable once (one variant)."""
        return sum(v.cost for v in self.variables)


class _Checker:
    """Walks one expression: refuses what is not allowed, turns float literals into exact decimals."""

    def __init__(self, text: str, line: int, col: int, known: dict[str, int], later: dict[str, int]) -> None:
        self.text, self.line, self.col = text, line, col
        self.known, self.later = known, later
        self.problems: list[Problem] = []
        self.uses: set[str] = set()
        self.nodes = 0
        self.cost = 0

    def _at(self, node: ast.AST) -> tuple[int, int]:
        row = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        return self.line + row - 1, (self.col if row == 1 else 1) + col

    def report(self, code: str, node: ast.AST, message: str, hint: str) -> None:
        line, col = self._at(node)
        self.problems.append(Problem(code, message, line, col, hint))

    def check(self, root: ast.AST) -> None:
        """Every node, parents first; what is refused is reported once, not its parts too."""
        pending = [root]
        while pending:
            node = pending.pop()
            self.nodes += 1
            self.cost += 1
            kind = type(node)
            if kind in _REFUSED:
                self.report("E801", node, *_REFUSED[kind])
                continue
            if not isinstance(node, _ALLOWED) and not isinstance(node, ast.operator | ast.unaryop | ast.cmpop):
                self.report("E801", node, f"`{_snippet(self.text, node)}` is not available in variables",
                            "use numbers, text, lists, arithmetic, comparisons, `a if c else b` and qbank's "
                            "functions (docs/format.md, Variants)")
                continue
            pending.extend(reversed(list(ast.iter_child_nodes(node))))
            if isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare):
                self._operators(node)
            elif isinstance(node, ast.Constant):
                self._constant(node)
            elif isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Name) and not getattr(node, "_qbank_callee", False):
                self._name(node)

    def _operators(self, node: ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare) -> None:
        ops = node.ops if isinstance(node, ast.Compare) else [node.op]
        for operator in ops:
            if isinstance(operator, ast.Pow):
                self.cost += POWER
            if isinstance(operator, ast.BitXor):
                self.report("E801", node, *_POWER_TYPO)
            elif not isinstance(operator, _OPERATORS):
                self.report("E801", node, f"the operator in `{_snippet(self.text, node)}` is not available in "
                            "variables", "use + - * / // % ** and comparisons")

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, float):
            source = ast.get_source_segment(self.text, node) or repr(value)
            node.value = Decimal(source.replace("_", ""))  # type: ignore[assignment]
        elif value is None or isinstance(value, complex | bytes) or value is Ellipsis:
            self.report("E801", node, f"`{_snippet(self.text, node)}` is not a number, text or truth value",
                        "use numbers such as 2 or 0.5, or text in quotes")

    def _call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            if not isinstance(node.func, ast.Attribute):
                self.report("E801", node.func, "only qbank's functions can be called", "e.g. `sqrt(x)`")
            return
        node.func._qbank_callee = True  # type: ignore[attr-defined]
        name = node.func.id
        if name in _HEAVY_CALLS:
            self.cost += HEAVY
        if name not in CALLABLE:
            close = difflib.get_close_matches(name, sorted(CALLABLE), n=1)
            self.report("E803", node.func, f"unknown function `{name}`",
                        f"did you mean `{close[0]}`?" if close else "docs/format.md lists the functions")

    def _name(self, node: ast.Name) -> None:
        name = node.id
        if name in self.known:
            self.uses.add(name)
            return
        if name in NAMES:
            return
        if name in CALLABLE:
            self.report("E801", node, f"`{name}` is a function: call it, e.g. `{name}(...)`",
                        "functions cannot be stored in variables")
        elif name in self.later:
            self.report("E803", node, f"`{name}` is used before it is defined (at line {self.later[name]})",
                        "define each variable before the lines that use it")
        else:
            close = difflib.get_close_matches(name, [*self.known, *NAMES], n=1)
            self.report("E803", node, f"`{name}` is not defined",
                        f"did you mean `{close[0]}`?" if close else "define it in the ```vars block: "
                        f"`{name} = ...`")


def _snippet(text: str, node: ast.AST) -> str:
    segment = ast.get_source_segment(text, node) or type(node).__name__
    return segment if len(segment) <= 40 else segment[:37] + "..."


def _syntax_problem(exc: Exception, first_line: int, col: int) -> Problem:
    row = getattr(exc, "lineno", None) or 1
    offset = getattr(exc, "offset", None) or 1
    message = getattr(exc, "msg", None) or str(exc)
    return Problem("E801", f"the expression cannot be read: {message}", first_line + row - 1,
                   (col if row == 1 else 1) + offset - 1, "write one `name = expression` per line")


def parse_block(lines: list[tuple[int, str]]) -> Block:
    """The variables of a ```vars block, given as (file line, text) pairs, with every problem."""
    block = Block()
    if not lines:
        return block
    first = lines[0][0]
    text = "\n".join(t for _, t in lines)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        block.problems.append(_syntax_problem(exc, first, 1))
        return block
    later: dict[str, int] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            later.setdefault(statement.targets[0].id, first + statement.lineno - 1)
    known: dict[str, int] = {}
    for statement in tree.body:
        line = first + statement.lineno - 1
        col = statement.col_offset + 1
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            block.problems.append(Problem("E801", "each line of a ```vars block is `name = expression`",
                                          line, col, "e.g. `R = randint(10, 100)`"))
            continue
        name = statement.targets[0].id
        problem = _bad_name(name, known)
        if problem is not None:
            block.problems.append(Problem("E801", problem[0], line, col, problem[1]))
            continue
        later.pop(name, None)
        checker = _Checker(text, first, 1, known, later)
        checker.check(statement.value)
        block.nodes += checker.nodes
        block.problems.extend(checker.problems)
        source = ast.get_source_segment(text, statement.value) or ""
        known[name] = line
        block.variables.append(Variable(source, statement.value, frozenset(checker.uses), line,
                                        statement.value.col_offset + 1, checker.cost, name))
    if block.nodes > MAX_NODES:
        block.problems.append(Problem("E811", f"the variables are too large to evaluate ({block.nodes} parts; "
                                      f"at most {MAX_NODES})", first, 1, "split the question, or simplify"))
    return block


def _bad_name(name: str, known: dict[str, int]) -> tuple[str, str] | None:
    if not name.isascii() or not name[0].isalpha():
        return (f"variable name `{name}` must start with a letter and use ASCII letters, digits and `_`",
                "e.g. `R`, `I2`, `v_max`")
    if name in CALLABLE or name in NAMES:
        return f"`{name}` is the name of a function or constant", "choose another name"
    if name in known:
        return f"`{name}` is defined twice (first at line {known[name]})", "keep one definition"
    return None


def parse_expression(source: str, line: int, col: int, known: dict[str, int]) -> Expression | list[Problem]:
    """An inline ``{{= expression}}`` (``col`` is where ``source`` starts), or its problems."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return [_syntax_problem(exc, line, col)]
    checker = _Checker(source.strip(), line, col + len(source) - len(source.lstrip()), known, {})
    checker.check(tree.body)
    if checker.problems:
        return checker.problems
    return Expression(source.strip(), tree.body, frozenset(checker.uses), line, col, checker.cost)


class EvaluationError(Exception):
    """An expression that failed in one variant: which one, the code and what happened."""

    def __init__(self, expression: Expression, code: str, message: str) -> None:
        super().__init__(message)
        self.expression, self.code, self.message = expression, code, message


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, ZeroDivisionError | DivisionByZero):
        text = str(exc) if isinstance(exc, ZeroDivisionError) and str(exc).startswith("division") else ""
        return "E806", text or "division by zero"
    if isinstance(exc, ValueLimit):
        return "E811", str(exc)
    if isinstance(exc, dm.NumberError):
        return "E805", str(exc)
    if isinstance(exc, InvalidOperation):
        return "E805", "the result is not a number"
    if isinstance(exc, DecimalException | OverflowError):
        return "E805", "the result is too large (beyond 10^999)"
    if isinstance(exc, RecursionError):
        return "E811", "the expression is nested too deeply"
    if isinstance(exc, InvalidExpression):
        return "E804", getattr(exc, "message", None) or str(exc)
    return "E804", str(exc) or type(exc).__name__


class Evaluator:
    """Evaluates one question's variables and inline expressions, variant by variant."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.draws = Draws()
        self.engine = EvalWithCompoundTypes(operators=operators(), functions=functions_for(self.draws),
                                            names={}, allowed_attrs={})
        for builtin in ("list", "tuple", "dict", "set"):  # EvalWithCompoundTypes adds these
            self.engine.functions.pop(builtin, None)
        self.key = b""
        self.current: dict[str, Any] = {}  # the values of the variant being evaluated, so far

    def _eval(self, expression: Expression, stream: str, names: dict[str, Any]) -> Any:
        self.draws.stream = Stream(self.key, stream)
        self.engine.names = names
        try:
            return checked(self.engine.eval(expression.source, previously_parsed=expression.node))
        except (ArithmeticError, TypeError, ValueError, IndexError, KeyError, InvalidExpression,
                RecursionError) as exc:
            raise EvaluationError(expression, *_classify(exc)) from None

    def values(self, key: bytes) -> dict[str, Any]:
        """Every variable's value in the variant with this key (in block order)."""
        self.key = key
        names: dict[str, Any] = dict(NAMES)
        values: dict[str, Any] = {}
        self.current = values
        for variable in self.block.variables:
            values[variable.name] = names[variable.name] = self._eval(variable, variable.name, names)
        return values

    def inline(self, expression: Expression, values: dict[str, Any]) -> Any:
        """An inline expression's value in the variant last evaluated by :meth:`values`."""
        return self._eval(expression, "=" + expression.source, {**NAMES, **values})
