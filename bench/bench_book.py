"""How the book's hot paths grow: the deadline sweep, `book` and `show`, at 10k, 100k and 1M
complaints (generated straight into a real SQLite book), and `pengaduan --help` against
`python -c pass`, and the peak memory of taking in one 25 MB message (a fresh process).

Run: python bench/bench_book.py [--sizes 10000 100000 1000000] [--runs 5]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, summary

from jobs.demo import write_config
from office.base import Office
from office.config import load_config
from office.deadlines import check_deadlines
from sop.book import Book, iso

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("intake", "jobs", "letters", "sop", "templates")


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
            "INSERT INTO tasks(complaint_id, step, role, official, token, message_id, opened_at, due_at, done_at, "
            "next_nudge_at) VALUES (?, 3, 'camat', 'camat@kecamatan.test', ?, ?, ?, ?, ?, ?)",
            ((i, f"t{i}", f"<tugas.t{i}.pgd@kecamatan.test>", iso(now - dt.timedelta(days=3)),
              iso(now + dt.timedelta(days=7 - (i % 14))), None if i % open_every == 0 else iso(now),
              iso(now - dt.timedelta(days=3))) for i in range(1, size + 1)))
    book.index_search()  # rows written directly: indexed here, not by the first timed search
    return Office(cfg, book)


def timed(job, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        out.append((time.perf_counter() - start) * 1000)
    return out


def command(config: Path, *args: str) -> callable:
    exe = Path(sys.executable).parent / "pengaduan"
    return lambda: subprocess.run([str(exe), "--config", str(config), *args], capture_output=True, check=True)


# Peak memory from VmHWM (this process's own high-water mark): ru_maxrss would carry over the
# size of the benchmark process that started it.
BIG_MESSAGE = """
import datetime as dt, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from office.config import load_config
from office.arrivals import process_raw
from office.base import Office
from sop.book import Book
office = Office(load_config(sys.argv[1]), Book(load_config(sys.argv[1]).database))
before = peak()
raw = open(sys.argv[2], "rb").read()
handled = process_raw(office, raw, dt.datetime.now(dt.timezone.utc))
assert handled.kind == "complaint", handled
print(before, peak())
"""


def big_message(path: Path, megabytes: int = 25) -> None:
    """A complaint with photos attached, `megabytes` on the wire (base64 as mail clients send)."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Warga <warga@warga.test>"
    msg["To"] = "pengaduan@kecamatan.test"
    msg["Subject"] = "Foto banjir di RT 07"
    msg["Message-ID"] = "<besar-1@warga.test>"
    msg.set_content("Terlampir foto-foto banjir di lingkungan kami.")
    for i in range(int(megabytes / 2 * 0.75) + 1):  # 2 MB photos; base64 adds a third
        msg.add_attachment(os.urandom(2 * 2**20), maintype="image", subtype="jpeg", filename=f"banjir-{i}.jpg")
    path.write_bytes(msg.as_bytes())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    # As installed (pip compiles to bytecode), not as first run from a fresh checkout.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="pgd-bench-"))
        office = generated_office(size, folder)
        # A Monday in office hours. Every open task has been reminded and escalated today, so
        # nothing is due: the sweep a running daemon makes every minute.
        monday = dt.datetime(2030, 1, 7, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 WITA
        with office.book.transaction():
            office.book.conn.execute("UPDATE tasks SET reminders = 2, escalations = 1, last_reminded_at = ?",
                                     (iso(monday - dt.timedelta(hours=1)),))
        first = timed(lambda office=office, monday=monday: check_deadlines(office, monday), 1)
        print(f"{size:,} complaints, {size // 100:,} open")
        summary("  first sweep (each open task looked at once)", first, "ms")
        summary("  deadline sweep", timed(lambda office=office, monday=monday: check_deadlines(office, monday), args.runs),
                "ms")
        plan = office.book.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM tasks WHERE done_at IS NULL AND "
                                        "next_nudge_at <= ? ORDER BY next_nudge_at", (iso(monday),)).fetchall()
        print(f"  {'':58s} plan: {' / '.join(row[-1] for row in plan)}")
        config = folder / "pengaduan.toml"
        number = f"PGD/2026/{size // 2:07d}"
        for label, args_ in (("pengaduan buku --json (newest 100)", ("buku", "--json")),
                             ("pengaduan buku --json --terbuka (newest 100 open)", ("buku", "--json", "--terbuka")),
                             ("pengaduan lihat NOMOR --json", ("lihat", number, "--json")),
                             ("pengaduan buku --json --terbuka --batas 0 (all open)",
                              ("buku", "--json", "--terbuka", "--batas", "0"))):
            summary(f"  {label}", timed(command(config, *args_), args.runs), "ms")
        office.book.close()
        shutil.rmtree(folder, ignore_errors=True)
    exe = Path(sys.executable).parent / "pengaduan"
    helps = timed(lambda: subprocess.run([str(exe), "--help"], capture_output=True, check=True), args.runs)
    bare = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.runs)
    summary("pengaduan --help", helps, "ms")
    summary("python -c pass", bare, "ms")
    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-"))
    config = write_config(folder, _Ports())
    message = folder / "besar.eml"
    big_message(message)
    peaks = []
    for _ in range(3):
        shutil.rmtree(folder / "data", ignore_errors=True)
        out = subprocess.run([sys.executable, "-c", BIG_MESSAGE, str(config), str(message)], capture_output=True,
                             text=True, check=True).stdout.split()
        started, peak = (float(x) for x in out)
        peaks.append(peak)
    size_mb = message.stat().st_size / 2**20
    summary(f"intake of one {size_mb:.0f} MB message: peak RSS (process at start: {started:.0f} MB)", peaks, "MB")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
