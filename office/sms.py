"""SMS out through the office's own gateway (Gammu SMSD): what the office tells complainants
by SMS (office.notify chooses when) and the job that hands it to the gateway. (What arrives by
SMS: office.sms_in.)

`queue_notice` writes an SMS row into the book in the caller's transaction, under a name
fixed now; `send_sms` (a daemon job) writes each waiting row to the gateway under that name and
then marks it written, so an SMS goes once per event, and after a crash between the two at most
once more (the files gateway replaces a file it has not taken yet; the SQL gateway is asked
first whether it holds the name).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from intake.sms_gateway import is_mobile, normal_phone, outbox_name
from office.access import access_code
from office.access import answer_due as expected_answer
from office.base import Office, answer_due, due_of, new_token
from office.sms_io import gateway_of
from office.sms_texts import TEXTS, render_sms
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.engine import SYSTEM

log = logging.getLogger(__name__)
HOUR = dt.timedelta(hours=1)
AUTO_REPLIES = ("tanda_terima", "status", "bantuan")  # at most `[intake] ack_per_hour` an hour to a number


def phone_of(row: Complaint) -> str | None:
    """The complaint's number for SMS, when it is a mobile one."""
    phone = normal_phone(row.phone)
    return phone if is_mobile(phone) else None


def reaches(office: Office, row: Complaint, event: str) -> bool:
    """Whether a complainant hears of `event` by SMS: SMS is on, they gave a mobile number and
    no email (or the office sends SMS as a short extra: `[sms] also_with_email`), and the office
    says something about the event by SMS."""
    sms = office.config.sms
    return (sms.enabled and event in TEXTS and phone_of(row) is not None
            and (not row.email or sms.also_with_email))


def queue_notice(office: Office, row: Complaint, event: str, extra: dict, now: dt.datetime) -> bool:
    """The SMS of `event` to the complainant, queued in the caller's transaction; False when
    nothing was queued (no text for it, or the hourly limit of automatic replies)."""
    phone = phone_of(row)
    text = render_sms(event, facts(office, row, event, extra))
    if phone is None or text is None:
        return False
    return queue_sms(office, row, event, phone, text, now)


def facts(office: Office, row: Complaint, event: str, extra: dict) -> dict:
    """What a text names: the office, the number, and what the event brings."""
    cfg = office.config
    out = {"office": cfg.sms.name, "number": row.number, **extra}
    if event == "tanda_terima":
        out["code"] = access_code(office, row)
        out["due"] = date_words(office, expected_answer(office, parse_iso(row.received_at)))
    if event == "perpanjangan":
        due = due_of(office.book, row)
        out["due"] = date_words(office, answer_due(office, row, due)) if due else "-"
    if event == "surat_jawaban":
        out["by_email"] = bool(row.email)
    if event == "jawaban_siap":
        out["how"] = how_delivered(office, row)
    return out


def how_delivered(office: Office, row: Complaint) -> str:
    """How the answer reaches a complainant without email: at the counter, or to their address."""
    desk = office.config.complaint_desk
    counter = desk.counter or "loket pengaduan"
    hours = f" ({desk.hours})" if desk.hours else ""
    if row.address:
        return f"Surat diantar ke alamat Anda, atau dapat diambil di {counter}{hours}."
    return f"Surat dapat diambil di {counter}{hours}."


def date_words(office: Office, moment: dt.datetime) -> str:
    return moment.astimezone(office.config.clock.tz).strftime("%d-%m-%Y")


def queue_sms(office: Office, row: Complaint | None, kind: str, phone: str, text: str, now: dt.datetime) -> bool:
    """One SMS into the book's SMS outbox under its gateway name, fixed now. Automatic replies
    (acknowledgement, status, help) go at most `[intake] ack_per_hour` an hour to one number, so
    that two machines never loop and no one aims our SMS at someone else's number."""
    book = office.book
    if kind in AUTO_REPLIES and book.sms.count_to(phone, AUTO_REPLIES, now - HOUR) >= office.config.intake.ack_per_hour:
        if row is not None:
            book.events.add(row.id, now, row.step, SYSTEM, "catatan",
                           f"SMS {kind.replace('_', ' ')} tidak dikirim: batas balasan otomatis per jam ke {phone}.")
        log.warning("SMS %s ke %s ditahan (batas per jam)", kind, phone)
        return False
    local = now.astimezone(office.config.clock.tz)
    name = outbox_name(phone, new_token()[:12], local.strftime("%Y%m%d"), local.strftime("%H%M%S"))
    book.sms.add(name=name, complaint_id=row.id if row else None, kind=kind, phone=phone, text=text, at=now)
    return True


# The sender --------------------------------------------------------------------------------
def send_sms(office: Office, now: dt.datetime) -> int:
    """Write every waiting SMS to the gateway, then mark it written; returns how many went."""
    if not office.config.sms.enabled:
        return 0
    gateway = gateway_of(office.config.sms)
    written = 0
    for sms in office.book.sms.pending():
        try:
            gateway.write(sms["name"], sms["phone"], sms["text"])
        except (OSError, sqlite3.Error) as exc:  # a full disk, a missing folder, a locked gateway database
            with office.book.transaction():
                office.book.sms.mark_failed(sms["id"], str(exc))
            log.warning("SMS %s gagal ditulis ke gateway: %s", sms["kind"], exc)
            raise
        with office.book.transaction():
            office.book.sms.mark_written(sms["id"], now)
        written += 1
    return written
