"""A GIFT reader that behaves like Moodle's ``question/format/gift/format.php`` (tests only).

Escapes are replaced before anything is parsed, the answer block is the text between the
first ``{`` and the first ``}``, answers are split on every ``=``/``~``, and questions are
separated by blank lines — exactly as Moodle does, so a file this reader takes whole is one
Moodle imports whole, and the records it returns hold what Moodle would store.
"""

from __future__ import annotations

import re

from moodle_readers import Answer, Imported, MoodleImportError, Text, check_fractions, clean_question_name

_WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")
_PRE = ("\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n")
_PLACEHOLDERS = ("&&058;", "&&035;", "&&061;", "&&123;", "&&125;", "&&126;", "&&010")
_POST = (":", "#", "=", "{", "}", "~", "\n")
_FORMATS = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text", "markdown": "markdown"}


def _escapedchar_pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in zip(_PRE, _PLACEHOLDERS, strict=True):
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def _escapedchar_post(text: str) -> str:
    for placeholder, char in zip(_PLACEHOLDERS, _POST, strict=True):
        text = text.replace(placeholder, char)
    return text


def _php_trim(text: str) -> str:
    return text.strip(" \t\n\r\0\x0b")


def _with_format(text: str, default: str = "moodle_auto_format") -> Text:
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end >= 0 else text[1:-1]
        if name in _FORMATS:
            fmt = _FORMATS[name]
            text = text[end + 1:]
    return Text(_php_trim(_escapedchar_post(text)), fmt)


def _comment_split(answer: str, default: str) -> tuple[Text, Text]:
    bits = answer.split("#", 1)
    text = _with_format(_php_trim(bits[0]), default)
    feedback = _with_format(_php_trim(bits[1]), default) if len(bits) > 1 else Text("", default)
    return text, feedback


def _weight(answer: str) -> tuple[float, str]:
    answer = answer[1:]
    end = answer.find("%")
    return float(answer[:end]) / 100, answer[end + 1:]


def _php_float_text(value: float) -> str:
    """PHP's float to string: 14 significant digits, and ``1.0E-25`` rather than ``1E-25``."""
    text = f"{value:.14G}"
    mantissa, _, exponent = text.partition("E")
    return f"{mantissa}.0E{exponent}" if exponent and "." not in mantissa else text


def _gift_number(text: str) -> float | int:
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def _drop_empty_first(parts: list[str]) -> list[str]:
    if parts:
        parts[0] = _php_trim(parts[0])
        if parts[0] in ("", "0"):  # PHP's empty()
            parts.pop(0)
    return parts


def _extract_id_and_tags(comments: str) -> tuple[str, list[str]]:
    found = re.search(r"\[id:((?:\\]|[^\]\x00-\x1f\x7f])+)]", comments)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = [t.strip().replace("\\]", "]") for t in re.findall(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f\x7f])+)]", comments)]
    return idnumber, tags


def read_gift_question(lines: list[str]) -> Imported | None:
    """qformat_gift::readquestion for one block of lines."""
    comments = ""
    kept: list[str] = []
    for line in lines:
        line = _php_trim(line)
        if line.startswith("//"):
            comments += line + "\n"
            kept.append(" ")
        else:
            kept.append(line)
    text = _php_trim("\n".join(kept))
    if text == "":
        return None
    text = _escapedchar_pre(text)
    if text.startswith("$CATEGORY:"):
        return Imported(qtype="category", category=_php_trim(text[10:]))
    name: str | None = None
    if text.startswith("::"):
        text = text[2:]
        finish = text.find("::")
        if finish >= 0:
            name = clean_question_name(_escapedchar_post(text[:finish]))
            text = _php_trim(text[finish + 2:])
    start, finish = text.find("{"), text.find("}")
    description = start < 0 and finish < 0
    if description:
        answertext, questiontext = "", text
    elif start < 0 or finish < 0:
        raise MoodleImportError("braceerror")
    else:
        answertext = _php_trim(text[start + 1:finish])
        if text.endswith("}"):
            questiontext = text[:start] + text[finish + 1:]
        else:
            questiontext = text[:start] + "_____" + text[finish + 1:]
    general = ""
    separator = answertext.rfind("####")
    if separator >= 0:
        general = answertext[separator + 4:]
        answertext = _php_trim(answertext[:separator])
    stem = _with_format(questiontext)
    result = Imported(qtype="", name=name if name is not None else stem.text[:80], questiontext=stem,
                      generalfeedback=_with_format(general, stem.format))
    result.idnumber, result.tags = _extract_id_and_tags(comments)
    default = stem.format
    if description:
        result.qtype, result.defaultmark = "description", "0"
    elif answertext == "":
        result.qtype, result.responsefieldlines = "essay", "15"
    elif answertext[0] == "#":
        result.qtype = "numerical"
        body = answertext[1:]
        wrong = ""
        if "~" in body:
            wrong, body = body[body.find("~"):], body[:body.find("~")]
        answers = _drop_empty_first(body.split("="))
        if not answers:
            raise MoodleImportError("giftnonumericalanswers")
        for answer in answers:
            answer = _php_trim(answer)
            fraction = 1.0
            if _WEIGHT.match(answer):
                fraction, answer = _weight(answer)
            value_text, feedback = _comment_split(answer, default)
            value = value_text.text
            if value.find("..") > 0:
                low, high = (_gift_number(_php_trim(v)) for v in value.split("..", 1))
                middle = (high + low) / 2
                ans, tol = _php_float_text(middle), _php_float_text(high - middle)
            elif value.find(":") > 0:
                ans, tol = _php_trim(value[:value.find(":")]), _php_trim(value[value.find(":") + 1:])
            else:
                ans, tol = _php_trim(value), "0"
            for number in (ans, tol):
                _gift_number(number)  # is_numeric, else "errornotnumbers"
            result.answers.append(Answer(ans, fraction, feedback, tol))
        if wrong:
            result.answers.append(Answer("*", 0.0, _comment_split(wrong, default)[1], ""))
    elif "~" in answertext:
        result.qtype = "multichoice"
        result.single = 0 if "=" not in answertext else 1
        answers = _drop_empty_first(answertext.replace("=", "~=").split("~"))
        if len(answers) < 2:
            raise MoodleImportError("importminerror")
        for answer in answers:
            answer = _php_trim(answer)
            if answer.startswith("="):
                fraction, answer = 1.0, answer[1:]
            elif _WEIGHT.match(answer):
                fraction, answer = _weight(answer)
            else:
                fraction = 0.0
            text_part, feedback = _comment_split(answer, default)
            result.answers.append(Answer(text_part.text, fraction, feedback))
    elif "=" in answertext and "->" in answertext:
        result.qtype = "match"
        answers = _drop_empty_first(answertext.split("="))
        if len(answers) < 2:
            raise MoodleImportError("importminerror")
        for answer in answers:
            answer = _php_trim(answer)
            if "->" not in answer:
                raise MoodleImportError("giftmatchingformat")
            marker = answer.find("->")
            result.subquestions.append((_with_format(answer[:marker], default),
                                        _php_trim(_escapedchar_post(answer[marker + 2:]))))
    else:
        check = answertext
        if answertext.find("#") > 0:
            check = _php_trim(answertext[:answertext.find("#")])
        if check in ("T", "TRUE", "F", "FALSE"):
            result.qtype = "truefalse"
            bits = answertext.split("#", 2)
            wrong_fb = _with_format(_php_trim(bits[1]), default) if len(bits) > 1 else Text("", default)
            right_fb = _with_format(_php_trim(bits[2]), default) if len(bits) > 2 else Text("", default)
            truth = _with_format(_php_trim(bits[0]), default).text in ("T", "TRUE")
            result.answers = [
                Answer("true", 1.0 if truth else 0.0, right_fb if truth else wrong_fb),
                Answer("false", 0.0 if truth else 1.0, wrong_fb if truth else right_fb),
            ]
        else:
            result.qtype = "shortanswer"
            result.usecase = 0
            answers = _drop_empty_first(answertext.split("="))
            if not answers:
                raise MoodleImportError("importminerror")
            for answer in answers:
                answer = _php_trim(answer)
                fraction = 1.0
                if _WEIGHT.match(answer):
                    fraction, answer = _weight(answer)
                text_part, feedback = _comment_split(answer, default)
                result.answers.append(Answer(text_part.text, fraction, feedback))
    if result.qtype != "truefalse":
        check_fractions(result)
    return result


def read_gift(data: bytes) -> list[Imported]:
    """qformat_default::readquestions: blocks separated by blank lines (each line trimmed first)."""
    text = data.decode("utf-8")
    out: list[Imported] = []
    block: list[str] = []
    for line in [*text.split("\n"), ""]:
        line = _php_trim(line)
        if line in ("", "0"):  # PHP's empty()
            if block:
                question = read_gift_question(block)
                if question is not None:
                    out.append(question)
                block = []
        else:
            block.append(line)
    return out
