"""The agenda surat keluar of the service's letters for one month, ready to print: A4
landscape, the header row repeated on every page, as XLSX and as PDF (a Word table that
LibreOffice converts). The columns are the agenda's own: No. urut, Nomor surat, Tanggal,
Kepada, Hal, Lampiran, Nomor pengaduan, Cara kirim, and Paraf left empty for hand initials."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from letters.dates import tanggal
from letters.pdf import to_pdf
from letters.render import addressee_of_body
from office.base import Office
from office.issuing import NOTICE_HAL
from office.numbers import addressee_of
from sop.book import parse_iso

COLUMNS = ("No. urut", "Nomor surat", "Tanggal", "Kepada", "Hal", "Lampiran", "Nomor pengaduan", "Cara kirim", "Paraf")
WIDTHS_CM = (1.6, 4.4, 3.2, 4.4, 4.4, 2.2, 3.3, 2.8, 1.4)  # 27.7 cm: A4 landscape inside 1 cm margins
WAYS = {"email": "surel", "pos": "pos", "langsung": "diserahkan langsung"}


class AgendaError(ValueError):
    """The month or the target is wrong; the message is the sentence to print."""


def parse_month(text: str) -> tuple[int, int]:
    """MM-YYYY (as `--bulan` takes it) or YYYY-MM (as the desk's month field sends it)."""
    m = re.fullmatch(r"\s*(\d{1,2})-(\d{4})\s*", text or "") or None
    if m:
        month, year = int(m.group(1)), int(m.group(2))
    elif (m := re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")):
        year, month = int(m.group(1)), int(m.group(2))
    else:
        raise AgendaError(f"Bulan '{text}' tidak dikenal; tulis BB-TTTT, misalnya 11-2026.")
    if not 1 <= month <= 12:
        raise AgendaError(f"Bulan '{text}' tidak dikenal; tulis BB-TTTT, misalnya 11-2026.")
    return year, month


def agenda_rows(office: Office, year: int, month: int, *, hide_confidential: bool = False) -> list[list[str]]:
    """The month's letters (WITA) in the order they were issued, one agenda row each;
    `hide_confidential`: a confidential complainant's name left out (a desk role without identity)."""
    cfg = office.config
    tz = cfg.clock.tz
    rows: list[list[str]] = []
    for letter in office.book.letters.listed():
        issued = parse_iso(letter.issued_at).astimezone(tz)
        if (issued.year, issued.month) != (year, month):
            continue
        complaint = office.book.complaints.get(letter.complaint_id)
        said = letter_fields(Path(letter.path))
        kepada = said.get("kepada") or (addressee_of_body(complaint.forwarded_to or "")
                                        if letter.kind == "pelimpahan" else addressee_of(complaint))
        hal = said.get("hal") or {"jawaban": cfg.letters.hal, "pelimpahan": "Pelimpahan Pengaduan"}.get(
            letter.kind, NOTICE_HAL.get(letter.kind, ""))
        # Letters to the complainant name them; a pelimpahan and an undangan go to officials.
        if hide_confidential and complaint.confidential and letter.kind not in ("pelimpahan", "undangan"):
            kepada = "(dirahasiakan)"
        way = WAYS.get(letter.dispatch_method or "", letter.dispatch_method or "")
        rows.append([str(len(rows) + 1), letter.number, tanggal(issued.date()), kepada, hal,
                     said.get("lampiran", "-"), complaint.number,
                     way + (" (batal)" if letter.void else ""), ""])
    return rows


def letter_fields(path: Path) -> dict[str, str]:
    """Kepada, Hal and Lampiran as the issued letter itself says them ({} when it cannot be read)."""
    from docx import Document

    try:
        doc = Document(str(path))
    except Exception:
        return {}
    found: dict[str, str] = {}
    for table in doc.tables[:3]:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            if cells and cells[0] in ("Hal", "Lampiran") and len(cells) > 2:
                found.setdefault(cells[0].lower(), cells[2])
    kepada = next((p.text.strip()[4:].strip() for p in doc.paragraphs if p.text.strip().startswith("Yth.")), "")
    if kepada:
        found["kepada"] = kepada
    return found


def write_agenda(office: Office, year: int, month: int, folder: Path, *, overwrite: bool = False,
                 pdf: bool = True, hide_confidential: bool = False) -> list[Path]:
    """Write agenda-surat-keluar-YYYY-MM.xlsx (and .pdf) into `folder`; the paths written."""
    rows = agenda_rows(office, year, month, hide_confidential=hide_confidential)
    base = folder / f"agenda-surat-keluar-{year}-{month:02d}"
    targets = [base.with_suffix(".xlsx")] + ([base.with_suffix(".pdf")] if pdf else [])
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise AgendaError(f"Berkas {existing[0]} sudah ada; tambahkan --timpa untuk menimpanya.")
    folder.mkdir(parents=True, exist_ok=True)
    title = title_lines(office, year, month)
    write_xlsx(title, rows, targets[0])
    if pdf:
        docx = base.with_suffix(".docx")
        write_docx(title, rows, docx)
        try:
            made = to_pdf(docx)
        finally:
            docx.unlink(missing_ok=True)
        if made != targets[1]:
            made.replace(targets[1])
    return targets


def title_lines(office: Office, year: int, month: int) -> list[str]:
    name = tanggal(dt.date(year, month, 1)).split(" ", 1)[1]  # "November 2026"
    return ["AGENDA SURAT KELUAR", f"Layanan Pengaduan {office.config.office_name}", f"Bulan {name}"]


def write_xlsx(title: list[str], rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Agenda surat keluar"
    for line in title:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    header = len(title) + 2
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    for cell in ws[header]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for i, width in enumerate(WIDTHS_CM):
        ws.column_dimensions[chr(ord("A") + i)].width = round(width * 4.4, 1)  # about 4.4 characters a cm
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header}"  # the header row on every printed page
    ws.freeze_panes = f"A{header + 1}"
    wb.save(path)


def write_docx(title: list[str], rows: list[list[str]], path: Path) -> None:
    """The same agenda as a Word table on A4 landscape, its header row repeated on each page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(1)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(9)
    for i, line in enumerate(title):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold = i == 0
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    flag = OxmlElement("w:tblHeader")  # Word and LibreOffice repeat this row on every page
    flag.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(head.cells, COLUMNS):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.paragraphs[0].add_run(text)
    for column, width in zip(table.columns, WIDTHS_CM):
        column.width = Cm(width)  # the grid LibreOffice lays out by
        for cell in column.cells:
            cell.width = Cm(width)
    doc.save(str(path))
