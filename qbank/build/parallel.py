"""Running bank builds in one process or several.

Starting a worker process costs more than building a small bank, so builds with little to
do stay in the main process; large ones fan out, biggest banks first so no worker is left
holding a large bank at the end. When there are fewer banks than workers (one edited bank
in a large collection, say), a bank's targets are shared out among the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from qbank.build.outcome import BankOutcome
from qbank.build.plan import BankJob, Target
from qbank.build.worker import build_bank

# Below this much work (bank bytes × targets; a 100-question bank to six targets is about
# 300 KiB), one process is faster than starting others.
PARALLEL_THRESHOLD = 256 * 1024

Unit = tuple[BankJob, list[Target]]


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs(jobs: list[BankJob], targets: list[Target]) -> int:
    """Worker count when the user gave no ``-j``: all CPUs for large builds, else one."""
    if sum(job.size for job in jobs) * len(targets) < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(cpu_count(), len(jobs) * len(targets)))


def split_targets(targets: list[Target], parts: int) -> list[list[Target]]:
    """``targets`` in ``parts`` groups of about equal size, each family whole: the targets of one
    family share work in a process (QTI 2.1 and 3.0 build one neutral package), so a family is
    never split. Larger families are placed first, each in the smallest group so far."""
    families: dict[str, list[Target]] = {}
    for target in targets:
        families.setdefault(target.family or target.name, []).append(target)
    groups: list[list[Target]] = [[] for _ in range(min(parts, len(families)))]
    for family in sorted(families.values(), key=lambda members: (-len(members), members[0].name)):
        min(groups, key=len).extend(family)
    return [sorted(group, key=lambda t: t.name) for group in groups if group]


def plan_units(jobs: list[BankJob], targets: list[Target], workers: int) -> list[Unit]:
    """Units of work: one per bank, or a bank's targets split when banks are fewer than workers."""
    parts = max(1, min(len(targets), workers // len(jobs))) if 0 < len(jobs) < workers else 1
    ordered = sorted(jobs, key=lambda job: -job.size)
    groups = split_targets(targets, parts)
    return [(job, group) for job in ordered for group in groups]


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with qbank already imported; elsewhere the default.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_units(units: list[Unit], cache_folder: str, workers: int) -> Iterator[BankOutcome]:
    """Build every unit; yields outcomes (a bank's, or part of one) as they complete."""
    workers = max(1, min(workers, len(units)))
    if workers == 1:
        for job, targets in units:
            yield build_bank(job, targets, cache_folder)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = [pool.submit(build_bank, job, targets, cache_folder) for job, targets in units]
        for future in as_completed(futures):
            yield future.result()
