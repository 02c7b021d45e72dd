"""What the public complaint form and status page were asked, in the book: the rows behind
their limits, duplicates and refusal counts (office.public_intake). Migration 22 made the table."""

from __future__ import annotations

import datetime as dt

from sop.book.repository import Repository
from sop.book.store import iso

ACCEPTED = "diterima"
SUBMISSION, STATUS = "pengaduan", "status"  # the `kind` of a request: a form sent, a status asked


class PublicRequests(Repository):
    """The requests of the public form and status page, behind their limits."""

    def add(self, *, at: dt.datetime, kind: str, address: str, outcome: str,
                           form_token: str | None = None, fingerprint: str | None = None,
                           number: str | None = None, complaint_id: int | None = None) -> int:
        return self.conn.execute(
            "INSERT INTO public_requests (at, kind, address, outcome, form_token, fingerprint, number, complaint_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (iso(at), kind, address, outcome, form_token, fingerprint, number, complaint_id)).lastrowid or 0

    def count_from(self, address: str, kind: str, since: dt.datetime) -> int:
        """Requests of a kind from one network address since a moment, whatever their outcome."""
        return self.conn.execute("SELECT count(*) FROM public_requests WHERE address = ? AND kind = ? AND at >= ?",
                                 (address, kind, iso(since))).fetchone()[0]

    def accepted_since(self, since: dt.datetime) -> int:
        """Complaints the form recorded since a moment, from anywhere."""
        return self.conn.execute("SELECT count(*) FROM public_requests WHERE at >= ? AND kind = ? AND outcome = ?",
                                 (iso(since), SUBMISSION, ACCEPTED)).fetchone()[0]

    def submission(self, form_token: str) -> dict | None:
        """The accepted submission of a form (its token), if there is one."""
        return self._one("SELECT * FROM public_requests WHERE form_token = ? AND kind = ? AND outcome = ?",
                         (form_token, SUBMISSION, ACCEPTED))

    def duplicate(self, fingerprint: str, since: dt.datetime) -> dict | None:
        """An accepted submission with the same fingerprint since a moment."""
        return self._one("SELECT * FROM public_requests WHERE fingerprint = ? AND at >= ? AND outcome = ? LIMIT 1",
                         (fingerprint, iso(since), ACCEPTED))

    def wrong_codes(self, address: str, number: str, since: dt.datetime) -> tuple[int, int]:
        """Wrong access codes on the status page since a moment: from the address, for the number."""
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM public_requests WHERE address = ? AND kind = ? AND outcome = 'kode_salah' "
            "AND at >= ?), (SELECT count(*) FROM public_requests WHERE number = ? AND outcome = 'kode_salah' AND at >= ?)",
            (address, STATUS, iso(since), number, iso(since))).fetchone()
        return row[0], row[1]

    def outcomes(self, since: dt.datetime, until: dt.datetime | None = None) -> dict[tuple[str, str], int]:
        """How many requests of each (kind, outcome) between two moments."""
        rows = self.conn.execute(
            "SELECT kind, outcome, count(*) FROM public_requests WHERE at >= ? AND at < ? GROUP BY kind, outcome",
            (iso(since), iso(until) if until else "9999")).fetchall()
        return {(kind, outcome): count for kind, outcome, count in rows}

    def prune(self, before: dt.datetime) -> None:
        """Network addresses are personal data: the rows go once their limits and recap are past."""
        self.conn.execute("DELETE FROM public_requests WHERE at < ?", (iso(before),))
