"""``qbank convert INPUT --to TARGET``: any format qbank reads → any target (or ``markdown``), as Pandoc does."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.atomic import write_atomic
from qbank.commands.common import (
    EXIT_PROBLEMS,
    add_report_options,
    add_source_option,
    finish,
    report_policy,
    stops_writing,
    usage_error,
)

if TYPE_CHECKING:  # command modules are all imported at start-up; what one run needs loads in it
    from qbank.exporter import Exporter


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("convert", help="convert a bank straight from one format to another",
                            description="Read INPUT in any format qbank reads (Markdown, Moodle XML, GIFT...) and "
                                        "write it for TARGET (any export target, or `markdown`). Nothing is "
                                        "written when reading or writing reports an error.")
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--to", required=True, metavar="TARGET",
                        help="`markdown` or an export target (see `qbank targets`)")
    add_source_option(parser)
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="output file (one bank) or folder (several; default: the current folder)")
    parser.add_argument("-O", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a target option (see `qbank targets`)")
    parser.add_argument("--force", action="store_true", help="markdown: overwrite files that differ")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qbank import acknowledge, registry
    from qbank.commands.export import make_exporter
    from qbank.commands.importer import write_markdown
    from qbank.conversion import bank_names, read_inputs

    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    path = Path(args.input)
    if not path.is_file():
        return usage_error(f"no such file: {args.input}")
    exporter: Exporter | None = None
    if args.to != "markdown":
        made = make_exporter(args.to, args.option)
        if isinstance(made, str):
            return usage_error(made)
        exporter = made
    with tempfile.TemporaryDirectory(prefix="qbank-media-") as media:
        banks, found = read_inputs([path], args.source, Path(media))
        if any(d.is_error for d in found) or not banks:
            if not banks and not found:
                found.append(dg.make("E201", "no questions were read", str(path), 1, hint="check the input"))
            return finish(found, args) or EXIT_PROBLEMS
        if exporter is None:
            written = write_markdown(banks, args.output, args.force, found, str(path),
                                     lambda found: stops_writing(found, args))
            code = finish(found, args)
            if written is None:
                return code or EXIT_PROBLEMS
            for out in written:
                print(f"wrote {out}")
            return code
        outputs: list[tuple[Path, bytes, int]] = []
        names = bank_names(banks, exporter.suffix)
        several = len(banks) > 1 or (args.output is not None and Path(args.output).is_dir())
        for bank, name in zip(banks, names, strict=True):
            result = exporter.export(bank)
            # As `qbank export` judges them: a bank's `allow=` acknowledges its target losses.
            found += acknowledge.apply(result.diagnostics, {bank.path: bank.allowances}, policy, ran=[exporter.name],
                                       every_target=set(registry.available_targets()) == {exporter.name})
            if result.data is not None:
                target = Path(args.output) / name if several and args.output else \
                    Path(args.output) if args.output else Path(name)
                outputs.append((target, result.data, result.questions))
        if stops_writing(found, args):
            return finish(found, args) or EXIT_PROBLEMS
        for target, data, _ in outputs:
            try:
                write_atomic(target, data)
            except OSError as exc:
                found.append(dg.unpositioned("E901", f"cannot write {target}: {exc.strerror or exc}", str(target),
                                             hint="check that the folder exists, is writable and has free space"))
                return finish(found, args)
    code = finish(found, args)
    for target, _, count in outputs:
        print(f"wrote {target} ({count} question{'s' * (count != 1)}, {args.to})")
    return code
