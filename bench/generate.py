"""Seeded generator of realistic question banks, written both in qbank's format and text2qti's.

The same questions go to both: a mix of multiple choice, multiple select, numerical, short
answer and essay; stems of 2–4 sentences, inline math in about half of them, and answer
feedback in about a third. Every question has an explanation (qbank warns without one, and
text2qti's ``...`` general feedback is its equivalent). Numerical values stay at or above
1e-4 in magnitude (text2qti rejects smaller ones) and are written without exponents.

    python bench/generate.py 1000 out/        # 10 banks of 100 questions, both formats
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

PER_BANK = 100

SUBJECTS = ("gradient descent", "a Markov chain", "the softmax function", "a binary search tree", "Bayes' rule",
            "an eigenvector", "a hash table", "the central limit theorem", "a convolution", "dynamic programming",
            "a Fourier series", "backpropagation", "a priority queue", "the chain rule", "a random variable")
CLAUSES = ("Consider {s} as it is usually taught in a first course.",
           "A student claims that {s} behaves differently on large inputs.",
           "Recall the definition of {s} from the lecture notes.",
           "Suppose we apply {s} to a small, carefully chosen example.",
           "The textbook discusses {s} in chapter {n}.",
           "We look at {s} under the usual assumptions.",
           "Think about what {s} computes step by step.")
FORMULAS = (r"\frac{{{a}}}{{{b}}}", r"x^{{{a}}} + y^{{{b}}}", r"\sum_{{i=1}}^{{{a}}} i^{{{b}}}", r"\sqrt{{{a}}}",
            r"\int_0^{{{a}}} x^{{{b}}}\,dx", r"\alpha_{{{a}}} + \beta_{{{b}}}", r"\mathbb{{E}}[X_{{{a}}}]",
            r"\log_{{{b}}} {a}", r"{a} \times {b}", r"\theta_{{{a}}} \leq {b}")
WORDS = ("linear", "constant", "quadratic", "logarithmic", "exponential", "bounded", "convex", "stable",
         "sparse", "dense", "orthogonal", "symmetric", "monotone", "periodic", "unbiased", "consistent")
ANSWERS = ("Paris", "Newton", "gradient", "entropy", "matrix", "kernel", "vector", "prime", "median", "tensor")
KINDS = ("multiple-choice",) * 7 + ("multiple-select",) * 4 + ("numerical",) * 3 + ("short-answer",) * 3 + \
        ("essay",) * 3


@dataclass(frozen=True)
class Question:
    number: int
    kind: str
    title: str
    stem: str  # one line of Markdown, inline math as $...$
    options: tuple[tuple[str, bool, str | None], ...]  # text, correct, feedback
    numbers: tuple[str, str] | None  # value, tolerance (decimal text)
    answers: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class GeneratedBank:
    name: str
    questions: tuple[Question, ...]

    def qbank(self) -> str:
        lines = ["---", f"title: Benchmark {self.name}", "points: 1", "---", ""]
        for q in self.questions:
            lines += _qbank_question(q)
        return "\n".join(lines)

    def text2qti(self) -> str:
        lines = [f"Quiz title: Benchmark {self.name}", ""]
        for q in self.questions:
            lines += _text2qti_question(q)
        return "\n".join(lines)


def _formula(rng: random.Random) -> str:
    return rng.choice(FORMULAS).format(a=rng.randint(2, 99), b=rng.randint(2, 9))


def _stem(rng: random.Random, number: int, with_math: bool) -> str:
    subject = rng.choice(SUBJECTS)
    sentences = [c.format(s=subject, n=rng.randint(1, 20)) for c in rng.sample(CLAUSES, rng.randint(1, 3))]
    if with_math:
        sentences.append(f"Evaluate ${_formula(rng)}$ and compare it with ${_formula(rng)}$ (case {number}).")
    else:
        sentences.append(f"Which statement about {subject} is correct in case {number}?")
    return " ".join(sentences)


def _option(rng: random.Random, k: int) -> str:
    words = rng.sample(WORDS, 3)
    text = f"It is {words[0]} and {words[1]}, never {words[2]} (option {k})"
    if rng.random() < 0.25:
        text += f" when ${_formula(rng)}$ holds"
    return text


def make_question(rng: random.Random, number: int) -> Question:
    kind = rng.choice(KINDS)
    stem = _stem(rng, number, with_math=rng.random() < 0.5)
    feedback = rng.random() < 1 / 3
    explanation = f"See the notes on {rng.choice(SUBJECTS)}; the key fact is that it is {rng.choice(WORDS)}."
    options: list[tuple[str, bool, str | None]] = []
    numbers = None
    answers: tuple[str, ...] = ()
    if kind in ("multiple-choice", "multiple-select"):
        count = rng.randint(4, 5)
        if kind == "multiple-choice":
            right = {rng.randrange(count)}
        else:
            right = set(rng.sample(range(count), rng.randint(1, count - 1)))
        for k in range(count):
            note = (f"This is {'right' if k in right else 'wrong'}: it is {rng.choice(WORDS)}."
                    if feedback and rng.random() < 0.5 else None)
            options.append((_option(rng, k + 1), k in right, note))
    elif kind == "numerical":
        value = rng.uniform(0.5, 500) * rng.choice((1, -1))
        numbers = (f"{value:.4f}", f"{abs(value) * rng.choice((0.01, 0.05)):.4f}")
    elif kind == "short-answer":
        answers = tuple(rng.sample(ANSWERS, rng.randint(1, 3)))
    return Question(number, kind, f"Question {number}", stem, tuple(options), numbers, answers, explanation)


def generate(total: int, seed: int = 2026, per_bank: int = PER_BANK) -> list[GeneratedBank]:
    """``total`` questions in banks of ``per_bank``: the same seed gives the same banks."""
    rng = random.Random(seed)
    banks = []
    for start in range(0, total, per_bank):
        count = min(per_bank, total - start)
        questions = tuple(make_question(rng, start + k + 1) for k in range(count))
        banks.append(GeneratedBank(f"bank{start // per_bank + 1:04d}", questions))
    return banks


def _qbank_question(q: Question) -> list[str]:
    attrs = f"#q{q.number}" + (" type=essay" if q.kind == "essay" else "") + \
        (" type=multiple-select" if q.kind == "multiple-select" else "")
    lines = [f"## {q.title} {{{attrs}}}", "", q.stem, ""]
    if q.kind in ("multiple-choice", "multiple-select"):
        marks = ("(x)", "( )") if q.kind == "multiple-choice" else ("[x]", "[ ]")
        for text, correct, note in q.options:
            lines.append(f"- {marks[0] if correct else marks[1]} {text}")
            if note:
                lines.append(f"  > {note}")
    elif q.numbers:
        lines.append(f"- = {q.numbers[0]} ± {q.numbers[1]}")
    elif q.answers:
        lines += [f"- = {a}" for a in q.answers]
    else:
        lines.append("____")
    return [*lines, "", "### Explanation", "", q.explanation, ""]


def _text2qti_question(q: Question) -> list[str]:
    lines = [f"Title: {q.title}", f"{q.number}.  {q.stem}", f"...   {q.explanation}"]
    if q.kind == "multiple-choice":
        for k, (text, correct, note) in enumerate(q.options):
            lines.append(f"{'*' if correct else ''}{chr(97 + k)}) {text}")
            if note:
                lines.append(f"... {note}")
    elif q.kind == "multiple-select":
        for text, correct, note in q.options:
            lines.append(f"[{'*' if correct else ' '}] {text}")
            if note:
                lines.append(f"... {note}")
    elif q.numbers:
        lines.append(f"=   {q.numbers[0]} +- {q.numbers[1]}")
    elif q.answers:
        lines += [f"*   {a}" for a in q.answers]
    else:
        lines.append("____")
    return [*lines, ""]


def write(banks: list[GeneratedBank], folder: Path) -> tuple[Path, Path]:
    """Write the banks to ``folder/qbank/*.md`` and ``folder/text2qti/*.txt``."""
    qbank_dir, t2q_dir = folder / "qbank", folder / "text2qti"
    qbank_dir.mkdir(parents=True, exist_ok=True)
    t2q_dir.mkdir(parents=True, exist_ok=True)
    for bank in banks:
        (qbank_dir / f"{bank.name}.md").write_text(bank.qbank(), encoding="utf-8")
        (t2q_dir / f"{bank.name}.txt").write_text(bank.text2qti(), encoding="utf-8")
    return qbank_dir, t2q_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-bank", type=int, default=PER_BANK)
    args = parser.parse_args()
    write(generate(args.questions, args.seed, args.per_bank), args.folder)


if __name__ == "__main__":
    main()
