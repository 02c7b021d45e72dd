"""The outbox in the book: every mail the office sends is a row, written in the transaction of
the change that causes it, and sent later (jobs/outgoing.py).

A new complaint queues three mails one after the other (acknowledgement, staff copy, routing
email): rows queued in a transaction wait in memory and are written together, in one
statement, before anything reads the outbox and before their savepoint or transaction ends
(sop.book.Book.transaction), so they commit with the change that caused them or not at all,
as if written one by one. Claiming what is due keeps the daemon, a desk request and a command
sending at the same moment from sending one mail twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import deque
from collections.abc import Sequence

from sop.book.records import OutboxMail
from sop.book.repository import Repository
from sop.book.store import Store, iso
from sop.directory import mailbox_of

COLUMNS = ("message_id", "complaint_id", "kind", "recipients", "recipient", "mailbox", "subject", "raw",
           "created_at", "next_try_at", "bounce_token")
ROWS_PER_STATEMENT = 50
# The Message-IDs a book remembers for `queued_since`: a desk request or a command queues a few;
# a daemon's book queues millions and keeps only these (a bounded memory).
RECENT = 4096


class Outbox(Repository):
    """The outbox's rows: queued, counted, due, claimed, sent, given up."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.queued = 0  # rows ever queued by this book: a savepoint undone drops those it queued
        self.mails_enqueued = 0  # mails ever handed to enqueue by this book (a caller tells whether it queued one)
        self._waiting: list[tuple[int, tuple]] = []  # queued, not yet written, each with its sequence number
        self._recent: deque[str] = deque(maxlen=RECENT)  # the last Message-IDs handed to enqueue

    def drop_queued_since(self, first: int) -> None:
        """A savepoint or transaction undone: the rows it queued and had not written go with it
        (those already written are undone by the rollback itself)."""
        self._waiting[:] = [(n, row) for n, row in self._waiting if n < first]

    def enqueue(self, *, message_id: str, complaint_id: int | None, kind: str,
                recipients: list[str], subject: str, raw: bytes, at: dt.datetime,
                bounce_token: str | None = None) -> None:
        self.mails_enqueued += 1
        self._recent.append(message_id)
        row = (message_id, complaint_id, kind, json.dumps(recipients), recipients[0].lower() if recipients else None,
               mailbox_of(recipients[0]) if recipients else None, subject, raw, iso(at), iso(at), bounce_token)
        if not self.store._depth:
            self.conn.execute(_insert(1), row)
            return
        self._waiting.append((self.queued, row))
        self.queued += 1

    def queued_since(self, mark: int) -> tuple[str, ...]:
        """The Message-IDs this book queued after `mark` (a value of mails_enqueued): what a desk
        request or a command sends at once, and nothing another process queued meanwhile (at
        most the last RECENT; the daemon sends the rest). A savepoint undone leaves an id whose
        row does not exist: `due` finds nothing for it."""
        count = min(self.mails_enqueued - mark, len(self._recent))
        return tuple(self._recent)[len(self._recent) - count:] if count > 0 else ()

    def write_queued(self) -> None:
        """Write the rows waiting in memory (one statement for up to ROWS_PER_STATEMENT)."""
        waiting = self._waiting
        while waiting:
            rows, waiting[:] = waiting[:ROWS_PER_STATEMENT], waiting[ROWS_PER_STATEMENT:]
            self.conn.execute(_insert(len(rows)), [value for _, row in rows for value in row])

    def count_about(self, complaint_id: int, mailbox: str, kinds: tuple[str, ...], since: dt.datetime) -> int:
        """How many mails of `kinds` about one complaint went to a mailbox since a moment."""
        self.write_queued()
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(
            f"SELECT count(*) FROM outbox WHERE mailbox = ? AND kind IN ({marks}) AND complaint_id = ? "
            "AND created_at >= ?", (mailbox, *kinds, complaint_id, iso(since))).fetchone()[0]

    def count_to_mailbox(self, mailbox: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to a normalised mailbox (intake.text.mailbox_of) since a moment."""
        self.write_queued()
        return self.conn.execute(
            "SELECT count(*) FROM outbox WHERE mailbox = ? AND kind = ? AND created_at >= ?",
            (mailbox, kind, iso(since))).fetchone()[0]

    def count_to(self, recipient: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to `recipient`'s mailbox since a moment (uses outbox_mailbox)."""
        return self.count_to_mailbox(mailbox_of(recipient), kind, since)

    def by_message_ids(self, message_ids: tuple[str, ...]) -> OutboxMail | None:
        if not message_ids:
            return None
        self.write_queued()
        marks = ",".join("?" * len(message_ids))
        return self._one_of(OutboxMail, f"SELECT * FROM outbox WHERE message_id IN ({marks}) ORDER BY id LIMIT 1",
                         tuple(message_ids))

    def by_bounce_token(self, token: str) -> OutboxMail | None:
        """The mail whose return path (VERP) carries `token`."""
        self.write_queued()
        return self._one_of(OutboxMail, "SELECT * FROM outbox WHERE bounce_token = ?", (token,))

    def listed(self, complaint_id: int | None = None) -> list[OutboxMail]:
        self.write_queued()
        if complaint_id is None:
            return self._all_of(OutboxMail, "SELECT * FROM outbox ORDER BY id")
        return self._all_of(OutboxMail, "SELECT * FROM outbox WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def due(self, now: dt.datetime, limit: int = 100, only: Sequence[str] | None = None) -> list[OutboxMail]:
        """Mail due to be sent; with `only`, just the mails of those Message-IDs (a desk request
        or a command sends what it queued, never the daemon's backlog). A mail that waits for its
        PDF (awaits_pdf) is due only once the PDF job has added it (office.letter_pdfs)."""
        self.write_queued()
        due = "sent_at IS NULL AND gave_up_at IS NULL AND awaits_pdf IS NULL AND next_try_at <= ?"
        if only is not None:
            return self._all_of(OutboxMail, f"SELECT * FROM outbox WHERE {due} AND message_id IN "
                                            "(SELECT value FROM json_each(?)) ORDER BY id LIMIT ?",
                                (iso(now), json.dumps(list(only)), limit))
        return self._all_of(OutboxMail, f"SELECT * FROM outbox WHERE {due} ORDER BY id LIMIT ?", (iso(now), limit))

    def hold_for_pdf(self, message_id: str, wanted: str) -> None:
        """The queued mail `message_id` waits for the PDFs `wanted` names (JSON, office.letter_pdfs)."""
        self.write_queued()
        self._write("outbox", "UPDATE outbox SET awaits_pdf = ? WHERE message_id = ?", (wanted, message_id))

    def awaiting_pdf(self) -> list[OutboxMail]:
        self.write_queued()
        return self._all_of(OutboxMail, "SELECT * FROM outbox WHERE awaits_pdf IS NOT NULL AND sent_at IS NULL "
                            "AND gave_up_at IS NULL ORDER BY id")

    def release_with_pdf(self, outbox_id: int, raw: bytes) -> bool:
        """The waiting mail, its PDFs added, becomes due; False when another job released it first."""
        return self._write("outbox", "UPDATE outbox SET raw = ?, awaits_pdf = NULL WHERE id = ? "
                           "AND awaits_pdf IS NOT NULL", (raw, outbox_id)).rowcount == 1

    def claim(self, ids: list[int], now: dt.datetime, until: dt.datetime) -> set[int]:
        """Of these due mails, the ones this sender takes: each is due again only at `until` for
        any other sender (the daemon, a desk request, a command), so two never send one mail."""
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        with self.store.transaction():
            taken = self._write("outbox", f"UPDATE outbox SET next_try_at = ? WHERE id IN ({marks}) AND sent_at IS NULL "
                                          f"AND gave_up_at IS NULL AND next_try_at <= ? RETURNING id",
                                (iso(until), *ids, iso(now))).fetchall()
        return {row[0] for row in taken}

    def stale(self, created_before: dt.datetime) -> list[OutboxMail]:
        self.write_queued()
        return self._all_of(OutboxMail, "SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL "
                         "AND created_at < ? ORDER BY id", (iso(created_before),))

    def give_up(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET gave_up_at = ? WHERE id = ?", (iso(at), outbox_id))

    def mark_sent(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL "
                    "WHERE id = ?", (iso(at), outbox_id))

    def mark_send_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? "
                    "WHERE id = ?", (error, iso(retry_at), outbox_id))


def _insert(rows: int) -> str:
    one = f"({', '.join('?' * len(COLUMNS))})"
    return f"INSERT INTO outbox ({', '.join(COLUMNS)}) VALUES {', '.join([one] * rows)}"
