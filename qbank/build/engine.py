"""A whole build, in order: plan, take what the cache holds, build the rest, then publish or check."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qbank import acknowledge, registry
from qbank import diagnostics as dg
from qbank.banks import bank_files, lint_identities
from qbank.build.cache import BuildCache
from qbank.build.manifest import Artifact, manifest_bytes
from qbank.build.outcome import BankOutcome, from_record
from qbank.build.plan import PlanError, artifact_names, plan_banks, resolve_targets
from qbank.build.progress import Progress
from qbank.build.publish import Change, apply, changes


@dataclass
class BuildRequest:
    paths: list[str]
    output: Path
    targets: list[str] | None = None  # None: every installed target
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # target name -> its -O settings
    check: bool = False  # compare the output folder instead of writing it
    strict: bool = False  # warnings stop the build too
    jobs: int | None = None  # None: chosen from the amount of work
    cache_dir: Path | None = None  # None: .cache/qbank beside the output folder
    use_cache: bool = True
    progress: bool | None = None  # None: on a terminal only
    policy: acknowledge.Policy = field(default_factory=acknowledge.Policy)  # --select / --ignore


@dataclass
class BuildReport:
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # written (or, with check, differing)
    failed: bool = False
    banks: int = 0
    cached: int = 0  # banks taken whole from the cache
    rendered: int = 0  # fragments and formulas rendered afresh
    workers: int = 1
    questions: int = 0


def default_cache_dir(output: Path) -> Path:
    return output.resolve().parent / ".cache" / "qbank"


def build(request: BuildRequest) -> BuildReport:
    """Run a build; raises :class:`PlanError` for a usage problem (nothing is written then)."""
    files, missing = bank_files(request.paths)
    # A bank named twice (a folder and a file in it) is built once.
    unique: dict[str, str] = {}
    for file in files:
        unique.setdefault(os.path.abspath(file), file)
    files = list(unique.values())
    if missing:
        raise PlanError(f"no such file or folder: {', '.join(missing)}")
    if not files:
        raise PlanError(f"no .md banks found in {', '.join(request.paths)}")
    if request.jobs is not None and request.jobs < 1:
        raise PlanError("-j needs a positive number of processes")
    output = request.output
    if output.exists() and not output.is_dir():
        raise PlanError(f"{output} is not a folder")
    targets_file = (request.cache_dir or default_cache_dir(output)) / "targets.json" if request.use_cache else None
    targets = resolve_targets(request.targets, request.options, targets_file)
    base = output.resolve().parent
    jobs = plan_banks(files, base)
    names = artifact_names(jobs, targets)

    with tempfile.TemporaryDirectory(prefix="qbank-cache-") as scratch:
        folder = (request.cache_dir or default_cache_dir(output)) if request.use_cache else Path(scratch)
        cache = BuildCache(folder)
        fingerprints = [t.fingerprint for t in targets]
        outcomes: list[BankOutcome] = []
        todo = []
        for job in jobs:
            record = cache.lookup(job.path, job.key, fingerprints)
            if record is None:
                todo.append(job)
            else:
                outcomes.append(from_record(job, record, targets))
        report = BuildReport(banks=len(jobs), cached=len(outcomes))
        if todo:
            # Imported only when there is work: rendering pulls in Markdown, MathML and the exporters.
            from qbank.build.parallel import default_jobs, plan_units, run_units
            from qbank.build.worker import save

            report.workers = request.jobs or default_jobs(todo, targets)
            units = plan_units(todo, targets, report.workers)
            parts_left = Counter(job.path for job, _ in units)
            partial: dict[str, BankOutcome] = {}
            progress = Progress(len(todo), enabled=request.progress)
            try:
                for part in run_units(units, str(folder), report.workers):
                    path = part.job.path
                    if path in partial:
                        partial[path].merge(part)
                    else:
                        partial[path] = part
                    parts_left[path] -= 1
                    if parts_left[path] == 0:
                        outcome = partial.pop(path)
                        save(cache, outcome, targets)
                        outcomes.append(outcome)
                        progress.advance(outcome.questions)
            finally:
                progress.close()

        outcomes.sort(key=lambda o: o.job.path)
        for outcome in outcomes:
            report.diagnostics.extend(outcome.all_diagnostics())
            report.rendered += outcome.rendered
            report.questions += outcome.questions
        # The same cross-bank id check as `qbank lint`, from identities the cache keeps too.
        report.diagnostics.extend(lint_identities(o.identity for o in outcomes if o.identity is not None))
        built = {t.name for t in targets}
        report.diagnostics = acknowledge.apply(
            report.diagnostics, {o.job.path: o.allowances for o in outcomes}, request.policy, ran=built,
            every_target=built == set(registry.available_targets()))
        if request.strict:
            report.diagnostics = [d.escalated() for d in report.diagnostics]
        report.failed = any(d.is_error for d in report.diagnostics)
        if report.failed:
            return report

        for outcome in outcomes:
            for target in targets:
                result = outcome.targets[target.name]
                assert result.sha256 is not None  # a target that wrote nothing reported an error
                report.artifacts.append(Artifact(names[(outcome.job.path, target.name)], outcome.job.relative,
                                                 target.name, result.questions, result.sha256, result.size))
        target_names = [t.name for t in targets]
        manifest = manifest_bytes(report.artifacts, report.diagnostics, target_names, base)
        known = None if request.check or not request.use_cache else cache.output_state(output)
        report.changes = changes(output, report.artifacts, manifest, target_names, known)
        if not request.check:
            try:
                state = apply(output, report.artifacts, manifest, report.changes, cache)
            except OSError as exc:
                # Files already replaced are whole (each write is atomic); the manifest is not written.
                where = exc.filename or output
                report.diagnostics.append(dg.unpositioned(
                    "E901", f"cannot write {where}: {exc.strerror or exc}", str(where),
                    hint="check that the output folder is writable and has free space"))
                report.failed = True
                return report
            if request.use_cache:
                cache.store_output_state(output, state)
                if todo:  # only a bank built afresh can leave blobs no record refers to
                    cache.collect_garbage()
    return report
