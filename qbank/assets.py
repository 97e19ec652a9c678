"""Image files referenced by a bank: checking, reading and naming them inside packages."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

from lxml import etree

from qbank.models import Image

__all__ = ["AssetTable", "MAX_IMAGE_BYTES", "MEDIA_TYPES", "data_uri", "media_type", "problems", "read", "svg_problem"]

MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
_SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_EXTERNAL = re.compile(r"^\s*(javascript:|https?:|//|file:|data:text/html)", re.I)
# Script URLs anywhere (e.g. `<animate attributeName="href" to="javascript:...">`), and CSS
# that fetches something (`@import`, `url(...)` other than a `url(#gradient)` reference).
_SCRIPT_URL = re.compile(r"(java|vb)script:|data:text/html", re.I)
_CSS_FETCH = re.compile(r"@import|url\(\s*(?!['\"]?\s*#)", re.I)


def media_type(image: Image) -> str:
    return MEDIA_TYPES.get(Path(image.path).suffix.lower(), "application/octet-stream")


def problems(image: Image, bank_folder: Path) -> list[tuple[str, str, str]]:
    """(code, message, hint) for each problem with an image reference."""
    found: list[tuple[str, str, str]] = []
    if not image.alt:
        found.append(("E402", f"image `{image.src}` has no alt text",
                      "describe the image for screen readers: ![a plot of ...](path)"))
    src = image.src
    if not src or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith(("/", "\\", "~")):
        found.append(("E403", f"image `{src}` is not a path relative to the bank",
                      "put the image in the bank's folder and refer to it by a relative path"))
        return found
    folder = bank_folder.resolve()
    real = Path(os.path.realpath(image.path))
    if folder != real and folder not in real.parents:
        found.append(("E403", f"image `{src}` is outside the bank's folder",
                      "copy the image into the bank's folder (or a subfolder); links out are refused"))
        return found
    if not real.is_file():
        found.append(("E401", f"image file `{src}` not found", f"looked for {image.path}"))
        return found
    suffix = real.suffix.lower()
    if suffix not in MEDIA_TYPES:
        found.append(("E404", f"image `{src}` is not SVG, PNG, JPEG, GIF or WebP",
                      "convert it to one of those formats"))
        return found
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        found.append(("E405", f"image `{src}` is {size / 1048576:.1f} MiB; the limit is "
                      f"{MAX_IMAGE_BYTES // 1048576} MiB", "reduce its resolution or compress it"))
    elif suffix == ".svg":
        reason = svg_problem(real.read_bytes())
        if reason:
            found.append(("E406", f"SVG `{src}` {reason}", "remove scripts, event handlers and external links"))
    return found


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is unsafe to embed, or None when it is plain drawing."""
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed XML ({exc.msg})"
    if etree.QName(root).localname != "svg":
        return "is not an SVG document"
    # Entities are never needed in a figure; external ones can read files where the SVG is
    # processed, internal ones can expand exponentially ("billion laughs").
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return "declares XML entities (<!ENTITY>)"
    if [*root.itersiblings(etree.ProcessingInstruction, preceding=True),
            *root.iter(etree.ProcessingInstruction)]:
        return "holds a processing instruction (such as an XSLT stylesheet)"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        if name in ("script", "foreignobject", "iframe", "embed", "object"):
            return f"contains a <{name}> element"
        if name == "style" and _CSS_FETCH.search(element.text or ""):
            return "has a stylesheet that loads other files"
        for attr, value in element.attrib.items():
            local = etree.QName(attr).localname.lower()
            if local.startswith("on"):
                return f"has an event handler `{local}`"
            if local == "href" and _EXTERNAL.match(value):
                return f"links to `{value[:40]}`"
            if _SCRIPT_URL.search(value):
                return f"has a script URL in `{local}`"
            if local == "style" and _CSS_FETCH.search(value):
                return "has a style that loads other files"
    return None


def read(image: Image) -> bytes:
    return Path(image.path).read_bytes()


def data_uri(image: Image) -> str:
    return f"data:{media_type(image)};base64,{base64.b64encode(read(image)).decode('ascii')}"


class AssetTable:
    """Stable, unique file names for the images of one package (same input → same names)."""

    def __init__(self) -> None:
        self._by_path: dict[str, str] = {}
        self._files: dict[str, bytes] = {}

    def add(self, image: Image) -> str:
        if image.path in self._by_path:
            return self._by_path[image.path]
        data = read(image)
        path = Path(image.path)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem) or "image"
        name = f"{stem}{path.suffix.lower()}"
        if name in self._files and self._files[name] != data:
            name = f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}{path.suffix.lower()}"
        self._by_path[image.path] = name
        self._files[name] = data
        return name

    def data(self, name: str) -> bytes:
        """The bytes of the file :meth:`add` named ``name``."""
        return self._files[name]

    @property
    def files(self) -> dict[str, bytes]:
        return dict(sorted(self._files.items()))
