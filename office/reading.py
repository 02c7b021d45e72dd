"""What staff read of the book, each read recorded in the access trail (UU 27/2022 Pasal 31):
the command line's `buku` and `lihat` read here (the desk's pages through office.desk, its
files through office.downloads), and office.privacy.record_access is the one place a read is
written to the trail. The documents themselves are office.views'."""

from __future__ import annotations

import datetime as dt

from office.base import Office
from office.privacy import record_access
from office.views import complaint_json


def read_book(office: Office, who: str | None, now: dt.datetime, *, state: str | None = None, limit: int = 0,
              offset: int = 0) -> list[dict]:
    """The book's complaints as `buku` shows them (newest `limit`, from `offset`; all when 0),
    the read recorded for `who` (None: the account running the command)."""
    rows = office.book.complaints.listed(state, limit=limit, offset=offset) if limit else office.book.complaints.listed(state)
    record_access(office, "baca-buku", "", f"{len(rows)} pengaduan", now, who=who)
    return [complaint_json(office, row, now) for row in rows]


def count_book(office: Office, state: str | None = None) -> int:
    """How many complaints the book holds (in `state`), for a list's footer."""
    return office.book.complaints.count(state)


def read_complaint(office: Office, who: str | None, number: str, now: dt.datetime) -> dict | None:
    """One complaint with its history and step times (`lihat`), the read recorded; None when
    the book has no such number (nothing is recorded then)."""
    row = office.book.complaints.by_number(number)
    if row is None:
        return None
    record_access(office, "baca-pengaduan", number, now=now, who=who)
    return complaint_json(office, row, now, detail=True)
