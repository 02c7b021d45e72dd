"""Personal data duties (UU 27/2022): the audit trail of reads and exports, a person's data on
request, and the retention job that anonymises closed complaints after the configured period.

The letter register (numbers, dates, signers) and the archived letters stay: they are the
office's records under its retention schedule (JRA); the complaint record, the raw emails,
the attachments and the sent mail lose the person's data.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
from pathlib import Path

from intake.sms_gateway import normal_phone
from office.base import Office
from sop.book.records import Complaint
from sop.terms import STATES

log = logging.getLogger(__name__)

PLACEHOLDER = "[dihapus: masa retensi berakhir]"


def record_access(office: Office, action: str, subject: str = "", detail: str = "",
                  now: dt.datetime | None = None, who: str | None = None) -> None:
    """Audit a read or export of personal data (UU 27/2022 Pasal 31); `who`: the desk's user,
    else the account running the command."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with office.book.transaction():
        office.book.audit.record(now, who or getpass.getuser(), action, subject, detail)


def person_data(office: Office, who: str) -> dict:
    """Everything the book holds about one person, with the processing trail (UU 27/2022 Pasal 32).
    `who`: their email address, or the telephone number of someone who complained without one
    (by SMS, at the counter), written as they write it (0812…, +62812…)."""
    from office.views import complaint_json

    phone = None if "@" in who else normal_phone(who)
    email = who.lower() if phone is None else ""
    now = dt.datetime.now(dt.timezone.utc)
    complaints = office.book.complaints.of_person(email) if email else [
        row for row in office.book.sms.complaints_with_phone(STATES) if normal_phone(row.phone) == phone]
    complaints.sort(key=lambda row: row.id)
    return {
        "email": email,
        "phone": phone or "",
        "controller": office.config.office_name,
        "complaints": [complaint_json(office, row, now, detail=True) | {
            "attachments": [{k: a[k] for k in ("filename", "content_type", "size", "sha256")}
                            for a in office.book.attachments.of(row.id, None)],
            "letters": [{k: getattr(entry, k) for k in ("number", "issued_at", "void", "dispatched_at", "dispatch_method")}
                        for entry in office.book.letters.listed(row.id)],
        } for row in complaints],
        "messages": [{k: getattr(m, k) for k in ("received_at", "subject", "kind", "note")}
                     for m in office.book.messages.of_sender(email)] if email else [],
        "sms": _sms_of(office, phone, complaints),
        "audit": [a for a in office.book.audit.log() if any(x and x in a["subject"] for x in (email, phone, who.lower()))
                  or any(c.number == a["subject"] for c in complaints)],
    }


def _sms_of(office: Office, phone: str | None, complaints: list[Complaint]) -> dict:
    """The SMS sent to and received from the person's numbers, or about their complaints."""
    numbers = {number for number in (normal_phone(c.phone) for c in complaints) if number} | \
        ({phone} if phone else set())
    sent, received = office.book.sms.of_person(tuple(sorted(numbers)), tuple(c.id for c in complaints))
    about = {c.id: c.number for c in complaints}
    return {"sent": [{"created_at": r["created_at"], "written_at": r["written_at"], "kind": r["kind"],
                      "phone": r["phone"], "text": r["text"], "complaint": about.get(r["complaint_id"], "")}
                     for r in sent],
            "received": [{"received_at": r["received_at"], "kind": r["kind"], "phone": r["phone"], "text": r["text"],
                          "note": r["note"], "complaint": about.get(r["complaint_id"], "")} for r in received]}


def purge_expired(office: Office, now: dt.datetime) -> str:
    """Anonymise complaints closed more than `[privacy] retention_days` ago."""
    days = office.config.retention_days
    if not days:
        return ""
    count = 0
    for row in office.book.complaints.expired(now - dt.timedelta(days=days)):
        files = [a["path"] for a in office.book.attachments.of(row.id, None) if a["path"]]
        files += [m.raw_path for m in office.book.messages.listed() if m.complaint_id == row.id and m.raw_path]
        with office.book.transaction():
            office.book.complaints.anonymise(row.id, now, PLACEHOLDER)
            office.book.sms.forget_of(row.id, PLACEHOLDER)
            office.book.audit.record(now, "sistem", "retensi", row.number,
                              f"data pribadi dihapus setelah {days} hari sejak ditutup")
        for path in files:  # after the commit: a crash leaves a file, never a dangling record
            Path(path).unlink(missing_ok=True)
        count += 1
    if count:
        log.info("retensi: %d pengaduan dianonimkan", count)
    return f"{count} pengaduan dianonimkan" if count else ""
