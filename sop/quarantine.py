"""The quarantine in the book (mixed into sop.book.Book): messages set aside after failing
`[intake] quarantine_after` times, until staff process them again, make a complaint of one,
or set one aside for good (office.quarantine)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING


class QuarantineQueries:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...

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
