"""Benchmark: varied questions, against a plain bank of the same questions, in one run.

    python bench/variants.py                       # 100 varied questions × 20 variants
    python bench/variants.py --questions 50 --variants 10

It writes two banks under ``.cache/bench/variants/``:

- ``varied/``: N varied questions (numerical, multiple choice with computed distractors, short
  answer), each asking for V variants;
- ``plain/``: the same N × V questions written out as plain Markdown, each varied question's
  variants a ``# ... {pick=1}`` group (what the reader makes of the varied bank, so both builds
  write the same artifacts' worth of questions),

and times ``qbank build`` of each to every target without a cache, and ``qbank lint``, each as
its own process (``bench/run.py``'s meter: wall, CPU, peak memory). It then measures what the
evaluator's bounds cost: evaluating every variant's values alone, the slowest block the limits
allow, and what starting a subprocess per bank (the alternative to those bounds) would add.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import meter  # noqa: E402

from qbank.variants import limits  # noqa: E402
from qbank.variants.evaluate import MAX_NODES, Block, Evaluator, parse_block  # noqa: E402
from qbank.variants.rng import variant_key  # noqa: E402

COUNTRIES = (("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid"), ("Japan", "Tokyo"), ("Kenya", "Nairobi"),
             ("Peru", "Lima"), ("Egypt", "Cairo"), ("Norway", "Oslo"), ("Chile", "Santiago"), ("Ghana", "Accra"))


def numerical(n: int, variants: int) -> str:
    return f"""## Circuit {n} {{#circuit-{n} variants={variants} unit=V}}

```vars
R = randint(10, 500, 5)    # ohms
I = uniform(0.1, 3, 0.1)   # amperes
V = R * I
```

In circuit {n}, a resistor of $R = {{{{R}}}}\\,\\Omega$ carries $I = {{{{I:.1f}}}}\\ \\mathrm{{A}}$. What is the
voltage across it, in volts?

- = {{{{V}}}} ± 0.05
  > Right: $V = RI = {{{{V|sig=4}}}}\\ \\mathrm{{V}}$.

### Explanation

Ohm's law gives $V = {{{{= R * I :.2f}}}}\\ \\mathrm{{V}}$.

"""


def choice(n: int, variants: int) -> str:
    return f"""## Energy {n} {{#energy-{n} variants={variants}}}

```vars
m = uniform(0.5, 9.5, 0.5)  # kg
v = randint(2, 40)          # m/s
E = m * v**2 / 2
```

Case {n}: a body of {{{{m:.1f}}}} kg moves at {{{{v}}}} m/s. Its kinetic energy $\\frac{{1}}{{2}} m v^2$ is about:

- (x) ${{{{E|sig=3}}}}\\ \\mathrm{{J}}$
- ( ) ${{{{= m * v**2 |sig=3}}}}\\ \\mathrm{{J}}$
  > That is $m v^2$: the factor $\\frac{{1}}{{2}}$ is missing.
- ( ) ${{{{= m * v / 2 |sig=3}}}}\\ \\mathrm{{J}}$
  > The speed is squared.

### Explanation

$E = \\frac{{1}}{{2}} \\times {{{{m}}}} \\times {{{{v}}}}^2 = {{{{E}}}}\\ \\mathrm{{J}}$.

"""


def short(n: int, variants: int) -> str:
    countries = ", ".join(f'"{c}"' for c, _ in COUNTRIES)
    capitals = ", ".join(f'"{c}"' for _, c in COUNTRIES)
    return f"""## Capital {n} {{#capital-{n} variants={variants}}}

```vars
k = randint(0, {len(COUNTRIES) - 1})
year = randint(1990, 2030)
country = [{countries}][k]
capital = [{capitals}][k]
```

Question {n}: in {{{{year}}}}, what was the capital of {{{{country}}}}?

- = {{{{capital}}}}

### Explanation

The capital of {{{{country}}}} is {{{{capital}}}}.

"""


def varied_bank(questions: int, variants: int, seed: int = 2026) -> str:
    rng = random.Random(seed)  # the mix only; the values come from qbank's own draws
    makers = [numerical] * 2 + [choice] * 2 + [short]
    parts = [f"---\ntitle: Varied benchmark\nseed: {seed}\n---\n\n"]
    for n in range(1, questions + 1):
        parts.append(rng.choice(makers)(n, variants))
    return "".join(parts)


def plain_bank(path: Path) -> str:
    """The varied bank as its reader reads it, written out as plain Markdown (a pool per question)."""
    from qbank.lint import lint_file
    from qbank.models import MultipleChoice, Numerical, ShortAnswer

    bank, found = lint_file(path)
    assert bank is not None and not [d for d in found if d.is_error], found[:3]
    groups = {g.id: g for g in bank.groups}
    out = ["---\ntitle: Plain benchmark\n---\n\n"]
    current = None
    for q in bank.questions:
        if q.group != current:
            current = q.group
            group = groups[q.group] if q.group else None
            out.append(f"# {group.title} {{#{group.id} pick=1}}\n\n" if group else "")
        unit = f" unit={q.unit}" if isinstance(q, Numerical) and q.unit else ""
        out.append(f"## {q.title} {{#{q.id}{unit}}}\n\n{q.stem.source}\n\n")
        if isinstance(q, MultipleChoice):
            for c in q.choices:
                out.append(f"- ({'x' if c.correct else ' '}) {c.text.source}\n")
                out.extend(f"  > {c.feedback.source}\n" if c.feedback else "")
        elif isinstance(q, Numerical):
            for a in q.answers:
                out.append(f"- = {a.source}\n")
                out.extend(f"  > {a.feedback.source}\n" if a.feedback else "")
        elif isinstance(q, ShortAnswer):
            out.extend(f"- = {a.text}\n" for a in q.answers)
        if q.explanation is not None:
            out.append(f"\n### Explanation\n\n{q.explanation.source}\n")
        out.append("\n")
    return "".join(out)


def evaluation_costs(path: Path, variants: int) -> list[tuple[str, float]]:
    """Seconds to evaluate (only) every variant's values, and the slowest block the limits allow."""

    text = path.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip("\n") for b in text.split("```vars\n")[1:]]
    parsed = [parse_block([(k + 1, line) for k, line in enumerate(b.splitlines())]) for b in blocks]
    start = time.perf_counter()
    for number, block in enumerate(parsed):
        evaluator = Evaluator(block)
        for k in range(1, variants + 1):
            evaluator.values(variant_key("s", f"q{number}", k))
    every = time.perf_counter() - start
    rows = [(f"evaluate every variant's values ({len(parsed)} questions × {variants})", every)]
    worst_unit = 0.0
    for name, make in (("trigonometry", lambda k: f"x{k} = sin(x{k - 1} * 999) + cos(x{k - 1} * 999) + "
                        f"atan(x{k - 1} * 1000)" if k % 2 else f"x{k} = exp(x{k - 1}) ** 0.5 + "
                        f"ln(abs(x{k - 1}) + 1) + asin(x{k - 1} / 10)"),
                       ("decimal powers", lambda k: f"x{k} = (x{k - 1} % 7 + 1.000001) ** 0.123456789"),
                       ("cheap arithmetic", lambda k: f"x{k} = x{k - 1} * 1.5 - 2")):
        block = _chain(make)
        evaluator = Evaluator(block)
        start = time.perf_counter()
        for k in range(1, 11):
            evaluator.values(variant_key("s", "worst", k))
        seconds = (time.perf_counter() - start) / 10
        worst_unit = max(worst_unit, seconds / block.cost)
        rows.append((f"one variant of a block of {name} at the node limit ({block.nodes} nodes, cost "
                     f"{block.cost:,} units; {seconds / block.cost * 1e6:.2f} µs a unit)", seconds))
    rows.append((f"the most one bank may spend ({limits.MAX_BANK_WORK:,} units at the slowest unit above)",
                 limits.MAX_BANK_WORK * worst_unit))
    return rows


def _chain(make: Callable[[int], str]) -> Block:
    """``x0 = ...`` then lines made by ``make``, each using the one before, up to the node limit."""
    lines = ["x0 = uniform(0.1, 0.9, 0.001)"]
    while True:
        candidate = parse_block([(i + 1, t) for i, t in enumerate([*lines, make(len(lines))])])
        if candidate.nodes > MAX_NODES or candidate.problems:
            return parse_block([(i + 1, t) for i, t in enumerate(lines)])
        lines.append(make(len(lines)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--work", type=Path, default=HERE.parent / ".cache" / "bench" / "variants")
    args = parser.parse_args()
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    (work / "varied").mkdir(parents=True)
    (work / "plain").mkdir(parents=True)
    varied = work / "varied" / "varied.md"
    varied.write_text(varied_bank(args.questions, args.variants), encoding="utf-8")
    (work / "plain" / "plain.md").write_text(plain_bank(varied), encoding="utf-8")
    total = args.questions * args.variants
    qbank = [sys.executable, "-m", "qbank"]
    rows = []
    for name in ("varied", "plain"):
        what = (f"{args.questions} varied questions × {args.variants} variants" if name == "varied"
                else f"the same {total:,} questions, plain")
        build = meter([*qbank, "build", str(work / name), "-q", "--no-cache", "-o", str(work / f"dist-{name}")])
        lint = meter([*qbank, "lint", str(work / name)])
        assert build.code == 0 and lint.code in (0, 1), (name, build, lint)
        rows.append((what, build, lint))
    print("| bank | build, all targets, no cache: wall s | CPU s | peak MiB | lint: wall s | CPU s |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: |")
    for what, build, lint in rows:
        print(f"| {what} | {build.wall:.2f} | {build.cpu:.2f} | {build.peak_mib:.0f} | {lint.wall:.2f} | "
              f"{lint.cpu:.2f} |")
    print(f"\nvaried ÷ plain: build wall {rows[0][1].wall / rows[1][1].wall:.2f}×, "
          f"CPU {rows[0][1].cpu / rows[1][1].cpu:.2f}×; lint wall {rows[0][2].wall / rows[1][2].wall:.2f}×")
    print("\n| evaluation | seconds |\n| --- | ---: |")
    for what, seconds in evaluation_costs(varied, args.variants):
        print(f"| {what} | {seconds:.4f} |")
    spawn = meter([sys.executable, "-c", "import qbank.variants.engine"])
    print(f"| start a Python process and import the evaluator (a subprocess per bank would add this) | "
          f"{spawn.wall:.4f} |")


if __name__ == "__main__":
    main()
