"""``qbank new BANK.md``: a starter bank with one question of each common type."""

from __future__ import annotations

import argparse
import json
import os
from importlib.resources import files
from pathlib import Path

from qbank.commands.common import EXIT_CLEAN, EXIT_PROBLEMS, usage_error

TEMPLATE_TITLE = 'title: "New question bank"'


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("new", help="write a starter bank with one question of each common type",
                            description="Write a starter bank that lints clean. An existing file is never "
                                        "overwritten.")
    parser.add_argument("bank", metavar="BANK.md")
    parser.add_argument("--title", help="the bank's title (default: from the file name)")
    parser.set_defaults(run=run)


def title_from_name(path: Path) -> str:
    words = path.stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or "New question bank"
    return text[0].upper() + text[1:]


def starter_bank(title: str) -> str:
    template = files("qbank").joinpath("templates/new-bank.md").read_text(encoding="utf-8")
    # A JSON string is a valid YAML double-quoted scalar, so any title is written safely.
    return template.replace(TEMPLATE_TITLE, f"title: {json.dumps(title, ensure_ascii=False)}", 1)


def run(args: argparse.Namespace) -> int:
    path = Path(args.bank)
    if path.suffix.lower() != ".md":
        return usage_error(f"{path} must end in .md (banks are Markdown files)")
    if path.exists():
        return usage_error(f"{path} already exists; choose another name (qbank new never overwrites)")
    text = starter_bank(args.title or title_from_name(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: a file created meanwhile is not overwritten either.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return usage_error(f"{path} already exists; choose another name (qbank new never overwrites)")
    except OSError as exc:
        print(f"qbank: cannot write {path}: {exc.strerror or exc}")
        return EXIT_PROBLEMS
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"wrote {path}: edit it, then run `qbank lint {path}`")
    return EXIT_CLEAN
