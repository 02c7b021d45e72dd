"""What a complainant is given to follow their complaint without an account: its access code
(kode akses), the date by which the SOP's standard times bring the answer, and the office's
contact line. Shared by the receipt, the acknowledgement and the status answer."""

from __future__ import annotations

import datetime as dt
import secrets

from intake.citizen import CODE_ALPHABET, CODE_LENGTH
from letters.dates import tanggal
from office.base import Office
from sop.book import parse_iso
from sop.book.records import Complaint


def new_access_code() -> str:
    """Six characters from an alphabet without look-alikes, from the system's secure random:
    one read of it for the code (secrets.choice reads once a character). A byte below the
    largest multiple of the alphabet's length picks a character evenly; others are skipped."""
    even = 256 - 256 % len(CODE_ALPHABET)
    while True:
        picks = [b % len(CODE_ALPHABET) for b in secrets.token_bytes(2 * CODE_LENGTH) if b < even]
        if len(picks) >= CODE_LENGTH:
            return "".join(CODE_ALPHABET[i] for i in picks[:CODE_LENGTH])


def access_code(office: Office, row: Complaint) -> str:
    """The complaint's access code; one recorded before codes existed gets its own now, kept."""
    code = row.access_code or office.book.complaints.access_code(row.id, new_access_code())
    return code


def answer_due(office: Office, received: dt.datetime) -> dt.datetime:
    """When the answer is due if every step of the SOP takes its standard time, in order."""
    moment = received
    for step in office.config.procedure.walk()[1:]:  # step 1 is the recording itself
        moment = office.config.clock.add(moment, step.time)
    return moment


def how_to_ask(office: Office, number: str, code: str) -> str:
    """The sentence that tells a complainant how to ask for the status with the code."""
    by_mail = (f"Perkembangan pengaduan juga dapat ditanyakan dari alamat surel mana pun: kirim surel ke "
               f"{office.config.mailbox.address} dengan subjek STATUS {number} {code}.")
    public = office.config.publik
    if not public.enabled or not public.url:  # no public status page to point at
        return by_mail
    return by_mail + f" Nomor dan kode akses itu juga dapat dimasukkan pada laman Cek Status {public.url}/status."


def receipt_facts(office: Office, row: Complaint) -> dict:
    """What every receipt and acknowledgement tells: the code, how to use it, the answer's date."""
    code = access_code(office, row)
    due = answer_due(office, parse_iso(row.received_at)).astimezone(office.config.clock.tz).date()
    return {"code": code, "how": how_to_ask(office, row.number, code), "due": tanggal(due)}
