"""Math, image and blank detection, before Markdown runs."""

from __future__ import annotations

import pytest

from qbank import placeholders
from qbank.models import Fragment, Pos
from qbank.readers.markdown.scan import scan
from qbank.render import shared


@pytest.mark.parametrize(("text", "formulas"), [
    ("costs $5 and $10", []),
    ("$x$ and $y$", ["x", "y"]),
    ("$ x$ is not math", []),
    ("$x $ is not math either", []),
    ("$x$5 is not closed by a dollar before a digit", []),
    (r"\$x\$ escaped", []),
    (r"\(a\) and \[b\]", ["a", "b"]),
    ("$$\\sum_i x_i$$", ["\\sum_i x_i"]),
    ("`$x$` in code", []),
    ("``a ` $x$ ``", []),
    ("$a$\n\n$b$", ["a", "b"]),
])
def test_dollar_rules(text: str, formulas: list[str]) -> None:
    assert [m.content for m in scan(text).math] == formulas


def test_unclosed_math_is_reported_but_prices_are_not() -> None:
    assert [p.code for p in scan("what is $x^2 here").problems] == ["E502"]
    assert scan("it costs $5").problems == []
    assert [p.code for p in scan("$$x").problems] == ["E502"]
    assert [p.code for p in scan(r"\(x").problems] == ["E502"]


def test_markdown_never_touches_math() -> None:
    source = r"Let $a_1 * b_2 < c \& d$ and *emphasis*."
    result = scan(source)
    fragment = Fragment(source=source, template=result.template, pos=Pos(file="f", line=1),
                        math=tuple(__import__("qbank.models", fromlist=["Math"]).Math(
                            latex=m.content, display=m.display, pos=Pos(file="f", line=1)) for m in result.math))
    html = shared().html(fragment)
    assert r"\(a_1 * b_2 &lt; c \&amp; d\)" in html and "<em>emphasis</em>" in html


def test_blanks_and_images_become_placeholders() -> None:
    result = scan("A [[x | y]] and ![alt](fig.svg \"t\")", blanks=True)
    assert [b.content for b in result.blanks] == ["x | y"]
    assert [(i.content, i.alt, i.title) for i in result.images] == [("fig.svg", "alt", "t")]
    assert placeholders.token(placeholders.BLANK, 0) in result.template
    assert placeholders.token(placeholders.IMAGE, 0) in result.template


@pytest.mark.parametrize("latex", [r"\text{a < b & c}", r"\begin{aligned} a &= b \\ c &< d \end{aligned}",
                                   r"\frac{a}{b} \neq \nabla", r"x_{i} < 2"])
def test_mathml_is_well_formed_and_keeps_the_latex(latex: str) -> None:
    from lxml import etree

    from qbank.mathtex import to_mathml

    root = etree.fromstring(to_mathml(latex, display=False))
    annotation = root.find(".//{http://www.w3.org/1998/Math/MathML}annotation")
    assert annotation is not None and annotation.text == latex
