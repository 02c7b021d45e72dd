"""The letter press: a Word template made ready once, then one letter after another.

docxtpl, run per letter, reloads the template, compiles its Jinja source, re-parses every
part and recompresses 800 KB of styles: about 30 ms a letter. The press does that work
once per template, letterhead and signer (`compile`), using docxtpl's own preprocessing
of the template, and then each letter is the Jinja render of the body, the seal over its
text, the QR code and a zip whose unchanging parts were compressed in advance.

The output is the letter docxtpl renders: the same template, context, autoescaping and
post-processing (paragraph tags, listings, drawing ids), the same seal placement.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from letters.model import CONTACT_MARK, Letterhead, Signer
from letters.safe import plain
from letters.seal import SEAL_LABELS, Seal, content_tokens, printed_code, qr_png

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
QR_MARK = "\u27e6QR\u27e7"
TEXT_MARK = "\u27e6KODE\u27e7"
QR_WIDTH_CM = 2.6
PAPER = {"A4": (21, 29.7), "F4": (21.5, 33)}  # centimetres
DOCUMENT = "word/document.xml"


ESCAPED_MARKS = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}


def is_seal_text(text: str) -> bool:
    return QR_MARK in text or TEXT_MARK in text or any(label in text for label in SEAL_LABELS)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate stream, or the bytes themselves when stored
    method: int  # 8 deflate, 0 stored


class LetterPress:
    """One template, letterhead and signer, compiled; `press(context, sealer)` per letter."""

    def __init__(self, template: Path, head: Letterhead, signer: Signer, *, sealed: bool, paper: str = "A4"):
        import jinja2
        from docx.shared import Cm
        from docxtpl import DocxTemplate, InlineImage
        from markupsafe import Markup

        tpl = DocxTemplate(str(template))
        tpl.render_init()
        doc = tpl.docx
        for section in doc.sections:
            section.page_width, section.page_height = (Cm(side) for side in PAPER[paper])
        if head.footer.startswith(CONTACT_MARK):
            _contact_footer(doc, head.footer)
        self._tpl = tpl
        self._env = jinja2.Environment(autoescape=True)  # as docxtpl.render(autoescape=True)
        # The pictures that never change are drawn once; their XML goes into every letter.
        tpl.current_rendering_part = doc.part
        self._static = {
            "emblem": Markup(InlineImage(tpl, str(head.emblem), height=Cm(2.2))._insert_image())
            if head.emblem else None,
            "signature": Markup(InlineImage(tpl, str(signer.signature_image), height=Cm(2))._insert_image())
            if signer.signature_image else None,
            "seal_qr": QR_MARK, "seal_text": TEXT_MARK,
        }
        self._qr_drawing, self._qr_part = "", None
        if sealed:  # a picture part for the QR code, whose bytes each letter replaces
            inline = doc.part.new_pic_inline(io.BytesIO(qr_png("PGD")), Cm(QR_WIDTH_CM), None)
            blip = inline.xpath(".//a:blip")[0]
            self._qr_part = doc.part.related_parts[blip.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")].partname.lstrip("/")
            self._qr_drawing = f"<w:drawing>{inline.xml}</w:drawing>"
        body = tpl.patch_xml(tpl.get_xml())
        self._body = self._env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", body))
        # docxtpl turns "{_{" … "%_}" into "{{" … "%}" after rendering, so that a template can
        # print Jinja's own marks; done on the rendered text it would alter an official's
        # words too ("%_}" in an answer). Only a template that uses the marks gets it.
        self._unescape = any(mark in body for mark in ESCAPED_MARKS)
        # Footers and headers hold only office-wide values: rendered now, as docxtpl would.
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for key, xml in tpl.build_headers_footers_xml(self._static, uri, self._env):
                tpl.map_headers_footers_xml(key, xml)
        out = io.BytesIO()
        doc.save(out)
        self._entries: list[_Entry | str] = []
        with zipfile.ZipFile(out) as package:
            for info in package.infolist():
                if info.filename == DOCUMENT:
                    self._document_xml = package.read(info).decode("utf-8")
                    self._entries.append(DOCUMENT)
                elif info.filename == self._qr_part:
                    self._entries.append(self._qr_part)
                else:
                    self._entries.append(_prepared(info.filename, package.read(info)))
        # The document part around its body: the rendered body goes between.
        start = self._document_xml.index("<w:body")
        end = self._document_xml.rindex("</w:body>") + len("</w:body>")
        self._document_head, self._document_tail = self._document_xml[:start], self._document_xml[end:]

    def press(self, context: dict, sealer: Callable[[list[str]], Seal] | None) -> tuple[bytes, Seal | None]:
        """The letter's .docx bytes and its seal (None when not sealed)."""
        # The sink's own guard: no value can carry a control character into the XML, where
        # resolve_listing would turn \a into a paragraph and \f into a page (letters.safe).
        xml = self._body.render({**plain(context), **self._static})
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if self._unescape:
            for mark, plain_mark in ESCAPED_MARKS.items():
                xml = xml.replace(mark, plain_mark)
        xml = self._tpl.resolve_listing(xml)
        ids = iter(range(1001, 1_000_000))  # drawing ids renumbered as docxtpl does
        xml = re.sub(r'(<wp:docPr\b[^>]*?\bid=")\d+(")', lambda m: f"{m.group(1)}{next(ids)}{m.group(2)}", xml)
        the_seal = sealer(content_tokens(body_text_of_xml(xml))) if sealer else None
        xml = _fill_seal(xml, the_seal, self._qr_drawing)
        document = (self._document_head + xml + self._document_tail).encode("utf-8")
        parts = {DOCUMENT: document}
        if self._qr_part:
            parts[self._qr_part] = qr_png(the_seal.text()) if the_seal else qr_png("PGD")
        return _zip(self._entries, parts), the_seal


def _fill_seal(xml: str, the_seal: Seal | None, drawing: str) -> str:
    """The QR code and the printed code in place of their marks (or nothing, unsealed)."""
    mark = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")

    def fill(m: re.Match) -> str:
        text = m.group(1)
        if QR_MARK in text:
            return drawing if the_seal else ""
        if TEXT_MARK in text:
            return f'<w:t xml:space="preserve">{escape(printed_code(the_seal.text()))}</w:t>' if the_seal else ""
        return m.group(0)

    return mark.sub(fill, xml) if QR_MARK in xml or TEXT_MARK in xml else xml


def body_text_of_xml(body_xml: str) -> str:
    """`render.body_text` read from the body XML: the body's paragraphs, then the cells of its
    tables (each cell once, its paragraphs joined by line breaks), less the cells holding the
    seal. Text is read as python-docx reads it: runs (also inside hyperlinks), tabs, breaks."""
    from lxml import etree

    body = etree.fromstring(body_xml.encode("utf-8"))
    parts = [_paragraph_text(p) for p in body.iterchildren(W + "p")]
    for table in body.iterchildren(W + "tbl"):
        for row in table.iterchildren(W + "tr"):
            for cell in row.iterchildren(W + "tc"):
                text = "\n".join(_paragraph_text(p) for p in cell.iterchildren(W + "p"))
                if not is_seal_text(text):
                    parts.append(text)
    return "\n".join(parts)


def _paragraph_text(p) -> str:
    out = []
    for child in p.iterchildren(W + "r", W + "hyperlink"):
        runs = child.iterchildren(W + "r") if child.tag == W + "hyperlink" else (child,)
        for run in runs:
            for item in run.iterchildren(W + "t", W + "tab", W + "br", W + "cr"):
                if item.tag == W + "t":
                    out.append(item.text or "")
                elif item.tag == W + "tab":
                    out.append("\t")
                elif item.get(W + "type") in (None, "textWrapping"):
                    out.append("\n")
    return "".join(out)


# A .docx is a zip: written here so that parts that never change keep their compressed bytes.
_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01 00:00, as Word writes


def _prepared(name: str, data: bytes, level: int = 6) -> _Entry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    if len(packed) >= len(data):  # pictures: already compressed
        return _Entry(name.encode(), zlib.crc32(data), len(data), data, 0)
    return _Entry(name.encode(), zlib.crc32(data), len(data), packed, 8)


def _zip(entries: list, fresh: dict[str, bytes]) -> bytes:
    out = bytearray()
    directory = bytearray()
    for item in entries:
        entry = _prepared(item, fresh[item], level=1) if isinstance(item, str) else item
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, entry.method, _DOS_TIME, _DOS_DATE, entry.crc,
                           len(entry.data), entry.size, len(entry.name), 0) + entry.name + entry.data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, entry.method, _DOS_TIME, _DOS_DATE,
                                 entry.crc, len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0, 0,
                                 offset) + entry.name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + end)


def _contact_footer(doc, line: str) -> None:
    """The office's contact line at the foot of every page (the first page's footer too). Outside
    the seal, which covers the body only; letters.verify removes it from a PDF's text by its mark."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    text = " ".join(re.sub(r"[{}%]", "", line).split())  # rendered by Jinja with the other footers
    for section in doc.sections:
        for footer in (section.footer, section.first_page_footer):
            paragraph = footer.paragraphs[0] if not footer.paragraphs[0].text else footer.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(text).font.size = Pt(7)
