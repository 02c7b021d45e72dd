"""Every mail the office sends, rendered and queued in one place: the routing email of a task,
notices to the complainant and the section head, confirmations, alerts to staff and their
hourly digest, warnings to officials, meeting invitations, reminders and escalations.

Nothing here sends: each mail is a row in the book's outbox, written in the caller's
transaction with its Message-ID fixed now (the outgoing runner, jobs/outgoing.py, sends).
Every mail about a complaint threads under the complaint's own token-free reference; a task's
Message-ID (which holds its token) is cited only to the task's holder.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from contextlib import nullcontext

from intake.parse import Incoming
from letters.dates import tanggal, waktu
from letters.mail import Attachment, Rendered, build_message, render_mail
from office.access import receipt_facts
from office.base import Actor, Duty, Office, answer_due, due_of, new_token, safe_name, section_recipient
from office.disposition import disposition_sheet
from office.mail_context import base_context, history  # noqa: F401 (history: imported from here too)
from office.mail_files import MailFiles, citizen_letter_files, complainant_copy, delivery_files, konsep_files
from office.mail_view import complaint_view, objection_view, proposal_of
from office.numbering import keeper_routing
from sop.book import parse_iso
from sop.book.records import Complaint, Task
from sop.clock import next_nudge_at
from sop.directory import Official, mailbox_of
from sop.engine import REJECTION_DELIVERY, SYSTEM, Notify
from sop.terms import DEFAULT_SALUTATION, SALUTATIONS

log = logging.getLogger(__name__)


def queue(office: Office, row: Complaint | None, kind: str, to: list[tuple[str, str]], rendered: Rendered,
          now: dt.datetime, *, message_id: str | None = None, reply_to: str | None = None,
          in_reply_to: str | None = None, references: tuple[str, ...] = (),
          auto_submitted: str = "auto-generated", attachments: tuple[Attachment, ...] = (),
          awaits: tuple[dict, ...] = ()) -> str:
    """Build a mail and put it in the outbox, in the caller's transaction; returns its Message-ID.
    `awaits`: PDFs not made yet (office.mail_files), which the PDF job adds after the commit;
    the mail is due only then."""
    me = office.config.identity
    own, bounce = new_tokens(2)  # one draw of randomness for both (each 120 bits, as new_token)
    message_id = message_id or me.message_id(kind.replace("_", "-"), own)
    if row is not None:
        # Every mail about a complaint threads under its token-free reference; a task's
        # own Message-ID (which holds its token) is cited only to the task's holder.
        thread = me.thread_id(row.number)
        references = tuple(dict.fromkeys((thread, *references)))
        in_reply_to = in_reply_to or thread
    msg = build_message(
        sender=(office.config.office_name, office.config.mailbox.address), to=to, rendered=rendered,
        message_id=message_id, date=now, reply_to=reply_to, in_reply_to=in_reply_to,
        references=references, auto_submitted=auto_submitted, attachments=attachments)
    # The return path of this mail alone (VERP): fixed now, so a resend after a crash uses it
    # too, and a delivery report counts only when it comes back to it (office.recording).
    with office.book.transaction() if awaits else nullcontext():  # never due, not even for a moment, without its PDF
        office.book.outbox.enqueue(message_id=message_id, complaint_id=row.id if row else None, kind=kind,
                            recipients=[addr for _, addr in to], subject=rendered.subject,
                            raw=msg, at=now, bounce_token=bounce)
        if awaits:
            office.book.outbox.hold_for_pdf(message_id, json.dumps(list(awaits), ensure_ascii=False))
    return message_id


def new_tokens(count: int) -> list[str]:
    """`count` tokens as office.base.new_token makes them (24 base-32 characters, 120 bits;
    drawn many at a time there)."""
    return [new_token() for _ in range(count)]


def citizen_reply_to(office: Office, row: Complaint) -> str:
    """The Reply-To of every mail to a complainant: their own reply address, which holds the
    complaint's reply token (made on the first mail, kept after). Only a reply to it, or to a
    mail of ours it threads under, carries their word on the answer (office.arrivals)."""
    token = row.reply_token or office.book.complaints.reply_token(row.id, new_token())
    return office.config.identity.citizen_address(token)


def notify(office: Office, row: Complaint, effect: Notify, now: dt.datetime, actor: Actor | None) -> None:
    """The mail a Notify effect of the engine asks for, to whom it names."""
    cfg = office.config
    context = base_context(office, row, effect.step)
    context["extra"] = effect.extra
    context["now"] = waktu(now, cfg.clock.tz)
    files = MailFiles()
    in_reply_to = reply_to = None
    auto = "auto-generated"
    if effect.to == "complainant":
        if not row.email:  # a complaint by letter or phone, or a sender address no parser could read
            return
        if effect.template == "tanda_terima":
            if _ack_limited(office, row, now):
                return
            # To an address other than the sender's (a Reply-To), nothing the sender wrote
            # is quoted: our acknowledgement is not a way to mail their text to others.
            context["quote_text"] = not row.sender or mailbox_of(row.email) == row.sender
            context["access"] = receipt_facts(office, row)
        to = [(row.name, row.email)]
        auto = "auto-replied" if effect.template == "tanda_terima" else auto
        in_reply_to = row.source_message_id
        reply_to = citizen_reply_to(office, row)
    elif effect.to == "section":
        section = cfg.directory.section(row.section)
        if section is None:
            return
        if row.confidential:  # the section head never sees who complained, nor their words
            context["c"] = complaint_view(office, row, redact=True)
            context["history"] = []
        to = [(section.head, section.email)]
        context["recipient"] = section_recipient(section)
    elif effect.to == "actor":
        assert actor is not None  # the engine says "actor" only for an official's action
        official = office.holder(actor.role, now)
        to = [(official.name, actor.address)]
        context["recipient"] = office.addressee(official)
        in_reply_to = actor.message_id
    else:
        official = office.holder(effect.to, now)
        to = [(official.name, official.email)]
        context["recipient"] = office.addressee(official)
    if effect.template in ("perpanjangan", "sampaikan_perpanjangan"):
        due = due_of(office.book, row)
        context["due"] = waktu(due, cfg.clock.tz) if due else "-"
        context["answer_due"] = tanggal(answer_due(office, row, due).astimezone(cfg.clock.tz)) if due else "-"
    if effect.template == "tanggapan_diterima" and effect.step:  # TIDAK PUAS: the objection step's due time
        task = office.book.tasks.current(row.id)
        context["objection_due"] = tanggal(parse_iso(task.due_at).astimezone(cfg.clock.tz).date()) if task else ""
    if effect.template == "pelimpahan":  # the complainant is in the surat pelimpahan's tembusan
        copy = complainant_copy(office, row)
        if copy is None:  # the letter waits for its number or signature: told with it (office.forwarding)
            return
        files = copy
    if effect.template == "surat_jawaban":
        context["letter_number"] = row.letter_number
        files = citizen_letter_files(office, row)
    queue(office, row, effect.template, to, render_mail(effect.template, **context), now,
          in_reply_to=in_reply_to, reply_to=reply_to, auto_submitted=auto, attachments=files.ready,
          awaits=files.awaits)


def _ack_limited(office: Office, row: Complaint, now: dt.datetime) -> bool:
    """At most a few acknowledgements an hour to one mailbox (whatever sub-address or case
    the sender wrote) and for one sending mailbox, so that two robots never loop and no one
    can aim our acknowledgements at a third person's mailbox."""
    limit = office.config.intake.ack_per_hour
    since = now - dt.timedelta(hours=1)
    sent = office.book.outbox.count_to_mailbox(mailbox_of(row.email), "tanda_terima", since)
    # The complaints from the same sender in the hour before this one (counted at recording).
    known, caused = office.recent_from_sender
    if known != row.id:
        caused = office.book.complaints.count_from(row.sender, since) - 1 if row.sender else 0
    if sent < limit and caused < limit:
        return False
    why = (f"sudah {sent} tanda terima ke {mailbox_of(row.email)}" if sent >= limit
           else f"sudah {caused} pengaduan dari {row.sender}")
    office.book.events.add(row.id, now, 1, SYSTEM, "catatan", f"Tanda terima tidak dikirim: {why} dalam satu jam terakhir.")
    log.warning("tanda terima ke %s ditahan (batas %d per jam)", row.email, limit)
    return True


def assign_task(office: Office, row: Complaint, step_no: int, now: dt.datetime, note: str = "") -> None:
    """A new task for the step's holder, and its routing email to them."""
    cfg = office.config
    step = cfg.procedure.step(step_no)
    official = office.holder(step.role, now)
    token = new_token()
    message_id = cfg.identity.task_message_id(token)
    due = cfg.clock.add(now, step.time)
    first_nudge = next_nudge_at(opened=now, due=due, reminders=0, escalations=0, last_at=None, clock=cfg.clock, policy=cfg.nudges)
    task = office.book.tasks.add(complaint_id=row.id, step=step_no, role=step.role, official=official.email,
                               token=token, message_id=message_id, opened_at=now, due_at=due,
                               next_nudge_at=first_nudge, note=note)
    send_routing(office, row, task, official, now, message_id=message_id)


def send_routing(office: Office, row: Complaint, task: Task, official: Official, now: dt.datetime, *,
                 message_id: str | None = None) -> None:
    """The routing email of `task` to `official`; resent to a delegate with a new Message-ID."""
    cfg = office.config
    if keeper_routing(office, row, task, official, now, message_id):  # the agenda keeper's own (office.numbering)
        return
    step = cfg.procedure.step(task.step)
    context = base_context(office, row, step.no)
    context["step"]["due"] = waktu(parse_iso(task.due_at), cfg.clock.tz)
    context["recipient"] = office.addressee(official)
    context["returned"] = task.note
    context["objection"] = objection_view(office, row, step.no, task.note)
    if context["objection"]:
        context["returned"] = ""  # an objection is the complainant's, not a step sent back
    context["rejection_letter"] = row.letter_number if task.note == REJECTION_DELIVERY else ""
    if context["rejection_letter"]:
        context["returned"] = ""  # a note for the deliverer, not a step sent back
    context["delegation"] = official.delegation
    attachments: tuple[Attachment, ...] = ()
    awaits: tuple[dict, ...] = ()
    context["attachment_note"] = ""
    context["konsep"] = context["konsep_writer"] = ""
    if step.attach_letter and row.letter_path:  # the letter, and how it is signed (office.signing)
        attachments, context["attachment_note"], context["signing"] = delivery_files(office, row, now)
    if {"draft_letter", "issue_letter"} & set(step.on_done) and not step.approval:
        # The writer of the answer gets the disposition sheet: every instruction so far, printable.
        attachments += (Attachment(filename=f"lembar-disposisi-{safe_name(row.number)}.docx",
                                   data=disposition_sheet(office, row)),)
        context["attachment_note"] = "Terlampir: lembar disposisi pengaduan ini."
    if step.approval and row.draft:
        attachments, awaits = (konsep := konsep_files(office, row, now)).ready, konsep.awaits
        context["attachment_note"] = "Terlampir: konsep surat jawaban (belum bernomor dan belum ditandatangani)."
        context["konsep"] = row.draft
        writer = cfg.procedure.previous_step(step.no)
        context["konsep_writer"] = cfg.directory.official(writer.role).title
        context["attachment_note"] += sapaan_warning(row)
    context["proposal"] = proposal_of(office, row, step.no)
    context["paused"] = row.pause_reason if row.paused_at else ""
    context["repeats"] = [e.text for e in office.book.events.of(row.id) if e.kind == "kemungkinan_berulang"]
    local, _, domain = cfg.mailbox.address.partition("@")
    message_id = message_id or cfg.identity.task_message_id(task.token, new_token())
    # Threaded by the complaint's reference (Office.queue), never by earlier tasks' IDs.
    queue(office, row, "tugas", [(official.name, official.email)], render_mail("tugas", **context), now,
               message_id=message_id, reply_to=f"{local}+{task.token}@{domain}",
               attachments=attachments, awaits=awaits)


def sapaan_warning(row: Complaint) -> str:
    """The approver is warned when the konsep calls the complainant "Bapak"/"Ibu" while the
    letter, with no `Sapaan:` given, says "Saudara" (a mixed letter: "Yth. Sdr. … Bapak …")."""
    if row.sapaan:
        return ""
    used = next((w for w in ("Bapak", "Ibu") if re.search(rf"\b{w}\b", row.draft or "")), None)
    if not used:
        return ""
    you = SALUTATIONS[DEFAULT_SALUTATION]
    return (f"\nPerhatian: konsep memakai '{used}' tetapi sapaan surat '{you}' (belum ada baris \"Sapaan:\" "
            f"pada langkah sebelumnya). Bila perlu, kembalikan dengan \"Perbaiki:\" agar sapaannya diseragamkan.")


def reroute(office: Office, role: str, now: dt.datetime) -> int:
    """Send the open tasks of `role` to whoever holds it now (after a delegation starts)."""
    official = office.holder(role, now)
    count = 0
    for task in office.book.tasks.open_of_role(role):
        if task.official == official.email:
            continue
        row = office.book.complaints.get(task.complaint_id)
        send_routing(office, row, task, official, now)
        office.book.tasks.set_official(task.id, official.email)
        label = office.config.procedure.label(task.step)
        office.book.events.add(row.id, now, task.step, SYSTEM, "dialihkan",
                            f"Tugas langkah {label} dialihkan kepada {official.delegation or official.title} "
                            f"{official.name}.")
        count += 1
    return count


# Staff alerts and their digest -------------------------------------------------------------
HOUR = dt.timedelta(hours=1)


def alert_staff(office: Office, row: Complaint | None, template: str, now: dt.datetime, **extra) -> None:
    """Tell staff of something that needs a person. One alert of a kind an hour goes out at
    once; the others of that hour wait for one digest (a flood of forged delivery reports or
    failing messages must not become a flood of mail to staff)."""
    staff = office.staff
    context = base_context(office, row, None)
    context["recipient"] = office.addressee(staff)
    context.update(extra)
    rendered = render_mail(template, **context)
    if _alerted_within_hour(office, staff.email, template, now):
        office.book.digest.add(template, row.id if row else None, rendered.subject, now)
        return
    queue(office, row, template, [(staff.name, staff.email)], rendered, now)


def _alerted_within_hour(office: Office, staff: str, template: str, now: dt.datetime) -> bool:
    since = now - HOUR
    return bool(office.book.outbox.count_to(staff, template, since) or
                office.book.outbox.count_to(staff, f"ringkasan_{template}", since))


def send_digests(office: Office, now: dt.datetime) -> int:
    """The hourly digest of each kind of staff alert held back, and of each complaint's
    additions held back from the official who holds it; returns how many went out."""
    pending = office.book.digest.pending()
    if not pending:
        return 0
    cfg = office.config
    staff = office.staff
    sent = 0
    with office.book.transaction():
        sent += _send_addition_digests(office, [p for p in pending if p["kind"] == ADDITION], now)
        pending = [p for p in pending if p["kind"] != ADDITION]
        for kind in dict.fromkeys(p["kind"] for p in pending):
            if _alerted_within_hour(office, staff.email, kind, now):
                continue
            items = [p for p in pending if p["kind"] == kind]
            context = base_context(office, None, None)
            context["recipient"] = office.addressee(staff)
            context["items"] = [{"at": waktu(parse_iso(p["at"]), cfg.clock.tz), "text": p["text"]} for p in items]
            queue(office, None, f"ringkasan_{kind}", [(staff.name, staff.email)],
                  render_mail("ringkasan_peringatan", **context), now)
            office.book.digest.mark_sent([p["id"] for p in items], now)
            sent += 1
    return sent


def _send_addition_digests(office: Office, pending: list[dict], now: dt.datetime) -> int:
    """One digest per complaint of the additions held back, to whoever holds its open task now,
    an hour after the last mail about them; threaded by the complaint, so no token travels.
    When nothing waits any more the additions stay in the history only."""
    sent = 0
    for complaint_id in dict.fromkeys(p["complaint_id"] for p in pending):
        items = [p for p in pending if p["complaint_id"] == complaint_id]
        row = office.book.complaints.get(complaint_id)
        task = office.book.tasks.current(complaint_id) if row.state == "open" else None
        if task is not None:
            holder = office.holder(task.role, now)
            if office.book.outbox.count_about(complaint_id, mailbox_of(holder.email), _addition_kinds(office, task),
                                            now - HOUR):
                continue
            context = base_context(office, row, task.step)
            context["recipient"] = office.addressee(holder)
            context["items"] = [{"at": waktu(parse_iso(p["at"]), office.config.clock.tz), "text": p["text"]}
                                for p in items]
            queue(office, row, f"ringkasan_{ADDITION}", [(holder.name, holder.email)],
                  render_mail("ringkasan_tambahan", **context), now)
            sent += 1
        office.book.digest.mark_sent([p["id"] for p in items], now)
    return sent


# Warnings to officials -----------------------------------------------------------------------
WARNINGS_PER_HOUR = 3


def warn_official(office: Office, row: Complaint, task: Duty, msg: Incoming, why: str, now: dt.datetime) -> None:
    """Tell the real official that someone tried to act on their task (a few times an hour at most)."""
    official = office.holder(task.role, now)
    if office.book.outbox.count_to(official.email, "upaya_tidak_sah", now - dt.timedelta(hours=1)) >= WARNINGS_PER_HOUR:
        return
    context = base_context(office, row, task.step)
    context.update(recipient=office.addressee(official), sender=msg.from_addr or "(tanpa alamat)",
                   subject=msg.subject, why=why)
    queue(office, row, "upaya_tidak_sah", [(official.name, official.email)],
          render_mail("upaya_tidak_sah", **context), now)


# Additions and notes ----------------------------------------------------------------------
ADDITION = "tambahan_pengadu"
ADDITION_MAILS = (ADDITION, f"ringkasan_{ADDITION}")


def _addition_kinds(office: Office, task: Task) -> tuple[str, ...]:
    """The mails about a complaint after which, for an hour, its additions wait for a digest."""
    objection = office.config.procedure.objection_step
    return ADDITION_MAILS + (("tugas",) if objection is not None and task.step == objection.no else ())


def tell_holder_of_addition(office: Office, row: Complaint, task: Task, text: str, files: int, now: dt.datetime) -> None:
    """The official who holds the open task hears of the citizen's addition (a delegate too):
    at most one mail an hour about one complaint; the others of that hour wait for one digest
    (office.notices.send_digests), so that a complainant, or someone writing in their name,
    cannot fill an official's mailbox. During an objection its routing email, which quotes the
    objection, counts as that hour's mail."""
    official = office.holder(task.role, now)
    if office.book.outbox.count_about(row.id, mailbox_of(official.email), _addition_kinds(office, task), now - HOUR):
        files_note = f" ({files} lampiran)" if files else ""
        office.book.digest.add(ADDITION, row.id, text[:2000] + files_note, now)
        return
    context = base_context(office, row, task.step)
    context.update(recipient=office.addressee(official), addition=text, attachment_count=files)
    queue(office, row, "tambahan_pengadu", [(official.name, official.email)],
          render_mail("tambahan_pengadu", **context), now, in_reply_to=task.message_id)


def pass_on_note(office: Office, row: Complaint, task: Task | None, author: Official, address: str, text: str,
                 now: dt.datetime) -> None:
    """An official's note (a reply to a notice, not to a routing email) reaches the holder of
    the open task, and the author hears plainly that a note does not act on a step."""
    holder = office.holder(task.role, now) if task else None
    context = base_context(office, row, task.step if task else None)
    context.update(note=text, author=office.addressee(author), holder=office.addressee(holder) if holder else None)
    if task and holder and holder.email not in (address, *office.config.directory.official(task.role).aliases):
        context["recipient"] = office.addressee(holder)
        queue(office, row, "catatan_pejabat", [(holder.name, holder.email)],
              render_mail("catatan_pejabat", **context), now)
    context["recipient"] = office.addressee(author)
    queue(office, row, "catatan_diterima", [(author.name, address)], render_mail("catatan_diterima", **context), now)


# Reminders and escalations -----------------------------------------------------------------
def remind(office: Office, row: Complaint, task: Task, due: dt.datetime, now: dt.datetime) -> None:
    """The reminder before a step's due time, to the task's holder (who may see its token)."""
    holder = office.holder(task.role, now)
    context = base_context(office, row, task.step)
    context["step"]["due"] = waktu(due, office.config.clock.tz)
    context.update(holder=office.addressee(holder), recipient=office.addressee(holder))
    queue(office, row, "pengingat", [(holder.name, holder.email)], render_mail("pengingat", **context), now,
          in_reply_to=task.message_id)


def escalate(office: Office, row: Complaint, task: Task, roles: list[str], due: dt.datetime, now: dt.datetime) -> None:
    """The late notice to the superiors and staff: threaded by the complaint, never by the
    task, whose Message-ID holds the token."""
    holder = office.holder(task.role, now)
    context = base_context(office, row, task.step)
    context["step"]["due"] = waktu(due, office.config.clock.tz)
    context["holder"] = office.addressee(holder)
    for role in roles:
        boss = office.holder(role, now)
        context["recipient"] = office.addressee(boss)
        queue(office, row, "terlambat", [(boss.name, boss.email)], render_mail("terlambat", **context), now)


