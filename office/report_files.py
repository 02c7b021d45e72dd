"""The desk's Laporan files of a month (XLSX, DOCX and its PDF), written under
files/laporan/meja/ (private to the service account), one per month and kind, each replaced
by the next. What the desk's background builds (jobs.web.report_builds) need from the
office's parts, so that the desk's code reaches the book and LibreOffice only through here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from office.base import Office
from office.config import load_config
from office.recap_figures import Counted
from office.reports import write_docx, write_xlsx
from sop.book import Book
from sop.clock import utcnow
from sop.files import private_dir

__all__ = ["Unavailable", "opened", "utcnow", "write_month_file"]


class Unavailable(RuntimeError):
    """A file that cannot be made on this server; the message says why, in Indonesian."""


def opened(config_path: Path) -> Office:
    """The office with a connection of its own to its book (a background thread's); close its book after use."""
    cfg = load_config(config_path)
    return Office(cfg, Book(cfg.database, create=False))


def write_month_file(office: Office, counted: Counted, kind: str, now: dt.datetime,
                     stage: Callable[[int], None] = lambda _: None) -> Path:
    """The month's file of this kind ("xlsx", "docx" or "pdf") from its counted recap; `stage(3)`
    when the PDF's conversion starts."""
    folder = private_dir(office.config.files / "laporan" / "meja")
    stem = folder / f"laporan-pengaduan-{counted.month[0]:04d}-{counted.month[1]:02d}"
    work = folder / f"{stem.name}-{kind}-dibuat"  # each kind its own: a DOCX and a PDF made at once
    if kind == "xlsx":
        write_xlsx(counted.recap, work, counted.pictures)
        return work.replace(stem.with_suffix(".xlsx"))
    docx = work.with_suffix(".docx")
    write_docx(counted.recap, docx, counted.pictures, office, now)
    if kind == "docx":
        return docx.replace(stem.with_suffix(".docx"))
    stage(3)
    try:
        return pdf_of(docx).replace(stem.with_suffix(".pdf"))
    finally:
        docx.unlink(missing_ok=True)


def pdf_of(docx: Path) -> Path:
    """The PDF of a recap's DOCX, beside it (LibreOffice); Unavailable where it is not installed."""
    from letters.pdf import libreoffice, to_pdf

    if libreoffice() is None:
        raise Unavailable("LibreOffice tidak terpasang di server, jadi PDF tidak dapat dibuat; unduh versi Word "
                          "(DOCX), atau minta pengelola memasang paket libreoffice-writer-nogui")
    return to_pdf(docx)
