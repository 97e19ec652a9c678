"""Benchmark: qbank against text2qti 0.8.0 on the same generated banks, in one run.

    python bench/run.py                # 100, 1,000 and 10,000 questions, 3 alternating rounds
    python bench/run.py --quick        # 100 and 1,000 only
    python bench/run.py --repeats 5    # more rounds (medians get steadier)

For each size it generates banks of 100 questions (``bench/generate.py``, fixed seed) in both
formats, then measures each run as a process of its own, timed from outside:

- text2qti 0.8.0 converting every bank to Canvas QTI 1.2 (installed on first use into a virtual
  environment under ``.cache/bench/``; it is not a qbank dependency), in one process;
- ``qbank build`` of every bank to every installed target, with no cache (cold);
- ``qbank build --to canvas`` (the one target text2qti has), with no cache;
- ``qbank lint`` of every bank;
- ``qbank build`` with its cache: nothing changed, and after editing one question;
- ``qbank --help``.

text2qti and the two cold builds run in alternating rounds (text2qti, all targets, canvas,
text2qti, ...), so a busy machine slows each of them alike; each figure is the median of its
rounds and each ratio the median of the per-round ratios. The two tables it prints are the ones
in docs/performance.md: the comparison, and every figure against its target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, write  # noqa: E402

TEXT2QTI = "text2qti==0.8.0"


@dataclass
class Measure:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children
    peak_mib: float  # largest resident set of any one process
    code: int


def meter(command: list[str], cwd: Path | None = None) -> Measure:
    """Run ``command`` in a fresh metering process, so resource usage covers it alone."""
    probe = [sys.executable, str(Path(__file__).resolve()), "--meter", "--", *command]
    out = subprocess.run(probe, cwd=cwd, capture_output=True, text=True, check=False)
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as exc:
        raise SystemExit(f"metering {' '.join(command)} failed:\n{out.stdout}\n{out.stderr}") from exc
    if data["code"] != 0:
        raise SystemExit(f"{' '.join(command)} exited with {data['code']}")
    return Measure(data["wall"], data["cpu"], data["peak_kib"] / 1024, data["code"])


def _meter_main(command: list[str]) -> None:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "code": done.returncode,
                      "peak_kib": usage.ru_maxrss}))


def text2qti_python(cache: Path) -> str | None:
    """A Python with text2qti installed (made once under ``cache``), or None if pip cannot install it."""
    venv = cache / "text2qti-venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if python.exists() and subprocess.run([str(python), "-c", "import text2qti"], capture_output=True).returncode == 0:
        return str(python)
    print(f"installing {TEXT2QTI} into {venv} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", TEXT2QTI], capture_output=True, text=True)
    if install.returncode != 0:
        print(f"cannot install {TEXT2QTI}; text2qti is left out:\n{install.stderr}", file=sys.stderr)
        return None
    return str(python)


def target_options(only: str | None = None) -> list[str]:
    """``-O`` settings that let every installed target (or ``only``) take the generated banks."""
    from qbank import registry

    pairs = []
    for name in registry.available_targets():
        if only is not None and name != only:
            continue
        try:
            options = registry.load_target(name).options
        except Exception:  # a target that cannot load is reported by qbank build itself
            continue
        if any(o.name == "asset-base-url" and not o.default for o in options):
            pairs += ["-O", f"{name}.asset-base-url=https://example.org/figures/"]
    return pairs


def edit_one_question(folder: Path, round_number: int) -> None:
    """Change the text of one question (another one each round) of the middle bank."""
    banks = sorted(folder.glob("*.md"))
    bank = banks[len(banks) // 2]
    text = bank.read_text(encoding="utf-8")
    marker = "## Question"
    at = -1
    for _ in range(round_number + 2):  # the second question, then the third, ...
        at = text.index(marker, at + 1)
    end = text.index("\n\n", text.index("\n\n", at) + 2)
    bank.write_text(text[:end] + f" (Edited {round_number}.)" + text[end:], encoding="utf-8")


@dataclass
class SizeResult:
    size: int
    runs: dict[str, list[Measure]]
    ratios: dict[str, list[float]]  # text2qti wall ÷ qbank wall, per round

    def median(self, name: str) -> float:
        return statistics.median(m.wall for m in self.runs[name])

    def ratio(self, name: str) -> float | None:
        return statistics.median(self.ratios[name]) if self.ratios.get(name) else None

    def peak(self, name: str) -> float:
        return max(m.peak_mib for m in self.runs[name])


def bench_size(size: int, work: Path, t2q: str | None, jobs: list[str], repeats: int) -> SizeResult:
    folder = work / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    qbank_dir, t2q_dir = write(generate(size), folder)
    qbank = [sys.executable, "-m", "qbank"]
    build = [*qbank, "build", str(qbank_dir), "-q", *jobs]
    cold_all = [*build, *target_options(), "--no-cache", "-o", str(folder / "dist-cold")]
    cold_canvas = [*build, *target_options("canvas"), "--to", "canvas", "--no-cache", "-o", str(folder / "dist-canvas")]
    runs: dict[str, list[Measure]] = {name: [] for name in ("text2qti", "all", "canvas", "lint", "unchanged",
                                                            "edited")}
    ratios: dict[str, list[float]] = {"all": [], "canvas": []}
    for _ in range(repeats):
        reference = None
        if t2q is not None:
            reference = meter([t2q, str(HERE / "text2qti_driver.py"), str(t2q_dir), str(folder / "text2qti-out")])
            runs["text2qti"].append(reference)
        for name, command in (("all", cold_all), ("canvas", cold_canvas)):
            measured = meter(command)
            runs[name].append(measured)
            if reference is not None:
                ratios[name].append(reference.wall / measured.wall)
    cached = [*build, *target_options(), "-o", str(folder / "dist")]
    meter(cached)  # fill the cache
    for round_number in range(repeats):
        runs["lint"].append(meter([*qbank, "lint", str(qbank_dir)]))
        runs["unchanged"].append(meter(cached))
        edit_one_question(qbank_dir, round_number)
        runs["edited"].append(meter(cached))
    return SizeResult(size, runs, ratios)


def help_time(repeats: int) -> float:
    return statistics.median(meter([sys.executable, "-m", "qbank", "--help"]).wall for _ in range(max(3, repeats)))


def compare(wall: float, reference: float | None, ratio: float | None) -> str:
    if reference is None or ratio is None:
        return f"{wall:.2f} s"
    return f"{wall:.2f} s ({ratio:.1f}× faster)" if ratio >= 1 else f"{wall:.2f} s ({1 / ratio:.1f}× slower)"


def report(results: list[SizeResult], helped: float, cpus: int) -> str:
    lines = [f"Python {sys.version.split()[0]}, {cpus} CPUs; medians of alternating rounds, ratio = median of "
             "per-round ratios (text2qti wall ÷ qbank wall)", "",
             "| questions | text2qti, QTI 1.2 only | qbank build, all targets, cold | qbank --to canvas, cold |",
             "| ---: | ---: | ---: | ---: |"]
    for r in results:
        t2q = r.median("text2qti") if r.runs["text2qti"] else None
        lines.append(f"| {r.size:,} | {f'{t2q:.2f} s' if t2q is not None else 'n/a'} | "
                     f"{compare(r.median('all'), t2q, r.ratio('all'))} | "
                     f"{compare(r.median('canvas'), t2q, r.ratio('canvas'))} |")
    lines += ["", "| target | measured | met? |", "| --- | --- | --- |"]
    by_size = {r.size: r for r in results}

    def row(target: str, measured: str, met: bool | None) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no' if met is not None else 'n/a'} |")

    if 100 in by_size:
        r = by_size[100]
        ratio = r.ratio("all")
        row("100 questions, all targets, whole process: no slower than 1.2× text2qti",
            f"{r.median('all'):.2f} s, {f'{1 / ratio:.2f}× text2qti' if ratio else 'no text2qti'}",
            None if ratio is None else 1 / ratio <= 1.2)
        row("`qbank lint` of 100 questions ≤ 0.25 s", f"{r.median('lint'):.2f} s", r.median("lint") <= 0.25)
    row("`qbank --help` ≤ 0.1 s", f"{helped:.3f} s", helped <= 0.1)
    if 10000 in by_size:
        r = by_size[10000]
        for name, need, label in (("all", 2.0, "all targets, cold: ≥ 2× faster than text2qti (stretch 3×)"),
                                  ("canvas", 4.0, "`--to canvas`: ≥ 4× faster than text2qti")):
            ratio = r.ratio(name)
            row(f"10,000 questions, {label}", f"{r.median(name):.2f} s, {f'{ratio:.2f}×' if ratio else 'n/a'}",
                None if ratio is None else ratio >= need)
        row("10,000 questions, `qbank lint` ≤ 1.5 s", f"{r.median('lint'):.2f} s", r.median("lint") <= 1.5)
        peak = max(r.peak("all"), r.peak("lint"))
        row("10,000 questions, peak memory ≤ 200 MiB", f"{peak:.0f} MiB", peak <= 200)
        row("10,000 questions, rebuild after a one-question edit ≤ 0.5 s", f"{r.median('edited'):.2f} s",
            r.median("edited") <= 0.5)
        row("10,000 questions, a no-change build ≤ 0.3 s", f"{r.median('unchanged'):.2f} s",
            r.median("unchanged") <= 0.3)
    lines += ["", "Every run (wall / CPU seconds, peak MiB):", ""]
    for r in results:
        for name, measures in r.runs.items():
            if measures:
                shown = ", ".join(f"{m.wall:.2f}/{m.cpu:.2f}/{m.peak_mib:.0f}" for m in measures)
                lines.append(f"- {r.size:,} {name}: {shown}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 questions only")
    parser.add_argument("--sizes", help="comma-separated question counts (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating rounds per size (default 3)")
    parser.add_argument("-j", "--jobs", type=int, help="pass -j N to qbank build (default: its own choice)")
    parser.add_argument("--work", type=Path, default=HERE.parent / ".cache" / "bench",
                        help="working folder (default: .cache/bench/)")
    parser.add_argument("--no-text2qti", action="store_true", help="do not run text2qti")
    parser.add_argument("--meter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.meter:
        _meter_main(args.command)
        return
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 1000] if args.quick else
                                                                          [100, 1000, 10000])
    args.work.mkdir(parents=True, exist_ok=True)
    t2q = None if args.no_text2qti else text2qti_python(args.work)
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    results = []
    for size in sizes:
        results.append(bench_size(size, args.work, t2q, jobs, args.repeats))
        print(f"measured {size:,} questions", file=sys.stderr, flush=True)
    print(report(results, help_time(args.repeats), os.cpu_count() or 1))


if __name__ == "__main__":
    main()
