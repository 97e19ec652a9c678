"""Acknowledged warnings: allow= in the source, [tool.qbank] / qbank.toml, --select / --ignore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qbank.cli import main

FRONT = "---\ntitle: Acknowledged\n---\n\n"
# Numerical with a unit: GIFT and Canvas warn (T002) that it is not shown; no explanation (W101).
UNIT_Q = '## Gravity {#g unit="m/s^2"}\n\nWhat is g?\n\n- = 9.81 ± 0.05\n'
EXPLAIN = "\n### Explanation\n\nBecause.\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]], str]:
    code = main([*args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else [], err


def bank(tmp_path: Path, body: str, name: str = "bank.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body, encoding="utf-8")
    return path


def by_code(found: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for d in found:
        out.setdefault(d["code"], []).append(d)
    return out


def test_allow_on_a_question_heading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q.replace('unit="m/s^2"', 'unit="m/s^2" allow="T002@gift: the stem says m/s^2"')
                + EXPLAIN)
    code, found, _ = run(["lint", "--target", "gift", "--target", "canvas", str(path)], capsys)
    acknowledged = {d["target"]: d["acknowledged"] for d in found if d["code"] == "T002"}
    assert acknowledged == {"gift": {"by": f"{path}:5", "reason": "the stem says m/s^2"}, "canvas": None}
    assert code == 0


def test_text_output_counts_what_it_does_not_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q.replace('unit="m/s^2"', 'unit="m/s^2" allow="T002@gift"') + EXPLAIN)
    assert main(["lint", "--target", "gift", "--strict", str(path)]) == 0  # acknowledged: --strict passes
    err = capsys.readouterr().err
    assert "T002" not in err and "Found 0 errors and 0 warnings (1 acknowledged warning not shown" in err
    assert main(["lint", "--target", "canvas", "--strict", str(path)]) == 1  # canvas's own is not acknowledged


def test_github_format_annotates_only_what_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q)
    main(["lint", "--format", "github", "--ignore", "W101", str(path)])
    assert capsys.readouterr().out == ""


def test_front_matter_allow_covers_the_banks_own_not_its_questions(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.md"
    path.write_text("---\ntitle: T\ndescription: An introduction.\nallow:\n  T002@gift: GIFT has no description\n"
                    "---\n\n" + UNIT_Q + EXPLAIN)
    _, found, _ = run(["lint", "--target", "gift", str(path)], capsys)
    t002 = {d["question"]: d["acknowledged"] for d in found if d["code"] == "T002"}
    assert t002 == {None: {"by": f"{path}:5", "reason": "GIFT has no description"}, "g": None}


def test_group_heading_allow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, '# Pool {#pool pick=1 allow="T002@gift: the quiz draws one"}\n\n'
                + UNIT_Q.replace('unit="m/s^2"', "") + EXPLAIN + "\n" + UNIT_Q.replace("{#g", "{#h") + EXPLAIN)
    _, found, _ = run(["lint", "--target", "gift", str(path)], capsys)
    pool = [d for d in found if d["code"] == "T002" and d["question"] is None]
    unit = [d for d in found if d["code"] == "T002" and d["question"] == "h"]
    assert pool and all(d["acknowledged"]["by"] == f"{path}:5" for d in pool)
    assert unit and unit[0]["acknowledged"] is None


def test_pyproject_found_upward_and_qbank_toml_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.qbank]\nignore = ["W101"]\n')
    path = bank(tmp_path, UNIT_Q, "content/week1/bank.md")
    (tmp_path / "content" / "pyproject.toml").write_text('[project]\nname = "no qbank table"\n')  # passed over
    _, found, _ = run(["lint", str(path)], capsys)
    assert [d["acknowledged"]["by"] for d in found] == [f"{tmp_path / 'pyproject.toml'}:5"]
    (tmp_path / "content" / "qbank.toml").write_text("select = []\n")
    _, found, _ = run(["lint", str(path)], capsys)
    assert found[0]["acknowledged"]["by"].startswith(f"{tmp_path / 'content' / 'qbank.toml'}: select")


def test_per_target_and_per_file_ignores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "qbank.toml").write_text(
        'per-target-ignores = { gift = ["T002"] }\n'
        'per-file-ignores = { "drafts/*.md" = ["W101"], "bank.md" = ["T002@canvas"] }\n')
    final = bank(tmp_path, UNIT_Q)
    draft = bank(tmp_path, UNIT_Q.replace("{#g", "{#g2"), "drafts/next.md")
    _, found, _ = run(["lint", "--target", "gift", "--target", "canvas", str(final), str(draft)], capsys)
    seen = {(Path(d["file"]).name, d["code"], d["target"]): d["acknowledged"] is not None for d in found}
    assert seen == {("bank.md", "W101", None): False, ("bank.md", "T002", "gift"): True,
                    ("bank.md", "T002", "canvas"): True, ("next.md", "W101", None): True,
                    ("next.md", "T002", "gift"): True, ("next.md", "T002", "canvas"): False}


def test_command_line_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q)
    _, found, _ = run(["lint", "--target", "gift", "--ignore", "T002@gift", str(path)], capsys)
    assert {d["code"]: d["acknowledged"] for d in found} == {"W101": None, "T002": {"by": "--ignore T002@gift",
                                                                                    "reason": None}}
    _, found, _ = run(["lint", "--target", "gift", "--select", "T", str(path)], capsys)
    assert {d["code"]: d["acknowledged"] is None for d in found} == {"W101": False, "T002": True}


@pytest.mark.parametrize("args", [["--ignore", "E307"], ["--ignore", "E3"], ["--ignore", "Z999"], ["--ignore", "w101"]])
def test_errors_cannot_be_ignored_on_the_command_line(tmp_path: Path, args: list[str],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", *args, str(bank(tmp_path, UNIT_Q))]) == 2
    assert "qbank: error:" in capsys.readouterr().err


def test_errors_cannot_be_acknowledged_in_the_source_or_the_configuration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q.replace('unit="m/s^2"', 'allow="E307"'))
    _, found, _ = run(["lint", str(path)], capsys)
    assert [(d["code"], d["line"], d["col"]) for d in found if d["severity"] == "error"] == [("E204", 5, 16)]
    (tmp_path / "qbank.toml").write_text('ignore = ["W101", "T003"]\nselct = ["W"]\n')
    code, found, _ = run(["lint", str(bank(tmp_path, UNIT_Q))], capsys)
    problems = [(Path(d["file"]).name, d["line"], d["message"]) for d in found if d["code"] == "E905"]
    assert code == 1 and [p[:2] for p in problems] == [("qbank.toml", 1), ("qbank.toml", 2)]
    assert "cannot be acknowledged" in problems[0][2] and "`select`" in next(d["hint"] for d in found
                                                                              if d["code"] == "E905" and d["line"] == 2)


def test_unused_allow_is_w110_once_its_check_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank(tmp_path, UNIT_Q.replace('unit="m/s^2"', 'allow="T002@gift W101 T004"') + EXPLAIN)
    _, found, _ = run(["lint", str(path)], capsys)  # no target ran: only W101's silence means something
    assert [d["message"].split()[0] for d in found if d["code"] == "W110"] == ["`W101`"]
    _, found, _ = run(["lint", "--target", "gift", str(path)], capsys)
    assert sorted(d["message"].split()[0] for d in found if d["code"] == "W110") == ["`T002@gift`", "`W101`"]
    _, found, _ = run(["lint", "--target", "all", str(path)], capsys)  # every target ran: `T004` too
    assert sorted(d["message"].split()[0] for d in found if d["code"] == "W110") == ["`T002@gift`", "`T004`",
                                                                                        "`W101`"]


def test_build_acknowledges_fresh_and_cached_alike_and_rereads_the_configuration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    bank(content, UNIT_Q.replace('unit="m/s^2"', 'unit="m/s^2" allow="T002@gift: named in the stem"') + EXPLAIN)
    args = ["build", str(content), "-o", str(tmp_path / "dist"), "--to", "gift,canvas", "-q"]
    for _ in range(2):  # afresh, then from the cache
        code, found, _ = run(args, capsys)
        assert code == 0 and {d["target"]: d["acknowledged"] is not None for d in found} == {"gift": True,
                                                                                              "canvas": False}
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert [d.get("acknowledged") for d in manifest["diagnostics"] if d["target"] == "gift"] \
        == [{"by": f"{content / 'bank.md'}:5", "reason": "named in the stem"}]
    (tmp_path / "qbank.toml").write_text('per-target-ignores = { canvas = ["T002"] }\n')
    code, found, _ = run([*args, "--strict"], capsys)  # the cached bank, judged by the new configuration
    assert code == 0 and all(d["acknowledged"] is not None for d in found)
