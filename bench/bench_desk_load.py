"""The desk and the daemon together, on the mail rig (jobs.demo.load): 20 members of staff
browse, search and record walk-ins over HTTP on the desk the daemon serves ([web] enabled),
while the daemon takes a 2,000-message backlog from IMAP and sends its mail; beside it the
same desk load with the daemon idle, and the same backlog with nobody at the desk.

Reported: page time p50/p95 (walk-ins apart: each uploads a file and writes its receipt), the intake
rate (backlog messages a second, from the daemon's start to the last one in the book), and
what must stay at zero: 5xx answers, pages with "database is locked", walk-ins or backlog
messages missing or doubled, mail left unsent.

Run: python bench/bench_desk_load.py [--backlog 2000] [--clients 20] [--rounds 10]
Not part of the test suite (tests/test_desk_load.py runs a shorter one); no figure is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
from pathlib import Path

from common import machine

from jobs.demo import PASSWORD, write_config
from jobs.demo.load import (
    Record,
    count_in_book,
    fill_backlog,
    outbox_sent,
    staff_day,
    start_daemon,
    summary,
    wait_for_desk,
    watch_intake,
)
from jobs.demo.mailrig import MailRig, free_port
from office.base import Office
from office.config import load_config
from office.desk import add_user
from sop.book import Book
from sop.clock import utcnow

STAFF_PASSWORD = "sandi-beban-2026"


def one_run(rig: MailRig, label: str, *, backlog: int, clients: int, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-beban-"))
    try:
        port = free_port()
        office = f"pengaduan@{label}.test"
        from jobs.demo import Cast

        cast = Cast(domain=f"{label}.test")
        config = write_config(folder, rig, cast=cast, extra=f"\n[web]\nenabled = true\nport = {port}\n"
                              "[intake]\nack_per_hour = 100000\n[daemon]\npoll_seconds = 1\n")
        cfg = load_config(config)
        book = Book(cfg.database)
        users = [(f"staf{i}", STAFF_PASSWORD) for i in range(clients)]
        for name, password in users:
            add_user(Office(cfg, book), name, "staf", password, utcnow())
        book.close()
        if backlog:
            fill_backlog(rig.imap_port, office, PASSWORD, backlog, "beban")
        daemon = start_daemon(config, folder / "daemon.log")
        record, drained = Record(), threading.Event()
        took: list[float | None] = [None]
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_desk(base)
            if backlog:
                watcher = threading.Thread(target=lambda: took.__setitem__(
                    0, watch_intake(cfg.database, "beban", backlog, drained, 1800)))
                watcher.start()
            if clients:
                staff_day(base, users, record, rounds=rounds, walk_ins=1, until=drained if backlog else None)
            if backlog:
                watcher.join()
            unsent = outbox_sent(cfg.database, 600)
        finally:
            daemon.terminate()
            daemon.wait(timeout=120)
        log = (folder / "daemon.log").read_text()
        rate = (f"{backlog / took[0]:.0f} messages/s ({took[0]:.1f} s from the desk answering)" if backlog and took[0]
                else ("not drained" if backlog else "-"))
        in_book = count_in_book(cfg.database, "SELECT count(*) FROM complaints WHERE subject LIKE 'beban %'")
        doubled = [s for s, _ in record.walk_ins
                   if count_in_book(cfg.database, "SELECT count(*) FROM complaints WHERE subject = ?", (s,)) != 1]
        print(f"{label}: pages {summary(record.all_seconds())}; walk-ins {summary(record.seconds.get('catat', []))}; "
              f"intake {rate}")
        print(f"  5xx/locked: {len(record.problems)}; backlog in book {in_book}/{backlog}; walk-ins recorded "
              f"{len(record.walk_ins)}/{clients}, missing or doubled {len(doubled)}; unsent mail {unsent}; "
              f"'database is locked' in the daemon's log: {log.count('database is locked')}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.clients} desk clients, {args.rounds} rounds each (list, search, a "
          f"complaint; one walk-in each), backlog {args.backlog}")
    with MailRig(password=PASSWORD) as rig:
        one_run(rig, "meja", backlog=0, clients=args.clients, rounds=args.rounds)
        one_run(rig, "daemon", backlog=args.backlog, clients=0, rounds=0)
        one_run(rig, "bersama", backlog=args.backlog, clients=args.clients, rounds=args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
