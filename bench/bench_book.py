"""How the book's hot paths grow: the deadline sweep, `book` and `show`, at 10k, 100k and 1M
complaints (generated straight into a real SQLite book), and `pengaduan --help` against
`python -c pass`, and the peak memory of parsing one 25 MB message.

Run: python bench/bench_book.py [--sizes 10000 100000 1000000] [--runs 5]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_letters import cpu

from jobs.clocks import check_deadlines
from jobs.config import load_config
from jobs.demo import write_config
from jobs.views import complaint_json
from jobs.workflow import Office
from sop.book import Book, iso


class _Ports:
    imap_port = smtp_port = 1  # the benchmark never connects


def generated_office(size: int, folder: Path) -> Office:
    cfg = load_config(write_config(folder, _Ports()))
    book = Book(cfg.database)
    now = dt.datetime.now(dt.timezone.utc)
    open_every = 100  # one complaint in a hundred is still open
    with book.transaction():
        book.conn.executemany(
            "INSERT INTO complaints(number, state, step, channel, received_at, name, email, subject, body, closed_at) "
            "VALUES (?, ?, ?, 'email', ?, ?, ?, ?, 'Isi pengaduan.', ?)",
            ((f"PGD/2026/{i:07d}", "open" if i % open_every == 0 else "closed", 3 if i % open_every == 0 else None,
              iso(now - dt.timedelta(minutes=i)), f"Warga {i}", f"w{i}@warga.test", f"Pengaduan {i}",
              None if i % open_every == 0 else iso(now)) for i in range(1, size + 1)))
        book.conn.executemany(
            "INSERT INTO tasks(complaint_id, step, role, official, token, message_id, opened_at, due_at, done_at) "
            "VALUES (?, 3, 'camat', 'camat@kecamatan.test', ?, ?, ?, ?, ?)",
            ((i, f"t{i}", f"<tugas.t{i}.pgd@kecamatan.test>", iso(now - dt.timedelta(days=3)),
              iso(now + dt.timedelta(days=7 - (i % 14))), None if i % open_every == 0 else iso(now))
             for i in range(1, size + 1)))
    return Office(cfg, book)


def timed(job, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, values: list[float]) -> None:
    print(f"{label:52s} median {statistics.median(values):9.1f} ms  (min {min(values):.1f}, max {max(values):.1f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {cpu()}, Python {platform.python_version()}")
    for size in args.sizes:
        office = generated_office(size, Path(tempfile.mkdtemp(prefix="pgd-bench-")))
        # A Monday in office hours, between nudges: the sweep reads every open task and sends nothing.
        monday = dt.datetime(2030, 1, 7, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 WITA
        with office.book.transaction():
            office.book.conn.execute("UPDATE tasks SET reminders = 2, escalations = 1, last_reminded_at = ?",
                                     (iso(monday),))
        report(f"deadline sweep, {size:,} complaints", timed(lambda: check_deadlines(office, monday), args.runs))
        plan = office.book.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM tasks WHERE done_at IS NULL "
                                        "ORDER BY due_at").fetchall()
        print(f"{'':52s} plan: {' / '.join(row[-1] for row in plan)}")
        now = dt.datetime.now(dt.timezone.utc)
        report(f"book --json --terbuka, {size:,} complaints",
               timed(lambda: json.dumps([complaint_json(office, r, now) for r in office.book.complaints("open")]),
                     args.runs))
        number = f"PGD/2026/{size // 2:07d}"
        report(f"show, {size:,} complaints",
               timed(lambda: complaint_json(office, office.book.complaint(number), now, detail=True), args.runs))
    exe = Path(sys.executable).parent / "pengaduan"
    helps = timed(lambda: subprocess.run([str(exe), "--help"], capture_output=True, check=True), args.runs)
    bare = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.runs)
    report("pengaduan --help", helps)
    report("python -c pass", bare)
    probe = ("import resource, sys\nfrom intake.parse import parse_message\n"
             "body = ('Jalan rusak. ' * 2_200_000).encode()\nimport base64\n"
             "att = base64.encodebytes(b'x' * (18 * 2**20)).decode()\n"
             "raw = (b'From: a@w.test\\r\\nSubject: besar\\r\\nMIME-Version: 1.0\\r\\n'\n"
             "       b'Content-Type: multipart/mixed; boundary=\"B\"\\r\\n\\r\\n--B\\r\\nContent-Type: text/plain\\r\\n\\r\\n'\n"
             "       + body[:6 * 2**20] + b'\\r\\n--B\\r\\nContent-Type: application/pdf\\r\\n'\n"
             "       b'Content-Disposition: attachment; filename=\"a.pdf\"\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\n'\n"
             "       + att.encode() + b'--B--\\r\\n')\n"
             "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
             "parse_message(raw)\n"
             "print(len(raw) / 2**20, before / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n")
    size_mb, before, peak = (float(x) for x in subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                                               text=True, check=True).stdout.split())
    print(f"{'one message of %.0f MB: peak RSS' % size_mb:52s} {peak:9.0f} MB  (after building it: {before:.0f} MB)")


if __name__ == "__main__":
    main()
