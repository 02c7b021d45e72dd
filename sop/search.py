"""Finding complaints for the staff desk: filters and full-text search over the book.

The search index is SQLite FTS5 over the complaint's number, name, subject and text, built by
sqlite-utils' FTS helper and kept in step by the book (sop.search_index: new complaints at
their transaction's commit, changes and removals by triggers, so an anonymised complaint
leaves the index too); a search first indexes any complaint still waiting. Pages go back by the register's order with a
keyset ("older than this id"), so the last page of a million complaints costs what the first does.
A reader who may not know who made a confidential complaint finds it only by what they are shown
of it (find_complaints).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from sop.search_index import COLUMNS, TOKENIZE
from sop.store import iso

# A control character finds nothing: FTS5 reads a NUL as the end of the query ("unterminated
# string", a 500 at the desk before), and no complaint holds one.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What SQLite says when FTS5 refuses a query (its syntax, a column filter): such a search finds nothing.
REFUSED = ("fts5", "unterminated string", "unknown special query")

# How many confidential hits a search without identity may leave out before it stops reading
# further (each is redacted and searched again: a word naming thousands of confidential
# complainants would otherwise read the whole book).
LEFT_OUT = 5000

# What a reader without identity is shown of a confidential complaint, by column of the index
# (office.views.visible_text: the number, the neutral subject, the text without who complained).
Visible = Callable[[dict], dict]


def number_only(row: dict) -> dict:
    return {"number": row["number"]}


def fts_query(text: str) -> str:
    """The staff's words as an FTS5 query: every word must appear (as a prefix) in the number,
    name, subject or text; FTS syntax in the words is quoted away. '' (nothing to find) when
    the text has no word or holds a control character."""
    if CONTROL.search(text):
        return ""
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    if not words:
        return ""
    return "{" + " ".join(COLUMNS) + "} : (" + " AND ".join(f'"{w}"*' for w in words[:12]) + ")"


def shown_matches(query: str, rows: list[dict], visible: Visible) -> set[int]:
    """The ids of `rows` whose shown text the query matches: the same query over an in-memory
    FTS5 table with the index's columns and tokenizer, filled with `visible(row)` only."""
    cols = ", ".join(COLUMNS)
    shown = [(r["id"], visible(r)) for r in rows]
    with contextlib.closing(sqlite3.connect(":memory:")) as mem:
        mem.execute(f"CREATE VIRTUAL TABLE shown USING fts5({cols}, tokenize='{TOKENIZE}')")
        mem.executemany(f"INSERT INTO shown (rowid, {cols}) VALUES (?{', ?' * len(COLUMNS)})",
                        [(rowid, *(text.get(c) or "" for c in COLUMNS)) for rowid, text in shown])
        return {rowid for (rowid,) in mem.execute("SELECT rowid FROM shown WHERE shown MATCH ?", (query,))}


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
    index_search: Callable[[], None]  # sop.store.Store: the index brought up to date

    def find_complaints(self, f: Filters, now: dt.datetime, tz, *, identity: bool, limit: int = 50,
                        visible: Visible = number_only) -> list[dict]:
        """The newest `limit` complaints matching `f` (older than f.before), newest first.

        A reader without identity finds a confidential complaint by words only when they match
        what that reader is shown of it (`visible`): the index holds the raw text, so each such
        hit is searched again over the shown text alone, and a complainant's name, a part of
        it or their phone number finds nothing. Other complaints cost one query as before."""
        where, params = self._filter_sql(f, now, tz)
        query = ""
        if f.text:
            query = fts_query(f.text)
            if not query:
                return []
            self.index_search()
            where.append("id IN (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?)")
            params.append(query)
        if not query or identity:
            return [dict(r) for r in self._older(where, params, f.before, limit)]
        # One statement read in growing steps: the index's hits are gathered once, however far
        # the left-out ones (confidential complaints the words find only by what is hidden) make
        # it read, up to LEFT_OUT of them (about half a second at most).
        found: list[dict] = []
        size, left_out = limit, 0
        with contextlib.closing(self._older(where, params, f.before)) as cursor:
            while len(found) < limit and left_out < LEFT_OUT:
                batch = [dict(r) for r in cursor.fetchmany(size)]
                hidden = [r for r in batch if r["confidential"]]
                keep = shown_matches(query, hidden, visible) if hidden else set()
                found += [r for r in batch if not r["confidential"] or r["id"] in keep]
                left_out += len(hidden) - len(keep)
                if len(batch) < size:
                    break
                size = min(size * 4, 2000)
        return found[:limit]

    def _older(self, where: list[str], params: list, before: int | None, limit: int | None = None) -> sqlite3.Cursor:
        """Matching complaints older than `before`, newest first (at most `limit`). A query FTS5
        refuses finds nothing."""
        if before:
            where, params = [*where, "id < ?"], [*params, before]
        sql = "SELECT * FROM complaints" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
        if limit is not None:
            sql, params = sql + " LIMIT ?", [*params, limit]
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if any(word in str(exc).lower() for word in REFUSED):
                return self.conn.execute("SELECT * FROM complaints WHERE 0")
            raise

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
