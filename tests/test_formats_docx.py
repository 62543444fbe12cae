"""DOCX and ODT: text, headings, tables and footnotes come through as the layout recognisers expect."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from formats_render import add_zip_part
from opis.errors import ReadError
from opis.readers import ReadOptions, read, sniff_format
from opis.readers import docx as docx_reader
from opis.readers import odt as odt_reader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
  <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
  <w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">GARF, f. R-9401, op. 2, d. 98, l. 377.</w:t></w:r></w:p></w:footnote>
  <w:footnote w:id="2"><w:p><w:r><w:t xml:space="preserve">RGASPI, f. 17, op. 3, d. 921, ll. 65–66.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def _add_footnote_ref(paragraph, note_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    run._r.append(ref)


def make_docx(path: Path) -> Path:
    """A transcription in Word: title, heading, paragraphs with two footnotes, a table."""
    import docx

    d = docx.Document()
    d.add_heading("Report on the border situation", level=0)
    d.add_heading("Kazakh section, autumn 1931", level=1)
    p = d.add_paragraph("In September 1931 the 49th border detachment detained 112 people crossing from Xinjiang")
    _add_footnote_ref(p, 1)
    p.add_run(". Most were herders from the Ili district.")
    p2 = d.add_paragraph("Smuggling of cattle continued through the winter")
    _add_footnote_ref(p2, 2)
    p2.add_run(".")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Month"
    table.cell(0, 1).text = "Detained"
    table.cell(1, 0).text = "September"
    table.cell(1, 1).text = "112"
    d.save(path)
    add_zip_part(path, "word/footnotes.xml", FOOTNOTES_XML)
    return path


CONTENT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
 <office:body><office:text>
  <text:h text:outline-level="1">Донесение о положении на границе</text:h>
  <text:p>В сентябре 1931 г. задержано<text:s/>112 человек<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377.</text:p></text:note-body></text:note>.<text:line-break/>Перебежчики направлены в Алма-Ату.</text:p>
  <text:list><text:list-item><text:p>первый пункт</text:p></text:list-item><text:list-item><text:p>второй пункт</text:p></text:list-item></text:list>
 </office:text></office:body>
</office:document-content>"""


def make_odt(path: Path, content: str = CONTENT_XML) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def test_docx_text_headings_table_and_footnotes(tmp_path):
    path = make_docx(tmp_path / "transcription.docx")
    assert sniff_format(path, path.read_bytes()[:8192]) == "docx"
    raw = docx_reader.read(path, path.read_bytes(), ReadOptions())
    blocks = raw.text.split("\n\n")
    assert blocks[0] == "# Report on the border situation"
    assert blocks[1] == "## Kazakh section, autumn 1931"
    assert blocks[2] == ("In September 1931 the 49th border detachment detained 112 people crossing from "
                         "Xinjiang<sup>1</sup>. Most were herders from the Ili district.")
    assert "Month\tDetained\nSeptember\t112" in blocks
    assert [(n.n, n.text) for n in raw.notes] == [
        (1, "GARF, f. R-9401, op. 2, d. 98, l. 377."),
        (2, "RGASPI, f. 17, op. 3, d. 921, ll. 65–66."),
    ]
    first = raw.notes[0]
    assert raw.text[first.anchor:first.anchor + 12] == "<sup>1</sup>"
    assert raw.text.endswith("<sup>2</sup> RGASPI, f. 17, op. 3, d. 921, ll. 65–66.")


def test_docx_through_read_keeps_the_body(tmp_path):
    raw = read(make_docx(tmp_path / "t.docx"))
    assert raw.format == "docx"
    assert "detained 112 people crossing from Xinjiang" in raw.text
    assert "Smuggling of cattle continued" in raw.text


def test_odt_text_heading_note_list(tmp_path):
    path = make_odt(tmp_path / "донесение.odt")
    assert sniff_format(path, path.read_bytes()[:8192]) == "odt"
    raw = odt_reader.read(path, path.read_bytes(), ReadOptions())
    blocks = raw.text.split("\n\n")
    assert blocks[0] == "## Донесение о положении на границе"
    assert blocks[1] == "В сентябре 1931 г. задержано 112 человек<sup>1</sup>.\nПеребежчики направлены в Алма-Ату."
    assert blocks[2:4] == ["первый пункт", "второй пункт"]
    assert [(n.n, n.text) for n in raw.notes] == [(1, "ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377.")]
    assert raw.text[raw.notes[0].anchor:].startswith("<sup>1</sup>.")


def test_corrupt_docx_fails_cleanly(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good[: len(good) // 2])
    with pytest.raises(ReadError) as err:
        read(broken)
    assert "broken.docx" in str(err.value) and "corrupt" in str(err.value).lower()


def test_docx_with_bad_xml_fails_cleanly(tmp_path):
    path = tmp_path / "badxml.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>")
    with pytest.raises(ReadError, match="not well-formed XML"):
        read(path)


def test_encrypted_office_file_fails_cleanly(tmp_path):
    # An encrypted DOCX is an OLE2 compound file holding an "EncryptedPackage" stream.
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path = tmp_path / "secret.docx"
    path.write_bytes(head + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2048)
    with pytest.raises(ReadError, match="encrypted"):
        read(path)
