"""The SMS outbox and inbox in the book: its outbox and inbox.

An SMS to send is a row written in the transaction of the change that causes it, under the
name it will have at the gateway (office.sms); the sender marks it written once the gateway
holds it. An SMS received is a row keyed by the gateway's own name for it, so it is recorded
once however often the reader runs.
"""

from __future__ import annotations

import datetime as dt

from sop.book.records import Complaint
from sop.book.repository import Repository
from sop.book.store import iso


class Sms(Repository):
    """SMS to send and SMS received."""

    # Out -------------------------------------------------------------------------------------
    def add(self, *, name: str, complaint_id: int | None, kind: str, phone: str, text: str,
                at: dt.datetime) -> int:
        return self._insert("sms_outbox", dict(name=name, complaint_id=complaint_id, kind=kind, phone=phone,
                                               text=text, created_at=iso(at)))

    def pending(self, limit: int = 200) -> list[dict]:
        """SMS not yet written to the gateway, oldest first."""
        return self._all("SELECT * FROM sms_outbox WHERE written_at IS NULL ORDER BY id LIMIT ?", (limit,))

    def mark_written(self, sms_id: int, at: dt.datetime) -> None:
        self._write("sms_outbox", "UPDATE sms_outbox SET written_at = ?, last_error = NULL WHERE id = ?",
                    (iso(at), sms_id))

    def mark_failed(self, sms_id: int, error: str) -> None:
        self._write("sms_outbox", "UPDATE sms_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                    (error, sms_id))

    def of(self, complaint_id: int) -> list[dict]:
        return self._all("SELECT * FROM sms_outbox WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def count_to(self, phone: str, kinds: tuple[str, ...], since: dt.datetime) -> int:
        """How many SMS of `kinds` were queued to a number since a moment."""
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(f"SELECT count(*) FROM sms_outbox WHERE phone = ? AND kind IN ({marks}) "
                                 f"AND created_at >= ?", (phone, *kinds, iso(since))).fetchone()[0]

    # In --------------------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sms_inbox WHERE key = ?", (key,)).fetchone() is not None

    def record(self, key: str, *, received_at: dt.datetime, phone: str, text: str, kind: str,
                   complaint_id: int | None, note: str = "") -> None:
        self._insert("sms_inbox", dict(key=key, received_at=iso(received_at), phone=phone, text=text, kind=kind,
                                       complaint_id=complaint_id, note=note))

    def count_from(self, phone: str, kind: str, since: dt.datetime) -> int:
        return self.conn.execute("SELECT count(*) FROM sms_inbox WHERE phone = ? AND kind = ? AND received_at >= ?",
                                 (phone, kind, iso(since))).fetchone()[0]

    def wrong_codes_about(self, complaint_id: int, since: dt.datetime) -> int:
        return self.conn.execute("SELECT count(*) FROM sms_inbox WHERE complaint_id = ? AND kind = 'kode_salah' "
                                 "AND received_at >= ?", (complaint_id, iso(since))).fetchone()[0]

    def complaints_with_phone(self, states: tuple[str, ...]) -> list[Complaint]:
        """Complaints in `states` that have a telephone number, newest first (the caller matches
        numbers as written: 0812…, +62812…, 62812…)."""
        marks = ",".join("?" * len(states))
        return self._all_of(Complaint, f"SELECT * FROM complaints WHERE phone IS NOT NULL AND phone != '' AND state IN ({marks}) "
                         f"ORDER BY id DESC", states)

    def of_person(self, phones: tuple[str, ...], complaint_ids: tuple[int, ...]) -> tuple[list[dict], list[dict]]:
        """(sent, received): every SMS to or from `phones` or about `complaint_ids`, oldest
        first: one person's SMS, for their request for their data."""
        where = (f"phone IN ({','.join('?' * len(phones))}) OR "
                 f"complaint_id IN ({','.join('?' * len(complaint_ids))})")
        given = (*phones, *complaint_ids)
        return (self._all(f"SELECT * FROM sms_outbox WHERE {where} ORDER BY id", given),
                self._all(f"SELECT * FROM sms_inbox WHERE {where} ORDER BY received_at", given))

    def forget_of(self, complaint_id: int, placeholder: str) -> None:
        """A complaint's SMS texts and numbers removed with its personal data (sent ones only)."""
        self._write("sms_outbox", "UPDATE sms_outbox SET text = ?, phone = '' WHERE complaint_id = ? "
                    "AND written_at IS NOT NULL", (placeholder, complaint_id))
        self._write("sms_inbox", "UPDATE sms_inbox SET text = ?, phone = '' WHERE complaint_id = ?",
                    (placeholder, complaint_id))
