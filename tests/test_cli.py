"""The command line as a user meets it: exit codes, formats, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support import CONTENT, ROOT

BROKEN = "---\ntitle: T\n---\n\n## Q\n\nPick.\n\n- (x) a\n- (x) b\n"
WARNING_ONLY = "---\ntitle: T\n---\n\n## Q\n\nPick.\n\n- (x) a\n- ( ) b\n"


def qbank(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qbank", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_lint_content_is_clean() -> None:
    result = qbank("lint", "content/")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_lint_text_shows_line_caret_and_hint(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(BROKEN)
    result = qbank("lint", str(tmp_path / "b.md"))
    assert result.returncode == 1
    assert f"{tmp_path / 'b.md'}:5:1: error[E302]" in result.stderr
    assert "    5 | ## Q" in result.stderr and "^" in result.stderr and "= hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_lint_json_and_github_formats(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(BROKEN)
    data = json.loads(qbank("lint", "--format", "json", str(tmp_path)).stdout)
    assert [(d["code"], d["line"], d["severity"]) for d in data] == [("E302", 5, "error")]
    github = qbank("lint", "--format", "github", str(tmp_path)).stdout
    assert github.startswith(f"::error file={tmp_path / 'b.md'},line=5,col=1,title=E302::")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(WARNING_ONLY)
    assert qbank("lint", str(tmp_path)).returncode == 0
    assert qbank("lint", "--strict", str(tmp_path)).returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert qbank("lint", str(tmp_path / "missing")).returncode == 2
    assert qbank("lint").returncode == 2
    assert qbank("lint", "--target", "no-such-target", str(CONTENT)).returncode == 2
    result = qbank("export", str(CONTENT / "showcase.md"), "--to", "no-such-target")
    assert result.returncode == 2 and "unknown target" in result.stderr


def test_export_refuses_a_bank_with_errors(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(BROKEN)
    out = tmp_path / "out.bin"
    result = qbank("export", str(tmp_path / "b.md"), "--to", "gift", "-o", str(out))
    assert result.returncode in (1, 2) and not out.exists()


def test_targets_lists_the_registry() -> None:
    result = qbank("targets", "--format", "json")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr


def test_parallel_lint_reports_exactly_what_serial_lint_does() -> None:
    corpus = str(ROOT / "tests" / "corpus")
    serial = qbank("lint", "-j", "1", "--format", "json", corpus)
    parallel = qbank("lint", "-j", "2", "--format", "json", corpus)
    assert serial.returncode == parallel.returncode == 1
    assert json.loads(serial.stdout) and serial.stdout == parallel.stdout


# --- what a first-time user meets ------------------------------------------------------------


def test_version() -> None:
    from importlib.metadata import version

    result = qbank("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"qbank {version('qbank')}"


def test_ci_runs_exactly_the_readme_commands() -> None:
    """README says `.ci/run` runs its two commands: the same lines stand in both."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# qbank\n\n```sh\n")  # the README opens with them
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert len(commands) == 2 and all(command in ci for command in commands), commands
    assert "Python 3.11 or newer" in readme and "`pip install .`" in readme and "venv" in readme


def test_option_forms_are_explained_in_both_helps() -> None:
    def help_of(command: str) -> str:  # wide enough that argparse does not break `asset-base-url`
        return subprocess.run([sys.executable, "-m", "qbank", command, "--help"], capture_output=True, text=True,
                              cwd=ROOT, timeout=120, env={**os.environ, "COLUMNS": "400"}).stdout

    build, export = help_of("build"), help_of("export")
    assert "-O gift.asset-base-url=" in build and "-O asset-base-url=" in build
    assert "-O gift.asset-base-url=" in export and "-O asset-base-url=" in export
    assert "installed target" in qbank("targets", "--help").stdout


def test_build_json_keeps_standard_output_for_the_json(tmp_path: Path) -> None:
    result = qbank("build", str(CONTENT), "-o", str(tmp_path / "dist"), "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found and all(d["acknowledged"] for d in found)  # content/: every expected loss acknowledged
    assert "built 2 banks" in result.stderr
