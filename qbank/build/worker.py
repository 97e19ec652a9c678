"""One bank, read, linted and exported to some targets: the unit of work of a build.

It runs in a worker process (or in the main one for small builds), so it takes and returns
plain picklable data; artifact bytes go to the cache's blob store, never back through a pipe.
The main process merges the parts of a bank and saves its record and memo (one writer).
"""

from __future__ import annotations

from pathlib import Path

from qbank.build.cache import BankRecord, BuildCache, TargetOutcome
from qbank.build.fingerprint import sha256_file
from qbank.build.memo import FragmentMemo
from qbank.build.outcome import BankOutcome
from qbank.build.plan import BankJob, Target, exporter_class
from qbank.lint import bank_identity, lint_file
from qbank.walk import bank_fragments


def build_bank(job: BankJob, targets: list[Target], cache_folder: str) -> BankOutcome:
    cache = BuildCache(Path(cache_folder))
    memo = FragmentMemo.load(cache.memo_path(job.path))
    outcomes: dict[str, TargetOutcome] = {}
    with memo.installed():
        bank, found = lint_file(job.path)
        if bank is None or any(d.is_error for d in found):
            return BankOutcome(job, len(bank.questions) if bank else 0, tuple(found), rendered=memo.misses)
        for target in targets:
            exporter = exporter_class(target.name)(**dict(target.options))
            result = exporter.export(bank)
            digest = cache.put_blob(result.data) if result.data is not None else None
            size = len(result.data) if result.data is not None else 0
            outcomes[target.name] = TargetOutcome(digest, result.questions, size, tuple(result.diagnostics))
    images = {image.path: sha256_file(image.path) for fragment in bank_fragments(bank) for image in fragment.images}
    return BankOutcome(job, len(bank.questions), tuple(found), outcomes, rendered=memo.misses,
                       identity=bank_identity(bank),
                       images=dict(sorted(images.items())), memo_html=memo.used_html, memo_mathml=memo.used_mathml)


def save(cache: BuildCache, outcome: BankOutcome, targets: list[Target]) -> None:
    """Keep a freshly built bank's memo, and its record when it built without errors."""
    FragmentMemo(outcome.memo_html, outcome.memo_mathml, used=True).save(cache.memo_path(outcome.job.path))
    if not outcome.failed and len(outcome.targets) == len(targets):
        record = BankRecord(outcome.job.key, outcome.images, outcome.questions, outcome.diagnostics,
                            {t.fingerprint: outcome.targets[t.name] for t in targets}, outcome.identity)
        cache.store(outcome.job.path, record)
