"""The quarantine in the book (mixed into sop.book.Book): messages set aside after failing
`[intake] quarantine_after` times, until staff process them again, make a complaint of one,
or set one aside for good (office.quarantine)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from sop.store import iso


class QuarantineQueries:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...

    def record_failure(self, key: str, error: str, at: dt.datetime) -> int:
        """Count a failed attempt at a message; returns how many there have been."""
        self.conn.execute(
            "INSERT INTO failures(key, attempts, last_error, last_at) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, "
            "last_at = excluded.last_at", (key, error, iso(at)))
        return self.conn.execute("SELECT attempts FROM failures WHERE key = ?", (key,)).fetchone()[0]

    def message(self, key: str) -> dict | None:
        return self._one("SELECT * FROM messages WHERE key = ?", (key,))

    def forget_quarantined(self, key: str) -> None:
        """A quarantined message goes back to unread (processed again now): its row and count gone."""
        self.conn.execute("DELETE FROM messages WHERE key = ? AND kind = 'quarantine'", (key,))
        self.conn.execute("DELETE FROM failures WHERE key = ?", (key,))

    def settle_quarantined(self, key: str, kind: str, note: str, complaint_id: int | None = None) -> None:
        """A quarantined message settled by staff: `kind` says how (a complaint, set aside)."""
        self.conn.execute("UPDATE messages SET kind = ?, note = note || ?, complaint_id = coalesce(?, complaint_id) "
                          "WHERE key = ? AND kind = 'quarantine'", (kind, note, complaint_id, key))
