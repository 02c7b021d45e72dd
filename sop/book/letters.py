"""Letters and their numbers in the book: the letters register (each issued letter, its
dispatch, its PDF, and for a letter signed outside the system its signed copy and TTE hand-off:
office.signing, office.tte), the yearly registers' serials, and the letters waiting for a
number from the office's agenda surat keluar (office.numbering)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sop.book.records import Letter
from sop.book.repository import Repository
from sop.book.store import iso

# A complaint's answer in force: its answer or surat pelimpahan, not a notice sent on the way.
ANSWERS = "void = 0 AND kind IN ('jawaban', 'pelimpahan')"


class Letters(Repository):
    """The letters register."""

    def record(self, *, year: int, number: str, complaint_id: int, issued_at: dt.datetime, path: str,
               sha256: str, signer: str, seal: str | None = None, kind: str = "jawaban", signing: str = "segel") -> None:
        self._insert("letters", dict(year=year, number=number, complaint_id=complaint_id,
                                     issued_at=iso(issued_at), path=path, sha256=sha256,
                                     signer=signer, seal=seal, kind=kind, signing=signing))

    def get(self, letter_id: int) -> Letter | None:
        return self._one_of(Letter, "SELECT * FROM letters WHERE id = ?", (letter_id,))

    def by_number(self, number: str, year: int | None = None) -> Letter | None:
        """A letter by its number (and year: numbers restart each year); the newest if no year."""
        if year is not None:
            return self._one_of(Letter, "SELECT * FROM letters WHERE number = ? AND year = ?", (number, year))
        return self._one_of(Letter, "SELECT * FROM letters WHERE number = ? ORDER BY year DESC LIMIT 1", (number,))

    def current(self, complaint_id: int) -> Letter | None:
        """The complaint's answer (or surat pelimpahan), not a notice sent on the way."""
        return self._one_of(Letter, f"SELECT * FROM letters WHERE complaint_id = ? AND {ANSWERS} ORDER BY id DESC LIMIT 1",
                         (complaint_id,))

    def listed(self, complaint_id: int | None = None) -> list[Letter]:
        """The register in order of issue: every letter, or one complaint's."""
        if complaint_id is None:
            return self._all_of(Letter, "SELECT * FROM letters ORDER BY issued_at")
        return self._all_of(Letter, "SELECT * FROM letters WHERE complaint_id = ? ORDER BY issued_at", (complaint_id,))

    def awaiting_dispatch(self) -> list[Letter]:
        return self._all_of(Letter, "SELECT * FROM letters WHERE void = 0 AND dispatched_at IS NULL ORDER BY issued_at")

    def without_pdf(self) -> list[Letter]:
        return self._all_of(Letter, "SELECT * FROM letters WHERE void = 0 AND pdf_path IS NULL ORDER BY issued_at")

    def record_dispatch(self, letter_id: int, at: dt.datetime, method: str, note: str) -> None:
        self._write("letters", "UPDATE letters SET dispatched_at = ?, dispatch_method = ?, dispatch_note = ? "
                    "WHERE id = ?", (iso(at), method, note, letter_id))

    def void_of(self, complaint_id: int) -> None:
        """Mark a complaint's earlier undelivered answers void (a re-issue replaces them); their
        numbers stay. A delivered answer stays valid: a new one after an objection adds to it."""
        self._write("letters", "UPDATE letters SET void = 1 WHERE complaint_id = ? AND kind IN ('jawaban', "
                    "'pelimpahan') AND dispatched_at IS NULL", (complaint_id,))

    def set_pdf(self, letter_id: int, path: str) -> None:
        self._write("letters", "UPDATE letters SET pdf_path = ? WHERE id = ?", (path, letter_id))

    # Signed outside the system (a wet-signed scan, a TTE-signed PDF) ----------------------------
    def set_signed_copy(self, letter_id: int, path: str, sha256: str, at: dt.datetime) -> None:
        self._write("letters", "UPDATE letters SET signed_path = ?, signed_sha256 = ?, signed_at = ? WHERE id = ?",
                    (path, sha256, iso(at), letter_id))

    def set_signer_role(self, year: int, number: str, role: str) -> None:
        """Whose signature the letter bears, by role (office.issuing, as it registers the letter)."""
        self._write("letters", "UPDATE letters SET signer_role = ? WHERE year = ? AND number = ?", (role, year, number))

    def set_tte_handoff(self, letter_id: int, *, pdf: str, text_sha256: str, pages: int, token: str) -> None:
        self._write("letters", "UPDATE letters SET unsigned_pdf = ?, approved_text_sha256 = ?, approved_pages = ?, "
                    "sign_token = ? WHERE id = ?", (pdf, text_sha256, pages, token, letter_id))

    def to_hand_off(self) -> list[Letter]:
        """Letters signed outside the system (any kind) whose PDF for signing is not made yet
        (made after the issuing transaction). A wet-signed answer is not among them: its own
        delivery task carries the print master to the JFU (a joined complaint's answer has none)."""
        return self._all_of(Letter, "SELECT letters.* FROM letters JOIN complaints ON complaints.id = letters.complaint_id "
                         "WHERE signing != 'segel' AND void = 0 AND approved_pages IS NULL AND signed_path IS NULL "
                         "AND dispatched_at IS NULL AND NOT (signing = 'basah' AND kind = 'jawaban' AND "
                         "complaints.state != 'linked') ORDER BY letters.id")

    def awaiting_signature(self) -> list[Letter]:
        """Letters handed to be signed (wet or TTE) whose signed copy has not come back."""
        return self._all_of(Letter, "SELECT * FROM letters WHERE signing != 'segel' AND void = 0 AND signed_path IS NULL "
                         "AND dispatched_at IS NULL ORDER BY id")

    def by_sign_token(self, token: str) -> Letter | None:
        return self._one_of(Letter, "SELECT * FROM letters WHERE sign_token = ?", (token,))

    def by_signed_sha256(self, sha256: str) -> Letter | None:
        return self._one_of(Letter, "SELECT * FROM letters WHERE signed_sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,))

    def signed_outside(self) -> bool:
        """Whether the book holds any signed copy filed by its SHA-256 (basah, tte)."""
        return self._one("SELECT 1 AS one FROM letters WHERE signed_sha256 IS NOT NULL LIMIT 1") is not None


class Numbers(Repository):
    """The yearly registers' serials, and letters waiting for their number from the agenda."""

    def next_serial(self, series: str, year: int) -> int:
        """The next number of a yearly register; call inside the transaction that uses it."""
        assert self.store._depth, "serials are taken inside a transaction"
        upsert = ("INSERT INTO serials(series, year, value) VALUES (?, ?, 1) "
                  "ON CONFLICT(series, year) DO UPDATE SET value = value + 1")
        if sqlite3.sqlite_version_info >= (3, 35):  # RETURNING: one statement instead of two
            return self.conn.execute(upsert + " RETURNING value", (series, year)).fetchone()[0]
        self.conn.execute(upsert, (series, year))
        return self.conn.execute("SELECT value FROM serials WHERE series = ? AND year = ?",
                                 (series, year)).fetchone()[0]

    def in_register(self) -> set[str]:
        """Every number the letters register holds, of any year."""
        return {r["number"] for r in self._all("SELECT number FROM letters")}

    def add_request(self, *, complaint_id: int, kind: str, resume: dict, reason: str, token: str,
                    at: dt.datetime, due: dt.datetime | None = None) -> dict:
        return self._insert_row("number_requests", dict(
            complaint_id=complaint_id, kind=kind, resume=json.dumps(resume, ensure_ascii=False), reason=reason,
            token=token, requested_at=iso(at), due_at=iso(due) if due else None))

    def to_nudge(self) -> list[dict]:
        """Waiting letters with a standard time (office.numbering reminds the keeper of them)."""
        return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL AND due_at IS NOT NULL ORDER BY id")

    def record_nudge(self, request_id: int, kind: str, at: dt.datetime) -> None:
        column = "reminders" if kind == "pengingat" else "escalations"
        self._write("number_requests", f"UPDATE number_requests SET {column} = {column} + 1, last_reminded_at = ? "
                    "WHERE id = ?", (iso(at), request_id))

    def request(self, request_id: int) -> dict | None:
        return self._one("SELECT * FROM number_requests WHERE id = ?", (request_id,))

    def request_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM number_requests WHERE token = ?", (token,))

    def open_requests(self, complaint_id: int | None = None) -> list[dict]:
        """Letters still waiting for a number, oldest first (of one complaint, or all)."""
        if complaint_id is None:
            return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL ORDER BY id")
        return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL AND complaint_id = ? ORDER BY id",
                         (complaint_id,))

    def given(self, complaint_id: int, kind: str) -> dict | None:
        """A number given to a waiting letter of the complaint, not yet taken by its issue."""
        return self._one("SELECT * FROM number_requests WHERE complaint_id = ? AND kind = ? AND number IS NOT NULL "
                         "AND resume != '' ORDER BY id LIMIT 1", (complaint_id, kind))

    def give(self, request_id: int, number: str, by: str, at: dt.datetime) -> None:
        self._write("number_requests", "UPDATE number_requests SET number = ?, numbered_at = ?, numbered_by = ? "
                    "WHERE id = ?", (number, iso(at), by, request_id))

    def spend(self, request_id: int) -> None:
        """The letter was issued with its number: what resumed it is no longer kept."""
        self._write("number_requests", "UPDATE number_requests SET resume = '' WHERE id = ?", (request_id,))
