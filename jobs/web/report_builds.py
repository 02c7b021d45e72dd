"""The desk's recap and its files (XLSX, DOCX, PDF), made in a background thread so that no
request waits on them: behind nginx (proxy_read_timeout 60 s) a city's month must never end
in a 504, and a person who sees progress does not click again.

A build is kept per office, month and kind. The page and the files of one month share one
recap, counted once; it is counted again when the book has changed since (a new complaint
or history line) or when it is older than FRESH_SECONDS (late steps grow with the clock).
Files are written under files/laporan/meja/ (private to the service account), one per month
and kind, replaced by the next build.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from office.base import Office
from office.config import load_config
from sop.book import Book
from sop.clock import utcnow
from sop.files import private_dir

log = logging.getLogger("pengaduan.meja")

FRESH_SECONDS = 300
KINDS = ("xlsx", "docx", "pdf")
# What a person is told while each kind is made, stage by stage.
STAGES = {
    "rekap": ("menghitung rekap dari buku", "menggambar grafik"),
    "xlsx": ("menghitung rekap dari buku", "menggambar grafik", "menulis berkas Excel"),
    "docx": ("menghitung rekap dari buku", "menggambar grafik", "menyusun naskah Word"),
    "pdf": ("menghitung rekap dari buku", "menggambar grafik", "menyusun naskah Word",
            "mengubah ke PDF dengan LibreOffice"),
}


@dataclass
class Build:
    """One month's recap or file being made, or made."""

    month: tuple[int, int]
    kind: str
    stamp: tuple
    stage: int = 0
    started: float = field(default_factory=time.monotonic)
    counted_at: dt.datetime = field(default_factory=utcnow)  # the moment its figures are of
    finished: float | None = None
    error: str | None = None
    path: Path | None = None
    recap: object = None
    pictures: dict | None = None

    @property
    def stages(self) -> tuple[str, ...]:
        return STAGES[self.kind]

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def fresh(self, stamp: tuple) -> bool:
        if self.error is not None:
            return False
        return self.stamp == stamp and (not self.done or time.monotonic() - (self.finished or 0) < FRESH_SECONDS)


class Builds:
    """The builds of one office's desk (one per server process)."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self.lock = threading.Lock()
        self.builds: dict[tuple, Build] = {}
        self.last: dict[tuple, Build] = {}  # the last build that succeeded, shown while a newer one is made

    def start(self, month: tuple[int, int], kind: str, stamp: tuple, *, again: bool = False) -> Build:
        """The build of this month and kind: a fresh one already made or under way, else a new
        one started in the background."""
        with self.lock:
            build = self.builds.get((month, kind))
            if build is not None and build.fresh(stamp) and not again:
                return build
            if build is not None and not build.done:
                return build  # one at a time per month and kind: a second click waits for the first
            build = self.builds[(month, kind)] = Build(month, kind, stamp)
        threading.Thread(target=self._run, args=(build,), name=f"laporan-{kind}", daemon=True).start()
        return build

    def wait(self, build: Build, seconds: float) -> Build:
        """Wait for `build` at most `seconds` (a small month is ready at once: no progress page)."""
        deadline = time.monotonic() + seconds
        while not build.done and time.monotonic() < deadline:
            time.sleep(0.05)
        return build

    def _run(self, build: Build) -> None:
        try:
            cfg = load_config(self.config_path)
            office = Office(cfg, Book(cfg.database, create=False))
            try:
                self._make(office, build)
            finally:
                office.book.close()
        except Exception as exc:  # shown on the progress page; the traceback to the log
            log.exception("laporan %s %04d-%02d gagal dibuat", build.kind, *build.month)
            build.error = failure_text(exc)
        finally:
            build.finished = time.monotonic()
            if build.error is None:
                self.last[(build.month, build.kind)] = build

    def previous(self, month: tuple[int, int], kind: str) -> Build | None:
        """The last build of this month and kind that succeeded (perhaps older than the book)."""
        return self.last.get((month, kind))

    def _make(self, office: Office, build: Build) -> None:
        from office.reports import charts, period, recap, write_docx, write_xlsx

        now = utcnow()
        shared = self.builds.get((build.month, "rekap"))
        if build.kind != "rekap" and shared is not None and shared.done and shared.fresh(build.stamp):
            build.recap, build.pictures = shared.recap, shared.pictures
            build.stage = 2
        else:
            title, start, end = period(build.month)
            build.recap = recap(office, title, start, end, now)
            build.stage = 1
            build.pictures = charts(build.recap)  # type: ignore[arg-type]
            build.stage = 2
        if build.kind == "rekap":
            return
        folder = private_dir(office.config.files / "laporan" / "meja")
        stem = folder / f"laporan-pengaduan-{build.month[0]:04d}-{build.month[1]:02d}"
        work = folder / f"{stem.name}-{build.kind}-dibuat"  # each kind its own: a DOCX and a PDF made at once
        if build.kind == "xlsx":
            write_xlsx(build.recap, work, build.pictures)  # type: ignore[arg-type]
            build.path = work.replace(stem.with_suffix(".xlsx"))
            return
        docx = work.with_suffix(".docx")
        write_docx(build.recap, docx, build.pictures, office, now)  # type: ignore[arg-type]
        if build.kind == "docx":
            build.path = docx.replace(stem.with_suffix(".docx"))
            return
        build.stage = 3
        build.path = _pdf(docx, stem.with_suffix(".pdf"))


def _pdf(docx: Path, target: Path) -> Path:
    from letters.pdf import libreoffice, to_pdf

    if libreoffice() is None:
        raise Unavailable("LibreOffice tidak terpasang di server, jadi PDF tidak dapat dibuat; unduh versi Word "
                          "(DOCX), atau minta pengelola memasang paket libreoffice-writer-nogui")
    try:
        return to_pdf(docx).replace(target)
    finally:
        docx.unlink(missing_ok=True)


class Unavailable(RuntimeError):
    """A file that cannot be made on this server; the message says why, in Indonesian."""


def failure_text(exc: BaseException) -> str:
    if isinstance(exc, Unavailable):
        return str(exc)
    return "terjadi kesalahan saat membuat berkas; rinciannya ada di log layanan. Coba lagi, atau hubungi pengelola"


def month_stamp(office: Office) -> tuple:
    """What says whether the book changed since a recap was counted."""
    return office.book.report_stamp()


def local_month(office: Office, now: dt.datetime) -> tuple[int, int]:
    today = now.astimezone(office.config.clock.tz).date()
    return today.year, today.month
