"""Canvas: a QTI 1.2 zip for "Import existing content → QTI .zip file" (Classic Quizzes).

Canvas's importer never refuses a package: it repairs broken XML, turns an unknown
question type into multiple choice and scores an answer it cannot find as wrong, all without
a word. So everything Canvas would change is reported here, before the package is written,
and the package itself only uses forms Canvas's own exporter writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from qbank import diagnostics as dg
from qbank.archive import build_zip
from qbank.exporter import Exporter, Option
from qbank.models import (
    Bank,
    Description,
    Essay,
    FillInBlanks,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    unhandled,
)
from qbank.numberformat import format_decimal

from . import engines
from . import package as pkg
from . import text as ct
from .items import blank_type

# Weights are percentages written to at most 5 decimals (33.33333): closer than this is equal.
WEIGHT_TOLERANCE = 0.001
# Canvas Classic stores numerical answers so that any |x| below this becomes 0.
CANVAS_SMALLEST = Decimal("1e-4")


def minutes(seconds: int) -> int:
    """Canvas's time limit is whole minutes: round up, so no student gets less time."""
    return -(-seconds // 60)


class CanvasExporter(Exporter):
    name = "canvas"
    description = ("Canvas Classic Quizzes and New Quizzes (-O engine=new): QTI 1.2 zip (Import existing content "
                   "→ QTI .zip file)")
    suffix = ".canvas.zip"
    supported_types = frozenset({"multiple-choice", "multiple-select", "true-false", "short-answer",
                                 "numerical", "essay", "matching", "fill-in-blanks", "description"})
    alternatives = {"ordering": "qti21"}
    options = (
        Option("engine", "the quiz engine you import into: classic (Classic Quizzes) or new (New Quizzes: "
               "what it is reported to lose is warned about, T006, and formulas default to \\(...\\))",
               "classic", engines.ENGINES),
        Option("math", "how formulas are written: auto (equation-image for Classic, mathjax for New Quizzes), "
               "equation-image (Canvas's equation-editor images: rendered by Canvas, editable in its equation "
               "editor), mathjax (\\(...\\) and $$...$$ for Canvas's MathJax) or mathml", "auto",
               ("auto", *ct.MATH_MODES)),
        Option("ordering", "ordering questions: omit (left out, with a warning) or matching (each item "
               "matched to its position 1st, 2nd, ...; Canvas scores each position separately)", "omit",
               ("omit", "matching")),
        Option("points_per_item", "question groups: auto writes Canvas's points_per_item extension only "
               "when the group's questions differ in points; always writes it for every group", "auto",
               ("auto", "always")),
    )

    @property
    def math(self) -> str:
        """The form formulas are written in (``auto`` resolved for the engine)."""
        return engines.math_mode(self.settings["engine"], self.settings["math"])

    def holds_type(self, question_type: str) -> bool:
        # `-O ordering=matching` makes ordering questions matching ones (by position)
        return super().holds_type(question_type) or (question_type == "ordering"
                                                      and self.settings["ordering"] == "matching")

    # --- what goes in ------------------------------------------------------------------------

    def cannot_hold(self, bank: Bank, question: Question) -> tuple[str, str] | None:
        if isinstance(question, FillInBlanks) and blank_type(question) is None:
            return ("mixes typed and dropdown blanks, which no Canvas question type holds",
                    "make every blank typed or every blank a dropdown, or export it with `--to qti21` or "
                    "`--to moodle-xml`")
        return None

    def _warn(self, code: str, bank: Bank, question: Question, message: str, hint: str) -> dg.Diagnostic:
        return self.diagnostic(code, f"`{question.id}`: {message}", bank, question.pos.line, 1, hint=hint)

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        found: list[dg.Diagnostic] = []
        match question:
            case MultipleChoice():
                partial = [c.id for c in question.choices if not c.correct and c.weight != 0]
                if partial:
                    found.append(self._warn("T004", bank, question, "Canvas scores multiple choice all-or-nothing; "
                                            f"the partial credit on option(s) {', '.join(partial)} is dropped",
                                            "use a multiple-select question, or accept 0 points for those options"))
            case MultipleSelect():
                correct = sum(c.correct for c in question.choices)
                share = 100 / correct
                if any(abs(c.weight - (share if c.correct else -share)) > WEIGHT_TOLERANCE for c in question.choices):
                    found.append(self._warn(
                        "T004", bank, question, "Canvas scores multiple-answer questions its own way: each correct "
                        f"option ticked earns 1/{correct} of the points, each wrong option ticked loses 1/{correct} "
                        "(never below 0); the bank's weights are not used",
                        f"to match Canvas, give each wrong option {{weight=-{share:.7g}}}, or accept Canvas's scoring"))
            case ShortAnswer():
                found.extend(self._answer_weights(bank, question, [(a.text, a.weight) for a in question.answers]))
                if question.case_sensitive:
                    found.append(self._warn("T004", bank, question, "Canvas matches short answers ignoring case",
                                            "list every spelling that should count, or accept any case"))
            case Numerical():
                found.extend(self._numerical(bank, question))
            case Matching():
                fancy = [p.right for p in question.pairs if not ct.is_plain(self.renderer, p.right)]
                fancy += [d for d in question.distractors if not ct.is_plain(self.renderer, d)]
                if fancy:
                    found.append(self._warn(
                        "T004", bank, question, "Canvas shows matching answers as plain text in a dropdown: "
                        f"{len(fancy)} answer(s) lose their formatting (formulas show as LaTeX source)",
                        "put formulas and formatting on the left-hand side, which Canvas shows as HTML"))
            case Ordering():
                found.append(self._warn(
                    "T004", bank, question, "Canvas has no ordering question: it becomes matching, each item "
                    "matched to its position, with credit for each item in the right place",
                    "use `-O ordering=omit` to leave ordering questions out instead"))
            case FillInBlanks():
                if any(b.kind == "text" and b.case_sensitive for b in question.blanks):
                    found.append(self._warn("T004", bank, question, "Canvas matches typed blanks ignoring case",
                                            "list every spelling that should count, or accept any case"))
            case TrueFalse() | Essay() | Description():
                pass
            case _:
                unhandled(question)
        if self.settings["engine"] == "new":
            found.extend(engines.new_quizzes_losses(self._warn, bank, question, self.math))
        if (isinstance(question, MultipleChoice | MultipleSelect) and question.shuffle != bank.shuffle):
            found.append(self._warn("T002", bank, question, "Canvas shuffles answers for the whole quiz, not "
                                    "per question; this question's shuffle setting is ignored",
                                    "set `shuffle` in the front matter instead"))
        return found

    def _answer_weights(self, bank: Bank, question: Question,
                        answers: Sequence[tuple[str, float]]) -> list[dg.Diagnostic]:
        dropped = [text for text, weight in answers if weight != 100]
        if len(dropped) == len(answers):
            return [self._warn("T005", bank, question, "no answer earns full credit, and Canvas gives every "
                               "listed answer full credit: the question would have no correct answer",
                               "make at least one answer worth 100%")]
        if not dropped:
            return []
        return [self._warn("T004", bank, question, "Canvas gives every listed answer full credit; answers "
                           f"worth less than 100% are left out (they earn 0): {', '.join(dropped)}",
                           "remove those answers, or accept that Canvas gives them no credit")]

    def _numerical(self, bank: Bank, question: Numerical) -> list[dg.Diagnostic]:
        found = self._answer_weights(bank, question, [(a.source, a.weight) for a in question.answers])
        tiny = sorted({format_decimal(x) for a in question.answers if a.weight == 100
                       for x in (a.value, a.low, a.high) if x != 0 and abs(x) < CANVAS_SMALLEST})
        if tiny:
            found.append(self._warn(
                "T004", bank, question, f"Canvas Classic rounds numbers smaller than 1e-4 to 0: {', '.join(tiny)}",
                "scale the unit (e.g. ask for the value in units of 1e-23 J/K), or check the answer after import"))
        if question.unit:
            found.append(self._warn("T002", bank, question, f"Canvas numerical answers have no unit; "
                                    f"`{question.unit}` is not shown", "state the unit in the question text"))
        return found

    def check_bank(self, bank: Bank) -> list[dg.Diagnostic]:
        found: list[dg.Diagnostic] = []
        questions = self.supported(bank)[0]
        for plan in pkg.group_plans(bank, questions).values():
            group = plan.group
            if plan.uneven:
                found.append(self.diagnostic(
                    "T004", f"group `{group.id}`: Canvas gives every question drawn from a group the same "
                    f"points ({format_decimal(plan.points)}); the questions' own points differ", bank,
                    group.pos.line, hint="give the group's questions equal points, or set `points=` on the group"))
            if group.pick is not None and plan.pick < group.pick:
                found.append(self.diagnostic(
                    "T004", f"group `{group.id}` picks {group.pick} but only {len(plan.members)} of its "
                    "questions can go to Canvas; Canvas will draw them all", bank, group.pos.line,
                    hint="add questions of types Canvas holds to the group"))
        limit = bank.quiz_time_limit(questions)
        if limit is not None and limit % 60:
            found.append(self.diagnostic(
                "T004", f"Canvas time limits are whole minutes: {limit} s becomes {minutes(limit)} min", bank,
                bank.pos.line, hint="give the time limit in whole minutes"))
        return found

    # --- the package -------------------------------------------------------------------------

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        kept = list(questions)  # the base class has left out what Canvas cannot hold
        text = ct.TextWriter(self.math, self.renderer)
        plans = pkg.group_plans(bank, kept)
        ident = ct.assessment_ident(bank)
        limit = bank.quiz_time_limit(kept)
        files: dict[str, bytes] = {
            f"{ident}/{ident}.xml": pkg.assessment_xml(bank, kept, plans, text,
                                                       self.settings["points_per_item"] == "always"),
            f"{ident}/assessment_meta.xml": pkg.meta_xml(bank, pkg.points_possible(kept, plans),
                                                         minutes(limit) if limit is not None else None, text),
        }
        images = {f"{ct.IMAGE_FOLDER}/{name}": data for name, data in text.assets.files.items()}
        files.update(images)
        files["imsmanifest.xml"] = pkg.manifest_xml(bank, sorted(images))
        return build_zip(files)
