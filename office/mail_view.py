"""The complaint as mail templates see it: whole for the officials of the SOP, or redacted
for whoever may not know who complained (a section head, for a confidential complaint)."""

from __future__ import annotations

import re
from dataclasses import replace

from letters.dates import waktu
from office.base import Office
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.engine import PROPOSAL
from sop.terms import DEFAULT_SALUTATION, SALUTATIONS, channel_words


def complaint_view(office: Office, row: Complaint, *, redact: bool = False) -> dict:
    """The complaint as templates show it.

    `redact`: the view for whoever may not know who complained (a section head, for a
    confidential complaint): no name, address or contact, no original text or files, only
    a neutral subject (the Sekretaris's `Pokok:`) and the Sekretaris's clarification.
    """
    tz = office.config.clock.tz
    files = [] if redact else office.book.attachments.of(row.id)
    if redact:
        row = replace(row, name="", email=None, phone=None, address=None,
                      subject=row.pokok or f"Pengaduan {row.number}",
                      body=redact_identity(clarification(office, row), row))
    form = row.sapaan or DEFAULT_SALUTATION
    return {**row.as_dict(), "received": waktu(parse_iso(row.received_at), tz),
            # How mail to the complainant greets and addresses them: the sapaan the Sekretaris
            # gave (Sdr. until then), never "Bapak/Ibu" before a known name.
            "greeting": f"{form} {row.name}" if row.name else "Bapak/Ibu",
            "you": SALUTATIONS[form] if row.name else "Bapak/Ibu",
            "channel": channel_words(row.channel),
            "confidential": bool(row.confidential), "redacted": redact,
            "attachments": _listed([f["filename"] for f in files if f["path"]]),
            "attachment_count": sum(1 for f in files if f["path"]),
            "refused": _listed([f"{f['filename']} ({f['note']})" for f in files if not f["path"]])}


def clarification(office: Office, row: Complaint) -> str:
    """The latest answer of the step that names the section (the Sekretaris's clarification)."""
    steps = {s.no for s in office.config.procedure.steps if "seksi" in s.keywords}
    texts = [e.text for e in office.book.events.of(row.id) if e.kind == "langkah" and e.step in steps]
    return texts[-1] if texts else ""


def _listed(items: list[str], most: int = 10) -> list[str]:
    """At most `most` items for an email, and how many more there were."""
    return items if len(items) <= most else [*items[:most], f"dan {len(items) - most} berkas lainnya"]


HIDDEN = "[dirahasiakan]"


# Numbers that identify a person wherever they appear: a NIK (16 digits, maybe grouped) and
# an Indonesian phone number (08…, +62 8…, 62 8…, with spaces, dots or dashes).
NIK = re.compile(r"(?<!\d)\d{6}[ .-]?\d{6}[ .-]?\d{4}(?!\d)")
PHONE = re.compile(r"(?<![\w+])(?:\+?62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,4}){2,3}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact_identity(text: str, row: Complaint) -> str:
    """Remove what identifies the complainant from a text: their name (and each longer part
    of it, and their address's local part), any email address, NIK or phone number."""
    text = EMAIL.sub(HIDDEN, text)
    text = NIK.sub(HIDDEN, text)
    text = PHONE.sub(HIDDEN, text)
    if row.phone:
        text = re.sub(re.escape(row.phone), HIDDEN, text, flags=re.IGNORECASE)
    name = (row.name or "").strip()
    local = (row.email or "").partition("@")[0]
    words = {w for source in (name, local) for w in re.findall(r"[^\W\d_]+", source) if len(w) >= 4}
    parts = sorted({name, *words}, key=len, reverse=True)
    for part in filter(None, parts):
        text = re.sub(rf"\b{re.escape(part)}\b", HIDDEN, text, flags=re.IGNORECASE)
    return text


OBJECTION_NOTE = "Keberatan pengadu: "  # sop.engine's note on the objection task


def objection_view(office: Office, row: Complaint, step_no: int, note: str) -> dict | None:
    """The complainant's objection (TIDAK PUAS) the objection step decides: the reason, the
    answer it is about and when it came; None on any other task."""
    objection = office.config.procedure.objection_step
    if objection is None or step_no != objection.no or not note.startswith(OBJECTION_NOTE):
        return None
    came = [e for e in office.book.events.of(row.id) if e.kind == "keberatan"]
    return {"reason": note.removeprefix(OBJECTION_NOTE), "letter_number": row.letter_number or "-",
            "at": waktu(parse_iso(came[-1].at), office.config.clock.tz) if came else "-"}


def proposal_of(office: Office, row: Complaint, step_no: int) -> str:
    """The rejection proposed by the step before this one (`Tolak:` where it only proposes)."""
    done = [e for e in office.book.events.of(row.id) if e.kind == "langkah" and e.step != step_no]
    if done and done[-1].text.startswith(PROPOSAL):
        return done[-1].text.removeprefix(PROPOSAL).split("\n", 1)[0]
    return ""
