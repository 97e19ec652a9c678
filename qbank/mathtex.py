"""LaTeX: checking formulas with positions, and LaTeX → MathML (pure functions; the
:class:`qbank.render.Renderer` caches their results).

Conversion is latex2mathml's (a maintained pure-Python converter). It is lenient — it
turns an unknown command into an identifier and ignores a missing ``\\frac`` argument — so
:func:`check` adds the structural checks that give an author a position inside the formula.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from xml.etree.ElementTree import Element, tostring

from latex2mathml import commands as l2m_commands
from latex2mathml.converter import convert, convert_to_element

__all__ = ["Problem", "check", "converted_problems", "structural_problems", "to_mathml"]

_TOKEN = re.compile(r"\\[a-zA-Z]+\*?|\\.|[{}]|[^\s]", re.S)
_UNKNOWN = re.compile(r"<mi>(\\[a-zA-Z]+)</mi>")

_TWO = {c for c in l2m_commands.COMMANDS_WITH_TWO_PARAMETERS if c.startswith("\\")}
_ONE = {c for c in l2m_commands.COMMANDS_WITH_ONE_PARAMETER if c.startswith("\\")}
_ONE -= {r"\left", r"\right", r"\middle"}


def _tokens(latex: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _TOKEN.finditer(latex)]


def _skip_argument(tokens: list[tuple[int, str]], k: int) -> int | None:
    """Index after one argument starting at ``k`` (a group or a single token), or None."""
    if k >= len(tokens) or tokens[k][1] in ("}", "&", r"\\"):
        return None
    if tokens[k][1] != "{":
        return k + 1
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j][1] == "{":
            depth += 1
        elif tokens[j][1] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return None


Problem = tuple[int, str, str]  # (offset in the formula, message, hint)


def check(latex: str, mathml: Callable[[], str] | None = None) -> list[Problem]:
    """Problems in ``latex`` as (offset in the formula, message, hint); empty when it parses.

    ``mathml`` converts the formula (inline); the renderer passes its cached conversion, so a
    formula is converted once for the check and the targets alike."""
    return structural_problems(latex) or converted_problems(latex, mathml or (lambda: convert(latex)))


def structural_problems(latex: str) -> list[Problem]:
    """What latex2mathml would let through: unbalanced groups, environments, ``\\left``/``\\right``
    and missing arguments, each at its position."""
    if not latex.strip():
        return [(0, "empty formula", "remove the empty delimiters or write the formula")]
    problems: list[tuple[int, str, str]] = []
    tokens = _tokens(latex)

    stack: list[tuple[int, str]] = []
    for offset, tok in tokens:
        if tok == "{":
            stack.append((offset, tok))
        elif tok == "}":
            if not stack or stack[-1][1] != "{":
                problems.append((offset, "`}` closes a group that was never opened",
                                 "remove it, or write `\\}` for a literal brace"))
                return problems
            stack.pop()
    if stack:
        problems.append((stack[-1][0], "`{` is never closed", "add the matching `}`"))
        return problems

    envs: list[tuple[int, str]] = []
    lefts: list[int] = []
    for k, (offset, tok) in enumerate(tokens):
        if tok in (r"\begin", r"\end"):
            name_end = _skip_argument(tokens, k + 1)
            name = "".join(t for _, t in tokens[k + 2:(name_end or k + 2) - 1])
            if tok == r"\begin":
                envs.append((offset, name))
            elif not envs:
                problems.append((offset, f"`\\end{{{name}}}` has no `\\begin`", "add the matching \\begin"))
            elif envs[-1][1] != name:
                problems.append((offset, f"`\\end{{{name}}}` closes `\\begin{{{envs[-1][1]}}}`",
                                 f"write `\\end{{{envs[-1][1]}}}`"))
                envs.pop()
            else:
                envs.pop()
        elif tok == r"\left":
            lefts.append(offset)
        elif tok == r"\right":
            if not lefts:
                problems.append((offset, "`\\right` without a `\\left`", "add `\\left` or remove `\\right`"))
            else:
                lefts.pop()
        elif tok in _TWO or tok in _ONE:
            arity = 2 if tok in _TWO else 1
            j: int | None = k + 1
            if tok == r"\sqrt" and j is not None and j < len(tokens) and tokens[j][1] == "[":
                while j < len(tokens) and tokens[j][1] != "]":
                    j += 1
                j += 1
            for _ in range(arity):
                j = _skip_argument(tokens, j) if j is not None else None
                if j is None:
                    problems.append((offset, f"`{tok}` needs {arity} argument{'s' * (arity > 1)}",
                                     f"write `{tok}" + "{…}" * arity + "`"))
                    break
    for offset, name in envs:
        problems.append((offset, f"`\\begin{{{name}}}` is never ended", f"add `\\end{{{name}}}`"))
    for offset in lefts:
        problems.append((offset, "`\\left` without a `\\right`", "add `\\right.` or a closing delimiter"))
    return problems


def converted_problems(latex: str, mathml: Callable[[], str]) -> list[Problem]:
    """Problems the conversion ``mathml`` shows: it fails, or turns an unknown command into an identifier."""
    problems: list[Problem] = []
    try:
        text = mathml()
    except Exception as exc:  # latex2mathml raises many types; any of them means "does not parse"
        reason = type(exc).__name__.removesuffix("Error")
        words = re.sub(r"(?<!^)([A-Z])", r" \1", reason).lower()
        return [(0, f"LaTeX does not parse ({words})", "check the formula's structure")]
    for match in _UNKNOWN.finditer(text):
        command = match.group(1)
        where = re.search(re.escape(command) + r"(?![a-zA-Z])", latex)
        problems.append((where.start() if where else 0, f"unknown LaTeX command `{command}`",
                         "check the spelling; MathJax and MathML converters will not render it"))
    return problems


_ESCAPED_ENTITY = re.compile(r"&amp;(#x[0-9A-Fa-f]+;)")
# Operator names latex2mathml writes as <mi> (\sin, \dim, \log, ...): TeX puts a thin space
# after one that is followed by an operand; MathML shows them run together ("dimker M").
_FUNCTION_NAMES = frozenset(c[1:] for c in l2m_commands.FUNCTIONS)
_SCRIPTED = frozenset({"msub", "msup", "msubsup", "munder", "mover", "munderover"})
THIN_SPACE = "0.1667em"


# latex2mathml writes a one-letter \mathrm{J} (a unit, the d of dx) as the letter's character
# reference with no mathvariant, so browsers show it in italics; several letters get
# mathvariant="normal". The reference is how it can be told from an italic variable.
_UPRIGHT_REFERENCE = re.compile(r"&#x0*(4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]);")


def _upright_letters(element: Element) -> None:
    for mi in element.iter("mi"):
        if "mathvariant" not in mi.attrib and _UPRIGHT_REFERENCE.fullmatch(mi.text or ""):
            mi.set("mathvariant", "normal")


def _is_function(element: Element) -> bool:
    if element.tag in _SCRIPTED and len(element):
        return _is_function(element[0])
    return element.tag == "mi" and (element.text or "") in _FUNCTION_NAMES


def _space_operators(element: Element) -> None:
    r"""A thin space after each operator name followed by an operand (not by a parenthesis or an
    operator, which space themselves), as TeX sets ``\dim \ker M`` or ``\cos\theta``."""
    children = list(element)
    for index in range(len(children) - 1, -1, -1):
        child = children[index]
        _space_operators(child)
        following = children[index + 1] if index + 1 < len(children) else None
        if following is not None and following.tag != "mo" and element.tag not in _SCRIPTED and _is_function(child):
            element.insert(index + 1, Element("mspace", width=THIN_SPACE))


def _mathml_text(latex: str, display: bool) -> str:
    """latex2mathml's MathML, well-formed.

    ``convert`` un-escapes its whole output to restore the character references it puts in
    text nodes, which also un-escapes an author's ``&`` or ``<`` (``\\text{a<b}``) and breaks
    the XML. Serialising its element tree and restoring only the references keeps both right.
    """
    element = convert_to_element(latex, display="block" if display else "inline")
    _space_operators(element)
    _upright_letters(element)
    return _ESCAPED_ENTITY.sub(r"&\1", tostring(element, encoding="unicode"))


def to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``, with the LaTeX kept in an ``annotation`` so it is never lost."""
    mathml = _mathml_text(latex, display)
    head_end = mathml.index(">") + 1
    inner = mathml[head_end:mathml.rindex("</math>")]
    annotation = f'<annotation encoding="application/x-tex">{escape(latex, quote=False)}</annotation>'
    return f"{mathml[:head_end]}<semantics><mrow>{inner}</mrow>{annotation}</semantics></math>"
