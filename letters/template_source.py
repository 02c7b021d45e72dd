"""Builds the default Word template of the reply letter, templates/surat/jawaban.docx.

The .docx is the artefact offices edit in Word; this script is how the shipped default is
made reproducibly (`python -m letters.template_source`). Each Jinja tag sits in a single run
so that Word and docxtpl both keep it whole. Layout: naskah dinas of regional government
(kop, Nomor/Sifat/Lampiran/Hal at the left with place and date at the right, Yth. block,
body, signature block at the right, tembusan at the bottom left).
"""

from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from letters.naskah import fixed_layout
from templates import TEMPLATES

OUT = TEMPLATES / "surat" / "jawaban.docx"
FONT = "Arial"


def _para(doc_or_cell, text="", *, bold=False, size=12, align=None, space_after=0,
          indent_cm=None, first_line_cm=None, underline=False):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.underline = underline
        run.font.size = Pt(size)
        run.font.name = FONT
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if align is not None:
        p.alignment = align
    if indent_cm is not None:
        fmt.left_indent = Cm(indent_cm)
    if first_line_cm is not None:
        fmt.first_line_indent = Cm(first_line_cm)
    return p


def _bottom_rule(paragraph):
    """The kop's closing line: a thick bottom border on its last paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "24"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _box(paragraph) -> None:
    """A thin line around a paragraph (the paraf box)."""
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", "000000")):
            el.set(qn(key), value)
        borders.append(el)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.right_indent = Cm(7)


def _page(doc) -> None:
    """A4, Arial-metric 12 pt, the margins of a naskah dinas."""
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    # Naskah dinas margins: left 3 cm (binding), bottom 2.5 cm, top and right 2 cm.
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.5)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    # Indonesian text: Word checks spelling in Indonesian, not English.
    r_pr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    r_pr.append(lang)
    doc.paragraphs[0]._p.getparent().remove(doc.paragraphs[0]._p) if doc.paragraphs else None


def _kop(doc) -> None:
    """The kop surat of a perangkat daerah: a borderless table of fixed layout with the lambang
    daerah at the left, the government tiers, office and address lines centred on the page,
    then the closing rule. A konsep shows "KONSEP" above it at the right."""
    _para(doc, "{%p if konsep %}")
    _para(doc, "KONSEP", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{%p endif %}")
    kop = doc.add_table(rows=1, cols=3)
    kop.alignment = WD_TABLE_ALIGNMENT.LEFT
    fixed_layout(kop, (2.6, 10.8, 2.6), borders=False)  # the side cells keep the text centred on the page
    emblem_cell, text_cell, right_cell = kop.rows[0].cells
    for cell in kop.rows[0].cells:
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        v_align = OxmlElement("w:vAlign")
        v_align.set(qn("w:val"), "center")
        cell._tc.get_or_add_tcPr().append(v_align)
    _para(emblem_cell, "{{ emblem or '' }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(text_cell, "{%p for tier in kop.tiers %}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{{ tier }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{{ kop.name }}", bold=True, size=18, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{%p for line in kop.lines %}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{{ line }}", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text_cell, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right_cell, "")
    _bottom_rule(_para(doc, "", size=4))
    _para(doc, "", space_after=6)


def _heading(doc) -> None:
    """Nomor, Sifat, Lampiran, Hal at the left; place and date at the right."""
    table = doc.add_table(rows=4, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    # 16 cm: the text width of A4 with these margins. The date's column starts at 9 cm, where
    # the signature block starts: their left edges align, the usual layout.
    fixed_layout(table, (2.4, 0.5, 6.1, 7.0), borders=False)
    rows = (("Nomor", "{{ letter.number }}", "{{ letter.place }}, {{ letter.date }}"),
            ("Sifat", "{{ letter.sifat }}", ""),
            ("Lampiran", "{{ letter.lampiran }}", ""),
            ("Hal", "{{ letter.hal }}", ""))
    for row, (label, value, right) in zip(table.rows, rows):
        for cell in row.cells:
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        _para(row.cells[0], label)
        _para(row.cells[1], ":")
        _para(row.cells[2], value)
        _para(row.cells[3], right, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "", space_after=6)


def _addressee_and_body(doc) -> None:
    _para(doc, "Yth. {{ to.name }}")
    _para(doc, "di")
    _para(doc, "{{ to.place }}", indent_cm=1, space_after=12)

    # Body
    _para(doc, "{{ body.opening }}", first_line_cm=1.25, space_after=6,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    # A point typed or numbered as a list ("1.", "a.", "-") hangs: its marker at 1.25 cm and
    # its wrapped lines under its text, not under the marker.
    _para(doc, "{%p for point in body.points %}")
    _para(doc, "{%p if point.listed %}")
    _para(doc, "{{ point.text }}", indent_cm=1.85, first_line_cm=-0.6, space_after=6,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(doc, "{%p else %}")
    _para(doc, "{{ point.text }}", first_line_cm=1.25, space_after=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ body.recourse }}", first_line_cm=1.25, space_after=6,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    closing = _para(doc, "{{ body.closing }}", first_line_cm=1.25, space_after=18,
                    align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    # The signature block never stands alone on a page: the closing goes with it.
    closing.paragraph_format.keep_with_next = True


def _signature(doc) -> None:
    """The signature block at the right; the seal (QR code and its text) beside it at the left.
    The seal is filled in after the body is rendered, because it covers the body's words."""
    block = doc.add_table(rows=1, cols=2)
    fixed_layout(block, (9.0, 7.0), borders=False)  # starts at 9 cm, as the date above
    seal_cell, sign_cell = block.rows[0].cells
    cant_split = OxmlElement("w:cantSplit")  # the block stays on one page
    block.rows[0]._tr.get_or_add_trPr().append(cant_split)
    for cell in (seal_cell, sign_cell):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _para(seal_cell, "{{ seal_qr }}")
    _para(seal_cell, "{{ seal_text }}", size=6)
    for text, kwargs in (
            ("{%p if signer.delegation %}", {}), ("{{ signer.delegation }}", {}), ("{%p endif %}", {}),
            ("{{ signer.title }},", {}),
            ("{%p if signature %}", {}), ("{{ signature }}", {}), ("{%p else %}", {}),
            ("", {"space_after": 48}), ("{%p endif %}", {}),
            ("{{ signer.name }}", {"bold": True}),
            ("{%p if signer.rank %}", {}), ("{{ signer.rank }}", {}), ("{%p endif %}", {}),
            ("{%p if signer.nip %}", {}), ("NIP. {{ signer.nip }}", {}), ("{%p endif %}", {})):
        _para(sign_cell, text, **kwargs)
    # Keep-with-next through the block and what follows it: the signature, its tembusan and
    # the signing note move to a new page together, never one without the others.
    for cell in (seal_cell, sign_cell):
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
    _para(doc, "", space_after=6).paragraph_format.keep_with_next = True


def _closing(doc) -> None:
    """Tembusan at the bottom left, the signing note, and the footer."""
    # None by default (the office's own archive copy is not a tembusan); one is not numbered.
    _para(doc, "{%p if tembusan %}")
    _para(doc, "Tembusan:").paragraph_format.keep_with_next = True
    _para(doc, "{%p if tembusan|length == 1 %}")
    _para(doc, "{{ tembusan[0] }}").paragraph_format.keep_with_next = True
    _para(doc, "{%p else %}")
    _para(doc, "{%p for t in tembusan %}")
    _para(doc, "{{ loop.index }}. {{ t }}{{ ';' if not loop.last else '.' }}").paragraph_format.keep_with_next = True
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")
    # The konsep's paraf box: who initialled the draft before the signer approves it.
    _para(doc, "{%p if konsep %}")
    _para(doc, "", space_after=6)
    _box(_para(doc, "Paraf: {{ paraf or '…………………… , tgl ……………' }}", size=10))
    _para(doc, "{%p endif %}")
    # How the letter was signed, after a blank line. In the body, not the footer: the seal
    # covers the body only, since a PDF repeats a footer on every page.
    _para(doc, "", space_after=0)
    _para(doc, "{{ signing_note }}", size=8)

    # Continuation pages carry their number at the top; the first page does not.
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    header.add_run("- ")
    header._p.append(field)
    header.add_run(" -")


def build() -> None:
    doc = Document()
    for part in (_page, _kop, _heading, _addressee_and_body, _signature, _closing):
        part(doc)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(OUT))


if __name__ == "__main__":
    build()
    print(OUT)
