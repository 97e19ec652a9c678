"""Where the time of a build goes: reading + lint, then each target, per question (in-process).

    python bench/targets.py [QUESTIONS]    # default 500 (5 banks of 100)

Each target runs in a fresh process on the same generated banks, first with nothing cached
("cold": Markdown and MathML rendered by this target) and then again ("warm": rendering
cached in memory, as for the second and later targets of a build), so the figures show what a
target's own code costs. Prints CPU milliseconds per question.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write  # noqa: E402

PROBE = r"""
import json, sys, time
from qbank import registry
from qbank.lint import lint_file
files, name = json.loads(sys.argv[1]), sys.argv[2]
t = time.process_time()
banks = [lint_file(f)[0] for f in files]
read = time.process_time() - t
cls = registry.load_target(name)
settings = {o.name: "https://example.org/f/" for o in cls.options if o.name == "asset-base-url"}
exporter = cls(**settings)
t = time.process_time()
for bank in banks:
    exporter.export(bank)
cold = time.process_time() - t
t = time.process_time()
for bank in banks:
    exporter.export(bank)
warm = time.process_time() - t
print(json.dumps({"read": read, "cold": cold, "warm": warm}))
"""


def main() -> None:
    from qbank import registry

    questions = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as work:
        folder, _ = write(generate(questions), Path(work))
        files = json.dumps([str(p) for p in sorted(folder.glob("*.md"))])
        print(f"{questions} questions; CPU ms per question")
        print()
        print("| target | read + lint | export, cold | export, warm |")
        print("| --- | ---: | ---: | ---: |")
        for name in registry.available_targets():
            out = subprocess.run([sys.executable, "-c", PROBE, files, name], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"| {name} | failed: {out.stderr.strip().splitlines()[-1]} | | |")
                continue
            data = json.loads(out.stdout)
            per = {k: 1000 * v / questions for k, v in data.items()}
            print(f"| {name} | {per['read']:.2f} | {per['cold']:.2f} | {per['warm']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
