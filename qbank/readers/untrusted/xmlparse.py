"""XML from foreign files: no entity expansion, no DTD, no network, libxml2's size limits.

``resolve_entities=False`` leaves entity references unexpanded (no XXE file reads, no
"billion laughs"), ``load_dtd=False`` and ``no_network=True`` never fetch anything, and
``huge_tree=False`` keeps libxml2's limits on depth and text size. A document that declares
entities at all is refused: no LMS export needs them, and a reader that silently dropped the
references would lose text.
"""

from __future__ import annotations

from lxml import etree

from qbank.models import Pos

from .report import Report

__all__ = ["local", "parse_xml"]

_PARSER_ARGS = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False,
                "dtd_validation": False, "remove_pis": True}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_ARGS)  # type: ignore[arg-type]


def parse_xml(data: bytes, where: Pos, report: Report) -> etree._Element | None:
    """The document's root element, or None with a located E701/E702 in ``report``."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or where.line
        col = exc.offset or 1
        message = str(exc.msg or exc).split(", line ")[0]
        report.add("E701", f"not well-formed XML: {message}", Pos(file=where.file, line=line, col=max(col, 1)),
                   hint="the file is damaged, or is not XML; export it again")
        return None
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot honour
        report.add("E701", f"cannot parse the XML: {exc}", where, hint="export it again as UTF-8")
        return None
    doctype = root.getroottree().docinfo.internalDTD
    if doctype is not None and any(True for _ in doctype.iterentities()):
        report.add("E702", "the document declares XML entities (<!ENTITY>): refused, since they can read local "
                   "files or expand without bound", where, hint="export the file again from its LMS")
        return None
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        report.add("E702", "the document uses entities no DTD declares: refused", where,
                   hint="export the file again from its LMS")
        return None
    return root


def local(element: etree._Element) -> str:
    """The element's name without its namespace ("" for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
