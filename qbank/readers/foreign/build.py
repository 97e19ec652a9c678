"""Model pieces every foreign reader builds the same way: files, fragments, ids, blanks, numbers."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import weakref
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from qbank.assets import MAX_IMAGE_BYTES, MEDIA_TYPES
from qbank.models import Blank, BlankOption, Fragment, Image, Math, Pos
from qbank.readers.markdown.reader import ID, slug
from qbank.readers.markdown.scan import scan
from qbank.readers.markdown.typed import PART_SETTINGS

__all__ = ["Ids", "Media", "blank_problem", "blank_source", "blanks_problem", "exact_number", "exact_percent",
           "fragment", "number", "points"]


class Media:
    """The files (images) a foreign input carries, stored in one folder under safe, unique names.

    A name keeps its original spelling as far as it is safe: no folders, no leading dot, no
    control characters. ``folder`` defaults to a temporary folder removed with this object.
    """

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="qbank-media-"))
            self._cleanup = weakref.finalize(self, _remove_tree, folder)
        self.folder = folder
        self._digests: dict[str, str] = {}  # name here -> SHA-256 of its bytes

    @staticmethod
    def safe_name(name: str) -> str:
        base = re.split(r"[\\/]", name)[-1]
        base = "".join(ch for ch in base if ch >= " " and ch not in '<>:"|?*\u007f').strip(" .")
        return base or "image"

    def add(self, name: str, data: bytes) -> tuple[str | None, str | None]:
        """(name the file has here, None) or (None, why it is refused)."""
        suffix = Path(name).suffix.lower()
        if suffix not in MEDIA_TYPES:
            return None, f"`{name}` is not SVG, PNG, JPEG, GIF or WebP"
        if len(data) > MAX_IMAGE_BYTES:
            return None, f"`{name}` is {len(data) / 1048576:.1f} MiB, over the {MAX_IMAGE_BYTES // 1048576} MiB limit"
        # Two files of one name (each Moodle question has its own `img.png`) are two files here,
        # told apart by their bytes; the same bytes under the same name are stored once.
        digest = hashlib.sha256(data).hexdigest()
        safe = self.safe_name(name)
        stem, ext = os.path.splitext(safe)
        count = 1
        while safe in self._digests and self._digests[safe] != digest:
            count += 1
            safe = f"{stem}-{count}{ext}"
        if safe not in self._digests:
            (self.folder / safe).write_bytes(data)
            self._digests[safe] = digest
        return safe, None

    def path(self, name: str) -> str:
        return str(self.folder / name)


def _remove_tree(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def fragment(source: str, pos: Pos, media: Media, *, blanks: bool = False) -> Fragment:
    """A fragment of imported Markdown; everything in it is located at ``pos`` (the foreign element)."""
    source = source.strip("\n")
    if not source.strip():
        return Fragment(source="", template="", pos=pos)
    result = scan(source, blanks=blanks)
    maths = tuple(Math(latex=m.content, display=m.display, pos=pos) for m in result.math)
    images = tuple(Image(src=i.content, path=media.path(i.content), alt=i.alt.strip(), title=i.title, pos=pos)
                   for i in result.images)
    return Fragment(source=source, template=result.template, pos=pos, math=maths, images=images,
                    blanks=len(result.blanks))


class Ids:
    """Valid, unique question ids from foreign ones (kept as ``idnumber`` when they are not valid)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def claim(self, candidate: str | None) -> bool:
        """Take ``candidate`` (an id recovered exactly, e.g. qbank's own) when it is free."""
        if candidate is None or candidate in self.seen:
            return False
        self.seen.add(candidate)
        return True

    def derive(self, foreign: str | None, title: str) -> tuple[str, str | None]:
        """(id, idnumber): a valid foreign id is the id; another one is kept exactly as the idnumber."""
        foreign = foreign.strip() if foreign else None
        if foreign and ID.match(foreign) and foreign not in self.seen:
            self.seen.add(foreign)
            return foreign, None
        base = slug(foreign) if foreign else ""
        base = base if base and ID.match(base) else (slug(title) or "q")
        if not ID.match(base):
            base = "q-" + base
        qid, count = base, 1
        while qid in self.seen:
            count += 1
            qid = f"{base}-{count}"
        self.seen.add(qid)
        return qid, foreign or None


def exact_number(text: str | None) -> Decimal | None:
    """A number as a QTI file writes it (``1.0e-05`` too), exact and as written; None if not one."""
    try:
        value = Decimal((text or "").strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def number(text: str) -> Decimal | None:
    """A decimal as an LMS wrote it (``1.0000000``, ``3,5``), without its trailing zeros; None if not one."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


def exact_percent(weight: float) -> float:
    """A percentage an LMS stored rounded (Moodle keeps 5 decimals: 33.33333) as the exact share it
    stands for (100/3), so weights computed from a scoring policy come back equal."""
    for q in range(2, 21):
        p = round(weight * q / 100)
        if p and abs(100 * p / q - weight) < 1e-5 + 1e-9 and round(100 * p / q, 5) == round(weight, 5):
            return 100 * p / q if round(100 * p / q, 10) != round(weight, 10) else weight
    return weight


def points(text: str | None) -> Decimal | None:
    value = number(text) if text else None
    return value if value is not None and value > 0 else None


def blank_problem(text: str, *, feedback: bool = False) -> str | None:
    """Why a blank's answer, option or feedback cannot be written inside ``[[...]]``, or None.

    The Markdown reader splits a blank on ``|`` and ends it at the first ``]]``; a part's own
    ``{weight=... feedback="..."}`` is its last ``{...}`` (the settings hold no braces); an answer
    ``*`` is the any-other answer and one starting ``( )``/``(x)`` makes the blank a dropdown.
    """
    for bad, what in (("|", "`|`"), ("]]", "`]]`"), ("\n", "a line break")):
        if bad in text:
            return f"{what} cannot stand inside a blank"
    if feedback:
        return "`{` or `}` cannot stand in a blank's feedback" if re.search(r"[{}]", text) else None
    if text.endswith("]"):
        return "a blank's last answer cannot end with `]`"
    if PART_SETTINGS.search(text):
        return f"`{text}` would be read as the answer's settings"
    if re.match(r"\([ xX]\)\s", text + " "):
        return f"`{text}` would be read as a dropdown option"
    return None


def blanks_problem(blanks: Sequence[Blank]) -> str | None:
    """Why one of ``blanks`` cannot be written inside ``[[...]]`` (:func:`blank_problem` of each
    answer, option and feedback), or None."""
    for blank in blanks:
        texts = [*blank.answers, *(o.text for o in blank.options), *(r.text for r in blank.responses)]
        feedback = [*(o.feedback for o in blank.options), *(r.feedback for r in blank.responses),
                    blank.other.feedback if blank.other else None]
        problem = next(filter(None, [*(blank_problem(t) for t in texts),
                                     *(blank_problem(f, feedback=True) for f in feedback if f)]), None)
        if problem:
            return problem
    return None


def _settings(weight: float | None, feedback: str | None) -> str:
    bits = []
    if weight is not None:
        bits.append(f"weight={weight:g}")
    if feedback:
        bits.append('feedback="' + feedback.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return (" {" + " ".join(bits) + "}") if bits else ""


def blank_source(blank: Blank) -> str:
    """The blank in the source format's syntax: ``[[Paris | Paname {weight=50}]]``, ``[[(x) a | ( ) b]]``."""
    parts: list[str] = []
    if blank.kind == "dropdown":
        for option in blank.options:
            parts.append(("(x) " if option.correct else "( ) ") + option.text
                         + _settings(option.weight, option.feedback))
    else:
        responses = blank.responses or tuple(BlankOption(text=a, correct=True) for a in blank.answers)
        for response in responses:
            weight = None if response.correct else (response.weight or 0.0)
            parts.append(response.text + _settings(weight, response.feedback))
        if blank.other is not None:
            parts.append("*" + _settings(blank.other.weight, blank.other.feedback))
    return "[[" + " | ".join(parts) + "]]"
