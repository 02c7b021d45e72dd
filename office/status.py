"""The answer to a STATUS request: to the complainant, the step in plain words and the steps
done; to anyone who gives the complaint's access code (`STATUS <nomor> <kode>`, office.access
makes the code), the state only.

A wrong code tells nothing (the same silence as an unknown number) and is counted: after
`WRONG_PER_HOUR` wrong codes in an hour from one mailbox, or for one complaint, no request
of that mailbox or about that complaint is answered for the hour, even with the right code,
and staff are told (once: further alerts of the hour wait in their digest). Codes are never
written to the log."""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from intake.citizen import CodeRequest
from intake.parse import Incoming
from letters.dates import tanggal, waktu
from letters.mail import render_mail
from office.access import access_code, answer_due
from office.base import Office
from office.notices import alert_staff, base_context, citizen_reply_to, queue
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.directory import mailbox_of
from sop.engine import SYSTEM
from sop.procedure import Step
from sop.terms import DEFAULT_SALUTATION

log = logging.getLogger(__name__)

WRONG_PER_HOUR = 5
HOUR = dt.timedelta(hours=1)


def doing(step: Step) -> str:
    """What happens to a complaint at a step, in plain words for the complainant."""
    if step.objection:
        return "keberatan atas jawaban sedang ditelaah"
    if step.approval:
        return "konsep jawaban sedang diperiksa sebelum ditandatangani"
    if step.attach_letter or "deliver_letter" in step.on_done:
        return "jawaban sedang disampaikan"
    if "draft_letter" in step.on_done:
        return "jawaban sedang disusun"
    if "seksi" in step.keywords:
        return "pengaduan sedang diklarifikasi"
    if "rapat" in step.keywords or "perpanjang" in step.keywords:
        return "pengaduan sedang ditelaah untuk diputuskan tindak lanjutnya"
    return "pengaduan sedang ditangani"


def tell_status(office: Office, row: Complaint, now: dt.datetime, *, to: str | None = None,
                in_reply_to: str | None = None) -> bool:
    """Answer a STATUS request: what is happening in plain words, who holds it (the jabatan,
    never the person), the step (as its label, of the SOP's main steps), the date the answer
    is expected, and the steps done. `to`: a sender who gave the access code, who is told the
    state only, as is the complainant of a confidential complaint. At most `[intake]
    ack_per_hour` answers an hour to one mailbox; False when the limit held it back."""
    cfg = office.config
    address = to or row.email or ""
    if office.book.outbox.count_to_mailbox(mailbox_of(address), "status_pengaduan", now - HOUR) >= cfg.intake.ack_per_hour:
        return False
    state_only = to is not None or bool(row.confidential)
    context = base_context(office, None, None)
    context.update(c={"number": row.number}, state=row.state, now=waktu(now, cfg.clock.tz), stranger=to is not None,
                   greeting="Bapak/Ibu" if to is not None or not row.name else
                   f"{row.sapaan or DEFAULT_SALUTATION} {row.name}",
                   steps_total=cfg.procedure.main_steps, step=None, done=[], holder_title="",
                   answer_due=tanggal(answer_due(office, parse_iso(row.received_at)).astimezone(cfg.clock.tz).date()),
                   closed_at=waktu(parse_iso(row.closed_at), cfg.clock.tz) if row.closed_at else None)
    task = office.book.tasks.current(row.id) if row.state == "open" else None
    if task is not None:
        step = cfg.procedure.step(task.step)
        context.update(step={"label": step.shown, "doing": "pengaduan sedang ditangani" if row.confidential
                             else doing(step)}, holder_title=cfg.directory.official(task.role).title)
    if not state_only:  # a confidential complaint's handling stays inside the office
        context["done"] = [{"at": waktu(parse_iso(t.done_at), cfg.clock.tz), "label": cfg.procedure.label(t.step),
                            "title": cfg.directory.official(t.role).title,
                            "output": cfg.procedure.step(t.step).output.lower()}
                           for t in office.book.tasks.of(row.id) if t.done_at]
    name = "" if to is not None else row.name
    queue(office, row, "status_pengaduan", [(name, address)], render_mail("status_pengaduan", **context), now,
          in_reply_to=in_reply_to or row.source_message_id,
          reply_to=None if to is not None else citizen_reply_to(office, row), auto_submitted="auto-replied")
    return True


def answer_by_code(office: Office, msg: Incoming, ask: CodeRequest, now: dt.datetime) -> tuple[str, int | None, str]:
    """A `STATUS <nomor> <kode>` request from an address that is not the complainant's: the
    state to the sender when the code is right and no limit holds; otherwise nothing.
    Returns what the book records of the message: its kind, complaint and note (no code)."""
    row = office.book.complaints.by_number(ask.number)
    mailbox = mailbox_of(msg.from_addr)
    wrong = office.book.messages.wrong_codes_since(now - HOUR)
    by_sender = sum(1 for w in wrong if mailbox_of(w["sender"]) == mailbox)
    by_number = sum(1 for w in wrong if row is not None and w["complaint_id"] == row.id)
    locked = by_sender >= WRONG_PER_HOUR or by_number >= WRONG_PER_HOUR
    right = row is not None and hmac.compare_digest(ask.code.encode(), access_code(office, row).encode())
    if not right:
        if by_sender + 1 == WRONG_PER_HOUR or by_number + 1 == WRONG_PER_HOUR:
            alert_staff(office, row, "kode_akses_salah", now, sender=msg.from_addr, limit=WRONG_PER_HOUR,
                        by_number=by_number + 1 >= WRONG_PER_HOUR)
        log.warning("permintaan status dengan kode akses salah dari %s", msg.from_addr)
        return "kode_salah", row.id if row else None, "permintaan status dengan nomor atau kode akses yang salah"
    assert row is not None
    if locked:
        office.book.events.add(row.id, now, row.step, SYSTEM, "status",
                              f"Status ditanyakan dengan kode akses dari {msg.from_addr}; tidak dijawab (terlalu "
                              f"banyak kode salah dalam satu jam terakhir).")
        log.warning("%s: permintaan status dengan kode akses dari %s ditahan", row.number, msg.from_addr)
        return "status", row.id, "permintaan status dengan kode akses; ditahan (terlalu banyak kode salah)"
    told = tell_status(office, row, now, to=msg.from_addr, in_reply_to=msg.message_id)
    office.book.events.add(row.id, now, row.step, SYSTEM, "status",
                          f"Status ditanyakan dengan kode akses dari {msg.from_addr}; " +
                          ("dijawab otomatis (hanya keadaannya)." if told else "tidak dijawab (batas per jam tercapai)."))
    log.info("%s: permintaan status dengan kode akses dari %s %s", row.number, msg.from_addr,
             "dijawab" if told else "ditahan")
    return "status", row.id, "permintaan status dengan kode akses"
