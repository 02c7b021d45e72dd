"""Where an outgoing letter's number comes from ([letters] numbering).

`buku`: this book's own register, 0001 each year. `agenda`: the office's one agenda surat
keluar, kept by the TU ([roles.agenda]). The answer waits at the keeper's step (4b, see
sop.procedure.Procedure.with_agenda) and takes the number the keeper gives there; any other
letter (a pelimpahan, a penolakan, a notice, a joined complaint's letter) waits here, in
`number_requests`, with its own request mail to the keeper, until the number is given by reply
or on the desk (office.agenda). With `reserved`, numbers come from the office's block without
asking; a used-up block makes letters wait the same way.
"""

from __future__ import annotations

import datetime as dt
import json

from letters.dates import waktu
from letters.mail import build_message, render_mail
from office.base import Office, new_token, recipient, staff_role
from office.numbers import parse_given, particulars, refusal, reserved_serial
from sop.book import parse_iso
from sop.book.records import Complaint, Task
from sop.clock import next_nudge
from sop.directory import Official
from sop.engine import SYSTEM

REQUEST_TEMPLATE = "permintaan_nomor"


def take_number(office: Office, row: Complaint, kind: str, now: dt.datetime, resume: dict, *,
                hal: str = "", addressee: str = "") -> str | None:
    """The number of the letter of `kind` about to be issued for `row`, or None when it must wait
    for the agenda keeper (the request is recorded and mailed; `resume` is what issues it then)."""
    cfg = office.config
    book = office.book
    year = now.astimezone(cfg.clock.tz).year
    if cfg.letters.numbering == "buku":
        return cfg.letter_number(year, book.numbers.next_serial("surat-keluar", year), kind)
    given = book.numbers.given(row.id, kind)
    if given:  # given by reply or on the desk: the issue resumes with it
        book.numbers.spend(given["id"])
        return given["number"]
    reason = ""
    used = book.numbers.in_register()
    keeper_step = _keeper_step_done_now(office, row, now) if kind == "jawaban" else None
    if keeper_step is not None:  # the answer after the keeper's step: the number they gave there
        number = parse_given(keeper_step.output or "")
        reason = refusal(cfg, number, used, kind) or ""
        if not reason:
            return number
    elif cfg.letters.reserved:
        serial = reserved_serial(cfg, year, kind, used)
        if serial is not None:
            return cfg.letter_number(year, serial, kind)
        low, high = cfg.letters.reserved
        reason = (f"Blok nomor cadangan layanan pengaduan ({low}–{high}) sudah habis; penomoran surat berhenti sampai "
                  f"pengelola agenda memberi nomor atau administrator menetapkan blok baru.")
    request_number(office, row, kind, now, resume, reason, hal=hal, addressee=addressee)
    return None


def _keeper_step_done_now(office: Office, row: Complaint, now: dt.datetime) -> Task | None:
    """The keeper's task of this complaint closed in this very action, if that is what issues."""
    step = office.config.procedure.numbering_step
    if step is None:
        return None
    closed = [t for t in office.book.tasks.of(row.id) if t.step == step.no and t.done_at]
    return closed[-1] if closed and parse_iso(closed[-1].done_at) == now.replace(microsecond=0) else None


def request_number(office: Office, row: Complaint, kind: str, now: dt.datetime, resume: dict, reason: str, *,
                   hal: str = "", addressee: str = "") -> dict:
    """Record a letter waiting for its number and mail the keeper its own request."""
    cfg = office.config
    book = office.book
    facts = particulars(cfg, row, kind, hal, addressee)
    resume = {**resume, "hal": facts["hal"], "addressee": facts["addressee"]}
    exhausted_before = any(r["reason"] == reason for r in book.numbers.open_requests()) if reason else True
    step = cfg.procedure.numbering_step  # the keeper's standard time, as at the keeper's step
    due = cfg.clock.add(now, step.time if step else cfg.letters.agenda_time)
    request = book.numbers.add_request(complaint_id=row.id, kind=kind, resume=resume, reason=reason,
                                               token=new_token(), at=now, due=due)
    book.events.add(row.id, now, row.step, SYSTEM, "menunggu_nomor",
                   f"{facts['kind_name'].capitalize()} menunggu nomor dari buku agenda surat keluar." +
                   (f" {reason}" if reason else ""))
    send_request(office, row, request, now)
    if cfg.letters.reserved and reason and not exhausted_before:
        _tell_staff(office, row, reason, now)  # once while the block stays used up
    return request


def send_request(office: Office, row: Complaint, request: dict, now: dt.datetime, *, reminder: bool = False) -> None:
    """The request mail of a waiting letter (or its reminder), to the agenda keeper only (it
    carries the token)."""
    cfg = office.config
    keeper = office.holder("agenda", now)
    resume = _resume_of(request)
    letter = particulars(cfg, row, request["kind"], resume.get("hal", ""), resume.get("addressee", ""))
    due = waktu(parse_iso(request["due_at"]), cfg.clock.tz) if request.get("due_at") else ""
    rendered = render_mail(REQUEST_TEMPLATE, **_context(office, row, keeper), letter=letter, reason=request["reason"],
                           due=due, standard_time=standard_time(office), step_label="", reminder=reminder)
    local, _, domain = cfg.mailbox.address.partition("@")
    _queue(office, row, REQUEST_TEMPLATE, keeper, rendered, now,
           message_id=cfg.identity.task_message_id(request["token"], new_token()),
           reply_to=f"{local}+{request['token']}@{domain}")


def _tell_staff(office: Office, row: Complaint, reason: str, now: dt.datetime) -> None:
    staff = office.staff
    rendered = render_mail("nomor_habis", **_context(office, row, staff), reason=reason)
    _queue(office, row, "nomor_habis", staff, rendered, now, message_id=office.config.identity.message_id(
        "nomor-habis", new_token()))


def _context(office: Office, row: Complaint, to: Official) -> dict:
    """What these mails say of the office and the complaint: its number only."""
    cfg = office.config
    return {"office": {"name": cfg.office_name, "parent": cfg.office_parent, "address": cfg.office_address},
            "c": {"number": row.number}, "recipient": recipient(to)}


def _queue(office: Office, row: Complaint, kind: str, to: Official, rendered, now: dt.datetime, *, message_id: str,
           reply_to: str | None = None) -> None:
    """Put a mail in the outbox, in the caller's transaction, threaded under the complaint's own
    reference as office.notices.queue threads it (this module sits below office.notices, which
    reaches office.issuing through office.mail_files)."""
    cfg = office.config
    thread = cfg.identity.thread_id(row.number)
    msg = build_message(sender=(cfg.office_name, cfg.mailbox.address), to=[(to.name, to.email)], rendered=rendered,
                        message_id=message_id, date=now, reply_to=reply_to, in_reply_to=thread, references=(thread,),
                        auto_submitted="auto-generated")
    office.book.outbox.enqueue(message_id=message_id, complaint_id=row.id, kind=kind, recipients=[to.email],
                        subject=rendered.subject, raw=msg, at=now)


def _resume_of(request: dict) -> dict:
    return json.loads(request["resume"]) if request["resume"] else {}


def standard_time(office: Office) -> str:
    """The keeper's standard time as mails say it ("1 jam", "1 hari kerja")."""
    cfg = office.config
    step = cfg.procedure.numbering_step
    time = step.time if step else cfg.letters.agenda_time
    return f"{time} kerja" if time.unit == "days" and not cfg.clock.calendar_days else str(time)


# Reminders and lateness of the letters waiting off the keeper's step, as a step's task has them.
def nudge_number_requests(office: Office, now: dt.datetime) -> int:
    """Remind the keeper of a waiting letter before its due time, and tell the superior the SOP
    names and staff once it is late (then once a working day), by the office's nudge policy.
    Returns how many mails went out."""
    cfg = office.config
    sent = 0
    for request in office.book.numbers.to_nudge():
        kind = next_nudge(now=now, opened=parse_iso(request["requested_at"]), due=parse_iso(request["due_at"]),
                          reminders=request["reminders"], escalations=request["escalations"],
                          last_at=parse_iso(request["last_reminded_at"]), clock=cfg.clock, policy=cfg.nudges)
        if kind is None:
            continue
        with office.book.transaction():
            row = office.book.complaints.get(request["complaint_id"])
            if kind == "pengingat":
                send_request(office, row, request, now, reminder=True)
            else:
                _tell_late(office, row, request, now)
            office.book.numbers.record_nudge(request["id"], kind, now)
        sent += 1
    return sent


def _tell_late(office: Office, row: Complaint, request: dict, now: dt.datetime) -> None:
    cfg = office.config
    step = cfg.procedure.numbering_step
    keeper = office.holder("agenda", now)
    told = list(dict.fromkeys(r for r in ((step.escalate_to if step else None), staff_role(cfg)) if r and r != "agenda"))
    resume = _resume_of(request)
    letter = particulars(cfg, row, request["kind"], resume.get("hal", ""), resume.get("addressee", ""))
    due = waktu(parse_iso(request["due_at"]), cfg.clock.tz)
    for role in told:
        boss = office.holder(role, now)
        rendered = render_mail("nomor_terlambat", **_context(office, row, boss), letter=letter, due=due,
                               standard_time=standard_time(office), keeper=recipient(keeper))
        _queue(office, row, "nomor_terlambat", boss, rendered, now,
               message_id=cfg.identity.message_id("nomor-terlambat", new_token()))
    office.book.events.add(row.id, now, row.step, SYSTEM, "terlambat",
                          f"{letter['kind_name'].capitalize()} menunggu nomor dari pengelola agenda surat keluar "
                          f"melewati batas waktu ({due}); diberitahukan kepada "
                          f"{', '.join(office.holder(r, now).title for r in told)}.")

def keeper_routing(office: Office, row: Complaint, task: Task, official: Official, now: dt.datetime,
                   message_id: str | None = None) -> bool:
    """Asked by office.notices.send_routing first: True when this module sends the task's mail
    (the keeper's step 4b: the letter's particulars, never the complaint's text) or holds it (the
    delivery step of an answer still waiting for its number: sent when it is issued, office.agenda)."""
    cfg = office.config
    step = cfg.procedure.step(task.step)
    if step.attach_letter and any(r["kind"] == "jawaban" for r in office.book.numbers.open_requests(row.id)):
        return True
    if not step.numbers:
        return False
    rendered = render_mail(REQUEST_TEMPLATE, **_context(office, row, official), letter=particulars(cfg, row, "jawaban"),
                           reason="", step_label=step.shown, due=waktu(parse_iso(task.due_at), cfg.clock.tz),
                           standard_time=standard_time(office), reminder=False)
    local, _, domain = cfg.mailbox.address.partition("@")
    _queue(office, row, "tugas", official, rendered, now,
           message_id=message_id or cfg.identity.task_message_id(task.token, new_token()),
           reply_to=f"{local}+{task.token}@{domain}")
    return True
