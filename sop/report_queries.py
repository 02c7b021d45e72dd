"""The book's reads for reports: the recap, the statistics and the export of a city's month
(100,000 complaints) read with one query per table, never one per complaint: counts and times
are taken in SQL, and only the columns a report shows come back (no complaint's text)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from sop.store import iso

EXPORT_COLUMNS = "id, number, received_at, name, email, phone, address, channel, subject, section, lapor_id"
COUNTED = ("channel", "section", "state", "satisfaction", "rating")  # the columns a recap counts complaints by
RECEIVED = "SELECT id FROM complaints WHERE received_at >= ? AND received_at < ?"


def _seconds(column: str) -> str:
    """A book timestamp (ISO 8601 to the second, with its offset) as seconds since 1970, in SQL."""
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


class ReportQueries:
    conn: sqlite3.Connection

    def _tuples(self, sql: str, params=()) -> list[tuple]:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def report_stamp(self) -> tuple:
        """What changes whenever the book does for a recap (a complaint or a history line added):
        the desk counts a month's recap again only when this has moved."""
        return tuple(self.conn.execute("SELECT (SELECT max(rowid) FROM complaints), (SELECT max(rowid) FROM events), "
                                       "(SELECT max(rowid) FROM tasks)").fetchone())

    def counts_received(self, column: str, start: dt.datetime, end: dt.datetime) -> list[tuple]:
        """(value, how many) of a column over the complaints received in [start, end), in the
        order each value first appears in the register (as a count taken row by row)."""
        assert column in COUNTED, column
        return self._tuples(f"SELECT {column}, count(*) FROM complaints WHERE received_at >= ? AND received_at < ? "
                            f"GROUP BY {column} ORDER BY min(id)", (iso(start), iso(end)))

    def step_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple]:
        """(step, seconds from opening to done, whether done by its due time) of every done task
        of the complaints received in [start, end), in no particular order."""
        return self._tuples(
            f"SELECT step, {_seconds('done_at')} - {_seconds('opened_at')}, {_seconds('done_at')} <= {_seconds('due_at')} "
            f"FROM tasks WHERE done_at IS NOT NULL AND complaint_id IN ({RECEIVED})", (iso(start), iso(end)))

    def late_tasks(self, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[sqlite3.Row]:
        """The tasks of the complaints received in [start, end) done after their due time, or of
        an open complaint and past it at `now`, in register order (each complaint's in theirs)."""
        return self.conn.execute(
            "SELECT c.number, t.step, t.role, t.official, t.due_at, t.done_at FROM complaints c "
            "JOIN tasks t ON t.complaint_id = c.id WHERE c.received_at >= ? AND c.received_at < ? AND "
            f"((t.done_at IS NOT NULL AND {_seconds('t.done_at')} > {_seconds('t.due_at')}) OR "
            f"(t.done_at IS NULL AND c.state = 'open' AND {_seconds('t.due_at')} < ?)) ORDER BY c.id, t.id",
            (iso(start), iso(end), now.timestamp())).fetchall()

    def complaints_with_step(self, step: int, start: dt.datetime, end: dt.datetime) -> int:
        """How many complaints received in [start, end) reached `step` (the objection)."""
        return self.conn.execute(f"SELECT count(DISTINCT complaint_id) FROM tasks WHERE step = ? AND complaint_id IN "
                                 f"({RECEIVED})", (step, iso(start), iso(end))).fetchone()[0]

    def seconds_to_answer(self, start: dt.datetime, end: dt.datetime) -> list[int]:
        """Seconds from receipt to the answer's delivery, or to the closing of a complaint closed
        without one, of the complaints received in [start, end) that have either."""
        return [seconds for (seconds,) in self._tuples(
            f"SELECT {_seconds('coalesce(answered_at, closed_at)')} - {_seconds('received_at')} FROM complaints "
            "WHERE received_at >= ? AND received_at < ? AND (answered_at IS NOT NULL OR (closed_at IS NOT NULL AND "
            "state = 'closed')) ORDER BY id", (iso(start), iso(end)))]

    def complaints_for_export(self) -> list[tuple]:
        """Every complaint in register order, with the paper book's columns (EXPORT_COLUMNS)."""
        return self._tuples(f"SELECT {EXPORT_COLUMNS} FROM complaints ORDER BY id")

    def first_event_texts(self, kind: str, step: int | None) -> dict[int, str]:
        """Per complaint, the text of its first event of `kind` at `step` (the decision of step 3)."""
        out: dict[int, str] = {}
        for complaint_id, text in self.conn.execute("SELECT complaint_id, text FROM events WHERE kind = ? AND step IS ? "
                                                    "ORDER BY complaint_id, id", (kind, step)):
            out.setdefault(complaint_id, text)
        return out

    def current_letters(self) -> dict[int, tuple]:
        """Per complaint, its answer or surat pelimpahan in force (what Book.current_letter gives):
        (number, issued_at, dispatched_at, dispatch_method)."""
        rows = self._tuples("SELECT complaint_id, number, issued_at, dispatched_at, dispatch_method FROM letters "
                            "WHERE void = 0 AND kind IN ('jawaban', 'pelimpahan') ORDER BY id")
        return {row[0]: row[1:] for row in rows}  # the newest wins, as in current_letter
