"""A page of naskah dinas for the office's documents other than the reply letter (the recap,
the disposition sheet, the tanda terima): A4 or F4, the margins of a naskah dinas, Arial 12 in
Indonesian, the kop with the lambang at the left, and a signature block. python-docx, plain
data in.

Every table here has a fixed layout with its grid widths written out: LibreOffice ignores a
cell's own width when the grid says otherwise, and once squeezed the kop's text column to
5 cm ("PEMERINTAH KOTA / SAMARINDA" on two lines) on every naskah but the letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from letters.model import Letterhead
from letters.safe import one_line

PAPER_CM = {"A4": (21, 29.7), "F4": (21.5, 33)}
FACTS_CM = (5.0, 11.0)  # label and value of a facts table
KOP_SIDE_CM = 2.6  # the lambang's cell, and its mirror at the right that keeps the text centred


@dataclass(frozen=True)
class Signature:
    place_date: str  # "Samarinda, 1 Desember 2026"
    title: str  # "SEKRETARIS CAMAT PALARAN"
    name: str
    rank: str = ""
    nip: str = ""


def fixed_layout(table, widths_cm, *, borders: bool | None = None) -> None:
    """Fix `table`'s layout to `widths_cm`: no autofit, `w:tblLayout fixed`, the grid columns
    (each column's width) and every cell. `borders=False` writes nil borders (a kop or a signature block
    shows no lines in any reader); True, single lines on every edge."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblLayout")):
        tbl_pr.remove(old)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(sum(widths_cm) * 567)))
    grid = table._tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for cm in widths_cm:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(round(cm * 567)))
        grid.append(col)
    for row in table.rows:
        for cell, cm in zip(row.cells, widths_cm):
            cell.width = Cm(cm)
    if borders is not None:
        for old in tbl_pr.findall(qn("w:tblBorders")):
            tbl_pr.remove(old)
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "single" if borders else "nil")
            if borders:
                el.set(qn("w:sz"), "4")
                el.set(qn("w:color"), "000000")
            edges.append(el)
        tbl_pr.append(edges)


def fix_layouts(doc) -> None:
    """Give every table of `doc` without a fixed layout one, from the widths its first row's
    cells were given (a table whose cells have none keeps its even grid, fixed)."""
    from docx.oxml.ns import qn

    for table in doc.tables:
        if table._tbl.tblPr.find(qn("w:tblLayout")) is not None or not table.rows:
            continue
        widths = [cell.width for cell in table.rows[0].cells]
        if all(widths):
            fixed_layout(table, [w / 360000 for w in widths])


def kop_tiers(head: Letterhead) -> list[tuple[str, bool, int]]:
    """The kop's lines as (text, bold, size): the government tiers at 14 pt (one for a
    kecamatan, two for a kelurahan: the kota and its kecamatan), the office at 18 pt and the
    address lines at 10 pt (the 2:3:1 gradation of a perangkat daerah's kop)."""
    return [*((tier.upper(), True, 14) for tier in head.tiers), (head.name.upper(), True, 18),
            *((line, False, 10) for line in head.lines)]


def naskah(head: Letterhead, paper: str = "A4"):
    """A new document with the page, the style and the kop set."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
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
    kop.alignment = WD_TABLE_ALIGNMENT.LEFT
    text_width = width - 5
    fixed_layout(kop, (KOP_SIDE_CM, text_width - 2 * KOP_SIDE_CM, KOP_SIDE_CM), borders=False)
    emblem_cell, text_cell, _ = kop.rows[0].cells
    for cell in kop.rows[0].cells:
        v_align = OxmlElement("w:vAlign")
        v_align.set(qn("w:val"), "center")
        cell._tc.get_or_add_tcPr().append(v_align)
    if head.emblem:
        emblem_cell.paragraphs[0].add_run().add_picture(str(head.emblem), height=Cm(2.2))
    text_cell.paragraphs[0]._p.getparent().remove(text_cell.paragraphs[0]._p)
    for text, bold, size in kop_tiers(head):
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


def facts(doc, rows, widths_cm=FACTS_CM):
    """A two-column table of label and value (5 cm + 11 cm), lined, fixed; a value that is a
    tuple of lines gets one paragraph a line."""
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        lines = value if isinstance(value, (tuple, list)) else (value,)
        cells[0].text, cells[1].text = one_line(label), one_line(lines[0] if lines else "")
        for line in lines[1:]:
            cells[1].add_paragraph(one_line(line))
    fixed_layout(table, widths_cm)
    return table


def sign(doc, signature: Signature) -> None:
    """The signature block at the right: place and date, jabatan, room to sign, name, pangkat,
    NIP. It closes the naskah, so the tables above it get their fixed layout here too."""
    from docx.shared import Pt

    fix_layouts(doc)
    block = doc.add_table(rows=1, cols=2)
    fixed_layout(block, (7.0, 9.0), borders=False)
    left, right = block.rows[0].cells
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
