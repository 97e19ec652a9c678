"""Foreign packages are untrusted: escapes, links, bombs, entities and broken files are refused, located.

Every case goes through both package readers (Canvas QTI 1.2 and QTI 2.x/3.0) and through
``qbank import``, which must then write nothing at all.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from qbank.cli import main
from qbank.readers import ReadResult
from qbank.readers.foreign.archive import Limits, open_package
from qbank.readers.foreign.report import Report
from qbank.registry import load_reader

QTI12 = ('<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment ident="a" title="T">'
         '<section ident="root"><item ident="q1" title="Q"><presentation><material><mattext texttype="text/html">'
         '{stem}</mattext></material><response_str ident="response1"><render_fib><response_label ident="x"/>'
         '</render_fib></response_str></presentation><resprocessing><respcondition><conditionvar>'
         '<varequal respident="response1">Paris</varequal></conditionvar><setvar action="Set" varname="SCORE">100'
         "</setvar></respcondition></resprocessing></item></section></assessment></questestinterop>")
QTI21_ITEM = ('<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q1" title="Q" '
              'adaptive="false" timeDependent="false"><responseDeclaration identifier="RESPONSE" cardinality="single" '
              'baseType="string"><correctResponse><value>Paris</value></correctResponse></responseDeclaration>'
              "<itemBody><p>{stem}</p><p><textEntryInteraction responseIdentifier=\"RESPONSE\"/></p></itemBody>"
              "</assessmentItem>")
QTI21_MANIFEST = ('<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m"><resources>'
                  '<resource identifier="i1" type="imsqti_item_xmlv2p1" href="q1.xml"><file href="q1.xml"/>'
                  "</resource></resources></manifest>")
XXE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n')


def good_files(reader: str, stem: str = "Capital of France?") -> dict[str, bytes]:
    if reader == "canvas":
        return {"a/a.xml": QTI12.format(stem=stem).encode()}
    return {"imsmanifest.xml": QTI21_MANIFEST.encode(), "q1.xml": QTI21_ITEM.format(stem=stem).encode()}


def make_zip(path: Path, files: dict[str, bytes], extra: list[zipfile.ZipInfo | tuple[zipfile.ZipInfo, bytes]] = ()
             ) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for entry in extra:
            info, data = entry if isinstance(entry, tuple) else (entry, b"x")
            archive.writestr(info, data)
    return path


def read(reader: str, path: Path) -> ReadResult:
    media = path.parent / "media"
    media.mkdir(exist_ok=True)
    return load_reader(reader)(media=media).read(path)


def refused(reader: str, path: Path, code: str) -> ReadResult:
    result = read(reader, path)
    assert not result.banks
    assert [d.code for d in result.diagnostics if d.is_error] == [code], result.diagnostics
    out = path.parent / "out"
    assert main(["import", str(path), "--from", reader, "-o", f"{out}/"]) == 1
    assert not out.exists()  # a failed import writes nothing
    return result


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


READERS = ["canvas", "qti"]


@pytest.mark.parametrize("reader", READERS)
def test_a_clean_package_reads(reader: str, tmp_path: Path) -> None:
    result = read(reader, make_zip(tmp_path / "ok.zip", good_files(reader)))
    assert not result.failed and [q.type for q in result.banks[0].questions] == ["short-answer"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("member", ["../escape.xml", "/etc/absolute.xml", "a/../../up.xml", "C:/windows.xml"])
def test_members_that_leave_the_package_refuse_it(reader: str, member: str, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "evil.zip", good_files(reader), [zipfile.ZipInfo(member)])
    assert member in refused(reader, path, "E702").diagnostics[0].message


@pytest.mark.parametrize("reader", READERS)
def test_a_symbolic_link_refuses_the_package(reader: str, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "link.zip", good_files(reader), [(symlink("images/pic.png"), b"/etc/passwd")])
    assert "symbolic link" in refused(reader, path, "E702").diagnostics[0].message


@pytest.mark.parametrize("reader", READERS)
def test_a_decompression_bomb_refuses_the_package(reader: str, tmp_path: Path) -> None:
    files = {**good_files(reader), "images/zeros.png": b"\0" * (4 * 1024 * 1024)}  # inflates ~4000 times
    result = refused(reader, make_zip(tmp_path / "bomb.zip", files), "E702")
    assert "decompression bomb" in result.diagnostics[0].message


def test_member_count_and_sizes_are_bounded(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "many.zip", {f"f{k}.txt": b"x" * 100 for k in range(5)})
    for limits, words in ((Limits(members=4), "5 files"), (Limits(member_bytes=50), "f0.txt"),
                          (Limits(total_bytes=400), "inflates to")):
        report = Report()
        assert open_package(path, report, limits) is None
        assert [d.code for d in report.diagnostics] == ["E702"] and words in report.diagnostics[0].message


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("prolog", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_refuse_the_document(reader: str, prolog: str, tmp_path: Path) -> None:
    files = good_files(reader, stem="&secret;" if prolog == XXE else "&d;")
    member = "a/a.xml" if reader == "canvas" else "q1.xml"
    files[member] = prolog.encode() + files[member]
    result = refused(reader, make_zip(tmp_path / "entities.zip", files), "E702")
    assert "root:" not in repr(result) and "lollol" not in repr(result)


@pytest.mark.parametrize("reader", READERS)
def test_malformed_xml_is_located(reader: str, tmp_path: Path) -> None:
    files = good_files(reader)
    member = "a/a.xml" if reader == "canvas" else "q1.xml"
    files[member] = files[member].replace(b"</presentation>" if reader == "canvas" else b"</itemBody>", b"\n\n<oops>")
    result = refused(reader, make_zip(tmp_path / "broken.zip", files), "E701")
    error = next(d for d in result.diagnostics if d.is_error)
    assert error.file.endswith(member) and error.line >= 3


@pytest.mark.parametrize("reader", READERS)
def test_a_damaged_zip_is_a_located_error(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "damaged.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    refused(reader, path, "E701")


@pytest.mark.parametrize("reader", READERS)
def test_unsafe_html_is_removed_and_reported(reader: str, tmp_path: Path) -> None:
    stem = ("&lt;b onclick=&quot;steal()&quot;&gt;Capital&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
            "&lt;a href=&quot;javascript:steal()&quot;&gt;of France&lt;/a&gt;?")
    if reader == "qti":
        stem = "<b>Capital</b> of France?"  # QTI content is XML: no script element survives the item's own schema
    result = read(reader, make_zip(tmp_path / "html.zip", good_files(reader, stem)))
    (question,) = result.banks[0].questions
    assert "script" not in question.stem.source and "onclick" not in question.stem.source
    assert "javascript" not in question.stem.source
    if reader == "canvas":
        assert [d.code for d in result.diagnostics] == ["W104"]
        assert "<script>" in result.diagnostics[0].message and "onclick" in result.diagnostics[0].message
