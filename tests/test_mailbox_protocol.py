"""The mailbox protocol over the real Dovecot: exactly once through resets, moves, crashes,
restarts; IDLE delivery; the first import of an old mailbox."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
import time

from jobs.daemon import run_forever
from jobs.demo import complaint_message
from office.base import Office
from sop.book import Book
from tests.helpers import office_box


def acks(env, index=0):
    return [m for m in env.inbox(env.cast.citizens[index][1]) if "Tanda Terima" in m.subject]


def test_uidvalidity_reset_does_not_record_anything_twice(env, caplog):
    env.complain(0)
    env.cycle()
    # The server renumbers the INBOX and a processed message lands there again.
    with office_box(env, "Diproses") as box:
        box.copy(box.uids("ALL"), "INBOX")
    env.rig.doveadm("mailbox", "update", "-u", env.cast.office, "--uid-validity", "4242", "INBOX")
    env.complain(1)
    env.cycle()
    assert "UIDVALIDITY" in caplog.text
    assert len(env.office.book.complaints.listed()) == 2
    assert len(acks(env, 0)) == 1 and len(acks(env, 1)) == 1
    assert env.office.book.messages.cursor("INBOX")["uidvalidity"] == 4242


def test_a_message_moved_back_into_the_inbox_stays_one_entry(env):
    env.complain(0)
    env.cycle()
    with office_box(env, "Diproses") as box:
        box.move(box.uids("ALL"), "INBOX")
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 1 and len(acks(env)) == 1
    with office_box(env) as box:
        assert box.uids("ALL") == []


DRIVER = textwrap.dedent("""
    import os, signal, sys
    from intake import mailbox
    from office.config import load_config
    from jobs.daemon import run_once
    from office.base import Office
    from sop.book import Book

    def die(self, uids, folder=None):
        if uids:
            os.kill(os.getpid(), signal.SIGKILL)  # power cut: after the commit, before the move
    mailbox.Mailbox.mark_processed = die
    cfg = load_config(sys.argv[1])
    run_once(Office(cfg, Book(cfg.database)))
""")


def test_killed_between_commit_and_move_the_next_start_finishes_without_duplicates(env):
    env.complain(0)
    env.complain(1)
    killed = subprocess.run([sys.executable, "-c", DRIVER, str(env.config_path)], capture_output=True,
                            text=True, timeout=120, cwd=os.getcwd())
    assert killed.returncode == -9, killed.stderr
    assert len(env.office.book.complaints.listed()) == 2  # committed before the kill
    with office_box(env) as box:
        assert len(box.uids("ALL")) == 2  # still in the INBOX
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 2
    assert len(acks(env, 0)) == 1 and len(acks(env, 1)) == 1
    with office_box(env) as box:
        assert box.uids("ALL") == []


def test_dovecot_restarting_during_a_fetch_loses_nothing(env, monkeypatch):
    from dataclasses import replace

    from intake import mailbox
    from jobs.outgoing import send_due

    env.office.config = replace(env.config, mailbox=replace(env.config.mailbox, batch=1))
    for i in range(3):
        env.complain(i % 2, subject=f"Pengaduan {i}")
    real_fetch = mailbox.Mailbox.fetch

    def fetch_then_crash_server(self, uids):
        for n, item in enumerate(real_fetch(self, uids)):
            yield item
            if n == 0:
                env.rig.stop_dovecot()
    monkeypatch.setattr(mailbox.Mailbox, "fetch", fetch_then_crash_server)
    env.cycle()  # must not raise, whatever the server did mid-way
    monkeypatch.setattr(mailbox.Mailbox, "fetch", real_fetch)
    env.rig.start_dovecot()
    env.cycle()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    send_due(env.office.book, env.config.smtp, env.cast.office, later)  # retries after the outage
    assert sorted(r["subject"] for r in env.office.book.complaints.listed()) == ["Pengaduan 0", "Pengaduan 1",
                                                                          "Pengaduan 2"]
    assert len(acks(env, 0)) == 2 and len(acks(env, 1)) == 1
    assert all(r["sent_at"] for r in env.office.book.outbox.listed())
    with office_box(env) as box:
        assert box.uids("ALL") == []


def test_idle_brings_a_new_complaint_in_within_seconds(env):
    from dataclasses import replace

    config = replace(env.config, poll_seconds=3600)  # only IDLE can wake it in time
    stop = threading.Event()

    def daemon_thread():  # the daemon owns its own book connection, as in its own process
        run_forever(Office(config, Book(config.database)), stop=stop)

    daemon = threading.Thread(target=daemon_thread, daemon=True)
    daemon.start()
    try:
        time.sleep(1.0)  # the watcher is in IDLE
        sent = time.monotonic()
        env.complain(0)
        while time.monotonic() - sent < 15 and not acks(env):
            time.sleep(0.1)
        assert acks(env), "no acknowledgement without polling"
        assert time.monotonic() - sent < 10
    finally:
        stop.set()
        daemon.join(timeout=10)


def test_first_run_since_a_date_imports_older_mail_without_acting(env):
    name, address, subject, body = env.cast.citizens[0]
    with office_box(env) as box:
        old = complaint_message(name, address, "Pengaduan lama 2020", body, to=env.cast.office)
        box.append(old.as_bytes(), "INBOX", dt=dt.datetime(2020, 5, 1, tzinfo=dt.timezone.utc))
    env.complain(1)
    from jobs.daemon import run_once

    run_once(env.office, since=dt.date(2024, 1, 1))
    assert [r["subject"] for r in env.office.book.complaints.listed()] == [env.cast.citizens[1][2]]
    [imported] = env.office.book.messages.listed("old")
    assert imported["subject"] == "Pengaduan lama 2020" and imported["raw_path"]
    assert acks(env, 0) == []
    with office_box(env) as box:
        assert box.uids("ALL") == []


def test_without_move_processed_mail_is_tagged_and_never_expunged(env, monkeypatch):
    from intake import mailbox

    real_enter = mailbox.Mailbox.__enter__

    def enter_without_move(self):
        real_enter(self)
        self._can_move = False  # as on a server that lacks the MOVE extension
        return self

    monkeypatch.setattr(mailbox.Mailbox, "__enter__", enter_without_move)
    env.complain(0)
    env.cycle()
    env.complain(1)
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 2 and len(acks(env, 0)) == 1
    with office_box(env) as box:
        messages = list(box.fetch(mark_seen=False))
        assert len(messages) == 2  # both still in the INBOX, nothing deleted
        assert all(mailbox.PROCESSED_KEYWORD in m.flags for m in messages)
        assert all("\\Deleted" not in m.flags for m in messages)


def test_idle_survives_a_dovecot_restart(env):
    from dataclasses import replace

    config = replace(env.config, poll_seconds=3600)
    stop = threading.Event()

    def daemon_thread():
        run_forever(Office(config, Book(config.database)), stop=stop)

    daemon = threading.Thread(target=daemon_thread, daemon=True)
    daemon.start()
    try:
        time.sleep(1.0)
        env.rig.stop_dovecot()  # the watcher's IDLE connection drops
        time.sleep(1.5)
        env.rig.start_dovecot()
        env.complain(0)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not acks(env):
            time.sleep(0.2)
        assert acks(env), "no acknowledgement after the server came back"
    finally:
        stop.set()
        daemon.join(timeout=15)
