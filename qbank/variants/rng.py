"""Deterministic draws for variants: qbank's own, on a SHA-256 stream, never :mod:`random`.

CPython promises only that ``random.Random(seed).random()`` repeats across versions; its
``randint``, ``choice`` and ``shuffle`` have changed before (3.2) and may again. So every draw
here is exact integer arithmetic on bits from SHA-256 in counter mode:

- a variant's key is SHA-256 over a versioned domain tag and the length-prefixed UTF-8 of the
  bank's seed, the question id, the variant number and the attempt (a retry for a duplicate);
- each variable has its own stream, keyed by the variant's key and the variable's name, so
  adding, removing or reordering one variable leaves the others' values alone;
- ``below(n)`` takes just enough bits and rejects values ``>= n``: no modulo bias.

The algorithm is version 1 (``DOMAIN``). Changing any of it would redraw every bank's
variants: a new algorithm must get a new domain tag, and v1 must stay available.
"""

from __future__ import annotations

from hashlib import sha256

__all__ = ["DOMAIN", "Stream", "variant_key"]

DOMAIN = b"qbank-variant-v1"


def _field(text: str) -> bytes:
    data = text.encode("utf-8")
    return len(data).to_bytes(8, "big") + data


def variant_key(seed: str, question: str, variant: int, attempt: int = 0) -> bytes:
    """The key of one variant of one question: the same on every machine and Python version."""
    digest = sha256(DOMAIN)
    for part in (seed, question, str(variant), str(attempt)):
        digest.update(_field(part))
    return digest.digest()


class Stream:
    """The random bits of one variable in one variant."""

    def __init__(self, key: bytes, name: str) -> None:
        self._child = sha256(key + _field(name)).digest()
        self._counter = 0
        self._pool = 0
        self._bits = 0

    def bits(self, count: int) -> int:
        """``count`` fresh bits as a non-negative integer."""
        while self._bits < count:
            block = sha256(self._child + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._pool |= int.from_bytes(block, "big") << self._bits
            self._bits += 256
        value = self._pool & ((1 << count) - 1)
        self._pool >>= count
        self._bits -= count
        return value

    def below(self, n: int) -> int:
        """A uniform integer in ``0 .. n-1`` (``n >= 1``), by rejection: no bias."""
        if n < 1:
            raise ValueError("nothing to draw from")
        width = (n - 1).bit_length()
        while True:
            value = self.bits(width)
            if value < n:
                return value
