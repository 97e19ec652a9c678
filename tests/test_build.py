"""``qbank build``: every bank to every target, the manifest, --check, atomicity, cache, parallelism."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from qbank import registry
from qbank.build.engine import BuildRequest, build
from qbank.build.parallel import plan_units
from qbank.build.plan import plan_banks, resolve_targets
from qbank.build.progress import Progress
from qbank.cli import main

from support import CONTENT


def _loads(name: str) -> bool:
    try:
        registry.load_target(name)
    except registry.LoadError:
        return False
    return True


# Targets are tested generically: every installed target whose code imports today.
TARGETS = [name for name in registry.available_targets() if _loads(name)]


def test_at_least_one_target_loads() -> None:
    assert TARGETS, f"no target of {list(registry.available_targets())} can be imported"


def _url_options(targets: list[str]) -> list[str]:
    """``-O`` settings for targets that need a base URL to carry images (declared as an option)."""
    pairs = []
    for name in targets:
        for option in registry.load_target(name).options:
            if option.name == "asset-base-url" and not option.default:
                pairs += ["-O", f"{name}.asset-base-url=https://example.org/figures/"]
    return pairs


def _question(k: int, extra: str = "") -> str:
    return (f"## Question {k} {{#q{k}}}\n\nWhat is ${k} + {k}$? Pick the **right** sum{extra}.\n\n"
            f"- (x) ${2 * k}$\n  > Right: ${k} + {k} = {2 * k}$.\n- ( ) ${2 * k + 1}$\n- ( ) ${2 * k - 1}$\n\n"
            f"### Explanation\n\nAdd the two numbers: ${k} + {k} = {2 * k}$.\n\n")


def _bank(title: str, count: int, start: int = 1) -> str:
    body = "".join(_question(k) for k in range(start, start + count))
    return f"---\ntitle: {title}\n---\n\n{body}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "algebra.md").write_text(_bank("Algebra", 6), encoding="utf-8")
    (content / "sums.md").write_text(_bank("Sums", 4, start=20), encoding="utf-8")
    return tmp_path


def _run(project: Path, *args: str) -> int:
    return main(["build", str(project / "content"), "-o", str(project / "dist"), "-q",
                 "--to", ",".join(TARGETS), *args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _manifest(project: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("target", TARGETS)
def test_each_target_writes_named_artifacts_listed_in_the_manifest(project: Path, target: str) -> None:
    assert main(["build", str(project / "content"), "-o", str(project / "dist"), "-q", "--to", target]) == 0
    suffix = registry.load_target(target).suffix
    files = _snapshot(project / "dist")
    assert set(files) == {f"algebra{suffix}", f"sums{suffix}", "manifest.json"}
    manifest = _manifest(project)
    entries = {a["path"]: a for a in manifest["artifacts"]}  # type: ignore[attr-defined]
    for name in (f"algebra{suffix}", f"sums{suffix}"):
        assert entries[name]["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entries[name]["bytes"] == len(files[name])
        assert entries[name]["target"] == target
    assert entries[f"algebra{suffix}"]["questions"] == 6
    assert entries[f"sums{suffix}"]["questions"] == 4
    assert entries[f"algebra{suffix}"]["bank"] == "content/algebra.md"
    assert manifest["targets"] == [target]


def test_every_bank_times_every_target(project: Path) -> None:
    assert _run(project) == 0
    manifest = _manifest(project)
    pairs = {(a["bank"], a["target"]) for a in manifest["artifacts"]}  # type: ignore[attr-defined]
    assert pairs == {(bank, t) for bank in ("content/algebra.md", "content/sums.md") for t in TARGETS}


def test_manifest_is_reproducible_text(project: Path) -> None:
    assert _run(project) == 0
    text = (project / "dist" / "manifest.json").read_text(encoding="utf-8")
    assert str(project) not in text and "\\" not in text  # relative paths, forward slashes
    data = json.loads(text)
    assert list(data) == sorted(data) == ["artifacts", "diagnostics", "format", "targets"]
    lines = {line.strip().rstrip(",") for line in text.splitlines()}
    for artifact in data["artifacts"]:  # one line per artifact, keys sorted
        assert json.dumps(artifact, sort_keys=True, ensure_ascii=False, separators=(", ", ": ")) in lines
    names = [a["path"] for a in data["artifacts"]]
    assert names == sorted(names)


def test_rebuild_is_byte_identical_with_and_without_cache(project: Path,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    assert _run(project) == 0
    first = _snapshot(project / "dist")
    assert _run(project) == 0  # from the cache
    assert _snapshot(project / "dist") == first
    # Another folder, no cache at all, several processes: the same bytes.
    other = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(project / "content", other / "content")
    assert _run(other, "--no-cache", "-j", "2") == 0
    assert _snapshot(other / "dist") == first
    assert not (other / ".cache").exists()


def test_real_content_builds_every_artifact(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    args = ["build", str(CONTENT), "-o", str(out), "-q", "--to", ",".join(TARGETS), *_url_options(TARGETS)]
    assert main(args) == 0
    banks = sorted(CONTENT.glob("*.md"))
    names = {p.name for p in out.iterdir()}
    for bank in banks:
        for target in TARGETS:
            assert bank.stem + registry.load_target(target).suffix in names
    first = _snapshot(out)
    assert main([*args, "--no-cache"]) == 0
    assert _snapshot(out) == first


def test_check_clean_then_modified_then_stale(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "--check") == 1  # nothing built yet
    assert "manifest.json: missing" in capsys.readouterr().out
    assert _run(project) == 0
    assert _run(project, "--check") == 0
    artifact = next(p for p in sorted((project / "dist").iterdir()) if p.name != "manifest.json")
    before = _snapshot(project / "dist")
    artifact.write_bytes(artifact.read_bytes() + b"\n")
    capsys.readouterr()
    assert _run(project, "--check") == 1
    out = capsys.readouterr().out
    assert f"{artifact.name}: differs" in out
    assert sum("differs" in line for line in out.splitlines()) == 1
    assert artifact.read_bytes() == before[artifact.name] + b"\n"  # --check writes nothing
    assert _run(project) == 0  # a build repairs it
    assert _snapshot(project / "dist") == before
    # A bank edited after the build: its artifacts and the manifest are stale.
    bank = project / "content" / "sums.md"
    bank.write_text(bank.read_text(encoding="utf-8").replace("Pick the", "Choose the"), encoding="utf-8")
    assert _run(project, "--check") == 1
    out = capsys.readouterr().out
    assert "sums" in out and "algebra" not in out


def test_failed_build_leaves_output_untouched(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project) == 0
    before = _snapshot(project / "dist")
    mtimes = {p.name: p.stat().st_mtime_ns for p in (project / "dist").iterdir()}
    (project / "content" / "algebra.md").write_text(_bank("Algebra", 6) + "## Broken\n\n- (x) a\n- (x) b\n",
                                                      encoding="utf-8")
    (project / "content" / "sums.md").write_text(_bank("Sums", 5, start=20), encoding="utf-8")
    assert _run(project) == 1
    err = capsys.readouterr().err
    assert "error[E3" in err and "was not changed" in err
    assert _snapshot(project / "dist") == before
    assert {p.name: p.stat().st_mtime_ns for p in (project / "dist").iterdir()} == mtimes
    assert not [p for p in (project / "dist").iterdir() if p.name.startswith(".")]  # no temp files left


def test_strict_turns_warnings_into_a_stop(project: Path) -> None:
    (project / "content" / "sums.md").write_text(
        _bank("Sums", 2).replace("### Explanation\n\nAdd the two numbers: $1 + 1 = 2$.\n\n", ""), encoding="utf-8")
    assert _run(project, "--strict") == 1
    assert not (project / "dist").exists()
    assert _run(project) == 0
    warnings = [d for d in _manifest(project)["diagnostics"] if d["code"] == "W101"]  # type: ignore[attr-defined]
    assert warnings and warnings[0]["file"] == "content/sums.md"


def test_stale_artifacts_are_removed_but_foreign_files_kept(project: Path) -> None:
    assert _run(project) == 0
    (project / "dist" / "README.txt").write_text("mine", encoding="utf-8")
    (project / "content" / "sums.md").unlink()
    assert _run(project) == 0
    names = {p.name for p in (project / "dist").iterdir()}
    assert not any(n.startswith("sums") for n in names)
    assert "README.txt" in names and any(n.startswith("algebra") for n in names)


def test_edit_one_question_rerenders_only_it(project: Path) -> None:
    content, out = project / "content", project / "dist"
    big = content / "algebra.md"
    big.write_text(_bank("Algebra", 24), encoding="utf-8")
    request = BuildRequest([str(content)], out, targets=TARGETS, progress=False)
    first = build(request)
    assert not first.failed and first.cached == 0 and first.rendered > 24
    again = build(request)
    assert again.cached == 2 and again.rendered == 0 and again.changes == []
    big.write_text(big.read_text(encoding="utf-8").replace("What is $7 + 7$?", "What is $7 + 7$, exactly?"),
                   encoding="utf-8")
    edited = build(request)
    assert edited.cached == 1  # sums.md untouched
    assert 0 < edited.rendered <= 2  # only the edited stem's Markdown (its formula is known)
    assert {c.name for c in edited.changes} == {"manifest.json"} | {
        "algebra" + registry.load_target(t).suffix for t in TARGETS}
    cached_bytes = _snapshot(out)
    shutil.rmtree(out)
    fresh = build(BuildRequest([str(content)], out, targets=TARGETS, use_cache=False, progress=False))
    assert not fresh.failed and _snapshot(out) == cached_bytes  # the cache never changes the output


def test_changed_image_invalidates_the_cache(project: Path) -> None:
    figures = project / "content" / "figures"
    figures.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="{}" height="5"/></svg>'
    (figures / "box.svg").write_text(svg.format(5), encoding="utf-8")
    bank = project / "content" / "algebra.md"
    bank.write_text(_bank("Algebra", 2).replace("Pick the", "![A box](figures/box.svg)\n\nPick the"),
                    encoding="utf-8")
    request = BuildRequest([str(project / "content")], project / "dist", targets=TARGETS,
                           options={t: {"asset-base-url": "https://example.org/f/"} for t in TARGETS
                                    if "asset-base-url" in {o.name for o in registry.load_target(t).options}},
                           progress=False)
    assert not build(request).failed
    assert build(request).cached == 2
    (figures / "box.svg").write_text(svg.format(7), encoding="utf-8")
    assert build(request).cached == 1


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    for root in ("serial", "parallel"):
        content = tmp_path / root / "content"
        content.mkdir(parents=True)
        for k in range(4):
            (content / f"bank{k}.md").write_text(_bank(f"Bank {k}", 5, start=10 * k + 1), encoding="utf-8")
    serial = build(BuildRequest([str(tmp_path / "serial" / "content")], tmp_path / "serial" / "dist",
                                targets=TARGETS, jobs=1, progress=False))
    parallel = build(BuildRequest([str(tmp_path / "parallel" / "content")], tmp_path / "parallel" / "dist",
                                  targets=TARGETS, jobs=2, progress=False))
    assert serial.workers == 1 and parallel.workers == 2
    assert _snapshot(tmp_path / "serial" / "dist") == _snapshot(tmp_path / "parallel" / "dist")


def test_usage_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "--to", "no-such-target") == 2
    assert main(["build", str(project / "missing"), "-o", str(project / "dist")]) == 2
    assert main(["build", str(project / "content"), "-o", str(project / "dist"), "-O", "oops"]) == 2
    assert main(["build", str(project / "content"), "-o", str(project / "dist"), "-j", "0"]) == 2
    (project / "content" / "more").mkdir()
    (project / "content" / "more" / "sums.md").write_text(_bank("Other sums", 2), encoding="utf-8")
    assert _run(project) == 2
    assert "would both write" in capsys.readouterr().err
    assert not (project / "dist").exists()


def test_progress_bar_only_when_enabled(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    bar = Progress(3, stream=stream, enabled=True)
    for _ in range(3):
        bar.advance(10)
    assert "3/3 banks, 30 questions" in stream.getvalue() and "\r" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r")
    quiet = io.StringIO()
    off = Progress(3, stream=quiet)  # a StringIO is not a terminal
    off.advance(1)
    assert quiet.getvalue() == ""
    assert main(["build", str(project / "content"), "-o", str(project / "dist"), "--to", TARGETS[0]]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.err and "built 2 banks (10 questions)" in captured.out


def test_a_bank_named_twice_is_built_once(project: Path) -> None:
    assert main(["build", str(project / "content"), str(project / "content" / "sums.md"), "-o",
                 str(project / "dist"), "-q", "--to", TARGETS[0]]) == 0
    names = [a["path"] for a in _manifest(project)["artifacts"]]  # type: ignore[attr-defined]
    assert len(names) == len(set(names)) == 2


def test_write_error_is_a_diagnostic_not_a_traceback(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suffix = registry.load_target(TARGETS[0]).suffix
    (project / "dist" / f"sums{suffix}").mkdir(parents=True)  # a folder where a file must go
    assert main(["build", str(project / "content"), "-o", str(project / "dist"), "-q", "--to", TARGETS[0]]) == 1
    err = capsys.readouterr().err
    assert "error[E901]" in err and "manifest was not updated" in err
    assert not (project / "dist" / "manifest.json").exists()
    assert not [p for p in (project / "dist").iterdir() if p.name.startswith(".")]  # no temp files left


def test_one_bank_split_across_processes_matches_serial_and_is_cached(tmp_path: Path) -> None:
    for root in ("serial", "split"):
        (tmp_path / root / "content").mkdir(parents=True)
        (tmp_path / root / "content" / "only.md").write_text(_bank("Only", 8), encoding="utf-8")
    serial = build(BuildRequest([str(tmp_path / "serial" / "content")], tmp_path / "serial" / "dist",
                                targets=TARGETS, jobs=1, progress=False))
    request = BuildRequest([str(tmp_path / "split" / "content")], tmp_path / "split" / "dist",
                           targets=TARGETS, jobs=2, progress=False)
    split = build(request)
    assert not serial.failed and not split.failed
    assert _snapshot(tmp_path / "serial" / "dist") == _snapshot(tmp_path / "split" / "dist")
    again = build(request)  # the parts were merged into one complete record
    assert again.cached == 1 and again.changes == []
    job = plan_banks([str(tmp_path / "split" / "content" / "only.md")], tmp_path / "split")[0]
    units = plan_units([job], resolve_targets(TARGETS), 2)
    assert len(units) == min(2, len(TARGETS))
    assert sorted(t.name for _, part in units for t in part) == sorted(TARGETS)


def test_ids_shared_by_banks_of_one_category_stop_the_build_fresh_or_cached(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "banks"
    content.mkdir()
    bank = "---\ntitle: {t}\ncategory: Shared\n---\n\n## Q {{#same-id}}\n\nPick.\n\n- (x) a\n- ( ) b\n\n" \
           "### Explanation\n\nx\n"
    (content / "one.md").write_text(bank.format(t="One"))
    (content / "two.md").write_text(bank.format(t="Two"))
    args = ["build", str(content), "-o", str(tmp_path / "dist"), "--to", "gift", "--format", "json", "-q"]
    assert main([*args, "--no-cache"]) == 1
    assert "E210" in capsys.readouterr().out
    # Same check when both banks come from the cache (a first build with distinct ids fills it).
    (content / "two.md").write_text(bank.format(t="Two").replace("same-id", "other-id"))
    assert main(args) == 0
    (content / "two.md").write_text(bank.format(t="Two"))
    capsys.readouterr()
    assert main(args) == 1
    assert "E210" in capsys.readouterr().out
    assert main(args) == 1  # now one.md comes from the cache and two.md is re-read
    assert "E210" in capsys.readouterr().out


# Run in a fresh process, so nothing rendered in memory by an earlier build can hide a memo
# that does not work: it counts every call into the Markdown and LaTeX libraries themselves.
COUNTING_BUILD = r'''
import json, sys
from pathlib import Path
import latex2mathml.converter as l2m
import markdown

calls = {"mathml": 0, "markdown": 0}
def counted(name, function):
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return wrapper
l2m.convert = counted("mathml", l2m.convert)
l2m.convert_to_element = counted("mathml", l2m.convert_to_element)
markdown.Markdown.convert = counted("markdown", markdown.Markdown.convert)
from qbank.build.engine import BuildRequest, build  # after the counters: it binds latex2mathml's names
bank, out, cache = sys.argv[1:4]
report = build(BuildRequest([bank], Path(out), targets=["html", "qti21"], cache_dir=Path(cache), progress=False,
                            jobs=1))
print(json.dumps({**calls, "rendered": report.rendered, "cached": report.cached, "failed": report.failed}))
'''


def _counting_build(bank: Path, out: Path, cache: Path) -> dict[str, int]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", COUNTING_BUILD, str(bank), str(out), str(cache)],
                          capture_output=True, text=True, check=True, timeout=300)
    counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counts


def test_warm_rebuild_converts_no_formula_and_renders_no_fragment(tmp_path: Path) -> None:
    """The on-disk memo holds every rendering result a bank used: lint's LaTeX checks, the
    fragments' Markdown and the formulas' MathML of every target."""
    cache, out = tmp_path / "cache", tmp_path / "dist"
    bank = tmp_path / "showcase.md"
    shutil.copytree(CONTENT / "figures", tmp_path / "figures")
    shutil.copy(CONTENT / "showcase.md", bank)
    cold = _counting_build(bank, out, cache)
    assert not cold["failed"] and cold["mathml"] >= 40 and cold["markdown"] >= 15 and cold["rendered"] > 60, cold
    cold_files = _snapshot(out)
    # Forget the bank's record (as a code change would), keep its memo: the bank is read,
    # linted and exported again, and every result comes from the memo.
    shutil.rmtree(cache / "records")
    warm = _counting_build(bank, out, cache)
    assert warm == {"mathml": 0, "markdown": 0, "rendered": 0, "cached": 0, "failed": False}
    assert _snapshot(out) == cold_files


def test_a_family_of_targets_stays_in_one_process_part() -> None:
    from qbank.build.parallel import split_targets

    targets = resolve_targets(TARGETS)
    groups = split_targets(targets, 2)
    families = {t.name: t.family for t in targets}
    for group in groups:
        for other in groups:
            if other is not group:
                assert not {families[t.name] for t in group} & {families[t.name] for t in other}
    if {"qti21", "qti30"} <= set(TARGETS):
        assert any({"qti21", "qti30"} <= {t.name for t in group} for group in groups)


def test_the_memo_is_discarded_when_rendering_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A memo written by another Markdown or latex2mathml (or rendering code) is not reused."""
    from qbank.build import memo as memo_module

    path = tmp_path / "memo.json"
    saved = memo_module.FragmentMemo()
    saved.put("html", "*x*", "<p><em>x</em></p>")
    saved.save(path)
    assert memo_module.FragmentMemo.load(path).get("html", "*x*") == "<p><em>x</em></p>"
    monkeypatch.setattr(memo_module, "render_fingerprint", lambda: "another renderer")
    assert memo_module.FragmentMemo.load(path).get("html", "*x*") is None
