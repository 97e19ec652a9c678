"""Locates math, images and blanks in a Markdown fragment, before Markdown runs.

Math delimiters follow Pandoc's ``tex_math_dollars`` rule: an opening ``$`` must have a
non-space character right after it, a closing ``$`` a non-space character right before it
and no digit right after it, so "$5 and $10" stays text. ``$$...$$``, ``\\(...\\)`` and
``\\[...\\]`` are math too; ``\\$`` is a literal dollar. Code spans and fenced code blocks are
never scanned.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from qbank import placeholders

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})[^\n]*")
# Characters that can open a code span, an escape, math or a blank; a newline before a fence.
_SPECIAL = re.compile(r"[`\\$\[]|\n(?= {0,3}(?:`{3}|~{3}))")
# Possessive quantifiers and no `[` in the alt text keep this linear on text such as "![![![...".
_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*+)\]\(\s*+(<[^>\n]*+>|[^)\s]*+)(?:\s+\"([^\"]*+)\")?\s*\)")


@dataclass(frozen=True)
class SourceText:
    """A fragment's text and where each of its lines starts in the file (1-based)."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (line, col) of the first character of each text line

    def locate(self, offset: int) -> tuple[int, int]:
        line_index = self.text.count("\n", 0, offset)
        line_start = self.text.rfind("\n", 0, offset) + 1
        line, col = self.starts[min(line_index, len(self.starts) - 1)]
        return line, col + (offset - line_start)


# LaTeX that holds words on purpose (text, names, environments), and function names.
_TEXT_COMMANDS = re.compile(r"\\(?:text\w*|math(?:rm|it|bf|sf|tt|cal|bb|frak)|operatorname\*?|mbox|hbox|begin|end"
                            r"|label|tag|color|mathop)\s*\{[^{}]*\}")
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")
_PROSE = re.compile(r"\b[A-Za-z]{2,}\b(?:[ ,;:]+\b[A-Za-z]{2,}\b){2,}")
_MATH_WORDS = frozenset(str.split("sin cos tan cot sec csc sinh cosh tanh log ln lg exp max min sup inf lim det dim "
                                  "ker deg gcd lcm arg mod Pr tr rank var cov and or not if"))
_WORDS = re.compile(r"[A-Za-z]{2,}[^A-Za-z]+[A-Za-z]{2,}[^A-Za-z]+[A-Za-z]{2,}")  # three words, at the least
_TEX_LIKE = re.compile(r"\\[A-Za-z]|[\^_{}]")


def reads_like_prose(latex: str) -> bool:
    """Several words in a row outside ``\\text{}``: a formula that a stray `$` opened too early."""
    stripped = _COMMAND.sub(" ", _TEXT_COMMANDS.sub(" ", latex))
    for run in _PROSE.finditer(stripped):
        words = run.group().replace(",", " ").replace(";", " ").replace(":", " ").split()
        if any(len(word) >= 3 and word not in _MATH_WORDS for word in words):
            return True
    return False


def _unescaped_dollar(text: str) -> int:
    """Offset of the first `$` in ``text`` not escaped by a backslash, or -1."""
    for match in re.finditer(r"(\\*)\$", text):
        if len(match.group(1)) % 2 == 0:
            return match.end() - 1
    return -1


@dataclass
class Found:
    kind: str  # "math" | "image" | "blank"
    start: int  # offset of the content (after the opening delimiter)
    content: str
    display: bool = False
    alt: str = ""
    title: str | None = None


@dataclass
class Problem:
    offset: int
    code: str
    message: str
    hint: str | None = None


@dataclass
class ScanResult:
    template: str
    math: list[Found] = field(default_factory=list)
    images: list[Found] = field(default_factory=list)
    blanks: list[Found] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Closers:
    """Where inline math opened at ``start`` closes, for many starts in one text.

    Scanning forward from every ``$`` would be quadratic (a line of "$x $x $x ..." never
    closes); instead every ``$`` that can close and every paragraph break is found once.
    A ``$`` or break preceded by an odd run of backslashes is escaped. A closing ``$`` has a
    non-space character before it and no digit after it.
    """

    def __init__(self, text: str) -> None:
        self.dollars = [m.end() - 1 for m in re.finditer(r"(\\*)\$", text) if len(m.group(1)) % 2 == 0]
        self.closers = [k for k in self.dollars
                        if k >= 1 and not text[k - 1].isspace() and not (k + 1 < len(text) and text[k + 1].isdigit())]
        self.breaks = [m.end() - 1 for m in re.finditer(r"(\\*)\n(?=\n)", text) if len(m.group(1)) % 2 == 0]

    def closing(self, start: int) -> int:
        """Index of the ``$`` closing inline math opened just before ``start``, or -1."""
        k = bisect_left(self.closers, start)
        if k == len(self.closers):
            return -1
        b = bisect_left(self.breaks, start)
        if b < len(self.breaks) and self.breaks[b] < self.closers[k]:
            return -1  # math never spans a paragraph break
        return self.closers[k]


class _Finder:
    """``text.find(needle, start)`` for increasing starts, scanning each character once."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle = text, needle
        self.start, self.found = -1, -1

    def find(self, start: int) -> int:
        if start < self.start or (self.found != -1 and self.found < start) or self.start == -1:
            self.start, self.found = start, self.text.find(self.needle, start)
        return self.found


def _spaced_formula(text: str, opening: int, dollars: list[int], end: int) -> tuple[int, str] | None:
    """`$ \\operatorname{tr} I_3 $`: the closing `$` and the text, when TeX follows an opening `$`
    and a space (Pandoc reads it as text); None when it is a price or prose (`$ 5 and $ 10`).
    ``dollars`` are the text's unescaped `$` in order, ``end`` where the paragraph ends."""
    k = bisect_right(dollars, opening)
    if k == len(dollars) or dollars[k] >= end:
        return None
    closing = dollars[k]
    content = text[opening + 1:closing]
    if not content.strip() or not _TEX_LIKE.search(content) or reads_like_prose(content):
        return None
    written = f"${content}$"
    return closing, written if len(written) <= 50 else written[:47] + "..."


def scan(text: str, *, blanks: bool = False) -> ScanResult:
    """Split ``text`` into a placeholder template and the math/images/blanks it holds."""
    out: list[str] = []
    result = ScanResult(template="")
    i, n = 0, len(text)
    # Searches repeated from each opener stay linear: each remembers its last answer.
    closers: _Closers | None = None
    finders = {needle: _Finder(text, needle) for needle in ("\\)", "\\]", "$$", "]]", "\n\n")}

    text_dollars: list[int] = []  # unescaped `$` left as text (a price, or a mistake)
    reported: set[int] = set()  # `$` a problem was already reported at

    def add_math(content_start: int, content: str, display: bool) -> None:
        out.append(placeholders.token(placeholders.MATH, len(result.math)))
        result.math.append(Found("math", content_start, content, display=display))

    def dollar_math(opening: int, content: str) -> None:
        """Inline `$...$` math: a formula that holds a `$` or reads like prose swallowed text."""
        inner = _unescaped_dollar(content) if "$" in content else -1
        if inner == -1 and not _WORDS.search(content):
            return  # no `$` inside and not three words: a formula like any other
        shown = " ".join(content.split())
        shown = shown if len(shown) <= 50 else shown[:47] + "..."
        if inner != -1:
            result.problems.append(Problem(opening, "W108", f"the formula `{shown}` holds a `$`: two formulas, or "
                                           "a price and a formula, ran together",
                                           "close each formula with its own `$` (`$A = ...$, so $B$`), and "
                                           "write `\\$` for a dollar sign"))
            reported.update((opening, opening + 1 + inner))
        elif reads_like_prose(content):
            result.problems.append(Problem(opening, "W108", f"the formula `{shown}` reads like prose: a stray `$` "
                                           "probably opened it", "write `\\$` for a dollar sign (a price), and "
                                           "check that each formula's `$` has its partner"))
            reported.add(opening)

    while i < n:
        if (i == 0 or text[i - 1] == "\n") and text[i] in " `~":
            fence = _FENCE.match(text, i)
            if fence:
                marker = fence.group(2)
                close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$",
                                   re.M)
                end_match = close.search(text, fence.end())
                end = end_match.end() if end_match else n
                out.append(text[i:end])
                i = end
                continue
        # Copy plain text in one go up to the next character that can start something.
        special = _SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        if special.start() > i:
            out.append(text[i:special.start()])
            i = special.start()
            continue
        ch = text[i]
        if ch == "\n":
            out.append(ch)
            i += 1
            continue
        if ch == "`":
            run = 0
            while i + run < n and text[i + run] == "`":
                run += 1
            ticks = "`" * run
            j = text.find(ticks, i + run)
            while j != -1 and j + run < n and text[j + run] == "`":
                j = text.find(ticks, j + run + 1)
            if j == -1:
                out.append(ticks)
                i += run
            else:
                out.append(text[i:j + run])
                i = j + run
            continue
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "$":
                out.append("&#36;")
                i += 2
                continue
            if nxt in "([":
                closer = "\\)" if nxt == "(" else "\\]"
                j = finders[closer].find(i + 2)
                if j == -1:
                    result.problems.append(Problem(i, "E502", f"`\\{nxt}` opens a formula that is never closed",
                                                   f"close it with `{closer}`, or write `\\\\{nxt}` for a "
                                                   "literal backslash"))
                    out.append(text[i:i + 2])
                    i += 2
                    continue
                add_math(i + 2, text[i + 2:j], display=nxt == "[")
                i = j + 2
                continue
            out.append(text[i:i + 2])
            i += 2
            continue
        if ch == "$":
            if text.startswith("$$", i):
                j = finders["$$"].find(i + 2)
                if j == -1:
                    result.problems.append(Problem(i, "E502", "`$$` opens a display formula that is never closed",
                                                   "close it with `$$`, or write `\\$\\$` for literal dollars"))
                    out.append("&#36;&#36;")
                    i += 2
                    continue
                add_math(i + 2, text[i + 2:j], display=True)
                i = j + 2
                continue
            if i + 1 < n and not text[i + 1].isspace():
                closers = closers or _Closers(text)
                j = closers.closing(i + 1)
                if j != -1:
                    add_math(i + 1, text[i + 1:j], display=False)
                    dollar_math(i, text[i + 1:j])
                    i = j + 1
                    continue
                if not text[i + 1].isdigit() and text[i + 1] not in ".,;:!?)]'\"":
                    result.problems.append(Problem(
                        i, "E502", "`$` opens an inline formula that is never closed",
                        "close the formula with `$` (no space before it), or write `\\$` for a literal dollar"))
                    reported.add(i)
            elif i + 1 < n and i not in reported:
                closers = closers or _Closers(text)
                paragraph_end = finders["\n\n"].find(i)
                spaced = _spaced_formula(text, i, closers.dollars, n if paragraph_end == -1 else paragraph_end)
                if spaced is not None:
                    result.problems.append(Problem(i, "W107", f"`{spaced[1]}` is not read as math: a space "
                                                   "follows the opening `$`",
                                                   "remove the spaces inside the dollars: Pandoc's rule (qbank's "
                                                   "too) needs a non-space after the opening `$` and before the "
                                                   "closing one"))
                    reported.update((i, spaced[0]))
            text_dollars.append(i)
            out.append("&#36;")
            i += 1
            continue
        if blanks and ch == "[" and text.startswith("[[", i):
            j = finders["]]"].find(i + 2)
            paragraph_break = finders["\n\n"].find(i)
            if j != -1 and not (0 <= paragraph_break < j):
                out.append(placeholders.token(placeholders.BLANK, len(result.blanks)))
                result.blanks.append(Found("blank", i + 2, text[i + 2:j]))
                i = j + 2
                continue
        out.append(ch)
        i += 1

    template = "".join(out)
    if any(not m.display and text.startswith("$", m.start - 1) for m in result.math):
        stray = next((k for k in text_dollars if k not in reported), None)
        if stray is not None:
            result.problems.append(Problem(stray, "W108", "a `$` is left as text beside formulas: a reader (and "
                                           "MathJax) may pair it with another `$`",
                                           "write `\\$` for a dollar sign (a price)"))

    cursor = 0

    def image(match: re.Match[str]) -> str:
        # Offsets in the template differ from the source once math is replaced: find the
        # image target in the source itself, in order, to report positions there.
        nonlocal cursor
        raw = match.group(2)
        src = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
        found = text.find("](", cursor)
        offset = found + 2 if found != -1 else 0
        cursor = offset
        result.images.append(Found("image", offset, src, alt=match.group(1), title=match.group(3)))
        token = placeholders.token(placeholders.IMAGE, len(result.images) - 1)
        return f"![{match.group(1)}]({token})"

    result.template = _IMAGE.sub(image, template)
    return result
