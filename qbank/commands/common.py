"""What the subcommands share: reporting diagnostics, and choosing exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from qbank import diagnostics as dg

if TYPE_CHECKING:
    from qbank import acknowledge

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_source_option(parser: argparse.ArgumentParser) -> None:
    """``--from FORMAT`` of the commands that read foreign files (``args.source``)."""
    parser.add_argument("--from", dest="source", metavar="FORMAT",
                        help="input format (default: recognised from the file): markdown, moodle-xml, gift, canvas, "
                             "qti, or another installed reader (an unknown name lists them)")


def add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=sorted(dg.RENDERERS), default="text",
                        help="how to print diagnostics (default: text; json also lists acknowledged warnings)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (acknowledged ones excepted)")
    parser.add_argument("--select", action="append", default=[], metavar="CODES",
                        help="report only these warnings (codes or prefixes, comma-separated, e.g. W,T001); "
                             "replaces `select` of the configuration; errors are always reported")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="acknowledge these warnings (e.g. T004 or T004@canvas), besides the "
                             "configuration's; errors cannot be ignored")


def report_policy(args: argparse.Namespace) -> acknowledge.Policy | str:
    """The ``--select``/``--ignore`` of a command, or the usage error they make."""
    from qbank import acknowledge

    return acknowledge.policy(args.select, args.ignore)


def finish(found: Sequence[dg.Diagnostic], args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Print the diagnostics and return the exit code they mean (acknowledged warnings do not count).

    The command line's ``--select``/``--ignore`` and the configuration are applied here too, so
    every command honours them; applying them again to what a command already judged (with the
    source's ``allow=``) changes nothing.
    """
    from qbank import acknowledge

    policy = report_policy(args) if hasattr(args, "select") else None
    if isinstance(policy, acknowledge.Policy):
        found = acknowledge.apply(found, {}, policy)
    if args.strict:
        found = [d.escalated() for d in found]
    out = stream or (sys.stdout if args.format != "text" else sys.stderr)
    color = args.format == "text" and hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ
    text = dg.render(found, args.format, color=color)
    if text:
        out.write(text)
    return EXIT_PROBLEMS if any(d.is_error and d.reported for d in found) else EXIT_CLEAN


def stops_writing(found: Sequence[dg.Diagnostic], args: argparse.Namespace) -> bool:
    """Whether a command writes nothing: an error, or under ``--strict`` a warning that neither
    the command line nor the configuration acknowledges (as :func:`finish` will judge it)."""
    if any(d.is_error for d in found):
        return True
    if not args.strict:
        return False
    from qbank import acknowledge

    policy = report_policy(args)
    judged = acknowledge.apply(found, {}, policy) if isinstance(policy, acknowledge.Policy) else found
    return any(d.reported for d in judged)


def usage_error(message: str) -> int:
    print(f"qbank: error: {message}", file=sys.stderr)
    return EXIT_USAGE
