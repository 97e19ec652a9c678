"""Model fields that came with importing foreign banks (issue #14), and which questions use them.

Every target either writes such a field or says it cannot: an exporter lists the ones it
writes in :attr:`qbank.exporter.Exporter.holds`, and every other one a question uses is
reported with ``T002`` (the question is still exported, without it). So nothing an imported
bank carries is ever dropped silently, whichever target it goes to.
"""

from __future__ import annotations

from qbank.models import Blank, FillInBlanks, Pos, Question, ShortAnswer

__all__ = ["EXTENSIONS", "blank_has_feedback", "blank_has_partial_credit", "extensions_of"]

# name -> what a target that cannot hold it leaves out (for the T002 message)
EXTENSIONS: dict[str, str] = {
    "idnumber": "the original id (idnumber)",
    "other-answer": "the credit and feedback for any other answer (`*`)",
    "blank-feedback": "the feedback of a blank's answers",
    "blank-credit": "the partial credit of a blank's answers",
}


def blank_has_feedback(blank: Blank) -> bool:
    return any(o.feedback for o in (*blank.options, *blank.responses)) or bool(blank.other and blank.other.feedback)


def blank_has_partial_credit(blank: Blank) -> bool:
    """Whether an answer or option of the blank is worth something other than all or nothing."""
    if blank.other is not None and blank.other.weight:
        return True
    return any(o.weight is not None and o.weight != (100.0 if o.correct else 0.0)
               for o in (*blank.options, *blank.responses))


def extensions_of(question: Question) -> list[tuple[str, Pos]]:
    """(extension name, where it is) for every extension field the question uses, in a fixed order."""
    found: list[tuple[str, Pos]] = []
    if question.idnumber is not None:
        found.append(("idnumber", question.pos))
    if isinstance(question, ShortAnswer) and question.other is not None:
        found.append(("other-answer", question.other.pos))
    if isinstance(question, FillInBlanks):
        if any(b.other is not None for b in question.blanks):
            found.append(("other-answer", next(b.pos for b in question.blanks if b.other is not None)))
        feedback = [b for b in question.blanks if blank_has_feedback(b)]
        if feedback:
            found.append(("blank-feedback", feedback[0].pos))
        credit = [b for b in question.blanks if blank_has_partial_credit(b)]
        if credit:
            found.append(("blank-credit", credit[0].pos))
    return found
