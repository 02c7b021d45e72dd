"""Parse-ahead: a worker process parses a backlog's messages, and stages their raw copies and
files, while the main process applies the ones before them to the book.

Parsing and writing the raw copy are half of intake's time and need nothing from the book;
with two cores a backlog drains faster when they run beside the book work. What comes back
is an `intake.parse_ahead.Prepared` message whose files already lie in the staging folder
under temporary names; the book's names are given only when the message is recorded
(office.arrivals), so a second message claiming a recorded Message-ID never overwrites the
first one's copy. A runner's machinery (a process, private files), hence in jobs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import multiprocessing
import os
import secrets
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Callable

from intake.parse import parse_message
from intake.parse_ahead import Prepared
from intake.settings import IntakeSettings
from sop.files import write_private

log = logging.getLogger(__name__)


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


def _exit_with_parent(parent: int) -> None:
    """In the parse worker: end when the daemon is gone (killed, it cannot tell us)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="induk", daemon=True).start()


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
        nothing: list[Callable[[], Prepared | None]] = [lambda: None] * len(raws)
        if not self.enabled or not raws:
            return nothing
        try:
            futures = [self.pool().submit(prepare, raw, self.staging, self.limits) for raw in raws]
        except (BrokenProcessPool, RuntimeError, OSError):
            ParseAhead._give_up()
            return nothing
        return [functools.partial(self._result, f) for f in futures]

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
