"""``qbank lint PATH...``: every problem in every bank, in one run."""

from __future__ import annotations

import argparse
import contextlib
import os
from itertools import repeat
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.commands.common import add_report_options, finish, report_policy, usage_error

if TYPE_CHECKING:  # every command module is imported at start-up: what only one run needs loads then
    from qbank.banks import BankIdentity
    from qbank.models import Allowance

# About 1,000 questions of typical text: below that one process is faster than starting more.
PARALLEL_BYTES = 512 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("lint", help="check question banks and report every problem",
                            description="Check question banks (files or folders of .md files).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bank files or folders")
    parser.add_argument("--target", action="append", default=[], metavar="TARGET",
                        help="also run this target's own checks (repeatable; 'all' for every target)")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="processes to lint with (default: one per CPU for large inputs, else 1)")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from concurrent.futures import ProcessPoolExecutor

    from qbank import acknowledge, registry
    from qbank.banks import bank_files, lint_identities

    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    files, missing = bank_files(args.paths)
    if missing:
        return usage_error(f"no such file or folder: {', '.join(missing)}")
    if not files:
        return usage_error(f"no .md banks found in {', '.join(args.paths)}")
    names = list(registry.available_targets()) if "all" in args.target else args.target
    exporters = []
    for name in names:
        try:
            exporters.append(registry.load_target(name)())
        except KeyError:
            return usage_error(f"unknown target `{name}`; installed: {', '.join(registry.available_targets())}")
        except registry.LoadError as exc:
            return usage_error(str(exc))
    found: list[dg.Diagnostic] = []
    identities: list[BankIdentity] = []
    allowances: dict[str, tuple[Allowance, ...]] = {}
    targets = tuple(exporter.name for exporter in exporters)
    jobs = args.jobs or _default_jobs(files)
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lint_one, files, repeat(targets), chunksize=max(1, len(files) // (4 * jobs))))
    else:
        results = [lint_one(file, targets) for file in files]
    for file, (diagnostics, identity, allowed) in zip(files, results, strict=True):  # in file order
        found.extend(diagnostics)
        allowances[file] = allowed
        if identity is not None:
            identities.append(identity)
    found.extend(lint_identities(identities))
    every = bool(targets) and set(targets) == set(registry.available_targets())
    return finish(acknowledge.apply(found, allowances, policy, ran=targets, every_target=every), args)


def lint_one(file: str, targets: tuple[str, ...]
             ) -> tuple[list[dg.Diagnostic], BankIdentity | None, tuple[Allowance, ...]]:
    """One bank's diagnostics (with the given targets' checks), its identity and the warnings
    its source acknowledges, for any process.

    Only the small identity is kept, not the bank, so linting many banks stays within memory.
    """
    from qbank import registry
    from qbank.lint import bank_identity, lint_file

    bank, diagnostics = lint_file(file)
    if bank is None:
        return diagnostics, None, ()
    for name in targets:
        diagnostics.extend(registry.load_target(name)().check(bank))
    return diagnostics, bank_identity(bank), bank.allowances


def _default_jobs(files: list[str]) -> int:
    """Several processes only when there is enough to read: starting one costs about 0.1 s."""
    total = 0
    for file in files:
        with contextlib.suppress(OSError):
            total += os.path.getsize(file)
    if len(files) < 4 or total < PARALLEL_BYTES:
        return 1
    return min(os.cpu_count() or 1, len(files))
