"""``qbank new`` (a starter bank), ``qbank schema`` (front-matter JSON Schema) and the pre-commit hook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from qbank.cli import main
from qbank.commands.schema import frontmatter_schema, schema_text
from qbank.lint import lint_file
from qbank.readers.markdown.frontmatter import FrontMatter

from support import ROOT

COMMON_TYPES = {"multiple-choice", "multiple-select", "true-false", "short-answer", "numerical", "essay",
                "matching", "fill-in-blanks"}


def test_new_bank_lints_clean_with_every_common_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week-3_quiz.md"
    assert main(["new", str(path)]) == 0
    assert "wrote" in capsys.readouterr().out
    bank, found = lint_file(path)
    assert found == [] and bank is not None
    assert bank.title == "Week 3 quiz"
    assert {q.type for q in bank.questions} == COMMON_TYPES


def test_new_title_is_quoted_safely(tmp_path: Path) -> None:
    path = tmp_path / "bank.md"
    assert main(["new", str(path), "--title", 'Deep learning: "GANs" # part 2']) == 0
    bank, found = lint_file(path)
    assert found == [] and bank is not None and bank.title == 'Deep learning: "GANs" # part 2'


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.md"
    path.write_text("my own work", encoding="utf-8")
    assert main(["new", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "my own work"
    assert main(["new", str(tmp_path / "notes.txt")]) == 2
    assert not (tmp_path / "notes.txt").exists()


def test_schema_command_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    committed = (ROOT / "docs" / "frontmatter.schema.json").read_text(encoding="utf-8")
    assert printed == committed == schema_text(), "regenerate: qbank schema -o docs/frontmatter.schema.json"


def test_schema_describes_every_front_matter_key() -> None:
    schema = frontmatter_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["properties"]) == set(FrontMatter.model_fields)
    assert schema["required"] == ["title"] and schema["additionalProperties"] is False
    # The reader accepts "a, b" for lists: the schema must not flag it.
    assert {"type": "string", "description": "comma-separated"} in schema["properties"]["tags"]["anyOf"]


def test_schema_accepts_the_real_banks_front_matter() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for bank in sorted((ROOT / "content").glob("*.md")):
        text = bank.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        jsonschema.validate(json.loads(json.dumps(front, default=str)), frontmatter_schema())


def test_schema_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_pre_commit_hook_lints_markdown() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "qbank-lint")
    assert hook["entry"] == "qbank lint" and hook["files"] == r"\.md$" and hook["language"] == "python"
