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

from office.base import Office
from sop.sms_queries import sms_book

log = logging.getLogger(__name__)

PLACEHOLDER = "[dihapus: masa retensi berakhir]"


def record_access(office: Office, action: str, subject: str = "", detail: str = "",
                  now: dt.datetime | None = None, who: str | None = None) -> None:
    """Audit a read or export of personal data (UU 27/2022 Pasal 31); `who`: the desk's user,
    else the account running the command."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with office.book.transaction():
        office.book.audit(now, who or getpass.getuser(), action, subject, detail)


def person_data(office: Office, email: str) -> dict:
    """Everything the book holds about one person, with the processing trail (UU 27/2022 Pasal 32)."""
    from office.views import complaint_json

    email = email.lower()
    now = dt.datetime.now(dt.timezone.utc)
    complaints = office.book.complaints_of_person(email)
    return {
        "email": email,
        "controller": office.config.office_name,
        "complaints": [complaint_json(office, row, now, detail=True) | {
            "attachments": [{k: a[k] for k in ("filename", "content_type", "size", "sha256")}
                            for a in office.book.attachments(row["id"], None)],
            "letters": [{k: entry[k] for k in ("number", "issued_at", "void", "dispatched_at", "dispatch_method")}
                        for entry in office.book.letters_of(row["id"])],
        } for row in complaints],
        "messages": [{k: m[k] for k in ("received_at", "subject", "kind", "note")}
                     for m in office.book.messages_of_sender(email)],
        "audit": [a for a in office.book.audit_log() if email in a["subject"] or
                  any(c["number"] == a["subject"] for c in complaints)],
    }


def purge_expired(office: Office, now: dt.datetime) -> str:
    """Anonymise complaints closed more than `[privacy] retention_days` ago."""
    days = office.config.retention_days
    if not days:
        return ""
    count = 0
    for row in office.book.expired_complaints(now - dt.timedelta(days=days)):
        files = [a["path"] for a in office.book.attachments(row["id"], None) if a["path"]]
        files += [m["raw_path"] for m in office.book.messages() if m["complaint_id"] == row["id"] and m["raw_path"]]
        with office.book.transaction():
            office.book.anonymise(row["id"], now, PLACEHOLDER)
            sms_book(office.book).forget_sms_of(row["id"], PLACEHOLDER)
            office.book.audit(now, "sistem", "retensi", row["number"],
                              f"data pribadi dihapus setelah {days} hari sejak ditutup")
        for path in files:  # after the commit: a crash leaves a file, never a dangling record
            Path(path).unlink(missing_ok=True)
        count += 1
    if count:
        log.info("retensi: %d pengaduan dianonimkan", count)
    return f"{count} pengaduan dianonimkan" if count else ""
