"""A question type nobody has handled fails loudly, in the core and in every target."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from qbank import registry
from qbank.models import QuestionBase, question_fragments

from support import CONTENT, load_bank

TARGETS = sorted(registry.available_targets())


class Hotspot(QuestionBase):
    """A type qbank does not know (as a plugin or a future version might add one)."""

    type: Literal["hotspot"] = "hotspot"


def bank_with_hotspot() -> Any:
    bank = load_bank(CONTENT / "generative-models.md")
    first = bank.questions[0]
    hotspot = Hotspot(id="hot", title="Hot", pos=first.pos, stem=first.stem, points=first.points)
    # model_copy skips validation: the Question union would refuse the unknown type.
    return bank.model_copy(update={"questions": (*bank.questions, hotspot)})


def test_the_model_refuses_to_walk_an_unknown_type() -> None:
    bank = bank_with_hotspot()
    with pytest.raises(TypeError, match="`hotspot` is not handled"):
        list(question_fragments(bank.questions[-1]))


@pytest.mark.parametrize("target", TARGETS)
def test_a_target_that_does_not_hold_the_type_names_the_question(target: str) -> None:
    result = registry.load_target(target)().export(bank_with_hotspot())
    left_out = [d for d in result.diagnostics if d.code == "T001" and "`hot`" in d.message]
    assert left_out and "hotspot" in left_out[0].message


@pytest.mark.parametrize("target", TARGETS)
def test_a_target_told_it_holds_the_type_raises_instead_of_skipping_it(target: str) -> None:
    cls = registry.load_target(target)

    class Careless(cls):  # type: ignore[valid-type, misc]
        def holds_type(self, question_type: str) -> bool:
            return True

    options = {o.name: "https://example.org" for o in cls.options if o.name == "asset-base-url"}
    with pytest.raises(TypeError, match="`hotspot` is not handled"):
        Careless(options).export(bank_with_hotspot())


def test_no_module_of_qbank_or_its_targets_is_over_400_lines() -> None:
    from support import ROOT

    long = {str(p.relative_to(ROOT)): n for folder in ("qbank", "exporters") for p in (ROOT / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"split these modules: {long}"
