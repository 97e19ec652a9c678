"""Safety: content cannot attack a reader, files cannot leak in, and output is never half-written.

- Raw HTML: every target's artifact (every member of a package) is free of scripts, event
  handlers and script URLs an author wrote, and lint says what it removed.
- Images: paths out of the bank's folder, remote and raw-HTML images, unsafe SVG are refused.
- Output: a killed export or build leaves the previous artifact intact; an output folder that
  is read-only or full gives E901, exit code 1 and no traceback.
"""

from __future__ import annotations

import html
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbank import registry
from qbank.assets import svg_problem
from qbank.cli import main
from qbank.lint import lint_file
from qbank.render import shared

from support import load_bank

FRONT = "---\ntitle: Safety\n---\n\n"
# Every payload calls pwned() or loads from evil.example, so "nothing of it reaches an artifact"
# is checkable as "these markers appear nowhere", whatever escaping a format applies.
HOSTILE = FRONT + """\
## Click <b onclick="pwned()">here</b> me {#hostile}

Stem with <script>pwned()</script> and <b onclick="pwned()">bold</b>, a [link](javascript:pwned()),
<a href="javascript:pwned()">raw link</a>, <iframe src="https://evil.example/"></iframe>,
<form action="https://evil.example/"><input name="x"></form>, <object data="https://evil.example/x.swf"></object>,
<style>body{background:url(https://evil.example/)}</style>, <svg onload="pwned()"><script>pwned()</script></svg>,
<a href="JaVaScRiPt:pwned()">caps</a>, <a href="  javascript:pwned()">spaces</a>,
<a href="jav&#x09;ascript:pwned()">entity</a>, <a href="data:text/html,pwned">data</a>,
<math><mi xlink:href="javascript:pwned()">m</mi></math>, <details open ontoggle="pwned()">d</details>,
<base href="https://evil.example/">, <meta http-equiv="refresh" content="0;url=javascript:pwned()">,
<span style="background:url(javascript:pwned())">styled</span>, <div style="behavior:url(pwned.htc)">ie</div>.

<p onmouseover="pwned()">A paragraph.</p>

- (x) Option <em onmouseover="pwned()">one</em> [click](javascript:pwned())
  > Feedback <script>pwned()</script>
- ( ) Other <a href="javascript:pwned()">x</a>

### Explanation

Because <script>pwned()</script> and <a href="vbscript:pwned()">vb</a>.
"""
MARKERS = ("pwned", "evil.example", "javascript:", "vbscript:", "data:text/html", "onclick", "onmouseover",
           "ontoggle", "onerror")
TARGETS = sorted(registry.available_targets())


def streams(data: bytes, name: str) -> Iterator[tuple[str, bytes]]:
    """The artifact, or every member of it (recursively) when it is a zip package."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for member in package.namelist():
                yield from streams(package.read(member), f"{name}!{member}")
    else:
        yield name, data


def leaked(data: bytes) -> list[str]:
    """Markers found in the bytes, however many times a format escaped them."""
    text = data.decode("utf-8", errors="replace")
    for _ in range(3):  # XML-escaped HTML inside a zip inside ... : unescape until stable
        text = html.unescape(text)
    lowered = text.lower()
    return [marker for marker in MARKERS if marker in lowered]


@pytest.fixture(scope="module")
def hostile_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.md"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


@pytest.mark.parametrize("target", TARGETS)
def test_no_author_script_reaches_any_artifact(target: str, hostile_bank: Path) -> None:
    bank = load_bank(hostile_bank)
    result = registry.load_target(target)().export(bank)
    assert result.data is not None, result.diagnostics
    assert result.questions >= 1
    for name, data in streams(result.data, target):
        assert not leaked(data), (name, leaked(data))


def test_plain_text_answers_stay_text(tmp_path: Path) -> None:
    """Typed answers are plain text: markup in one is the text a student types, escaped in the page."""
    from lxml import html as lxml_html

    path = tmp_path / "blank.md"
    path.write_text(FRONT + '## Fill {#fill}\n\nThe answer is [[safe | <b onclick="pwned()">safe</b>]].\n\n'
                    '## Name {#name}\n\nType it.\n\n- = <img src=x onerror="pwned()">\n')
    bank = load_bank(path)
    page = lxml_html.document_fromstring(registry.load_target("html")().export(bank).data)
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        assert not any(name.startswith("on") or "pwned" in value for name, value in element.attrib.items()), \
            lxml_html.tostring(element)[:200]
        if element.tag == "script" and "pwned" in (element.text or ""):
            # Only the page's answer data mentions it, as JSON that cannot close its element.
            assert element.get("type") == "application/json" and "<" not in (element.text or "")


def test_lint_says_what_was_removed(hostile_bank: Path) -> None:
    _, found = lint_file(hostile_bank)
    assert not [d for d in found if d.is_error]
    removed = " ".join(d.message for d in found if d.code == "W104")
    for what in ("<script>", "<iframe>", "<form>", "<object>", "<style>", "onclick", "ontoggle", "onmouseover",
                 "javascript: URL", "HTML removed from the title"):
        assert what in removed, what
    assert {d.line for d in found if d.code == "W104"} >= {5, 7, 19, 20, 21, 25}


def test_title_is_plain_text(hostile_bank: Path) -> None:
    bank = load_bank(hostile_bank)
    assert bank.questions[0].title == "Click here me"


def test_markdown_javascript_link_keeps_its_text_not_its_url(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text(FRONT + "## Q {#q}\n\nSee [the notes](javascript:alert(1)) and [docs](https://example.org/).\n\n"
                    "- (x) a\n- ( ) b\n")
    bank, found = lint_file(path)
    assert bank is not None
    (w104,) = [d for d in found if d.code == "W104"]
    assert (w104.line, "javascript: URL" in w104.message) == (7, True)
    rendered = shared().template_html(bank.questions[0].stem)
    assert "javascript" not in rendered and ">the notes</a>" in rendered
    assert 'href="https://example.org/"' in rendered


@pytest.mark.parametrize("markup", [
    '<img src="http://evil.example/pixel.png" alt="x">',
    "<img src='../../etc/passwd' alt='x'>",
    "![a pixel][pixel]\n\n[pixel]: http://evil.example/pixel.png",
])
def test_images_not_written_as_markdown_are_refused(tmp_path: Path, markup: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Raw-HTML and reference-style images are not checked or packaged: an error, and never a src."""
    path = tmp_path / "b.md"
    path.write_text(FRONT + f"## Q {{#q}}\n\nLook: {markup}\n\n- (x) a\n- ( ) b\n")
    _, found = lint_file(path)
    assert [(d.code, d.line) for d in found if d.is_error] == [("E403", 7)]
    out = tmp_path / "out.html"
    assert main(["export", str(path), "--to", "html", "-o", str(out)]) == 1
    assert not out.exists() and "Traceback" not in "".join(capsys.readouterr())


# --- files: paths and SVG ---------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize("inner, reason", [
    ("<script>alert(1)</script>", "<script>"),
    ("<SCRIPT>alert(1)</SCRIPT>", "<script>"),
    ('<rect onload="alert(1)"/>', "onload"),
    ('<a xlink:href="javascript:alert(1)"><rect/></a>', "links to"),
    ('<image href="https://evil.example/pixel.png"/>', "links to"),
    ('<use href="//evil.example/sprite.svg#a"/>', "links to"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', "<foreignobject>"),
    ('<a><animate attributeName="href" to="javascript:alert(1)"/></a>', "script URL"),
    ('<set attributeName="href" to="data:text/html,x"/>', "script URL"),
    ("<style>@import url(https://evil.example/x.css);</style>", "stylesheet"),
    ('<rect style="fill:url(https://evil.example/x.svg#p)"/>', "style"),
    ('<iframe src="https://evil.example/"/>', "<iframe>"),
])
def test_svg_with_active_content_is_refused(inner: str, reason: str) -> None:
    problem = svg_problem(SVG.format(inner).encode())
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize("document, reason", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "entities"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "entities"),
    (b'<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>'
     b'<svg xmlns="http://www.w3.org/2000/svg"/>', "processing instruction"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>', "not an SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "not well-formed"),
])
def test_svg_documents_that_are_refused(document: bytes, reason: str) -> None:
    problem = svg_problem(document)
    assert problem is not None and reason in problem, problem


def test_plain_svg_with_internal_references_is_accepted() -> None:
    gradient = ('<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
                '<rect style="fill:url(#g)" width="5" height="5"/><use xlink:href="#g"/>'
                "<style>rect { fill: url(#g); }</style>")
    assert svg_problem(SVG.format(gradient).encode()) is None
    assert svg_problem(b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                       b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
                       b'<svg xmlns="http://www.w3.org/2000/svg"/>') is None


def image_bank(folder: Path, src: str) -> Path:
    path = folder / "bank.md"
    path.write_text(FRONT + f"## Q {{#q}}\n\n![a figure]({src})\n\n- (x) a\n- ( ) b\n")
    return path


def error_codes(path: Path) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in lint_file(path)[1] if d.is_error]


def test_symlinks_pointing_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.svg").write_text(SVG.format("<rect/>"))
    bank = tmp_path / "bank"
    (bank / "figures").mkdir(parents=True)
    (bank / "figures" / "link.svg").symlink_to(outside / "secret.svg")
    (bank / "linked-folder").symlink_to(outside, target_is_directory=True)
    (bank / "figures" / "inside.svg").write_text(SVG.format("<rect/>"))
    (bank / "figures" / "alias.svg").symlink_to(bank / "figures" / "inside.svg")
    assert error_codes(image_bank(bank, "figures/link.svg")) == [("E403", 7, 13)]
    assert error_codes(image_bank(bank, "linked-folder/secret.svg")) == [("E403", 7, 13)]
    assert error_codes(image_bank(bank, "figures/../../outside/secret.svg")) == [("E403", 7, 13)]
    assert error_codes(image_bank(bank, str(outside / "secret.svg"))) == [("E403", 7, 13)]
    # A link that stays inside the folder is an ordinary image.
    assert error_codes(image_bank(bank, "figures/alias.svg")) == []
    assert error_codes(image_bank(bank, "figures/./inside.svg")) == []


def test_image_type_is_checked_by_suffix_and_size(tmp_path: Path) -> None:
    (tmp_path / "figure.tiff").write_bytes(b"II*\x00")
    assert error_codes(image_bank(tmp_path, "figure.tiff")) == [("E404", 7, 13)]
    (tmp_path / "huge.svg").write_bytes(SVG.format("<rect/>" + " " * (2 * 1024 * 1024)).encode())
    assert error_codes(image_bank(tmp_path, "huge.svg")) == [("E405", 7, 13)]


# --- output: atomic writes, read-only and full folders ----------------------------------

QUESTION = ("## Question {n} {{#q{n}}}\n\nWhich formula holds for $x_{{{n}}}$, with **bold** and `code`?\n\n"
            "- (x) $\\frac{{a}}{{b}}$ {word}\n  > Right.\n- ( ) $\\sqrt{{c}}$ no\n- ( ) other\n\n"
            "### Explanation\n\nBecause $e^{{i\\pi}} = -1$.\n\n")


def write_big_bank(path: Path, count: int, word: str) -> None:
    path.write_text(FRONT + "".join(QUESTION.format(n=n, word=word) for n in range(count)), encoding="utf-8")


def qbank_process(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    # Its own process group, so a kill reaches any worker processes it starts.
    return subprocess.Popen([sys.executable, "-m", "qbank", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL the process (group) after ``delay`` seconds; True if it was still running."""
    time.sleep(delay)
    running = process.poll() is None
    if running:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return running


def test_killed_export_leaves_the_previous_artifact_intact(tmp_path: Path) -> None:
    bank = tmp_path / "bank.md"
    out = tmp_path / "out" / "bank.moodle.xml"
    write_big_bank(bank, 1500, "old")
    assert subprocess.run([sys.executable, "-m", "qbank", "export", str(bank), "--to", "moodle-xml", "-o", str(out)],
                          capture_output=True, timeout=120).returncode == 0
    previous = out.read_bytes()
    write_big_bank(bank, 1500, "new")
    fresh = tmp_path / "fresh.xml"
    start = time.perf_counter()
    assert subprocess.run([sys.executable, "-m", "qbank", "export", str(bank), "--to", "moodle-xml", "-o", str(fresh)],
                          capture_output=True, timeout=120).returncode == 0
    duration = time.perf_counter() - start
    new = fresh.read_bytes()
    assert new != previous
    killed = 0
    for fraction in (0.2, 0.45, 0.7, 0.85, 0.95):
        process = qbank_process("export", str(bank), "--to", "moodle-xml", "-o", str(out), cwd=tmp_path)
        killed += kill_after(process, duration * fraction)
        assert out.read_bytes() in (previous, new), "a killed export left a partial artifact"
        # SIGKILL leaves no chance to clean up: a temporary file may remain beside an intact target.
        extra = {p.name for p in out.parent.iterdir()} - {out.name}
        assert all(name.startswith(f".{out.name}.") and name.endswith(".tmp") for name in extra), extra
        out.write_bytes(previous)
    assert killed >= 2, "the process ended before it could be killed: make the bank larger"


def test_killed_build_leaves_every_artifact_whole(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    write_big_bank(content / "bank.md", 1200, "old")
    build = [sys.executable, "-m", "qbank", "build", "content", "-o", "dist", "--to", "moodle-xml,html", "-q"]
    assert subprocess.run(build, cwd=tmp_path, capture_output=True, timeout=180).returncode == 0
    dist = tmp_path / "dist"
    previous = {p.name: p.read_bytes() for p in dist.iterdir()}
    assert {"bank.moodle.xml", "bank.html"} <= set(previous)
    write_big_bank(content / "bank.md", 1200, "new")
    fresh_build = [*build[:6], "fresh", *build[7:], "--no-cache"]
    assert subprocess.run(fresh_build, cwd=tmp_path, capture_output=True, timeout=180).returncode == 0
    new = {p.name: p.read_bytes() for p in (tmp_path / "fresh").iterdir()}
    killed = 0
    for delay in (0.8, 1.6, 2.4):
        killed += kill_after(qbank_process(*build[3:], cwd=tmp_path), delay)
        for name, data in previous.items():
            # Each file is the old one or the complete new one: never cut short.
            assert (dist / name).read_bytes() in (data, new[name]), name
        extra = {p.name for p in dist.iterdir()} - set(previous)
        assert all(name.startswith(".") and name.endswith(".tmp") for name in extra), extra
    assert killed >= 1


def can_mount() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0


def mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


def unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True, check=False)


def small_bank(folder: Path) -> Path:
    path = folder / "small.md"
    write_big_bank(path, 200, "x")  # its Moodle XML is far larger than 64 kB
    return path


def check_e901(bank: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["export", str(bank), "--to", "moodle-xml", "-o", str(output)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "error[E901]" in err and f"cannot write {output}" in err, err
    assert "Traceback" not in out + err
    return err


def test_read_only_output_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = small_bank(tmp_path)
    folder = tmp_path / "read-only"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
    elif not (can_mount() and mount_tmpfs(folder, "ro,size=1m")):
        pytest.skip("running as root without permission to mount a read-only file system")
    try:
        err = check_e901(bank, folder / "bank.moodle.xml", capsys)
        assert "Read-only file system" in err or "Permission denied" in err
        assert list(folder.iterdir()) == []
        result = subprocess.run([sys.executable, "-m", "qbank", "export", str(bank), "--to", "moodle-xml", "-o",
                                 str(folder / "bank.moodle.xml")], capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "E901" in result.stderr and "Traceback" not in result.stderr
    finally:
        if os.geteuid() == 0:
            unmount(folder)
        else:
            folder.chmod(0o755)


def test_full_output_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 64 kB tmpfs when the tests may mount one; the artifact does not fit, and nothing is left."""
    if not can_mount():
        pytest.skip("needs root to mount a tiny tmpfs (the parent-is-a-file case below runs everywhere)")
    bank = small_bank(tmp_path)
    folder = tmp_path / "full"
    if not mount_tmpfs(folder, "size=64k"):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        (folder / "previous.xml").write_bytes(b"<quiz/>")
        err = check_e901(bank, folder / "previous.xml", capsys)
        assert "No space left on device" in err
        assert [p.name for p in folder.iterdir()] == ["previous.xml"]  # no temporary file left behind
        assert (folder / "previous.xml").read_bytes() == b"<quiz/>"
    finally:
        unmount(folder)


def test_output_under_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = small_bank(tmp_path)
    (tmp_path / "not-a-folder").write_text("a file")
    check_e901(bank, tmp_path / "not-a-folder" / "bank.moodle.xml", capsys)
    check_e901(bank, tmp_path / "not-a-folder" / "deeper" / "bank.moodle.xml", capsys)
