"""The two QTI versions qbank writes: names, namespaces, templates, package types, MathML fixes."""

from __future__ import annotations

from lxml import etree

from .tree import MATHML_NS, Dialect

_M = f"{{{MATHML_NS}}}"


# MathML 2's schema spells these lengths only as numbers with units, not by name.
_NAMED_SPACES = {
    "veryverythinmathspace": "0.0556em", "verythinmathspace": "0.1111em", "thinmathspace": "0.1667em",
    "mediummathspace": "0.2222em", "thickmathspace": "0.2778em", "verythickmathspace": "0.3333em",
    "veryverythickmathspace": "0.3889em",
}
_NAMED_SPACES.update({f"negative{name}": f"-{length}" for name, length in list(_NAMED_SPACES.items())})
_LENGTH_ATTRIBUTES = ("width", "height", "depth", "lspace", "rspace")


def _fix_mathml2(math: etree._Element) -> None:
    """Make latex2mathml's output valid against the MathML 2 XSD that QTI 2.1 imports.

    Two constructs are MathML 3 only: ``voffset`` on ``mpadded`` (``\\xrightarrow``,
    ``\\overrightarrow``) is dropped, and named space widths (``negativethinmathspace``
    for ``\\!``) become the em lengths MathML 3 defines for them.
    """
    for element in math.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == f"{_M}mpadded" and "voffset" in element.attrib:
            del element.attrib["voffset"]
        for attr in _LENGTH_ATTRIBUTES:
            value = element.get(attr)
            if value in _NAMED_SPACES:
                element.set(attr, _NAMED_SPACES[value])


QTI21 = Dialect(
    key="qti21",
    label="QTI 2.1",
    namespace="http://www.imsglobal.org/xsd/imsqti_v2p1",
    item_schema="http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd",
    mathml_schema="http://www.w3.org/Math/XMLSchema/mathml2/mathml2.xsd",
    kebab=False,
    templates={
        "match_correct": "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
        "map_response": "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
    },
    item_resource="imsqti_item_xmlv2p1",
    test_resource="imsqti_test_xmlv2p1",
    cp_namespace="http://www.imsglobal.org/xsd/imscp_v1p1",
    cp_schema_location="http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd",
    package_schema="QTIv2.1 Package",
    package_schema_version="1.0.0",
    dropped_attributes=frozenset({"externalScored"}),
    fix_math=_fix_mathml2,
)

QTI30 = Dialect(
    key="qti30",
    label="QTI 3.0",
    namespace="http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
    item_schema="https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd",
    mathml_schema="https://purl.imsglobal.org/spec/mathml/v3p0/schema/xsd/mathml3.xsd",
    kebab=True,
    templates={
        "match_correct": "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
        "map_response": "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
    },
    item_resource="imsqti_item_xmlv3p0",
    test_resource="imsqti_test_xmlv3p0",
    cp_namespace="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
    cp_schema_location="https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd",
    package_schema="QTI Package",
    package_schema_version="3.0.0",
    dropped_attributes=frozenset(),
    fix_math=None,  # latex2mathml writes MathML 3: nothing to adjust
)
