"""``qbank import INPUT... [-o OUT.md | -o DIR/]``: foreign banks → qbank Markdown, images beside them."""

from __future__ import annotations

import argparse
import bisect
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.atomic import write_atomic
from qbank.build.progress import Progress
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
    from qbank.models import Bank


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("import", help="turn Moodle XML, GIFT, QTI... into qbank Markdown",
                            description="Read banks in another format and write each as a qbank Markdown bank "
                                        "(one per quiz, bank or category, named after its title), its images "
                                        "beside it. Nothing is written when an input cannot be read.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("-o", "--output", metavar="OUT.md|DIR/",
                        help="one bank: the Markdown file; several: a folder (default: the current folder)")
    add_source_option(parser)
    parser.add_argument("--force", action="store_true", help="overwrite files that differ")
    add_report_options(parser)
    parser.set_defaults(run=run)


def plan(banks: list[Bank], output: str | None) -> tuple[Path, list[str]] | str:
    """The folder and each bank's file name, or why the output cannot hold them."""
    from qbank.conversion import bank_names

    if output and output.endswith(".md") and not Path(output).is_dir():
        if len(banks) != 1:
            return f"{len(banks)} banks were read; give a folder (`-o DIR/`) to write them all"
        return Path(output).parent, [Path(output).name]
    folder = Path(output) if output else Path(".")
    return folder, bank_names(banks, ".md")


def _owners(text: str) -> list[tuple[int, str | None]]:
    """(first line, question id) of every block of the written Markdown: `##` questions, `#` groups."""
    blocks: list[tuple[int, str | None]] = [(1, None)]
    for number, content in enumerate(text.split("\n"), 1):
        match = re.match(r"## .*\{#([^\s}]+)", content)
        if match or content.startswith("# "):
            blocks.append((number, match.group(1) if match else None))
    return blocks


def _owner(blocks: list[tuple[int, str | None]], line: int) -> str | None:
    """The id of the question whose block holds ``line``, if any."""
    return blocks[bisect.bisect_right([first for first, _ in blocks], line) - 1][1]


def _written(banks: list[Bank], folder: Path, names: list[str], found: list[dg.Diagnostic]) -> dict[Path, bytes]:
    """Every bank as Markdown (and its images), read back in a staging folder first. A question
    whose Markdown does not read back is left out with W702 (a gap between a reader and the
    writer, reported at the question in the input), so one odd question never stops an import."""
    from qbank.readers.markdown import read_bank
    from qbank.writers.markdown import write_bank

    for _ in range(len(banks) + sum(len(b.questions) for b in banks) + 1):
        files: dict[Path, bytes] = {}
        texts: list[str] = []
        notes: list[dg.Diagnostic] = []
        for bank, name in zip(banks, names, strict=True):
            out = write_bank(bank)
            notes += out.diagnostics
            texts.append(out.text)
            files[folder / name] = out.text.encode("utf-8")
            for relative, data in out.files.items():
                files[folder / relative] = data
        left_out: dict[int, dict[str, dg.Diagnostic]] = {}
        with tempfile.TemporaryDirectory(prefix="qbank-import-check-") as staging:
            for path, data in files.items():
                staged = Path(staging) / path.relative_to(folder)
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_bytes(data)
            for k, name in enumerate(names):
                _, problems = read_bank(Path(staging) / name)
                blocks = _owners(texts[k])
                for problem in (p for p in problems if p.is_error):
                    qid = _owner(blocks, problem.line)
                    if qid is None:
                        notes.append(dg.make(problem.code, "the Markdown written for this bank does not read back: "
                                             + problem.message, str(folder / name), problem.line, problem.col,
                                             hint="please report this as a qbank bug, with the input"))
                    else:
                        left_out.setdefault(k, {}).setdefault(qid, problem)
        if not left_out:
            found += notes
            return files
        for k, broken in left_out.items():
            for question in banks[k].questions:
                if question.id in broken:
                    problem = broken[question.id]
                    found.append(dg.make("W702", f"`{question.id}`: qbank's source format cannot hold this "
                                         f"question as read ({problem.code}: {problem.message}); it is left out",
                                         question.pos.file, question.pos.line, question.pos.col,
                                         hint="fix it in the LMS and export again; if the input is right, please "
                                              "report this to qbank with the input"))
            banks[k] = banks[k].model_copy(update={"questions": tuple(
                q for q in banks[k].questions if q.id not in broken)})
        kept = [k for k, bank in enumerate(banks) if bank.questions]
        banks[:], names[:] = [banks[k] for k in kept], [names[k] for k in kept]
    raise AssertionError("unreachable: every round leaves a question out")  # pragma: no cover


def write_markdown(banks: list[Bank], output: str | None, force: bool, found: list[dg.Diagnostic], origin: str,
                   stops: Callable[[list[dg.Diagnostic]], bool] | None = None) -> list[Path] | None:
    """Write every bank (and its images) after reading each back; None, with nothing written, on
    an error (one writing too) or what ``stops`` judges (a command's ``--strict``:
    :func:`~qbank.commands.common.stops_writing`).

    A question left out because its Markdown does not read back is removed from ``banks`` in place."""
    planned = plan(banks, output)
    if isinstance(planned, str):
        found.append(dg.unpositioned("E901", planned, output or ".", hint="write `-o DIR/`"))
        return None
    folder, names = planned
    files = _written(banks, folder, names, found)
    if not banks:
        found.append(dg.make("E201", "no questions were read", origin, 1,
                             hint="check the diagnostics above: every question was left out"))
    clashes = [p for p, data in files.items() if p.exists() and p.read_bytes() != data]
    if clashes and not force:
        found.append(dg.unpositioned("E901", f"{clashes[0]} exists with other content", str(clashes[0]),
                                     hint="write somewhere else, or pass --force to overwrite"))
    if any(d.is_error for d in found) or (stops is not None and stops(found)):
        return None
    for path, data in files.items():
        try:
            write_atomic(path, data)
        except OSError as exc:
            found.append(dg.unpositioned("E901", f"cannot write {path}: {exc.strerror or exc}", str(path),
                                         hint="check that the folder is writable and has free space"))
            return None
    return [folder / name for name in names]


def run(args: argparse.Namespace) -> int:
    from qbank.conversion import read_inputs

    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    paths = [Path(p) for p in args.inputs]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        return usage_error(f"no such file: {missing[0]}")
    progress = Progress(len(paths), label="files")
    with tempfile.TemporaryDirectory(prefix="qbank-media-") as media:
        banks, found = read_inputs(paths, args.source, Path(media), progress.advance, progress.inside)
        progress.close()
        if any(d.is_error for d in found):
            return finish(found, args) or EXIT_PROBLEMS
        if not banks:
            found.append(dg.make("E201", "no questions were read", str(paths[0]), 1,
                                 hint="check the diagnostics above: every question was left out"))
            return finish(found, args) or EXIT_PROBLEMS
        written = write_markdown(banks, args.output, args.force, found, str(paths[0]),
                                 lambda found: stops_writing(found, args))
    code = finish(found, args)
    if written is None:
        return code or EXIT_PROBLEMS
    count = sum(len(b.questions) for b in banks)
    for path, bank in zip(written, banks, strict=True):
        print(f"wrote {path} ({len(bank.questions)} question{'s' * (len(bank.questions) != 1)})")
    if len(written) > 1:
        print(f"{len(written)} banks, {count} questions")
    return code
