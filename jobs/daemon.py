"""The daemon's ticks: poll the mailbox, send the outbox, check deadlines.

Each job catches its own failure, logs it and runs again next tick, so a mail-server outage
never stops the daemon; an outage is logged once when it starts and once when it ends.
Where the server offers IMAP IDLE, a watcher holds a second connection in IDLE and wakes
the loop as soon as mail arrives; polling stays as the fallback. SIGTERM/SIGINT end the
loop between jobs, never inside a message's transaction.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import imaplib
import logging
import os
import signal
import smtplib
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import IO, Callable

import schedule
from imap_tools.errors import MailboxLoginError

from intake.mailbox import Mailbox
from intake.oauth import OAuthError
from jobs.incoming import poll
from jobs.outgoing import SmtpUnavailable, send_outbox
from office.backup import daily_backup
from office.base import Office
from office.deadlines import check_deadlines, warn_token_expiry
from office.issuing import sync_staff_folder
from office.letter_pdfs import make_pdfs
from office.monthly import send_monthly_recap
from office.notices import alert_staff, send_digests
from office.opening import one_transaction
from office.plain import utcnow
from office.privacy import purge_expired
from office.recap_figures import Refresher
from office.sms import send_sms
from office.sms_in import receive_sms
from office.tte import signing_jobs

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (1, 2, 5, 10, 30, 60, 120, 300)
IDLE_RENEW_SECONDS = 10  # also how soon the watcher notices a stop


# Failures of the world outside (servers, network, the disk, a locked book): logged as one
# line, without a traceback, since no code is at fault.
OUTAGES = (OSError, imaplib.IMAP4.error, MailboxLoginError, OAuthError, SmtpUnavailable, sqlite3.OperationalError,
           smtplib.SMTPException)


class Guard:
    """Runs a job; logs a failure with its traceback when an outage starts, and its end."""

    def __init__(self, name: str, job: Callable[[], object],
                 on_outage: Callable[[Exception], None] | None = None, explain: Callable[[Exception], str] = str):
        self.name, self.job, self.on_outage, self.explain = name, job, on_outage, explain
        self.failing_since: float | None = None
        self.error: Exception | None = None  # what the last run failed with, if it did

    def __call__(self) -> bool:
        """Run the job once; True when it succeeded."""
        self.error = None
        try:
            result = self.job()
        except Exception as exc:
            self.error = exc
            if self.failing_since is None:
                self.failing_since = time.monotonic()
                if isinstance(exc, OUTAGES):  # the world outside failed: one line says what
                    log.error("tugas %s gagal: %s; dicoba lagi pada putaran berikutnya", self.name, self.explain(exc))
                else:  # our own fault: the traceback is for whoever fixes it
                    log.exception("tugas %s gagal; dicoba lagi pada putaran berikutnya", self.name)
                if self.on_outage:
                    try:
                        self.on_outage(exc)
                    except Exception:
                        log.exception("peringatan gangguan %s tidak dapat dicatat", self.name)
            else:
                log.debug("tugas %s masih gagal: %s", self.name, exc)
            return False
        if self.failing_since is not None:
            log.warning("tugas %s pulih setelah %.0f detik gangguan", self.name,
                        time.monotonic() - self.failing_since)
            self.failing_since = None
        if result:
            log.info("%s: %s", self.name, said(result))
        return True


# What each kind of handled message is called in the log ("ambil-surel: 3 pengaduan, 1 balasan pejabat").
HANDLED_WORDS = {"complaint": "pengaduan", "action": "balasan pejabat", "followup": "tanggapan pengadu",
                 "note": "catatan", "status": "permintaan status", "unmatched": "tidak cocok", "auto": "balasan otomatis",
                 "bounce": "laporan gagal kirim", "own": "surel sendiri", "duplicate": "sudah tercatat",
                 "old": "surel lama", "quarantine": "karantina"}


def said(result: object) -> str:
    """A job's result for the log: counts in words, never a Python dict."""
    if isinstance(result, dict):
        return ", ".join(f"{count} {HANDLED_WORDS.get(str(kind), str(kind))}" for kind, count in result.items())
    return str(result)


def explained(office: Office, exc: BaseException) -> str:
    """A job's failure in one Indonesian sentence: what a mail server's refusal or silence means."""
    from jobs.problems import mail_problem

    if isinstance(exc, (MailboxLoginError, imaplib.IMAP4.error)) or (
            isinstance(exc, OSError) and not isinstance(exc, SmtpUnavailable)):
        m = office.config.mailbox
        return mail_problem(exc, "IMAP", m.host, m.port, m.username or "")
    if isinstance(exc, smtplib.SMTPException):
        s = office.config.smtp
        return mail_problem(exc, "SMTP", s.host, s.port, s.username or "")
    return str(exc)


def login_alert(office: Office, now: Callable[[], dt.datetime]) -> Callable[[Exception], None]:
    """Staff hear by email, once per outage, when the mailbox refuses our login or token."""
    def alert(exc: Exception) -> None:
        if not isinstance(exc, (OAuthError, MailboxLoginError)):
            return
        with one_transaction(office):
            alert_staff(office, None, "masalah_login", now(), error=str(exc),
                        mailbox=office.config.mailbox.address, host=office.config.mailbox.host)
    return alert


def jobs_of(office: Office, now: Callable[[], dt.datetime] = utcnow, *, since: dt.date | None = None,
            progress=None, stop: threading.Event | None = None) -> dict[str, Guard]:
    stopped = stop.is_set if stop else (lambda: False)
    return {
        "ambil-surel": Guard("ambil-surel", lambda: poll(office, now, since=since, progress=progress, stop=stopped),
                             login_alert(office, now), explain=lambda exc: explained(office, exc)),
        "kirim-surel": Guard("kirim-surel", lambda: send_outbox(office, now()), explain=lambda exc: explained(office, exc)),
        "batas-waktu": Guard("batas-waktu", lambda: check_deadlines(office, now())),
        "ringkasan": Guard("ringkasan", lambda: send_digests(office, now())),
        "token-oauth": Guard("token-oauth", lambda: warn_token_expiry(office, now())),
        "rekap-bulanan": Guard("rekap-bulanan", lambda: send_monthly_recap(office, now())),
        # TTE letters handed to the signer (their PDF made outside any transaction), signed PDFs
        # taken from files/tte/masuk/.
        "tanda-tangan": Guard("tanda-tangan", lambda: signing_jobs(office, now())),
        # Letters', receipts' and waiting mails' PDFs, after the commits that asked for them.
        "surat-pdf": Guard("surat-pdf", lambda: make_pdfs(office)),
        # SMS through the office's Gammu SMSD ([sms]): nothing to do while it is off.
        "ambil-sms": Guard("ambil-sms", lambda: receive_sms(office, now())),
        "kirim-sms": Guard("kirim-sms", lambda: send_sms(office, now())),
    }


def run_once(office: Office, now: Callable[[], dt.datetime] = utcnow, *, since: dt.date | None = None,
             progress=None) -> list[Guard]:
    """One full cycle: fetch and process new mail, check deadlines, send what is queued.
    Returns the jobs that failed (each with its `error`); the others ran."""
    jobs = jobs_of(office, now, since=since, progress=progress)
    cycle = [jobs[name] for name in ("ambil-surel", "ambil-sms", "tanda-tangan", "batas-waktu", "ringkasan",
                                     "token-oauth", "rekap-bulanan", "surat-pdf", "kirim-surel", "kirim-sms")]
    cycle.append(Guard("folder-staf", lambda: sync_staff_folder(office)))
    return [job for job in cycle if not job()]


class IdleWatcher(threading.Thread):
    """Holds the mailbox in IDLE and sets `wake` when the server announces new mail."""

    def __init__(self, office: Office, wake: threading.Event, stop: threading.Event):
        super().__init__(name="idle", daemon=True)
        self.settings, self.wake, self.stop = office.config.mailbox, wake, stop
        self.supported = True

    def run(self) -> None:
        failures = 0
        down_since: float | None = None
        while not self.stop.is_set():
            try:
                with Mailbox(self.settings) as box:
                    if not box.can_idle:
                        log.info("server IMAP tidak mendukung IDLE; memakai pemeriksaan berkala")
                        self.supported = False
                        return
                    if down_since is not None:
                        log.warning("sambungan IDLE pulih setelah %.0f detik", time.monotonic() - down_since)
                        down_since = None
                    failures = 0
                    self.wake.set()  # mail may have arrived while we were away
                    while not self.stop.is_set():
                        # Each wait ends IDLE with DONE after at most IDLE_RENEW_SECONDS, well
                        # inside the 30 minutes after which servers drop an idle client.
                        if box.idle(timeout=IDLE_RENEW_SECONDS):
                            self.wake.set()
            except Exception as exc:
                if down_since is None:
                    down_since = time.monotonic()
                    log.warning("sambungan IDLE ke %s:%s terputus: %s; mencoba lagi",
                                self.settings.host, self.settings.port, exc)
                self.stop.wait(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1


class BookLock:
    """One daemon per book: an exclusive lock on `<book>.lock`, released by the OS if we die."""

    def __init__(self, database: Path):
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise RuntimeError(f"daemon lain sudah berjalan untuk buku {self.path.with_suffix('')} "
                               f"(PID {holder}); hentikan dulu sebelum menjalankan yang baru") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def run_forever(offices: Office | list[Office], now: Callable[[], dt.datetime] = utcnow,
                stop: threading.Event | None = None, *, since: dt.date | None = None,
                idle: bool = True, folder: Path | None = None) -> None:
    """Run one office in this thread, or several (a list, or every configuration in `folder`)
    each in a thread of its own (jobs.city), until SIGTERM/SIGINT or `stop`."""
    offices = offices if isinstance(offices, list) else [offices]
    stop = stop or threading.Event()
    reload = threading.Event()

    def request_stop(signum, _frame):
        log.info("sinyal %s diterima; berhenti setelah pesan yang sedang diproses", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGHUP, lambda signum, _frame: reload.set())
    if folder is not None or len(offices) > 1:
        from jobs.city import Supervisor

        Supervisor(offices, folder, now, stop, reload, daemon=sys.modules[__name__], since=since, idle=idle).run()
    else:
        lock = BookLock(offices[0].config.database)
        lock.acquire()
        try:
            run_office(offices[0], now, stop, since=since, idle=idle)
        finally:
            lock.release()
    log.info("daemon berhenti")


def run_office(office: Office, now: Callable[[], dt.datetime], stop: threading.Event, *,
               since: dt.date | None = None, idle: bool = True, jobs: dict[str, Guard] | None = None) -> None:
    """One office's loop until `stop`: its scheduler, its IDLE watcher, its connections. `jobs`
    lets a supervisor read the office's health from the same guards."""
    wake = threading.Event()
    def wake_on_stop() -> None:
        stop.wait()
        wake.set()

    stop_wakes = threading.Thread(target=wake_on_stop, daemon=True)
    stop_wakes.start()
    scheduler = schedule.Scheduler()
    jobs = jobs if jobs is not None else jobs_of(office, now, stop=stop)
    scheduler.every(office.config.poll_seconds).seconds.do(jobs["ambil-surel"])
    scheduler.every(10).seconds.do(jobs["kirim-surel"])
    scheduler.every(10).seconds.do(jobs["ambil-sms"])
    scheduler.every(10).seconds.do(jobs["kirim-sms"])
    scheduler.every(1).minutes.do(jobs["batas-waktu"])
    scheduler.every(1).minutes.do(jobs["ringkasan"])
    scheduler.every(1).hours.do(jobs["token-oauth"])
    scheduler.every(10).minutes.do(jobs["rekap-bulanan"])
    scheduler.every(1).minutes.do(jobs["surat-pdf"])
    scheduler.every(1).minutes.do(jobs["tanda-tangan"])
    scheduler.every(10).minutes.do(Guard("folder-staf", lambda: sync_staff_folder(office)))
    # The desk's Laporan figures of this month and the last, counted again in a thread of their
    # own when the book changed, so that the page shows them at once (office.recap_figures).
    scheduler.every(5).minutes.do(Guard("rekap-meja", Refresher(office, now)))
    scheduler.every().day.at("02:00").do(Guard("cadangan", lambda: daily_backup(office, now())))
    scheduler.every().day.at("03:00").do(Guard("retensi", lambda: purge_expired(office, now())))
    log.info("daemon berjalan: kotak surat %s, pemeriksaan setiap %s detik%s",
             office.config.mailbox.address, office.config.poll_seconds, ", IDLE aktif" if idle else "")
    run_once(office, now, since=since)
    if idle:
        IdleWatcher(office, wake, stop).start()
    while not stop.is_set():
        scheduler.run_pending()
        if wake.wait(max(0.2, min(1.0, scheduler.idle_seconds or 1.0))) and not stop.is_set():
            wake.clear()
            jobs["ambil-surel"]()
            jobs["tanda-tangan"]()  # a signed PDF a reply brought: checked after its commit
            jobs["surat-pdf"]()  # a letter issued by this mail: its PDF now, not at the minute
            jobs["kirim-surel"]()
