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

    def due_outbox(self, now: dt.datetime, limit: int = 100, since: dt.datetime | None = None) -> list[dict]:
        """Mail due to be sent; with `since`, only what was queued from that moment (the desk
        sends what its own action queued, never the daemon's backlog)."""
        if since is not None:
            return self._all("SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_try_at <= ? "
                             "AND created_at >= ? ORDER BY id LIMIT ?", (iso(now), iso(since), limit))
        return self._all("SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL "
                         "AND next_try_at <= ? ORDER BY id LIMIT ?", (iso(now), limit))

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

