"""``qbank import INPUT... [-o OUT.md | -o DIR/]``: foreign banks → qbank Markdown, images beside them."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from qbank import diagnostics as dg
from qbank import registry
from qbank.atomic import write_atomic
from qbank.build.progress import Progress
from qbank.commands.common import EXIT_PROBLEMS, add_report_options, finish, usage_error
from qbank.conversion import bank_names, read_inputs
from qbank.models import Bank


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("import", help="turn Moodle XML, GIFT, QTI... into qbank Markdown",
                            description="Read banks in another format and write each as a qbank Markdown bank "
                                        "(one per quiz, bank or category, named after its title), its images "
                                        "beside it. Nothing is written when an input cannot be read.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("-o", "--output", metavar="OUT.md|DIR/",
                        help="one bank: the Markdown file; several: a folder (default: the current folder)")
    parser.add_argument("--from", dest="source", metavar="FORMAT",
                        help=f"input format (default: recognised): {', '.join(registry.available_readers())}")
    parser.add_argument("--force", action="store_true", help="overwrite files that differ")
    add_report_options(parser)
    parser.set_defaults(run=run)


def plan(banks: list[Bank], output: str | None) -> tuple[Path, list[str]] | str:
    """The folder and each bank's file name, or why the output cannot hold them."""
    if output and output.endswith(".md") and not Path(output).is_dir():
        if len(banks) != 1:
            return f"{len(banks)} banks were read; give a folder (`-o DIR/`) to write them all"
        return Path(output).parent, [Path(output).name]
    folder = Path(output) if output else Path(".")
    return folder, bank_names(banks, ".md")


def write_markdown(banks: list[Bank], output: str | None, force: bool, found: list[dg.Diagnostic],
                   origin: str) -> list[Path] | None:
    """Write every bank (and its images) after reading each back; None (nothing written) on any problem."""
    from qbank.readers.markdown import read_bank
    from qbank.writers.markdown import write_bank

    planned = plan(banks, output)
    if isinstance(planned, str):
        found.append(dg.make("E901", planned, origin, 1, hint="write `-o DIR/`"))
        return None
    folder, names = planned
    files: dict[Path, bytes] = {}
    for bank, name in zip(banks, names, strict=True):
        out = write_bank(bank)
        found += out.diagnostics
        files[folder / name] = out.text.encode("utf-8")
        for relative, data in out.files.items():
            files[folder / relative] = data
    with tempfile.TemporaryDirectory(prefix="qbank-import-check-") as staging:  # read every bank back first
        for path, data in files.items():
            staged = Path(staging) / path.relative_to(folder)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        for name in names:
            _, problems = read_bank(Path(staging) / name)
            for problem in problems:
                if problem.is_error:
                    found.append(dg.make(problem.code, "the Markdown written for this bank does not read back: "
                                         + problem.message, str(folder / name), problem.line, problem.col,
                                         hint="please report this as a qbank bug, with the input"))
    clashes = [p for p, data in files.items() if p.exists() and p.read_bytes() != data]
    if clashes and not force:
        found.append(dg.make("E901", f"{clashes[0]} exists with other content", str(clashes[0]), 1,
                             hint="write somewhere else, or pass --force to overwrite"))
    if any(d.is_error for d in found):
        return None
    for path, data in files.items():
        write_atomic(path, data)
    return [folder / name for name in names]


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.inputs]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        return usage_error(f"no such file: {missing[0]}")
    progress = Progress(len(paths), label="files")
    with tempfile.TemporaryDirectory(prefix="qbank-media-") as media:
        banks, found = read_inputs(paths, args.source, Path(media), progress.advance)
        progress.close()
        if any(d.is_error for d in found):
            return finish(found, args) or EXIT_PROBLEMS
        if not banks:
            found.append(dg.make("E201", "no questions were read", str(paths[0]), 1,
                                 hint="check the diagnostics above: every question was left out"))
            return finish(found, args) or EXIT_PROBLEMS
        try:
            written = write_markdown(banks, args.output, args.force, found, str(paths[0]))
        except OSError as exc:
            found.append(dg.make("E901", f"cannot write: {exc.strerror or exc}", str(paths[0]), 1,
                                 hint="check that the folder is writable and has free space"))
            written = None
    if args.strict and found:
        return finish(found, args)
    code = finish(found, args)
    if written is None:
        return code or EXIT_PROBLEMS
    count = sum(len(b.questions) for b in banks)
    for path, bank in zip(written, banks, strict=True):
        print(f"wrote {path} ({len(bank.questions)} question{'s' * (len(bank.questions) != 1)})")
    if len(written) > 1:
        print(f"{len(written)} banks, {count} questions")
    return code
