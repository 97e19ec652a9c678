"""``qbank preview BANK.md [--watch]``: build the HTML page in a temporary folder and open it.

With ``--watch`` the bank and its images are polled for changes (no extra dependency) and
the page is rebuilt; a small server on 127.0.0.1 serves the page and its version number,
which a script present only in preview pages polls to reload itself.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import webbrowser
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import diagnostics as dg
from qbank.atomic import write_atomic
from qbank.commands.common import EXIT_CLEAN, add_report_options, finish, report_policy, usage_error

if TYPE_CHECKING:  # command modules are all imported at start-up; what one run needs loads in it
    from http.server import ThreadingHTTPServer

    from qbank import acknowledge
    from qbank.exporter import Exporter


VERSION_PATH = "/__qbank_version"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("preview", help="build the HTML page of a bank and open it in a browser",
                            description="Build the standalone HTML page of a bank into a temporary folder "
                                        "and open it. With --watch, rebuild whenever the bank or one of "
                                        "its images changes; the open page reloads itself.")
    parser.add_argument("bank", metavar="BANK.md")
    parser.add_argument("--watch", action="store_true", help="rebuild on change and reload the page")
    parser.add_argument("--no-open", action="store_true", help="only print the page's path (or URL)")
    parser.add_argument("--port", type=int, default=0, help="port of the --watch server (default: any free)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between checks for changes")
    parser.add_argument("-O", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an html target option, e.g. answers=shown")
    add_report_options(parser)
    parser.set_defaults(run=run)


class PreviewBuild:
    """One bank's preview page: builds it, and knows which files it was built from."""

    def __init__(self, bank: Path, folder: Path, exporter: Exporter,
                 policy: acknowledge.Policy | None = None) -> None:
        from qbank import acknowledge

        self.bank = bank
        self.exporter = exporter
        self.policy = policy or acknowledge.Policy()
        self.page = folder / f"{bank.stem}.html"
        self.version = 0
        self.sources: dict[Path, int | None] = {}

    def snapshot(self, paths: list[Path]) -> dict[Path, int | None]:
        stamps: dict[Path, int | None] = {}
        for path in paths:
            try:
                stamps[path] = path.stat().st_mtime_ns
            except OSError:
                stamps[path] = None
        return stamps

    def changed(self) -> bool:
        return self.snapshot(list(self.sources)) != self.sources

    def rebuild(self) -> list[dg.Diagnostic]:
        """Lint and export the bank; on errors the page lists them (so the browser shows why)."""
        from qbank import acknowledge
        from qbank.lint import lint_file

        watched = [self.bank]
        bank, found = lint_file(str(self.bank))
        data: bytes | None = None
        if bank is not None:
            watched += sorted({Path(image.path) for fragment in bank.fragments() for image in fragment.images})
            if not any(d.is_error for d in found):
                result = self.exporter.export(bank)
                found = found + result.diagnostics
                data = result.data
            found = acknowledge.apply(found, {bank.path: bank.allowances}, self.policy, ran=[self.exporter.name])
        self.sources = self.snapshot(watched)
        if data is None:
            data = error_page(self.bank.name, found, self.exporter.settings.get("reload-url") or None)
        write_atomic(self.page, data)
        self.version += 1
        return found


def error_page(name: str, found: list[dg.Diagnostic], endpoint: str | None) -> bytes:
    items = "".join(f"<li><pre>{escape(dg.render([d], 'text', color=False))}</pre></li>" for d in found
                    if d.reported)
    reload = ""
    if endpoint:
        reload = ("<script>(function(){var seen=null;function poll(){fetch(" + json.dumps(endpoint)
                  + ",{cache:'no-store'}).then(function(r){return r.text();}).then(function(v){"
                  "if(seen!==null&&v!==seen){location.reload();}seen=v;}).catch(function(){})"
                  ".finally(function(){setTimeout(poll,700);});}poll();}());</script>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(name)}: errors</title>'
            f"</head><body><h1>{escape(name)} has errors</h1><ul>{items}</ul>{reload}</body></html>").encode()


def make_server(build: PreviewBuild, port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 that serves only the page and its version number."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if self.path == VERSION_PATH:
                body, kind = str(build.version).encode(), "text/plain; charset=utf-8"
            elif self.path.split("?")[0] in ("/", "/" + build.page.name):
                body, kind = build.page.read_bytes(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep the terminal for rebuild messages

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def run(args: argparse.Namespace) -> int:
    from qbank.commands.export import make_exporter

    policy = report_policy(args)
    if isinstance(policy, str):
        return usage_error(policy)
    # The html target is found through the registry like any other: the core never imports it.
    exporter = make_exporter("html", [*args.option, *([f"reload-url={VERSION_PATH}"] if args.watch else [])])
    if isinstance(exporter, str):
        return usage_error(exporter)
    bank = Path(args.bank)
    if not bank.is_file():
        return usage_error(f"no such bank file: {args.bank}")
    folder = Path(tempfile.mkdtemp(prefix="qbank-preview-"))
    build = PreviewBuild(bank, folder, exporter, policy)
    code = finish(build.rebuild(), args)
    if not args.watch:
        print(build.page)
        if not args.no_open:
            webbrowser.open(build.page.resolve().as_uri())
        return code
    return watch(build, args)


def watch(build: PreviewBuild, args: argparse.Namespace) -> int:
    from qbank import config

    server = make_server(build, args.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"serving {build.page} at {url} (Ctrl+C to stop)", flush=True)
    if not args.no_open:
        webbrowser.open(url)
    try:
        while True:
            time.sleep(args.interval)
            if build.changed():
                config.forget()  # the configuration may have changed too: read it again
                found = build.rebuild()
                finish(found, args)
                errors = sum(d.is_error for d in found)
                print(f"rebuilt {build.page.name} (version {build.version}"
                      + (f", {errors} error{'s' * (errors != 1)})" if errors else ")"), flush=True)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.shutdown()
        server.server_close()
    return EXIT_CLEAN
