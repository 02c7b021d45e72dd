"""The `pengaduan` command as staff and scripts use it, over the real mail rig."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path


def pengaduan(*args, cwd=None, env=None, input: str | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "pengaduan"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "jobs.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, **(env or {})}, input=input)


def test_init_writes_a_commented_sample_and_an_empty_book(tmp_path):
    result = pengaduan("init", str(tmp_path / "kantor"))
    assert result.returncode == 0, result.stderr
    config = tmp_path / "kantor" / "pengaduan.toml"
    assert "[mailbox]" in config.read_text() and "# " in config.read_text()
    assert (config.stat().st_mode & 0o777) == 0o600
    assert (tmp_path / "kantor" / "data" / "pengaduan.db").exists()
    again = pengaduan("init", str(tmp_path / "kantor"))
    assert "tidak ditimpa" in again.stdout
    from office.config import load_config

    os.environ["PENGADUAN_MAILBOX_PASSWORD"] = "rahasia"
    try:
        cfg = load_config(config)  # the sample is a valid configuration as written
    finally:
        del os.environ["PENGADUAN_MAILBOX_PASSWORD"]
    assert cfg.mailbox.password == "rahasia" and cfg.procedure.number == "000.8.3.3/0957/400.02"


def test_run_once_then_book_and_show_as_json(env):
    env.complain(0)
    config = str(env.config_path)
    result = pengaduan("--config", config, "run", "--once")
    assert result.returncode == 0, result.stderr
    listing = pengaduan("--config", config, "book", "--json")
    assert listing.returncode == 0, listing.stderr
    [doc] = json.loads(listing.stdout)
    assert doc["state"] == "open" and doc["step"] == 2 and doc["channel"] == "email"
    assert doc["complainant"]["name"] == env.cast.citizens[0][0]
    assert doc["complainant"]["email"] == env.cast.citizens[0][1]
    assert doc["subject"] == env.cast.citizens[0][2] and "RT 12" in doc["body"]
    assert doc["letter"] is None and doc["section"] is None and doc["late"] is False
    received = dt.datetime.fromisoformat(doc["received_at"])
    due = dt.datetime.fromisoformat(doc["due_at"])
    assert received.utcoffset() == dt.timedelta(hours=8) and due > received

    shown = pengaduan("--config", config, "show", doc["number"], "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["number"] == doc["number"]
    assert [e["step"] for e in detail["events"]][:1] == [1]
    assert {"time", "step", "actor", "text"} <= set(detail["events"][0])

    table = pengaduan("--config", config, "book")
    assert doc["number"] in table.stdout and "Buku Pengaduan" in table.stdout
    human = pengaduan("--config", config, "show", doc["number"])
    assert "Riwayat" in human.stdout and "mutu baku" in human.stdout


def test_config_from_the_environment_variable_and_clear_errors(env, tmp_path):
    listing = pengaduan("book", "--json", cwd=tmp_path, env={"PENGADUAN_CONFIG": str(env.config_path)})
    assert listing.returncode == 0 and json.loads(listing.stdout) == []
    missing = pengaduan("book", cwd=tmp_path)
    assert missing.returncode == 2 and "pengaduan siapkan" in missing.stderr
    unknown = pengaduan("--config", str(env.config_path), "show", "PGD/1999/9999")
    assert unknown.returncode == 1 and "tidak ada dalam buku" in unknown.stderr


def test_demo_plays_the_whole_sop_to_signed_letters(tmp_path):
    from jobs.demo import run_demo

    lines: list[str] = []
    result = run_demo(tmp_path / "demo", echo=lines.append)
    docs = result["complaints"]
    assert len(docs) == 3 and all(d["state"] == "closed" for d in docs)  # every citizen said PUAS (or 4, 3)
    assert [d["satisfaction"] for d in docs] == ["puas"] * 3 and [d["rating"] for d in docs] == [None, 4, 3]
    assert [d["channel"] for d in docs] == ["email", "email", "web"]  # one citizen used the public form
    for d in docs:
        assert Path(d["letter"]).exists()
        assert any(d["letter"] in line for line in lines)
    assert any("Jawaban atas Pengaduan" in line for line in lines)
    # The demo office numbers from its agenda: the keeper's step 4b gives each letter its number.
    assert [d["letter_number"] for d in docs] == ["000.8.3.4/0958/400.02", "000.8.3.4/0959/400.02",
                                                  "000.8.3.4/0960/400.02"]
    assert any(line.startswith("Langkah 4b: Pengelola Agenda Surat") for line in lines)
    # The desk shows what front-office staff see: the demo's account is a staf, an admin beside it.
    from sop.book import Book

    book = Book(result["directory"] / "data" / "pengaduan.db")
    assert {u["name"]: u["role"] for u in book.accounts.users()} == {"petugas": "staf", "admin": "admin"}
    book.close()
    from jobs.demo.smsrig import available

    if available():  # beside them, a complainant with only a phone, by SMS through gammu-smsd
        assert result["sms"]["channel"] == "sms" and result["sms"]["satisfaction"] == "puas"
        assert result["sms"]["letter_number"] == "000.8.3.4/0961/400.02"
        assert any(line.startswith("SMS ke ") and "PUAS" in line for line in lines)


def test_daemon_processes_mail_on_its_own_and_stops_cleanly_on_sigterm(env):
    import signal
    import time

    with open(env.config_path, "a") as f:
        f.write("[daemon]\npoll_seconds = 1\n")
    exe = Path(sys.executable).parent / "pengaduan"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "jobs.cli"]
    daemon = subprocess.Popen([*cmd, "--config", str(env.config_path), "run"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        env.complain(0)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not env.inbox(env.cast.citizens[0][1]):
            time.sleep(0.2)
        assert env.inbox(env.cast.citizens[0][1]), "no acknowledgement within the daemon's cycles"
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, stderr
    assert "daemon berhenti" in stderr
    assert len(env.office.book.complaints.listed()) == 1


def test_catat_records_a_desk_complaint_that_follows_the_same_steps(env, tmp_path):
    scan = tmp_path / "surat-warga.pdf"
    scan.write_bytes(b"%PDF-1.4 pindaian")
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung",
                       "--nama", "Pak Darto", "--telepon", "0812000111", "--alamat", "Jl. Pelita 7, Bukuan",
                       "--pokok", "Drainase tersumbat", "--isi", "Drainase di gang 7 tersumbat sampah.",
                       "--lampiran", str(scan), "--petugas", "Andi")
    assert result.returncode == 0, result.stderr
    assert "Pengaduan dicatat dengan nomor" in result.stdout and "tanda terima secara langsung" in result.stdout
    [row] = env.office.book.complaints.listed()
    assert (row["channel"], row["name"], row["phone"], row["email"]) == ("langsung", "Darto", "0812000111", None)
    assert row["sapaan"] == "Bapak"  # "Pak" typed by staff is the sapaan, not part of the name
    assert row["step"] == 2 and row["recorded_by"] == "petugas Andi"
    [scan_row] = env.office.book.attachments.of(row["id"])
    assert scan_row["filename"] == "surat-warga.pdf" and open(scan_row["path"], "rb").read() == scan.read_bytes()
    routing = env.routing("sekretaris", row["number"], 2)
    assert routing is not None and "datang langsung" in routing.text  # sent at once, not at the next cycle
    shown = json.loads(pengaduan("--config", str(env.config_path), "show", row["number"], "--json").stdout)
    assert shown["complainant"]["phone"] == "0812000111"
    # The walk-in takes home a printed tanda terima: Word and PDF, opened again.
    from docx import Document

    from office.receipts import answer_due

    docx = env.config.files / "tanda-terima" / row["received_at"][:4] / f"tanda-terima-{row['number'].replace('/', '-')}.docx"
    assert str(docx) in result.stdout and docx.with_suffix(".pdf").exists()
    cells = {r.cells[0].text: r.cells[1].text for r in Document(str(docx)).tables[1].rows}
    assert cells["Nomor pengaduan"] == row["number"] and cells["Dicatat oleh"] == "Andi"
    assert cells["Pokok pengaduan"] == "Drainase tersumbat" and "WITA" in cells["Diterima"]
    from letters.dates import tanggal
    from sop.book import parse_iso

    due = answer_due(env.office, parse_iso(row["received_at"])).astimezone(env.config.clock.tz)
    assert cells["Jawaban paling lambat"] == tanggal(due.date())
    printed = subprocess.run(["pdftotext", "-layout", str(docx.with_suffix(".pdf")), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "TANDA TERIMA PENGADUAN" in printed and row["number"] in printed and "STATUS" in printed


def test_catat_refuses_incomplete_input_with_a_clear_message(env):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "telepon", "--nama", "X",
                       "--pokok", "Y")
    assert result.returncode != 0 and "Isi pengaduan wajib diisi" in result.stderr


def test_karantina_lists_set_aside_messages(env, monkeypatch):
    from office import arrivals as pipeline

    monkeypatch.setitem(pipeline.HANDLERS, "complaint", lambda *a: (_ for _ in ()).throw(ValueError("rusak")))
    env.complain(0)
    for _ in range(3):
        env.cycle()
    listing = json.loads(pengaduan("--config", str(env.config_path), "karantina", "--json").stdout)
    assert len(listing) == 1 and "rusak" in listing[0]["error"]
    assert listing[0]["sender"] == env.cast.citizens[0][1]
    table = pengaduan("--config", str(env.config_path), "karantina")
    assert "rusak" in table.stdout


def test_secrets_never_reach_logs_or_staff_output(env, tmp_path):
    env.complain(0)
    run = pengaduan("--config", str(env.config_path), "-v", "run", "--once")
    assert run.returncode == 0
    [row] = env.office.book.complaints.listed()
    outputs = [run.stderr, run.stdout,
               pengaduan("--config", str(env.config_path), "show", row["number"], "--json").stdout,
               pengaduan("--config", str(env.config_path), "book", "--json").stdout,
               pengaduan("--config", str(env.config_path), "ekspor", str(tmp_path / "b.csv")).stdout,
               (tmp_path / "b.csv").read_text(encoding="utf-8-sig")]
    token = env.office.book.tasks.current(row["id"])["token"]
    key_text = env.config.letters.key.read_text()
    for index, text in enumerate(outputs):
        for secret in ("rahasia-demo", token, "PRIVATE KEY", key_text.splitlines()[1]):
            assert secret not in text, (index, secret, text[max(0, text.find(secret) - 200):text.find(secret) + 50])
    raw = next((env.config.files / "raw").rglob("*.eml"))
    assert raw.stat().st_mode & 0o777 == 0o600 and (tmp_path / "b.csv").stat().st_mode & 0o777 == 0o600


def test_the_book_is_listed_a_page_at_a_time_newest_first(env):
    now = dt.datetime.now(dt.timezone.utc)
    with env.office.book.transaction():
        for i in range(1, 8):
            env.office.book.complaints.add(
                number=f"PGD/2026/{i:04d}", state="closed" if i % 2 else "open", step=None if i % 2 else 2,
                channel="langsung", received_at=now, name=f"Warga {i}", subject=f"Pokok {i}", body="Isi.")
    config = str(env.config_path)

    def numbers(*args):
        result = pengaduan("--config", config, "book", "--json", *args)
        assert result.returncode == 0, result.stderr
        return [d["number"][-1] for d in json.loads(result.stdout)]

    assert numbers() == list("1234567")
    assert numbers("--batas", "3") == list("567")
    assert numbers("--batas", "3", "--halaman", "2") == list("234")
    assert numbers("--batas", "3", "--halaman", "4") == []
    assert numbers("--terbuka", "--batas", "2") == list("46")
    assert numbers("--terbuka", "--batas", "0") == list("246")
    table = pengaduan("--config", config, "book", "--batas", "3")
    assert "Ditampilkan 3 dari 7 pengaduan" in " ".join(table.stdout.split())


def test_a_cycle_with_a_refused_login_or_an_unreachable_server_exits_one_naming_them(env, tmp_path):
    from jobs.demo.mailrig import free_port

    wrong = tmp_path / "salah.toml"
    wrong.write_text(env.config_path.read_text()
                     .replace(f'password = "{env.config.mailbox.password}"', 'password = "salah"')
                     .replace(f"port = {env.config.smtp.port}", f"port = {free_port()}")
                     .replace('database = "data/pengaduan.db"', f'database = "{env.config.database}"'))
    env.complain(0)
    result = pengaduan("--config", str(wrong), "jalankan", "--sekali")
    assert result.returncode == 1, result.stderr
    assert "ambil-surel" in result.stderr and "Traceback" not in result.stderr
    fine = pengaduan("--config", str(env.config_path), "jalankan", "--sekali")
    assert fine.returncode == 0, fine.stderr
