"""The desk's Laporan figures of a month, kept in the book (its table recap_figures) so that the
page shows them at once, always with the moment they were counted.

A city's month (100,000 complaints, half a million tasks) takes a second or more to count, and
several on a busy server: no page waits for it. The figures are counted outside any request:
by the daemon's job `rekap-meja` (this month and the last, when the book has changed since
they were counted: `refresh`, in a thread of its own so that intake never waits), and by the
desk's background build when a page finds them older than the book (jobs.web.report_builds).
What is kept is what the page shows: the counts, each step's times, the first LATE_LISTED
late steps (holders by title, never an address) with how many there are, and the charts.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from office.base import Office
from office.reports import LATE_LISTED, Recap, charts, period, recap
from sop.clock import utcnow

log = logging.getLogger("pengaduan.laporan")

# Figures this old are counted again when a page shows them, even in an unchanged book: a step
# becomes late with the clock alone.
FRESH_SECONDS = 300
# The daemon counts a month again when the book changed, or when its figures are this old.
DAEMON_RECOUNT_SECONDS = 3600
COUNTERS = ("by_channel", "by_section", "by_state", "by_satisfaction")


@dataclass
class Counted:
    """A month's recap and charts, with when they were counted and the book's stamp at that moment."""

    month: tuple[int, int]
    recap: Recap
    pictures: dict[str, bytes]
    counted_at: dt.datetime
    stamp: str

    def current(self, stamp: str, now: dt.datetime) -> bool:
        """Whether these are the figures of the book as it is now (and recent enough)."""
        return self.stamp == stamp and (now - self.counted_at).total_seconds() < FRESH_SECONDS


def month_key(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def book_stamp(office: Office) -> str:
    """What moves whenever the book changes for a recap (a complaint, a task or a history line added)."""
    return json.dumps(list(office.book.reports.report_stamp()))


def count(office: Office, month: tuple[int, int], now: dt.datetime,
          stage: Callable[[int], None] = lambda _: None) -> Counted:
    """The month counted now, and its charts drawn (`stage(1)` between the two)."""
    stamp = book_stamp(office)  # taken first: a change made while counting leaves them older than the book
    title, start, end = period(month)
    r = recap(office, title, start, end, now)
    stage(1)
    return Counted(month, r, charts(r), now, stamp)


def keep(office: Office, counted: Counted) -> None:
    """Keep the figures in the book for every page and process that shows them."""
    office.book.reports.store_recap(month_key(counted.month), counted.counted_at, counted.stamp,
                            json.dumps(as_data(counted.recap, counted.pictures), ensure_ascii=False))


def kept(office: Office, month: tuple[int, int]) -> Counted | None:
    """The month's figures as last kept, or None when they were never counted."""
    row = office.book.reports.stored_recap(month_key(month))
    if row is None:
        return None
    counted_at, stamp, figures = row
    r, pictures = from_data(json.loads(figures), office.config.clock.tz)
    return Counted(month, r, pictures, dt.datetime.fromisoformat(counted_at), stamp)


def as_data(r: Recap, pictures: dict[str, bytes]) -> dict:
    """What the page shows of a recap, as JSON data (counts as pairs, in their order)."""
    late = [{"number": item["number"], "step": item["step"], "label": item["label"], "official": item["official"],
             "due_at": item["due_at"].isoformat(), "done_at": item["done_at"].isoformat() if item["done_at"] else None}
            for item in r.late[:LATE_LISTED]]
    return {"title": r.title, "start": r.start.isoformat(), "end": r.end.isoformat(), "total": r.total,
            **{name: list(getattr(r, name).items()) for name in COUNTERS}, "ratings": list(r.ratings.items()),
            "objections": r.objections, "steps": r.steps, "late": late, "late_count": r.late_count,
            "pictures": {name: base64.b64encode(png).decode() for name, png in pictures.items()}}


def from_data(data: dict, tz: dt.tzinfo) -> tuple[Recap, dict[str, bytes]]:
    """A recap (its late steps cut to LATE_LISTED) and its charts from as_data's JSON."""
    r = Recap(data["title"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]),
              total=data["total"], objections=data["objections"], steps=data["steps"])
    for name in COUNTERS:
        getattr(r, name).update(dict(data[name]))
    r.ratings = Counter({int(value): n for value, n in data["ratings"]})
    r.late = [{**item, "due_at": dt.datetime.fromisoformat(item["due_at"]).astimezone(tz),
               "done_at": dt.datetime.fromisoformat(item["done_at"]).astimezone(tz) if item["done_at"] else None}
              for item in data["late"]]
    r.late_more = data["late_count"] - len(r.late)
    return r, {name: base64.b64decode(png) for name, png in data["pictures"].items()}


def months_shown(office: Office, now: dt.datetime) -> list[tuple[int, int]]:
    """This month and the last, as the office's clock has them (the months staff look at)."""
    today = now.astimezone(office.config.clock.tz).date()
    last = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return [(today.year, today.month), last]


def refresh(office: Office, now: dt.datetime) -> str | None:
    """Count this month's and last month's figures again where the book changed since they
    were counted (or never were); nothing while the office has no desk account. What was
    counted, for the log."""
    if not office.book.accounts.users():
        return None
    stamp = book_stamp(office)
    done = []
    for month in months_shown(office, now):
        row = office.book.reports.stored_recap(month_key(month))
        if row is not None and row[1] == stamp and \
                (now - dt.datetime.fromisoformat(row[0])).total_seconds() < DAEMON_RECOUNT_SECONDS:
            continue
        keep(office, count(office, month, now))
        done.append(month_key(month))
    return f"angka laporan {', '.join(done)} dihitung ulang" if done else None


class Refresher:
    """The daemon's job: `refresh` in a thread of its own, with its own connection to the book,
    so that the intake loop never waits for a count; one at a time."""

    def __init__(self, office: Office, now: Callable[[], dt.datetime] = utcnow):
        self.config, self.now = office.config, now
        self.thread: threading.Thread | None = None

    def __call__(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        self.thread = threading.Thread(target=self._run, name="rekap-meja", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from sop.book import Book

        try:
            office = Office(self.config, Book(self.config.database, create=False))
            try:
                said = refresh(office, self.now())
            finally:
                office.book.close()
        except Exception:  # logged; the next run tries again
            log.exception("angka laporan tidak dapat dihitung ulang")
            return
        if said:
            log.info("rekap-meja: %s", said)
