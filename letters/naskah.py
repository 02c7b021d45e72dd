"""A page of naskah dinas for the office's documents other than the reply letter (the recap,
the disposition sheet): A4 or F4, the margins of a naskah dinas, Arial 12 in Indonesian, the
kop with the lambang at the left, and a signature block. python-docx, plain data in."""

from __future__ import annotations

from dataclasses import dataclass

from letters.model import Letterhead
from letters.safe import one_line

PAPER_CM = {"A4": (21, 29.7), "F4": (21.5, 33)}


@dataclass(frozen=True)
class Signature:
    place_date: str  # "Samarinda, 1 Desember 2026"
    title: str  # "SEKRETARIS CAMAT PALARAN"
    name: str
    rank: str = ""
    nip: str = ""


def naskah(head: Letterhead, paper: str = "A4"):
    """A new document with the page, the style and the kop set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    width, height = PAPER_CM.get(paper, PAPER_CM["A4"])
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.5)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(12)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    style.element.get_or_add_rPr().append(lang)
    doc.core_properties.language = "id-ID"

    kop = doc.add_table(rows=1, cols=3)
    kop.autofit = False
    emblem_cell, text_cell, _ = kop.rows[0].cells
    for cell, cm in zip(kop.rows[0].cells, (2.6, width - 5 - 5.2, 2.6)):
        cell.width = Cm(cm)
    if head.emblem:
        emblem_cell.paragraphs[0].add_run().add_picture(str(head.emblem), height=Cm(2.2))
    text_cell.paragraphs[0]._p.getparent().remove(text_cell.paragraphs[0]._p)
    for text, bold, size in ((head.parent.upper(), True, 14), (head.name.upper(), True, 18),
                             *((line, False, 10) for line in head.lines)):
        p = text_cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(one_line(text))
        run.bold, run.font.size = bold, Pt(size)
    rule = doc.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "24"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    return doc


def title(doc, *lines: str) -> None:
    """The document's title, centred and bold, and its subtitle lines."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for i, text in enumerate(lines):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0 if i < len(lines) - 1 else 12)
        run = p.add_run(one_line(text))
        run.bold = i == 0


def sign(doc, signature: Signature) -> None:
    """The signature block at the right: place and date, jabatan, room to sign, name, pangkat, NIP."""
    from docx.shared import Cm, Pt

    block = doc.add_table(rows=1, cols=2)
    block.autofit = False
    left, right = block.rows[0].cells
    left.width, right.width = Cm(7), Cm(9)
    right.paragraphs[0].add_run(one_line(signature.place_date))
    lines = [(signature.title + ",", False, 48), (signature.name, True, 0)]
    lines += [(signature.rank, False, 0)] if signature.rank else []
    lines += [(f"NIP. {signature.nip}", False, 0)] if signature.nip else []
    for text, bold, after in lines:
        p = right.add_paragraph()
        p.paragraph_format.space_after = Pt(after)
        p.add_run(one_line(text)).bold = bold
    for p in right.paragraphs:
        p.paragraph_format.keep_with_next = True
