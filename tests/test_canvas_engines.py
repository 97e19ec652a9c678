"""`-O engine=new`: what Canvas New Quizzes is known to lose is reported, and where there is a choice
the package uses the form New Quizzes keeps."""

from __future__ import annotations

from qbank.exporters.canvas import CanvasExporter

from qbank import registry
from tests.qti12_reader import read_package
from tests.support import CONTENT, load_bank


def export(**options: str) -> tuple[bytes, list[str]]:
    result = CanvasExporter(**options).export(load_bank(CONTENT / "showcase.md"))
    assert result.data is not None, result.diagnostics
    return result.data, [f"{d.code} {d.message}" for d in result.diagnostics]


def test_classic_is_the_default_and_unchanged() -> None:
    classic, warnings = export()
    assert classic == export(engine="classic")[0]
    assert not [w for w in warnings if w.startswith("T006")]
    assert "equation_image" in read_package(classic).item_texts()


def test_new_quizzes_get_tex_delimiters_and_a_warning_for_each_reported_loss() -> None:
    data, warnings = export(engine="new")
    texts = read_package(data).item_texts()
    assert "equation_image" not in texts and "\\(" in texts  # the form New Quizzes is reported to keep
    reported = [w for w in warnings if w.startswith("T006")]
    assert any("`about`" in w and "text-only" in w for w in reported), reported


def test_new_quizzes_with_equation_images_asked_for_says_so() -> None:
    data, warnings = export(engine="new", math="equation-image")
    assert "equation_image" in read_package(data).item_texts()
    assert any(w.startswith("T006") and "equation" in w for w in warnings), warnings


def test_the_target_says_it_serves_both_engines() -> None:
    cls = registry.load_target("canvas")
    assert "New Quizzes" in cls.description
    engine = next(o for o in cls.options if o.name == "engine")
    assert engine.choices == ("classic", "new") and engine.default == "classic"
