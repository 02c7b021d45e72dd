"""The one path of an incoming message: mailbox -> parse -> keep raw -> classify -> book.

Stages, in order:
  1. parse            intake.parse.parse_message (pure)
  2. skip if known    the book's message key (hash of Message-ID, else of the bytes)
  3. keep raw         files/raw/<year>/<key>.eml, before anything acts on it
  4. classify         intake.classify.classify (pure, an ordered table of rules)
  5. apply            HANDLERS[kind], inside one transaction with the message's book entry
  6. move             only after the commit: INBOX -> processed folder

A message that fails is counted; after `[intake] quarantine_after` tries it is quarantined with its error in
the book, and the loop goes on with the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass
from typing import Callable

from intake.classify import Classification, classify
from intake.mailbox import Mailbox
from intake.parse import Incoming, message_key, parse_message
from intake.reply import extract_reply
from jobs.recording import (add_followup, alert_staff, from_email, from_forward, record_bounce,
                            record_complaint, store_attachments)
from jobs.workflow import Office, recipient
from letters.mail import render_mail
from intake.authresults import authenticated
from sop.book import private_dir
from sop.engine import Reply, advance

log = logging.getLogger(__name__)

QUARANTINE_FOLDER = "Karantina"
# Failures of our own storage, which say nothing about the message being processed.
INFRASTRUCTURE = (sqlite3.OperationalError, OSError)


@dataclass(frozen=True)
class Handled:
    kind: str  # what the book records: complaint, action, followup, unmatched, auto, bounce, own
    complaint_id: int | None = None
    note: str = ""


# Handlers: each runs inside the message's transaction -------------------------------------
def handle_own(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    return Handled("own", note=cls.reason)


def handle_auto(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    log.info("pesan otomatis dari %s disimpan tanpa tindakan (%s)", msg.from_addr, cls.reason)
    return Handled("auto", note=cls.reason)


def handle_bounce(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    complaint_id = record_bounce(office, msg, now)
    log.warning("laporan gagal kirim dari %s: %s", msg.from_addr, msg.subject)
    return Handled("bounce", complaint_id, cls.reason)


def handle_complaint(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    row = record_complaint(office, from_email(msg, office.config.mailbox.address), now)
    log.info("pengaduan %s dicatat dari %s", row["number"], msg.from_addr)
    return Handled("complaint", row["id"], f"dicatat sebagai {row['number']}")


def handle_forward(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    row = record_complaint(office, from_forward(msg), now)
    log.info("pengaduan %s dicatat dari %s (diteruskan oleh %s)", row["number"], msg.forwarded.address,
             msg.from_addr)
    return Handled("complaint", row["id"], f"diteruskan oleh {msg.from_addr}; dicatat sebagai {row['number']}")


TASK_ID = re.compile(r"<tugas\.([a-z0-9]{8,64})\.", re.IGNORECASE)


def _find_task(office: Office, cls: Classification) -> dict | None:
    """The task a reply answers: the token of its reply address, else of our Message-ID it cites."""
    if cls.token:
        return office.book.task_by_token(cls.token)
    for ref in cls.refs:
        m = TASK_ID.match(ref)
        task = office.book.task_by_token(m.group(1).lower()) if m else None
        if task:
            return task
    return None


def handle_action(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    book = office.book
    cfg = office.config
    task = _find_task(office, cls)
    if task is None:
        return _unmatched(msg, None, "token atau rujukan tidak cocok dengan tugas mana pun")
    row = book.complaint_by_id(task["complaint_id"])
    legit = office.may_act(task["role"], msg.from_addr, now)
    if task["done_at"]:
        if legit:  # a second answer or a late correction: the official should know it was not taken
            warn_official(office, row, task, msg, "tugas ini sudah selesai; balasan tidak diproses", now)
        return _unmatched(msg, row["id"], f"tugas langkah {task['step']} {row['number']} sudah selesai")
    if not legit:
        warn_official(office, row, task, msg, "pengirim bukan pejabat yang berwenang", now)
        return _unmatched(msg, row["id"], f"pengirim {msg.from_addr} bukan pejabat tugas langkah "
                                          f"{task['step']} {row['number']}")
    sec = cfg.security
    if sec.require_authentication and not authenticated(msg.auth_results, sec.authserv_id, msg.from_addr):
        warn_official(office, row, task, msg, "tanda keaslian surel (DKIM/DMARC) tidak lulus", now)
        return _unmatched(msg, row["id"], f"surel dari {msg.from_addr} tanpa DKIM/DMARC pass dari "
                                          f"{sec.authserv_id}")
    if row["state"] != "open" or row["step"] != task["step"]:
        return _unmatched(msg, row["id"], f"{row['number']} tidak sedang menunggu langkah {task['step']}")
    text = extract_reply(msg.text)
    if msg.attachments and "issue_letter" in cfg.procedure.step(task["step"]).on_done and text:
        # Files sent with the answer are the letter's enclosures (lampiran).
        office.book.supersede_enclosures(row["id"])
        store_attachments(office, row["id"], msg.key, msg.attachments, now, purpose="lampiran_surat")
    outcome = advance(office.case(row), Reply(task["step"], msg.from_addr, text), now,
                      cfg.procedure, cfg.directory.section_names, cfg.clock.tz)
    office.apply(row, outcome, now, actor_task={**task, "acted_by": msg.from_addr})
    if not outcome.acted:
        log.info("balasan kosong untuk %s langkah %s dari %s", row["number"], task["step"], msg.from_addr)
        return Handled("action", row["id"], "balasan tanpa isi; pejabat diminta menulis ulang")
    log.info("%s: langkah %s diselesaikan oleh %s", row["number"], task["step"], msg.from_addr)
    return Handled("action", row["id"], f"langkah {task['step']} selesai")


WARNINGS_PER_HOUR = 3


def warn_official(office: Office, row: dict, task: dict, msg: Incoming, why: str, now: dt.datetime) -> None:
    """Tell the real official that someone tried to act on their task (a few times an hour at most)."""
    official = office.holder(task["role"], now)
    if office.book.count_mail_to(official.email, "upaya_tidak_sah", now - dt.timedelta(hours=1)) >= WARNINGS_PER_HOUR:
        return
    context = office.base_context(row, task["step"])
    context.update(recipient=recipient(official), sender=msg.from_addr or "(tanpa alamat)",
                   subject=msg.subject, why=why)
    office.queue(row, "upaya_tidak_sah", [(official.name, official.email)],
                 render_mail("upaya_tidak_sah", **context), now)


def handle_followup(office: Office, msg: Incoming, cls: Classification, now) -> Handled:
    book = office.book
    row = None
    sent = book.outbox_by_message_ids(cls.refs)
    if sent and sent["complaint_id"]:
        row = book.complaint_by_id(sent["complaint_id"])
    if row is None:
        m = office.config.identity.register_pattern.search(msg.subject)
        row = book.complaint(m.group(0)) if m else None
        if row is None or row["email"] != msg.from_addr:
            # A number in the subject alone from someone else is a new complaint, not theirs.
            return handle_complaint(office, msg, cls, now)
    if row["email"] != msg.from_addr:
        return _unmatched(msg, row["id"], f"balasan dari {msg.from_addr}, bukan pengadu {row['number']}")
    add_followup(office, row, msg, extract_reply(msg.text) or msg.text, now)
    log.info("%s: keterangan tambahan dari pengadu dicatat", row["number"])
    return Handled("followup", row["id"], "keterangan tambahan dari pengadu")


def _unmatched(msg: Incoming, complaint_id: int | None, reason: str) -> Handled:
    log.warning("pesan dari %s tidak diproses: %s (subjek: %s)", msg.from_addr, reason, msg.subject)
    return Handled("unmatched", complaint_id, reason)


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
def process_raw(office: Office, raw: bytes, now: dt.datetime) -> Handled:
    """Run one message through the stages; idempotent by message key."""
    msg = parse_message(raw)
    if office.book.has_message(msg.key):
        return Handled("duplicate", note="sudah tercatat")
    raw_path = _keep_raw(office, msg.key, raw, now)
    cls = classify(msg, office.config.identity)
    with office.book.transaction():
        handled = HANDLERS[cls.kind](office, msg, cls, now)
        office.book.record_message(
            msg.key, received_at=now, message_id=msg.message_id, sender=msg.from_addr,
            subject=msg.subject, kind=handled.kind, complaint_id=handled.complaint_id,
            raw_path=str(raw_path), raw_sha256=msg.raw_sha256, note=handled.note)
    return handled


def _keep_raw(office: Office, key: str, raw: bytes, now: dt.datetime):
    path = office.config.files / "raw" / str(now.astimezone(office.config.clock.tz).year) / f"{key}.eml"
    private_dir(path.parent)
    path.write_bytes(raw)
    return path


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
        attempts = office.book.record_failure(key, error, now)
        if attempts < office.config.intake.quarantine_after:
            return False
        if not office.book.has_message(key):
            office.book.record_message(key, received_at=now, message_id=None, sender=sender, subject=subject,
                                       kind="quarantine", note=f"gagal {attempts}x: {error}")
            alert_staff(office, None, "karantina", now, sender=sender or "(tidak terbaca)",
                        subject=subject or "(tanpa subjek)", error=error, folder=QUARANTINE_FOLDER)
    log.error("pesan %s dikarantina setelah %d percobaan: %s", key[:12], attempts, error)
    return True


def record_old(office: Office, raw: bytes, now: dt.datetime) -> Handled:
    """A message from before the first run's --since date: kept in the book, nothing sent."""
    msg = parse_message(raw)
    if office.book.has_message(msg.key):
        return Handled("duplicate")
    raw_path = _keep_raw(office, msg.key, raw, now)
    with office.book.transaction():
        office.book.record_message(msg.key, received_at=now, message_id=msg.message_id, sender=msg.from_addr,
                                   subject=msg.subject, kind="old", raw_path=str(raw_path),
                                   raw_sha256=msg.raw_sha256, note="diimpor tanpa tindakan (sebelum --since)")
    return Handled("old")


def poll(office: Office, now: Callable[[], dt.datetime], *, since: dt.date | None = None,
         progress: Callable[[int], Callable[[], None]] | None = None,
         stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Fetch what waits in the mailbox, process each message, move what the book holds.

    `since`: on the first run, messages older than this date are imported as old (kept,
    never acknowledged or routed). `progress(total)` returns a callback ticked per message.
    """
    counts: dict[str, int] = {}
    settings = office.config.mailbox
    with Mailbox(settings) as box:
        validity = box.uidvalidity()
        cursor = office.book.cursor(settings.folder)
        if cursor and cursor["uidvalidity"] != validity:
            log.warning("UIDVALIDITY %s berubah dari %s ke %s: kotak surat dipindai ulang; "
                        "pesan yang sudah tercatat tidak dicatat dua kali",
                        settings.folder, cursor["uidvalidity"], validity)
        old = set(box.pending_uids(before=since)) if since and cursor is None else set()
        uids = box.pending_uids()
        tick = progress(len(uids)) if progress and uids else (lambda: None)
        done: list[str] = []
        held: list[str] = []
        last_uid = cursor["last_uid"] if cursor and cursor["uidvalidity"] == validity else 0
        for uid, raw in box.fetch(uids):
            if stop():  # SIGTERM: finish between messages; the rest waits in the INBOX
                break
            try:
                handled = (record_old if uid in old else process_raw)(office, raw, now())
            except INFRASTRUCTURE:
                # The book is locked or the disk is full: not this message's fault. Stop the cycle
                # without counting a failure; everything not yet committed waits in the INBOX.
                box.mark_processed(done)
                raise
            except Exception as exc:  # one bad message never stops the others
                log.exception("gagal memproses pesan UID %s", uid)
                if quarantine(office, raw, f"{type(exc).__name__}: {exc}", now()):
                    held.append(uid)
                tick()
                continue
            counts[handled.kind] = counts.get(handled.kind, 0) + 1
            done.append(uid)
            last_uid = max(last_uid, int(uid))
            tick()
            if len(done) >= settings.batch:
                box.mark_processed(done)
                done = []
        box.mark_processed(done)
        box.mark_processed(held, QUARANTINE_FOLDER)
        with office.book.transaction():
            office.book.set_cursor(settings.folder, validity, last_uid, now())
    return counts
