"""Proposals in the book (mixed into sop.book.Book): an official's action that someone else
recorded for them, waiting for that official's own word (office.proposals)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from sop.store import iso


class ProposalQueries:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...
        def _all(self, sql: str, params=()) -> list[dict]: ...
        def _insert(self, table: str, fields: dict) -> int: ...
        def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor: ...

    def add_proposal(self, *, complaint_id: int, task_id: int, step: int, role: str, official: str, text: str,
                     recorded_by: str, token: str, at: dt.datetime) -> int:
        return self._insert("proposals", dict(complaint_id=complaint_id, task_id=task_id, step=step, role=role,
                                              official=official, text=text, recorded_by=recorded_by,
                                              recorded_at=iso(at), token=token))

    def proposal(self, proposal_id: int) -> dict | None:
        return self._one("SELECT * FROM proposals WHERE id = ?", (proposal_id,))

    def proposal_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM proposals WHERE token = ?", (token,))

    def proposals(self, complaint_id: int) -> list[dict]:
        return self._all("SELECT * FROM proposals WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def decide_proposal(self, proposal_id: int, state: str, by: str, at: dt.datetime) -> bool:
        """Settle a waiting proposal; False when it was no longer waiting."""
        return self._write("proposals", "UPDATE proposals SET state = ?, decided_by = ?, decided_at = ? "
                           "WHERE id = ? AND state = 'menunggu'", (state, by, iso(at), proposal_id)).rowcount == 1
