"""Push latency: from the SMTP server accepting a citizen's complaint to it accepting our
acknowledgement, with the daemon (`pengaduan jalankan`, IDLE) running against the real Dovecot.
Polling is set to once a minute, so what is measured is the IDLE path.

Run: python bench/bench_latency.py [--complaints 50]
Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import email.parser
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import machine

import jobs.demo.mailrig
from jobs.demo import PASSWORD, Cast, complaint_message, write_config
from jobs.demo.mailrig import MailRig

ACCEPTED: dict[str, float] = {}  # Message-ID answered -> when our acknowledgement was accepted
SEEN = threading.Condition()
PACE = random.Random(3)


class RecordingRelay(jobs.demo.mailrig._LmtpRelay):
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        reply = await super().handle_DATA(server, session, envelope)
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.content)
        if reply.startswith("250") and (headers["Auto-Submitted"] or "").startswith("auto-replied"):
            with SEEN:
                ACCEPTED[(headers["In-Reply-To"] or "").strip()] = time.monotonic()
                SEEN.notify_all()
        return reply


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    jobs.demo.mailrig._LmtpRelay = RecordingRelay
    folder = Path(tempfile.mkdtemp(prefix="pgd-bench-"))
    with MailRig(password=PASSWORD) as rig:
        # Every complaint comes from one of two citizens: no acknowledgement or flood limits here.
        config = write_config(folder, rig, extra="[daemon]\npoll_seconds = 60\n[intake]\nack_per_hour = 1000\n"
                                                 "hold_after = 0\n")
        exe = Path(sys.executable).parent / "pengaduan"
        with open(folder / "daemon.log", "wb") as log:
            daemon = subprocess.Popen([str(exe), "--config", str(config), "jalankan", "--buat-buku"], stdout=log,
                                      stderr=log)
        try:
            latencies = [send_and_wait(rig, i, timeout=60) for i in range(-1, args.complaints)][1:]  # -1: warm-up
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"push latency over {len(latencies)} complaints (SMTP accepted -> acknowledgement accepted), IDLE:")
    print(f"  median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"min {latencies[0] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")


def send_and_wait(rig: MailRig, i: int, timeout: float) -> float:
    cast = Cast()
    name, address, subject, body = cast.citizens[i % len(cast.citizens)]
    msg = complaint_message(name, address.replace("@", f"+{i + 1}@"), f"{subject} ({i})", body)
    message_id = msg["Message-ID"]
    time.sleep(PACE.uniform(0.2, 1.0))  # complaints arrive one by one, not in a burst
    rig.send(msg)
    accepted = time.monotonic()
    deadline = accepted + timeout
    with SEEN:
        while message_id not in ACCEPTED:
            if not SEEN.wait(deadline - time.monotonic()):
                raise SystemExit(f"no acknowledgement for complaint {i} within {timeout} s")
    return ACCEPTED[message_id] - accepted


if __name__ == "__main__":
    main()
