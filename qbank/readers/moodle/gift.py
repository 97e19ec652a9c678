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

from .context import Ctx
from .xml import _bank, _Draft, split_category

_ESCAPES = {"\\\\": "\ue020", "\\~": "\ue021", "\\=": "\ue022", "\\#": "\ue023", "\\{": "\ue024", "\\}": "\ue025",
            "\\:": "\ue026"}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")


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
        self.idnumber = next(iter(re.findall(r"\[id:((?:\\\]|[^\]])*)\]", comment)), None)
        self.fmt = "moodle"
        self.tags = tuple(t.replace("\\]", "]").strip() for t in re.findall(r"\[tag:((?:\\\]|[^\]])*)\]", comment))

    def fragment(self, text: str, fmt: str) -> Fragment | None:
        match = _FORMAT.match(text)
        if match:
            fmt, text = match.group(1), text[match.end():]
        text = _restore(text).strip()
        if not text:
            return None
        moodle_format = {"moodle": "moodle_auto_format", "plain": "plain_text"}.get(fmt, fmt)
        source = self.ctx.markdown(text, {}, self.line, moodle_format)
        made = build.fragment(source, self.ctx.pos(self.line), self.ctx.media)
        return None if made.is_empty else made

    def answers(self, block: str) -> list[tuple[str, float | None, str, Fragment | None]]:
        """Each answer of a block: (marker `=`/`~`, weight, text, feedback)."""
        found = []
        for match in re.finditer(r"([=~])\s*(?:%(-?[0-9.]+)%)?([^=~]*)", block):
            body = match.group(3)
            text, _, feedback = body.partition("#")
            weight = build.exact_percent(float(match.group(2))) if match.group(2) else None
            found.append((match.group(1), weight, text.strip(), self.fragment(feedback, self.fmt)))
        return found

    def build(self, index: int) -> Question | None:
        text = _protect(self.text)
        title = ""
        match = re.match(r"\s*::(.*?)::", text, re.S)
        if match:
            title, text = _restore(match.group(1)).strip(), text[match.end():]
        fmt_match = _FORMAT.match(text)
        fmt = fmt_match.group(1) if fmt_match else "moodle"
        self.fmt = fmt  # Moodle's GIFT reader gives answers and feedback the question text's format
        start, end = text.find("{"), text.rfind("}")
        head = text[:start if start >= 0 else len(text)]
        title = title or " ".join(_restore(head).split())[:60] or f"Question {index}"
        qid, idnumber = self.ctx.ids.derive(_restore(self.idnumber) if self.idnumber else None, title)
        self.ctx.question = qid
        if start < 0 or end < start:
            stem = self.fragment(text, fmt) or build.fragment("", self.ctx.pos(self.line), self.ctx.media)
            return Description(id=qid, idnumber=idnumber, title=title, pos=self.ctx.pos(self.line), stem=stem,
                               tags=self.tags)
        after = text[end + 1:].strip()
        stem_text = text[:start] + (" _____ " + after if after else "")
        if after:
            self.ctx.report("W703", "the answer block stands inside the text (Moodle's missing-word form); qbank "
                            "shows `_____` there", self.line, "nothing to do, unless the layout matters")
        stem = self.fragment(stem_text, fmt) or build.fragment("", self.ctx.pos(self.line), self.ctx.media)
        block = text[start + 1:end]
        general = None
        if "####" in block:
            block, _, general_text = block.partition("####")
            general = self.fragment(general_text, self.fmt)
        base = dict(id=qid, idnumber=idnumber, title=title, pos=self.ctx.pos(self.line), stem=stem,
                    tags=self.tags, explanation=general, points=Decimal(1))
        return self.typed(block.strip(), base)

    def typed(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        if not block:
            return Essay(**base)
        tf = re.fullmatch(r"(T|TRUE|F|FALSE)\s*(?:#([^#]*))?(?:#(.*))?", block, re.S)
        if tf:
            answer = tf.group(1).startswith("T")
            wrong_fb, right_fb = self.fragment(tf.group(2) or "", self.fmt), self.fragment(tf.group(3) or "", self.fmt)
            choices = tuple(Choice(id=v, text=self.ctx.plain(v.capitalize(), self.line),
                                   correct=(v == "true") == answer,
                                   weight=100.0 if (v == "true") == answer else 0.0,
                                   feedback=right_fb if (v == "true") == answer else wrong_fb, pos=pos)
                            for v in ("true", "false"))
            return TrueFalse(**base, answer=answer, choices=choices, shuffle=False)
        if block.startswith("#"):
            return self.numerical(block[1:], base)
        answers = self.answers(block)
        if any("->" in a[2] for a in answers):
            pairs, distractors = [], []
            for _, _, text, _ in answers:
                left, _, right = text.partition("->")
                right_fragment = self.ctx.plain(_restore(right).strip(), self.line)
                left_fragment = self.fragment(left, self.fmt)
                if left_fragment is None:
                    distractors.append(right_fragment)
                else:
                    pairs.append(MatchPair(left=left_fragment, right=right_fragment, pos=pos))
            return Matching(**base, pairs=tuple(pairs), distractors=tuple(distractors)) if len(pairs) >= 2 else None
        if answers and all(m == "=" for m, *_ in answers):
            texts, other = [], None
            for _, weight, text, feedback in answers:
                literal = _restore(_FORMAT.sub("", text, 1)).strip()
                if literal == "*":
                    other = OtherAnswer(weight=weight or 0.0, feedback=feedback, pos=pos)
                else:
                    texts.append(TextAnswer(text=literal.replace("\\*", "*"),
                                            weight=100.0 if weight is None else weight, feedback=feedback, pos=pos))
            if not texts or max(a.weight for a in texts) != 100:
                self.ctx.report("W702", "a short-answer question with no answer worth 100% is left out", self.line,
                                "fix the grades")
                return None
            return ShortAnswer(**base, answers=tuple(texts), other=other, shuffle=False)
        options: list[Choice] = []
        single = any(m == "=" for m, *_ in answers)
        for k, (marker, weight, text, feedback) in enumerate(answers):
            value = 100.0 if marker == "=" else (weight or 0.0)
            fragment = self.fragment(text, self.fmt) or self.ctx.plain("", self.line)
            options.append(Choice(id=build_letter(k), text=fragment, correct=value == 100 if single else value > 0,
                                  weight=value, feedback=feedback, pos=pos))
        choices = tuple(options)
        if len(choices) < 2 or (single and sum(c.correct for c in choices) != 1):
            self.ctx.report("W702", "a choice question Moodle's GIFT reader would refuse is left out", self.line,
                            "give it one `=` answer, or `~%N%` weights")
            return None
        if single:
            return MultipleChoice(**base, choices=tuple(choices))
        return MultipleSelect(**base, choices=tuple(choices),
                              scoring="penalty" if any(c.weight < 0 for c in choices) else "no-penalty")

    def numerical(self, block: str, base: dict) -> Question | None:  # type: ignore[type-arg]
        pos = self.ctx.pos(self.line)
        value_text, _, feedback_text = block.partition("#")
        parts = self.answers(block) if re.match(r"\s*=", block) else \
            [("=", None, value_text.strip(), self.fragment(feedback_text, self.fmt))]
        answers = []
        for _, weight, text, feedback in parts:
            text = _restore(text).strip()
            value = tolerance = None
            if ".." in text:
                low, high = (build.number(x) for x in text.split("..", 1))
                if low is not None and high is not None and low <= high:
                    value, tolerance, kind = (low + high) / 2, (high - low) / 2, "range"
                    source = f"[{text.split('..')[0].strip()}, {text.split('..')[1].strip()}]"
            else:
                number, _, tol = text.partition(":")
                value, tolerance = build.number(number), build.number(tol or "0")
                kind = "exact" if not tolerance else "tolerance"
                source = number.strip() if not tolerance else f"{number.strip()} ± {tol.strip()}"
            if value is None or tolerance is None:
                self.ctx.dropped(f"the answer `{text}` (not a number)", self.line)
                continue
            answers.append(NumericAnswer(kind=kind, value=value, tolerance=abs(tolerance), source=source,
                                         weight=100.0 if weight is None else weight, feedback=feedback, pos=pos))
        if not answers or max(a.weight for a in answers) != 100:
            self.ctx.report("W702", "a numerical question with no answer worth 100% is left out", self.line,
                            "fix the grades")
            return None
        return Numerical(**base, answers=tuple(answers), shuffle=False)


def build_letter(k: int) -> str:
    letters, k = "", k + 1
    while k:
        k, rem = divmod(k - 1, 26)
        letters = chr(97 + rem) + letters
    return letters


def read_gift(data: bytes, ctx: Ctx) -> list[Bank]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = data[:exc.start].count(b"\n") + 1
        ctx.report("E001", "the GIFT file is not UTF-8", where, "save it as UTF-8")
        return []
    drafts: list[_Draft] = []
    current: _Draft | None = None
    chunk: list[str] = []
    comments: list[str] = []
    start = 1
    index = 0

    def flush() -> None:
        nonlocal current, index, chunk, comments
        if chunk:
            if current is None:
                current = _Draft(levels=[], line=start)
                drafts.append(current)
            index += 1
            question = _Question(ctx, start, chunk, comments).build(index)
            ctx.question = ""
            if question is not None:
                current.questions.append(question.model_copy(update={"group": current.group}))
        chunk, comments = [], []

    for number, raw_line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        line = raw_line.rstrip()
        if not line.strip():
            flush()
            continue
        if line.lstrip().startswith("//"):
            comments.append(line)
            continue
        if not chunk and line.startswith("$CATEGORY:"):
            levels = split_category(line[len("$CATEGORY:"):].replace("\\\\", "\\"))
            if current is not None and current.levels and levels[:len(current.levels)] == current.levels \
                    and len(levels) > len(current.levels):
                from qbank.models import Group
                from qbank.readers.markdown.reader import slug

                title = " - ".join(levels[len(current.levels):])
                gid = slug(title) or f"group-{len(current.groups) + 1}"
                if all(g.id != gid for g in current.groups):
                    current.groups.append(Group(id=gid, title=title, pos=ctx.pos(number)))
                current.group = gid
            else:
                current = next((d for d in drafts if d.levels == levels), None) or _Draft(levels=levels, line=number)
                current.group = None
                if current not in drafts:
                    drafts.append(current)
            comments = []
            continue
        if not chunk:
            start = number
        chunk.append(line)
    flush()
    fallback = ctx.file.rsplit("/", 1)[-1].split(".")[0] or "Imported questions"
    return [_bank(ctx, d, fallback) for d in drafts if d.questions]
