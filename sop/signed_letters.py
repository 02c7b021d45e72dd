"""Letters signed outside the system in the book (mixed into sop.book.Book): the signed copy
that comes back (a wet-signed scan, a TTE-signed PDF) and its SHA-256, and for TTE the hand-off
(the unsigned PDF, its text's hash and pages, the token of the signer's mail). office.signing
and office.tte use them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from sop.store import iso


class SignedLetterQueries:
    """A letter's copies beside its Word file: the PDF, the signed copy, the TTE hand-off."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # sop.store.Store's, beside which this is mixed in
        def _one(self, sql: str, params=()) -> dict | None: ...
        def _all(self, sql: str, params=()) -> list[dict]: ...
        def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor: ...

    def set_signed_copy(self, letter_id: int, path: str, sha256: str, at: dt.datetime) -> None:
        self._write("letters", "UPDATE letters SET signed_path = ?, signed_sha256 = ?, signed_at = ? WHERE id = ?",
                    (path, sha256, iso(at), letter_id))

    def set_signer_role(self, year: int, number: str, role: str) -> None:
        """Whose signature the letter bears, by role (office.issuing, as it registers the letter)."""
        self._write("letters", "UPDATE letters SET signer_role = ? WHERE year = ? AND number = ?", (role, year, number))

    def set_tte_handoff(self, letter_id: int, *, pdf: str, text_sha256: str, pages: int, token: str) -> None:
        self._write("letters", "UPDATE letters SET unsigned_pdf = ?, approved_text_sha256 = ?, approved_pages = ?, "
                    "sign_token = ? WHERE id = ?", (pdf, text_sha256, pages, token, letter_id))

    def letters_to_hand_off(self) -> list[dict]:
        """Letters signed outside the system (any kind) whose PDF for signing is not made yet
        (made after the issuing transaction). A wet-signed answer is not among them: its own
        delivery task carries the print master to the JFU (a joined complaint's answer has none)."""
        return self._all("SELECT letters.* FROM letters JOIN complaints ON complaints.id = letters.complaint_id "
                         "WHERE signing != 'segel' AND void = 0 AND approved_pages IS NULL AND signed_path IS NULL "
                         "AND dispatched_at IS NULL AND NOT (signing = 'basah' AND kind = 'jawaban' AND "
                         "complaints.state != 'linked') ORDER BY letters.id")

    def letters_awaiting_signature(self) -> list[dict]:
        """Letters handed to be signed (wet or TTE) whose signed copy has not come back."""
        return self._all("SELECT * FROM letters WHERE signing != 'segel' AND void = 0 AND signed_path IS NULL "
                         "AND dispatched_at IS NULL ORDER BY id")

    def letter_by_sign_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM letters WHERE sign_token = ?", (token,))

    def letter_by_signed_sha256(self, sha256: str) -> dict | None:
        return self._one("SELECT * FROM letters WHERE signed_sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,))

    def letters_signed_outside(self) -> bool:
        """Whether the book holds any signed copy filed by its SHA-256 (basah, tte)."""
        return self._one("SELECT 1 AS one FROM letters WHERE signed_sha256 IS NOT NULL LIMIT 1") is not None

    def set_letter_pdf(self, letter_id: int, path: str) -> None:
        self._write("letters", "UPDATE letters SET pdf_path = ? WHERE id = ?", (path, letter_id))
