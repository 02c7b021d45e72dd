"""The staff desk's page times at 10k, 100k and 1M complaints: the book's first page, the book
filtered to late complaints, a full-text search, the last page reached by paging back, and one
complaint, each a whole request through Flask (server time: rendering included, no network),
on books generated straight into SQLite (one complaint in a hundred open). Target: under 100 ms
each at 1M.

Run: python bench/bench_desk.py [--sizes 10000 100000 1000000] [--runs 5]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench_book import generated_office
from common import machine, summary

from jobs.web import create_app
from office.desk import add_user
from sop.clock import utcnow

PASSWORD = "sandi-bench-2026"


def client_for(office):
    """A logged-in test client of the desk on this office's book."""
    add_user(office, "bench", "staf", PASSWORD, utcnow())
    app = create_app(office.config.path)
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/masuk", data={"csrf_token": token, "nama": "bench", "sandi": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def timed(client, path: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.runs} runs per page")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="pgd-bench-desk-"))
        try:
            start = time.perf_counter()
            office = generated_office(size, folder)  # indexed before the clock starts
            print(f"\n{size} complaints (generated and indexed in {time.perf_counter() - start:.1f} s)")
            client = client_for(office)
            oldest = f"PGD/2026/{size:07d}"
            pages = {
                "book, first page": "/buku",
                "book, late complaints": "/buku?status=late",
                "search 'warga 4242'": "/buku?cari=warga+4242",
                "book, the last page": f"/buku?halaman={-(-size // 50)}",
                "book, sorted by due time": "/buku?urut=batas&arah=naik",
                "search with a typo 'wraga'": "/buku?cari=wraga",
                "one complaint (the oldest)": f"/pengaduan/{oldest}",
            }
            timed(client, "/buku", 1)  # first request: templates compiled, caches warm
            for label, path in pages.items():
                summary(f"  {label}", timed(client, path, args.runs), "ms")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
