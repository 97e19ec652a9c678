"""What building one bank gave, whether computed now or taken from the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.banks import BankIdentity
from qbank.build.cache import BankRecord, TargetOutcome
from qbank.build.plan import BankJob, Target

if TYPE_CHECKING:
    from qbank.models import Allowance


@dataclass
class BankOutcome:
    """What building one bank gave, whether computed now or taken from the cache."""

    job: BankJob
    questions: int
    diagnostics: tuple[dg.Diagnostic, ...]
    targets: dict[str, TargetOutcome] = field(default_factory=dict)  # by target name
    cached: bool = False
    rendered: int = 0  # fragments and formulas rendered afresh (not found in the memo)
    images: dict[str, str | None] = field(default_factory=dict)  # image path -> SHA-256 (fresh builds)
    memo: dict[str, dict[str, str]] = field(default_factory=dict)  # memo entries the bank used, by table
    identity: BankIdentity | None = None  # for the cross-bank id check (None: the bank did not read)
    allowances: tuple[Allowance, ...] = ()  # warnings the bank's source acknowledges

    def merge(self, part: BankOutcome) -> None:
        """Add the targets of another part of the same bank (built in another process)."""
        self.targets.update(part.targets)
        self.rendered += part.rendered
        for table, entries in part.memo.items():
            self.memo.setdefault(table, {}).update(entries)
        self.identity = self.identity or part.identity
        self.allowances = self.allowances or part.allowances

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.all_diagnostics())

    def all_diagnostics(self) -> list[dg.Diagnostic]:
        found = list(self.diagnostics)
        for outcome in self.targets.values():
            found.extend(outcome.diagnostics)
        return found


def from_record(job: BankJob, record: BankRecord, targets: list[Target]) -> BankOutcome:
    return BankOutcome(job, record.questions, record.diagnostics,
                       {t.name: record.targets[t.fingerprint] for t in targets}, cached=True,
                       identity=record.identity, allowances=record.allowances)
