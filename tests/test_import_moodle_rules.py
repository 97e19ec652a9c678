"""The Moodle XML and GIFT readers read a file as Moodle's own importer does
(``question/format/xml/format.php``, ``question/format/gift/format.php`` and
``qtype_multianswer_extract_question`` of Moodle 4.5/5.x), one test per rule; where qbank
cannot do what Moodle does, it says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from qbank.models import (
    Essay,
    FillInBlanks,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    ShortAnswer,
    TrueFalse,
)
from qbank.readers import ReadResult
from qbank.registry import load_reader


def read(tmp_path: Path, text: str, reader: str) -> ReadResult:
    name = "in.moodle.xml" if reader == "moodle-xml" else "in.gift.txt"
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    result = load_reader(reader)(media=tmp_path).read(path)
    assert not result.failed, [str(d) for d in result.diagnostics]
    return result


def xml(tmp_path: Path, *questions: str) -> ReadResult:
    return read(tmp_path, "<quiz>" + "".join(questions) + "</quiz>", "moodle-xml")


def gift(tmp_path: Path, text: str) -> ReadResult:
    return read(tmp_path, text, "gift")


def only(result: ReadResult):  # type: ignore[no-untyped-def]
    (bank,) = result.banks
    (question,) = bank.questions
    return question


def mc(body: str, answers: str = "<answer fraction='100'><text>a</text></answer>"
                                 "<answer fraction='0'><text>b</text></answer>") -> str:
    return f"<question type='multichoice'><name><text>Q</text></name><questiontext><text>Pick</text></questiontext>" \
           f"{body}{answers}</question>"


def codes(result: ReadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


# --- Moodle XML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("single, kind", [("no", MultipleChoice), ("FALSE", MultipleChoice), ("false", MultipleSelect),
                                          ("0", MultipleSelect), ("", MultipleSelect), (" true ", MultipleChoice)])
def test_single_is_trans_single(tmp_path: Path, single: str, kind: type) -> None:
    """trans_single: only `false`, empty and `0` (trimmed, case as written) mean several answers."""
    answers = "<answer fraction='100'><text>a</text></answer><answer fraction='0'><text>b</text></answer>"
    question = only(xml(tmp_path, mc(f"<single>{single}</single>", answers)))
    assert isinstance(question, kind)


def test_multichoice_shuffle_defaults_to_false_and_empty_answers_are_skipped(tmp_path: Path) -> None:
    answers = ("<answer fraction='100'><text>a</text></answer><answer fraction='0'><text>  </text></answer>"
               "<answer fraction='0'><text>b</text></answer>")
    question = only(xml(tmp_path, mc("", answers)))
    assert isinstance(question, MultipleChoice) and question.shuffle is False
    assert [c.text.source for c in question.choices] == ["a", "b"]


def test_fraction_is_read_as_php_reads_a_numeric_leading_string(tmp_path: Path) -> None:
    answers = ("<answer fraction='50%'><text>a</text></answer><answer fraction=' 50,5'><text>b</text></answer>"
               "<answer fraction='-1e2'><text>c</text></answer>")
    question = only(xml(tmp_path, mc("<single>false</single>", answers)))
    assert isinstance(question, MultipleSelect) and [c.weight for c in question.choices] == [50, 50, -100]


def test_penalty_near_a_third_is_moodles_default(tmp_path: Path) -> None:
    result = xml(tmp_path, mc("<penalty>0.3333</penalty>"), mc("<penalty>0.5</penalty>").replace(">Q<", ">R<"))
    assert [d.message for d in result.diagnostics if d.code == "W701"] == [
        "`r`: the penalty for each wrong try (0.5) cannot be held by qbank; dropped"]


def test_truefalse_with_other_answers_reads_first_as_true(tmp_path: Path) -> None:
    result = xml(tmp_path, "<question type='truefalse'><name><text>T</text></name><questiontext><text>Sky?</text>"
                 "</questiontext><answer fraction='0'><text>Wahr</text></answer>"
                 "<answer fraction='100'><text>Falsch</text></answer></question>")
    question = only(result)
    assert isinstance(question, TrueFalse) and question.answer is False and codes(result) == ["W703"]


def test_essay_lines_default_to_moodles_15(tmp_path: Path) -> None:
    question = only(xml(tmp_path, "<question type='essay'><name><text>E</text></name><questiontext><text>Why?"
                                  "</text></questiontext></question>"))
    assert isinstance(question, Essay) and question.response_lines == 15


def test_matching_skips_empty_pairs_and_shuffles_by_default(tmp_path: Path) -> None:
    pairs = "".join(f"<subquestion><text>{q}</text><answer><text>{a}</text></answer></subquestion>"
                    for q, a in (("x", "1"), ("", ""), ("y", "2"), ("", "3")))
    question = only(xml(tmp_path, f"<question type='matching'><name><text>M</text></name><questiontext><text>Match"
                                  f"</text></questiontext>{pairs}</question>"))
    assert isinstance(question, Matching) and question.shuffle is True
    assert len(question.pairs) == 2 and [d.source for d in question.distractors] == ["3"]


def test_texts_take_the_question_texts_format(tmp_path: Path) -> None:
    """import_text_with_files: feedback and answers default to the question text's format."""
    question = only(xml(tmp_path, "<question type='multichoice'><name><text>Q</text></name>"
                                  "<questiontext format='markdown'><text>Pick *one*</text></questiontext>"
                                  "<generalfeedback><text>Because **b**</text></generalfeedback>"
                                  "<answer fraction='100'><text>**a**</text></answer>"
                                  "<answer fraction='0'><text>b &lt; c</text></answer></question>"))
    assert isinstance(question, MultipleChoice)
    assert question.explanation is not None and question.explanation.source == "Because **b**"
    assert [c.text.source for c in question.choices] == ["**a**", "b < c"]


def test_unescaped_html_in_text_is_refused_like_moodles_invalidxml(tmp_path: Path) -> None:
    result = xml(tmp_path, mc("").replace("<text>Pick</text>", "<text>Pick <b>one</b></text>"),
                 mc("").replace(">Q<", ">Fine<"))
    assert [q.title for q in result.banks[0].questions] == ["Fine"]
    assert codes(result) == ["W702"] and "invalidxml" in result.diagnostics[0].message


def test_only_quiz_question_elements_are_questions(tmp_path: Path) -> None:
    result = xml(tmp_path, mc(""), f"<wrapper>{mc('').replace('>Q<', '>Hidden<')}</wrapper>")
    assert [q.title for q in result.banks[0].questions] == ["Q"]


def test_texts_are_php_trimmed_so_a_no_break_space_stays(tmp_path: Path) -> None:
    question = only(xml(tmp_path, "<question type='shortanswer'><name><text>S</text></name><questiontext><text>"
                                  "Unit?</text></questiontext><answer fraction='100'><text>\u00a0km\n</text>"
                                  "</answer></question>"))
    assert isinstance(question, ShortAnswer) and question.answers[0].text == "\u00a0km"


def cloze(tmp_path: Path, text: str) -> ReadResult:
    return xml(tmp_path, f"<question type='cloze'><name><text>C</text></name><questiontext format='html'>"
                         f"<text><![CDATA[{text}]]></text></questiontext></question>")


def test_cloze_keeps_the_backslash_of_an_escaped_tilde(tmp_path: Path) -> None:
    """qtype_multianswer unescapes `\\}` and `\\#` only."""
    question = only(cloze(tmp_path, r"<p>Type {1:SA:=a\~b\}c\#d}</p>"))
    assert isinstance(question, FillInBlanks) and question.blanks[0].answers == (r"a\~b}c#d",)


def test_cloze_dropdown_options_and_feedback_are_html(tmp_path: Path) -> None:
    result = cloze(tmp_path, "<p>Pick {1:MC:=a &amp;lt; b#&amp;lt;right&amp;gt;~<b>c</b> &amp;amp; d}</p>")
    question = only(result)
    assert isinstance(question, FillInBlanks)
    assert [(o.text, o.feedback) for o in question.blanks[0].options] == [("a < b", "<right>"), ("c & d", None)]
    assert codes(result) == ["W703"] and "<b>c</b>" in result.diagnostics[0].message


def test_cloze_answers_may_hold_braces(tmp_path: Path) -> None:
    question = only(cloze(tmp_path, r"<p>Set {1:SA:=\{x\}} and {1:SA:=a{b~=*}</p>"))
    assert isinstance(question, FillInBlanks) and question.blanks[0].answers == (r"\{x}",)
    assert question.blanks[1].answers == ("a{b",) and question.blanks[1].other is not None


@pytest.mark.parametrize("answer, why", [("a | b", "`|`"), ("(x) a", "dropdown option"),
                                         ("a {weight=5\\}", "settings"), ("a]", "`]`")])
def test_cloze_answers_the_source_format_cannot_write_are_reported(tmp_path: Path, answer: str, why: str) -> None:
    result = cloze(tmp_path, f"<p>Type {{1:SA:={answer}}}</p>")
    assert result.banks == [] and codes(result) == ["W702"] and why in result.diagnostics[0].message


# --- GIFT ----------------------------------------------------------------------------------------


def test_gift_lines_are_trimmed_so_indentation_is_never_code(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::[markdown]First line\n        indented line {\n    =a\n    ~b\n}\n"))
    assert isinstance(question, MultipleChoice) and question.stem.source == "First line\nindented line"


def test_gift_a_line_0_ends_the_question(tmp_path: Path) -> None:
    result = gift(tmp_path, "::A::One? {T}\n0\n::B::Two? {F}\n")
    assert [q.title for q in result.banks[0].questions] == ["A", "B"]


def test_gift_old_mac_line_ends(tmp_path: Path) -> None:
    result = gift(tmp_path, "::A::One? {T}\r\r::B::Two? {F}\r")
    assert [q.title for q in result.banks[0].questions] == ["A", "B"]


def test_gift_general_feedback_follows_the_last_four_hashes(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::Pick {=a ~b ####one ####two}"))
    assert question.explanation is not None and question.explanation.source == "two"


def test_gift_block_ends_at_the_first_closing_brace(tmp_path: Path) -> None:
    result = gift(tmp_path, "::Q::Pick {=a ~b} and {c}")
    question = only(result)
    assert isinstance(question, MultipleChoice) and len(question.choices) == 2
    assert question.stem.source == r"Pick \_\_\_\_\_ and {c}"


@pytest.mark.parametrize("text", ["::Q::a } b", "::Q::a { b"])
def test_gift_unmatched_brace_is_moodles_braceerror(tmp_path: Path, text: str) -> None:
    result = gift(tmp_path, text + "\n\n::R::Fine {T}\n")
    assert [q.title for q in result.banks[0].questions] == ["R"] and codes(result) == ["W702"]


def test_gift_answer_without_marker_is_a_short_answer(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::Capital of France? {Paris}"))
    assert isinstance(question, ShortAnswer) and [a.text for a in question.answers] == ["Paris"]


def test_gift_tilde_decides_multiple_choice_before_true_false(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::Pick {%100%TRUE#yes ~no}"))
    assert isinstance(question, MultipleSelect) and [c.text.source for c in question.choices] == ["TRUE", "no"]


def test_gift_equals_wins_over_a_weight_after_it(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::Pick {=%50%dog ~cat}"))
    assert isinstance(question, MultipleChoice)
    assert [(c.text.source, c.weight) for c in question.choices] == [("%50%dog", 100), ("cat", 0)]


def test_gift_text_before_the_first_tilde_is_an_answer(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Q::Pick {a ~b =c}"))
    assert isinstance(question, MultipleChoice) and [c.text.source for c in question.choices] == ["a", "b", "c"]


def test_gift_matching_with_one_pair_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    result = gift(tmp_path, "::M::Match {=a -> 1 = -> 2}\n\n::R::Fine {T}\n")
    assert [q.title for q in result.banks[0].questions] == ["R"] and codes(result) == ["W702"]


def test_gift_id_unescapes_brackets(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "// [id: a\\]b ] [tag: x ]\n::Q::Sky? {T}"))
    assert question.idnumber == "a]b" and question.tags == ("x",)


def test_gift_numerical_other_feedback_and_php_numbers(tmp_path: Path) -> None:
    result = gift(tmp_path, "::N::Pi? {#=3.14:0.01 =%50%1_000 ~#No}")
    question = only(result)
    assert isinstance(question, Numerical) and [a.value for a in question.answers] == [Decimal("3.14")]
    messages = [d.message for d in result.diagnostics if d.code == "W701"]
    assert any("any other answer (`~`)" in m for m in messages) and any("`1_000`" in m for m in messages)


def test_gift_essay_has_moodles_15_lines(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::E::Explain. {}"))
    assert isinstance(question, Essay) and question.response_lines == 15


def test_gift_unclosed_name_loses_its_colons(tmp_path: Path) -> None:
    question = only(gift(tmp_path, "::Sky colour {=blue ~red}"))
    assert isinstance(question, MultipleChoice) and question.stem.source == "Sky colour"
    assert question.title == "Sky colour"
