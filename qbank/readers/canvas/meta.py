"""Canvas's quiz settings file, ``assessment_meta.xml`` (namespace ``cccv1p0``).

Written by ``generate_assessment_meta`` (``lib/cc/qti/qti_generator.rb``) and read by
``quiz_metadata_converter.rb``. Every element is optional (New Quizzes exports leave many
empty). What the model holds — title, description, shuffling, time limit, attempts — is
kept; any other setting with a non-default value is named in one warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from qbank.models import Fragment, Pos

from ..foreign.packagetext import PackageText
from ..foreign.report import Report
from .items import unwrap_div
from .qti12 import children, local, text_of

__all__ = ["Meta", "read_meta"]

# Settings Canvas writes whose value here is its default (or what qbank's target writes): not reported.
_DEFAULTS = {
    "scoring_policy": "keep_highest", "hide_results": "", "quiz_type": "assignment", "show_correct_answers": "true",
    "anonymous_submissions": "false", "could_be_locked": "false", "one_question_at_a_time": "false",
    "cant_go_back": "false", "available": "false", "one_time_results": "false",
    "show_correct_answers_last_attempt": "false", "only_visible_to_overrides": "false", "module_locked": "false",
    "require_lockdown_browser": "false", "require_lockdown_browser_for_results": "false",
    "require_lockdown_browser_monitor": "false", "lockdown_browser_monitor_data": "",
    "disable_timer_autosubmission": "false", "calculator_type": "none",
}
_KEPT = frozenset({"title", "description", "shuffle_answers", "time_limit", "allowed_attempts", "points_possible",
                   "assignment", "assignment_group_identifierref", "assignment_overrides", "shuffle_questions"})


@dataclass
class Meta:
    title: str | None
    description: Fragment | None
    shuffle: bool | None
    time_limit: int | None  # minutes
    allowed_attempts: int | None


def read_meta(root: etree._Element, member: str, file: str, text: PackageText, report: Report) -> Meta:
    exact = {local(c): text_of(c) for c in children(root)}
    values = {k: v.strip() for k, v in exact.items()}
    description = None
    raw = values.get("description", "")
    if raw:
        node = next(c for c in children(root) if local(c) == "description")
        description = text.fragment(unwrap_div(raw), Pos(file=file, line=node.sourceline or 1), member,
                                    "the quiz description")
    limit = values.get("time_limit", "")
    attempts = values.get("allowed_attempts", "")
    shuffle = values.get("shuffle_answers", "")
    dropped = [f"{k}={v}" for k, v in values.items() if k not in _KEPT and v and _DEFAULTS.get(k) != v.lower()]
    if dropped:
        report.add("W701", f"quiz settings the model cannot hold are dropped: {', '.join(sorted(dropped))}",
                   Pos(file=file, line=root.sourceline or 1), hint="set them again in the LMS after import")
    return Meta(exact.get("title") if values.get("title") else None, description,
                shuffle.lower() == "true" if shuffle else None,
                int(limit) if limit.isdigit() else None,
                int(attempts) if attempts.lstrip("-").isdigit() else None)
