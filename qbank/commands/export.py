"""``qbank export BANK.md --to TARGET [-o PATH]``: one bank to one target."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.atomic import write_atomic
from qbank.commands.common import EXIT_PROBLEMS, add_report_options, finish, report_policy, usage_error

if TYPE_CHECKING:  # command modules are all imported at start-up; what one run needs loads in it
    from qbank.exporter import Exporter


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("export", help="export one bank to one target",
                            description="Lint a bank, then write it for one target. Nothing is written "
                                        "when the bank or the target reports an error.")
    parser.add_argument("bank", metavar="BANK.md")
    parser.add_argument("--to", required=True, metavar="TARGET", help="target name (see `qbank targets`)")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="output file (default: BANK's name + the target's suffix, in the current folder)")
    parser.add_argument("-O", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an option of the one target of --to, e.g. --to gift -O asset-base-url=https://... "
                             "(`qbank targets` lists each target's options; `qbank build` names the target "
                             "too: -O gift.asset-base-url=...)")
    add_report_options(parser)
    parser.set_defaults(run=run)


def parse_options(pairs: list[str]) -> dict[str, str] | str:
    options: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            return f"option `{pair}` must be KEY=VALUE"
        key, value = pair.split("=", 1)
        options[key.strip()] = value
    return options


def make_exporter(name: str, pairs: list[str]) -> Exporter | str:
    from qbank import registry

    options = parse_options(pairs)
    if isinstance(options, str):
        return options
    try:
        cls = registry.load_target(name)
    except KeyError:
        return f"unknown target `{name}`; installed: {', '.join(registry.available_targets())}"
    except registry.LoadError as exc:
        return str(exc)
    try:
        return cls(options)
    except ValueError as exc:
        return str(exc)


def run(args: argparse.Namespace) -> int:
    from qbank import acknowledge, registry
    from qbank.lint import lint_file

    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    exporter = make_exporter(args.to, args.option)
    if isinstance(exporter, str):
        return usage_error(exporter)
    if not Path(args.bank).is_file():
        return usage_error(f"no such bank file: {args.bank}")
    bank, found = lint_file(args.bank)
    if bank is None or any(d.is_error for d in found):
        return finish(found, args) or EXIT_PROBLEMS
    result = exporter.export(bank)
    every = set(registry.available_targets()) == {exporter.name}
    found = acknowledge.apply(found + result.diagnostics, {bank.path: bank.allowances}, policy,
                              ran=[exporter.name], every_target=every)
    if args.strict and any(d.reported for d in found):
        return finish(found, args)
    if result.data is None or any(d.is_error for d in found):
        return finish(found, args) or EXIT_PROBLEMS
    output = Path(args.output) if args.output else Path(Path(args.bank).stem + exporter.suffix)
    try:
        write_atomic(output, result.data)
    except OSError as exc:
        # About the output path, not the bank: no line of the bank is quoted.
        found.append(dg.unpositioned("E901", f"cannot write {output}: {exc.strerror or exc}", str(output),
                                     hint="check that the folder exists, is writable and has free space"))
        return finish(found, args)
    code = finish(found, args)
    print(f"wrote {output} ({result.questions} question{'s' * (result.questions != 1)}, {args.to})")
    return code
