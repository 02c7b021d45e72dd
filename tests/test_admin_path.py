"""The administrator's path: `periksa` never gives a false green nor touches the book, and every
mistake an administrator commonly makes comes back as one Indonesian sentence with exit code 2,
run as the `pengaduan` command against the real rig, real books and real sockets."""

from __future__ import annotations

import hashlib
import re
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import main
from jobs.daemon import BookLock
from jobs.demo.mailrig import free_port
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import start


def _config_copy(env, name: str, **changes: str) -> Path:
    """The test office's configuration with some lines changed (a regex per line start)."""
    text = env.config_path.read_text()
    for pattern, line in changes.items():
        text = re.sub(rf"(?m)^{pattern}.*$", line, text, count=1)
    path = env.directory / name
    path.write_text(text)
    path.chmod(0o600)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_periksa_never_creates_a_missing_book_and_never_changes_an_existing_one(env):
    missing = env.directory / "data" / "salah-ketik.db"
    config = _config_copy(env, "salah.toml", database='database = "data/salah-ketik.db"')
    for _ in range(2):  # the second run must not find a book the first one made
        result = pengaduan("--config", str(config), "periksa")
        assert result.returncode == 1 and "✗ buku pengaduan" in result.stdout and "tidak ada" in result.stdout
        assert not missing.exists()
    # A book no process has open: read as it is, not a byte changed, no -wal or -shm left behind.
    copy = env.directory / "data" / "salinan.db"
    target = sqlite3.connect(copy)
    env.office.book.conn.backup(target)
    target.close()
    before = _digest(copy)
    config = _config_copy(env, "salinan.toml", database='database = "data/salinan.db"')
    checked = pengaduan("--config", str(config), "periksa")
    assert "✓ buku pengaduan" in checked.stdout, checked.stdout
    assert _digest(copy) == before
    assert not copy.with_name("salinan.db-wal").exists() and not copy.with_name("salinan.db-shm").exists()


class _Accept:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        return "250 OK"


def _smtp_asking_for_login():
    """A real SMTP server on loopback that offers AUTH PLAIN and takes one password (aiosmtpd's
    LOGIN waits on smtplib's initial response, which real servers answer: left out)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(server, session, envelope, mechanism, data):
        return AuthResult(success=data.login == b"kantor" and data.password == b"benar", handled=False)

    return Controller(_Accept(), hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                      auth_require_tls=False, auth_required=True, auth_exclude_mechanism=["LOGIN"])


def test_periksa_fails_when_the_smtp_server_asks_for_a_login_and_none_is_configured(env):
    server = _smtp_asking_for_login()
    server.start()
    try:
        config = _config_copy(env, "smtp.toml", **{r"port = " + str(env.rig.smtp_port): f"port = {server.port}"})
        result = pengaduan("--config", str(config), "periksa")
        assert result.returncode == 1
        assert "✗ SMTP" in result.stdout and "meminta login (AUTH)" in result.stdout, result.stdout
        assert "isi [smtp] username dan password_env" in result.stdout
        wrong = config.read_text().replace(f"port = {server.port}\n",
                                           f'port = {server.port}\nusername = "kantor"\npassword = "salah"\n')
        config.write_text(wrong)
        refused = pengaduan("--config", str(config), "periksa")
        line = next(ln for ln in refused.stdout.splitlines() if ln.startswith("✗ SMTP"))
        assert f"server SMTP 127.0.0.1:{server.port} menolak kata sandi untuk kantor" in line
        assert "535" not in line and "b'" not in line
        config.write_text(wrong.replace('password = "salah"', 'password = "benar"'))
        good = pengaduan("--config", str(config), "periksa")
        assert "✓ SMTP: tersambung" in good.stdout and "sebagai kantor" in good.stdout
    finally:
        server.stop()


def test_a_wrong_imap_password_and_a_server_that_refuses_are_one_indonesian_sentence(env):
    config = _config_copy(env, "imap.toml", password='password = "salah"')
    result = pengaduan("--config", str(config), "periksa")
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("✗ IMAP"))
    assert f"server IMAP 127.0.0.1:{env.rig.imap_port} menolak kata sandi untuk {env.cast.office}" in line
    assert "AUTHENTICATIONFAILED" not in result.stdout and "Response status" not in result.stdout
    cycle = pengaduan("--config", str(config), "jalankan", "--sekali")
    assert cycle.returncode == 1 and "menolak kata sandi" in cycle.stderr
    assert "AUTHENTICATIONFAILED" not in cycle.stderr and "Response status" not in cycle.stderr
    closed = free_port()  # nobody listens there
    config = _config_copy(env, "tutup.toml", **{r"port = " + str(env.rig.imap_port): f"port = {closed}",
                                               r"port = " + str(env.rig.smtp_port): f"port = {closed}"})
    down = pengaduan("--config", str(config), "periksa").stdout
    assert f"✗ IMAP: server IMAP menolak sambungan di 127.0.0.1:{closed}" in down
    assert f"✗ SMTP: server SMTP menolak sambungan di 127.0.0.1:{closed}" in down
    assert "Errno" not in down


def test_the_sentences_for_a_silent_server_and_an_unknown_host():
    from jobs.problems import mail_problem

    assert mail_problem(TimeoutError("timed out"), "SMTP", "mail.kantor.go.id", 587) == (
        "server SMTP tidak menjawab di mail.kantor.go.id:587; periksa host, port dan tembok api (firewall)")
    assert "nama server IMAP imap.salah tidak dikenal" in mail_problem(socket.gaierror(-2, "Name or service not known"),
                                                                     "IMAP", "imap.salah", 993)


def test_periksa_warns_about_sample_values_and_reports_on_the_desk(env):
    from office.desk import add_user
    from sop.clock import utcnow

    port = free_port()
    config = _config_copy(env, "meja.toml")
    config.write_text(config.read_text() + f"\n[web]\nenabled = true\nport = {port}\n")
    result = pengaduan("--config", str(config), "periksa")
    assert "! isian contoh: masih berisi nilai contoh" in result.stdout and "[office] address (baris" in result.stdout
    # The desk is served by the daemon, and nobody can log in to it: a failure, not a warning.
    assert "✗ akun meja layanan: belum ada akun" in result.stdout and result.returncode == 1
    assert f"✓ port meja layanan: port 127.0.0.1:{port} bebas" in result.stdout
    add_user(env.office, "admin", "admin", "sandi-admin-2026", utcnow())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        busy = pengaduan("--config", str(config), "periksa").stdout
    assert "✓ akun meja layanan: 1 akun (1 admin)" in busy
    assert f"✗ port meja layanan: port 127.0.0.1:{port} dipakai program lain" in busy
    proxied = config.read_text().replace(f"port = {port}\n", f"port = {port}\nproxy = true\n")
    config.write_text(proxied)
    assert "! meja layanan dan TLS: [web] proxy = true tetapi secure_cookies = false" in pengaduan(
        "--config", str(config), "periksa").stdout


def test_the_placeholders_of_the_sample_are_named_and_comments_are_not():
    from jobs.doctor_desk import placeholders
    from templates import TEMPLATES

    text = (TEMPLATES / "pengaduan.sample.toml").read_text()
    found = placeholders(text)
    lines = text.splitlines()
    name = lines.index('name = "Sekretaris Contoh"') + 1
    address = next(i for i, line in enumerate(lines, start=1) if line.startswith('address = "Jalan Contoh'))
    assert f"[roles.sekretaris] name (baris {name})" in found and f"[office] address (baris {address})" in found
    assert not placeholders('[office]\n# address = "Jalan Contoh"\nname = "Kecamatan Palaran"\n')


def test_a_toml_mistake_names_the_line_and_what_is_wrong(env):
    text = env.config_path.read_text().splitlines()
    at = next(i for i, line in enumerate(text) if line.startswith("name = "))
    text[at] = 'name = "Kecamatan Palaran'  # the closing quote forgotten
    broken = env.directory / "rusak.toml"
    broken.write_text("\n".join(text) + "\n")
    for command in ("periksa", "buku"):
        result = pengaduan("--config", str(broken), command)
        shown = result.stdout + result.stderr
        assert result.returncode == 2, shown
        assert f"baris {at + 1}: tanda kutip tidak ditutup" in shown and "Illegal character" not in shown


def test_pulihkan_while_the_service_runs_says_to_stop_it_before_doing_anything(env):
    start(env, 0)
    made = pengaduan("--config", str(env.config_path), "cadangan")
    assert made.returncode == 0, made.stderr
    [copy] = env.config.backup_folder.glob("pengaduan-*.db")
    lock = BookLock(env.config.database)
    lock.acquire()
    try:
        result = pengaduan("--config", str(env.config_path), "pulihkan", str(copy), "--ya")
    finally:
        lock.release()
    assert result.returncode == 2 and result.stdout == ""
    assert "sudo systemctl stop pengaduan" in result.stderr and "Cadangan" not in result.stderr
    assert not list(env.config.backup_folder.glob("sebelum-pulihkan-*.db"))


def test_pulihkan_speaks_wita_refuses_a_non_backup_in_a_sentence_and_takes_ya_and_tidak(env):
    start(env, 0)
    pengaduan("--config", str(env.config_path), "cadangan")
    [copy] = env.config.backup_folder.glob("pengaduan-*.db")
    junk = env.directory / "catatan.db"
    junk.write_bytes(b"ini bukan basis data")
    refused = pengaduan("--config", str(env.config_path), "pulihkan", str(junk), "--ya")
    assert refused.returncode == 2 and "catatan.db bukan cadangan buku pengaduan" in refused.stderr
    assert "file is not a database" not in refused.stderr
    told_no = pengaduan("--config", str(env.config_path), "pulihkan", str(copy), input="t\n")
    assert told_no.returncode == 1 and "Dibatalkan; buku tidak diubah." in told_no.stderr
    assert "[ya/tidak]" in told_no.stdout and "WITA" in told_no.stdout and "+00:00" not in told_no.stdout
    assert re.search(r"terbaru \d\d-\d\d-\d{4} \d\d\.\d\d WITA", told_no.stdout), told_no.stdout
    told_yes = pengaduan("--config", str(env.config_path), "pulihkan", str(copy), input="ya\n")
    assert told_yes.returncode == 0, told_yes.stderr
    assert "Buku dipulihkan" in told_yes.stdout and "tidak valid" not in told_yes.stdout + told_yes.stderr


def test_meja_on_a_busy_port_says_so_without_claiming_to_run(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = pengaduan("--config", str(env.config_path), "meja", "--port", str(port))
    assert result.returncode == 2 and "berjalan" not in result.stdout
    assert f"Port {port} di 127.0.0.1 sudah dipakai program lain" in result.stderr
    assert "Address already in use" not in result.stderr


def _helps(command, path):
    import click

    with click.Context(command, info_name=path) as ctx:
        yield path, command.get_help(ctx)
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _helps(sub, f"{path} {name}")


def test_no_help_shows_clicks_english_words():
    for path, text in _helps(main, "pengaduan"):
        for english in ("[required]", "INTEGER", "TEXT", "Usage:", "Options:", "PATH", "FILENAME"):
            assert english not in text, (path, english)


def test_log_lines_carry_the_time_in_wita_with_the_zone(env):
    env.complain(0)
    result = pengaduan("--config", str(env.config_path), "-v", "jalankan", "--sekali")
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines and all(re.match(r"\d\d-\d\d-\d{4} \d\d\.\d\d\.\d\d WITA ", ln) for ln in lines[:5]), lines[:5]
    assert "{'" not in result.stderr  # a job's counts are words, never a Python dict
    assert "ambil-surel: 1 pengaduan" in result.stderr


def test_a_click_mistake_is_exit_two_in_indonesian(tmp_path):
    result = CliRunner().invoke(main, ["statistik"])
    assert result.exit_code == 2 and "Opsi belum diisi" in result.output and "Missing" not in result.output


@pytest.mark.parametrize("answer,meant", [("ya", True), ("Y", True), ("tidak", False), ("t", False), ("", False)])
def test_the_prompt_takes_indonesian_answers(answer, meant):
    import click

    from jobs.cli.common import ask

    @click.command()
    def asked():
        click.echo("JAWAB=" + str(ask("Lanjutkan?")))

    assert f"JAWAB={meant}" in CliRunner().invoke(asked, input=answer + "\n").output
