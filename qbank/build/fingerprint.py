"""Content hashes: of a file, and of the code whose output a cached artifact depends on.

A cache entry is valid only for the code that produced it. Rather than trusting a version
number (an editable install changes without one), the fingerprint hashes the source of qbank
and of its exporters, plus the versions of the libraries that shape the output.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import cache
from importlib.metadata import EntryPoint, PackageNotFoundError, version
from pathlib import Path

# Libraries whose version changes what the renderer makes (Markdown, sanitising, math,
# highlighting, XML), and besides them what an artifact holds (templates, models, the
# evaluation of variants' values).
RENDER_LIBRARIES = ("markdown", "nh3", "latex2mathml", "pygments", "lxml")
RENDERING_LIBRARIES = (*RENDER_LIBRARIES, "jinja2", "pydantic", "simpleeval")
_CODE_SUFFIXES = {".py", ".xml", ".html", ".xsl", ".j2", ".jinja", ".css", ".js", ".json", ".txt", ".md"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _package_dirs() -> list[Path]:
    dirs: list[Path] = []
    for name in ("qbank", "qbank.exporters"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            dirs.extend(Path(p) for p in spec.submodule_search_locations)
    return dirs


@cache
def code_fingerprint() -> str:
    """A hash of qbank's own code, its exporters' code and templates, and rendering libraries."""
    digest = hashlib.sha256()
    for folder in _package_dirs():
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _CODE_SUFFIXES
                       and "__pycache__" not in p.parts)
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    digest.update(_versions(RENDERING_LIBRARIES))
    return digest.hexdigest()


@cache
def render_fingerprint() -> str:
    """What rendering results depend on: the rendering code and the libraries it calls.

    The memo of Markdown → HTML and LaTeX → MathML is valid for this alone, so editing other
    code keeps it, while upgrading Markdown, nh3 or latex2mathml (or changing how qbank renders)
    discards it.
    """
    import qbank

    digest = hashlib.sha256()
    folder = Path(qbank.__file__).resolve().parent
    for name in ("render.py", "mathtex.py", "placeholders.py"):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    digest.update(_versions(RENDER_LIBRARIES))
    return digest.hexdigest()


def _versions(libraries: tuple[str, ...]) -> bytes:
    """``name=version\0`` of each library (``none`` when it is not installed), for a hash."""
    parts = []
    for library in libraries:
        try:
            parts.append(f"{library}={version(library)}\0")
        except PackageNotFoundError:
            parts.append(f"{library}=none\0")
    return "".join(parts).encode()


def target_fingerprint(entry_point: EntryPoint, options: dict[str, str]) -> str:
    """What a target's output depends on beyond the bank: its code, and its options."""
    dist = entry_point.dist
    origin = f"{dist.name}={dist.version}" if dist is not None else "unknown"
    parts = [code_fingerprint(), entry_point.name, entry_point.value, origin,
             *(f"{k}={v}" for k, v in sorted(options.items()))]
    return sha256_bytes("\0".join(parts).encode())
