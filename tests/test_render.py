"""The rendering service: what it skips must be what Markdown would have given."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.models import Fragment, Pos
from qbank.render import Renderer, is_plain_text, sanitize
from tests.support import BANKS, load_bank

# Letters, digits, punctuation, spaces, qbank's placeholders and non-ASCII text, mostly; now and
# then a character Markdown or HTML acts on.
PLAINISH = list("abcXYZ019 .,;:?'\"()/+=%@#-{}~éü日λ\ue000\ue001")
SPECIAL = list("!*_`[]<>&|\\\u00a0\u2003\n\t")
ALPHABET = st.sampled_from(PLAINISH * 6 + SPECIAL)


def slow(template: str) -> str:
    return sanitize(Renderer().markdown_to_html(template))


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.text(ALPHABET, min_size=1, max_size=30))
def test_plain_text_is_rendered_as_markdown_would(template: str) -> None:
    if is_plain_text(template):
        assert f"<p>{template}</p>" == slow(template)


def test_the_property_test_reaches_the_shortcut() -> None:
    """A share of the generated texts takes the shortcut (else the test above would prove nothing)."""
    import random

    rng = random.Random(7)
    samples = ["".join(rng.choice(PLAINISH * 6 + SPECIAL) for _ in range(rng.randint(1, 30))) for _ in range(600)]
    assert sum(map(is_plain_text, samples)) > 60


def test_every_fragment_of_the_banks_renders_as_before() -> None:
    renderer = Renderer()
    plain = 0
    for path in BANKS:
        for fragment in load_bank(path).fragments():
            assert renderer.template_html(fragment) == slow(fragment.template), fragment.source
            plain += is_plain_text(fragment.template)
    assert plain > 20  # the shortcut is taken where it can be


def test_a_placeholder_first_fragment_is_plain() -> None:
    template = "\ue000M0\ue001 is the loss"
    fragment = Fragment(source="$L$ is the loss", template=template, pos=Pos(file="x", line=1))
    assert is_plain_text(template) and Renderer().template_html(fragment) == f"<p>{template}</p>"


def _slow_plain(fragment: Fragment) -> str:
    """Renderer.plain as lxml reads the fragment's HTML, before any shortcut or memory."""
    from lxml import html as lxml_html

    from qbank import placeholders

    rendered = slow(fragment.template)
    if not rendered.strip():
        return ""
    text = " ".join(lxml_html.fragment_fromstring(rendered, create_parent="div").text_content().split())

    def sub(match: re.Match[str]) -> str:
        kind, index = match.group(1), int(match.group(2))
        if kind == placeholders.MATH:
            return f"[{fragment.math[index].latex}]"
        return fragment.images[index].alt if kind == placeholders.IMAGE else "_____"

    return placeholders.PATTERN.sub(sub, text)


def test_plain_text_of_every_fragment_is_what_its_html_reads_as() -> None:
    renderer = Renderer()
    for path in BANKS:
        for fragment in load_bank(path).fragments():
            for _ in range(2):  # computed, then remembered
                assert renderer.plain(fragment, math=lambda m: f"[{m.latex}]") == _slow_plain(fragment), \
                    fragment.source


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(ALPHABET, min_size=1, max_size=30))
def test_plain_text_shortcut_reads_as_the_html_does(template: str) -> None:
    if "\ue000" in template or "\ue001" in template:
        return  # placeholders are substituted, not read
    fragment = Fragment(source=template, template=template, pos=Pos(file="x", line=1))
    assert Renderer().plain(fragment) == _slow_plain(fragment)
