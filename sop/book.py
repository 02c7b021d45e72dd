"""The buku pengaduan: the only module that speaks SQL.

One SQLite file holds the complaints, their history, the officials' tasks, every message
that reached the mailbox, the outbox of mail to send and the registers of numbers. Writers
group their changes in `transaction()`, so a state change, its history and the mail it
causes commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sop.accounts import AccountQueries
from sop.directory import mailbox_of
from sop.outbox_queries import OutboxQueries
from sop.proposals import ProposalQueries
from sop.public_queries import PublicQueries
from sop.report_queries import ReportQueries
from sop.schema import MIGRATIONS
from sop.search import SearchQueries
from sop.signed_letters import SignedLetterQueries
from sop.store import Store, iso, parse_iso  # noqa: F401 (iso and parse_iso: used with the book everywhere)
from sop.tokens import TokenQueries


class Book(AccountQueries, OutboxQueries, ProposalQueries, PublicQueries, ReportQueries, SearchQueries,
           SignedLetterQueries, TokenQueries,
           Store):
    """The book's verbs: complaints, history, tasks, delegations, messages, outbox, files,
    letters, personal data. All SQL of the product is here and in sop.store."""

    # Registers ------------------------------------------------------------------------------
    def next_serial(self, series: str, year: int) -> int:
        """The next number of a yearly register; call inside the transaction that uses it."""
        assert self._depth, "serials are taken inside a transaction"
        upsert = ("INSERT INTO serials(series, year, value) VALUES (?, ?, 1) "
                  "ON CONFLICT(series, year) DO UPDATE SET value = value + 1")
        if sqlite3.sqlite_version_info >= (3, 35):  # RETURNING: one statement instead of two
            return self.conn.execute(upsert + " RETURNING value", (series, year)).fetchone()[0]
        self.conn.execute(upsert, (series, year))
        return self.conn.execute("SELECT value FROM serials WHERE series = ? AND year = ?",
                                 (series, year)).fetchone()[0]

    # Messages -------------------------------------------------------------------------------
    def has_message(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone() is not None

    def record_message(self, key: str, *, received_at: dt.datetime, message_id: str | None,
                       sender: str, subject: str, kind: str, complaint_id: int | None = None,
                       raw_path: str | None = None, raw_sha256: str | None = None, note: str = "") -> None:
        self._insert("messages", dict(
            key=key, received_at=iso(received_at), message_id=message_id, sender=sender,
            subject=subject, kind=kind, complaint_id=complaint_id, raw_path=raw_path,
            raw_sha256=raw_sha256, note=note))

    def messages(self, kind: str | None = None) -> list[dict]:
        if kind:
            return self._all("SELECT * FROM messages WHERE kind = ? ORDER BY received_at", (kind,))
        return self._all("SELECT * FROM messages ORDER BY received_at")

    def record_failure(self, key: str, error: str, at: dt.datetime) -> int:
        """Count a failed attempt at a message; returns how many there have been."""
        self.conn.execute(
            "INSERT INTO failures(key, attempts, last_error, last_at) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, "
            "last_at = excluded.last_at", (key, error, iso(at)))
        return self.conn.execute("SELECT attempts FROM failures WHERE key = ?", (key,)).fetchone()[0]

    def outbox_by_message_ids(self, message_ids: tuple[str, ...]) -> dict | None:
        if not message_ids:
            return None
        marks = ",".join("?" * len(message_ids))
        return self._one(f"SELECT * FROM outbox WHERE message_id IN ({marks}) ORDER BY id LIMIT 1",
                         tuple(message_ids))

    # Complaints -----------------------------------------------------------------------------
    def add_complaint(self, **fields) -> dict:
        """A new complaint; its whole row back."""
        fields["received_at"] = iso(fields["received_at"])
        row = self._insert_row("complaints", fields)
        # Nothing refers to a new complaint yet (foreign keys): its lists start empty, unread.
        for table in ("events", "tasks"):
            self._cache.start_empty(table, row["id"])
        self._cache.start_empty("attachments", row["id"], "pengaduan", "lampiran_surat")
        return row

    def update_complaint(self, complaint_id: int, **fields) -> None:
        if isinstance(fields.get("closed_at"), dt.datetime):
            fields["closed_at"] = iso(fields["closed_at"])
        self._update("complaints", complaint_id, fields)

    def complaint(self, number: str) -> dict | None:
        return self._one("SELECT * FROM complaints WHERE number = ?", (number,))

    def complaint_by_id(self, complaint_id: int) -> dict:
        """A complaint the caller knows exists (a task, a letter or a mail refers to it)."""
        row = self._one("SELECT * FROM complaints WHERE id = ?", (complaint_id,))
        if row is None:
            raise LookupError(f"complaint {complaint_id} is not in the book")
        return row

    def count_complaints_from(self, sender: str, since: dt.datetime) -> int:
        """Complaints recorded from one sending mailbox since a moment (uses complaints_sender)."""
        return self.conn.execute("SELECT count(*) FROM complaints WHERE sender = ? AND received_at >= ?",
                                 (sender, iso(since))).fetchone()[0]

    def held_complaints(self, sender: str | None = None) -> list[dict]:
        """Complaints held for staff (a burst from one sender), oldest first."""
        if sender:
            return self._all("SELECT * FROM complaints WHERE held_at IS NOT NULL AND sender = ? ORDER BY id",
                             (sender,))
        return self._all("SELECT * FROM complaints WHERE held_at IS NOT NULL ORDER BY id")

    def complaints_received(self, start: dt.datetime, end: dt.datetime) -> list[dict]:
        return self._all("SELECT * FROM complaints WHERE received_at >= ? AND received_at < ? ORDER BY id",
                         (iso(start), iso(end)))

    def set_lapor_id(self, complaint_id: int, lapor_id: str) -> None:
        self._write("complaints", "UPDATE complaints SET lapor_id = ? WHERE id = ?", (lapor_id, complaint_id))

    def schema_version(self) -> tuple[int, int]:
        """(applied migrations, known migrations)."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0], len(MIGRATIONS)

    def integrity(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def complaints(self, state: str | None = None, *, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Complaints in register order; with `limit`, the newest page (`offset` pages back)."""
        where, params = ("WHERE state = ?", [state]) if state else ("", [])
        if limit is None:
            return self._all(f"SELECT * FROM complaints {where} ORDER BY id", params)
        rows = self._all(f"SELECT * FROM complaints {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                         [*params, limit, offset])
        return rows[::-1]

    def count_complaints(self, state: str | None = None) -> int:
        if state:
            return self.conn.execute("SELECT count(*) FROM complaints WHERE state = ?", (state,)).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM complaints").fetchone()[0]

    # History --------------------------------------------------------------------------------
    def add_event(self, complaint_id: int, at: dt.datetime, step: int | None, actor: str,
                  kind: str, text: str, left_out: int = 0) -> None:
        self._insert("events", dict(complaint_id=complaint_id, at=iso(at), step=step, actor=actor, kind=kind,
                                    text=text, left_out=left_out))

    def events(self, complaint_id: int) -> list[dict]:
        return self._read(("events", complaint_id), "SELECT * FROM events WHERE complaint_id = ? ORDER BY id",
                          (complaint_id,))

    # Tasks ----------------------------------------------------------------------------------
    def add_task(self, *, complaint_id: int, step: int, role: str, official: str, token: str,
                 message_id: str, opened_at: dt.datetime, due_at: dt.datetime, next_nudge_at: dt.datetime,
                 note: str = "") -> dict:
        """A new task; its whole row back."""
        row = self._insert_row("tasks", dict(
            complaint_id=complaint_id, step=step, role=role, official=official, token=token,
            message_id=message_id, opened_at=iso(opened_at), due_at=iso(due_at),
            next_nudge_at=iso(next_nudge_at), note=note))
        self._cache.added("tasks", row)
        return row

    def tasks_to_nudge(self, now: dt.datetime) -> list[dict]:
        """Open tasks whose next reminder or escalation may be due (uses tasks_nudge)."""
        return self._all("SELECT * FROM tasks WHERE done_at IS NULL AND next_nudge_at <= ? "
                         "ORDER BY next_nudge_at", (iso(now),))

    def set_next_nudge(self, task_id: int, at: dt.datetime) -> None:
        self._write("tasks", "UPDATE tasks SET next_nudge_at = ? WHERE id = ?", (iso(at), task_id))

    def pause_task(self, task: dict) -> None:
        """No reminders while the complainant is asked for more (`Lengkapi:`)."""
        self._write("tasks", "UPDATE tasks SET next_nudge_at = NULL WHERE id = ?", (task["id"],), task["complaint_id"])

    def move_deadline(self, task: dict, due_at: dt.datetime, next_nudge_at: dt.datetime, extended_days: int = 0) -> None:
        """A task's new deadline: after a pause, or extended by `extended_days` more."""
        self._write("tasks", "UPDATE tasks SET due_at = ?, next_nudge_at = ?, extended_days = extended_days + ? "
                    "WHERE id = ?", (iso(due_at), iso(next_nudge_at), extended_days, task["id"]), task["complaint_id"])

    def complaints_like(self, sender: str | None, place: str | None, since: dt.datetime, but: int) -> list[dict]:
        """Recent complaints from `sender` or about `place` (indexed), other than complaint `but`."""
        rows: dict[int, dict] = {}
        if sender:
            for r in self._all("SELECT * FROM complaints WHERE sender = ? AND received_at >= ? AND id != ?",
                               (sender, iso(since), but)):
                rows[r["id"]] = {**r, "why": "pengirim sama"}
        if place:
            for r in self._all("SELECT * FROM complaints WHERE place_key = ? AND received_at >= ? AND id != ?",
                               (place, iso(since), but)):
                rows.setdefault(r["id"], {**r, "why": "lokasi sama"})
        return sorted(rows.values(), key=lambda r: r["id"])

    def linked_complaints(self, complaint_id: int) -> list[dict]:
        """Complaints joined to this one (`gabung`): handled together with it."""
        return self._all("SELECT * FROM complaints WHERE linked_to = ? ORDER BY id", (complaint_id,))

    def report_sent(self, key: str) -> bool:
        """Whether the report `key` (rekap-YYYY-MM) went out already."""
        return self._one("SELECT 1 AS x FROM reports_sent WHERE key = ?", (key,)) is not None

    def record_report_sent(self, key: str, at: dt.datetime) -> None:
        self._insert("reports_sent", dict(key=key, sent_at=iso(at)))

    def answered_complaints(self) -> list[dict]:
        """Complaints whose answer was delivered and that wait for the complainant's word."""
        return self._all("SELECT * FROM complaints WHERE state = 'answered' ORDER BY answered_at")

    def paused_complaints(self) -> list[dict]:
        """Complaints whose step waits for the complainant (uses complaints_paused)."""
        return self._all("SELECT * FROM complaints WHERE paused_at IS NOT NULL AND state = 'open' ORDER BY paused_at")

    def add_section_request(self, *, complaint_id: int, section: str, email: str, token: str,
                            at: dt.datetime) -> None:
        """A section head asked for their input (`Seksi: …; minta laporan`)."""
        self._insert("section_requests", dict(complaint_id=complaint_id, section=section, email=email, token=token,
                                              asked_at=iso(at)))

    def section_request_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM section_requests WHERE token = ?", (token,))

    def answer_section_request(self, request_id: int, text: str, at: dt.datetime) -> None:
        self._write("section_requests", "UPDATE section_requests SET answered_at = ?, text = ? WHERE id = ?",
                    (iso(at), text, request_id))

    def open_tasks_of_role(self, role: str) -> list[dict]:
        return self._all("SELECT * FROM tasks WHERE done_at IS NULL AND role = ? ORDER BY id", (role,))

    def update_task_official(self, task_id: int, official: str) -> None:
        self._write("tasks", "UPDATE tasks SET official = ? WHERE id = ?", (official, task_id))

    def record_nudge(self, task_id: int, kind: str, at: dt.datetime) -> None:
        """A reminder (before the due time) or an escalation (after it) went out for a task."""
        column = "reminders" if kind == "pengingat" else "escalations"
        self._write("tasks", f"UPDATE tasks SET {column} = {column} + 1, last_reminded_at = ?, "
                    f"escalated_at = CASE WHEN ? = 'eskalasi' THEN ? ELSE escalated_at END "
                    f"WHERE id = ?", (iso(at), kind, iso(at), task_id))

    # Delegations ----------------------------------------------------------------------------
    def add_delegation(self, **fields) -> int:
        for key in ("starts", "ends", "created_at"):
            fields[key] = iso(fields[key])
        self._cache.wrote("delegations")
        return self._insert("delegations", fields)

    def revoke_delegation(self, delegation_id: int, at: dt.datetime) -> bool:
        cur = self._write("delegations", "UPDATE delegations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          (iso(at), delegation_id))
        return cur.rowcount == 1

    def active_delegation(self, role: str, at: dt.datetime) -> dict | None:
        """The newest delegation of `role` in force at `at` (read once per transaction)."""
        moment = iso(at)
        rows = self._read(("delegations", None), "SELECT * FROM delegations WHERE revoked_at IS NULL "
                          "ORDER BY id DESC", ())
        return next((d for d in rows if d["role"] == role and d["starts"] <= moment < d["ends"]), None)

    def delegation_changes(self, since: dt.datetime, until: dt.datetime) -> set[str]:
        """Roles whose delegation started, ended or was revoked in (since, until]."""
        rows = self.conn.execute(
            "SELECT role FROM delegations WHERE (starts > ? AND starts <= ?) OR (ends > ? AND ends <= ?) "
            "OR (revoked_at > ? AND revoked_at <= ?)", (iso(since), iso(until)) * 3).fetchall()
        return {r[0] for r in rows}

    def delegations(self) -> list[dict]:
        return self._all("SELECT * FROM delegations ORDER BY starts")

    def task_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM tasks WHERE token = ?", (token,))

    def current_task(self, complaint_id: int) -> dict | None:
        """The complaint's task that waits for its official, if any."""
        return self._one("SELECT * FROM tasks WHERE complaint_id = ? AND done_at IS NULL "
                         "ORDER BY id DESC LIMIT 1", (complaint_id,))

    def tasks(self, complaint_id: int) -> list[dict]:
        return self._read(("tasks", complaint_id), "SELECT * FROM tasks WHERE complaint_id = ? ORDER BY id",
                          (complaint_id,))

    def close_task(self, complaint_id: int, step: int, at: dt.datetime, output: str) -> None:
        known = self._cache.known(("tasks", complaint_id))
        if known is not None and not any(t["step"] == step and t["done_at"] is None for t in known):
            return  # no open task at that step (step 1 of a complaint recorded just now)
        self._write("tasks", "UPDATE tasks SET done_at = ?, output = ? WHERE complaint_id = ? "
                    "AND step = ? AND done_at IS NULL", (iso(at), output, complaint_id, step), complaint_id)


    # Outbox ---------------------------------------------------------------------------------
    def enqueue(self, *, message_id: str, complaint_id: int | None, kind: str,
                recipients: list[str], subject: str, raw: bytes, at: dt.datetime,
                bounce_token: str | None = None) -> None:
        self._insert("outbox", dict(
            message_id=message_id, complaint_id=complaint_id, kind=kind,
            recipients=json.dumps(recipients), recipient=recipients[0].lower() if recipients else None,
            mailbox=mailbox_of(recipients[0]) if recipients else None,
            subject=subject, raw=raw, created_at=iso(at), next_try_at=iso(at), bounce_token=bounce_token))

    def count_mail_about(self, complaint_id: int, mailbox: str, kinds: tuple[str, ...], since: dt.datetime) -> int:
        """How many mails of `kinds` about one complaint went to a mailbox since a moment."""
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(
            f"SELECT count(*) FROM outbox WHERE mailbox = ? AND kind IN ({marks}) AND complaint_id = ? "
            "AND created_at >= ?", (mailbox, *kinds, complaint_id, iso(since))).fetchone()[0]

    def count_mail_to_mailbox(self, mailbox: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to a normalised mailbox (intake.text.mailbox_of) since a moment."""
        return self.conn.execute(
            "SELECT count(*) FROM outbox WHERE mailbox = ? AND kind = ? AND created_at >= ?",
            (mailbox, kind, iso(since))).fetchone()[0]

    # Staff alerts folded into an hourly digest ------------------------------------------------
    def add_to_digest(self, kind: str, complaint_id: int | None, text: str, at: dt.datetime) -> None:
        self._insert("digest", dict(kind=kind, complaint_id=complaint_id, text=text, at=iso(at)))

    def pending_digest(self) -> list[dict]:
        return self._all("SELECT * FROM digest WHERE sent_at IS NULL ORDER BY kind, id")

    def mark_digest_sent(self, ids: list[int], at: dt.datetime) -> None:
        self.conn.executemany("UPDATE digest SET sent_at = ? WHERE id = ?", [(iso(at), i) for i in ids])

    def count_mail_to(self, recipient: str, kind: str, since: dt.datetime) -> int:
        """How many mails of `kind` went to `recipient`'s mailbox since a moment (uses outbox_mailbox)."""
        return self.count_mail_to_mailbox(mailbox_of(recipient), kind, since)

    def stale_outbox(self, created_before: dt.datetime) -> list[dict]:
        return self._all("SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL "
                         "AND created_at < ? ORDER BY id", (iso(created_before),))

    def give_up(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET gave_up_at = ? WHERE id = ?", (iso(at), outbox_id))

    def outbox(self, complaint_id: int | None = None) -> list[dict]:
        if complaint_id is None:
            return self._all("SELECT * FROM outbox ORDER BY id")
        return self._all("SELECT * FROM outbox WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def mark_sent(self, outbox_id: int, at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL "
                    "WHERE id = ?", (iso(at), outbox_id))

    def mark_send_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        self._write("outbox", "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? "
                    "WHERE id = ?", (error, iso(retry_at), outbox_id))

    # Attachments ----------------------------------------------------------------------------
    def add_attachment(self, **fields) -> None:
        self._insert("attachments", fields)

    def attachments(self, complaint_id: int, purpose: str | None = "pengaduan") -> list[dict]:
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

    # Mailbox cursors ------------------------------------------------------------------------
    def cursor(self, folder: str) -> dict | None:
        return self._one("SELECT * FROM cursors WHERE folder = ?", (folder,))

    def set_cursor(self, folder: str, uidvalidity: int, last_uid: int, at: dt.datetime) -> None:
        self.conn.execute(
            "INSERT INTO cursors(folder, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
            "last_uid = excluded.last_uid, updated_at = excluded.updated_at",
            (folder, uidvalidity, last_uid, iso(at)))

    # Personal data ----------------------------------------------------------------------------
    def audit(self, at: dt.datetime, who: str, action: str, subject: str = "", detail: str = "") -> None:
        """UU 27/2022 Pasal 31: who read or exported personal data, when."""
        self._insert("audit", dict(at=iso(at), who=who, action=action, subject=subject, detail=detail))

    def audit_log(self) -> list[dict]:
        return self._all("SELECT * FROM audit ORDER BY id")

    def complaints_of_person(self, email: str) -> list[dict]:
        return self._all("SELECT * FROM complaints WHERE email = ? ORDER BY id", (email.lower(),))

    def messages_of_sender(self, email: str) -> list[dict]:
        return self._all("SELECT * FROM messages WHERE sender = ? ORDER BY received_at", (email.lower(),))

    def expired_complaints(self, closed_before: dt.datetime) -> list[dict]:
        return self._all("SELECT * FROM complaints WHERE state != 'open' AND anonymised_at IS NULL "
                         "AND closed_at < ? ORDER BY id", (iso(closed_before),))

    def anonymise(self, complaint_id: int, at: dt.datetime, placeholder: str) -> None:
        """Remove a complaint's personal data; its number, dates, section, state and letters stay."""
        self._write("complaints", "UPDATE complaints SET name = ?, email = NULL, phone = NULL, address = NULL, "
                    "reply_token = NULL, access_code = NULL, subject = ?, body = ?, anonymised_at = ? WHERE id = ?",
                    (placeholder, placeholder, placeholder, iso(at), complaint_id))
        self._write("events", "UPDATE events SET text = ? WHERE complaint_id = ? AND kind IN "
                    "('tambahan', 'langkah', 'catatan', 'lampiran', 'gagal_kirim', 'usulan')", (placeholder, complaint_id))
        self._write("proposals", "UPDATE proposals SET text = ? WHERE complaint_id = ?", (placeholder, complaint_id))
        self._write("messages", "UPDATE messages SET sender = '', subject = ?, raw_path = NULL WHERE complaint_id = ?",
                    (placeholder, complaint_id))
        self._write("attachments", "UPDATE attachments SET filename = ?, path = NULL WHERE complaint_id = ?",
                    (placeholder, complaint_id))
        self._write("digest", "UPDATE digest SET text = ? WHERE complaint_id = ?", (placeholder, complaint_id))
        self._write("outbox", "UPDATE outbox SET raw = X'', subject = ?, recipients = '[]', recipient = NULL "
                    "WHERE complaint_id = ? AND sent_at IS NOT NULL", (placeholder, complaint_id))

    # Letters --------------------------------------------------------------------------------
    def record_letter(self, *, year: int, number: str, complaint_id: int, issued_at: dt.datetime, path: str,
                      sha256: str, signer: str, seal: str | None = None, kind: str = "jawaban", signing: str = "segel") -> None:
        self._insert("letters", dict(year=year, number=number, complaint_id=complaint_id,
                                       issued_at=iso(issued_at), path=path, sha256=sha256,
                                       signer=signer, seal=seal, kind=kind, signing=signing))

    def letter(self, number: str, year: int | None = None) -> dict | None:
        """A letter by its number (and year: numbers restart each year); the newest if no year."""
        if year is not None:
            return self._one("SELECT * FROM letters WHERE number = ? AND year = ?", (number, year))
        return self._one("SELECT * FROM letters WHERE number = ? ORDER BY year DESC LIMIT 1", (number,))

    def letters_of(self, complaint_id: int) -> list[dict]:
        return self._all("SELECT * FROM letters WHERE complaint_id = ? ORDER BY issued_at", (complaint_id,))

    def letters_awaiting_dispatch(self) -> list[dict]:
        return self._all("SELECT * FROM letters WHERE void = 0 AND dispatched_at IS NULL ORDER BY issued_at")

    def letters_without_pdf(self) -> list[dict]:
        return self._all("SELECT * FROM letters WHERE void = 0 AND pdf_path IS NULL ORDER BY issued_at")

    def record_dispatch(self, letter_id: int, at: dt.datetime, method: str, note: str) -> None:
        self._write("letters", "UPDATE letters SET dispatched_at = ?, dispatch_method = ?, dispatch_note = ? "
                    "WHERE id = ?", (iso(at), method, note, letter_id))

    def current_letter(self, complaint_id: int) -> dict | None:
        """The complaint's answer (or surat pelimpahan), not a notice sent on the way."""
        return self._one("SELECT * FROM letters WHERE complaint_id = ? AND void = 0 AND kind IN ('jawaban', "
                         "'pelimpahan') ORDER BY id DESC LIMIT 1", (complaint_id,))

    def letters(self) -> list[dict]:
        return self._all("SELECT * FROM letters ORDER BY issued_at")

    def void_letters_of(self, complaint_id: int) -> None:
        """Mark a complaint's earlier undelivered answers void (a re-issue replaces them); their
        numbers stay. A delivered answer stays valid: a new one after an objection adds to it."""
        self._write("letters", "UPDATE letters SET void = 1 WHERE complaint_id = ? AND kind IN ('jawaban', "
                    "'pelimpahan') AND dispatched_at IS NULL", (complaint_id,))
