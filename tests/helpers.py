"""Helpers that several test files share: how a test plays a complaint by mail, reads the
mail it caused and the files it made. Fixtures live in conftest.py; these are plain calls."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from imap_tools import MailBoxUnencrypted

from sop.clock import WITA

DESK_PASSWORD = "sandi-rahasia-123"  # every desk account a test makes (conftest's `desk`)


def start(env, index: int = 0, **overrides) -> str:
    """A citizen's complaint by mail (the cast's citizen `index`), taken in: its number."""
    env.complain(index, **overrides)
    env.cycle()
    return env.office.book.complaints.listed()[-1]["number"]


def through(env, number, *steps):
    """Play steps by reply: (role, step, text) tuples."""
    for role, step, text in steps:
        env.reply(role, number, step, text)
        env.cycle()


def subjects(env, address) -> list[str]:
    """The subjects in `address`'s mailbox, folded onto one line each."""
    return [" ".join(m.subject.split()) for m in env.inbox(address)]


def office_box(env, folder="INBOX") -> MailBoxUnencrypted:
    """The office's own mailbox on the rig, logged in, with `folder` selected."""
    box = MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo")
    box.folder.set(folder)
    return box


def wita(*args) -> dt.datetime:
    """A moment in office time: wita(2026, 12, 7, 8, 0)."""
    return dt.datetime(*args, tzinfo=WITA)


def show(env, number: str) -> dict:
    """`pengaduan lihat NUMBER --json`, as staff run it."""
    from tests.test_cli import pengaduan

    result = pengaduan("--config", str(env.config_path), "lihat", number, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def pdf_text(source: bytes | Path) -> str:
    """The text of a PDF (bytes, or a file), laid out as poppler's pdftotext reads it."""
    if isinstance(source, Path):
        source = source.read_bytes()
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=source, capture_output=True,
                          check=True).stdout.decode()


def forbid_subprocess_in_transaction(monkeypatch) -> list:
    """Make every subprocess started while this thread holds a book transaction fail (LibreOffice,
    pdftotext, anything), and list it: a test asserts the list stays empty, since the failure
    itself may be caught by the code under test. Other threads (a desk request, the PDF job)
    keep their own count."""
    import threading
    from contextlib import contextmanager

    from sop.book.store import Store

    open_here = threading.local()
    caught: list = []
    transaction = Store.transaction

    @contextmanager
    def counted(self):
        depth = getattr(open_here, "depth", 0)
        open_here.depth = depth + 1
        try:
            with transaction(self) as book:
                yield book
        finally:
            open_here.depth = depth

    start = subprocess.Popen.__init__

    def guarded(self, args, *rest, **options):
        if getattr(open_here, "depth", 0):
            caught.append(args)
            raise AssertionError(f"subprocess inside a book transaction: {args}")
        start(self, args, *rest, **options)

    monkeypatch.setattr(Store, "transaction", counted)
    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)
    return caught


def append_complaints(env, count: int, *, sender=lambda i: f"warga{i}", subject="Lampu jalan padam {i}",
                      key="gugus", body="Lampu jalan di RT {i} padam sejak minggu lalu.") -> None:
    """`count` complaints put straight into the office's INBOX over IMAP (a backlog, not a delivery),
    each with its own Message-ID; `sender(i)` names the local part of the i-th citizen's address."""
    from email.message import EmailMessage

    with office_box(env) as box:
        for i in range(count):
            msg = EmailMessage()
            msg["From"] = f"Warga {i} <{sender(i)}@warga.{env.cast.domain}>"
            msg["To"] = env.cast.office
            msg["Subject"] = subject.format(i=i)
            msg["Message-ID"] = f"<{key}-{i}@warga.{env.cast.domain}>"
            msg.set_content(body.format(i=i))
            box.append(msg.as_bytes(), "INBOX")
