"""A city on one server: many offices in one daemon (`pengaduan jalankan --kantor DIR`) on the
project's Dovecot rig, each office its own mailbox, book and officials.

For each size (default 1, 10 and 69 offices, Samarinda's 10 kecamatan and 59 kelurahan):
- push latency, from the SMTP server accepting a complaint to it accepting the acknowledgement,
  with every office receiving `--per-office` complaints at random moments over `--spread`
  seconds: median and p95;
- the same with one office's IMAP and SMTP server black-holed (it accepts TCP and never
  answers; the office's configuration is changed while the daemon runs): the other offices'
  latency, and its p95 against the healthy run's (target: within 10 %);
- the idle daemon: resident memory and CPU over `--idle` seconds (five minutes for the largest
  size), against the same offices run as separate single-office processes.
Then a projection to 300 offices (a province) from the measured growth.

Run: python bench/bench_city.py [--sizes 1 10 69] [--per-office 10] [--spread 60] [--idle 300]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_latency import ACCEPTED, SEEN, RecordingRelay
from common import machine

import jobs.demo.mailrig
from jobs.demo import PASSWORD, complaint_message
from jobs.demo.city import BlackHole, write_office
from jobs.demo.mailrig import MailRig

EXTRA = "[daemon]\npoll_seconds = 60\n[intake]\nack_per_hour = 1000\nhold_after = 0\n"
EXE = Path(sys.executable).parent / "pengaduan"


def proc_stats(pids: list[int]) -> tuple[float, float]:
    """(resident MB, CPU seconds) summed over processes, from /proc."""
    rss = cpu = 0.0
    ticks = 100.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss += int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, StopIteration):
            pass
    return rss, cpu


def idle_cost(pids: list[int], seconds: float) -> tuple[float, float]:
    """Resident MB at the end, and CPU as a share of one core over `seconds` of idling."""
    _, before = proc_stats(pids)
    time.sleep(seconds)
    rss, after = proc_stats(pids)
    return rss, 100 * (after - before) / seconds


def wait_for(log: Path, text: str, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_text(errors="replace").count(text) >= count:
            return
        time.sleep(0.5)
    raise RuntimeError(f"daemon not ready: fewer than {count} '{text}' in {log}")


def burst(rig: MailRig, casts: list, per_office: int, spread: float) -> list[float]:
    """Every office's complaints at random moments over `spread` seconds; their latencies."""
    pace = random.Random(7)
    plan = sorted((pace.uniform(0, spread), cast, i) for cast in casts for i in range(per_office))
    sent: dict[str, float] = {}
    start = time.monotonic()
    for at, cast, i in plan:
        time.sleep(max(0.0, start + at - time.monotonic()))
        name, address, subject, body = cast.citizens[i % len(cast.citizens)]
        msg = complaint_message(name, address.replace("@", f"+{i}@"), f"{subject} ({i})", body, to=cast.office)
        rig.send(msg)
        sent[msg["Message-ID"]] = time.monotonic()
    deadline = time.monotonic() + 120
    with SEEN:
        while time.monotonic() < deadline and not all(m in ACCEPTED for m in sent):
            SEEN.wait(1.0)
    missing = [m for m in sent if m not in ACCEPTED]
    if missing:
        print(f"    {len(missing)} of {len(sent)} not acknowledged within 120 s of the last one sent")
    return [ACCEPTED[m] - t for m, t in sent.items() if m in ACCEPTED]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else float("nan"))


def one_size(rig: MailRig, size: int, args) -> dict:
    kantor = Path(tempfile.mkdtemp(prefix=f"pgd-kota-{size}-"))
    casts = [write_office(rig, kantor, f"kantor-{size}-{i:03d}", head="camat" if i < 10 else "lurah", extra=EXTRA)
             for i in range(size)]
    log = kantor.parent / f"{kantor.name}.log"
    with open(log, "wb") as out:
        daemon = subprocess.Popen([str(EXE), "jalankan", "--kantor", str(kantor)], stdout=out, stderr=out)
    result: dict = {"size": size}
    try:
        wait_for(log, "daemon berjalan", size, 120 + size)
        time.sleep(2)
        healthy = burst(rig, casts, args.per_office, args.spread)
        result["healthy"] = (statistics.median(healthy), p95(healthy))
        if size > 1:
            hole = BlackHole()
            hung = kantor / f"kantor-{size}-000.toml"
            text = hung.read_text().replace(f"port = {rig.imap_port}", f"port = {hole.port}")
            hung.write_text(text.replace(f"port = {rig.smtp_port}", f"port = {hole.port}"))
            time.sleep(8)  # the supervisor sees the change and restarts that office on the hung server
            others = burst(rig, casts[1:], args.per_office, args.spread)
            result["hung"] = (statistics.median(others), p95(others))
            hole.close()
        result["daemon"] = idle_cost([daemon.pid], args.idle if size == max(args.sizes) else min(args.idle, 60))
    finally:
        daemon.terminate()
        daemon.wait(timeout=120)
    # The baseline: the same offices as separate single-office daemons.
    procs = []
    try:
        for path in sorted(kantor.glob("*.toml")):
            procs.append(subprocess.Popen([str(EXE), "--config", str(path), "jalankan"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        time.sleep(10 + size * 0.5)
        result["separate"] = idle_cost([p.pid for p in procs], args.idle if size == max(args.sizes) else
                                       min(args.idle, 60))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=120)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 69])
    parser.add_argument("--per-office", type=int, default=10)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--idle", type=float, default=300.0, help="idle seconds measured at the largest size")
    parser.add_argument("--chart", type=Path, default=None, help="write the growth curve here (PNG)")
    args = parser.parse_args()
    jobs.demo.mailrig._LmtpRelay = RecordingRelay
    print(f"machine: {machine()}; {args.per_office} complaints per office over {args.spread:.0f} s")
    rows = []
    with MailRig(password=PASSWORD) as rig:
        for size in args.sizes:
            row = one_size(rig, size, args)
            rows.append(row)
            med, top = row["healthy"]
            line = f"{size:>4} offices: latency median {med:.2f} s, p95 {top:.2f} s"
            if "hung" in row:
                hmed, htop = row["hung"]
                line += f"; one office hung: others median {hmed:.2f} s, p95 {htop:.2f} s ({htop / top:.2f}x)"
            print(line, flush=True)
            (rss, cpu), (srss, scpu) = row["daemon"], row["separate"]
            print(f"      idle: one daemon {rss:.0f} MB, {cpu:.2f} % of a core; {size} separate daemons "
                  f"{srss:.0f} MB, {scpu:.2f} %; memory ratio {srss / rss:.1f}x", flush=True)
    if len(rows) >= 2:  # a straight line through the measured sizes, toward a province
        xs = [r["size"] for r in rows]
        for label, index in (("memory MB", 0), ("CPU %", 1)):
            for kind in ("daemon", "separate"):
                ys = [r[kind][index] for r in rows]
                slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
                print(f"projection to 300 offices, {kind}: {label} {ys[0] + slope * (300 - xs[0]):.1f}")
        if args.chart:
            chart(rows, args.chart)
    return 0


def chart(rows: list[dict], path: Path) -> None:
    """Resident memory against the number of offices, measured and projected to 300, on a log
    scale with each point's value written beside it (office.charts)."""
    from office.charts import BLUE, GREEN, Series, line_chart

    xs = [r["size"] for r in rows]
    series = []
    for kind, label, colour in (("daemon", "satu daemon untuk semua kantor", BLUE),
                                ("separate", "satu proses per kantor", GREEN)):
        ys = [r[kind][0] for r in rows]
        slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
        series.append(Series(label, list(zip(xs, ys)), [(300, ys[0] + slope * (300 - xs[0]))], colour))
    path.write_bytes(line_chart(series, x_label="jumlah kantor (garis putus: proyeksi)",
                                y_label="memori residen (MB)", size=(660, 385), log_y=True))


if __name__ == "__main__":
    raise SystemExit(main())
