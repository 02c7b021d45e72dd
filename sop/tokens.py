"""The complainant's reply tokens and each outgoing mail's return-path token in the book
(mixed into sop.book.Book).

A complaint's reply token is the sub-address its complainant answers to (office.notices);
an outbox row's return-path token is the envelope sender it goes with (VERP, jobs.outgoing),
to which a delivery report about it comes back (office.recording).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from sop.store import iso


class TokenQueries:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...
        def _all(self, sql: str, params=()) -> list[dict]: ...
        def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor: ...

    def complaint_by_reply_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM complaints WHERE reply_token = ?", (token,))

    def reply_token(self, complaint_id: int, fresh: str) -> str:
        """The complaint's reply token: the one it has, else `fresh`, kept from now on (a token
        once mailed is never replaced, so every mail to the complainant keeps working)."""
        self._write("complaints", "UPDATE complaints SET reply_token = ? WHERE id = ? AND reply_token IS NULL",
                    (fresh, complaint_id), complaint_id)
        return self.conn.execute("SELECT reply_token FROM complaints WHERE id = ?", (complaint_id,)).fetchone()[0]

    def access_code(self, complaint_id: int, fresh: str) -> str:
        """The complaint's access code: the one it has, else `fresh`, kept from now on (a code
        once printed on a receipt is never replaced)."""
        self._write("complaints", "UPDATE complaints SET access_code = ? WHERE id = ? AND access_code IS NULL",
                    (fresh, complaint_id), complaint_id)
        return self.conn.execute("SELECT access_code FROM complaints WHERE id = ?", (complaint_id,)).fetchone()[0]

    def wrong_codes_since(self, since: dt.datetime) -> list[dict]:
        """The status requests with a wrong access code since a moment (ISO): who sent each,
        about which complaint (None for a number the book does not hold)."""
        return self._all("SELECT sender, complaint_id FROM messages WHERE kind = 'kode_salah' AND received_at >= ?",
                         (iso(since),))
