"""Parse-ahead: a worker process parses a backlog's messages, and stages their raw copies and
files, while the main process applies the ones before them to the book.

Parsing and writing the raw copy are half of intake's time and need nothing from the book;
with two cores a backlog drains faster when they run beside the book work. What the worker
does with each message is office.staging's (`prepare`); this is the runner's machinery (a
process, its pool, its failures), hence in jobs.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

from office.arrivals import staging_of
from office.base import Office
from office.staging import Prepared, prepare_all

log = logging.getLogger(__name__)


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

    # Messages sent to the worker in one job: a job per message cost the daemon's threads (the
    # pool's feeder and result threads, which take the interpreter from the book's) a tenth of
    # what the book's own work costs, while chunks this small still come back one after the
    # other, soon enough for the book to start on the first.
    CHUNK = 10

    def __init__(self, backlog: int, office: Office):
        self.enabled = backlog >= self.MIN_BACKLOG and (os.cpu_count() or 1) > 1 and not ParseAhead._broken
        self.staging, self.limits = staging_of(office)
        for leftover in Path(self.staging).glob("*.part"):  # staged by a run that was killed: fetched again
            leftover.unlink(missing_ok=True)

    def submit(self, raws: list[bytes]) -> list[Callable[[], Prepared | None]]:
        """For each message, in order, a call giving it prepared (None: do it in place)."""
        nothing: list[Callable[[], Prepared | None]] = [lambda: None] * len(raws)
        if not self.enabled or not raws:
            return nothing
        try:
            jobs = [self.pool().submit(prepare_all, raws[i:i + self.CHUNK], self.staging, self.limits)
                    for i in range(0, len(raws), self.CHUNK)]
        except (BrokenProcessPool, RuntimeError, OSError):
            ParseAhead._give_up()
            return nothing
        return [functools.partial(self._result, jobs[i // self.CHUNK], i % self.CHUNK) for i in range(len(raws))]

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
    def _result(future, index: int) -> Prepared | None:
        try:
            return future.result()[index]
        except BrokenProcessPool:
            ParseAhead._give_up()
            return None
        except Exception:  # parsed again in place, where the error is handled and logged
            return None
