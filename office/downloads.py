"""The files the desk hands out: a complaint's attachment, a letter (Word, PDF, or the unsigned
PDF for the signer's TTE application), a walk-in's receipt. Each is looked up by its id in the
book (never a path from the request), refused to a reader who may not see a confidential
complainant, and its download recorded in the access trail (UU 27/2022 Pasal 31)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from office.base import Office
from office.desk import refused_download
from office.privacy import record_access
from sop.book.records import Complaint


class NotThere(LookupError):
    """No such file in the book, or not made (the desk answers 404)."""


class NotForYou(PermissionError):
    """The file names a confidential complainant this reader may not see (403; in the trail)."""


@dataclass(frozen=True)
class Download:
    path: Path
    name: str  # the name the browser saves it under
    content_type: str | None = None


def _hand_out(office: Office, user: dict, row: Complaint, what: str, trail: tuple[str, str, str], now: dt.datetime) -> None:
    """Refuse `what` to a reader who may not see the complainant of `row` (the refusal is in the
    trail), else record the download: `trail` is its action, subject and detail."""
    if refused_download(office, row, user, what, now):
        raise NotForYou(what)
    action, subject, detail = trail
    record_access(office, action, subject, detail, now, who=user["name"])


def attachment(office: Office, user: dict, attachment_id: int, now: dt.datetime) -> Download:
    """A complaint's file, under the name its sender gave."""
    found = office.book.attachments.get(attachment_id)
    if found is None or not found["path"]:
        raise NotThere(attachment_id)
    row = office.book.complaints.get(found["complaint_id"])
    _hand_out(office, user, row, f"berkas {attachment_id}", ("meja-unduh-berkas", row.number, found["filename"]), now)
    return Download(Path(found["path"]), found["filename"], found["content_type"])


def letter_file(office: Office, user: dict, letter_id: int, kind: str, now: dt.datetime) -> Download:
    """A letter as Word (`docx`) or PDF (`pdf`): its Yth. block names the complainant."""
    letter = office.book.letters.get(letter_id)
    if letter is None or kind not in ("docx", "pdf"):
        raise NotThere(letter_id)
    path = letter.path if kind == "docx" else letter.pdf_path
    if not path:
        raise NotThere(letter_id)
    row = office.book.complaints.get(letter.complaint_id)
    _hand_out(office, user, row, f"surat {letter.number} {kind}", ("meja-unduh-surat", letter.number, kind), now)
    return Download(Path(path), f"surat-{letter.number.replace('/', '-')}.{kind}")


def unsigned_letter(office: Office, user: dict, letter_id: int, now: dt.datetime) -> Download:
    """The approved, unsigned PDF for the signer's TTE application."""
    letter = office.book.letters.get(letter_id)
    if letter is None or not letter.unsigned_pdf:
        raise NotThere(letter_id)
    row = office.book.complaints.get(letter.complaint_id)
    _hand_out(office, user, row, f"surat {letter.number} untuk TTE", ("meja-unduh-surat", letter.number, "untuk-tte"),
              now)
    name = re.sub(r"[^\w.\- ]+", "-", f"surat-{letter.number}-untuk-tte.pdf")
    return Download(Path(letter.unsigned_pdf), name, "application/pdf")


def receipt(office: Office, user: dict, number: str, kind: str, now: dt.datetime) -> Download:
    """A walk-in's receipt (tanda terima) as Word or PDF: it names the complainant."""
    from office.receipts import receipt_files

    row = office.book.complaints.by_number(number)
    if row is None or kind not in ("docx", "pdf"):
        raise NotThere(number)
    what = f"tanda terima {kind}"
    path = next((p for p in receipt_files(office, row) if p.suffix == f".{kind}"), None)
    if path is None:  # a confidential complainant's receipt stays refused (and recorded) even when not made
        raise NotForYou(what) if refused_download(office, row, user, what, now) else NotThere(number)
    _hand_out(office, user, row, what, ("meja-unduh-tanda-terima", row.number, kind), now)
    return Download(path, path.name)
