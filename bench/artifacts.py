"""Prove that a change leaves every artifact byte-identical (or show exactly which ones changed).

    python bench/artifacts.py record before.json    # on the old code
    python bench/artifacts.py record after.json     # on the new code
    python bench/artifacts.py compare before.json after.json

``record`` takes the SHA-256 of every artifact qbank writes for:

- every bank under ``content/``, to every installed target, with each target's default
  options and with every value of each option that has choices;
- a generated benchmark bank (``bench/generate.py``, fixed seed, 300 questions);
- every bank the test suite exports: the suite runs with this file as a pytest plugin
  (``-p artifacts``), which records each ``Exporter.export`` result under the test's node id
  and the call's number within that test. Property tests (Hypothesis draws new examples from
  run to run) are left out.

It only records: the exporter is called exactly as the tests call it, and its result is
returned untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOG_ENV = "QBANK_ARTIFACT_LOG"
SKIPPED_TEST_FILES = ("test_properties.py",)


# --- the pytest plugin ---------------------------------------------------------------------


def pytest_configure(config: Any) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    from qbank.exporter import Exporter

    calls: defaultdict[str, int] = defaultdict(int)
    records: dict[str, str | None] = {}
    current: list[str] = [""]
    original = Exporter.export

    def recording_export(self: Exporter, bank: Any) -> Any:
        result = original(self, bank)
        node = current[0]
        if node and not any(name in node for name in SKIPPED_TEST_FILES):
            calls[node] += 1
            key = f"{node}#{calls[node]}:{self.name}:{Path(bank.path).name}"
            records[key] = None if result.data is None else hashlib.sha256(result.data).hexdigest()
        return result

    Exporter.export = recording_export  # type: ignore[method-assign]
    config._qbank_artifacts = (records, current, path)  # type: ignore[attr-defined]


def pytest_runtest_setup(item: Any) -> None:
    state = getattr(item.config, "_qbank_artifacts", None)
    if state is not None:
        state[1][0] = item.nodeid


def pytest_unconfigure(config: Any) -> None:
    state = getattr(config, "_qbank_artifacts", None)
    if state is not None:
        records, _, path = state
        Path(path).write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# --- recording -----------------------------------------------------------------------------


def option_sets() -> Iterator[tuple[str, dict[str, str]]]:
    """Each installed target with its defaults, then with every other value of each option."""
    from qbank import registry

    for name in registry.available_targets():
        cls = registry.load_target(name)
        base = {o.name: "https://example.org/figures" for o in cls.options if o.name == "asset-base-url"}
        yield name, base
        for option in cls.options:
            for value in option.choices or ():
                if value != option.default:
                    yield name, {**base, option.name: value}


def export_digests(banks: list[Path]) -> dict[str, str | None]:
    from qbank import registry
    from qbank.lint import lint_file

    found: dict[str, str | None] = {}
    for path in banks:
        bank, diagnostics = lint_file(path)
        if bank is None or any(d.is_error for d in diagnostics):
            raise SystemExit(f"{path} does not lint clean")
        for name, settings in option_sets():
            result = registry.load_target(name)(**settings).export(bank)
            label = ",".join(f"{k}={v}" for k, v in sorted(settings.items()))
            key = f"{path.relative_to(path.parents[1]).as_posix()}:{name}:{label}"
            found[key] = None if result.data is None else hashlib.sha256(result.data).hexdigest()
    return found


def record(output: Path) -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate, write

    with tempfile.TemporaryDirectory(prefix="qbank-artifacts-") as scratch:
        generated, _ = write(generate(300), Path(scratch) / "bench")
        banks = sorted((ROOT / "content").glob("*.md")) + sorted(Path(generated).glob("*.md"))
        digests = export_digests(banks)
        log = Path(scratch) / "tests.json"
        env = {**os.environ, LOG_ENV: str(log), "HYPOTHESIS_PROFILE": "ci", "PYTHONPATH": os.pathsep.join(
            [str(HERE), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "artifacts", "-p", "no:cacheprovider",
                        "-x", "--ignore=tests/test_properties.py"], cwd=ROOT, env=env, check=True)
        tests = json.loads(log.read_text(encoding="utf-8"))
    data = {"banks": digests, "tests": tests}
    output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(digests)} bank artifacts and {len(tests)} test exports recorded in {output}")


def compare(before: Path, after: Path) -> int:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    problems = 0
    for part in ("banks", "tests"):
        a, b = old[part], new[part]
        for key in sorted(set(a) | set(b)):
            if key not in b:
                print(f"{part}: only before: {key}")
            elif key not in a:
                print(f"{part}: only after: {key}")
            elif a[key] != b[key]:
                print(f"{part}: differs: {key}")
            else:
                continue
            problems += 1
        same = sum(1 for key in a if b.get(key) == a[key] and key in b)
        print(f"{part}: {same} identical of {len(a)} before / {len(b)} after")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("record").add_argument("output", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.output)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
