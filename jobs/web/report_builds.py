"""The desk's recap and its files (XLSX, DOCX, PDF), made in a background thread so that no
request waits on them: behind nginx (proxy_read_timeout 60 s) a city's month must never end
in a 504, and a person who sees progress does not click again.

A build is kept per office, month and kind. The page and the files of one month share one
recap, counted once; it is counted again when the book has changed since (a new complaint,
task or history line) or when it is older than FRESH_SECONDS (late steps grow with the clock).
Each count is kept in the book (office.recap_figures), where the page reads it at once.
Files are written by office.report_files under files/laporan/meja/.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from office.base import Office
from office.opening import close_office
from office.recap_figures import FRESH_SECONDS, Counted, book_stamp, count, keep
from office.report_files import Unavailable, opened, utcnow, write_month_file

log = logging.getLogger("pengaduan.meja")

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
    stamp: str
    stage: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    error: str | None = None
    path: Path | None = None
    counted: Counted | None = None  # the recap and charts it was made from

    @property
    def stages(self) -> tuple[str, ...]:
        return STAGES[self.kind]

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def fresh(self, stamp: str) -> bool:
        if self.error is not None:
            return False
        return self.stamp == stamp and (not self.done or time.monotonic() - (self.finished or 0) < FRESH_SECONDS)


class Builds:
    """The builds of one office's desk (one per server process)."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self.lock = threading.Lock()
        self.builds: dict[tuple, Build] = {}

    def start(self, month: tuple[int, int], kind: str, stamp: str, *, again: bool = False) -> Build:
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
            office = opened(self.config_path)
            try:
                self._make(office, build)
            finally:
                close_office(office)
        except Exception as exc:  # shown on the progress page; the traceback to the log
            log.exception("laporan %s %04d-%02d gagal dibuat", build.kind, *build.month)
            build.error = failure_text(exc)
        finally:
            build.finished = time.monotonic()

    def counted(self, month: tuple[int, int], stamp: str) -> Counted | None:
        """A recap of the month counted a moment ago, by the page or another file (not older than the book)."""
        with self.lock:
            made = [b for (m, _), b in self.builds.items() if m == month and b.done and b.counted is not None]
        return next((b.counted for b in made if b.fresh(stamp)), None)

    def _make(self, office: Office, build: Build) -> None:
        now = utcnow()
        shared = self.counted(build.month, build.stamp)
        if build.kind != "rekap" and shared is not None:
            build.counted = shared
        else:
            build.counted = count(office, build.month, now, lambda n: setattr(build, "stage", n))
            keep(office, build.counted)  # every page shows these from now on, in any process
        build.stage = 2
        if build.kind != "rekap":
            build.path = write_month_file(office, build.counted, build.kind, now,
                                          lambda n: setattr(build, "stage", n))


def failure_text(exc: BaseException) -> str:
    if isinstance(exc, Unavailable):
        return str(exc)
    return "terjadi kesalahan saat membuat berkas; rinciannya ada di log layanan. Coba lagi, atau hubungi pengelola"


def month_stamp(office: Office) -> str:
    """What says whether the book changed since a recap was counted."""
    return book_stamp(office)


def local_month(office: Office, now: dt.datetime) -> tuple[int, int]:
    today = now.astimezone(office.config.clock.tz).date()
    return today.year, today.month
