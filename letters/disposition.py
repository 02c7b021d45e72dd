"""The lembar disposisi: the sheet an Indonesian office files with each incoming item, with
its agenda data and each disposition down the line (Camat -> Sekretaris -> Kasi), who gave
it, when, and the instruction. Plain data in, .docx bytes out (python-docx)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from letters.model import Letterhead
from letters.naskah import naskah, title
from letters.safe import one_line, xml_text


@dataclass(frozen=True)
class Disposition:
    at: str  # "Senin, 7 Desember 2026 pukul 09.05 WITA"
    by: str  # "Sekretaris Kecamatan (Drs. H. Ahmad)"
    to: str  # "Camat"
    instruction: str


@dataclass(frozen=True)
class DispositionSheet:
    agenda: str  # the complaint's register number
    received: str
    channel: str
    sifat: str  # Biasa, Rahasia
    sender: str
    pokok: str
    section: str
    dispositions: tuple[Disposition, ...]


def render_disposition(sheet: DispositionSheet, head: Letterhead, paper: str = "A4") -> bytes:
    from docx.shared import Cm

    doc = naskah(head, paper)
    title(doc, "LEMBAR DISPOSISI")
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (("Nomor agenda", sheet.agenda), ("Tanggal diterima", sheet.received),
                         ("Diterima melalui", sheet.channel), ("Sifat", sheet.sifat), ("Dari", sheet.sender),
                         ("Pokok", sheet.pokok), ("Seksi terkait", sheet.section or "-")):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, one_line(value)
        cells[0].width, cells[1].width = Cm(4.5), Cm(11.5)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("Waktu", "Dari", "Kepada", "Isi disposisi / instruksi")):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for d in sheet.dispositions:
        cells = table.add_row().cells
        for cell, value in zip(cells, (one_line(d.at), one_line(d.by), one_line(d.to), xml_text(d.instruction))):
            cell.text = value
    widths = (Cm(3.5), Cm(3.5), Cm(2.8), Cm(6.2))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    doc.core_properties.title = f"Lembar disposisi {one_line(sheet.agenda)}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
