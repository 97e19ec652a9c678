"""``qbank lint PATH...``: every problem in every bank, in one run."""

from __future__ import annotations

import argparse

from qbank import diagnostics as dg
from qbank import registry
from qbank.commands.common import add_report_options, finish, usage_error
from qbank.lint import bank_files, lint_across, lint_file
from qbank.models import Bank


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("lint", help="check question banks and report every problem",
                            description="Check question banks (files or folders of .md files).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bank files or folders")
    parser.add_argument("--target", action="append", default=[], metavar="TARGET",
                        help="also run this target's own checks (repeatable; 'all' for every target)")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    files, missing = bank_files(args.paths)
    if missing:
        return usage_error(f"no such file or folder: {', '.join(missing)}")
    if not files:
        return usage_error(f"no .md banks found in {', '.join(args.paths)}")
    names = list(registry.available()) if "all" in args.target else args.target
    exporters = []
    for name in names:
        try:
            exporters.append(registry.load(name)())
        except KeyError:
            return usage_error(f"unknown target `{name}`; installed: {', '.join(registry.available())}")
        except registry.TargetLoadError as exc:
            return usage_error(str(exc))
    found: list[dg.Diagnostic] = []
    banks: list[Bank] = []
    for file in files:
        bank, diagnostics = lint_file(file)
        found.extend(diagnostics)
        if bank is not None:
            banks.append(bank)
            for exporter in exporters:
                found.extend(exporter.check(bank))
    found.extend(lint_across(banks))
    return finish(found, args)
