"""A third-party distribution adds a target through the entry-point group, with no change to qbank."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from support import CONTENT, ROOT

PLUGIN = '''
from qbank.exporter import Exporter, Option
from qbank.render import shared


class TitlesExporter(Exporter):
    name = "titles"
    description = "question titles, one per line"
    suffix = ".titles.txt"
    supported_types = frozenset({"multiple-choice", "multiple-select"})
    options = (Option("prefix", "text before each title", "- "),)

    def render(self, bank, questions):
        return "".join(self.settings["prefix"] + q.title + "\\n" for q in questions).encode()
'''


def install_plugin(tmp_path: Path, module: str, body: str, target: str = "titles") -> dict[str, str]:
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(body))
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[qbank.exporters]\n{target} = {module}:TitlesExporter\n")
    return {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qbank", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_third_party_target_is_listed_and_exports(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "qbank_titles_plugin", PLUGIN)
    listed = run(env, "targets")
    assert listed.returncode == 0 and "titles" in listed.stdout and "-O prefix" in listed.stdout
    out = tmp_path / "out.txt"
    result = run(env, "export", str(CONTENT / "showcase.md"), "--to", "titles", "-o", str(out), "-O", "prefix=* ")
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines()[0] == "* Reparameterisation trick"
    # Questions of other types are left out, each named with its line, never silently.
    assert "T001" in result.stderr and "vae-parts" in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "qbank_titles_plugin2", PLUGIN)
    result = run(env, "export", str(CONTENT / "showcase.md"), "--to", "titles", "-O", "colour=red")
    assert result.returncode == 2 and "has no option `colour`" in result.stderr


def test_broken_plugin_is_reported_not_a_traceback(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "qbank_broken_plugin", "raise ImportError('missing dependency xyz')\n", "broken")
    listed = run(env, "targets")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "broken" in listed.stderr and "missing dependency xyz" in listed.stderr
    result = run(env, "export", str(CONTENT / "showcase.md"), "--to", "broken")
    assert result.returncode == 2 and "Traceback" not in result.stderr
