"""GIFT (Moodle's ``question/format/gift/format.php``) → banks: ``$CATEGORY:`` lines start banks or groups.

A question is a run of lines up to a blank line: ``// [id:...] [tag:...]`` comments, an optional
``::title::``, a ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` format, the text and one
``{...}`` answer block, whose shape gives the type as Moodle's reader decides it. Escapes are
Moodle's: ``\\~ \\= \\# \\{ \\} \\:`` and ``\\\\``, ``\\n`` a line break.
"""

from __future__ import annotations

import re
from decimal import Decimal

from qbank.models import (
    Bank,
    Choice,
    Description,
    Essay,
    Fragment,
    Matching,
    MatchPair,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    OtherAnswer,
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
)
from qbank.readers.foreign import build
from qbank.readers.markdown.typed import choice_id
from qbank.xhtml import NOT_XML

from .context import PHP_SPACE, Ctx
from .xml import Draft, bank_of, enter_category, split_category

_ESCAPES = {"\\\\": "\ue020", "\\~": "\ue021", "\\=": "\ue022", "\\#": "\ue023", "\\{": "\ue024", "\\}": "\ue025",
            "\\:": "\ue026"}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")  # Moodle's $giftanswerweightregex
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")


def _protect(text: str) -> str:
    return re.sub(r"\\[\\~=#{}:]", lambda m: _ESCAPES[m.group()], text)


def _restore(text: str) -> str:
    text = text.replace("\\n", "\n")
    return "".join(_RESTORE.get(ch, ch) for ch in text)


class _Question:
    def __init__(self, ctx: Ctx, line: int, lines: list[str], comments: list[str]) -> None:
        self.ctx, self.line = ctx, line
        self.text = "\n".join(lines)
        comment = " ".join(comments)
        # extract_idnumber_and_tags_from_comment: the first [id:...], every [tag:...], `\\]` a bracket.
        found = re.search(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]", comment)
        self.idnumber = found.group(1).strip(PHP_SPACE).replace("\\]", "]") or None if found else None
        self.fmt = "moodle"
        self.tags = tuple(t.replace("\\]", "]").strip(PHP_SPACE)
                          for t in re.findall(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]", comment))

    def fragment(self, text: str, fmt: str, *, stem: bool = False) -> Fragment | None:
        match = _FORMAT.match(text)
        if match:
            fmt, text = match.group(1), text[match.end():]
        text = _restore(text).strip()
        if not text:
            return None
        moodle_format = {"moodle": "moodle_auto_format", "plain": "plain_text"}.get(fmt, fmt)
        source = self.ctx.markdown(text, {}, self.line, moodle_format, stem=stem)
        made = build.fragment(source, self.ctx.pos(self.line), self.ctx.media)
        return None if made.is_empty else made

    def answer(self, part: str, default: float | None) -> tuple[float | None, str, Fragment | None] | None:
        """One answer as Moodle reads it: its `%weight%` (else ``default``), its text and its `#feedback`;
        None when the weight is one PHP cannot divide (Moodle's import fails on it)."""
        part = part.strip(PHP_SPACE)
        weight = default
        if _WEIGHT.match(part):
            number, _, part = part[1:].partition("%")
            try:
                weight = build.exact_percent(float(number))
            except ValueError:
                return None
        text, _, feedback = part.partition("#")
        return weight, text.strip(PHP_SPACE), self.fragment(feedback, self.fmt)

    def typed_answer(self, part: str) -> tuple[float, str, Fragment | None] | None:
        """A short-answer or numerical answer: its weight (100 unless given), its text as typed
        (without a format marker) and its feedback; None, the question refused, when the weight
        is not a number."""
        read = self.answer(part, 100.0)
        if read is None:
            self.refused(f"the weight of `{part.strip()[:40]}` is not a number", "write it as `%50%`")
            return None
        weight, text, feedback = read
        return 100.0 if weight is None else weight, _restore(_FORMAT.sub("", text, 1)).strip(), feedback

    def build(self, index: int) -> Question | None:
        text = _protect(self.text)
        title = ""
        if text.startswith("::"):  # Moodle drops the `::` even when the name is not closed
            text = text[2:]
            title, found, rest = text.partition("::")
            title, text = (_restore(title).strip(), rest) if found else ("", text)
        fmt_match = _FORMAT.match(text)
        fmt = fmt_match.group(1) if fmt_match else "moodle"
        self.fmt = fmt  # Moodle's GIFT reader gives answers and feedback the question text's format
        start, end = text.find("{"), text.find("}")  # Moodle: the first `{` and the first `}`
        if (start < 0) != (end < 0) or end < start:
            self.ctx.report("W702", "the answer block's braces do not match (Moodle's braceerror); the question is "
                            "left out", self.line, "escape a literal brace as `\\{` or `\\}`")
            return None
        head = text[:start] if start >= 0 else text
        after = text[end + 1:] if start >= 0 and text[end + 1:].strip() else ""
        stem_text = head + ("_____" + after if after else "")  # Moodle: the missing word's place
        title = title or _default_name(_FORMAT.sub("", _restore(stem_text), 1)) or f"Question {index}"
        qid, idnumber = self.ctx.ids.derive(self.idnumber, title)
        self.ctx.question = qid
        if start < 0:
            stem = self.fragment(text, fmt, stem=True) or build.fragment("", self.ctx.pos(self.line), self.ctx.media)
            return Description(id=qid, idnumber=idnumber, title=title, pos=self.ctx.pos(self.line), stem=stem,
                               tags=self.tags)
        if after:
            self.ctx.report("W703", "the answer block stands inside the text (Moodle's missing-word form); qbank "
                            "shows `_____` there", self.line, "nothing to do, unless the layout matters")
        stem = self.fragment(stem_text, fmt, stem=True) or build.fragment("", self.ctx.pos(self.line), self.ctx.media)
        block = text[start + 1:end]
        general = None
        if "####" in block:
            block, _, general_text = block.rpartition("####")  # Moodle: after the last `####`
            general = self.fragment(general_text, self.fmt)
        base = dict(id=qid, idnumber=idnumber, title=title, pos=self.ctx.pos(self.line), stem=stem,
                    tags=self.tags, explanation=general, points=Decimal(1))
        return self.typed(block.strip(PHP_SPACE), base)

    def refused(self, what: str, hint: str) -> None:
        self.ctx.report("W702", f"{what}; the question is left out", self.line, hint)

    def typed(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        """The type Moodle's GIFT reader decides, in its order: essay, numerical, multiple choice
        (a `~`), matching (`=` and `->`), true/false (`T`, `TRUE`, `F`, `FALSE` before any `#`), short answer."""
        if not block:
            return Essay(**base, response_lines=15)  # Moodle's GIFT essay: 15 lines
        if block.startswith("#"):
            return self.numerical(block[1:], base)
        if "~" in block:
            return self.choices(block, base)
        if "=" in block and "->" in block:
            return self.matching(block, base)
        check = block[:block.find("#")].strip(PHP_SPACE) if block.find("#") > 0 else block
        if check in ("T", "TRUE", "F", "FALSE"):
            return self.truefalse(block, base)
        return self.short(block, base)

    def truefalse(self, block: str, base: dict) -> Question:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        parts = block.split("#", 2)
        answer = parts[0].strip(PHP_SPACE) in ("T", "TRUE")
        wrong_fb = self.fragment(parts[1], self.fmt) if len(parts) > 1 else None
        right_fb = self.fragment(parts[2], self.fmt) if len(parts) > 2 else None
        choices = tuple(Choice(id=v, text=self.ctx.plain(v.capitalize(), self.line), correct=(v == "true") == answer,
                               weight=100.0 if (v == "true") == answer else 0.0,
                               feedback=right_fb if (v == "true") == answer else wrong_fb, pos=pos)
                        for v in ("true", "false"))
        return TrueFalse(**base, answer=answer, choices=choices, shuffle=False)

    def matching(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        pairs, distractors = [], []
        parts = _split(block, "=")
        for part in parts:
            if "->" not in part:
                self.refused(f"the matching pair `{_restore(part).strip()[:60]}` has no `->` (Moodle's "
                             "giftmatchingformat)", "write each pair as `=left -> right`")
                return None
            left, _, right = part.partition("->")
            right_fragment = self.ctx.plain(_restore(right).strip(PHP_SPACE), self.line)
            left_fragment = self.fragment(left, self.fmt)
            if left_fragment is None:
                distractors.append(right_fragment)
            else:
                pairs.append(MatchPair(left=left_fragment, right=right_fragment, pos=pos))
        if len(pairs) < 2:
            self.refused("a matching question needs two pairs or more", "add the pairs")
            return None
        return Matching(**base, pairs=tuple(pairs), distractors=tuple(distractors))

    def short(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        texts, other = [], None
        for part in _split(block, "="):
            read = self.typed_answer(part)
            if read is None:
                return None
            weight, literal, feedback = read
            if literal == "*":
                other = OtherAnswer(weight=weight, feedback=feedback, pos=pos)
            elif literal:
                texts.append(TextAnswer(text=literal.replace("\\*", "*"), weight=weight, feedback=feedback, pos=pos))
        if not texts or max(a.weight for a in texts) != 100:
            self.refused("a short-answer question with no answer worth 100%", "fix the grades")
            return None
        return ShortAnswer(**base, answers=tuple(texts), other=other, shuffle=False)

    def choices(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        single = "=" in block  # Moodle: one answer allowed when an `=` stands anywhere
        options: list[Choice] = []
        for part in _split(block.replace("=", "~="), "~"):
            part = part.strip(PHP_SPACE)
            if part.startswith("="):  # `=` wins over a weight after it, as in Moodle
                value: float | None = 100.0
                text, _, feedback_text = part[1:].partition("#")
                feedback = self.fragment(feedback_text, self.fmt)
            else:
                read = self.answer(part, 0.0)
                if read is None:
                    self.refused(f"the weight of `{part[:40]}` is not a number", "write it as `%50%`")
                    return None
                value, text, feedback = read
            value = value or 0.0
            fragment = self.fragment(text, self.fmt) or self.ctx.plain("", self.line)
            options.append(Choice(id=choice_id(len(options)), text=fragment,
                                  correct=value == 100 if single else value > 0, weight=value, feedback=feedback,
                                  pos=pos))
        if len(options) < 2 or (single and sum(c.correct for c in options) != 1) or \
                (not single and not any(c.correct for c in options)):
            self.refused("a choice question needs two answers or more, and one `=` answer or `~%N%` weights",
                         "give it one `=` answer, or `~%N%` weights")
            return None
        if single:
            return MultipleChoice(**base, choices=tuple(options))
        return MultipleSelect(**base, choices=tuple(options),
                              scoring="penalty" if any(c.weight < 0 for c in options) else "no-penalty")

    def numerical(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        block, tilde, wrong = block.partition("~")  # Moodle: from the first `~` on, an any-other answer
        if tilde:
            self.ctx.dropped("the feedback for any other answer (`~`) of a numerical question", self.line,
                             "put it in the incorrect feedback")
        answers = []
        for part in _split(block, "="):
            read = self.typed_answer(part)
            if read is None:
                return None
            weight, text, feedback = read
            value = tolerance = None
            if text.find("..") > 0:
                low_text, high_text = (x.strip(PHP_SPACE) for x in text.split("..", 1))
                low, high = _php_numeric(low_text), _php_numeric(high_text)
                if low is not None and high is not None and low <= high:
                    value, tolerance, kind = (low + high) / 2, (high - low) / 2, "range"
                    source = f"[{low_text}, {high_text}]"
            else:
                number, _, tol = text.partition(":") if text.find(":") > 0 else (text, "", "")
                value, tolerance = _php_numeric(number.strip(PHP_SPACE)), _php_numeric(tol.strip(PHP_SPACE) or "0")
                kind = "exact" if not tolerance else "tolerance"
                source = number.strip() if not tolerance else f"{number.strip()} ± {tol.strip()}"
            if value is None or tolerance is None:
                self.ctx.dropped(f"the answer `{text}` (not a number; Moodle would take it as any other answer)",
                                 self.line, "write the number, e.g. `=3.14:0.01`")
                continue
            answers.append(NumericAnswer(kind=kind, value=value, tolerance=abs(tolerance), source=source,
                                         weight=weight, feedback=feedback, pos=pos))
        if not answers or max(a.weight for a in answers) != 100:
            self.refused("a numerical question with no answer worth 100%", "fix the grades")
            return None
        return Numerical(**base, answers=tuple(answers), shuffle=False)


def _split(block: str, separator: str) -> list[str]:
    """PHP's ``explode`` as Moodle uses it: the first part is dropped when it is empty after a trim."""
    parts = block.split(separator)
    if not parts[0].strip(PHP_SPACE):
        parts = parts[1:]
    return parts


def _php_numeric(text: str) -> Decimal | None:
    """The number PHP's ``is_numeric`` accepts (no `_`, `,`, `inf` or hex), else None."""
    return build.number(text) if _NUMERIC.fullmatch(text) else None


def _default_name(text: str) -> str:
    """``create_default_question_name``: the text without tags, shortened to 80 characters."""
    text = " ".join(re.sub(r"<[a-zA-Z/!?][^>]*>?", "", text).split())
    if len(text) <= 80:
        return text
    cut = text[:77]
    return (cut[:cut.rfind(" ")] if " " in cut else cut) + "..."



def _count_questions(lines: list[str]) -> int:
    """How many question blocks the lines hold (for progress): blocks not a `$CATEGORY:` or only comments."""
    count, fresh = 0, True
    for raw in lines:
        line = raw.strip(PHP_SPACE)
        if line in ("", "0"):
            fresh = True
        elif fresh and not line.startswith("//"):
            count += not line.startswith("$CATEGORY:")
            fresh = False
    return count


def read_gift(data: bytes, ctx: Ctx) -> list[Bank]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = data[:exc.start].count(b"\n") + 1
        ctx.report("E001", "the GIFT file is not UTF-8", where, "save it as UTF-8")
        return []
    bad = NOT_XML.search(text)
    if bad is not None:  # no target can carry them (XML 1.0 forbids them): dropped where they stand
        ctx.dropped(f"the control character U+{ord(bad.group()):04X} (and any other in the file)",
                    text[:bad.start()].count("\n") + 1, "remove it from the file")
        text = NOT_XML.sub("", text)
    drafts: list[Draft] = []
    current: Draft | None = None
    chunk: list[str] = []
    comments: list[str] = []
    start = 1
    index = 0

    def flush() -> None:
        nonlocal current, index, chunk, comments
        if chunk:
            if current is None:
                current = Draft(levels=[], line=start)
                drafts.append(current)
            index += 1
            if ctx.progress is not None:
                ctx.progress(index, blocks)
            question = ctx.keep(_Question(ctx, start, chunk, comments).build(index))
            ctx.question = ""
            if question is not None:
                current.questions.append(question.model_copy(update={"group": current.group}))
        chunk, comments = [], []

    first = text.split("\n", 1)[0]
    lines = text.split("\r") if "\r" in first and "\n" not in text else text.split("\n")  # old Mac files: CR
    blocks = _count_questions(lines)
    for number, raw_line in enumerate(lines, 1):
        line = raw_line.strip(PHP_SPACE)  # Moodle trims every line: indentation never counts
        if line in ("", "0"):  # PHP's empty(): a line `0` ends the question too
            flush()
            continue
        if line.startswith("//"):
            comments.append(line)
            continue
        if not chunk and line.startswith("$CATEGORY:"):
            levels = split_category(line[len("$CATEGORY:"):].replace("\\\\", "\\"))
            current, _ = enter_category(ctx, drafts, current, levels, number)
            comments = []
            continue
        if not chunk:
            start = number
        chunk.append(line)
    flush()
    if ctx.progress is not None:
        ctx.progress(blocks, blocks)
    fallback = ctx.file.rsplit("/", 1)[-1].split(".")[0] or "Imported questions"
    return [bank_of(ctx, d, fallback) for d in drafts if d.questions]
