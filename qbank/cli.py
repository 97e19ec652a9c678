"""The ``qbank`` command line: ``lint``, ``export``, ``targets`` and friends.

Exit codes: 0 clean, 1 problems found (errors; warnings too with ``--strict``), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from qbank.commands import COMMANDS


class _Version(argparse.Action):
    """``--version``, read from the installed metadata only when asked (it costs start-up time)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("qbank")
        except PackageNotFoundError:  # running from a source tree that was never installed
            text = "unknown (not installed)"
        print(f"qbank {text}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qbank", description="Quiz questions in Markdown + LaTeX, exported to every LMS format.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show qbank's version and exit")
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
