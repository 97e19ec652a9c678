"""The ``qbank`` command line: ``lint``, ``export``, ``targets`` and friends.

Exit codes: 0 clean, 1 problems found (errors; warnings too with ``--strict``), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from qbank.commands import COMMANDS


def _version() -> str:
    try:
        return version("qbank")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qbank", description="Quiz questions in Markdown + LaTeX, exported to every LMS format.")
    parser.add_argument("--version", action="version", version=f"qbank {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("qbank: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
