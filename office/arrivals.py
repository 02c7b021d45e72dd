"""What the office does with one message: parse -> skip if known -> keep raw -> classify -> book.

Stages, in order (the mailbox side, fetching and moving, is jobs/incoming.py):
  1. parse            intake.parse.parse_message (pure), or already done by the parse worker (jobs.parse_ahead)
  2. skip if known    the book's message key (hash of Message-ID, else of the bytes)
  3. keep raw         files/raw/<year>/<key>.eml, before anything acts on it
  4. classify         intake.classify.classify (pure, an ordered table of rules)
  5. apply            HANDLERS[kind], inside one savepoint with the message's book entry

A message that fails is counted; after `[intake] quarantine_after` tries it is quarantined
with its error in the book (`quarantine`), and the caller goes on with the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import Callable

from intake.classify import Classification, classify
from intake.envelope import delivered_to
from intake.parse import Incoming, message_key, parse_message
from intake.parse_ahead import Prepared, discard_staged
from intake.reply import read_reply
from intake.routing_lines import drop_routing_lines
from intake.settings import IntakeSettings
from office.agenda import keeper_step_refusal, take_keeper_reply
from office.apply import act
from office.authority import sender_refusal
from office.base import Actor, Office
from office.followups import handle_followup, new_complaint
from office.handled import Handled, unmatched
from office.notices import alert_staff, warn_official
from office.proposals import answer_by_mail
from office.recording import from_forward, record_bounce, record_complaint, remember_place
from office.routing_mail import routing_text
from office.sections import take_report
from office.signed_copies import take_delivery_reply
from office.signing import NotSigned
from office.tte import take_signer_reply
from sop.book.records import Letter, Task
from sop.engine import Reply
from sop.files import place_private, write_private

log = logging.getLogger(__name__)

QUARANTINE_FOLDER = "Karantina"
# Failures of our own storage, which say nothing about the message being processed.
INFRASTRUCTURE = (sqlite3.OperationalError, OSError)


# Handlers: each runs inside the message's transaction -------------------------------------
def handle_own(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """Our own mail come back (a copy, a loop): kept, nothing done."""
    return Handled("own", note=cls.reason)


def handle_auto(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """An auto-reply, a list or bulk mail, or a report no mail system wrote: kept, never acted on."""
    log.info("pesan otomatis dari %s disimpan tanpa tindakan (%s)", msg.from_addr, cls.reason)
    return Handled("auto", note=cls.reason)


def handle_bounce(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """A delivery report from a mail system: linked to the mail of ours it returns, staff told,
    when it came back to that mail's own return path (VERP), as our server recorded the
    recipient in the raw copy; any other is kept as an automatic message, nobody told."""
    found = record_bounce(office, msg, _delivered_to(office, msg, now), now)
    if found is None:
        log.info("laporan pengiriman dari %s diabaikan: tidak kembali ke alamat pengembalian surel yang "
                 "dilaporkannya", msg.from_addr or "sistem surel")
        return Handled("auto", note=f"{cls.reason}; tidak kembali ke alamat pengembalian surel yang dilaporkannya "
                                    "(VERP); diabaikan")
    complaint_id, note = found
    log.warning("laporan gagal kirim dari %s: %s (%s)", msg.from_addr, msg.subject, note)
    return Handled("bounce", complaint_id, f"{cls.reason}; {note}")


def _delivered_to(office: Office, msg: Incoming, now) -> str | None:
    """The recipient our server delivered the message to (its topmost Delivered-To), read from
    the raw copy kept before any handler runs (the parsed message holds no envelope)."""
    try:
        with _raw_path(office, msg.key, now).open("rb") as raw:
            return delivered_to(raw.read(65536))
    except OSError:
        return None


def handle_complaint(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """A new complaint by email: recorded and step 1 finished (or held, in a burst)."""
    return new_complaint(office, msg, now)


def handle_forward(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """A complaint staff forwarded: recorded as the original sender's."""
    row = record_complaint(office, from_forward(msg), now)
    log.info("pengaduan %s dicatat dari %s (diteruskan oleh %s)", row.number, row.email, msg.from_addr)
    return Handled("complaint", row.id, f"diteruskan oleh {msg.from_addr}; dicatat sebagai {row.number}")


def _find_task(office: Office, cls: Classification) -> Task | None:
    """The task a reply answers: the token of its reply address, else of our Message-ID it cites."""
    if cls.token:
        return office.book.tasks.by_token(cls.token)
    for ref in cls.refs:
        token = office.config.identity.task_token(ref)
        task = office.book.tasks.by_token(token) if token else None
        if task:
            return task
    return None


def _find_section_request(office: Office, cls: Classification) -> dict | None:
    tokens = [cls.token] if cls.token else [office.config.identity.task_token(r) for r in cls.refs]
    return next((r for t in tokens if t and (r := office.book.tasks.section_request_by_token(t))), None)


def _find_proposal(office: Office, cls: Classification) -> dict | None:
    tokens = [cls.token] if cls.token else [office.config.identity.task_token(r) for r in cls.refs]
    return next((p for t in tokens if t and (p := office.book.proposals.by_token(t))), None)


def _find_number_request(office: Office, cls: Classification) -> dict | None:
    tokens = [cls.token] if cls.token else [office.config.identity.task_token(r) for r in cls.refs]
    return next((r for t in tokens if t and (r := office.book.numbers.request_by_token(t))), None)


def handle_action(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    """An official's reply to a routing email: the step's action, when the right person sent it."""
    book = office.book
    cfg = office.config
    task = _find_task(office, cls)
    if task is None:
        asked = _find_number_request(office, cls)
        if asked is not None:  # the agenda keeper's number for a waiting letter (office.agenda)
            note = take_keeper_reply(office, asked, msg, now)
            return Handled("action" if note.startswith("nomor surat ") else "unmatched", asked["complaint_id"], note)
        proposal = _find_proposal(office, cls)
        if proposal is not None:  # `Benar` or `Bukan` to an action staff recorded for the official
            acted, note = _answer_proposal(office, proposal, msg, now)
            return Handled("action", proposal["complaint_id"], note) if acted else \
                unmatched(msg, proposal["complaint_id"], note)
        request = _find_section_request(office, cls)
        if request is not None:  # a section head's report (`Seksi: …; minta laporan`)
            note = take_report(office, request, msg, read_reply(msg.text, msg.html).text or msg.text, now)
            if note.startswith("laporan "):
                return Handled("note", request["complaint_id"], note)
            return unmatched(msg, request["complaint_id"], note)
        if (signed := _signer_reply(office, msg, cls, now)) is not None:  # the TTE-signed PDF (office.tte)
            return signed
        return unmatched(msg, None, "token atau rujukan tidak cocok dengan tugas mana pun")
    row = book.complaints.get(task.complaint_id)
    shown = cfg.procedure.label(task.step)  # the step as the office writes it (4a), for people
    if task.done_at:
        if office.may_act(task.role, msg.from_addr, now):  # a second answer or a late correction:
            # the official should know it was not taken
            warn_official(office, row, task, msg, "tugas ini sudah selesai; balasan tidak diproses", now)
        return unmatched(msg, row.id, f"tugas langkah {shown} {row.number} sudah selesai")
    if refused := sender_refusal(office, row, task, msg, now,
                                 holder=f"pejabat tugas langkah {shown} {row.number}"):
        return unmatched(msg, row.id, refused)
    if row.state != "open" or row.step != task.step:
        return unmatched(msg, row.id, f"{row.number} tidak sedang menunggu langkah {shown}")
    read = read_reply(msg.text, msg.html)  # the action is the answer: no quotation, no closing
    answer = drop_routing_lines(read.answer, routing_text(office, task))  # quoted text never acts
    if cfg.procedure.step(task.step).numbers:  # the keeper's number is checked before it acts
        why = keeper_step_refusal(office, row, answer, now)
        if why:
            return Handled("action", row.id, f"nomor surat ditolak: {why}")
    event = Reply(task.step, msg.from_addr, answer, left_out=read.left_out(answer))
    if refused := take_delivery_reply(office, row, task, msg, event, now):  # the scan of a wet-signed letter
        return Handled("action", row.id, refused)
    _, outcome = act(office, row, event, now,
                     actor=Actor.of(task, msg.from_addr), files=msg.attachments, message_key=msg.key)
    if not outcome.acted:
        log.info("balasan kosong untuk %s langkah %s dari %s", row.number, shown, msg.from_addr)
        return Handled("action", row.id, "balasan tanpa isi; pejabat diminta menulis ulang")
    log.info("%s: langkah %s diselesaikan oleh %s", row.number, shown, msg.from_addr)
    return Handled("action", row.id, f"langkah {shown} selesai")


def _answer_proposal(office: Office, proposal: dict, msg: Incoming, now) -> tuple[bool, str]:
    try:
        with office.book.transaction():  # a savepoint: a refused delivery undoes only itself
            return answer_by_mail(office, proposal, msg, now)
    except NotSigned as exc:  # `Benar` to a delivery before the letter's signed copy is back
        return False, str(exc)


def _signer_reply(office: Office, msg: Incoming, cls: Classification, now) -> Handled | None:
    """The signer's reply to the mail asking for a TTE signature, or None when it is not one."""
    letter = _find_signing_request(office, cls)
    if letter is None:
        return None
    return Handled("action", letter.complaint_id, take_signer_reply(office, letter, msg, now))


def _find_signing_request(office: Office, cls: Classification) -> Letter | None:
    """The letter whose TTE request a reply answers (its token, as a task's)."""
    tokens = [cls.token] if cls.token else [office.config.identity.task_token(r) for r in cls.refs]
    return next((letter for t in tokens if t and (letter := office.book.letters.by_sign_token(t))), None)


HANDLERS: dict[str, Callable[..., Handled]] = {
    "own": handle_own,
    "auto": handle_auto,
    "bounce": handle_bounce,
    "action": handle_action,
    "followup": handle_followup,
    "forward": handle_forward,
    "complaint": handle_complaint,
}


# The path -----------------------------------------------------------------------------------
def process_raw(office: Office, raw: bytes, now: dt.datetime, *, prepared: "Prepared | None" = None) -> Handled:
    """Run one message through the stages; idempotent by message key.

    `prepared`: the message already parsed, and its raw copy staged, by the parse-ahead worker.
    """
    msg = prepared.msg if prepared else parse_message(raw)
    if office.book.messages.has(msg.key):
        discard_staged(prepared)
        return Handled("duplicate", note="sudah tercatat")
    raw_path = _raw_path(office, msg.key, now)
    staged_files: list[str] = []
    if prepared:  # the copy is on disk already: it is only given its name
        place_private(prepared.staged, raw_path)
        if prepared.place:
            remember_place(*prepared.place)
        staged_files = [a.staged for a in msg.attachments if a.staged]
    else:
        write_private(raw_path, raw)
    cls = classify(msg, office.config.identity)
    try:
        with office.book.transaction():
            handled = HANDLERS[cls.kind](office, msg, cls, now)
            office.book.messages.record(
                msg.key, received_at=now, message_id=msg.message_id, sender=msg.from_addr,
                subject=msg.subject, kind=handled.kind, complaint_id=handled.complaint_id,
                raw_path=str(raw_path), raw_sha256=msg.raw_sha256, note=handled.note)
    finally:
        for path in staged_files:  # files not kept; those kept have been renamed already
            Path(path).unlink(missing_ok=True)
    return handled


def _raw_path(office: Office, key: str, now: dt.datetime) -> Path:
    return office.config.files / "raw" / str(now.astimezone(office.config.clock.tz).year) / f"{key}.eml"


def quarantine(office: Office, raw: bytes, error: str, now: dt.datetime) -> bool:
    """Count a failure; True when the message has failed often enough to be set aside."""
    key = message_key(None, raw)
    try:
        msg = parse_message(raw)
        key = msg.key
        sender, subject = msg.from_addr, msg.subject
    except Exception:
        sender, subject = "", ""
    with office.book.transaction():
        attempts = office.book.messages.record_failure(key, error, now)
        if attempts < office.config.intake.quarantine_after:
            return False
        if not office.book.messages.has(key):
            raw_path = _raw_path(office, key, now)  # kept, so that staff can read it and act at the desk
            write_private(raw_path, raw)
            office.book.messages.record(key, received_at=now, message_id=None, sender=sender, subject=subject,
                                       kind="quarantine", note=f"gagal {attempts}x: {error}", raw_path=str(raw_path))
            alert_staff(office, None, "karantina", now, sender=sender or "(tidak terbaca)",
                        subject=subject or "(tanpa subjek)", error=error, folder=QUARANTINE_FOLDER)
    log.error("pesan %s dikarantina setelah %d percobaan: %s", key[:12], attempts, error)
    return True


def record_old(office: Office, raw: bytes, now: dt.datetime) -> Handled:
    """A message from before the first run's --since date: kept in the book, nothing sent."""
    msg = parse_message(raw)
    if office.book.messages.has(msg.key):
        return Handled("duplicate")
    raw_path = _raw_path(office, msg.key, now)
    write_private(raw_path, raw)
    with office.book.transaction():
        office.book.messages.record(msg.key, received_at=now, message_id=msg.message_id, sender=msg.from_addr,
                                   subject=msg.subject, kind="old", raw_path=str(raw_path),
                                   raw_sha256=msg.raw_sha256, note="diimpor tanpa tindakan (sebelum --since)")
    return Handled("old")


def staging_folder(office: Office) -> Path:
    """Where the parse-ahead worker stages raw copies and files before they are recorded."""
    return office.config.files / "raw" / ".staging"


def staging_of(office: Office) -> tuple[str, IntakeSettings]:
    """What the parse worker (office.staging.prepare_all) is given with each batch: the staging
    folder and the limits on what is kept (the worker has no office of its own)."""
    return str(staging_folder(office)), office.config.intake
