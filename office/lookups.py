"""What staff look up in the book without changing it, for the command line and the desk: a
complaint or letter by its number or id, the letters waiting to be sent, the delegations with
their days, the held complaints, the quarantine, the desk's accounts and the access trail.

Reads of a complaint's whole record, which the access trail must hold, are office.views'
read_book/read_complaint and office.desk's pages; these are the lists and lookups around them.
"""

from __future__ import annotations

import datetime as dt

from office.base import Office
from sop.book import parse_iso
from sop.book.records import Complaint, Letter


def complaint(office: Office, number: str) -> Complaint | None:
    """The complaint's row by its register number, None when the book has no such number."""
    return office.book.complaints.by_number(number)


def complaint_of(office: Office, letter: Letter) -> Complaint:
    """The complaint a letter answers."""
    return office.book.complaints.get(letter.complaint_id)


def letter(office: Office, letter_id: int) -> Letter | None:
    """A letter's row by its id in the book, None when there is none."""
    return office.book.letters.get(letter_id)


def letters_to_send(office: Office) -> list[tuple[Letter, Complaint]]:
    """The letters issued and not yet delivered, each with its complaint, oldest first."""
    return [(row, complaint_of(office, row)) for row in office.book.letters.awaiting_dispatch()]


def delegations(office: Office) -> list[dict]:
    """Every delegation (Plt./Plh.) with its first and last day in the office's time: stored as
    UTC moments, the first day's midnight and the midnight after the last day."""
    tz = office.config.clock.tz
    return [{**d, "first": parse_iso(d["starts"]).astimezone(tz).date(),
             "last": (parse_iso(d["ends"]).astimezone(tz) - dt.timedelta(seconds=1)).date()}
            for d in office.book.delegations.listed()]


def held(office: Office) -> list[Complaint]:
    """The complaints held for staff (a burst from one sender)."""
    return office.book.complaints.held()


def quarantined(office: Office) -> list[dict]:
    """The messages in quarantine, each with `received`: its arrival in the office's time."""
    tz = office.config.clock.tz
    return [{**r.as_dict(), "received": parse_iso(r.received_at).astimezone(tz)}
            for r in office.book.messages.listed("quarantine")]


def has_message(office: Office, key: str) -> bool:
    """Whether the book still holds the message of `key` (a quarantined one acted on may be gone)."""
    return office.book.messages.get(key) is not None


def desk_users(office: Office) -> list[dict]:
    """The desk's accounts."""
    return office.book.accounts.users()


def desk_user(office: Office, user_id: int) -> dict | None:
    """One desk account by its id, None when there is none."""
    return office.book.accounts.user_by_id(user_id)


def access_trail(office: Office) -> list[dict]:
    """Who read or exported personal data, when (jejak akses), each with `at_local`."""
    tz = office.config.clock.tz
    return [{**e, "at_local": parse_iso(e["at"]).astimezone(tz)} for e in office.book.audit.log()]
