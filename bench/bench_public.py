"""The public complaint pages over loopback: submissions per second from concurrent clients
(each one loads the form, then sends it with a photo: the whole request through waitress and
Flask, the complaint recorded, acknowledged and routed in the book, its photo written), and the
time of each page (the form, the status form, a status answer, a submission), as a citizen's
browser waits for them (network on loopback included).

The office is a generated configuration in a temporary folder; no mail server is contacted (the
form only queues mail; the daemon sends it).

Run: python bench/bench_public.py [--submissions 500] [--clients 20] [--runs 3]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import requests
from common import machine, summary

from jobs.demo import Cast, write_config
from jobs.public import make_server
from letters.seal import make_key

PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
FIELDS = {"nama": "Warga Uji", "telepon": "0812 3456 7890", "surel": "", "alamat": "Jl. Uji No. 1", "rt": "1",
          "rw": "2", "isi": "Isi pengaduan untuk pengukuran.", "setuju": "ya"}
SETTINGS = "[publik]\nmin_seconds = 0\nper_address = 1000000\nper_hour = 1000000\nproxy = true\n"


def office_folder() -> tuple[Path, Path]:
    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-publik-"))
    ports = SimpleNamespace(imap_port=1, smtp_port=1)  # never connected: the form only queues mail
    config = write_config(folder, ports, cast=Cast(domain="bench.test"), extra=SETTINGS)  # type: ignore[arg-type]
    make_key(folder / "data" / "files" / "kunci" / "segel-kantor.key")
    return folder, config


def token_of(session: requests.Session, url: str) -> tuple[str, float]:
    start = time.perf_counter()
    page = session.get(url)
    took = (time.perf_counter() - start) * 1000
    return re.search(r'name="token" value="([^"]+)"', page.text)[1], took


def one_run(submissions: int, clients: int) -> dict[str, list[float]]:
    folder, config = office_folder()
    server = make_server(config, "127.0.0.1", 0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    times: dict[str, list[float]] = {"form": [], "send": [], "status form": [], "status": []}
    found: list[tuple[str, str]] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"10.1.{index // 250}.{index % 250 + 1}"
        for n in range(index, submissions, clients):
            token, took = token_of(session, base + "/")
            start = time.perf_counter()
            sent = session.post(base + "/kirim", data={**FIELDS, "pokok": f"Pengukuran {n}", "token": token,
                                                          "telepon": f"0812{n:08d}"},
                                files=[("berkas", ("foto.png", PNG, "image/png"))])
            spent = (time.perf_counter() - start) * 1000
            assert sent.status_code == 200, sent.text[:200]
            with lock:
                times["form"].append(took)
                times["send"].append(spent)
                found.append(tuple(re.findall(r'<dd class="nomor">([^<]+)</dd>', sent.text)))  # type: ignore[arg-type]

    try:
        quiet = requests.Session()  # one citizen alone first: the pages as a quiet day serves them
        times.update({"quiet form": [], "quiet send": []})
        for n in range(30):
            token, took = token_of(quiet, base + "/")
            start = time.perf_counter()
            sent = quiet.post(base + "/kirim", data={**FIELDS, "pokok": f"Sepi {n}", "token": token,
                                                      "telepon": f"0813{n:08d}"},
                              files=[("berkas", ("foto.png", PNG, "image/png"))], headers={"X-Forwarded-For": f"10.9.0.{n}"})
            times["quiet send"].append((time.perf_counter() - start) * 1000)
            times["quiet form"].append(took)
            assert sent.status_code == 200
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        wall = time.perf_counter() - start
        times["per second"] = [submissions / wall]
        session = requests.Session()
        for number, code in found[:50]:
            token, took = token_of(session, base + "/status")
            times["status form"].append(took)
            start = time.perf_counter()
            answer = session.post(base + "/status", data={"token": token, "nomor": number, "kode": code})
            times["status"].append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200 and "Keadaan" in answer.text
        assert len({n for n, _ in found}) == submissions  # nothing lost, nothing twice
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.submissions} submissions from {args.clients} clients, {args.runs} runs")
    runs = [one_run(args.submissions, args.clients) for _ in range(args.runs)]
    summary(f"submissions per second ({args.clients} clients)", [r["per second"][0] for r in runs], "/s")
    for page, label in (("quiet form", "one citizen alone: Formulir Pengaduan (GET /)"),
                        ("quiet send", "one citizen alone: Kirim with one photo"),
                        ("form", "under load: Formulir Pengaduan (GET /)"),
                        ("send", "under load: Kirim with one photo (POST /kirim)"),
                        ("status form", "Cek Status form (GET /status)"), ("status", "Cek Status answer (POST)")):
        summary(f"{label}, median", [statistics.median(r[page]) for r in runs], "ms")
        summary(f"{label}, p95", [p95(r[page]) for r in runs], "ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
