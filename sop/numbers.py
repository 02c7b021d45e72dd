"""Letters waiting for their number from the office's agenda surat keluar, and the numbers
the letters register already holds: `numbers(book)`, over the book's own SQL helpers (kept
beside sop.book, as sop.accounts is, so that module stays small)."""

from __future__ import annotations

import datetime as dt
import json

from sop.store import Store, iso


def numbers(book: Store) -> "NumberQueries":
    return NumberQueries(book)


class NumberQueries:
    def __init__(self, book: Store):
        self._one, self._all, self._insert_row, self._write = book._one, book._all, book._insert_row, book._write

    def letter_numbers(self) -> set[str]:
        """Every number the letters register holds, of any year."""
        return {r["number"] for r in self._all("SELECT number FROM letters")}

    def add_number_request(self, *, complaint_id: int, kind: str, resume: dict, reason: str, token: str,
                           at: dt.datetime, due: dt.datetime | None = None) -> dict:
        return self._insert_row("number_requests", dict(
            complaint_id=complaint_id, kind=kind, resume=json.dumps(resume, ensure_ascii=False), reason=reason,
            token=token, requested_at=iso(at), due_at=iso(due) if due else None))

    def requests_to_nudge(self) -> list[dict]:
        """Waiting letters with a standard time (office.numbering reminds the keeper of them)."""
        return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL AND due_at IS NOT NULL ORDER BY id")

    def record_request_nudge(self, request_id: int, kind: str, at: dt.datetime) -> None:
        column = "reminders" if kind == "pengingat" else "escalations"
        self._write("number_requests", f"UPDATE number_requests SET {column} = {column} + 1, last_reminded_at = ? "
                    "WHERE id = ?", (iso(at), request_id))

    def number_request(self, request_id: int) -> dict | None:
        return self._one("SELECT * FROM number_requests WHERE id = ?", (request_id,))

    def number_request_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM number_requests WHERE token = ?", (token,))

    def open_number_requests(self, complaint_id: int | None = None) -> list[dict]:
        """Letters still waiting for a number, oldest first (of one complaint, or all)."""
        if complaint_id is None:
            return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL ORDER BY id")
        return self._all("SELECT * FROM number_requests WHERE numbered_at IS NULL AND complaint_id = ? ORDER BY id",
                         (complaint_id,))

    def given_number(self, complaint_id: int, kind: str) -> dict | None:
        """A number given to a waiting letter of the complaint, not yet taken by its issue."""
        return self._one("SELECT * FROM number_requests WHERE complaint_id = ? AND kind = ? AND number IS NOT NULL "
                         "AND resume != '' ORDER BY id LIMIT 1", (complaint_id, kind))

    def give_request_number(self, request_id: int, number: str, by: str, at: dt.datetime) -> None:
        self._write("number_requests", "UPDATE number_requests SET number = ?, numbered_at = ?, numbered_by = ? "
                    "WHERE id = ?", (number, iso(at), by, request_id))

    def spend_request(self, request_id: int) -> None:
        """The letter was issued with its number: what resumed it is no longer kept."""
        self._write("number_requests", "UPDATE number_requests SET resume = '' WHERE id = ?", (request_id,))
