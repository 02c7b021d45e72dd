"""The book as staff see it: the JSON documents of `book`/`show` and their tables."""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from pathlib import PurePath

from office.base import Office, due_of
from sop.book import parse_iso
from sop.book.records import Complaint, Task


def _local(office: Office, text: str | None) -> str | None:
    moment = parse_iso(text)
    return moment.astimezone(office.config.clock.tz).isoformat(timespec="seconds") if moment else None


def complaint_json(office: Office, row: Complaint, now: dt.datetime, *, detail: bool = False) -> dict:
    """A complaint as `buku`/`lihat --json` give it (the documented fields); `detail` adds events and steps."""
    due = due_of(office.book, row)
    tz = office.config.clock.tz
    doc = {
        "number": row.number,
        "access_code": row.access_code,  # kode akses: STATUS <nomor> <kode> from any address
        "state": row.state,
        "step": row.step if row.state == "open" else None,
        "official": None,
        "channel": row.channel,
        "received_at": _local(office, row.received_at),
        "complainant": {"name": row.name, "email": row.email, "phone": row.phone,
                        "address": row.address},
        "subject": row.subject,
        "body": row.body,
        "section": row.section,
        "meeting": bool(row.meeting),
        "letter": row.letter_path,
        "letter_number": row.letter_number,
        "due_at": due.astimezone(tz).isoformat(timespec="seconds") if due else None,
        "late": bool(due and now > due and not row.paused_at),
        "closed_at": _local(office, row.closed_at),
        "held_at": _local(office, row.held_at),  # held for staff (a burst from one sender)
        "pokok": row.pokok,
        "step_label": office.config.procedure.label(row.step) if row.state == "open" and row.step else None,
        "paused": paused(office, row),
        "answered_at": _local(office, row.answered_at),
        "satisfaction": row.satisfaction if row.satisfaction in ("puas", "tidak_puas") else None,
        "rating": row.rating,
        "objection": objection(office, row),
        # Joined complaints (`gabung`), both ways: the one this is handled with, those handled with it.
        "linked_to": office.book.complaints.get(row.linked_to).number if row.linked_to else None,
        "linked": [r.number for r in office.book.complaints.linked(row.id)],
        **signing_of(office, row),
    }
    if doc["step"]:
        role = office.config.procedure.step(doc["step"]).role
        official = office.config.directory.official(role)
        doc["official"] = {"role": role, "title": official.title, "name": official.name}
    if detail:
        doc["events"] = [
            {"time": _local(office, e.at), "step": e.step, "actor": e.actor,
             "kind": e.kind, "text": e.text, "left_out": e.left_out}
            for e in office.book.events.of(row.id)]
        doc["steps"] = [_step_time(office, t) for t in office.book.tasks.of(row.id)]
        doc["waiting_for"] = waiting_for(office, row, now)
    return doc


def signing_of(office: Office, row: Complaint) -> dict:
    """How the complaint's letter is signed (`segel`, `basah`, `tte`) and its signed copy (the
    wet-signed scan, the TTE-signed PDF) once it is filed; nulls before there is a letter."""
    letter = office.book.letters.current(row.id) if row.letter_number else None
    if letter is None:
        return {"signing": None, "signed_file": None}
    signed = {"path": letter.signed_path, "sha256": letter.signed_sha256} if letter.signed_path else None
    return {"signing": letter.signing, "signed_file": signed}


def objection(office: Office, row: Complaint) -> dict | None:
    """The complainant's objection (TIDAK PUAS) while the step that decides it is open."""
    step = office.config.procedure.objection_step
    if step is None or row.state != "open" or row.step != step.no:
        return None
    task = office.book.tasks.current(row.id)
    return {"step": step.no, "step_label": step.shown, "role": step.role, "reason": task.note if task else "",
            "since": _local(office, task.opened_at) if task else None,
            "due_at": _local(office, task.due_at) if task else None}


def paused(office: Office, row: Complaint) -> dict | None:
    """The step's clock stopped for the complainant (`Lengkapi:`): since when, what was asked,
    and when the complaint closes without an answer; None when the clock runs."""
    if not row.paused_at or row.state != "open":
        return None
    cfg = office.config
    closes = cfg.silence_ends(parse_iso(row.paused_at))
    return {"since": _local(office, row.paused_at), "reason": row.pause_reason,
            "closes_at": closes.astimezone(cfg.clock.tz).isoformat(timespec="seconds")}


def waiting_for(office: Office, row: Complaint, now: dt.datetime) -> dict | None:
    """Who holds the complaint now and until when: the open task's role, its holder (a
    delegate too), since when and the due time; None when nothing waits for an official."""
    task = office.book.tasks.current(row.id) if row.state == "open" else None
    if task is None:
        return None
    holder = office.holder(task.role, now)
    return {"role": task.role, "title": holder.delegation or holder.title, "name": holder.name,
            "email": task.official, "step": task.step,
            "step_label": office.config.procedure.label(task.step), "since": _local(office, task.opened_at),
            "due_at": _local(office, task.due_at)}


def _step_time(office: Office, task: Task) -> dict:
    """How long a step took against its standard time (mutu baku)."""
    opened, due, done = parse_iso(task.opened_at), parse_iso(task.due_at), parse_iso(task.done_at)
    return {"step": task.step, "step_label": office.config.procedure.label(task.step),
            "official": task.official, "opened_at": _local(office, task.opened_at),
            "due_at": _local(office, task.due_at), "done_at": _local(office, task.done_at),
            "standard": str(office.config.procedure.step(task.step).time),
            "took_minutes": int((done - opened).total_seconds() // 60) if done else None,
            "within_standard": (done <= due) if done else None,
            "reminders": task.reminders, "escalations": task.escalations}


# A confidential complaint for a reader without identity ([web] identity_roles) ------------------
def visible_text(row: Complaint) -> dict:
    """What such a reader is shown of the complaint's own words, by column of the search index:
    the number, the neutral subject the Sekretaris gave (`Pokok:`), the text without who
    complained; never the name. The complaint page shows this, and the desk's search matches it."""
    from office.mail_view import redact_identity

    return {"number": row.number, "name": "", "subject": row.pokok or "",
            "body": redact_identity(row.body or "", row)}


def office_names(files: list[dict]) -> dict[int, str]:
    """Names the office makes for a complaint's files (`lampiran-1.pdf`, by order, with the stored
    file's extension), by attachment id: the names the sender gave may name them (`KTP-<nama>.pdf`).
    A delivery proof keeps its name, which the office made."""
    names: dict[int, str] = {}
    for f in files:
        if f["purpose"] == "bukti_kirim":
            continue
        ext = PurePath(f["path"]).suffix if f["path"] else mimetypes.guess_extension(f["content_type"], strict=False)
        names[f["id"]] = f"lampiran-{len(names) + 1}{ext or '.bin'}"
    return names


def without_identity(row: Complaint, doc: dict, files: list[dict]) -> dict:
    """The page's history, files and citizen words with the complainant's identity taken out: the
    file names made by the office, every history line through the redaction the text has, an
    entry of the complainant's own address shown as the complainant."""
    from office.mail_view import redact_identity

    names = office_names(files)
    doc = dict(doc)
    if "attachments" in doc:
        doc["attachments"] = [{**a, "filename": names.get(a["id"], a["filename"])} for a in doc["attachments"]]
    if "events" in doc:
        given = sorted(((f["filename"], names[f["id"]]) for f in files if f["id"] in names),
                       key=lambda pair: len(pair[0]), reverse=True)
        email = (row.email or "").lower()
        doc["events"] = [{**e, "text": redact_identity(_renamed(e["text"] or "", given), row),
                          # An actor is a role, staff or an address: the complainant only by theirs.
                          "actor": "pengadu" if email and email in (e["actor"] or "").lower() else e["actor"]}
                         for e in doc["events"]]
    if doc.get("objection"):
        doc["objection"] = {**doc["objection"], "reason": redact_identity(doc["objection"]["reason"] or "", row)}
    if doc.get("paused"):
        doc["paused"] = {**doc["paused"], "reason": redact_identity(doc["paused"]["reason"] or "", row)}
    return doc


def _renamed(text: str, given: list[tuple[str, str]]) -> str:
    """A history line with each file name the sender gave replaced by the office's name, where
    the line lists it (office.attachments: "…: a.pdf, b.pdf; tidak disimpan: c.exe (…).")."""
    for name, made in given:
        text = re.sub(rf"(?<=: |, |; ){re.escape(name)}(?=, |; | \(|\.$)", made.replace("\\", r"\\"), text)
    return text
