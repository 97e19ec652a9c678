"""The rendering service: what it skips must be what Markdown would have given."""

from __future__ import annotations

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
