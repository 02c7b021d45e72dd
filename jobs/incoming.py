"""The incoming runner: the mailbox side of intake. It fetches what waits in the INBOX in
batches, hands each batch to the parse-ahead worker, lets the office record each message
(office.arrivals.process_raw) in one transaction per batch with a savepoint per message, and
moves a message out of the INBOX only after the book has committed it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from typing import Callable

from intake.mailbox import Mailbox
from intake.parse_ahead import ParseAhead, discard_staged
from office.arrivals import INFRASTRUCTURE, QUARANTINE_FOLDER, process_raw, quarantine, record_old, staging_folder
from office.base import Office

log = logging.getLogger(__name__)


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


def _batches(items, size: int):
    while batch := list(itertools.islice(items, size)):
        yield batch
