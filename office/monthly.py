"""The month's recap goes out by itself: on the first working day of a month, once the office
is open, the head of the office (and `[reports] to`) receive the previous month's recap by
email, as XLSX and the naskah-dinas DOCX (and its PDF), filed under files/laporan/. At most
once a month: the book records the month in the transaction that queues the mail, so a
restart, a second daemon or a retry never sends it twice."""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from letters.mail import Attachment, render_mail
from letters.pdf import libreoffice, to_pdf
from office.base import Office
from office.notices import base_context, queue
from office.public_intake import recap_line
from office.reports import charts, period, recap, summary_text, write_docx, write_xlsx
from office.statistics import days_to_answer, statistics_of, write_statistics
from sop.files import private_dir

log = logging.getLogger(__name__)

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def first_working_day(office: Office, year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while not office.config.clock.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_month(day: dt.date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def send_monthly_recap(office: Office, now: dt.datetime) -> bool:
    """Queue last month's recap when it is due and not sent yet; whether it was queued now."""
    cfg = office.config
    if not cfg.reports_monthly:
        return False
    local = now.astimezone(cfg.clock.tz)
    if local.date() < first_working_day(office, local.year, local.month) or not cfg.clock.is_open(now):
        return False
    year, month = previous_month(local.date())
    key = f"rekap-{year:04d}-{month:02d}"
    if office.book.reports.sent(key):
        return False
    title, start, end = period(month=(year, month))
    r = recap(office, title, start, end, now)
    pictures = charts(r)
    folder = private_dir(cfg.files / "laporan" / f"{year:04d}")
    stem = folder / f"laporan-pengaduan-{year:04d}-{month:02d}"
    docx = stem.with_suffix(".docx")
    write_docx(r, docx, pictures, office, now)
    with ThreadPoolExecutor(1, thread_name_prefix="rekap-pdf") as converting:  # LibreOffice on the other core
        pdf = converting.submit(_pdf, docx)
        write_xlsx(r, stem.with_suffix(".xlsx"), pictures)
        # The month's statistics fit to publish, filed beside it (no personal data; small cells hidden).
        stats = statistics_of(cfg.office_name, r, days_to_answer(office, start, end), tahun=year, bulan=month)
        write_statistics(stats, folder / f"statistik-pengaduan-{year:04d}-{month:02d}", overwrite=True)
        files = [(stem.with_suffix(".xlsx"), XLSX), (docx, DOCX), *pdf.result()]
    head = cfg.directory.official(cfg.letters.head_role)
    to = [(head.name, head.email), *(("", address) for address in cfg.reports_to)]
    context = base_context(office, None, None)
    context.update(recipient=office.addressee(head), title=title,
                   summary=summary_text(r) + recap_line(office, start, end))  # the public form's refusals
    with office.book.transaction():
        if office.book.reports.sent(key):  # another process was quicker
            return False
        queue(office, None, "rekap_bulanan", to, render_mail("rekap_bulanan", **context), now,
              attachments=tuple(Attachment(filename=p.name, data=p.read_bytes(), maintype=kind[0], subtype=kind[1])
                                for p, kind in files))
        office.book.reports.record_sent(key, now)
    log.info("rekap %s dikirim kepada %s", title, ", ".join(a for _, a in to))
    return True


def _pdf(docx: Path) -> list[tuple[Path, tuple]]:
    """The recap's PDF, made while the workbook is written; none where LibreOffice is missing or fails."""
    if libreoffice() is None:
        return []
    try:
        return [(to_pdf(docx), ("application", "pdf"))]
    except Exception:  # the mail goes without the PDF rather than not at all
        log.exception("PDF rekap %s tidak dapat dibuat", docx.stem)
        return []
