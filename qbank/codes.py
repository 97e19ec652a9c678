"""Every diagnostic code qbank can emit, with its default severity.

Codes are stable: tools and CI configurations may match on them, and a code keeps one
meaning for ever (a retired code is never given another). ``E`` codes are errors, ``W``
warnings; ``T`` codes come from a target's own checks (``qbank lint --target``). A plugin's
codes start with two or more capital letters (``MYLMS001``), so they never meet qbank's.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CODES", "RETIRED", "Code"]


class Code(NamedTuple):
    severity: str  # "error" or "warning"
    summary: str


CODES: dict[str, Code] = {
    # files
    "E001": Code("error", "file is not valid UTF-8"),
    "E002": Code("error", "file is empty"),
    "E003": Code("error", "file cannot be read"),
    "E004": Code("error", "file holds binary data"),
    "E005": Code("error", "file is too large"),
    # front matter
    "E101": Code("error", "front matter is not valid YAML"),
    "E102": Code("error", "front matter is not closed by a `---` line"),
    "E103": Code("error", "unknown front-matter key"),
    "E104": Code("error", "front-matter value has the wrong type"),
    "E105": Code("error", "front matter has no title"),
    # structure
    "E201": Code("error", "bank has no questions"),
    "E202": Code("error", "duplicate question id"),
    "E203": Code("error", "invalid question id"),
    "E204": Code("error", "unknown or malformed question attribute"),
    "E205": Code("error", "text outside any question"),
    "E206": Code("error", "unknown section in a question"),
    "E207": Code("error", "question has no text"),
    "E208": Code("error", "invalid group attribute"),
    "E209": Code("error", "fenced code block is never closed"),
    "E210": Code("error", "question id used by another bank of the same category"),
    "E211": Code("error", "group picks more questions than it holds"),
    "E212": Code("error", "question's points differ from its group's points"),
    "E213": Code("error", "heading marker without a space after it (`##Title`)"),
    "E214": Code("error", "section heading with the wrong number of `#`"),
    # types and answers
    "E301": Code("error", "question syntax does not match its type"),
    "E302": Code("error", "multiple choice needs exactly one correct answer"),
    "E303": Code("error", "multiple select needs at least one correct answer"),
    "E304": Code("error", "fewer than two options"),
    "E305": Code("error", "duplicate option"),
    "E306": Code("error", "single-answer and multiple-answer markers mixed"),
    "E307": Code("error", "numerical answer is not a number"),
    "E308": Code("error", "negative tolerance"),
    "E309": Code("error", "points must be greater than zero"),
    "E310": Code("error", "range lower bound is above its upper bound"),
    "E311": Code("error", "invalid partial-credit weight"),
    "E312": Code("error", "positive weights do not add up to 100%"),
    "E313": Code("error", "matching needs at least two pairs"),
    "E314": Code("error", "ordering needs at least two items"),
    "E315": Code("error", "blank has no accepted answer"),
    "E316": Code("error", "dropdown blank needs exactly one correct option"),
    "E317": Code("error", "short answer needs an accepted answer"),
    "E318": Code("error", "malformed answer line"),
    "E319": Code("error", "true/false needs exactly the options True and False"),
    "E321": Code("error", "time limit is not a duration"),
    "E322": Code("error", "answers not read as answers: the question would be a 0-point description"),
    # images
    "E401": Code("error", "image file not found"),
    "E402": Code("error", "image has no alt text"),
    "E403": Code("error", "image path leaves the bank's folder"),
    "E404": Code("error", "image type not supported"),
    "E405": Code("error", "image file too large"),
    "E406": Code("error", "SVG image contains scripts or external references"),
    # math
    "E501": Code("error", "LaTeX does not parse"),
    "E502": Code("error", "unbalanced math delimiters"),
    "E503": Code("error", "empty formula"),
    "E504": Code("error", "blank inside a formula"),
    # text content
    "E601": Code("error", "character that XML cannot carry"),
    "E602": Code("error", "character reserved by qbank"),
    # foreign files (qbank import / convert)
    "E701": Code("error", "foreign file cannot be parsed"),
    "E702": Code("error", "foreign file refused as unsafe"),
    # varied questions (variants)
    "E801": Code("error", "variables block cannot be read"),
    "E802": Code("error", "`variants=` and a ```vars block go together"),
    "E803": Code("error", "undefined variable or function"),
    "E804": Code("error", "expression fails in a variant"),
    "E805": Code("error", "result is not a finite real number in a variant"),
    "E806": Code("error", "division by zero in a variant"),
    "E807": Code("error", "substitution cannot be formatted"),
    "E808": Code("error", "two options or answers are equal in a variant"),
    "E809": Code("error", "a wrong option equals the correct answer in a variant"),
    "E810": Code("error", "varied question inside a pool with `pick=`"),
    "E811": Code("error", "value or expression beyond qbank's limits"),
    "E812": Code("error", "too many variants in one bank"),
    # warnings
    "W101": Code("warning", "question has no explanation"),
    "W102": Code("warning", "'all/none of the above' option"),
    "W104": Code("warning", "unsafe HTML removed from content"),
    "W105": Code("warning", "multiple select where every option is correct"),
    "W106": Code("warning", "points on a description, which is worth nothing"),
    "W107": Code("warning", "space inside `$...$`: not read as math"),
    "W108": Code("warning", "stray `$`: a formula that swallows text, or a `$` left beside formulas"),
    "W109": Code("warning", "Markdown heading inside a question's text"),
    "W110": Code("warning", "acknowledgement that nothing needs any more"),
    "W701": Code("warning", "imported content the model cannot hold; dropped"),
    "W702": Code("warning", "imported question of a type qbank cannot hold; left out"),
    "W703": Code("warning", "imported content kept in a lesser form"),
    "W801": Code("warning", "variable is never used"),
    "W802": Code("warning", "fewer distinct variants than asked for"),
    "W803": Code("warning", "numerical answer Canvas would round to 0 in a variant"),
    "W804": Code("warning", "tolerance smaller than the rounding of the answer shown"),
    # target checks (raised by exporters, reported like lint)
    "T001": Code("warning", "question type not supported by this target; left out"),
    "T002": Code("warning", "setting the target cannot hold; ignored"),
    "T003": Code("error", "weight the target cannot represent"),
    "T004": Code("warning", "content the target renders differently"),
    "T005": Code("error", "content the target cannot carry"),
    "T006": Code("warning", "content the target's import is reported to lose (unverified)"),
    # output
    "E901": Code("error", "cannot write output"),
    "E902": Code("error", "unknown target"),
    "E903": Code("error", "invalid exporter option"),
    "E904": Code("error", "input format not recognised"),
    "E905": Code("error", "invalid qbank configuration"),
}

# Codes that no longer exist, with what replaced them; never reused.
RETIRED: dict[str, str] = {
    "W103": "a weight Moodle cannot store is the Moodle targets' own T003 (`qbank lint --target moodle-xml`)",
}
