"""Small banks with adversarial content, and helpers shared by the Moodle XML and GIFT tests."""

from __future__ import annotations

from pathlib import Path

from qbank.lint import lint_file
from qbank.models import Bank, Math, Question

from moodle_readers import Imported, split_category_path


def bank_from(tmp_path: Path, text: str, name: str = "bank.md") -> Bank:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    bank, found = lint_file(path)
    errors = [d for d in found if d.is_error]
    assert bank is not None and not errors, errors
    return bank


def expected_category(bank: Bank, question: Question) -> list[str]:
    levels = bank.category.split("/") if bank.category else [bank.title]
    levels = [" ".join(level.split()) for level in levels]
    groups = {g.id: g for g in bank.groups}
    group = groups.get(question.group) if question.group else None
    if group is not None and group.kind == "variants":
        # a varied question's variants: a sub-category of its own, named by section, title and id
        parent = f"{groups[group.parent].title} - " if group.parent else ""
        return ["$course$", "top", *levels, f"{parent}{group.title} ({group.id})"]
    return ["$course$", "top", *levels, *([group.title] if group else [])]


def delimited(m: Math) -> str:
    return f"\\[{m.latex}\\]" if m.display else f"\\({m.latex}\\)"


TRICKY = r"""---
title: "Tricky / edge: cases"
points: 2
---

## Braces: ~ = # { } and \ in a title {#title-specials}

Math: $\frac{a}{b} = \{x\} \sim y \# z : w$, $a \neq b$, $\nabla f$, $\nu$, $a \nleq b$, $a \\ b$,
and text with ~ = # { } : \ plus < & ]]> and "quotes", naïve 日本語 🎲.

$$\begin{cases} x = 1 & \text{if } y \\ x = 2 & \text{otherwise} \end{cases}$$

- (x) $x = 2$ and $\{a\}$ ~ # : \
  > Right: $\frac{1}{2}$ = 0.5 {#not-an-id}
- ( ) %50% of cases
- ( ) [moodle] looks like a format {weight=50}
- ( ) [html] <b>bold</b> & ]]> {weight=-50}

### Explanation

[plain] $\sum_{i=1}^n i = \frac{n(n+1)}{2}$ \\ and `code {with} #hash`.

### Correct feedback

[html] Yes ~ {really}.

### Incorrect feedback

No: $\neg p$.

## Short answers with specials {#short-specials case=sensitive}

Type one.

- = a{b}
- = x~y = z
- = 50% {weight=50}
- = C# and \n and a\b
- = [html]raw
- = <tag> & ]]>
- = 2*3 and a\*b

### Explanation

Any.

## Numbers {#numbers unit="m/s"}

How fast?

- = -3.5 ± 0.25
- = [1, 3] {weight=50}
- = [0.1, 0.3] {weight=50}
- = 6.02214076e23 ± 1e17 {weight=20}

### Explanation

Fast.

## Matching specials {#match-specials}

Match.

- a ~ b -> x = y # z
- $\{c\}$ -> p: q -> r
- -> {distractor} & <

### Explanation

Done.

## Cloze specials {#cloze-specials points=4 case=sensitive}

Fill [[a*b}c | c#d | e~f | g\h | i&j | k<l | {m} | &amp; ]] and [[(x) x}y | ( ) p#q | ( ) r~s & <t>]] here {1:SA:=no}.

### Explanation

$\frac{a}{b}$.

## True or false {#tf-specials}

Is $\{x\} = \emptyset$?

- ( ) True
- (x) False
  > Yes: $\{x\} \neq \emptyset$ ~ # =

### Explanation

Sets.

## Just text {#just-text}

Only text with { braces } and $\frac{a}{b}$.
"""


WHITESPACE = """---
title: "  Spaces  "
quiz_time_limit: 20 min
---

## Padded {#padded}

   Leading spaces stem, and a literal {#1} marker.␣␣␣

- ( )   padded option␣␣␣
  >␣␣␣␣
- (x) right

### Explanation

### Correct feedback

## Blanky {#blanky}

Fill [[  a  |  b ]] now, not {#2}.

### Explanation

x
""".replace("␣", " ")  # trailing spaces, kept visible here


WEIGHT_375 = """---
title: Weights
---

## Pick {#pick type=multiple-select}

Pick.

- [x] a {weight=37.5}
- [x] b {weight=62.5}
- [ ] c

### Explanation

E.
"""


IMAGES = """---
title: Pictures
---

## Pictures everywhere {#pictures}

Which plot? ![the critic](figs/critic.svg)

- (x) This one ![the critic again](figs/critic.svg)
  > Yes: ![the losses](figs/losses.svg)
- ( ) Not this

### Explanation

See ![the losses](figs/losses.svg).

### Correct feedback

Good ![the critic](figs/critic.svg).

## Match pictures {#match-pictures}

Match.

- ![the critic](figs/critic.svg) -> critic
- ![the losses](figs/losses.svg) -> losses

### Explanation

Done.
"""


def images_bank(tmp_path: Path) -> Bank:
    """A bank whose option, feedback, explanation and matching items show images."""
    figures = Path(__file__).resolve().parent.parent / "content" / "figures"
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "critic.svg").write_bytes((figures / "wgan-critic.svg").read_bytes())
    (tmp_path / "figs" / "losses.svg").write_bytes((figures / "generator-losses.svg").read_bytes())
    return bank_from(tmp_path, IMAGES, "pictures.md")


def assert_same_identity(bank: Bank, question: Question, got: Imported, qtypes: dict[str, str]) -> None:
    """What both Moodle formats must keep of every question: type, name, idnumber, tags, category."""
    assert got.qtype == qtypes[question.type], question.id
    assert got.name == question.title.strip()
    assert got.idnumber == question.id
    assert got.tags == list(question.tags)
    assert split_category_path(got.category) == expected_category(bank, question)
