"""docs/PANDUAN-ADMIN.md, followed as a new administrator follows it: every shell command of the
guide, in its order, on the real rig (Dovecot for the office mailbox, an SMTP server that asks
for a login, as the office's provider does), with the guide's TOML written into the sample
configuration and its secrets into the secrets file. `periksa --kirim-uji` must pass in full,
the service's own ExecStart must take in a complaint, the backup must restore.

What needs root on a fresh Debian (packages, the service user, the clone and venv, systemd,
nginx, the certificate) cannot run here: those commands are listed in SYSTEM, each by the
prefix it starts with, so that a command added to the guide either runs in this test or is
named here on purpose. The rest runs with the guide's folders moved into a temporary one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from jobs.demo import PASSWORD, complaint_message
from jobs.demo.mailrig import _LmtpRelay, free_port

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "PANDUAN-ADMIN.md").read_text()
SMTP_PASSWORD = "sandi-smtp-kantor"
# Commands a fresh Debian needs root for; the rig and this checkout stand in for them.
SYSTEM = ("sudo apt-get ", "sudo timedatectl ", "sudo useradd ", "sudo git clone ", "sudo python3 -m venv ",
          "sudo /opt/pengaduan/.venv/bin/pip install ", "sudo ln -s /opt/pengaduan/", "sudo cp /opt/pengaduan/docs/",
          "sudo systemctl daemon-reload", "sudo systemctl status ", "sudo openssl req ", "sudo nano /etc/nginx/",
          "sudo ln -s /etc/nginx/", "sudo nginx -t", "sudo systemctl reload nginx", "sudo git -C /opt/pengaduan pull")
SERVICE_STARTS = ("sudo systemctl enable --now pengaduan", "sudo systemctl start pengaduan")


def shell_commands(text: str) -> list[str]:
    """The commands of the guide's ```sh blocks, in order, continuation lines joined."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip():
                out.append(line.strip())
    return out


def guide_block(language: str, after: str) -> str:
    """The first ```language block after the sentence `after`."""
    start = text_index(after)
    return re.search(rf"```{language}\n(.*?)```", GUIDE[start:], re.S)[1]


def text_index(words: str) -> int:
    at = GUIDE.find(words)
    assert at >= 0, words
    return at


def merged(sample: str, settings: str) -> str:
    """The sample configuration with the guide's settings written in, as an administrator
    edits it: a key the sample has (set or commented out) takes the new value in place; a key
    or table it lacks is added."""
    lines = sample.splitlines()
    for table, keys in _tables(settings):
        header = next((i for i, line in enumerate(lines) if line.split("#")[0].strip() in (f"[{table}]", f"[[{table}]]")),
                      None)
        if header is None:
            lines += ["", f"[{table}]"]
            header = len(lines) - 1
        end = next((i for i in range(header + 1, len(lines)) if re.match(r"^\s*\[", lines[i])), len(lines))
        for key, line in keys:
            found = next((i for i in range(header + 1, end) if re.match(rf"^#?\s*{re.escape(key)}\s*=", lines[i])), None)
            if found is None:
                lines.insert(header + 1, line)
                end += 1
            else:
                lines[found] = line
    return "\n".join(lines) + "\n"


def _tables(settings: str):
    table, keys, out = "", [], []
    for line in settings.splitlines():
        header = re.match(r"^\[\[?([^\]]+)\]\]?$", line.strip())
        if header:
            if table:
                out.append((table, keys))
            table, keys = header[1], []
        elif "=" in line:
            keys.append((line.split("=", 1)[0].strip(), line))
    out.append((table, keys))
    return out


class Guide:
    """The guide's machine, moved into a temporary folder."""

    def __init__(self, tmp: Path, rig, smtp_port: int, web_port: int):
        self.tmp, self.rig, self.smtp_port, self.web_port = tmp, rig, smtp_port, web_port
        self.srv, self.etc = tmp / "srv", tmp / "etc"
        self.srv.mkdir()
        self.bin = Path(sys.executable).parent
        self.ran: list[str] = []

    def moved(self, command: str) -> str:
        command = command.replace("/opt/pengaduan/.venv/bin/pengaduan", str(self.bin / "pengaduan"))
        command = command.replace("/srv/pengaduan", str(self.srv)).replace("/etc/pengaduan", str(self.etc))
        return command.replace("/opt/pengaduan", str(ROOT))

    def run(self, command: str, stdin: str = "") -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": f"{self.bin}:{os.environ['PATH']}"}
        env.pop("PENGADUAN_MAILBOX_PASSWORD", None)
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=self.tmp, env=env,
                              input=stdin, timeout=300)
        self.ran.append(command)
        return done

    def secrets(self) -> str:
        return f". {self.etc}/secrets.env"

    def edit_config(self) -> None:
        settings = guide_block("toml", "Ganti setidaknya nilai berikut")
        rig = {'host = "mail.samarindakota.go.id"\nport = 993\nsecurity = "ssl"':
               f'host = "127.0.0.1"\nport = {self.rig.imap_port}\nsecurity = "none"',
               'host = "mail.samarindakota.go.id"\nport = 587\nsecurity = "starttls"':
               f'host = "127.0.0.1"\nport = {self.smtp_port}\nsecurity = "none"',
               "port = 8080": f"port = {self.web_port}"}
        for guide, here in rig.items():
            assert guide in settings, guide
            settings = settings.replace(guide, here)
        tomllib.loads(settings)  # the guide's block is valid TOML as printed
        path = self.srv / "pengaduan.toml"
        path.write_text(merged(path.read_text(), settings))

    def edit_secrets(self) -> None:
        block = guide_block("ini", "Isi berkas itu")
        values = {"PENGADUAN_MAILBOX_PASSWORD": PASSWORD, "PENGADUAN_SMTP_PASSWORD": SMTP_PASSWORD}
        lines = [f"{line.split('=', 1)[0]}={values[line.split('=', 1)[0]]}" for line in block.splitlines() if "=" in line]
        (self.etc / "secrets.env").write_text("\n".join(lines) + "\n")

    def start_service(self) -> subprocess.CompletedProcess:
        """The unit's own ExecStart, one cycle, with the unit's environment file."""
        unit = (ROOT / "docs" / "pengaduan.service").read_text()
        start = re.search(r"^ExecStart=(.+)$", unit, re.M)[1]
        assert "EnvironmentFile=-/etc/pengaduan/secrets.env" in unit and "User=pengaduan" in unit
        return self.run(f"set -a; {self.secrets()}; set +a; {self.moved(start)} --sekali")

    def newest(self, pattern: str) -> str:
        return str(sorted((self.srv / "data" / "cadangan").glob(pattern))[-1])


@pytest.fixture
def provider_smtp(rig):
    """The office's SMTP server as a provider runs it: AUTH required, mail delivered into the rig."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(server, session, envelope, mechanism, data):
        ok = data.login == b"pengaduan@palaran.samarindakota.go.id" and data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    server = Controller(_LmtpRelay(rig.lmtp_port, {}), hostname="127.0.0.1", port=free_port(),
                        authenticator=authenticate, auth_require_tls=False, auth_required=True,
                        auth_exclude_mechanism=["LOGIN"])
    server.start()
    yield server.port
    server.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_administrators_guide_runs_from_nothing_to_a_running_service(rig, provider_smtp, tmp_path):
    guide = Guide(tmp_path, rig, provider_smtp, free_port())
    checked = started = restored = None
    for command in shell_commands(GUIDE):
        if command.startswith(SYSTEM):
            continue
        if command.startswith(SERVICE_STARTS):
            started = guide.start_service()
            assert started.returncode == 0, started.stderr
            continue
        if command == "sudo systemctl stop pengaduan":
            continue  # nothing runs between the guide's one-cycle starts
        if command == "sudo nano /etc/pengaduan/secrets.env":
            guide.edit_secrets()
            continue
        if command == "sudo -u pengaduan nano /srv/pengaduan/pengaduan.toml":
            guide.edit_config()
            continue
        if command.startswith("sudo -u pengaduan pengaduan --config /srv/pengaduan/pengaduan.toml buku"):
            # The guide's "Coba": a citizen's mail, taken in by the service's next cycle.
            rig.send(complaint_message("Budi Santoso", "budi@warga.test", "Lampu jalan padam",
                                       "Lampu di RT 4 padam sejak seminggu.",
                                       to="pengaduan@palaran.samarindakota.go.id"))
            assert guide.start_service().returncode == 0
        assert command.startswith(("sudo -u pengaduan ", "sudo install ", "sudo ls ")), command
        shell = guide.moved(command.replace("sudo -u pengaduan ", "", 1))
        shell = re.sub(r"^sudo (install|ls) ", r"\1 ", shell)
        shell = re.sub(r" -o \S+ -g \S+", "", shell)  # the owners exist only on the real server
        if "WAKTU" in shell:  # the guide's placeholder for the backup's time: the newest pair
            shell = shell.replace("pengaduan-WAKTU.db", Path(guide.newest("pengaduan-*.db")).name)
            shell = shell.replace("berkas-WAKTU.tar.gz", Path(guide.newest("berkas-*.tar.gz")).name)
        answers = f"{PASSWORD}-meja\n" if " pengguna tambah " in shell else ("ya\n" if " pulihkan " in shell else "")
        done = guide.run(shell, answers)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        if " periksa" in shell:
            checked = done.stdout
        if " pulihkan " in shell:
            restored = done.stdout
        if " buku" in shell:
            assert re.search(r"PGD/\d{4}/0001", done.stdout) and "terbuka" in done.stdout, done.stdout
    assert checked is not None and "Semua pemeriksaan lulus." in checked, checked
    for line in ("✓ SMTP: tersambung", "sebagai pengaduan@palaran.samarindakota.go.id", "✓ isian contoh",
                 "✓ akun meja layanan: 2 akun (1 admin, 1 staf)", "✓ meja layanan dan TLS: di belakang nginx"):
        assert line in checked, (line, checked)
    assert started is not None and restored is not None and "Buku dipulihkan" in restored
    nginx = guide_block("nginx", "Isi berkas nginx itu")
    assert "proxy_pass http://127.0.0.1:8080;" in nginx and "port = 8080" in guide_block("toml", "Ganti setidaknya")


def test_every_command_the_guide_shows_for_the_service_account_runs_as_it():
    for command in shell_commands(GUIDE):
        if re.search(r"\bpengaduan (--config|siapkan)", command) and not command.startswith(SYSTEM):
            assert command.startswith("sudo -u pengaduan "), command


def test_the_clone_says_where_the_repository_address_comes_from():
    clone = next(c for c in shell_commands(GUIDE) if c.startswith("sudo git clone "))
    placeholder = clone.split()[3]
    assert placeholder == "<alamat-repositori>"
    said = GUIDE[:text_index(clone)]
    assert f"ganti `{placeholder}`" in said and "Diskominfo" in said
