"""The daemon's ticks: poll the mailbox, send the outbox, check deadlines.

Each job catches its own failure, logs it with the traceback and runs again next tick, so
a mail-server outage or a bad day never stops the daemon. SIGTERM/SIGINT end the loop
between jobs, never inside a message's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Callable

import schedule

from jobs.pipeline import poll
from jobs.sender import send_due
from jobs.workflow import Office

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            result = job()
            if result:
                log.info("%s: %s", name, result)
        except Exception:
            log.exception("tugas %s gagal; dicoba lagi pada putaran berikutnya", name)
    return run


def jobs_of(office: Office, now: Callable[[], dt.datetime] = utcnow) -> dict[str, Callable[[], None]]:
    cfg = office.config
    return {
        "ambil-surel": _guarded("ambil-surel", lambda: poll(office, now)),
        "kirim-surel": _guarded("kirim-surel", lambda: send_due(office.book, cfg.smtp, cfg.mailbox.address, now())),
        "batas-waktu": _guarded("batas-waktu", lambda: office.check_deadlines(now())),
    }


def run_once(office: Office, now: Callable[[], dt.datetime] = utcnow) -> None:
    """One full cycle: fetch and process new mail, send what is queued, check deadlines."""
    jobs = jobs_of(office, now)
    jobs["ambil-surel"]()
    jobs["batas-waktu"]()
    jobs["kirim-surel"]()


def run_forever(office: Office, now: Callable[[], dt.datetime] = utcnow,
                stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()

    def request_stop(signum, _frame):
        log.info("sinyal %s diterima; berhenti setelah tugas yang sedang berjalan", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
    jobs = jobs_of(office, now)
    scheduler = schedule.Scheduler()
    scheduler.every(office.config.poll_seconds).seconds.do(jobs["ambil-surel"])
    scheduler.every(10).seconds.do(jobs["kirim-surel"])
    scheduler.every(1).minutes.do(jobs["batas-waktu"])
    log.info("daemon berjalan: kotak surat %s, setiap %s detik",
             office.config.mailbox.address, office.config.poll_seconds)
    run_once(office, now)
    while not stop.is_set():
        scheduler.run_pending()
        stop.wait(max(0.2, min(1.0, scheduler.idle_seconds or 1.0)))
    log.info("daemon berhenti")
