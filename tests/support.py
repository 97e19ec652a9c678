"""Helpers shared by the tests: banks, XSD validation against the vendored official schemas."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from qbank.lint import lint_file
from qbank.models import Bank

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
BANKS = (CONTENT / "showcase.md", CONTENT / "generative-models.md")


def load_bank(path: str | Path) -> Bank:
    """Read and lint a bank that must be free of errors."""
    bank, found = lint_file(path)
    errors = [d for d in found if d.is_error]
    assert bank is not None and not errors, errors
    return bank


@cache
def schema(relative: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / relative), parser))


def assert_valid(document: bytes | etree._Element, relative: str) -> None:
    """Validate against a vendored XSD (path relative to tests/schemas); fail with every error."""
    root = document if isinstance(document, etree._Element) else etree.fromstring(
        document, etree.XMLParser(no_network=True, resolve_entities=False))
    xsd = schema(relative)
    if not xsd.validate(root):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in xsd.error_log)  # type: ignore[attr-defined]
        raise AssertionError(f"not valid against {relative}:\n{errors}")
