"""Untrusted XML: no entity expansion, no DTD, no network, bounded size; problems are diagnostics."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from qbank import diagnostics as dg

__all__ = ["MAX_XML_BYTES", "parse", "read_bytes"]

MAX_XML_BYTES = 200 * 1024 * 1024  # a Moodle export embeds its images as base64


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def read_bytes(path: Path, limit: int, diagnostics: list[dg.Diagnostic]) -> bytes | None:
    """The file's bytes, or None (with E003/E005) when it cannot be read or is over ``limit``."""
    try:
        size = path.stat().st_size
        if size > limit:
            diagnostics.append(dg.make("E005", f"file is {size / 1048576:.1f} MiB; the limit is "
                                       f"{limit // 1048576} MiB", str(path), 1, hint="split the export into parts"))
            return None
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        diagnostics.append(dg.make("E003", f"cannot read the file: {exc.strerror or exc}", str(path), 1,
                                   hint="check the path and its permissions"))
        return None


def parse(data: bytes, file: str, diagnostics: list[dg.Diagnostic]) -> etree._Element | None:
    """The document's root element, or None with a located E701/E702."""
    if len(data) > MAX_XML_BYTES:
        diagnostics.append(dg.make("E005", "the XML is too large", file, 1, hint="split the export into parts"))
        return None
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        diagnostics.append(dg.make("E701", f"not well-formed XML: {exc.msg}", file, max(line, 1), max(col, 1),
                                   hint="the file is damaged or not an XML export; export it again"))
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        diagnostics.append(dg.make("E702", "the XML declares a document type (DTD); imports refuse DTDs, which "
                                   "can expand entities or fetch files", file, 1,
                                   hint="LMS exports have no DTD: remove the <!DOCTYPE ...> declaration"))
        return None
    if any(isinstance(node, etree._Entity) for node in root.iter()):  # pragma: no cover - no DTD, no entity
        diagnostics.append(dg.make("E702", "the XML refers to an entity", file, 1, hint="remove it"))
        return None
    return root
