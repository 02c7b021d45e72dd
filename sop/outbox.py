"""The outbox in the book (mixed into sop.book.Book): every mail the office sends is a row,
written in the transaction of the change that causes it, and sent later (jobs/outgoing.py).

A new complaint queues three mails one after the other (acknowledgement, staff copy, routing
email): rows queued in a transaction wait in memory and are written together, in one
statement, before anything reads the outbox and before their savepoint or transaction ends, so
they commit with the change that caused them or not at all, as if written one by one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sop.directory import mailbox_of
from sop.store import iso

COLUMNS = ("message_id", "complaint_id", "kind", "recipients", "recipient", "mailbox", "subject", "raw",
           "created_at", "next_try_at", "bounce_token")
ROWS_PER_STATEMENT = 50


class OutboxRows:
    """The outbox's rows: queued, counted, sent, given up (what is due and claiming it: sop.outbox_queries)."""

    conn: sqlite3.Connection
    _depth: int

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...
        def _all(self, sql: str, params=()) -> list[dict]: ...
        def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor: ...

    _queued = 0  # rows ever queued by this book: a savepoint undone drops those it queued
    mails_enqueued = 0  # mails ever handed to enqueue by this book (a caller tells whether it queued one)

    @contextmanager
    def transaction(self):
        """Store.transaction, with the rows queued inside it written before it ends (or dropped
        with it: those already written are undone by the rollback itself)."""
        first = self._queued
        try:
            with super().transaction() as book:  # Store's, next in the Book's order
                yield book
                self.write_queued()
        except BaseException:
            waiting = self._waiting()
            waiting[:] = [(n, row) for n, row in waiting if n < first]
            raise

    def _waiting(self) -> list[tuple[int, tuple]]:
        """The rows queued and not yet written, each with its sequence number."""
        return self.__dict__.setdefault("_outbox_waiting", [])

    def enqueue(self, *, message_id: str, complaint_id: int | None, kind: str,
                recipients: list[str], subject: str, raw: bytes, at: dt.datetime,
                bounce_token: str | None = None) -> None:
        self.mails_enqueued += 1
        row = (message_id, complaint_id, kind, json.dumps(recipients), recipients[0].lower() if recipients else None,
               mailbox_of(recipients[0]) if recipients else None, subject, raw, iso(at), iso(at), bounce_token)
        if not self._depth:
            self.conn.execute(_insert(1), row)
            return
        self._waiting().append((self._queued, row))
        self._queued += 1

    def write_queued(self) -> None:
        """Write the rows waiting in memory (one statement for up to ROWS_PER_STATEMENT)."""
        waiting = self._waiting()
        while waiting:
            rows, waiting[:] = waiting[:ROWS_PER_STATEMENT], waiting[ROWS_PER_STATEMENT:]
            self.conn.execute(_insert(len(rows)), [value for _, row in rows for value in row])

    def count_mail_about(self, complaint_id: int, mailbox: str, kinds: tuple[str, ...], since: dt.datetime) -> int:
        """How many mails of `kinds` about one complaint went to a mailbox since a moment."""
        self.write_queued()
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(
            f"SELECT count(*) FROM outbox WHERE mailbox = ? AND kind IN ({marks}) AND complaint_id = ? "
            "AND created_at >= ?", (mailbox, *kinds, complaint_id, iso(since))).fetchone()[0]

    def count_mail_to_mailbox(self, mailbox: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to a normalised mailbox (intake.text.mailbox_of) since a moment."""
        self.write_queued()
        return self.conn.execute(
            "SELECT count(*) FROM outbox WHERE mailbox = ? AND kind = ? AND created_at >= ?",
            (mailbox, kind, iso(since))).fetchone()[0]

    def count_mail_to(self, recipient: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to `recipient`'s mailbox since a moment (uses outbox_mailbox)."""
        return self.count_mail_to_mailbox(mailbox_of(recipient), kind, since)

    def outbox_by_message_ids(self, message_ids: tuple[str, ...]) -> dict | None:
        if not message_ids:
            return None
        self.write_queued()
        marks = ",".join("?" * len(message_ids))
        return self._one(f"SELECT * FROM outbox WHERE message_id IN ({marks}) ORDER BY id LIMIT 1",
                         tuple(message_ids))

    def outbox_by_bounce_token(self, token: str) -> dict | None:
        """The mail whose return path (VERP) carries `token`."""
        self.write_queued()
        return self._one("SELECT * FROM outbox WHERE bounce_token = ?", (token,))

    def due_outbox(self, *args, **kwargs):
        """sop.outbox_queries' due mail, after writing what waits (untyped: its signature is that one's)."""
        self.write_queued()
        return super().due_outbox(*args, **kwargs)  # the next mixin in the Book's order

    def stale_outbox(self, created_before: dt.datetime) -> list[dict]:
        self.write_queued()
        return self._all("SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL "
                         "AND created_at < ? ORDER BY id", (iso(created_before),))

    def give_up(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET gave_up_at = ? WHERE id = ?", (iso(at), outbox_id))

    def outbox(self, complaint_id: int | None = None) -> list[dict]:
        self.write_queued()
        if complaint_id is None:
            return self._all("SELECT * FROM outbox ORDER BY id")
        return self._all("SELECT * FROM outbox WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def mark_sent(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL "
                    "WHERE id = ?", (iso(at), outbox_id))

    def mark_send_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? "
                    "WHERE id = ?", (error, iso(retry_at), outbox_id))


def _insert(rows: int) -> str:
    one = f"({', '.join('?' * len(COLUMNS))})"
    return f"INSERT INTO outbox ({', '.join(COLUMNS)}) VALUES {', '.join([one] * rows)}"
