"""The standalone HTML target: a self-contained, valid page with correct answer data."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from qbank.exporters.html import HtmlExporter, json_for_script

from qbank.cli import main
from qbank.commands.preview import VERSION_PATH, PreviewBuild, make_server
from qbank.mathtex import to_mathml
from tests.support import BANKS, CONTENT, load_bank

TEMPLATES = Path(__file__).resolve().parent.parent / "exporters" / "html" / "templates"
EXISTING = [p for p in BANKS if p.exists()]
RAW_LATEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\\[a-zA-Z]+|\$[^$]*[\\^_{}][^$]*\$")
REQUIRE_TOOLS = bool(os.environ.get("QBANK_REQUIRE_BROWSER"))


def need(available: bool, what: str) -> None:
    """Skip when a tool is absent on a developer machine; fail when CI requires it."""
    if available:
        return
    if REQUIRE_TOOLS:
        pytest.fail(f"{what} is required (QBANK_REQUIRE_BROWSER is set) but not available")
    pytest.skip(f"{what} not available (set QBANK_REQUIRE_BROWSER=1 to make this a failure)")


def vnu_jar() -> str:
    jar = os.environ.get("QBANK_VNU_JAR", "")
    if not jar:
        local = Path(__file__).resolve().parent.parent / ".cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"
        jar = str(local) if local.is_file() else ""
    need(bool(jar) and Path(jar).is_file() and shutil.which("java") is not None, "java + vnu.jar (Nu checker)")
    return jar


def visible_text(page: bytes) -> str:
    """The text a reader sees: without scripts, styles, MathML annotations and code."""
    root = lxml_html.document_fromstring(page)
    hidden = list(root.iter("script", "style", "annotation", "code", "pre", "title"))
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()
    return str(root.text_content())


def page_of(path: Path, **settings: str) -> bytes:
    result = HtmlExporter(**settings).export(load_bank(path))
    assert result.data is not None, result.diagnostics
    data: bytes = result.data
    return data


def answer_data(page: bytes) -> dict[str, Any]:
    root = lxml_html.document_fromstring(page)
    (script,) = root.xpath('//script[@type="application/json"]')
    data: dict[str, Any] = json.loads(script.text)
    return data


@pytest.fixture(scope="module", params=EXISTING, ids=[p.stem for p in EXISTING])
def page(request: pytest.FixtureRequest) -> bytes:
    return page_of(request.param)


def test_generative_models_bank_is_tested_when_present() -> None:
    assert CONTENT / "showcase.md" in EXISTING
    if not (CONTENT / "generative-models.md").exists():
        pytest.skip("content/generative-models.md is not written yet")


def test_every_question_is_kept_and_output_is_deterministic() -> None:
    bank = load_bank(CONTENT / "showcase.md")
    first = HtmlExporter().export(bank)
    assert first.questions == len(bank.questions)
    assert not [d for d in first.diagnostics if d.code == "T001"]
    assert first.data == HtmlExporter().export(load_bank(CONTENT / "showcase.md")).data


def test_page_depends_on_no_other_file(page: bytes) -> None:
    root = lxml_html.document_fromstring(page)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in ("src", "href", "srcset", "action", "poster", "data", "formaction"):
            value = element.get(attr)
            if value is not None:
                assert value.startswith(("data:", "#")), f"<{element.tag} {attr}={value[:60]!r}>"
        assert element.tag not in ("link", "iframe", "object", "embed", "base")
    text = page.decode()
    assert "http://" not in text and "https://" not in text and "//cdn" not in text
    assert "@import" not in text and not re.search(r"url\((?!\s*['\"]?data:)", text)


def test_valid_html_by_the_nu_checker(tmp_path: Path) -> None:
    jar = vnu_jar()
    files = []
    for bank in EXISTING:
        for mode in ("hidden", "shown", "omitted"):
            target = tmp_path / f"{bank.stem}-{mode}.html"
            target.write_bytes(page_of(bank, answers=mode))
            files.append(str(target))
    done = subprocess.run(["java", "-jar", jar, "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=120)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_no_raw_latex_in_visible_text(page: bytes) -> None:
    text = visible_text(page)
    assert not RAW_LATEX.findall(text)
    # The only dollar signs left are the showcase's literal ones ($5, $10, \$).
    assert [m.group() for m in re.finditer(r"\$.?", text)] in ([], ["$5", "$1", "$ "])


@pytest.mark.parametrize("path", EXISTING, ids=[p.stem for p in EXISTING])
def test_math_is_mathml_with_latex_annotation(path: Path) -> None:
    root = lxml_html.document_fromstring(page_of(path))
    maths = list(root.iter("math"))
    assert maths and all(m.find(".//annotation") is not None for m in maths)
    annotations = {a.text for a in root.iter("annotation")}
    # A formula that draws nothing (a bare `\\`) is shown as its source instead of vanishing.
    as_source = {c.text for c in root.find_class("tex-source")}
    assert all(not re.search(r"<(mi|mn|mo|mtext)", to_mathml(latex, False)) for latex in as_source)
    formulas = {m.latex for f in load_bank(path).fragments() for m in f.math}
    assert annotations | as_source == formulas


def test_images_are_embedded_data_uris() -> None:
    bank = load_bank(CONTENT / "showcase.md")
    root = lxml_html.document_fromstring(page_of(CONTENT / "showcase.md"))
    (img,) = root.iter("img")
    image = next(i for f in bank.fragments() for i in f.images)
    prefix = "data:image/svg+xml;base64,"
    assert img.get("src").startswith(prefix) and img.get("alt") == image.alt
    assert base64.b64decode(img.get("src")[len(prefix):]) == Path(image.path).read_bytes()


def test_answer_data_follows_the_model() -> None:
    data = answer_data(page_of(CONTENT / "showcase.md"))
    assert data["reparam"] == {"type": "multiple-choice", "points": "2", "multiple": False,
                               "weights": {"a": 0.0, "b": 100.0, "c": 25.0, "d": 0.0}}
    assert data["weights"]["weights"] == {"a": 50.0, "b": 50.0, "c": -50.0, "d": 0.0}
    assert data["boltzmann"]["answers"] == [
        {"low": "1.380639e-23", "high": "1.380659e-23", "weight": 100.0},
        {"low": "1.37e-23", "high": "1.39e-23", "weight": 50.0}]
    assert data["divergence-name"]["case_sensitive"] is False
    assert data["elbo-blanks"]["blanks"][1] == {"kind": "dropdown", "correct": "0"}
    assert "about" not in data and data["mode-collapse-essay"]["type"] == "essay"


def test_script_end_tags_in_content_cannot_break_out(tmp_path: Path) -> None:
    bank_file = tmp_path / "script.md"
    bank_file.write_text(
        "---\ntitle: \"Ends </script> early?\"\n---\n\n## Tag {#tag}\n\nType the end tag.\n\n"
        "- = </script><script>alert(1)</script>\n- = a\u2028b & <!-- {weight=50}\n\n"
        "### Explanation\n\nSee `</script>`.\n", encoding="utf-8")
    page = page_of(bank_file)
    root = lxml_html.document_fromstring(page)
    scripts = root.iter("script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    answers = answer_data(page)["tag"]["answers"]
    assert [a["text"] for a in answers] == ["</script><script>alert(1)</script>", "a\u2028b & <!--"]
    assert json_for_script({"x": "</script>"}) == '{"x":"\\u003c/script\\u003e"}'


def test_answer_modes() -> None:
    shown = lxml_html.document_fromstring(page_of(CONTENT / "showcase.md", answers="shown"))
    assert "show-answers" in shown.body.get("class")
    assert shown.get_element_by_id("show-answers").get("checked") is not None
    hidden = lxml_html.document_fromstring(page_of(CONTENT / "showcase.md"))
    assert "show-answers" not in hidden.body.get("class")
    assert hidden.get_element_by_id("show-answers").get("checked") is None
    omitted_bytes = page_of(CONTENT / "showcase.md", answers="omitted")
    omitted = lxml_html.document_fromstring(omitted_bytes)
    assert not list(omitted.iter("script")) and not omitted.find_class("explanation")
    assert not omitted.find_class("key") and not omitted.find_class("check")
    assert b"randomness moves into" not in omitted_bytes  # per-option feedback left out too
    assert b"Move up" not in omitted_bytes  # no script: ordering is numbered on paper
    with pytest.raises(ValueError, match="answers"):
        HtmlExporter(answers="maybe")


def test_accessible_structure(page: bytes) -> None:
    root = lxml_html.document_fromstring(page)
    assert root.get("lang")
    for fieldset in root.iter("fieldset"):
        assert fieldset.find("legend") is not None
    labelled = {label.get("for") for label in root.iter("label")}
    for control in root.xpath("//input | //select | //textarea"):
        named = (control.get("id") in labelled or control.get("aria-label")
                 or any(a.tag == "label" for a in control.iterancestors()))
        assert named, lxml_html.tostring(control)[:120]
    assert root.xpath('//*[@aria-live="polite"]')
    assert b"prefers-color-scheme: dark" in page and b"@media print" in page


def test_cli_export_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    assert main(["export", str(CONTENT / "showcase.md"), "--to", "html", "-o", str(out)]) == 0
    assert out.read_bytes() == page_of(CONTENT / "showcase.md")
    assert main(["export", str(CONTENT / "showcase.md"), "--to", "html", "-O", "answers=shown",
                 "-o", str(out)]) == 0
    assert b'class="answers-shown show-answers"' in out.read_bytes()


def test_scoring_script_in_node() -> None:
    node = shutil.which("node")
    need(node is not None, "node (to run the page's scoring script)")
    data = answer_data(page_of(CONTENT / "showcase.md"))
    cases: list[tuple[str, Any, float]] = [  # (question, response, expected percent)
        ("reparam", ["b"], 100), ("reparam", ["c"], 25), ("reparam", ["a"], 0),
        ("elbo-properties", ["a", "b"], 100), ("elbo-properties", ["a"], 50),
        ("elbo-properties", ["a", "c"], 0), ("elbo-properties", ["a", "b", "c", "d"], 0),
        ("weights", ["a", "b", "d"], 100), ("weights", ["a", "c"], 0), ("weights", ["a", "b", "c"], 50),
        ("gan-converges", ["false"], 100), ("gan-converges", ["true"], 0),
        ("divergence-name", "  jensen-shannon ", 100), ("divergence-name", "JSD", 100),
        ("divergence-name", "kullback-leibler", 0), ("divergence-name", "", 0),
        ("boltzmann", "1.380649e-23", 100), ("boltzmann", "1.380659e-23", 100),
        ("boltzmann", "1.38066e-23", 50), ("boltzmann", "1.39e-23 J/K", 50),
        ("boltzmann", "1.391e-23", 0), ("boltzmann", "abc", 0),
        ("avogadro", "6.02e23", 100), ("avogadro", "6.0e23", 0), ("avogadro", "6.02214076 × 10^23", 100),
        ("unicode", "1", 100), ("unicode", "1.0", 100), ("unicode", "2", 0),
        ("elbo-blanks", ["kullback-leibler", "0"], 100), ("elbo-blanks", ["KL", "1"], 50),
        ("elbo-blanks", ["", ""], 0),
    ]
    correct = data["vae-parts"]["correct"]
    assert isinstance(correct, list)
    order = data["training-step"]["correct"]
    assert isinstance(order, list) and len(order) == 4
    cases += [("vae-parts", correct, 100), ("vae-parts", [correct[0], "", ""], 100 / 3),
              ("training-step", order, 100), ("training-step", [order[1], order[0], *order[2:]], 0)]
    program = (TEMPLATES / "score.js").read_text(encoding="utf-8") + """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(input.cases.map(([q, r]) => qbankScore.score(input.data[q], r).percent)));
"""
    done = subprocess.run([str(node), "-e", program], input=json.dumps({"data": data, "cases": cases}),
                          capture_output=True, text=True, timeout=30, check=True)
    got = json.loads(done.stdout)
    assert [round(x, 6) for x in got] == [round(float(c[2]), 6) for c in cases], list(zip(cases, got, strict=True))
    essay = subprocess.run([str(node), "-e", (TEMPLATES / "score.js").read_text() +
                            "console.log(qbankScore.score({type: 'essay'}, null));"],
                           capture_output=True, text=True, timeout=30, check=True)
    assert essay.stdout.strip() == "null"


# --- qbank preview ------------------------------------------------------------------------------


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    (tmp_path / "fig.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                      '<rect width="10" height="10"/></svg>', encoding="utf-8")
    bank = tmp_path / "small.md"
    bank.write_text("---\ntitle: Small\n---\n\n## One {#one}\n\n![a square](fig.svg)\n\nPick $x$.\n\n"
                    "- (x) Yes\n- ( ) No\n\n### Explanation\n\nFirst version.\n", encoding="utf-8")
    return bank


def test_preview_rebuilds_when_the_bank_or_an_image_changes(small_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    exporter = HtmlExporter(**{"reload-url": VERSION_PATH})
    build = PreviewBuild(small_bank, out, exporter)
    assert not [d for d in build.rebuild() if d.is_error]
    first = build.page.read_bytes()
    assert b"First version." in first and VERSION_PATH.encode() in first and build.version == 1
    assert set(build.sources) == {small_bank, small_bank.parent / "fig.svg"}
    assert not build.changed()

    small_bank.write_text(small_bank.read_text().replace("First version.", "Second version."))
    _touch_later(small_bank)
    assert build.changed()
    build.rebuild()
    assert b"Second version." in build.page.read_bytes() and build.version == 2
    assert not build.changed()

    image = small_bank.parent / "fig.svg"
    image.write_text(image.read_text().replace('width="10" height="10"/>', 'width="5" height="5"/>'))
    _touch_later(image)
    assert build.changed()
    build.rebuild()
    assert build.page.read_bytes() != first and build.version == 3

    small_bank.write_text("---\ntitle: Broken\n---\n\n## No answers {#broken type=numerical}\n\nHm?\n")
    _touch_later(small_bank)
    found = build.rebuild()
    assert any(d.is_error for d in found)
    assert b"has errors" in build.page.read_bytes() and VERSION_PATH.encode() in build.page.read_bytes()


def test_plain_export_has_no_reload_script() -> None:
    assert VERSION_PATH.encode() not in page_of(CONTENT / "showcase.md")


def test_preview_server_serves_page_and_version(small_bank: Path, tmp_path: Path) -> None:
    build = PreviewBuild(small_bank, tmp_path, HtmlExporter())
    build.rebuild()
    server = make_server(build)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(base + VERSION_PATH, timeout=5) as response:
            assert response.read() == b"1"
        with urllib.request.urlopen(base + "/", timeout=5) as response:
            assert response.read() == build.page.read_bytes()
        build.rebuild()
        with urllib.request.urlopen(base + VERSION_PATH, timeout=5) as response:
            assert response.read() == b"2"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "/../etc/passwd", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_preview_command_without_opening(small_bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(small_bank), "--no-open"]) == 0
    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert path.is_file() and b"Pick" in path.read_bytes()
    shutil.rmtree(path.parent)


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_have_enough_contrast(scheme: str) -> None:
    css = (TEMPLATES / "page.css").read_text(encoding="utf-8")
    blocks = re.findall(r":root\s*{([^}]*)}", css)
    light, dark = (dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block)) for block in blocks[:2])
    colours = light if scheme == "light" else dark
    pairs = [("fg", "bg"), ("fg", "card"), ("muted", "bg"), ("muted", "card"), ("accent", "card"),
             ("accent-fg", "accent"), ("right", "card"), ("wrong", "card"), ("partial", "card"),
             ("right", "right-bg"), ("fg", "key-bg"), ("fg", "right-bg"), ("partial", "key-bg")]
    low = {f"{a}/{b}": round(contrast(colours[a], colours[b]), 2) for a, b in pairs
           if contrast(colours[a], colours[b]) < 4.5}
    assert not low, f"WCAG AA needs 4.5:1 for text; {scheme}: {low}"
