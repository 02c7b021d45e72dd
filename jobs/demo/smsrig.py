"""Debian's Gammu SMSD on Gammu's dummy phone, for the demo and the tests: a real gateway whose
"phone" is a folder. gammu-smsd runs its `files` service on an inbox and an outbox folder (the
office's [sms] inbox and outbox); an SMS a citizen sends is saved into the dummy phone's inbox
folder with Debian's `gammu savesms`, where gammu-smsd receives it as from a modem; what the
office sends, gammu-smsd transmits through the dummy phone and moves to its SentSMSPath, from
which `sent()` reads it back (the dummy phone itself keeps no copy of what it transmits).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SMSD = "gammu-smsd"
GAMMU = "gammu"


@dataclass(frozen=True)
class SentSms:
    name: str
    number: str
    text: str


def available() -> bool:
    return bool(shutil.which(SMSD) and shutil.which(GAMMU))


class SmsRig:
    """gammu-smsd on a dummy phone in a temporary folder, until `stop` (or the `with` ends)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or tempfile.mkdtemp(prefix="pgd-sms-"))
        self.phone = self.folder / "telepon"  # the dummy phone's storage: sms/1 is its inbox
        self.staging = self.folder / "telepon-warga"  # where `gammu savesms` writes before a move
        self.inbox, self.outbox = self.folder / "masuk", self.folder / "keluar"
        self.sent_folder, self.error_folder = self.folder / "terkirim", self.folder / "gagal"
        self.log = self.folder / "smsd.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "SmsRig":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _phone_config(self, device: Path) -> str:
        return f"[gammu]\ndevice = {device}\nconnection = none\nmodel = dummy\n"

    def start(self) -> None:
        for path in (*(self.phone / "sms" / str(i) for i in range(1, 6)),
                     *(self.staging / "sms" / str(i) for i in range(1, 6)),
                     self.inbox, self.outbox, self.sent_folder, self.error_folder):
            path.mkdir(parents=True, exist_ok=True)
        config = self.folder / "smsdrc"
        config.write_text(self._phone_config(self.phone) + "\n".join([
            "[smsd]", "service = files", f"inboxpath = {self.inbox}/", f"outboxpath = {self.outbox}/",
            f"sentsmspath = {self.sent_folder}/", f"errorsmspath = {self.error_folder}/", "inboxformat = unicode",
            "transmitformat = auto", f"logfile = {self.log}", "debuglevel = 1", "commtimeout = 1", "loopsleep = 1",
            "receivefrequency = 1", "statusfrequency = 0", "checksecurity = 0", "checkbattery = 0",
            "checksignal = 0", "checknetwork = 0", ""]))
        (self.folder / "gammurc").write_text(self._phone_config(self.staging))
        self.process = subprocess.Popen([SMSD, "-c", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def deliver(self, sender: str, text: str) -> None:
        """A citizen's SMS reaches the gateway's modem: saved by `gammu savesms` into a second
        dummy phone (a long text as the parts of a concatenated SMS), then moved whole into the
        gateway's, so gammu-smsd never reads half a file."""
        subprocess.run([GAMMU, "-c", str(self.folder / "gammurc"), "savesms", "TEXT", "-folder", "1",
                        "-sender", sender, "-unread", "-len", str(len(text)), "-text", text],
                       check=True, capture_output=True)
        live = self.phone / "sms" / "1"
        for staged in sorted((self.staging / "sms" / "1").iterdir(), key=lambda p: int(p.name)):
            used = {int(p.name) for p in live.iterdir() if p.name.isdigit()}
            os.replace(staged, live / str(next(i for i in range(1, 10_000) if i not in used)))

    def sent(self) -> list[SentSms]:
        """Every SMS gammu-smsd transmitted through the dummy phone, oldest first."""
        transmitted = set(re.findall(r"Transmitted (\S+) \(total", self.log.read_text(errors="replace"))) \
            if self.log.exists() else set()
        out = []
        for path in sorted(self.sent_folder.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            m = re.match(r"OUT[A-Z]?\d{8}_\d{6}_\d+_([^_]+)_", path.name)
            if m and path.name in transmitted:
                out.append(SentSms(path.name, m.group(1), path.read_text(encoding="ascii")))
        return out

    def wait(self, condition, timeout: float = 60.0):
        """Poll `condition` (a callable) until it returns something true, or fail after `timeout`
        (long: on a machine busy with other work gammu-smsd's once-a-second loop falls behind;
        a condition that holds returns at once)."""
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            found = condition()
            if found:
                return found
            time.sleep(0.2)
        raise TimeoutError(f"gammu-smsd: tidak terjadi dalam {timeout:.0f} detik (lihat {self.log})")

    def transmissions(self, name: str) -> int:
        """How often gammu-smsd transmitted the SMS file `name` whole."""
        if not self.log.exists():
            return 0
        return len(re.findall(rf"Transmitted {re.escape(name)} \(total", self.log.read_text(errors="replace")))

    def config_lines(self) -> str:
        """The office's [sms] table for this gateway."""
        return f'[sms]\nenabled = true\ngateway = "files"\ninbox = "{self.inbox}"\noutbox = "{self.outbox}"\n'
