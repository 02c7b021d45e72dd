"""The desk and the daemon together under load (a shorter run of bench/bench_desk_load.py):
twenty members of staff browse, search and record walk-ins over real HTTP on the desk the
daemon serves, while the same daemon takes a backlog from the rig's IMAP and sends its mail.
Nobody meets a 5xx or "database is locked"; every walk-in and every backlog message is in the
book exactly once; every mail is sent."""

from __future__ import annotations

import threading

import pytest

from jobs.demo.load import Record, count_in_book, fill_backlog, outbox_sent, staff_day, start_daemon, wait_for_desk, watch_intake
from jobs.demo.mailrig import free_port
from office.desk import add_user
from sop.clock import utcnow

BACKLOG = 200
CLIENTS = 20
PASSWORD = "sandi-beban-2026"


@pytest.mark.slow
def test_twenty_staff_and_a_backlog_together_lose_nothing_and_meet_no_error(env):
    port = free_port()
    env.config_path.write_text(env.config_path.read_text() + f"\n[web]\nenabled = true\nport = {port}\n"
                                "[intake]\nack_per_hour = 100000\n[daemon]\npoll_seconds = 1\n")
    users = [(f"staf{i}", PASSWORD) for i in range(CLIENTS)]
    for name, password in users:
        add_user(env.office, name, "staf", password, utcnow())
    env.office.book.close()  # the daemon and the desk own the book from here
    fill_backlog(env.rig.imap_port, env.cast.office, "rahasia-demo", BACKLOG, "beban")
    log = env.directory / "daemon.log"
    daemon = start_daemon(env.config_path, log)
    record, drained = Record(), threading.Event()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_desk(base)
        watcher = threading.Thread(target=lambda: watch_intake(env.config.database, "beban", BACKLOG, drained, 600))
        watcher.start()
        staff_day(base, users, record, rounds=3, walk_ins=1, until=drained, tag="loket")
        watcher.join()
        unsent = outbox_sent(env.config.database, 120)
    finally:
        daemon.terminate()
        daemon.wait(timeout=120)
        stderr = log.read_text()
        env.office.book.__init__(env.config.database)  # reopened for the fixture's own checks
    assert not record.problems, record.problems[:10]
    assert record.statuses and all(status < 500 for status in record.statuses)
    assert "database is locked" not in stderr
    database = env.config.database
    assert count_in_book(database, "SELECT count(*) FROM complaints WHERE subject LIKE 'beban %'") == BACKLOG
    assert count_in_book(database, "SELECT count(DISTINCT subject) FROM complaints WHERE subject LIKE 'beban %'") == BACKLOG
    assert len(record.walk_ins) == CLIENTS
    for subject, number in record.walk_ins:  # each walk-in once, under the number the desk showed
        assert count_in_book(database, "SELECT count(*) FROM complaints WHERE subject = ?", (subject,)) == 1
        assert count_in_book(database, "SELECT count(*) FROM complaints WHERE subject = ? AND number = ?",
                             (subject, number)) == 1
    assert unsent == 0
