"""Every report file at a city's scale: a month of 100,000 complaints (a city-level book, with
their tasks, history and letters as a year of the SOP leaves them), and each file a person
asks for, timed whole (the recap or the rows read from the book, the charts, the file
written): `laporan` XLSX, DOCX and PDF (LibreOffice), `ekspor` CSV and XLSX, `statistik`
JSON and CSV, and the monthly recap the daemon mails (XLSX, DOCX, PDF and the month's
statistics). Goal: each under 10 s. Each file is made in a fresh process, so its peak
memory (VmHWM) is its own (LibreOffice's is not counted); its CPU time (LibreOffice's counted)
says what it costs when other work shares the machine.

The desk's Laporan too: the page and each file from the click to the figures or the download,
made in the background (jobs.web.report_builds), with the longest single answer the server
gave while the person waited (nginx gives up at 60 s).

The Laporan page shows the month's figures the daemon kept in the book (office.recap_figures):
timed on its first visit in a freshly started desk, again, after the book changed (the kept
figures at once, then the newer ones), and for a month never counted (the count's progress).
Goals: the page under 1 s, each file under 10 s at 100,000; every ratio is printed.

Run: python bench/bench_reports.py [--sizes 10000 100000] [--million] [--runs 3] [--keep DIR] [--only KIND…]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, summary

from jobs.demo import write_config
from office.config import load_config
from sop.book import Book, iso

GOAL_SECONDS = 10.0
MONTH = (2026, 10)  # the month the book holds
NOW = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.timezone.utc)  # a Thursday, 10:00 WITA: laporan, ekspor
MONTHLY_NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.timezone.utc)  # the first working day: the monthly recap
FILES = ("laporan XLSX", "laporan DOCX", "laporan PDF", "ekspor CSV", "ekspor XLSX", "statistik JSON+CSV",
         "rekap bulanan (XLSX, DOCX, PDF, statistik)")


class _Ports:
    imap_port = smtp_port = 1  # the benchmark never connects


# Where complaints end, with how often: (state, the steps whose tasks were opened, in order).
PATHS = (("closed", (2, 3, 4, 6, 5), 60), ("answered", (2, 3, 4, 6, 5), 18), ("open", (2,), 1), ("open", (2, 3), 5),
         ("open", (2, 3, 4), 0.5), ("open", (2, 3, 4, 6), 0.5), ("open", (2, 3, 4, 6, 5), 0.5), ("rejected", (2,), 7),
         ("forwarded", (2, 3), 5), ("linked", (2,), 2.5))
LATE = 0.05  # a step done after its standard time
STANDARD_MINUTES = {2: 10, 3: 10 * 24 * 60, 4: 60, 5: 30, 6: 24 * 60, 7: 5 * 24 * 60}
ROLES = {2: "sekretaris", 3: "camat", 4: "sekretaris", 5: "jfu", 6: "camat", 7: "camat"}
CHANNELS = (("email", 55), ("langsung", 20), ("telepon", 8), ("surat", 5), ("lapor", 12))
SATISFACTION = (("puas", 50), ("tidak_menanggapi", 40), ("tidak_puas", 10))
DECISIONS = ("Rapat koordinasi dengan seksi terkait; perbaikan dijadwalkan minggu depan.",
             "Ditindaklanjuti oleh seksi; pengadu diberi penjelasan tertulis.",
             "Diteruskan kepada kelurahan untuk pemeriksaan lapangan.")


def _pick(rng: random.Random, weighted) -> tuple:
    return rng.choices(weighted, weights=[w[-1] for w in weighted])[0]


def _rows(size: int, sections: list[str], first: dt.datetime, offset: int, count: int, letter_base: int):
    """Complaints offset+1 .. offset+count of a book of `size`, with their tasks, history and
    letters (one chunk: a million complaints never sit in memory at once)."""
    rng = random.Random(2026 + offset)
    seconds = (dt.datetime(MONTH[0], MONTH[1] + 1, 1, tzinfo=first.tzinfo) - first).total_seconds()
    complaints, tasks, events, letters = [], [], [], []
    for i in range(offset + 1, offset + count + 1):
        received = first + dt.timedelta(seconds=seconds * (i - 0.5) / size)
        state, steps, _ = _pick(rng, PATHS)
        moment, last = received, received
        for n, step in enumerate(steps):
            standard = STANDARD_MINUTES[step]
            opened = moment
            due = opened + dt.timedelta(minutes=standard)
            finished = None
            if state != "open" or n < len(steps) - 1:
                late = rng.random() < LATE
                finished = opened + dt.timedelta(minutes=standard * (rng.uniform(1.05, 3) if late else rng.uniform(0.1, 1)))
                moment = last = finished
                events.append((i, iso(finished), step, ROLES[step], "langkah",
                               rng.choice(DECISIONS) if step == 3 else f"Langkah {step} selesai."))
            tasks.append((i, step, ROLES[step], f"{ROLES[step]}@kecamatan.test", f"t{i}-{step}",
                          f"<tugas.t{i}-{step}.pgd@kecamatan.test>", iso(opened), iso(due),
                          iso(finished) if finished else None))
        satisfaction = _pick(rng, SATISFACTION)[0] if state == "closed" else None
        rating = rng.choice((3, 4, 4, 4)) if satisfaction == "puas" else (rng.choice((1, 2)) if satisfaction ==
                                                                         "tidak_puas" else None)
        if satisfaction == "tidak_puas":  # the objection, decided by the Camat
            done = last + dt.timedelta(days=rng.uniform(1, 6))
            tasks.append((i, 7, "camat", "camat@kecamatan.test", f"t{i}-7", f"<tugas.t{i}-7.pgd@kecamatan.test>",
                          iso(last), iso(last + dt.timedelta(days=5)), iso(done)))
            last = done
        answered = iso(last) if state in ("closed", "answered") else None
        closed = iso(last) if state in ("closed", "rejected", "forwarded", "linked") else None
        if state in ("closed", "answered", "forwarded"):
            letters.append((2026, f"000.8.3.4/{letter_base + len(letters) + 1:07d}/400.02", i, iso(last),
                            f"surat-{i}.docx", "x", "camat", "pelimpahan" if state == "forwarded" else "jawaban",
                            iso(last), rng.choice(("surel", "pos", "diambil"))))
        events.append((i, iso(received), None, "sistem", "masuk", "Pengaduan diterima."))
        channel = _pick(rng, CHANNELS)[0]
        section = rng.choice(sections) if rng.random() > 0.08 else None
        complaints.append((f"PGD/2026/{i:07d}", state, None if state != "open" else steps[-1], channel, iso(received),
                           f"Warga {i}", f"w{i}@warga.test", f"08{i:010d}" if channel == "telepon" else None,
                           f"RT {i % 40:02d}", f"Pengaduan {i} tentang jalan", "Isi pengaduan.", section,
                           satisfaction, rating, answered, closed))
    return complaints, tasks, events, letters


CHUNK = 50_000


def generated_book(size: int, folder: Path) -> Path:
    """A book of `size` complaints received in MONTH, inserted straight into SQLite in chunks,
    then indexed for search as the desk expects; its config."""
    config = write_config(folder, _Ports(), monthly_reports=True)
    cfg = load_config(config)
    sections = [s.name for s in cfg.directory.sections]
    first = dt.datetime(*MONTH, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    book = Book(cfg.database)
    letters_so_far = 0
    for offset in range(0, size, CHUNK):
        complaints, tasks, events, letters = _rows(size, sections, first, offset, min(CHUNK, size - offset),
                                                   letters_so_far)
        letters_so_far += len(letters)
        with book.transaction():
            book.conn.executemany(
                "INSERT INTO complaints(number, state, step, channel, received_at, name, email, phone, address, "
                "subject, body, section, satisfaction, rating, answered_at, closed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", complaints)
            book.conn.executemany("INSERT INTO tasks(complaint_id, step, role, official, token, message_id, opened_at, "
                                  "due_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tasks)
            book.conn.executemany("INSERT INTO events(complaint_id, at, step, actor, kind, text) "
                                  "VALUES (?, ?, ?, ?, ?, ?)", events)
            book.conn.executemany("INSERT INTO letters(year, number, complaint_id, issued_at, path, sha256, signer, "
                                  "kind, dispatched_at, dispatch_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", letters)
    book.index_search()
    book.close()
    return config


def cached_book(size: int, keep: Path | None) -> tuple[Path, Path, bool]:
    """(config, folder, whether the folder is to be removed afterwards): a book built once per
    size under `keep` (a million complaints take minutes to generate) or a fresh temporary one."""
    if keep is None:
        folder = Path(tempfile.mkdtemp(prefix="pgd-bench-laporan-"))
        return generated_book(size, folder), folder, True
    folder = keep / f"buku-{MONTH[0]}-{MONTH[1]:02d}-{size}"
    done = folder / "selesai"
    if done.exists():
        return folder / "pengaduan.toml", folder, False
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = generated_book(size, folder)
    done.write_text("ok")
    return config, folder, False


def make(kind: str, config: Path, out: Path) -> None:
    """One file, as its command or the daemon makes it."""
    from office.base import Office
    from office.reports import charts, export_book, period, recap, write_docx, write_xlsx
    from office.statistics import write_statistics, year_statistics

    cfg = load_config(config)
    office = Office(cfg, Book(cfg.database))
    title, start, end = period(MONTH)
    if kind.startswith("laporan"):
        r = recap(office, title, start, end, NOW)
        pictures = charts(r)
        if kind == "laporan XLSX":
            write_xlsx(r, out / "laporan.xlsx", pictures)
        else:
            write_docx(r, out / "laporan.docx", pictures, office, NOW)
            if kind == "laporan PDF":
                from letters.pdf import to_pdf

                to_pdf(out / "laporan.docx")
    elif kind.startswith("ekspor"):
        export_book(office, out / f"buku.{kind.split()[1].lower()}", overwrite=True)
    elif kind.startswith("statistik"):
        write_statistics(year_statistics(office, MONTH[0], NOW), out / "statistik", overwrite=True)
    else:
        from office.monthly import send_monthly_recap

        assert send_monthly_recap(office, MONTHLY_NOW), "the monthly recap was not due"
    office.book.close()


def _cpu() -> float:
    import resource

    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def _peak_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one(kind: str, config: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak MB) of one file made in a fresh process. The CPU time (the
    process's and LibreOffice's) is what the file costs on a machine shared with other work."""
    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-laporan-"))
    if kind.startswith("rekap"):  # the month not sent yet, its mail not queued: each run sends it again
        book = Book(load_config(config).database)
        with book.transaction():
            book.conn.execute("DELETE FROM reports_sent")
            book.conn.execute("DELETE FROM outbox")
        book.close()
    try:
        done = subprocess.run([sys.executable, __file__, "--one", kind, str(config), str(folder)],
                              capture_output=True, text=True, check=True)
        seconds, cpu, peak = (float(x) for x in done.stdout.split()[-3:])
        return seconds, cpu, peak
    finally:
        shutil.rmtree(folder, ignore_errors=True)


PAGE_GOAL_SECONDS = 1.0
NGINX_SECONDS = 60.0
# What the desk is timed on, in this order, each from the click to the figures or the file.
DESK = (("page", "Laporan page, first visit (figures kept by the daemon)", PAGE_GOAL_SECONDS),
        ("page-again", "Laporan page, again", PAGE_GOAL_SECONDS),
        ("xlsx", "XLSX after the page: click to download", GOAL_SECONDS),
        ("docx", "DOCX after the page: click to download", GOAL_SECONDS),
        ("pdf", "PDF after the page: click to download", GOAL_SECONDS),
        ("page-changed", "page after the book changed: the kept figures, said to be older", PAGE_GOAL_SECONDS),
        ("page-newer", "  ... and until the newer figures show (counted in the background)", GOAL_SECONDS),
        ("page-never", "page of a month never counted (the count's progress shown)", GOAL_SECONDS))


def desk_times(config: Path) -> tuple[dict[str, tuple[float, float]], float, float]:
    """The desk's Laporan on this book, in a fresh process: for each of DESK, the time from the
    person's click to the page with its figures (or the file), following the progress page's
    Refresh as a browser does, and the longest single answer the server gave (what nginx waits
    for: its default proxy_read_timeout is 60 s); the daemon's count of the month, done
    outside any request; the process's peak memory."""
    done = subprocess.run([sys.executable, __file__, "--desk-one", str(config)], capture_output=True, text=True,
                          check=True)
    out, count_seconds, peak = {}, 0.0, 0.0
    for line in done.stdout.splitlines():
        kind, total, longest = line.split()
        if kind == "daemon-count":
            count_seconds, peak = float(total), float(longest)
        else:
            out[kind] = (float(total), float(longest))
    return out, count_seconds, peak


def _logged_in(config: Path):
    from jobs.web import create_app

    client = create_app(config).test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/masuk", data={"csrf_token": token, "nama": "bench", "sandi": "sandi-bench-2026"})
    return client


def _click(client, path: str, until: str | None = None) -> tuple[float, float]:
    """(seconds from the click to the figures or the file, the longest single answer), following
    redirects and Refresh as a browser does; with `until`, looking again while the page holds it."""
    started, longest = time.perf_counter(), 0.0
    while True:
        asked = time.perf_counter()
        response = client.get(path)
        longest = max(longest, time.perf_counter() - asked)
        assert response.status_code in (200, 302), (path, response.status_code)
        if response.status_code == 302:
            path = response.headers["Location"]
            continue
        refresh = response.headers.get("Refresh", "")
        if refresh.startswith("0; url="):  # ready: the browser fetches the file
            path = refresh.split("url=", 1)[1]
            continue
        if not refresh and not (until and until in response.get_data(as_text=True)):
            return time.perf_counter() - started, longest
        time.sleep(0.2)  # a browser looks again after REFRESH_SECONDS; sooner here, to time it closely


def _desk_one(config: Path) -> None:
    from office.base import Office
    from office.desk import add_user
    from office.recap_figures import count, keep
    from sop.clock import utcnow

    cfg = load_config(config)
    office = Office(cfg, Book(cfg.database))
    if office.book.accounts.user("bench") is None:
        add_user(office, "bench", "staf", "sandi-bench-2026", utcnow())
    started = time.perf_counter()
    keep(office, count(office, MONTH, utcnow()))  # what the daemon's job `rekap-meja` does, outside any request
    print(f"daemon-count {time.perf_counter() - started:.3f} {_peak_mb():.1f}")
    month = f"{MONTH[0]:04d}-{MONTH[1]:02d}"
    page = f"/laporan?bulan={month}"
    client = _logged_in(config)  # a desk started afresh: nothing counted in its memory
    print("page {:.3f} {:.3f}".format(*_click(client, page)))
    print("page-again {:.3f} {:.3f}".format(*_click(client, page)))
    for kind in ("xlsx", "docx", "pdf"):
        print(f"{kind} " + "{:.3f} {:.3f}".format(*_click(client, f"/laporan/unduh.{kind}?bulan={month}")))
    client = _logged_in(config)
    with office.book.transaction():  # as if the book had changed since the count
        office.book.conn.execute("UPDATE recap_figures SET stamp = '[]' WHERE month = ?", (month,))
    print("page-changed {:.3f} {:.3f}".format(*_click(client, page)))
    print("page-newer {:.3f} {:.3f}".format(*_click(client, page, until="sedang dihitung")))
    client = _logged_in(config)
    with office.book.transaction():
        office.book.conn.execute("DELETE FROM recap_figures WHERE month = ?", (month,))
    print("page-never {:.3f} {:.3f}".format(*_click(client, page)))
    office.book.close()


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _desk(config: Path, runs: int) -> None:
    results = [desk_times(config) for _ in range(runs)]
    counts = sorted(c for _, c, _ in results)
    print(f"  the daemon's count of the month (outside any request): median {counts[len(counts) // 2]:.2f} s; "
          f"peak RSS of the desk's process {max(p for _, _, p in results):.0f} MB")
    for kind, label, goal in DESK:
        totals = sorted(r[kind][0] for r, _, _ in results)
        median = totals[len(totals) // 2]
        longest = max(r[kind][1] for r, _, _ in results)
        print(f"  desk {label:66s} {median:7.2f} s (min {totals[0]:.2f}, max {totals[-1]:.2f}); goal {goal:.0f} s: "
              f"{median / goal:.2f} of it ({'met' if median < goal else 'MISSED'}); longest answer {longest:.2f} s, "
              f"{longest / NGINX_SECONDS:.2f} of nginx's 60 s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="a book of 1,000,000 complaints too (minutes to build)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder where each size's book is built once and kept (a million complaints take minutes)")
    parser.add_argument("--one", nargs=3, metavar=("KIND", "CONFIG", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--desk-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", default=None, help="some files only (their names as printed)")
    parser.add_argument("--files-only", action="store_true", help="the files alone, not the desk")
    args = parser.parse_args()
    if args.one:
        kind, config, out = args.one
        start, cpu = time.perf_counter(), _cpu()
        make(kind, Path(config), Path(out))
        print(f"{time.perf_counter() - start:.3f} {_cpu() - cpu:.3f} {_peak_mb():.1f}")
        return 0
    if args.desk_one:
        _desk_one(args.desk_one)
        return 0
    print(f"machine: {machine()}; {args.runs} runs per file, each in a fresh process; goal: the Laporan page "
          f"under {PAGE_GOAL_SECONDS:.0f} s and each file under {GOAL_SECONDS:.0f} s at 100,000, and no answer of the "
          f"desk near nginx's 60 s; {_load()}")
    for size in args.sizes + ([1_000_000] if args.million and 1_000_000 not in args.sizes else []):
        start = time.perf_counter()
        config, folder, remove = cached_book(size, args.keep)
        try:
            print(f"\n{size:,} complaints in {MONTH[1]:02d}-{MONTH[0]} (book ready in {time.perf_counter() - start:.1f} s, "
                  f"{(folder / 'data' / 'pengaduan.db').stat().st_size / 2**20:.0f} MB); {_load()}")
            _files(config, args)
            if not args.files_only:
                _desk(config, args.runs)
            print(f"  ({_load()})")
        finally:
            if remove:
                shutil.rmtree(folder, ignore_errors=True)
    return 0


def _files(config: Path, args) -> None:
    for kind in FILES:
        if args.only is not None and kind not in args.only:
            continue
        runs = [one(kind, config) for _ in range(args.runs)]
        seconds = sorted(s for s, _, _ in runs)
        median = seconds[len(seconds) // 2]
        summary(f"  {kind}", seconds, "s")
        print(f"  {'':58s} goal {GOAL_SECONDS:.0f} s: {median / GOAL_SECONDS:.2f} of it "
              f"({'met' if median < GOAL_SECONDS else 'MISSED'}); CPU {sorted(c for _, c, _ in runs)[len(runs) // 2]:.2f} s; "
              f"peak RSS {max(p for _, _, p in runs):.0f} MB", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
