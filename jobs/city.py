"""Many offices in one daemon, each isolated from the others' failures.

Each office runs its own loop (jobs.daemon.run_office) in a thread of its own, with its own
book connection, IMAP and SMTP connections, timeouts and backoff: a mail server that accepts
the connection and never answers, a refused login or a locked book holds up only that office.
A loop that dies is started again after a growing pause; the others never notice. With a
folder of configurations (`jalankan --kantor DIR`), a new, removed or changed `*.toml` takes
effect within seconds (the folder is watched; SIGHUP looks at once) without touching the
other offices. A status line per office goes to the log every few minutes and on every change.
Two offices naming one book, files folder or mailbox are both kept from running
(office.city_clashes) until one of the files is changed or removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from office.base import Office
from office.city_clashes import clashes, places
from office.config import Config, ConfigError, load_config
from office.opening import BookError, close_office, open_office

log = logging.getLogger("pengaduan.kota")

RESTART_SECONDS = (5, 15, 60, 300)  # pauses before a dead office loop is started again
STATUS_EVERY = 300  # seconds between the status lines of every office
WATCH_EVERY = 5  # seconds between looks at the folder of configurations


def office_configs(folder: Path) -> list[Path]:
    """The office configurations of a folder: every *.toml, in name order."""
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def refused(paths: list[Path]) -> dict[Path, str]:
    """Of these configurations, those that share a book, files folder or mailbox with another,
    each with its line ("x.toml tidak dijalankan: ..."), for one cycle of each (`jalankan
    --kantor DIR --sekali`); one that cannot be read is left to the caller, which reports it."""
    names = [p.name for p in paths]
    label = {p: p.name if names.count(p.name) == 1 else str(p) for p in paths}
    read: dict[Path, Config] = {}
    for path in paths:
        try:
            read[path] = load_config(path)
        except (ConfigError, OSError):
            continue
    found = clashes({label[path]: places(cfg) for path, cfg in read.items()})
    return {path: f"{label[path]} tidak dijalankan: {found[label[path]]}" for path in read if label[path] in found}


@dataclass
class Runner:
    """One office's loop in its thread, and what the supervisor knows of it."""

    key: str
    source: Path | Office
    stamp: float = 0.0  # the configuration file's mtime when read
    config: Config | None = None  # as read by the supervisor (None: it could not be read)
    unreadable: str = ""  # why it could not be read
    clash: str = ""  # what it shares with another office, which keeps both from running
    thread: threading.Thread | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    jobs: dict = field(default_factory=dict)
    name: str = ""
    problem: str = ""  # why the loop is not running (a bad configuration, a locked book, a crash)
    crashes: int = 0
    next_start: float = 0.0

    def health(self) -> str:
        if self.clash:
            return f"tidak berjalan: {self.clash}"
        if self.problem:
            return f"tidak berjalan: {self.problem}"
        failing = [f"{n} ({g.error})" for n, g in self.jobs.items() if g.failing_since is not None]
        return "gangguan: " + "; ".join(failing) if failing else "sehat"


class Supervisor:
    def __init__(self, offices: list[Office], folder: Path | None, now: Callable[[], dt.datetime],
                 stop: threading.Event, reload: threading.Event, *, daemon, since: dt.date | None = None,
                 idle: bool = True):
        """`daemon`: the module whose run_office, jobs_of and BookLock run one office (jobs.daemon)."""
        self.folder, self.now, self.stop, self.reload = folder, now, stop, reload
        self.daemon = daemon
        self.since, self.idle = since, idle
        self.runners: dict[str, Runner] = {}
        for office in offices:  # given on the command line or by a test: kept as they are
            self.runners[str(office.config.path)] = Runner(str(office.config.path), office, config=office.config)
        self.last_status: dict[str, str] = {}

    def run(self) -> None:
        self._scan()  # every office read and checked against the others before any starts
        next_watch = next_status = time.monotonic()
        try:
            while not self.stop.is_set():
                moment = time.monotonic()
                if self.folder and (self.reload.is_set() or moment >= next_watch):
                    self.reload.clear()
                    self._scan()
                    next_watch = moment + WATCH_EVERY
                for runner in list(self.runners.values()):
                    self._keep_running(runner, moment)
                self._report(force=moment >= next_status)
                if moment >= next_status:
                    next_status = moment + STATUS_EVERY
                self.stop.wait(1.0)
        finally:
            for runner in self.runners.values():
                runner.stop.set()
            for runner in self.runners.values():
                if runner.thread:
                    runner.thread.join(timeout=30)

    def _scan(self) -> None:
        """Offices added, removed or changed in the folder since the last look; then which of
        them share a book, files folder or mailbox."""
        if self.folder is not None:
            self._look_at_folder(self.folder)
        self._find_clashes()

    def _look_at_folder(self, folder: Path) -> None:
        seen = {str(p): p for p in office_configs(folder)}
        for key in [k for k, r in self.runners.items() if isinstance(r.source, Path) and k not in seen]:
            log.info("kantor %s dihapus dari %s; berhenti", self.runners[key].name or key, folder)
            self._halt(self.runners.pop(key))
        for key, path in seen.items():
            stamp = path.stat().st_mtime
            runner = self.runners.get(key)
            if runner is None:
                self.runners[key] = runner = Runner(key, path, stamp=stamp)
            elif isinstance(runner.source, Path) and stamp != runner.stamp:
                log.info("konfigurasi %s berubah; kantor itu dimulai ulang", path.name)
                self._halt(runner)
                self.runners[key] = runner = Runner(key, path, stamp=stamp)
            if runner.config is None and not (runner.thread and runner.thread.is_alive()):
                self._read(runner, path)  # a file that could not be read is tried again at every look

    @staticmethod
    def _read(runner: Runner, path: Path) -> None:
        """The office's configuration, read here (not in its thread) so that the offices it would
        share a book or a mailbox with are known before any of them starts."""
        try:
            runner.config, runner.unreadable = load_config(path), ""
        except (ConfigError, OSError) as exc:
            runner.config, runner.unreadable = None, str(exc)

    def _find_clashes(self) -> None:
        """Offices naming one book, files folder or mailbox: none of them runs (a running one is
        stopped), whichever came first, so no race picks a winner; each is started again once
        what it shared is its own."""
        label = {key: self._label(key) for key in self.runners}
        found = clashes({label[r.key]: places(r.config) for r in self.runners.values() if r.config is not None})
        for runner in self.runners.values():
            clash = found.get(label[runner.key], "")
            if clash == runner.clash:
                continue
            runner.clash = clash
            if clash:
                log.error("kantor %s tidak dijalankan: %s", label[runner.key], clash)
                self._halt(runner)
                runner.thread = None  # asked to stop: not a crash
            else:
                log.info("kantor %s tidak lagi berbagi buku, folder berkas atau kotak surat; dijalankan",
                         label[runner.key])
                runner.crashes, runner.next_start, runner.problem = 0, 0.0, ""

    def _label(self, key: str) -> str:
        """How a line names an office's file: its name in the folder, its path when given apart."""
        path = Path(key)
        return path.name if self.folder is not None and path.parent == self.folder else key

    def _halt(self, runner: Runner) -> None:
        runner.stop.set()
        if runner.thread:
            runner.thread.join(timeout=30)

    def _keep_running(self, runner: Runner, moment: float) -> None:
        if runner.clash or runner.thread and runner.thread.is_alive():
            return
        if runner.thread is not None:  # it ended without being asked to: a crash or a refusal
            runner.crashes += 1
            pause = RESTART_SECONDS[min(runner.crashes - 1, len(RESTART_SECONDS) - 1)]
            runner.next_start = moment + pause
            runner.thread = None
            log.error("kantor %s berhenti (%s); dimulai lagi dalam %s detik", runner.name or runner.key,
                      runner.problem or "galat", pause)
        if moment < runner.next_start or self.stop.is_set():
            return
        runner.stop = threading.Event()
        runner.thread = threading.Thread(target=self._office_thread, args=(runner,), daemon=True,
                                         name=f"kantor-{Path(runner.key).stem}")
        runner.thread.start()

    def _office_thread(self, runner: Runner) -> None:
        """One office from its configuration to its loop's end, in this thread only."""
        daemon = self.daemon
        stop = runner.stop  # set by the supervisor for this office, or for all at the daemon's end
        try:
            config = runner.config
            if config is None:
                raise ConfigError(runner.unreadable)
            runner.name = config.office_name
            lock = daemon.BookLock(config.database)  # the book's own guard, beside the check of clashes
            lock.acquire()
        except (ConfigError, RuntimeError, OSError) as exc:
            runner.problem = str(exc)
            log.error("kantor %s tidak dapat dijalankan: %s", runner.key, exc)
            return
        try:
            office = open_office(config, create=True)  # this thread's own connection
            runner.problem = ""
            runner.jobs = daemon.jobs_of(office, self.now, stop=stop)
            daemon.run_office(office, self.now, stop, since=self.since, idle=self.idle, jobs=runner.jobs)
            close_office(office)
        except BookError as exc:
            runner.problem = str(exc)
            log.error("kantor %s: %s", runner.name, exc)
        except Exception as exc:  # one office's fault never stops the others
            runner.problem = f"galat tak terduga: {exc}"
            log.exception("kantor %s berhenti karena galat", runner.name)
        finally:
            lock.release()

    def _report(self, force: bool) -> None:
        for runner in self.runners.values():
            status = runner.health()
            if force or self.last_status.get(runner.key) != status:
                log.info("status kantor %s (%s): %s", runner.name or "?", Path(runner.key).name, status)
                self.last_status[runner.key] = status

