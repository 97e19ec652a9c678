"""Benchmark: qbank against text2qti 0.8.0 on the same generated banks.

    python bench/run.py            # 100, 1,000 and 10,000 questions
    python bench/run.py --quick    # 100 and 1,000 only

For each size it generates banks of 100 questions (``bench/generate.py``, fixed seed) in
both formats, then runs, each as its own process, timed from outside:

- text2qti 0.8.0 converting every bank to Canvas QTI 1.2 (installed on first use into a
  virtual environment under ``.cache/bench/``; it is not a qbank dependency);
- ``qbank build`` of every bank to every installed target, without a cache (cold);
- ``qbank build --to canvas`` (the one target text2qti has), without a cache;
- ``qbank build`` with its cache: a no-change rebuild, and a rebuild after editing one question;
- ``qbank lint`` of every bank.

Wall time, CPU time and the peak resident memory of the largest process are printed as a
Markdown table. Run it on an idle machine: other load inflates wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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


def edit_one_question(folder: Path) -> None:
    bank = sorted(folder.glob("*.md"))[len(list(folder.glob("*.md"))) // 2]
    text = bank.read_text(encoding="utf-8")
    marker = "## Question"
    at = text.index(marker, text.index(marker) + 1)  # the second question of the bank
    end = text.index("\n\n", text.index("\n\n", at) + 2)
    bank.write_text(text[:end] + " (Edited.)" + text[end:], encoding="utf-8")


def bench_size(size: int, work: Path, t2q: str | None, jobs: list[str]) -> list[tuple[str, Measure]]:
    folder = work / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    qbank_dir, t2q_dir = write(generate(size), folder)
    qbank = [sys.executable, "-m", "qbank"]
    rows: list[tuple[str, Measure]] = []
    if t2q is not None:
        rows.append(("text2qti, Canvas QTI 1.2", meter([t2q, str(HERE / "text2qti_driver.py"), str(t2q_dir),
                                                        str(folder / "text2qti-out")])))
    build = [*qbank, "build", str(qbank_dir), "-q", *jobs]
    canvas = [*build, *target_options("canvas"), "--to", "canvas", "--no-cache", "-o", str(folder / "dist-canvas")]
    build += target_options()
    rows.append(("qbank build, all targets, no cache", meter([*build, "-o", str(folder / "dist-cold"), "--no-cache"])))
    rows.append(("qbank build --to canvas, no cache", meter(canvas)))
    dist = str(folder / "dist")
    rows.append(("qbank build, all targets, filling the cache", meter([*build, "-o", dist])))
    rows.append(("qbank build, all targets, nothing changed", meter([*build, "-o", dist])))
    edit_one_question(qbank_dir)
    rows.append(("qbank build, all targets, one question edited", meter([*build, "-o", dist])))
    rows.append(("qbank lint", meter([*qbank, "lint", str(qbank_dir)])))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 questions only")
    parser.add_argument("--sizes", help="comma-separated question counts (overrides --quick)")
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
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; wall and CPU in seconds, peak RSS in MiB")
    print()
    print("| questions | run | wall s | CPU s | peak MiB | text2qti wall ÷ this wall |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size in sizes:
        rows = bench_size(size, args.work, t2q, jobs)
        reference = rows[0][1].wall if t2q is not None else None
        for name, m in rows:
            ratio = f"{reference / m.wall:.1f}×" if reference and not name.startswith("text2qti") else ""
            status = "" if m.code == 0 else f" (exit {m.code})"
            print(f"| {size:,} | {name}{status} | {m.wall:.2f} | {m.cpu:.2f} | {m.peak_mib:.0f} | {ratio} |",
                  flush=True)


if __name__ == "__main__":
    main()
