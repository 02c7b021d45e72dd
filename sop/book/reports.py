"""The book's reads for reports: the recap, the statistics and the export of a city's month
(100,000 complaints) read with one query per table, never one per complaint: counts and times
are taken in SQL, and only the columns a report shows come back (no complaint's text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sop.book.repository import Repository
from sop.book.store import iso

EXPORT_COLUMNS = "id, number, received_at, name, email, phone, address, channel, subject, section, lapor_id"
COUNTED = ("channel", "section", "state", "satisfaction", "rating")  # the columns a recap counts complaints by
RECEIVED = "SELECT id FROM complaints WHERE received_at >= ? AND received_at < ?"


def _between(later: str, earlier: str) -> str:
    """The seconds from one book timestamp to another, in SQL. julianday() reads the text as a
    number at once (strftime('%s') wrote it out as text and read it back: twice the time over
    a city's month of tasks); rounded, the seconds are exact."""
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"

# Book timestamps are UTC ISO 8601 to the second, one format (sop.book.store.iso): their text order
# is time order, so "done after its due time" is a comparison of texts, with nothing parsed.


class Reports(Repository):
    """The reads of the recap, the statistics and the export, and the recaps already sent."""

    def _tuples(self, sql: str, params=()) -> list[tuple]:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def report_stamp(self) -> tuple:
        """What changes whenever the book does for a recap (a complaint or a history line added):
        the desk counts a month's recap again only when this has moved."""
        return tuple(self.conn.execute("SELECT (SELECT max(rowid) FROM complaints), (SELECT max(rowid) FROM events), "
                                       "(SELECT max(rowid) FROM tasks)").fetchone())

    def stored_recap(self, month: str) -> tuple[str, str, str] | None:
        """(counted_at, stamp, figures) of a month's Laporan figures as last counted ("YYYY-MM"), or None."""
        return self.conn.execute("SELECT counted_at, stamp, figures FROM recap_figures WHERE month = ?",
                                 (month,)).fetchone()

    def store_recap(self, month: str, counted_at: dt.datetime, stamp: str, figures: str) -> None:
        """Keep a month's figures, unless figures counted later are kept already (two counts
        that ran side by side: the newer wins, whichever finished first)."""
        self.conn.execute("INSERT INTO recap_figures (month, counted_at, stamp, figures) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (month) DO UPDATE SET counted_at = excluded.counted_at, stamp = excluded.stamp, "
                          "figures = excluded.figures WHERE excluded.counted_at >= recap_figures.counted_at",
                          (month, iso(counted_at), stamp, figures))

    def counts_received(self, start: dt.datetime, end: dt.datetime) -> list[tuple]:
        """The complaints received in [start, end) counted by COUNTED's columns together, one row
        per combination: (channel, section, state, satisfaction, rating, how many). One pass over
        the month; the groups come in the order of their first complaint, so that adding them up
        meets each column's values in the order they first appear in the register."""
        return self._tuples(f"SELECT {', '.join(COUNTED)}, count(*) FROM complaints WHERE received_at >= ? AND "
                            f"received_at < ? GROUP BY {', '.join(COUNTED)} ORDER BY min(id)", (iso(start), iso(end)))

    def step_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple]:
        """Per step, over the done tasks of the complaints received in [start, end): (step, how
        many, how many done by their due time, the seconds each took from opening to done, as
        text "s1,s2,…"). Grouped in the book, so that half a million tasks come back as a few
        rows and a list of numbers each, not as half a million Python tuples."""
        return self._tuples(
            f"SELECT step, count(*), sum(done_at <= due_at), group_concat({_between('done_at', 'opened_at')}) "
            f"FROM tasks WHERE done_at IS NOT NULL AND complaint_id IN ({RECEIVED}) GROUP BY step",
            (iso(start), iso(end)))

    def late_tasks(self, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[tuple]:
        """The tasks of the complaints received in [start, end) done after their due time, or of
        an open complaint and past it at `now`, in register order (each complaint's in theirs):
        (number, step, role, official's address, due_at, done_at)."""
        return self._tuples(
            "SELECT c.number, t.step, t.role, t.official, t.due_at, t.done_at FROM complaints c "
            "JOIN tasks t ON t.complaint_id = c.id WHERE c.received_at >= ? AND c.received_at < ? AND "
            "(t.done_at > t.due_at OR (t.done_at IS NULL AND c.state = 'open' AND t.due_at < ?)) ORDER BY c.id, t.id",
            (iso(start), iso(end), iso(now)))

    def complaints_with_step(self, step: int, start: dt.datetime, end: dt.datetime) -> int:
        """How many complaints received in [start, end) reached `step` (the objection)."""
        return self.conn.execute(f"SELECT count(DISTINCT complaint_id) FROM tasks WHERE step = ? AND complaint_id IN "
                                 f"({RECEIVED})", (step, iso(start), iso(end))).fetchone()[0]

    def seconds_to_answer(self, start: dt.datetime, end: dt.datetime) -> list[int]:
        """Seconds from receipt to the answer's delivery, or to the closing of a complaint closed
        without one, of the complaints received in [start, end) that have either."""
        return [seconds for (seconds,) in self._tuples(
            f"SELECT {_between('coalesce(answered_at, closed_at)', 'received_at')} FROM complaints "
            "WHERE received_at >= ? AND received_at < ? AND (answered_at IS NOT NULL OR (closed_at IS NOT NULL AND "
            "state = 'closed')) ORDER BY id", (iso(start), iso(end)))]

    def complaints_for_export(self) -> Iterator[tuple]:
        """Every complaint in register order, with the paper book's columns (EXPORT_COLUMNS), read
        as they are written (a city's book of a million is never held in memory at once)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.arraysize = 1000
        cursor.execute(f"SELECT {EXPORT_COLUMNS} FROM complaints ORDER BY id")
        while rows := cursor.fetchmany():
            yield from rows

    def first_event_texts(self, kind: str, step: int | None) -> dict[int, str]:
        """Per complaint, the text of its first event of `kind` at `step` (the decision of step 3)."""
        out: dict[int, str] = {}
        for complaint_id, text in self.conn.execute("SELECT complaint_id, text FROM events WHERE kind = ? AND step IS ? "
                                                    "ORDER BY complaint_id, id", (kind, step)):
            out.setdefault(complaint_id, text)
        return out

    def current_letters(self) -> dict[int, tuple]:
        """Per complaint, its answer or surat pelimpahan in force (what Letters.current gives):
        (number, issued_at, dispatched_at, dispatch_method)."""
        rows = self._tuples("SELECT complaint_id, number, issued_at, dispatched_at, dispatch_method FROM letters "
                            "WHERE void = 0 AND kind IN ('jawaban', 'pelimpahan') ORDER BY id")
        return {row[0]: row[1:] for row in rows}  # the newest wins, as in Letters.current

    def sent(self, key: str) -> bool:
        """Whether the report `key` (rekap-YYYY-MM) went out already."""
        return self._one("SELECT 1 AS x FROM reports_sent WHERE key = ?", (key,)) is not None

    def record_sent(self, key: str, at: dt.datetime) -> None:
        self._insert("reports_sent", dict(key=key, sent_at=iso(at)))
