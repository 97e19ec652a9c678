"""The HTML page in real headless Chromium, opened from disk with the network off, used as a person would."""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qbank.exporters.html import HtmlExporter

from tests.support import BANKS, CONTENT, load_bank
from tests.test_html import need

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
EXISTING = [p for p in BANKS if p.exists()]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(CHROMIUM is not None and CHROMEDRIVER is not None, "Chromium and chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium")
        raise
    profile = tempfile.mkdtemp(prefix="qbank-chromium-")
    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                f"--user-data-dir={profile}", "--window-size=1000,1200", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(20)
    # The network is off for every page: the page must need nothing but itself.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    written: dict[str, Path] = {}
    for bank in EXISTING:
        for mode in ("hidden", "shown"):
            data = HtmlExporter(answers=mode).export(load_bank(bank)).data
            assert data is not None
            path = folder / f"{bank.stem}-{mode}.html"
            path.write_bytes(data)
            written[f"{bank.stem}-{mode}"] = path
    return written


def open_page(driver: Any, path: Path, scheme: str = "light", media: str = "") -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get(path.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def screenshot(driver: Any, name: str) -> Path:
    """A full-page PNG in tests/artifacts/ (looked at by a person; gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 16000), "scale": 1}})
    target = ARTIFACTS / f"{name}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    assert target.stat().st_size > 10_000
    return target


def text_of(driver: Any, element_id: str) -> str:
    return str(driver.execute_script("return document.getElementById(arguments[0]).textContent.trim()", element_id))


def visible(driver: Any, selector: str) -> bool:
    return bool(driver.execute_script(
        "var e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0 &&"
        " getComputedStyle(e).visibility !== 'hidden'", selector))


def choose(driver: Any, qid: str, ids: list[str]) -> None:
    """Click the labels of exactly these options (as a person would), unticking the others."""
    for element in driver.find_elements("css selector", f'[data-qid="{qid}"] .choice input'):
        wanted = element.get_attribute("value") in ids
        if element.is_selected() != wanted:
            driver.find_element("css selector", f'label[for="{element.get_attribute("id")}"]').click()


def check(driver: Any, qid: str) -> str:
    driver.find_element("css selector", f'[data-qid="{qid}"] button.check').click()
    return text_of(driver, f"q-{qid}-result")


@pytest.mark.parametrize("bank", [p.stem for p in EXISTING])
def test_page_loads_offline_and_math_and_images_have_size(browser: Any, pages: dict[str, Path], bank: str) -> None:
    open_page(browser, pages[f"{bank}-shown"])
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.get_log("browser") == []
    sizes = browser.execute_script("""
        var out = [];
        document.querySelectorAll('math, img').forEach(function (e) {
          if (e.closest('.qfeedback, .answer-feedback, [hidden]')) { return; }
          var r = e.getBoundingClientRect();
          out.push([e.tagName, r.width, r.height, (e.textContent || e.alt || '').slice(0, 40)]);
        });
        return out;""")
    assert any(tag.lower() == "math" for tag, *_ in sizes)
    empty = [s for s in sizes if not (s[1] > 0 and s[2] > 0)]
    assert not empty, empty
    images = browser.execute_script("return Array.from(document.images).map(function (i) {"
                                    " return [i.complete, i.naturalWidth]; })")
    assert all(done and width > 0 for done, width in images)
    screenshot(browser, f"{bank}-light-show-all")
    open_page(browser, pages[f"{bank}-shown"], scheme="dark")
    screenshot(browser, f"{bank}-dark-show-all")


def test_answering_right_and_wrong_updates_score_and_feedback(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["showcase-hidden"])
    assert not visible(browser, "#q-reparam .explanation")
    choose(browser, "reparam", ["b"])
    assert check(browser, "reparam") == "Correct: 2 of 2 points."
    assert text_of(browser, "score-points") == "2"
    assert visible(browser, "#q-reparam .explanation") and visible(browser, "#q-reparam .when-right")
    assert visible(browser, '#q-reparam [data-choice="b"] .opt-feedback')
    assert text_of(browser, "q-reparam-b-mark") == "✓ right"

    choose(browser, "reparam", ["c"])
    assert check(browser, "reparam") == "Partly correct: 0.5 of 2 points."
    choose(browser, "reparam", ["a"])
    assert check(browser, "reparam") == "Incorrect: 0 of 2 points."
    assert visible(browser, '#q-reparam [data-choice="a"] .opt-feedback')
    assert not visible(browser, '#q-reparam [data-choice="b"] .opt-feedback')
    assert visible(browser, "#q-reparam .when-wrong") and not visible(browser, "#q-reparam .when-right")
    assert text_of(browser, "q-reparam-a-mark") == "✗ wrong"

    choose(browser, "elbo-properties", ["a", "c"])  # 50% - 50%: clamped at 0
    assert check(browser, "elbo-properties") == "Incorrect: 0 of 1 point."
    assert visible(browser, '#q-elbo-properties [data-choice="c"] .opt-feedback')

    field = browser.find_element("id", "q-boltzmann-input")
    field.send_keys("1.380649e-23")
    assert check(browser, "boltzmann") == "Correct: 1.5 of 1.5 points."
    assert visible(browser, "#q-boltzmann-fb0")
    field.clear()
    field.send_keys("1.38e-23")
    assert check(browser, "boltzmann") == "Partly correct: 0.75 of 1.5 points."
    assert visible(browser, "#q-boltzmann-fb1") and not visible(browser, "#q-boltzmann-fb0")

    browser.find_element("id", "q-divergence-name-input").send_keys("kullback-leibler")
    assert check(browser, "divergence-name") == "Incorrect: 0 of 1 point."
    assert visible(browser, "#q-divergence-name-fb4")
    assert text_of(browser, "score-points") == "0.75"
    assert "4 of 17" in text_of(browser, "score-detail")  # a varied question counts once
    assert check(browser, "mode-collapse-essay").startswith("Not scored automatically")
    screenshot(browser, "showcase-light-practice-checked")


def test_keyboard_alone(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, pages["showcase-hidden"])
    radio = browser.find_element("id", "q-gan-converges-true")
    radio.send_keys(Keys.SPACE)
    radio.send_keys(Keys.ARROW_DOWN)  # radio group: arrow moves the choice
    assert browser.find_element("id", "q-gan-converges-false").is_selected()
    browser.switch_to.active_element.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert text_of(browser, "q-gan-converges-result") == "Correct: 1 of 1 point."

    def order() -> list[str]:
        items = browser.find_elements("css selector", "#q-training-step-list li")
        return [li.get_attribute("data-item") for li in items]

    correct: list[str] = browser.execute_script(
        "return JSON.parse(document.getElementById('qbank-answers').textContent)['training-step'].correct")
    first = order()
    assert first != correct
    item = browser.find_element("css selector", "#q-training-step-list li:nth-child(2)")
    item.send_keys(Keys.ALT, Keys.ARROW_UP)
    assert order() == [first[1], first[0], *first[2:]]
    # Sort with the Move buttons, as a keyboard user would (Enter on the focused button).
    for target, wanted in enumerate(correct):
        while order().index(wanted) > target:
            up = f'#q-training-step-list li[data-item="{wanted}"] button[data-move="-1"]'
            browser.find_element("css selector", up).send_keys(Keys.ENTER)
    assert order() == correct
    assert "Moved to position" in text_of(browser, "q-training-step-announce")
    assert check(browser, "training-step") == "Correct: 1 of 1 point."

    letters = browser.execute_script(
        "return JSON.parse(document.getElementById('qbank-answers').textContent)['vae-parts'].correct")
    for index, wanted in enumerate(letters):
        select = browser.find_element("id", f"q-vae-parts-m{index}")
        select.send_keys(wanted)
    assert check(browser, "vae-parts") == "Correct: 1 of 1 point."
    browser.find_element("id", "q-elbo-blanks-b0").send_keys("KL")
    assert check(browser, "elbo-blanks") == "Partly correct: 0.5 of 1 point."


def test_show_all_answers_switch(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["showcase-hidden"])
    explanations = "document.querySelectorAll('.question:not([hidden]) .explanation')"  # one variant each
    count_visible = (f"return Array.from({explanations}).filter(function (e) {{"
                     " return e.getClientRects().length > 0; }).length")
    total = browser.execute_script(f"return {explanations}.length")
    assert total >= 10 and browser.execute_script(count_visible) == 0
    assert not visible(browser, "#q-reparam .choice.is-key .badge")
    browser.find_element("css selector", "label.switch").click()
    assert browser.find_element("id", "show-answers").is_selected()
    assert browser.execute_script(count_visible) == total
    assert visible(browser, "#q-reparam .choice.is-key .badge") and visible(browser, "#q-elbo-blanks-b1 ~ .key")
    assert visible(browser, "#q-training-step .key") and visible(browser, "#q-divergence-name .key")
    # the question's own right/wrong feedback is part of the key too, each with its label
    assert visible(browser, "#q-reparam .qfeedback.when-right .fb-label")
    assert visible(browser, "#q-reparam .qfeedback.when-wrong .fb-label")
    screenshot(browser, "showcase-light-show-all-toggled")
    browser.find_element("id", "show-answers").click()
    assert browser.execute_script(count_visible) == 0
    assert not visible(browser, "#q-reparam .qfeedback.when-right")


def test_a_number_with_a_decimal_comma(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["showcase-hidden"])
    field = browser.find_element("id", "q-unicode-input")
    field.send_keys("1,0")
    assert check(browser, "unicode").startswith("Correct")
    field.clear()
    field.send_keys("1,000")
    check(browser, "unicode")
    assert "decimal point" in text_of(browser, "q-unicode-input-mark")


def test_practice_dark_and_print_views(browser: Any, pages: dict[str, Path]) -> None:
    for bank in (p.stem for p in EXISTING):
        open_page(browser, pages[f"{bank}-hidden"], scheme="dark")
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 22, 26)"
        screenshot(browser, f"{bank}-dark-practice")
        open_page(browser, pages[f"{bank}-hidden"], media="print")
        assert not visible(browser, ".toolbar") and not visible(browser, "button.check")
        assert not visible(browser, ".explanation") and visible(browser, ".candidate")
        assert not visible(browser, ".key-note") and not visible(browser, ".choice.is-key .badge")
        screenshot(browser, f"{bank}-print-exam")
        open_page(browser, pages[f"{bank}-shown"], media="print")
        assert visible(browser, ".explanation") and not visible(browser, ".candidate")
        assert visible(browser, ".key-note") and visible(browser, ".choice.is-key .badge")
        screenshot(browser, f"{bank}-print-key")
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{EXISTING[-1].stem}-key.pdf").write_bytes(pdf)


def test_generative_models_page_checks_answers(browser: Any, pages: dict[str, Path]) -> None:
    if not (CONTENT / "generative-models.md").exists():
        pytest.skip("content/generative-models.md is not written yet")
    open_page(browser, pages["generative-models-hidden"])
    data = browser.execute_script("return JSON.parse(document.getElementById('qbank-answers').textContent)")
    checked = 0
    for qid, spec in data.items():
        if "weights" not in spec:
            continue
        right = [c for c, w in spec["weights"].items() if w > 0]
        wrong = [c for c, w in spec["weights"].items() if w <= 0]
        choose(browser, qid, right)
        assert check(browser, qid).startswith("Correct:")
        choose(browser, qid, wrong[:1])
        assert check(browser, qid).startswith("Incorrect:")
        assert visible(browser, f"#q-{qid} .explanation")
        checked += 1
    assert checked == len(data) == 10
    assert text_of(browser, "score-points") == "0"


def test_preview_page_reloads_itself_after_a_rebuild(browser: Any, tmp_path: Path) -> None:
    import threading
    import time

    from qbank.commands.preview import VERSION_PATH, PreviewBuild, make_server

    bank = tmp_path / "live.md"
    bank.write_text("---\ntitle: Live\n---\n\n## One {#one}\n\nFirst stem.\n\n- (x) Yes\n- ( ) No\n\n"
                    "### Explanation\n\nBecause.\n", encoding="utf-8")
    exporter = HtmlExporter(**{"reload-url": VERSION_PATH})
    build = PreviewBuild(bank, tmp_path, exporter)
    build.rebuild()
    server = make_server(build)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/")
        assert "First stem." in browser.find_element("id", "q-one").text
        browser.execute_script("window.notReloaded = true;")
        time.sleep(1)  # let the page read the first version
        bank.write_text(bank.read_text().replace("First stem.", "Second stem."), encoding="utf-8")
        build.rebuild()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and browser.execute_script("return window.notReloaded === true"):
            time.sleep(0.2)
        assert "Second stem." in browser.find_element("id", "q-one").text
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_new_variant_shows_the_next_and_each_scores_by_its_own_values(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["showcase-hidden"])
    answers = browser.execute_script("return JSON.parse(document.getElementById('qbank-answers').textContent)")
    shown = ("return Array.from(document.querySelectorAll('#vs-ohm > .question')).filter(function (e) {"
             " return e.getClientRects().length > 0; }).map(function (e) { return e.id; })")
    assert browser.execute_script(shown) == ["q-ohm-01"]
    assert text_of(browser, "vs-ohm").startswith("Variant 1 of 20")

    def answer(qid: str, value: str) -> str:
        field = browser.find_element("id", f"q-{qid}-input")
        field.clear()
        field.send_keys(value)
        return check(browser, qid)

    first, second = answers["ohm-01"]["answers"][0], answers["ohm-02"]["answers"][0]
    right_first = str((float(first["low"]) + float(first["high"])) / 2)
    assert answer("ohm-01", right_first) == "Correct: 2 of 2 points."
    before = text_of(browser, "score-detail")
    browser.find_element("css selector", "#vs-ohm button.new-variant").click()
    assert browser.execute_script(shown) == ["q-ohm-02"]
    assert text_of(browser, "vs-ohm").startswith("Variant 2 of 20")
    # variant 2 has its own values: variant 1's answer is wrong there, its own is right
    if not float(second["low"]) <= float(right_first) <= float(second["high"]):
        assert answer("ohm-02", right_first) == "Incorrect: 0 of 2 points."
    right_second = str((float(second["low"]) + float(second["high"])) / 2)
    assert answer("ohm-02", right_second) == "Correct: 2 of 2 points."
    assert text_of(browser, "score-detail") == before  # the same question of the quiz, scored once
    for _ in range(19):
        browser.find_element("css selector", "#vs-ohm button.new-variant").click()
    assert browser.execute_script(shown) == ["q-ohm-01"]  # round the 20 variants, back to the first
