"""The example target in docs/targets/example/ installs with pip and works as documented."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import CONTENT, ROOT

EXAMPLE = ROOT / "docs" / "targets" / "example"


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example installed by pip into a folder of its own, found through PYTHONPATH."""
    target = tmp_path_factory.mktemp("plugin")
    # Built from a copy, so the build leaves nothing (build/, *.egg-info) in the repository.
    source = tmp_path_factory.mktemp("source") / "example"
    shutil.copytree(EXAMPLE, source)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True, timeout=300,
                   cwd=tmp_path_factory.mktemp("build"))
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}


def qbank(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qbank", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_example_target_is_listed_with_its_option(plugin_env: dict[str, str]) -> None:
    listed = qbank(plugin_env, "targets")
    assert listed.returncode == 0, listed.stderr
    assert "csv" in listed.stdout and "-O delimiter" in listed.stdout


def test_example_target_exports_every_question_it_holds(plugin_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "showcase.csv"
    done = qbank(plugin_env, "export", str(CONTENT / "showcase.md"), "--to", "csv", "-o", str(out),
                 "-O", "delimiter=;")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    assert rows[0]["id"] == "reparam" and rows[0]["points"] == "2"
    assert "z \\sim \\mathcal{N}(\\mu, \\sigma^2)" in rows[0]["text"]
    # The description is left out, named, never silently.
    assert "about" not in {row["id"] for row in rows} and "T001" in done.stderr and "`about`" in done.stderr


def test_example_target_reports_its_own_code(plugin_env: dict[str, str]) -> None:
    done = qbank(plugin_env, "lint", str(CONTENT / "showcase.md"), "--target", "csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"code": "CSV001"' in done.stdout and '"target": "csv"' in done.stdout
