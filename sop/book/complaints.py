"""Complaints in the book: the register's rows, their tokens and codes, their files, and the
removal of a complaint's personal data (UU 27/2022) across every table that holds it."""

from __future__ import annotations

import datetime as dt

from sop.book.outbox import Outbox
from sop.book.records import Complaint, Similar
from sop.book.repository import Repository
from sop.book.store import Store, iso

# The history lines whose text may hold personal data (anonymise blanks them).
PERSONAL_EVENTS = "('tambahan', 'langkah', 'catatan', 'lampiran', 'gagal_kirim', 'usulan')"


class Complaints(Repository):
    """The register of complaints."""

    def __init__(self, store: Store, outbox: Outbox) -> None:
        super().__init__(store)
        self._outbox = outbox  # anonymise writes the rows it queued before blanking sent mail

    def add(self, **fields) -> Complaint:
        """A new complaint; its whole row back."""
        fields["received_at"] = iso(fields["received_at"])
        row = Complaint.from_row(self._insert_row("complaints", fields))
        # Nothing refers to a new complaint yet (foreign keys): its lists start empty, unread.
        for table in ("events", "tasks"):
            self._cache.start_empty(table, row.id)
        self._cache.start_empty("attachments", row.id, "pengaduan", "lampiran_surat")
        return row

    def update(self, complaint_id: int, **fields) -> None:
        if isinstance(fields.get("closed_at"), dt.datetime):
            fields["closed_at"] = iso(fields["closed_at"])
        self._update("complaints", complaint_id, fields)

    def set_lapor_id(self, complaint_id: int, lapor_id: str) -> None:
        self._write("complaints", "UPDATE complaints SET lapor_id = ? WHERE id = ?", (lapor_id, complaint_id))

    def by_number(self, number: str) -> Complaint | None:
        return self._one_of(Complaint, "SELECT * FROM complaints WHERE number = ?", (number,))

    def get(self, complaint_id: int) -> Complaint:
        """A complaint the caller knows exists (a task, a letter or a mail refers to it)."""
        row = self._one_of(Complaint, "SELECT * FROM complaints WHERE id = ?", (complaint_id,))
        if row is None:
            raise LookupError(f"complaint {complaint_id} is not in the book")
        return row

    def by_reply_token(self, token: str) -> Complaint | None:
        return self._one_of(Complaint, "SELECT * FROM complaints WHERE reply_token = ?", (token,))

    def listed(self, state: str | None = None, *, limit: int | None = None, offset: int = 0) -> list[Complaint]:
        """Complaints in register order; with `limit`, the newest page (`offset` pages back)."""
        where, params = ("WHERE state = ?", [state]) if state else ("", [])
        if limit is None:
            return self._all_of(Complaint, f"SELECT * FROM complaints {where} ORDER BY id", params)
        rows = self._all_of(Complaint, f"SELECT * FROM complaints {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                         [*params, limit, offset])
        return rows[::-1]

    def count(self, state: str | None = None) -> int:
        if state:
            return self.conn.execute("SELECT count(*) FROM complaints WHERE state = ?", (state,)).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM complaints").fetchone()[0]

    def count_from(self, sender: str, since: dt.datetime) -> int:
        """Complaints recorded from one sending mailbox since a moment (uses complaints_sender)."""
        return self.conn.execute("SELECT count(*) FROM complaints WHERE sender = ? AND received_at >= ?",
                                 (sender, iso(since))).fetchone()[0]

    def held(self, sender: str | None = None) -> list[Complaint]:
        """Complaints held for staff (a burst from one sender), oldest first."""
        if sender:
            return self._all_of(Complaint, "SELECT * FROM complaints WHERE held_at IS NOT NULL AND sender = ? ORDER BY id",
                             (sender,))
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE held_at IS NOT NULL ORDER BY id")

    def received(self, start: dt.datetime, end: dt.datetime) -> list[Complaint]:
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE received_at >= ? AND received_at < ? ORDER BY id",
                         (iso(start), iso(end)))

    def like(self, sender: str | None, place: str | None, since: dt.datetime, but: int) -> list[Similar]:
        """Recent complaints from `sender` or about `place` (indexed), other than complaint `but`."""
        found: dict[int, Similar] = {}
        if sender:
            for r in self._all_of(Complaint, "SELECT * FROM complaints WHERE sender = ? AND received_at >= ? "
                                  "AND id != ?", (sender, iso(since), but)):
                found[r.id] = Similar(r, "pengirim sama")
        if place:
            for r in self._all_of(Complaint, "SELECT * FROM complaints WHERE place_key = ? AND received_at >= ? "
                                  "AND id != ?", (place, iso(since), but)):
                found.setdefault(r.id, Similar(r, "lokasi sama"))
        return sorted(found.values(), key=lambda s: s.complaint.id)

    def linked(self, complaint_id: int) -> list[Complaint]:
        """Complaints joined to this one (`gabung`): handled together with it."""
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE linked_to = ? ORDER BY id", (complaint_id,))

    def answered(self) -> list[Complaint]:
        """Complaints whose answer was delivered and that wait for the complainant's word."""
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE state = 'answered' ORDER BY answered_at")

    def paused(self) -> list[Complaint]:
        """Complaints whose step waits for the complainant (uses complaints_paused)."""
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE paused_at IS NOT NULL AND state = 'open' "
                            "ORDER BY paused_at")

    # The complainant's reply token and access code -------------------------------------------
    def reply_token(self, complaint_id: int, fresh: str) -> str:
        """The complaint's reply token (the sub-address its complainant answers to): the one it
        has, else `fresh`, kept from now on (a token once mailed is never replaced, so every mail
        to the complainant keeps working)."""
        self._write("complaints", "UPDATE complaints SET reply_token = ? WHERE id = ? AND reply_token IS NULL",
                    (fresh, complaint_id), complaint_id)
        return self.conn.execute("SELECT reply_token FROM complaints WHERE id = ?", (complaint_id,)).fetchone()[0]

    def access_code(self, complaint_id: int, fresh: str) -> str:
        """The complaint's access code: the one it has, else `fresh`, kept from now on (a code
        once printed on a receipt is never replaced)."""
        self._write("complaints", "UPDATE complaints SET access_code = ? WHERE id = ? AND access_code IS NULL",
                    (fresh, complaint_id), complaint_id)
        return self.conn.execute("SELECT access_code FROM complaints WHERE id = ?", (complaint_id,)).fetchone()[0]

    # Personal data ------------------------------------------------------------------------------
    def of_person(self, email: str) -> list[Complaint]:
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE email = ? ORDER BY id", (email.lower(),))

    def expired(self, closed_before: dt.datetime) -> list[Complaint]:
        return self._all_of(Complaint, "SELECT * FROM complaints WHERE state != 'open' AND anonymised_at IS NULL "
                         "AND closed_at < ? ORDER BY id", (iso(closed_before),))

    def anonymise(self, complaint_id: int, at: dt.datetime, placeholder: str) -> None:
        """Remove a complaint's personal data; its number, dates, section, state and letters stay."""
        self._write("complaints", "UPDATE complaints SET name = ?, email = NULL, phone = NULL, address = NULL, "
                    "reply_token = NULL, access_code = NULL, subject = ?, body = ?, anonymised_at = ? WHERE id = ?",
                    (placeholder, placeholder, placeholder, iso(at), complaint_id))
        self._write("events", f"UPDATE events SET text = ? WHERE complaint_id = ? AND kind IN {PERSONAL_EVENTS}",
                    (placeholder, complaint_id))
        self._write("proposals", "UPDATE proposals SET text = ? WHERE complaint_id = ?", (placeholder, complaint_id))
        self._write("messages", "UPDATE messages SET sender = '', subject = ?, raw_path = NULL WHERE complaint_id = ?",
                    (placeholder, complaint_id))
        self._write("attachments", "UPDATE attachments SET filename = ?, path = NULL WHERE complaint_id = ?",
                    (placeholder, complaint_id))
        self._write("digest", "UPDATE digest SET text = ? WHERE complaint_id = ?", (placeholder, complaint_id))
        self._outbox.write_queued()
        self._write("outbox", "UPDATE outbox SET raw = X'', subject = ?, recipients = '[]', recipient = NULL "
                    "WHERE complaint_id = ? AND sent_at IS NOT NULL", (placeholder, complaint_id))


class Attachments(Repository):
    """A complaint's files: what the complainant sent, and a letter's enclosures."""

    def add(self, **fields) -> None:
        self._insert("attachments", fields)

    def get(self, attachment_id: int) -> dict | None:
        return self._one("SELECT * FROM attachments WHERE id = ?", (attachment_id,))

    def of(self, complaint_id: int, purpose: str | None = "pengaduan") -> list[dict]:
        """A complaint's files: what the complainant sent ('pengaduan'), or the letter's enclosures
        ('lampiran_surat'); None for all."""
        if purpose is None:
            return self._read(("attachments", complaint_id), "SELECT * FROM attachments WHERE complaint_id = ? "
                              "ORDER BY id", (complaint_id,))
        return self._read(("attachments", complaint_id, purpose), "SELECT * FROM attachments WHERE complaint_id = ? "
                          "AND purpose = ? ORDER BY id", (complaint_id, purpose))

    def supersede_enclosures(self, complaint_id: int) -> None:
        """A new answer brings its own enclosures; the earlier ones stay on file, out of the letter."""
        self._write("attachments", "UPDATE attachments SET purpose = 'lampiran_surat_lama' WHERE complaint_id = ? "
                    "AND purpose = 'lampiran_surat'", (complaint_id,), complaint_id)
