"""``qbank build [PATH...] [-o dist/] [--to T,...]``: every bank to every target, for release or CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qbank.commands.common import EXIT_PROBLEMS, add_report_options, finish, report_policy, usage_error


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "build", help="lint every bank, then write every bank to every target",
        description="Lint the banks (errors stop the build; nothing is written), then write every bank "
                    "for every target into the output folder with a manifest.json. Unchanged banks come "
                    "from the cache; the output is byte-identical for the same sources.")
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["content"],
                        help="bank files or folders (default: content/)")
    parser.add_argument("-o", "--output", default="dist", metavar="DIR", help="output folder (default: dist/)")
    parser.add_argument("--to", metavar="TARGET[,TARGET...]",
                        help="targets to build (default: every installed target; see `qbank targets`)")
    parser.add_argument("-O", "--option", action="append", default=[], metavar="TARGET.KEY=VALUE",
                        help="an option of one target, named before a dot because a build writes several: "
                             "-O gift.asset-base-url=https://... (`qbank export --to gift` takes the same "
                             "option without the name: -O asset-base-url=...; `qbank targets` lists them)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the output folder is not what the sources build")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="worker processes (default: one per CPU for large builds, 1 for small ones)")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="build cache folder (default: .cache/qbank/ beside the output folder)")
    parser.add_argument("--no-cache", action="store_true", help="build everything afresh; keep no cache")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    add_report_options(parser)
    parser.set_defaults(run=run)


def parse_target_options(pairs: list[str]) -> dict[str, dict[str, str]] | str:
    """``TARGET.KEY=VALUE`` settings grouped by target, or the message for a malformed one."""
    options: dict[str, dict[str, str]] = {}
    for pair in pairs:
        name, dot, rest = pair.partition(".")
        key, equals, value = rest.partition("=")
        if not (dot and equals and name.strip() and key.strip()):
            return f"option `{pair}` must be TARGET.KEY=VALUE, e.g. gift.asset-base-url=https://example.org/"
        options.setdefault(name.strip(), {})[key.strip()] = value.strip()
    return options


def run(args: argparse.Namespace) -> int:
    # Imported here: every command module is imported at start-up, and other commands need none of it.
    from qbank.build.engine import BuildRequest, build
    from qbank.build.plan import PlanError

    options = parse_target_options(args.option)
    if isinstance(options, str):
        return usage_error(options)
    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    targets = [t.strip() for t in args.to.split(",") if t.strip()] if args.to else None
    if args.to is not None and not targets:
        return usage_error("--to needs at least one target name")
    output = Path(args.output)
    request = BuildRequest(
        paths=args.paths, output=output, targets=targets, options=options, check=args.check, strict=args.strict,
        jobs=args.jobs, cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        use_cache=not args.no_cache, progress=False if args.quiet else None, policy=policy)
    try:
        report = build(request)
    except PlanError as exc:
        return usage_error(str(exc))
    code = finish(report.diagnostics, args)
    # With --format json or github, standard output holds only the diagnostics: the rest goes to stderr.
    out = sys.stdout if args.format == "text" else sys.stderr
    if report.failed:
        if any(d.code == "E901" for d in report.diagnostics):
            print(f"qbank: build stopped while writing {output.as_posix()}/; its manifest was not updated",
                  file=sys.stderr)
        else:
            print(f"qbank: build stopped: errors found; {output.as_posix()}/ was not changed", file=sys.stderr)
        return code or EXIT_PROBLEMS
    if args.check:
        for change in report.changes:
            print(change.describe(output), file=out)
        if report.changes:
            print(f"qbank: {output.as_posix()}/ is out of date: run `qbank build` and commit the result",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        if not args.quiet:
            print(f"{output.as_posix()}/ is up to date ({len(report.artifacts)} artifacts)", file=out)
        return code
    if not args.quiet:
        written = sum(c.kind != "stale" for c in report.changes)
        removed = len(report.changes) - written
        print(f"built {report.banks} bank{'s' * (report.banks != 1)} ({report.questions} questions) x "
              f"{len({a.target for a in report.artifacts})} targets into {output.as_posix()}/: "
              f"{written} file{'s' * (written != 1)} written"
              + (f", {removed} removed" if removed else "")
              + f" ({report.cached} bank{'s' * (report.cached != 1)} from cache, {report.workers} "
              f"process{'es' * (report.workers != 1)})", file=out)
    return code
