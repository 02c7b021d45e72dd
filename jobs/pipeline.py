"""The one path of an incoming message: mailbox -> parse -> keep raw -> classify -> book.

Stages, in order:
  1. parse            intake.parse.parse_message (pure)
  2. skip if known    the book's message key (hash of Message-ID, else of the bytes)
  3. keep raw         files/raw/<year>/<key>.eml, before anything acts on it
  4. classify         intake.classify.classify (pure, an ordered table of rules)
  5. apply            HANDLERS[kind], inside one savepoint with the message's book entry;
                      a batch of messages (`[mailbox] batch`) commits together
  6. move             only after the commit: INBOX -> processed folder

A message that fails is counted; after `[intake] quarantine_after` tries it is quarantined with its error in
the book, and the loop goes on with the next one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
import re
import multiprocessing
import os
import secrets
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from intake.classify import Classification, classify
from intake.mailbox import Mailbox
from intake.parse import Incoming, message_key, parse_message
from intake.reply import extract_reply
from jobs.recording import (add_followup, add_official_note, alert_staff, from_email, from_forward, record_bounce,
                            record_complaint, store_attachments)
from jobs.config import IntakeSettings
from jobs.workflow import Office, recipient
from letters.mail import render_mail
from intake.authresults import verdict
from sop.book import place_private, write_private
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
    complaint_id, note = record_bounce(office, msg, now)
    log.warning("laporan gagal kirim dari %s: %s (%s)", msg.from_addr, msg.subject, note)
    return Handled("bounce", complaint_id, f"{cls.reason}; {note}")


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
    if sec.require_authentication:
        checked = verdict(msg.trace, sec.authserv_id, msg.from_addr, trusted_received=sec.trusted_received,
                          own_hosts=sec.own_hosts)
        if not checked.passed:
            warn_official(office, row, task, msg, "tanda keaslian surel (DKIM/DMARC) tidak lulus", now)
            return _unmatched(msg, row["id"], f"surel dari {msg.from_addr} tidak lulus pemeriksaan keaslian: "
                                              f"{checked.why}")
    if row["state"] != "open" or row["step"] != task["step"]:
        return _unmatched(msg, row["id"], f"{row['number']} tidak sedang menunggu langkah {task['step']}")
    text = extract_reply(msg.text)
    if msg.attachments and "issue_letter" in cfg.procedure.step(task["step"]).on_done and text:
        # Files sent with the answer are the letter's enclosures (lampiran).
        office.book.supersede_enclosures(row["id"])
        store_attachments(office, row["id"], msg.key, msg.attachments, now, purpose="lampiran_surat")
    outcome = advance(office.case(row), Reply(task["step"], msg.from_addr, text), now,
                      cfg.procedure, cfg.directory.section_choices, cfg.clock.tz)
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
    author = office.official_by_address(msg.from_addr, now)
    if row["email"] != msg.from_addr and author is not None:
        # An official answering an escalation or a copy: a note, never an action.
        add_official_note(office, row, msg, author, extract_reply(msg.text) or msg.text, now)
        log.info("%s: catatan dari %s dicatat", row["number"], msg.from_addr)
        return Handled("note", row["id"], f"catatan dari {author.title}")
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
def process_raw(office: Office, raw: bytes, now: dt.datetime, *, prepared: "Prepared | None" = None) -> Handled:
    """Run one message through the stages; idempotent by message key.

    `prepared`: the message already parsed, and its raw copy staged, by the parse-ahead worker.
    """
    msg = prepared.msg if prepared else parse_message(raw)
    if office.book.has_message(msg.key):
        discard_staged(prepared)
        return Handled("duplicate", note="sudah tercatat")
    raw_path = _raw_path(office, msg.key, now)
    staged_files: list[str] = []
    if prepared:  # the copy is on disk already: it is only given its name
        place_private(prepared.staged, raw_path)
        staged_files = [a.staged for a in msg.attachments if a.staged]
    else:
        write_private(raw_path, raw)
    cls = classify(msg, office.config.identity)
    try:
        with office.book.transaction():
            handled = HANDLERS[cls.kind](office, msg, cls, now)
            office.book.record_message(
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
    raw_path = _raw_path(office, msg.key, now)
    write_private(raw_path, raw)
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
        last_uid = cursor["last_uid"] if cursor and cursor["uidvalidity"] == validity else 0
        ahead = ParseAhead(len(uids), staging_folder(office), office.config.intake)
        batches = _batches(box.fetch(uids), settings.batch)
        batch = next(batches, None)
        prepared = ahead.submit([raw for _, raw in batch]) if batch else []
        prepared_following: list = []
        # Committed messages leave the INBOX a few batches at a time (fewer round trips); one
        # that a crash leaves behind is found in the book on the next pass and only moved.
        moved = Moves(box)
        try:
            while batch:
                # The next batch is fetched and handed to the parser before this one is applied,
                # so the parser never waits for us and we never wait for it.
                following = next(batches, None)
                prepared_following = ahead.submit([raw for _, raw in following]) if following else []
                last_uid, stopped = _apply_batch(office, batch, prepared, old, counts, moved, now, stop, tick,
                                                 validity, last_uid)
                if stopped:
                    break
                batch, prepared = following, prepared_following
        finally:
            moved.flush()
            # A cycle cut short (SIGTERM, a full disk) leaves staged files of messages it did
            # not apply; those it applied are gone already. Personal data: removed now.
            for ready in (*prepared, *prepared_following):
                discard_staged(ready())
        if not uids:
            with office.book.transaction():
                office.book.set_cursor(settings.folder, validity, last_uid, now())
    return counts


class Moves:
    """Committed UIDs waiting to leave the INBOX, moved a few batches at a time."""

    EVERY = 200

    def __init__(self, box: Mailbox):
        self.box, self.done, self.held = box, [], []

    def add(self, done: list[str], held: list[str]) -> None:
        self.done += done
        self.held += held
        if len(self.done) + len(self.held) >= self.EVERY:
            self.flush()

    def flush(self) -> None:
        done, held, self.done, self.held = self.done, self.held, [], []
        self.box.mark_processed(done)
        self.box.mark_processed(held, QUARANTINE_FOLDER)


def _apply_batch(office: Office, batch, prepared, old: set[str], counts: dict[str, int], moved: Moves,
                 now, stop, tick, validity: int, last_uid: int) -> tuple[int, bool]:
    """One commit for the batch, each message a savepoint inside it: a failing message undoes
    only its own work. A storage failure (locked book, full disk) is not the message's fault:
    it rolls the batch back and ends the cycle; the batch waits in the INBOX."""
    done: list[str] = []
    held: list[str] = []
    stopped = False
    with office.book.transaction():
        for (uid, raw), ready in zip(batch, prepared):
            if stop():  # SIGTERM: finish between messages; the rest waits in the INBOX
                stopped = True
                break
            try:
                if uid in old:
                    handled = record_old(office, raw, now())
                else:
                    handled = process_raw(office, raw, now(), prepared=ready())
            except INFRASTRUCTURE:
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
        office.book.set_cursor(office.config.mailbox.folder, validity, last_uid, now())
    moved.add(done, held)
    return last_uid, stopped


@dataclass(frozen=True)
class Prepared:
    msg: Incoming
    staged: str  # the raw bytes, written under a temporary name in the staging folder


def staging_folder(office: Office) -> Path:
    return office.config.files / "raw" / ".staging"


def prepare(raw: bytes, staging: str, limits: IntakeSettings) -> Prepared:
    """In the parse worker: parse the message and write its raw copy and files under temporary
    names (what is pickled back to this process is then small).

    The name becomes the book's only when the message is recorded (process_raw), so a second
    message claiming a recorded Message-ID never overwrites the first one's copy.
    """
    msg = parse_message(raw)
    stem = Path(staging) / f"{msg.key}.{secrets.token_hex(6)}"
    # Named whole (with_suffix would replace the random part): two messages with one
    # Message-ID share a key, and each needs a staged copy of its own.
    staged = stem.with_name(f"{stem.name}.part")
    write_private(staged, raw)
    # The files too, up to what could ever be kept: the main process renames or removes them.
    files, budget = [], limits.max_total_bytes
    for i, item in enumerate(msg.attachments):
        size = len(item.data)
        if i < limits.max_attachments and size <= min(limits.max_attachment_bytes, budget):
            budget -= size
            path = stem.with_name(f"{stem.name}.{i:05d}.part")
            write_private(path, item.data)
            item = replace(item, data=b"", staged=str(path), size=size, sha256=hashlib.sha256(item.data).hexdigest())
        files.append(item)
    return Prepared(replace(msg, attachments=tuple(files)), str(staged))


def discard_staged(prepared: Prepared | None) -> None:
    """Staged files a message did not use (a duplicate, a reply whose files are not kept)."""
    if prepared:
        for path in (prepared.staged, *(a.staged for a in prepared.msg.attachments if a.staged)):
            Path(path).unlink(missing_ok=True)


def _exit_with_parent(parent: int) -> None:
    """In the parse worker: end when the daemon is gone (killed, it cannot tell us)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="induk", daemon=True).start()


def _batches(items, size: int):
    while batch := list(itertools.islice(items, size)):
        yield batch


class ParseAhead:
    """Parses a backlog's messages, and stages their raw copies, in a worker process while
    this one applies them.

    Parsing and writing the raw copy are half of intake's time and need nothing from the
    book; with two cores a backlog drains faster when they run beside the book work. Small
    arrivals are parsed in place (no worker is started for them). The worker outlives a
    cycle; if it fails or dies, the message is simply parsed again in place, where any error
    takes the ordinary path.
    """

    MIN_BACKLOG = 20
    _pool: ProcessPoolExecutor | None = None
    _broken = False  # a worker that could not start or died: parse in place from then on

    def __init__(self, backlog: int, staging: Path, limits: IntakeSettings):
        self.enabled = backlog >= self.MIN_BACKLOG and (os.cpu_count() or 1) > 1 and not ParseAhead._broken
        self.staging, self.limits = str(staging), limits
        for leftover in staging.glob("*.part"):  # staged by a run that was killed: fetched again
            leftover.unlink(missing_ok=True)

    def submit(self, raws: list[bytes]) -> list[Callable[[], Prepared | None]]:
        """For each message, in order, a call giving it prepared (None: do it in place)."""
        nothing = [lambda: None] * len(raws)
        if not self.enabled or not raws:
            return nothing
        try:
            futures = [self.pool().submit(prepare, raw, self.staging, self.limits) for raw in raws]
        except (BrokenProcessPool, RuntimeError, OSError):
            ParseAhead._give_up()
            return nothing
        return [lambda f=f: self._result(f) for f in futures]

    @classmethod
    def pool(cls) -> ProcessPoolExecutor:
        if cls._pool is None:
            # spawn, not fork: the daemon has threads (the IDLE watcher).
            cls._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_exit_with_parent, initargs=(os.getpid(),))
        return cls._pool

    @classmethod
    def _give_up(cls) -> None:
        if not cls._broken:
            log.warning("proses pengurai surel tambahan berhenti; surel diurai di proses utama")
        cls._broken = True
        cls._pool = None

    @staticmethod
    def _result(future) -> Prepared | None:
        try:
            return future.result()
        except BrokenProcessPool:
            ParseAhead._give_up()
            return None
        except Exception:  # parsed again in place, where the error is handled and logged
            return None


