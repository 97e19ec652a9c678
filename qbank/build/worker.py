"""One bank, read, linted and exported to some targets: the unit of work of a build.

It runs in a worker process (or in the main one for small builds), so it takes and returns
plain picklable data; artifact bytes go to the cache's blob store, never back through a pipe.
The main process merges the parts of a bank and saves its record and memo (one writer).
"""

from __future__ import annotations

from pathlib import Path

from qbank import render
from qbank.build.cache import BankRecord, BuildCache, TargetOutcome
from qbank.build.fingerprint import sha256_file
from qbank.build.memo import FragmentMemo
from qbank.build.outcome import BankOutcome
from qbank.build.plan import BankJob, Target, exporter_class
from qbank.lint import bank_identity, lint_file


def build_bank(job: BankJob, targets: list[Target], cache_folder: str) -> BankOutcome:
    cache = BuildCache(Path(cache_folder))
    memo = FragmentMemo.load(cache.memo_path(job.path))
    # The process's results stay shared across banks; the memo records what this bank used.
    renderer = render.shared().with_memo(memo)
    outcomes: dict[str, TargetOutcome] = {}
    bank, found = lint_file(job.path, renderer=renderer)
    if bank is None or any(d.is_error for d in found):
        return BankOutcome(job, len(bank.questions) if bank else 0, tuple(found), rendered=renderer.stats.total,
                           memo=memo.used, allowances=bank.allowances if bank else ())
    for target in targets:
        exporter = exporter_class(target.name)(dict(target.options), renderer=renderer)
        result = exporter.export(bank)
        digest = cache.put_blob(result.data) if result.data is not None else None
        size = len(result.data) if result.data is not None else 0
        outcomes[target.name] = TargetOutcome(digest, result.questions, size, tuple(result.diagnostics))
    images = {image.path: sha256_file(image.path) for fragment in bank.fragments() for image in fragment.images}
    return BankOutcome(job, len(bank.questions), tuple(found), outcomes, rendered=renderer.stats.total,
                       identity=bank_identity(bank), images=dict(sorted(images.items())), memo=memo.used,
                       allowances=bank.allowances)


def save(cache: BuildCache, outcome: BankOutcome, targets: list[Target]) -> None:
    """Keep a freshly built bank's memo, and its record when it built without errors."""
    memo = FragmentMemo()
    memo.merge(outcome.memo)
    memo.save(cache.memo_path(outcome.job.path))
    if not outcome.failed and len(outcome.targets) == len(targets):
        record = BankRecord(outcome.job.key, outcome.images, outcome.questions, outcome.diagnostics,
                            {t.fingerprint: outcome.targets[t.name] for t in targets}, outcome.identity,
                            outcome.allowances)
        cache.store(outcome.job.path, record)
