"""Items whose type Canvas's importer has to guess, and the settings-file rule, read as Canvas reads them.

``QuestionTypeEducatedGuesser`` and ``ChoiceInteraction#set_question_type`` (canvas-lms
``gems/plugins/qti_exporter``): without a known ``question_type`` a choice item is multiple
choice with exactly one correct option and multiple answers otherwise; a typed response is
short answer when an answer is listed and an essay when none is; a true/false question whose
options are not True and False becomes multiple choice. ``assessment_meta.xml`` applies only
to the quiz whose ident is its folder's name (``post_process_assessments``).
"""

from __future__ import annotations

from pathlib import Path

from qbank.readers import ReadResult
from qbank.registry import load_reader

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


def choice(ident: str, qtype: str, labels: list[tuple[str, str]], correct: list[str], multiple: bool = False) -> str:
    options = "".join(f'<response_label ident="{i}"><material><mattext>{t}</mattext></material></response_label>'
                      for i, t in labels)
    tests = "".join(f'<varequal respident="response1">{c}</varequal>' for c in correct)
    return (f'<item ident="{ident}" title="{ident}"><itemmetadata><qtimetadata><qtimetadatafield>'
            f"<fieldlabel>question_type</fieldlabel><fieldentry>{qtype}</fieldentry></qtimetadatafield>"
            f"</qtimetadata></itemmetadata><presentation><material><mattext>Pick.</mattext></material>"
            f'<response_lid ident="response1" rcardinality="{"Multiple" if multiple else "Single"}"><render_choice>'
            f"{options}</render_choice></response_lid></presentation><resprocessing><respcondition>"
            f'<conditionvar>{"<and>" + tests + "</and>" if multiple else tests}</conditionvar>'
            f'<setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing></item>')


def typed(ident: str, answers: list[str]) -> str:
    tests = "".join(f'<varequal respident="response1">{a}</varequal>' for a in answers)
    processing = (f'<resprocessing><respcondition><conditionvar>{tests}</conditionvar>'
                  f'<setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>'
                  ) if answers else ""
    return (f'<item ident="{ident}" title="{ident}"><presentation><material><mattext>Type.</mattext></material>'
            f'<response_str ident="response1"><render_fib><response_label ident="a"/></render_fib></response_str>'
            f"</presentation>{processing}</item>")


def read(tmp_path: Path, items: str, name: str = "quiz.xml") -> ReadResult:
    path = tmp_path / name
    path.write_text(f'<questestinterop xmlns="{NS}"><assessment ident="a1" title="Guessing"><section ident="root">'
                    f"{items}</section></assessment></questestinterop>", encoding="utf-8")
    (tmp_path / "media").mkdir(exist_ok=True)
    return load_reader("canvas")(media=tmp_path / "media").read(path)


def test_unknown_types_are_guessed_from_the_interaction(tmp_path: Path) -> None:
    result = read(tmp_path, choice("one", "", [("1", "a"), ("2", "b")], ["1"])
                  + choice("two", "mystery_type", [("1", "a"), ("2", "b"), ("3", "c")], ["1", "3"], multiple=True)
                  + typed("listed", ["Paris"]) + typed("open", []))
    assert [q.type for q in result.banks[0].questions] == ["multiple-choice", "multiple-select", "short-answer",
                                                           "essay"]


def test_true_false_without_true_and_false_is_multiple_choice(tmp_path: Path) -> None:
    result = read(tmp_path, choice("yn", "true_false_question", [("1", "Yes"), ("2", "No")], ["1"])
                  + choice("tf", "true_false_question", [("1", "false"), ("2", "TRUE")], ["2"]))
    yes_no, real = result.banks[0].questions
    assert yes_no.type == "multiple-choice" and real.type == "true-false"
    assert [c.id for c in real.choices] == ["true", "false"] and real.answer is True  # type: ignore[union-attr]
    assert [(d.code, d.line) for d in result.diagnostics] == [("W703", 1)]


def test_no_correct_option_is_reported_not_guessed(tmp_path: Path) -> None:
    result = read(tmp_path, choice("none", "multiple_choice_question", [("1", "a"), ("2", "b")], [])
                  + typed("ok", ["x"]))
    assert [q.id for q in result.banks[0].questions] == ["ok"]
    assert [d.code for d in result.diagnostics] == ["W702"] and "`none`" in result.diagnostics[0].message


def test_settings_apply_only_in_the_folder_named_like_the_quiz(tmp_path: Path) -> None:
    import zipfile

    quiz = (f'<questestinterop xmlns="{NS}"><assessment ident="quiz1" title="From the item"><section ident="r">'
            f'{typed("q", ["x"])}</section></assessment></questestinterop>')
    meta = ('<quiz xmlns="http://canvas.instructure.com/xsd/cccv1p0" identifier="quiz1"><title>From the meta</title>'
            "<time_limit>15</time_limit></quiz>")
    for folder, title, limit in (("quiz1", "From the meta", 900), ("other", "From the item", None)):
        path = tmp_path / f"{folder}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("quiz1/quiz1.xml", quiz)
            archive.writestr(f"{folder}/assessment_meta.xml", meta)
        result = load_reader("canvas")(media=tmp_path).read(path)
        assert (result.banks[0].title, result.banks[0].time_limit) == (title, limit)
        assert [d.code for d in result.diagnostics] == ([] if folder == "quiz1" else ["W701"])


def test_equation_images_give_back_their_latex(tmp_path: Path) -> None:
    """Canvas's recovery order: data-equation-content, the URL path decoded twice, the alt text."""
    from html import escape

    images = ['<img class="equation_image" data-equation-content="a+b" src="/equation_images/x?scale=1">',
              '<img class="equation_image" src="/equation_images/%255Cfrac%257B1%257D%257B2%257D%2520%2525?scale=1">',
              '<img class="equation_image" alt="LaTeX: \\sqrt{x}" style="display: block; margin: auto">']
    stem = escape("<div><p>" + " and ".join(images) + "</p></div>")
    item = (f'<item ident="m" title="m"><presentation><material><mattext texttype="text/html">{stem}</mattext>'
            '</material></presentation></item>')
    (question,) = read(tmp_path, item).banks[0].questions
    assert [(m.latex, m.display) for m in question.stem.math] == [("a+b", False), ("\\frac{1}{2} %", False),
                                                                  ("\\sqrt{x}", True)]


def test_a_stem_ending_in_a_list_keeps_its_options_apart(tmp_path: Path) -> None:
    """A Canvas stem may end in a list; written as Markdown it would run into the option list, so
    it stays HTML (W703), and the question reads back with its own two options."""
    from import_support import via_markdown

    from qbank.models import MultipleChoice

    stem = ('<mattext texttype="text/html">&lt;p&gt;Which holds?&lt;/p&gt;'
            "&lt;ul&gt;&lt;li&gt;x is 1&lt;/li&gt;&lt;/ul&gt;</mattext>")
    item = choice("listed", "multiple_choice_question", [("1", "yes"), ("2", "no")], ["1"]).replace(
        "<mattext>Pick.</mattext>", stem)
    result = read(tmp_path, item)
    assert [d.code for d in result.diagnostics] == ["W703"] and "<ul>" in result.diagnostics[0].message
    (question,) = via_markdown(result.banks[0], tmp_path / "md").questions
    assert isinstance(question, MultipleChoice) and [c.text.source for c in question.choices] == ["yes", "no"]
    assert "x is 1" in question.stem.source
