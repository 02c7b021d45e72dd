"""The lembar disposisi: the sheet an Indonesian office files with each incoming item. At the
top the usual form (from whom, agenda number, date received, sifat, hal; to whom it goes on,
what they are asked to do, a note and the paraf), then the history of the complaint down the
line (Camat -> Sekretaris -> Kasi) as "Riwayat tindak lanjut". Plain data in, .docx bytes out
(python-docx)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from letters.model import Letterhead
from letters.naskah import facts, fixed_layout, naskah, title
from letters.safe import one_line, xml_text

CHECKED, UNCHECKED = "\u2612", "\u2610"  # ☒ ☐
SIFAT = ("Biasa", "Segera", "Rahasia")
# What the disposing official asks for: the usual options of the form.
REQUESTS = ("Tanggapan dan saran", "Proses lebih lanjut", "Koordinasikan", "Untuk diketahui", "Untuk dijawab",
            "Arsipkan")
HISTORY_CM = (3.2, 3.5, 3.3, 6.0)
FORM_CM = (5.0, 11.0)


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
    sifat: str  # Biasa, Segera, Rahasia
    sender: str
    pokok: str
    section: str
    dispositions: tuple[Disposition, ...]
    recipients: tuple[tuple[str, bool], ...] = ()  # "Diteruskan kepada Sdr.": each jabatan, and whether it went there
    requests: tuple[str, ...] = ()  # "Dengan hormat harap": the options ticked
    note: str = ""  # Catatan


def boxes(options, ticked) -> str:
    """"☒ Sekretaris Camat   ☐ Kepala Seksi Pemerintahan …": one line of the form's checkboxes."""
    return "   ".join(f"{CHECKED if option in ticked else UNCHECKED} {option}" for option in options)


def render_disposition(sheet: DispositionSheet, head: Letterhead, paper: str = "A4") -> bytes:
    doc = naskah(head, paper)
    title(doc, "LEMBAR DISPOSISI")
    form = facts(doc, (
        ("Surat/Pengaduan dari", sheet.sender), ("Nomor agenda", sheet.agenda), ("Tanggal diterima", sheet.received),
        ("Diterima melalui", sheet.channel), ("Sifat", boxes(SIFAT, {sheet.sifat})), ("Hal", sheet.pokok),
        ("Diteruskan kepada Sdr.", tuple(boxes([name], {name} if sent else set())
                                         for name, sent in sheet.recipients) or ("-",)),
        ("Dengan hormat harap", tuple(boxes([r], set(sheet.requests)) for r in REQUESTS)),
        ("Catatan", sheet.note or ""), ("Paraf", "")), FORM_CM)
    form.rows[-1].height = _cm(1.5)  # room for the initials
    doc.add_paragraph()
    p = doc.add_paragraph()
    p.add_run("Riwayat tindak lanjut").bold = True
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("Waktu", "Dari", "Kepada", "Isi disposisi / instruksi")):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for d in sheet.dispositions:
        cells = table.add_row().cells
        for cell, value in zip(cells, (one_line(d.at), one_line(d.by), one_line(d.to), xml_text(d.instruction))):
            cell.text = value
    fixed_layout(table, HISTORY_CM)
    doc.core_properties.title = f"Lembar disposisi {one_line(sheet.agenda)}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cm(value: float):
    from docx.shared import Cm

    return Cm(value)
