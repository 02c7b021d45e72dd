"""Finding complaints for the staff desk: filters and full-text search over the book.

The search index is SQLite FTS5 over the complaint's number, name, subject and text, built and
kept in step by sqlite-utils' FTS helper (its triggers follow every insert, update and delete,
so an anonymised complaint leaves the index too). Pages go back by the register's order with a
keyset ("older than this id"), so the last page of a million complaints costs what the first does.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from sop.search_index import COLUMNS
from sop.store import iso

# Who may not see a confidential complainant's identity must not find it by name either.
WITHOUT_IDENTITY = ("number", "subject", "body")


def fts_query(text: str, identity: bool) -> str:
    """The staff's words as an FTS5 query: every word must appear (as a prefix), in the columns
    the reader may search; FTS syntax in the words is quoted away."""
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    if not words:
        return ""
    columns = COLUMNS if identity else WITHOUT_IDENTITY
    return "{" + " ".join(columns) + "} : (" + " AND ".join(f'"{w}"*' for w in words[:12]) + ")"


@dataclass(frozen=True)
class Filters:
    state: str = ""  # open | late | closed | answered | rejected | forwarded | linked, '' for all
    step: int | None = None
    section: str = ""
    channel: str = ""
    month: tuple[int, int] | None = None  # (year, month) received, office time
    text: str = ""
    before: int | None = None  # keyset: complaints older than this id


class SearchQueries:
    """Book verbs for the desk's list (mixed into sop.book.Book)."""

    conn: sqlite3.Connection

    def find_complaints(self, f: Filters, now: dt.datetime, tz, *, identity: bool, limit: int = 50) -> list[dict]:
        """The newest `limit` complaints matching `f` (older than f.before), newest first."""
        where, params = self._filter_sql(f, now, tz)
        if f.text:
            query = fts_query(f.text, identity)
            if not query:
                return []
            where.append("id IN (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?)")
            params.append(query)
        if f.before:
            where.append("id < ?")
            params.append(f.before)
        sql = "SELECT * FROM complaints" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
        return [dict(r) for r in rows]

    def attachment(self, attachment_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        return dict(row) if row else None

    def letter_by_id(self, letter_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM letters WHERE id = ?", (letter_id,)).fetchone()
        return dict(row) if row else None


    @staticmethod
    def _filter_sql(f: Filters, now: dt.datetime, tz) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        if f.state == "late":
            where.append("state = 'open' AND id IN (SELECT complaint_id FROM tasks WHERE done_at IS NULL "
                         "AND due_at < ?)")
            params.append(iso(now))
        elif f.state:
            where.append("state = ?")
            params.append(f.state)
        if f.step is not None:
            where.append("step = ? AND state = 'open'")
            params.append(f.step)
        if f.section:
            where.append("section = ?")
            params.append(f.section)
        if f.channel:
            where.append("channel = ?")
            params.append(f.channel)
        if f.month:
            year, month = f.month
            start = dt.datetime(year, month, 1, tzinfo=tz)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
            where.append("received_at >= ? AND received_at < ?")
            params.extend([iso(start), iso(end)])
        return where, params
