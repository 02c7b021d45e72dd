"""The outbox's reads for its senders: what is due, and claiming it, so that the daemon, a desk
request and a command sending at the same moment never send one mail twice."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from sop.store import iso


class OutboxQueries:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _all(self, sql: str, params=()) -> list[dict]: ...
        def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor: ...
        def transaction(self): ...
        def write_queued(self) -> None: ...

    def due_outbox(self, now: dt.datetime, limit: int = 100, since: dt.datetime | None = None) -> list[dict]:
        """Mail due to be sent; with `since`, only what was queued from that moment (the desk
        sends what its own action queued, never the daemon's backlog). A mail that waits for its
        PDF (awaits_pdf) is due only once the PDF job has added it (office.letter_pdfs)."""
        due = "sent_at IS NULL AND gave_up_at IS NULL AND awaits_pdf IS NULL AND next_try_at <= ?"
        if since is not None:
            return self._all(f"SELECT * FROM outbox WHERE {due} AND created_at >= ? ORDER BY id LIMIT ?",
                             (iso(now), iso(since), limit))
        return self._all(f"SELECT * FROM outbox WHERE {due} ORDER BY id LIMIT ?", (iso(now), limit))

    def hold_for_pdf(self, message_id: str, wanted: str) -> None:
        """The queued mail `message_id` waits for the PDFs `wanted` names (JSON, office.letter_pdfs)."""
        self.write_queued()
        self._write("outbox", "UPDATE outbox SET awaits_pdf = ? WHERE message_id = ?", (wanted, message_id))

    def mails_awaiting_pdf(self) -> list[dict]:
        self.write_queued()
        return self._all("SELECT * FROM outbox WHERE awaits_pdf IS NOT NULL AND sent_at IS NULL "
                         "AND gave_up_at IS NULL ORDER BY id")

    def release_with_pdf(self, outbox_id: int, raw: bytes) -> bool:
        """The waiting mail, its PDFs added, becomes due; False when another job released it first."""
        return self._write("outbox", "UPDATE outbox SET raw = ?, awaits_pdf = NULL WHERE id = ? "
                           "AND awaits_pdf IS NOT NULL", (raw, outbox_id)).rowcount == 1

    def claim_outbox(self, ids: list[int], now: dt.datetime, until: dt.datetime) -> set[int]:
        """Of these due mails, the ones this sender takes: each is due again only at `until` for
        any other sender (the daemon, a desk request, a command), so two never send one mail."""
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        with self.transaction():
            taken = self._write("outbox", f"UPDATE outbox SET next_try_at = ? WHERE id IN ({marks}) AND sent_at IS NULL "
                                          f"AND gave_up_at IS NULL AND next_try_at <= ? RETURNING id",
                                (iso(until), *ids, iso(now))).fetchall()
        return {row[0] for row in taken}

