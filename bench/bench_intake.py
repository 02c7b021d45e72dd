"""Backlog intake: messages waiting in a real Dovecot INBOX, into the book, acknowledged and
routed (mails queued, raw kept), against the raw pipeline measured in the same run:
imaplib UID FETCH in batches + stdlib `policy=default` parse + one SQLite insert each, one
transaction.

django-helpdesk's own import (`get_email`) is measured on the same backlog (by default at
2,000 messages; it is installed from PyPI into its own virtual environment on first use).

Run: python bench/bench_intake.py [--sizes 500 2000 8000] [--runs 5] [--helpdesk 2000]
Not part of the test suite; no figure here is asserted anywhere. It ends with the goal (GOAL):
the median ratio against the raw pipeline at least 1.2 at every size, and against
django-helpdesk over 10, each ratio taken within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import imaplib
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from common import machine, summary
from helpdesk_baseline import Helpdesk

from jobs.demo import PASSWORD, Cast, write_config
from jobs.demo.mailrig import MailRig
from jobs.incoming import poll
from jobs.parse_ahead import ParseAhead
from office.base import Office
from office.config import load_config
from sop.book import Book

SOURCE = "Sumber"
# The goal: intake at least this many times the raw pipeline's rate at every backlog size
# (the median of the runs' ratios), and over this many times django-helpdesk's.
GOAL_RAW, GOAL_HELPDESK = 1.2, 10.0
PLACES = ("Rawa Makmur", "Bukuan", "Simpang Pasir", "Handil Bakti", "Bantuas", "Sungai Keledang")
TOPICS = (
    ("Lampu jalan padam", "Lampu penerangan jalan di depan rumah kami padam sejak dua minggu lalu."),
    ("Jalan berlubang", "Jalan lingkungan di RT kami berlubang besar dan membahayakan pengendara."),
    ("Pelayanan KTP lambat", "Pengurusan KTP elektronik saya belum selesai sejak bulan lalu."),
    ("Sampah menumpuk", "Sampah di tempat pembuangan sementara tidak diangkut selama seminggu."),
    ("Drainase tersumbat", "Saluran air tersumbat sehingga halaman rumah warga tergenang saat hujan."),
)


def backlog(n: int, seed: int = 7) -> list[bytes]:
    """`n` realistic complaints: plain or with an HTML part, one in ten with a 200 KB photo."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc)
    out = []
    for i in range(n):
        subject, body = TOPICS[i % len(TOPICS)]
        place = PLACES[i % len(PLACES)]
        msg = EmailMessage()
        msg["From"] = formataddr((f"Warga {i}", f"warga{i}@warga.test"))
        msg["To"] = Cast().office
        msg["Subject"] = f"{subject} di {place}"
        msg["Date"] = format_datetime(start + dt.timedelta(minutes=i))
        msg["Message-ID"] = make_msgid(idstring=f"b{i}", domain="warga.test")
        text = (f"Yth. Bapak/Ibu Camat Palaran,\n\n{body} Lokasi: RT {i % 40 + 1}, Kelurahan {place}.\n"
                + "Mohon perhatian dan tindak lanjutnya. " * rng.randint(2, 30)
                + f"\n\nHormat saya,\nWarga {i}\nTelp. 0812{i:07d}\n")
        msg.set_content(text)
        if i % 3 == 0:
            msg.add_alternative("<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines())
                                + "</body></html>", subtype="html")
        if i % 10 == 0:
            msg.add_attachment(rng.randbytes(200 * 1024), maintype="image", subtype="jpeg",
                               filename=f"foto-{i}.jpg")
        out.append(msg.as_bytes(policy=email.policy.SMTP))
    return out


def fill_source(rig: MailRig, user: str, messages: list[bytes]) -> None:
    imap = imaplib.IMAP4("127.0.0.1", rig.imap_port)
    imap.login(user, PASSWORD)
    imap.create(SOURCE)
    for raw in messages:
        imap.append(SOURCE, None, None, raw)
    imap.logout()


def reset_inbox(rig: MailRig, user: str) -> None:
    """Empty the INBOX and the processed folder, then copy the backlog in (server side)."""
    imap = imaplib.IMAP4("127.0.0.1", rig.imap_port)
    imap.login(user, PASSWORD)
    for folder in ("INBOX", "Diproses"):
        typ, data = imap.select(folder)
        if typ == "OK" and int(data[0]) > 0:
            imap.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            imap.expunge()
    imap.select(SOURCE, readonly=True)
    imap.uid("COPY", "1:*", "INBOX")
    imap.logout()


def raw_book(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(folder / "raw.db")
    db.execute("CREATE TABLE IF NOT EXISTS messages (uid INTEGER, message_id TEXT, sender TEXT, subject TEXT, "
               "body TEXT, raw BLOB)")
    return db


def raw_pipeline(rig: MailRig, user: str, db: sqlite3.Connection, batch: int = 50) -> int:
    """The baseline: fetch every message, parse it with the stdlib, insert it; one transaction."""
    imap = imaplib.IMAP4("127.0.0.1", rig.imap_port)
    imap.login(user, PASSWORD)
    imap.select("INBOX", readonly=True)
    uids = imap.uid("SEARCH", None, "ALL")[1][0].split()
    count = 0
    with db:
        for start in range(0, len(uids), batch):
            typ, data = imap.uid("FETCH", b",".join(uids[start:start + batch]), "(UID BODY.PEEK[])")
            for item in data:
                if not isinstance(item, tuple):
                    continue
                msg = email.message_from_bytes(item[1], policy=email.policy.default)
                part = msg.get_body(("plain", "html"))
                db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)",
                           (count, msg["Message-ID"], msg["From"], msg["Subject"],
                            part.get_content() if part else "", item[1]))
                count += 1
    imap.logout()
    db.close()
    return count


def office_for(rig: MailRig, folder: Path) -> Office:
    """A configured office with its (new) book: set up before the clock starts, as a running
    daemon is; the raw pipeline likewise has its table before it fetches."""
    cfg = load_config(write_config(folder, rig))
    return Office(cfg, Book(cfg.database))


def ours(office: Office) -> int:
    counts = poll(office, lambda: dt.datetime.now(dt.timezone.utc))
    queued = office.book.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    office.book.close()
    if counts.get("complaint", 0) == 0 or queued < 2 * counts["complaint"]:
        raise SystemExit(f"intake did not do its work: {counts}, {queued} mails queued")
    return counts["complaint"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--helpdesk", type=int, nargs="*", default=[2000],
                        help="backlog sizes at which django-helpdesk is measured too (none: skip it)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    user = Cast().office
    with MailRig(password=PASSWORD) as rig:
        helpdesk = None
        if set(args.helpdesk) & set(args.sizes):
            helpdesk = Helpdesk(Path(tempfile.mkdtemp(prefix="pgd-helpdesk-")), rig.imap_port, user, PASSWORD)
            print(f"baseline: {helpdesk.version()}")
        # Warm-up, not timed: a running daemon has its parse worker and imports ready.
        fill_source(rig, user, backlog(ParseAhead.MIN_BACKLOG * 2))
        reset_inbox(rig, user)
        ours(office_for(rig, Path(tempfile.mkdtemp(prefix="pgd-bench-"))))
        drop_source(rig, user)
        medians: dict[str, dict[int, float]] = {"raw": {}, "helpdesk": {}}
        for size in args.sizes:
            messages = backlog(size)
            megabytes = sum(map(len, messages)) / 2**20
            fill_source(rig, user, messages)
            contenders = ["raw", "ours"] + (["helpdesk"] if helpdesk and size in args.helpdesk else [])
            rates: dict[str, list[float]] = {name: [] for name in contenders}
            ratios: dict[str, list[float]] = {"raw": [], "helpdesk": []}
            for _ in range(args.runs):
                pair = {}
                for name in contenders:
                    reset_inbox(rig, user)
                    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-"))
                    if name == "helpdesk":
                        done, elapsed = helpdesk.run()
                    else:
                        setup = raw_book(folder) if name == "raw" else office_for(rig, folder)
                        start = time.perf_counter()
                        done = raw_pipeline(rig, user, setup) if name == "raw" else ours(setup)
                        elapsed = time.perf_counter() - start
                    shutil.rmtree(folder, ignore_errors=True)
                    if done != size:
                        raise SystemExit(f"{name}: {done} of {size} messages")
                    pair[name] = size / elapsed
                    rates[name].append(pair[name])
                for other in contenders[:1] + contenders[2:]:
                    ratios[other].append(pair["ours"] / pair[other])
            print(f"backlog of {size:,} messages ({megabytes:.0f} MB), {args.runs} runs")
            summary("  pengaduan (book, acknowledgement and routing queued)", rates["ours"], "msg/s")
            summary("  raw pipeline (imaplib + stdlib parse + insert)", rates["raw"], "msg/s")
            summary("  ratio pengaduan / raw", ratios["raw"], "x")
            if "helpdesk" in rates:
                summary("  django-helpdesk get_email (tickets, mails written)", rates["helpdesk"], "msg/s")
                summary("  ratio pengaduan / django-helpdesk", ratios["helpdesk"], "x")
            for other in medians:
                if ratios[other]:
                    medians[other][size] = statistics.median(ratios[other])
            drop_source(rig, user)
    print(goal(medians, args.runs))


def goal(medians: dict[str, dict[int, float]], runs: int) -> str:
    """The goal's line: each median ratio, and whether all of them reach it."""
    def listed(ratios: dict[int, float]) -> str:
        return ", ".join(f"{ratio:.2f}x at {size:,}" for size, ratio in ratios.items())

    met = all(r >= GOAL_RAW for r in medians["raw"].values()) and all(
        r > GOAL_HELPDESK for r in medians["helpdesk"].values())
    line = (f"goal: at least {GOAL_RAW}x the raw pipeline at every size (medians of {runs}): "
            f"{listed(medians['raw'])}")
    if medians["helpdesk"]:
        line += f"; over {GOAL_HELPDESK:.0f}x django-helpdesk: {listed(medians['helpdesk'])}"
    return f"{line}; {'met' if met else 'NOT met'}"


def drop_source(rig: MailRig, user: str) -> None:
    imap = imaplib.IMAP4("127.0.0.1", rig.imap_port)
    imap.login(user, PASSWORD)
    imap.delete(SOURCE)
    imap.logout()


if __name__ == "__main__":
    main()
