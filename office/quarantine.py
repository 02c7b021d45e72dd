"""What staff do with a quarantined message at the desk: read it, process it again (after the
fault that stopped it is mended), make a complaint of it by hand, or set it aside. Each is
in the access trail (jejak-akses); the raw copy is kept in the office's files
(office.arrivals.quarantine) and the mailbox's Karantina folder keeps its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from office.base import Office
from office.commands import Refused
from office.privacy import record_access
from sop.book.records import Complaint, Message

QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Shown:
    """A quarantined message as staff read it: its headers and text, as data."""
    key: str
    sender: str
    subject: str
    received_at: str
    error: str
    text: str
    files: tuple[str, ...]
    readable: bool  # whether the parser could read it (else the text is the raw message)


def _quarantined(office: Office, key: str) -> tuple[Message, bytes]:
    row = office.book.messages.get(key)
    if row is None or row.kind != QUARANTINE:
        raise Refused("Pesan itu tidak ada di karantina (mungkin sudah ditangani).")
    if not row.raw_path or not Path(row.raw_path).is_file():
        raise Refused("Salinan pesan ini tidak tersimpan di berkas kantor; tangani dari folder Karantina pada kotak "
                      "surat.")
    return row, Path(row.raw_path).read_bytes()


def show(office: Office, key: str, who: str, now: dt.datetime) -> Shown:
    """The message, parsed when it can be, else its raw text (at most 200 kB shown)."""
    from intake.parse import parse_message

    row, raw = _quarantined(office, key)
    record_access(office, "meja-karantina-baca", key[:12], row.subject or "", now, who=who)
    try:
        msg = parse_message(raw)
    except Exception:
        return Shown(key, row.sender, row.subject, row.received_at, row.note,
                     raw[:200_000].decode("utf-8", "replace"), (), False)
    return Shown(key, f"{msg.from_name} <{msg.from_addr}>".strip(), msg.subject, row.received_at, row.note,
                 msg.text, tuple(a.filename for a in msg.attachments), True)


def process_again(office: Office, key: str, who: str, now: dt.datetime) -> str:
    """Run the message through the whole path again, as if it had just arrived. Returns what the
    book noted; Refused with the error when it fails again (it stays in quarantine then)."""
    from office.arrivals import process_raw

    _, raw = _quarantined(office, key)
    try:
        with office.book.transaction():
            office.book.messages.forget_quarantined(key)
            handled = process_raw(office, raw, now)
            office.book.audit.record(now, who, "meja-karantina-proses-ulang", key[:12], handled.kind)
    except Refused:
        raise
    except Exception as exc:  # the same fault again: nothing changed, the message stays
        raise Refused(f"Pesan masih gagal diproses ({type(exc).__name__}: {exc}); tetap di karantina. Jadikan "
                      "pengaduan secara manual atau abaikan.") from None
    return handled.kind


def make_complaint(office: Office, key: str, officer: str, who: str, now: dt.datetime) -> Complaint:
    """Record the message as a new complaint by hand (its sender, subject and text), for a
    message the path cannot read as one. Returns the complaint's row."""
    from email import message_from_bytes
    from email.utils import parseaddr

    from intake.parse import parse_message
    from office.recording import NewComplaint, from_email, record_complaint

    row, raw = _quarantined(office, key)
    try:
        new = from_email(parse_message(raw), office.config.mailbox.address)
    except Exception:  # what the parser cannot read is taken as the standard library reads it
        mail = message_from_bytes(raw)
        name, address = parseaddr(str(mail.get("From", "")))
        part = next((p for p in mail.walk() if p.get_content_type() == "text/plain"), mail)
        body = part.get_payload(decode=True) or b""
        new = NewComplaint(channel="email", name=name, email=address.lower() or None, message_key=key,
                           subject=str(mail.get("Subject", "")) or row.subject or "(tanpa subjek)",
                           body=body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body))
    new = NewComplaint(**{**new.__dict__, "message_key": None, "recorded_by": f"petugas {officer}",
                          "note": f"Dijadikan pengaduan oleh petugas {officer} dari pesan karantina ({row.note})."})
    with office.book.transaction():
        made = record_complaint(office, new, now)
        office.book.messages.settle_quarantined(key, "complaint", f"; dijadikan pengaduan {made.number}", made.id)
        office.book.audit.record(now, who, "meja-karantina-jadikan-pengaduan", key[:12], made.number)
    return made


def set_aside(office: Office, key: str, officer: str, who: str, now: dt.datetime) -> None:
    """Staff judge the message needs nothing (spam, a test): it leaves the quarantine list."""
    _quarantined(office, key)
    with office.book.transaction():
        office.book.messages.settle_quarantined(key, "diabaikan", f"; diabaikan oleh petugas {officer}")
        office.book.audit.record(now, who, "meja-karantina-abaikan", key[:12], "")
