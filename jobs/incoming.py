"""The incoming runner: the mailbox side of intake. It fetches what waits in the INBOX in
batches, hands each batch to the parse-ahead worker, lets the office record each message
(office.arrivals.process_raw) in one transaction per batch with a savepoint per message, and
moves a message out of the INBOX only after the book has committed it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import queue
import threading
import time
from typing import Callable

from intake.mailbox import Mailbox
from jobs.parse_ahead import ParseAhead
from office.arrivals import INFRASTRUCTURE, QUARANTINE_FOLDER, process_raw, quarantine, record_old
from office.base import Office
from office.staging import Prepared, discard_staged

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
        cursor = office.book.messages.cursor(settings.folder)
        if cursor and cursor["uidvalidity"] != validity:
            log.warning("UIDVALIDITY %s berubah dari %s ke %s: kotak surat dipindai ulang; "
                        "pesan yang sudah tercatat tidak dicatat dua kali",
                        settings.folder, cursor["uidvalidity"], validity)
        old = set(box.pending_uids(before=since)) if since and cursor is None else set()
        uids = box.pending_uids()
        tick = progress(len(uids)) if progress and uids else (lambda: None)
        last_uid = cursor["last_uid"] if cursor and cursor["uidvalidity"] == validity else 0
        if uids:
            ahead = ParseAhead(len(uids), office)
            # From here until it is closed, the connection belongs to the mailbox thread.
            mailbox = MailboxThread(box, uids, settings.batch, ahead)
            taken: list[Callable[[], Prepared | None]] = []  # the current commit's messages, as prepared
            try:
                while (fetched := mailbox.next_batch()) is not None:
                    last_uid, stopped = _apply_batches(office, fetched, old, counts, mailbox, now, stop,
                                                       tick, validity, last_uid, taken)
                    if stopped:
                        break
            finally:
                # A cycle cut short (SIGTERM, a full disk) leaves staged files of messages it did
                # not apply; those it applied are gone already. Personal data: removed now.
                for ready in taken:
                    discard_staged(ready())
                mailbox.close()
        else:
            with office.book.transaction():
                office.book.messages.set_cursor(settings.folder, validity, last_uid, now())
    return counts


class MailboxThread:
    """The mailbox's side of a cycle, in a thread of its own: it fetches the next batches (and
    hands them to the parse worker) while the book applies this one, and moves out of the INBOX
    what the book has committed. Both are waits on the IMAP server, which the book's work no
    longer waits for (they were a fifth of a backlog's time in the daemon's main thread).

    The one IMAP connection is used by this thread alone until `close`, which moves what the
    book committed and ends the thread. A message is moved only after its batch committed;
    one a crash leaves behind is found in the book on the next pass and only moved.
    """

    AHEAD = 1  # batches fetched before the book asks for them (as many held in memory as before)
    EVERY = 200  # committed messages leave the INBOX a few batches at a time (fewer round trips)

    def __init__(self, box: Mailbox, uids: list[str], size: int, ahead: ParseAhead):
        self.box, self.ahead = box, ahead
        self._batches = _batches(box.fetch(uids), size)
        self._ready: queue.Queue = queue.Queue()  # (batch, prepared), None at the end, or an error
        self._wake = threading.Condition()
        self._room = self.AHEAD
        self._closing = self._exhausted = False
        self._moves: list[tuple[list[str], str | None]] = []
        self._done: list[str] = []
        self._held: list[str] = []
        self._error: BaseException | None = None
        self._kept: object = None  # what ready_batch took from the queue and left for next_batch
        self._thread = threading.Thread(target=self._run, name="kotak-surat", daemon=True)
        self._thread.start()

    def next_batch(self) -> tuple[list[tuple[str, bytes]], list[Callable[[], Prepared | None]]] | None:
        """The next batch fetched, with its messages as the parse worker prepares them; None
        at the end of the backlog."""
        item = self._kept if self._kept is not None else self._ready.get()
        self._kept = None
        return self._taken(item)

    def ready_batch(self) -> tuple[list[tuple[str, bytes]], list[Callable[[], Prepared | None]]] | None:
        """The next batch if it is fetched already, else None (the end of the backlog, or an
        error, is left for next_batch)."""
        if self._kept is not None:
            return None
        try:
            item = self._ready.get_nowait()
        except queue.Empty:
            return None
        if not isinstance(item, tuple):
            self._kept = item if item is not None else _END
            return None
        return self._taken(item)

    def _taken(self, item):
        with self._wake:
            self._room += 1
            self._wake.notify()
        if isinstance(item, BaseException):
            raise item
        return None if item is _END else item

    def add(self, done: list[str], held: list[str]) -> None:
        """Committed messages: to the processed folder (`done`) or to quarantine (`held`)."""
        self._done += done
        self._held += held
        if len(self._done) + len(self._held) >= self.EVERY:
            self._hand_over()

    def close(self) -> None:
        """Move what the book committed, end the thread, and remove the staged files of
        batches fetched but not applied (personal data: removed now)."""
        self._hand_over()
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()
        while not self._ready.empty():
            item = self._ready.get_nowait()
            if isinstance(item, tuple):
                for ready in item[1]:
                    discard_staged(ready())
        if self._error is not None:
            raise self._error

    def _hand_over(self) -> None:
        done, held, self._done, self._held = self._done, self._held, [], []
        with self._wake:
            self._moves += [(uids, folder) for uids, folder in ((done, None), (held, QUARANTINE_FOLDER)) if uids]
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not (self._moves or self._closing or (self._room and not self._exhausted)):
                    self._wake.wait()
                moves, self._moves = self._moves, []
                fetch = bool(self._room and not self._exhausted and not self._closing)
                if fetch:
                    self._room -= 1
            try:
                for uids, folder in moves:
                    self.box.mark_processed(uids, folder)
                if fetch:
                    self._fetch()
                elif not moves:  # closing, and every committed message moved
                    return
            except BaseException as exc:  # handed to the book's thread, which stops the cycle
                self._error = exc
                self._finish(exc)
                return

    def _fetch(self) -> None:
        batch = next(self._batches, None)
        if batch is None:
            self._finish(None)
            return
        self._ready.put((batch, self.ahead.submit([raw for _, raw in batch])))

    def _finish(self, item: BaseException | None) -> None:
        with self._wake:
            self._exhausted = True
        self._ready.put(item)


# One commit takes fetched batches until it holds this many messages, or has taken this long,
# or the next batch is not fetched yet (the book is never held while waiting for IMAP). A
# commit costs the same few milliseconds whatever it holds (the pages every message touches,
# the search index's statement, the cursor); a crash undoes at most this much, which the next
# pass does again.
COMMIT_EVERY = 400
COMMIT_SECONDS = 2.0


def _apply_batches(office: Office, fetched, old: set[str], counts: dict[str, int], moved: MailboxThread,
                   now, stop, tick, validity: int, last_uid: int, taken: list) -> tuple[int, bool]:
    """One commit for one or more fetched batches, each message a savepoint inside it: a failing
    message undoes only its own work. A storage failure (locked book, full disk) is not the
    message's fault: it rolls the commit back and ends the cycle; its messages wait in the INBOX."""
    done: list[str] = []
    held: list[str] = []
    stopped = False
    until = time.monotonic() + COMMIT_SECONDS
    with office.book.transaction():
        while fetched is not None:
            batch, prepared = fetched
            taken.extend(prepared)
            for (uid, raw), ready in zip(batch, prepared):
                if stop():  # SIGTERM: finish between messages; the rest waits in the INBOX
                    stopped = True
                    break
                if _apply_one(office, uid, raw, ready, old, counts, now, done, held):
                    last_uid = max(last_uid, int(uid))
                tick()
            if stopped or len(done) + len(held) >= COMMIT_EVERY or time.monotonic() >= until:
                break
            fetched = moved.ready_batch()
        office.book.messages.set_cursor(office.config.mailbox.folder, validity, last_uid, now())
    moved.add(done, held)
    if not stopped:  # every message taken was applied; a stop leaves the rest's staged files to poll
        taken.clear()
    return last_uid, stopped


def _apply_one(office: Office, uid: str, raw: bytes, ready, old: set[str], counts: dict[str, int], now,
               done: list[str], held: list[str]) -> bool:
    """Process one message in its savepoint; True when the book now holds it (to be moved)."""
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
        return False
    counts[handled.kind] = counts.get(handled.kind, 0) + 1
    done.append(uid)
    return True


_END = object()  # the end of the backlog, as ready_batch keeps it for next_batch


def _batches(items, size: int):
    while batch := list(itertools.islice(items, size)):
        yield batch
