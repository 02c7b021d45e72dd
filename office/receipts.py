"""The tanda terima a walk-in, phone or paper complainant takes home: a one-page naskah with
the kop, the register number and its access code, when it was recorded (WITA), the pokok, the
files handed in, who recorded it, the date by which the SOP's standard times bring an answer,
how to ask for the status, the office's complaint handler and hours, and the signatures of
who handed it in and who took it. Word for the office's printer, made at once; its PDF (where
LibreOffice is installed) is made after the commit by the PDF job (office.letter_pdfs), never
inside the desk's request."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from letters.dates import tanggal, waktu
from letters.naskah import naskah, title
from letters.safe import one_line
from office.access import answer_due, receipt_facts
from office.base import Office, safe_name
from office.views import office_names
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.files import private_dir
from sop.terms import channel_words

__all__ = ["answer_due", "receipt_docx", "receipt_files", "receipts_without_pdf", "write_receipt"]  # answer_due: its earlier home


def receipt_docx(office: Office, row: Complaint, officer: str, now: dt.datetime, nip: str = "", jabatan: str = "") -> bytes:
    """`officer`, `nip`, `jabatan`: the person who took the complaint (a desk account's full name)."""
    from docx.shared import Cm

    cfg = office.config
    tz = cfg.clock.tz
    doc = naskah(cfg.letterhead, cfg.letters.paper)
    title(doc, "TANDA TERIMA PENGADUAN")
    received = parse_iso(row.received_at)
    access = receipt_facts(office, row)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
            ("Nomor pengaduan", row.number), ("Kode akses", access["code"]),
            ("Diterima", waktu(received, tz)), ("Disampaikan", channel_words(row.channel)),
            ("Nama pengadu", row.name or "-"), ("Telepon pengadu", row.phone or "-"),
            ("Pokok pengaduan", row.pokok or row.subject or "-"),
            ("Berkas yang diserahkan", handed_in(office, row)), ("Dicatat oleh", f"{officer}, {jabatan}" if jabatan else officer),
            ("Jawaban paling lambat", access["due"])):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, one_line(value)
        cells[0].width, cells[1].width = Cm(5), Cm(11)
    doc.add_paragraph()
    for text in (
            "Pengaduan Saudara telah kami terima dan dicatat dalam Buku Pengaduan dengan nomor di atas, dan akan "
            f"ditindaklanjuti sesuai SOP {cfg.procedure.name} {cfg.office_name}.",
            f"Kode akses: {access['code']}",
            "Untuk mengetahui perkembangannya, sebutkan nomor pengaduan dan kode akses di atas kepada petugas kami. "
            + access["how"] + " Jawaban surel tersebut hanya memuat keadaan pengaduan.",
            cfg.complaint_desk.line(),
            "Simpan tanda terima ini sampai jawaban atas pengaduan Saudara diterima."):
        if text:
            doc.add_paragraph(one_line(text))
    doc.add_paragraph()
    place_date = f"{cfg.letters.place}, {tanggal(now.astimezone(tz).date())}"
    if row.channel == "web":  # nobody handed anything over a counter: no signatures to ask for
        doc.add_paragraph(one_line(f"{place_date}. Tanda terima ini dibuat oleh {officer} {cfg.office_name} "
                                   "pada saat pengaduan dikirim dan sah tanpa tanda tangan."))
    else:
        _signatures(doc, place_date, officer, nip or _nip_of(office, officer), jabatan)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def handed_in(office: Office, row: Complaint) -> str:
    """The files handed in with the complaint, by the names the office gave them."""
    names = list(office_names(office.book.attachments.of(row.id)).values())
    return f"{len(names)} berkas ({', '.join(names)})" if names else "-"


def _nip_of(office: Office, officer: str) -> str:
    """The officer's NIP when the directory knows them by that name."""
    known = [o for o in office.config.directory.officials.values() if o.name.strip().lower() == officer.strip().lower()]
    return known[0].nip if known and known[0].nip else ""


def _signatures(doc, place_date: str, officer: str, nip: str, jabatan: str = "") -> None:
    """Two columns: the complainant who handed the complaint in, and the officer who took it."""
    from docx.shared import Pt

    block = doc.add_table(rows=1, cols=2)
    columns = ((["", "Yang menyerahkan,", "Pengadu"], "(..............................)", ""),
               ([place_date, "Yang menerima,", jabatan or "Petugas"], officer, f"NIP. {nip}" if nip else ""))
    for cell, (head, name, below) in zip(block.rows[0].cells, columns):
        cell.paragraphs[0].add_run(one_line(head[0]))
        for i, text in enumerate(head[1:]):
            p = cell.add_paragraph()
            p.paragraph_format.space_after = Pt(48 if i == len(head) - 2 else 0)
            p.add_run(one_line(text))
        cell.add_paragraph().add_run(one_line(name)).bold = True
        if below:
            cell.add_paragraph().add_run(one_line(below))
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def _receipt_docx_path(office: Office, row: Complaint) -> Path:
    year = parse_iso(row.received_at).astimezone(office.config.clock.tz).year
    return office.config.files / "tanda-terima" / str(year) / f"tanda-terima-{safe_name(row.number)}.docx"


def receipt_files(office: Office, row: Complaint) -> list[Path]:
    """The receipt's files made so far (.docx, and .pdf where LibreOffice made one)."""
    docx = _receipt_docx_path(office, row)
    return [p for p in (docx, docx.with_suffix(".pdf")) if p.exists()]


def write_receipt(office: Office, row: Complaint, officer: str, now: dt.datetime, nip: str = "",
                  jabatan: str = "") -> list[Path]:
    """The receipt's .docx, filed under files/tanda-terima/<year>/; returns the files made. Its
    PDF follows from the PDF job (office.letter_pdfs.make_pdfs, or `start` right after this)."""
    docx = _receipt_docx_path(office, row)
    private_dir(docx.parent)
    docx.write_bytes(receipt_docx(office, row, officer, now, nip, jabatan))
    return [docx]


def receipt_pdf_pending(office: Office, number: str) -> bool:
    """Whether the receipt's PDF is still to come: its Word file is there, its PDF not yet, and
    this server can make one (the page then says "PDF sedang dibuat")."""
    from letters.pdf import libreoffice

    row = office.book.complaints.by_number(number)
    if row is None:
        return False
    docx = _receipt_docx_path(office, row)
    return docx.exists() and not docx.with_suffix(".pdf").exists() and libreoffice() is not None


def receipts_without_pdf(office: Office) -> list[Path]:
    """The receipts of this year and the last whose PDF is not made yet (the PDF job's list)."""
    root = office.config.files / "tanda-terima"
    if not root.is_dir():
        return []
    years = sorted((p for p in root.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: p.name)[-2:]
    return [docx for folder in years for docx in sorted(folder.glob("tanda-terima-*.docx"))
            if not docx.with_suffix(".pdf").exists()]

