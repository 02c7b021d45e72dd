"""Mail that came in, in the book: every message that reached the mailbox (keyed, so a second
delivery is recognised), the quarantine of messages that keep failing (office.quarantine), the
mailbox cursors, and the staff alerts folded into an hourly digest."""

from __future__ import annotations

import datetime as dt

from sop.book.records import Message
from sop.book.repository import Repository
from sop.book.store import iso


class Messages(Repository):
    """The messages that reached the mailbox, and the quarantine of those that kept failing."""

    def has(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone() is not None

    def get(self, key: str) -> Message | None:
        return self._one_of(Message, "SELECT * FROM messages WHERE key = ?", (key,))

    def record(self, key: str, *, received_at: dt.datetime, message_id: str | None,
               sender: str, subject: str, kind: str, complaint_id: int | None = None,
               raw_path: str | None = None, raw_sha256: str | None = None, note: str = "") -> None:
        self._insert("messages", dict(
            key=key, received_at=iso(received_at), message_id=message_id, sender=sender,
            subject=subject, kind=kind, complaint_id=complaint_id, raw_path=raw_path,
            raw_sha256=raw_sha256, note=note))

    def listed(self, kind: str | None = None) -> list[Message]:
        if kind:
            return self._all_of(Message, "SELECT * FROM messages WHERE kind = ? ORDER BY received_at", (kind,))
        return self._all_of(Message, "SELECT * FROM messages ORDER BY received_at")

    def of_sender(self, email: str) -> list[Message]:
        return self._all_of(Message, "SELECT * FROM messages WHERE sender = ? ORDER BY received_at", (email.lower(),))

    def wrong_codes_since(self, since: dt.datetime) -> list[dict]:
        """The status requests with a wrong access code since a moment (ISO): who sent each,
        about which complaint (None for a number the book does not hold)."""
        return self._all("SELECT sender, complaint_id FROM messages WHERE kind = 'kode_salah' AND received_at >= ?",
                         (iso(since),))

    # Quarantine: set aside after failing `[intake] quarantine_after` times ---------------------
    def record_failure(self, key: str, error: str, at: dt.datetime) -> int:
        """Count a failed attempt at a message; returns how many there have been."""
        self.conn.execute(
            "INSERT INTO failures(key, attempts, last_error, last_at) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, "
            "last_at = excluded.last_at", (key, error, iso(at)))
        return self.conn.execute("SELECT attempts FROM failures WHERE key = ?", (key,)).fetchone()[0]

    def forget_quarantined(self, key: str) -> None:
        """A quarantined message goes back to unread (processed again now): its row and count gone."""
        self.conn.execute("DELETE FROM messages WHERE key = ? AND kind = 'quarantine'", (key,))
        self.conn.execute("DELETE FROM failures WHERE key = ?", (key,))

    def settle_quarantined(self, key: str, kind: str, note: str, complaint_id: int | None = None) -> None:
        """A quarantined message settled by staff: `kind` says how (a complaint, set aside)."""
        self.conn.execute("UPDATE messages SET kind = ?, note = note || ?, complaint_id = coalesce(?, complaint_id) "
                          "WHERE key = ? AND kind = 'quarantine'", (kind, note, complaint_id, key))

    # Mailbox cursors ----------------------------------------------------------------------------
    def cursor(self, folder: str) -> dict | None:
        return self._one("SELECT * FROM cursors WHERE folder = ?", (folder,))

    def set_cursor(self, folder: str, uidvalidity: int, last_uid: int, at: dt.datetime) -> None:
        self.conn.execute(
            "INSERT INTO cursors(folder, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
            "last_uid = excluded.last_uid, updated_at = excluded.updated_at",
            (folder, uidvalidity, last_uid, iso(at)))


class Digest(Repository):
    """Staff alerts folded into an hourly digest."""

    def add(self, kind: str, complaint_id: int | None, text: str, at: dt.datetime) -> None:
        self._insert("digest", dict(kind=kind, complaint_id=complaint_id, text=text, at=iso(at)))

    def pending(self) -> list[dict]:
        return self._all("SELECT * FROM digest WHERE sent_at IS NULL ORDER BY kind, id")

    def mark_sent(self, ids: list[int], at: dt.datetime) -> None:
        self.conn.executemany("UPDATE digest SET sent_at = ? WHERE id = ?", [(iso(at), i) for i in ids])
