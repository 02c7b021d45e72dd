"""Shared fixtures: one real mail rig (Dovecot + SMTP on loopback) for the session, and a
fresh office per test with its own mail domain, config, book and files."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Fuzzing budgets: a quick look on a laptop, a few minutes in CI, longer on demand.
settings.register_profile("cepat", max_examples=300)
settings.register_profile("ci", max_examples=20_000)  # about three minutes of fuzzing
settings.register_profile("lama", max_examples=200_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "cepat"))

from jobs.daemon import run_once
from jobs.demo import PASSWORD, Cast, complaint_message, find_routing, inbox, reply_to, signature_png, write_config
from jobs.demo.mailrig import MailRig
from letters.seal import make_key
from office.base import Office
from office.config import Config, load_config
from office.letter_pdfs import finish as finish_pdfs
from sop.book import Book

_domains = itertools.count(1)


@pytest.fixture(autouse=True)
def mail_renders_as_stock_jinja(monkeypatch):
    """Every mail rendered anywhere in the suite is rendered again by stock Jinja with the
    same settings and must be the same text: the mail environment inlines includes and
    reads dict keys first, for speed only."""
    from letters import mail

    fast = mail._text

    def checked(name: str, context: dict) -> str:
        text = fast(name, context)
        assert text == mail._environment(plain=True).get_template(f"{name}.txt").render(**context), name
        return text

    monkeypatch.setattr(mail, "_text", checked)


@pytest.fixture(scope="session")
def rig():
    with MailRig(password=PASSWORD) as started:
        yield started


@dataclass
class Env:
    """A running office on the rig, and helpers that act as its people would."""

    rig: MailRig
    cast: Cast
    directory: Path
    config_path: Path
    config: Config
    office: Office

    def cycle(self) -> None:
        run_once(self.office)

    def complain(self, index: int = 0, **overrides) -> None:
        name, address, subject, body = self.cast.citizens[index]
        values = dict(name=name, address=address, subject=subject, body=body) | overrides
        self.rig.send(complaint_message(values["name"], values["address"], values["subject"],
                                        values["body"], to=self.cast.office))

    def send(self, sender: str, to: str, subject: str, body: str, **headers: str) -> None:
        """A hand-made message through the rig's SMTP (header names with '_' for '-')."""
        from email.message import EmailMessage
        from email.utils import make_msgid

        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, subject
        for name, value in headers.items():
            msg[name.replace("_", "-")] = value
        msg["Message-ID"] = make_msgid()
        msg.set_content(body)
        self.rig.send(msg)

    @property
    def head(self) -> str:
        """The role that decides (step 3) and signs: camat, or lurah on the kelurahan SOP."""
        return self.cast.head

    def official(self, role: str) -> tuple[str, str]:
        return self.cast.officials[role]

    def routing(self, role: str, number: str, step: int | str):
        return find_routing(self.rig, self.official(role)[1], number, step)

    def reply(self, role: str, number: str, step: int | str, text: str, sender: tuple[str, str] | None = None):
        routing = self.routing(role, number, step)
        assert routing is not None, f"no routing email for {number} step {step} in {role}'s mailbox"
        self.rig.send(reply_to(routing, sender or self.official(role), text))
        return routing

    def inbox(self, address: str):
        return inbox(self.rig, address)

    def complaint(self, number: str) -> dict:
        return self.office.book.complaints.by_number(number)


@contextlib.contextmanager
def make_env(rig, extra: str = "", head: str = "camat", **options):
    """A fresh office on the rig; `extra` is appended to its configuration file, `options` go to
    jobs.demo.write_config (monthly_reports=True, say)."""
    cast = Cast(domain=f"k{next(_domains)}.test", head=head)
    directory = Path(tempfile.mkdtemp(prefix="pgd-test-"))
    signature = directory / "ttd.png"
    signature.write_bytes(signature_png())
    path = write_config(directory, rig, signature, cast, extra=extra, **options)
    make_key(directory / "data" / "files" / "kunci" / "segel-kantor.key")
    config = load_config(path)
    office = Office(config, Book(config.database))
    yield Env(rig, cast, directory, path, config, office)
    from tests.leaks import citizen_token_leaks, token_leaks

    # The test may have changed the office's configuration.
    leaks = token_leaks(office.book, office.config) + citizen_token_leaks(office.book)
    office.book.close()
    shutil.rmtree(directory, ignore_errors=True)
    assert not leaks, leaks  # every test's mail is walked: a live token only to its holder


@pytest.fixture(params=["camat", "lurah"], ids=["kecamatan", "kelurahan"])
def sop_env(rig, request):
    """An office on Palaran's SOP, then a kelurahan on the shipped kelurahan SOP: a test that
    takes this fixture passes on both."""
    with make_env(rig, head=request.param) as made:
        yield made


@pytest.fixture
def env(rig):
    with make_env(rig) as made:
        yield made


@contextlib.contextmanager
def served_desk(config_path: Path, threads: int = 2):
    """The desk of the office at `config_path`, served by waitress on a free loopback port; its
    address. On leaving, every socket is closed from the server's own loop (closed from here,
    a socket it is waiting on raised EBADF in its thread), then its threads are joined."""
    from jobs.serving import Background
    from jobs.web import make_server

    served = Background(make_server(config_path, "127.0.0.1", 0, threads), "meja-uji")
    try:
        yield f"http://127.0.0.1:{served.effective_port}"
    finally:
        served.close()
        finish_pdfs()  # the PDFs its requests started (office.letter_pdfs), before the office goes


def stop_waitress(server, thread: threading.Thread) -> None:
    """Close every socket of a waitress server from its own loop, then join its threads (the
    desk's and public pages' own clean stop, jobs.serving.stop)."""
    from jobs.serving import stop

    stop(server, thread)


@pytest.fixture
def desk(env):
    """The desk of the test's office, served on a free loopback port, with three accounts (rina:
    staf, camat: pimpinan, admin: admin) whose password is tests.helpers.DESK_PASSWORD."""
    from office.desk import add_user
    from sop.clock import utcnow
    from tests.helpers import DESK_PASSWORD

    for name, role in (("rina", "staf"), ("camat", "pimpinan"), ("admin", "admin")):
        add_user(env.office, name, role, DESK_PASSWORD, utcnow())
    with served_desk(env.config_path) as address:
        yield address


# Known to outlive their test, each for a reason to fix: warned about, not failed, until then.
# No module is tolerated any more (every desk and public server a test starts stops with its
# workers: jobs.serving.Background); the daemon's IMAP IDLE watcher sees `stop` only when its
# IDLE wait ends (jobs.daemon.IdleWatcher, up to IDLE_RENEW_SECONDS); the demo's hung server
# (BlackHole) stays in accept() after its socket is closed.
MODULES_TOLERATED: set[str] = set()
THREADS_TOLERATED = ("idle", "(_accept)")


def _kept_on_purpose(thread: threading.Thread) -> bool:
    """The parse-ahead worker's pool (jobs.parse_ahead) lives as long as the process, by design; so
    does the executor of Playwright's event loop (asyncio_N), which a module's browser keeps."""
    if thread.name.startswith("asyncio_"):
        return True
    from concurrent.futures.process import _ExecutorManagerThread

    return isinstance(thread, _ExecutorManagerThread) or thread.name == "QueueFeederThread"


@pytest.fixture(autouse=True)
def no_thread_left_running(request):
    """No server (or any other thread) a test started outlives it. Function fixtures of the same
    test are torn down before this one (it is set up first), broader ones are up before it."""
    before = set(threading.enumerate())
    yield
    finish_pdfs()  # a PDF run a request started ends with its test (office.letter_pdfs.start)
    left = [t for t in threading.enumerate() if t not in before and not _kept_on_purpose(t)]
    for thread in left:
        thread.join(2)
    left = [t.name for t in left if t.is_alive()]
    tolerated = Path(request.node.fspath).name in MODULES_TOLERATED
    known = [name for name in left if tolerated or name.endswith(THREADS_TOLERATED)]
    if known:
        warnings.warn(f"threads known to outlive their test: {known}", stacklevel=1)
    if unknown := [name for name in left if name not in known]:
        pytest.fail(f"threads left running after the test: {unknown}")


# What the slow tests cost, printed at the end of every run that includes them (CI runs them).
_slow_durations: list[tuple[str, float]] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and "slow" in report.keywords:
        _slow_durations.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter):
    if _slow_durations:
        terminalreporter.section("slow tests (marked slow; deselect with -m 'not slow')")
        for nodeid, seconds in _slow_durations:
            terminalreporter.write_line(f"{seconds:8.1f} s  {nodeid}")
