"""The tanda terima a walk-in, phone or paper complainant takes home: a one-page naskah with
the kop, the register number, when it was recorded (WITA), the pokok, who recorded it, the
date by which the SOP's standard times bring an answer, and how to ask for the status. Word
for the office's printer, PDF where LibreOffice is installed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from letters.dates import tanggal, waktu
from letters.naskah import Signature, naskah, sign, title
from letters.pdf import libreoffice, to_pdf
from letters.safe import one_line
from office.base import Office, safe_name
from sop.book import parse_iso
from sop.files import private_dir
from sop.terms import channel_words


def answer_due(office: Office, received: dt.datetime) -> dt.datetime:
    """When the answer is due if every step of the SOP takes its standard time, in order."""
    moment = received
    for step in office.config.procedure.walk()[1:]:  # step 1 is the recording itself
        moment = office.config.clock.add(moment, step.time)
    return moment


def receipt_docx(office: Office, row: dict, officer: str, now: dt.datetime) -> bytes:
    from docx.shared import Cm

    cfg = office.config
    tz = cfg.clock.tz
    doc = naskah(cfg.letterhead, cfg.letters.paper)
    title(doc, "TANDA TERIMA PENGADUAN")
    received = parse_iso(row["received_at"])
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
            ("Nomor pengaduan", row["number"]), ("Diterima", waktu(received, tz)),
            ("Disampaikan", channel_words(row["channel"])), ("Nama pengadu", row["name"] or "-"),
            ("Pokok pengaduan", row["pokok"] or row["subject"] or "-"), ("Dicatat oleh", officer),
            ("Jawaban paling lambat", tanggal(answer_due(office, received).astimezone(tz).date()))):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, one_line(value)
        cells[0].width, cells[1].width = Cm(5), Cm(11)
    doc.add_paragraph()
    address = cfg.mailbox.address
    for text in (
            "Pengaduan Saudara telah kami terima dan dicatat dalam Buku Pengaduan dengan nomor di atas, dan akan "
            f"ditindaklanjuti sesuai SOP {cfg.procedure.name} {cfg.office_name}.",
            "Untuk mengetahui perkembangannya, sebutkan nomor pengaduan di atas kepada petugas kami, atau kirim "
            f"surel ke {address} dengan nomor itu pada subjek dan kata STATUS pada isi surel.",
            "Simpan tanda terima ini sampai jawaban atas pengaduan Saudara diterima."):
        doc.add_paragraph(one_line(text))
    doc.add_paragraph()
    sign(doc, Signature(place_date=f"{cfg.letters.place}, {tanggal(now.astimezone(tz).date())}",
                        title="Petugas penerima pengaduan", name=officer))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _receipt_docx_path(office: Office, row: dict) -> Path:
    year = parse_iso(row["received_at"]).astimezone(office.config.clock.tz).year
    return office.config.files / "tanda-terima" / str(year) / f"tanda-terima-{safe_name(row['number'])}.docx"


def receipt_files(office: Office, row: dict) -> list[Path]:
    """The receipt's files made so far (.docx, and .pdf where LibreOffice made one)."""
    docx = _receipt_docx_path(office, row)
    return [p for p in (docx, docx.with_suffix(".pdf")) if p.exists()]


def write_receipt(office: Office, row: dict, officer: str, now: dt.datetime) -> list[Path]:
    """The receipt's .docx (and .pdf where LibreOffice is installed), filed under
    files/tanda-terima/<year>/; returns the files made."""
    docx = _receipt_docx_path(office, row)
    private_dir(docx.parent)
    docx.write_bytes(receipt_docx(office, row, officer, now))
    made = [docx]
    if libreoffice() is not None:
        made.append(to_pdf(docx))
    return made
