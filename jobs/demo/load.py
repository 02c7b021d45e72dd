"""The desk and the daemon together under load, on the mail rig: desk clients browsing,
searching and recording walk-ins over real HTTP while the daemon (the `pengaduan jalankan`
process, serving the desk itself as `[web] enabled` does) takes a backlog from IMAP and sends
its mail. Used by bench/bench_desk_load.py (2,000 messages, 20 clients) and, shorter, by the
test suite (tests/test_desk_load.py).

What a person must never meet is counted, not only timed: any 5xx answer, and any page that
carries "database is locked" (or an incident number). Every walk-in a client saw recorded is
checked in the book afterwards, once each; every backlog message too.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from imap_tools import MailBoxUnencrypted

SEARCHES = ("jalan", "lampu", "sampah", "warga", "drainase", "0001", "pungutan")
REFUSED_WORDS = ("database is locked", "insiden")


@dataclass
class Record:
    """What the clients saw: each page's time, the answers, what went wrong, what they recorded."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    walk_ins: list[tuple[str, str]] = field(default_factory=list)  # (subject, number the desk gave)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int, body: str, path: str) -> None:
        with self.lock:
            self.seconds.setdefault(kind, []).append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.problems.append(f"{status} {path}")
            for word in REFUSED_WORDS:
                if word in body.lower():
                    self.problems.append(f"'{word}' on {path}")

    def all_seconds(self) -> list[float]:
        return [s for kind, values in self.seconds.items() if kind != "catat" for s in values]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms "
            f"({len(values)} pages)")


class DeskClient:
    """One member of staff: a browser's cookie jar over real HTTP, nothing else."""

    def __init__(self, base: str, record: Record):
        self.base, self.record = base, record
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                status, text, where = response.status, response.read().decode("utf-8", "replace"), response.url
        except urllib.error.HTTPError as exc:
            status, text, where = exc.code, exc.read().decode("utf-8", "replace"), path
        self.record.add(kind, time.perf_counter() - started, status, text, path)
        return status, text, where

    def token(self, page: str) -> str:
        return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    def login(self, name: str, password: str) -> None:
        _, page, _ = self.fetch("masuk", "/masuk")
        status, _, where = self.fetch("masuk", "/masuk", {"csrf_token": self.token(page), "nama": name,
                                                          "sandi": password})
        assert status == 200 and "/masuk" not in where, f"login {name}: {status} {where}"

    def walk_in(self, subject: str) -> None:
        _, page, _ = self.fetch("catat-form", "/catat")
        status, text, where = self.fetch("catat", "/catat", {
            "csrf_token": self.token(page), "nama": "Warga Loket", "saluran": "langsung", "surel": "",
            "telepon": "081234567890", "alamat": "RT 3", "pokok": subject, "isi": f"{subject}: dicatat di loket."})
        number = re.search(r"/pengaduan/([^?\"]+)", urllib.parse.unquote(where))
        if status == 200 and number:
            with self.record.lock:
                self.record.walk_ins.append((subject, number[1]))
        else:
            with self.record.lock:
                self.record.problems.append(f"walk-in {subject}: {status} {where}")

    def browse(self, rng: random.Random) -> None:
        _, page, _ = self.fetch("buku", "/buku")
        self.fetch("cari", f"/buku?cari={rng.choice(SEARCHES)}")
        numbers = re.findall(r'href="/pengaduan/([^"?]+)"', page)
        if numbers:
            self.fetch("pengaduan", f"/pengaduan/{rng.choice(numbers)}")


def staff_day(base: str, users: list[tuple[str, str]], record: Record, *, rounds: int, walk_ins: int,
              until: threading.Event | None = None, seed: int = 27, tag: str = "loket") -> None:
    """Each user a thread: log in, then `rounds` rounds of browsing (or until `until` is set,
    whichever is later), recording `walk_ins` complaints spread over them."""
    clients = []
    for name, password in users:  # people arrive one by one (and parallel attempts from one address count
        client = DeskClient(base, record)  # as failures until checked: the login limit)
        client.login(name, password)
        clients.append(client)

    def day(index: int, client: DeskClient) -> None:
        rng = random.Random(seed + index)
        done = recorded = 0
        # Walk-ins spread over the day, as people arrive at the counter: never all at once.
        first = index % max(1, rounds)
        while done < rounds or recorded < walk_ins or (until is not None and not until.is_set()):
            client.browse(rng)
            if recorded < walk_ins and done >= first:
                client.walk_in(f"{tag} {index}-{recorded} lampu padam")
                recorded += 1
            done += 1

    threads = [threading.Thread(target=day, args=(i, c), name=f"staf-{i}") for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def fill_backlog(imap_port: int, office: str, password: str, count: int, tag: str) -> None:
    """`count` complaints from as many citizens, appended straight into the office's INBOX."""
    domain = office.split("@")[1]
    with MailBoxUnencrypted("127.0.0.1", imap_port).login(office, password) as box:
        for i in range(count):
            msg = EmailMessage()
            msg["From"] = f"Warga {i} <warga{i}.{tag}@warga.{domain}>"
            msg["To"] = office
            msg["Subject"] = f"{tag} {i}: jalan rusak di RT {i % 40}"
            msg["Message-ID"] = f"<{tag}-{i}@warga.{domain}>"
            msg.set_content(f"Jalan di RT {i % 40} rusak; mohon diperbaiki. Pesan {i}.")
            box.append(msg.as_bytes(), "INBOX")


def count_in_book(database: Path, sql: str, params=()) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def start_daemon(config: Path, log: Path) -> subprocess.Popen:
    """`pengaduan jalankan` on this configuration, its log written to `log` (a pipe nobody reads
    while the clients run would fill, and the daemon would wait on its own log lines)."""
    exe = Path(sys.executable).parent / "pengaduan"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "jobs.cli"]
    with log.open("w") as out:
        return subprocess.Popen([*command, "--config", str(config), "jalankan"], stdout=subprocess.DEVNULL,
                                stderr=out, text=True)


def wait_for_desk(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/masuk", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the desk did not answer at {base}")


def watch_intake(database: Path, tag: str, count: int, done: threading.Event, timeout: float) -> float | None:
    """Seconds until all `count` backlog messages are complaints in the book (None: not within
    `timeout`); sets `done` either way."""
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            taken = count_in_book(database, "SELECT count(*) FROM complaints WHERE subject LIKE ?", (f"{tag} %",))
            if taken >= count:
                return time.monotonic() - started
            time.sleep(0.25)
        return None
    finally:
        done.set()


def outbox_sent(database: Path, timeout: float) -> int:
    """Mail still unsent once the daemon has had `timeout` seconds to send it."""
    deadline = time.monotonic() + timeout
    while True:
        waiting = count_in_book(database, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL")
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(0.5)
