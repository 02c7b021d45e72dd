"""Running it in an office: lock, doctor, reports, export, backups, personal data, two offices."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from jobs.daemon import BookLock, run_forever
from jobs.demo import Cast, complaint_message, signature_png, write_config
from office.apply import act
from office.base import Actor, Office
from office.recording import NewComplaint, record_complaint
from sop.book import Book
from sop.engine import Reply
from templates import TEMPLATES
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import start, through


def test_a_second_daemon_on_the_same_book_is_refused(env):
    lock = BookLock(env.config.database)
    lock.acquire()
    try:
        result = pengaduan("--config", str(env.config_path), "run", "--once")
        assert result.returncode != 0
        assert "daemon lain sudah berjalan" in result.stderr and str(os.getpid()) in result.stderr
    finally:
        lock.release()
    assert pengaduan("--config", str(env.config_path), "run", "--once").returncode == 0


def test_doctor_passes_on_a_good_office_and_sends_a_test_mail(env):
    result = pengaduan("--config", str(env.config_path), "doctor", "--kirim-uji")
    assert result.returncode == 0, result.stdout
    for name in ("konfigurasi", "IMAP", "IMAP IDLE", "SMTP", "buku pengaduan", "templat", "kunci segel", "zona waktu"):
        assert f"✓ {name}" in result.stdout, name
    [test] = [m for m in env.inbox(env.official("jfu")[1]) if "Uji kirim" in m.subject]
    # Sent with a return path of its own, as every mail is (VERP): a server refusing that shows here.
    local, domain = env.config.mailbox.address.split("@")
    assert test.headers["return-path"][0].strip("<>").startswith(f"{local}+b-"), test.headers["return-path"]


def test_doctor_names_what_is_broken_and_what_to_do(env):
    text = env.config_path.read_text().replace('password = "rahasia-demo"', 'password = "salah"')
    env.config_path.write_text(text)
    (env.config.letters.key).chmod(0o644)
    result = pengaduan("--config", str(env.config_path), "doctor")
    assert result.returncode == 1
    assert "✗ IMAP" in result.stdout and "periksa [mailbox]" in result.stdout
    assert "✗ kunci segel" in result.stdout and "chmod 600" in result.stdout
    broken = env.directory / "rusak.toml"
    broken.write_text("[office]\nname = 'x'\n")
    bad = pengaduan("--config", str(broken), "doctor")
    assert bad.returncode == 2 and "✗ konfigurasi" in bad.stdout  # could not run: exit 2


def generated_year(office: Office, seed: int = 7) -> None:
    """A year of complaints recorded and moved along on a controlled clock."""
    rng = random.Random(seed)
    tz = office.config.clock.tz
    sections = office.config.directory.section_names
    for i in range(120):
        received = dt.datetime(2026, 1, 1, 8, tzinfo=tz) + dt.timedelta(days=rng.randrange(360),
                                                                        minutes=rng.randrange(480))
        with office.book.transaction():
            row = record_complaint(office, NewComplaint(
                channel=rng.choice(["email", "langsung", "telepon"]), name=f"Warga {i}", email=None,
                subject=f"Pengaduan {i}", body="Isi."), received)
            moment = received
            for _ in range(rng.randrange(6)):  # steps 2, 3, 4, the approval (4a) and 5
                task = office.book.tasks.current(row["id"])
                step = task["step"]
                moment += dt.timedelta(minutes=rng.choice([5, 20, 90, 600, 20000]))
                text = {2: f"Langkah 2.\nSeksi: {rng.choice(sections)}", 6: "Setuju"}.get(step, f"Langkah {step}.")
                holder = office.holder(task["role"], moment).email  # each official answers their own step
                row, _ = act(office, row, Reply(step, holder, text), moment, actor=Actor.of(task, holder))


def test_a_year_of_complaints_reported_matches_the_book(env, tmp_path):
    from office.reports import period, recap

    generated_year(env.office)
    result = pengaduan("--config", str(env.config_path), "laporan", "--tahun", "2026", "--keluar", str(tmp_path))
    assert result.returncode == 0, result.stderr
    book = sqlite3.connect(env.config.database)
    total = book.execute("SELECT count(*) FROM complaints").fetchone()[0]
    closed = book.execute("SELECT count(*) FROM complaints WHERE state = 'closed'").fetchone()[0]
    by_phone = book.execute("SELECT count(*) FROM complaints WHERE channel = 'telepon'").fetchone()[0]
    assert f"Jumlah pengaduan: {total}" in result.stdout
    wb = load_workbook(tmp_path / "laporan-pengaduan-20260101-20261231.xlsx")
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True) if r and r[0]}
    answered = book.execute("SELECT count(*) FROM complaints WHERE state = 'answered'").fetchone()[0]
    assert summary["Jumlah pengaduan"] == total and summary.get("selesai", 0) == closed
    assert summary["dijawab"] == answered > 0 and summary["telepon"] == by_phone
    steps = list(wb["Langkah SOP"].iter_rows(values_only=True))[1:]
    done2 = book.execute("SELECT count(*) FROM tasks WHERE step = 2 AND done_at IS NOT NULL").fetchone()[0]
    assert steps[0][0] == "2" and steps[0][3] == done2
    assert [s[0] for s in steps] == ["2", "3", "4", "4a", "5", "5a"]  # as a complaint walks them, the objection last
    rows = book.execute("SELECT (julianday(done_at) - julianday(opened_at)) * 1440, done_at <= due_at "
                        "FROM tasks WHERE step = 3 AND done_at IS NOT NULL").fetchall()
    import statistics

    assert steps[1][4] == pytest.approx(statistics.median(m for m, _ in rows), abs=0.1)
    assert steps[1][5] == pytest.approx(100 * sum(ok for _, ok in rows) / len(rows), abs=0.1)
    late_sheet = list(wb["Terlambat"].iter_rows(values_only=True))[1:]
    title, lo, hi = period(year=2026)
    assert len(late_sheet) == len(recap(env.office, title, lo, hi, dt.datetime.now(dt.timezone.utc)).late)
    assert wb["Grafik"]._images
    report = Document(str(tmp_path / "laporan-pengaduan-20260101-20261231.docx"))
    # A naskah dinas: A4, the kop, the title, the three charts, and the Sekretaris's signature.
    assert len(report.inline_shapes) == 3
    assert round(report.sections[0].page_height.cm, 1) == 29.7 and round(report.sections[0].left_margin.cm, 1) == 3
    assert "KECAMATAN PALARAN" in report.tables[0].rows[0].cells[1].text
    shown = [p.text for p in report.paragraphs]
    assert "LAPORAN" in shown and "PENANGANAN PENGADUAN PELAYANAN PUBLIK" in shown and "A. PENDAHULUAN" in shown
    signature = report.tables[-1].rows[0].cells[1].text
    assert env.official("sekretaris")[0] in signature and "NIP. 198203152006042003" in signature


def test_export_has_the_paper_book_columns_and_is_audited(env, tmp_path):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki segera."))
    assert pengaduan("--config", str(env.config_path), "lapor", number, "LAPOR-123456").returncode == 0
    target = tmp_path / "buku.xlsx"
    assert pengaduan("--config", str(env.config_path), "ekspor", str(target)).returncode == 0
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nomor", "Tanggal diterima", "Nama") and rows[0][-1] == "Nomor LAPOR!"
    assert rows[1][0] == number and rows[1][6] == "Seksi Pemerintahan" and rows[1][7] == "Perbaiki segera."
    assert rows[1][-1] == "LAPOR-123456"
    csv_target = tmp_path / "buku.csv"
    assert pengaduan("--config", str(env.config_path), "ekspor", str(csv_target)).returncode == 0
    assert number in csv_target.read_text(encoding="utf-8-sig")
    assert "rahasia-demo" not in csv_target.read_text(encoding="utf-8-sig")
    pengaduan("--config", str(env.config_path), "show", number)
    actions = [a["action"] for a in env.office.book.audit.log()]
    assert actions.count("ekspor") == 2 and "baca-pengaduan" in actions


def test_a_person_gets_everything_held_about_them(env):
    number = start(env)
    citizen = env.cast.citizens[0][1]
    result = pengaduan("--config", str(env.config_path), "data-pribadi", citizen.upper())
    doc = json.loads(result.stdout)
    assert [c["number"] for c in doc["complaints"]] == [number]
    assert doc["messages"] and doc["messages"][0]["kind"] == "complaint"
    assert any(a["action"] == "data-pribadi" for a in doc["audit"])


def test_backup_and_restore_round_trip(env):
    start(env, 0)
    made = pengaduan("--config", str(env.config_path), "cadangan")
    assert made.returncode == 0, made.stderr
    [book_copy] = sorted(env.config.backup_folder.glob("pengaduan-*.db"))
    [files_copy] = sorted(env.config.backup_folder.glob("berkas-*.tar.gz"))
    assert book_copy.stat().st_mode & 0o777 == 0o600
    start(env, 1)  # work after the backup
    raw_files = sorted((env.config.files / "raw").rglob("*.eml"))
    assert len(raw_files) == 2
    # The backup is older than the book's newest complaint: refused unless told, nothing changed.
    older = pengaduan("--config", str(env.config_path), "pulihkan", str(book_copy), "--berkas", str(files_copy),
                      "--ya")
    assert older.returncode == 2 and "--paksa" in older.stderr
    assert len(Book(env.config.database).complaints.listed()) == 2
    # Something that is not a backup at all.
    junk = env.directory / "bukan-cadangan.db"
    junk.write_bytes(b"bukan sqlite")
    refused = pengaduan("--config", str(env.config_path), "pulihkan", str(junk), "--ya")
    assert refused.returncode == 2 and "bukan cadangan" in refused.stderr
    shutil.rmtree(env.config.files)
    restored = pengaduan("--config", str(env.config_path), "pulihkan", str(book_copy), "--berkas", str(files_copy),
                         "--ya", "--paksa")
    assert restored.returncode == 0, restored.stderr
    fresh = Book(env.config.database)
    assert len(fresh.complaints.listed()) == 1 and fresh.integrity() == "ok"
    assert len(list((env.config.files / "raw").rglob("*.eml"))) == 1
    # The book as it was is kept, named in the output.
    [kept] = env.config.backup_folder.glob("sebelum-pulihkan-*.db")
    assert str(kept) in restored.stdout and len(Book(kept).complaints.listed()) == 2


def test_backups_are_kept_to_the_configured_depth(env):
    from office.backup import make_backup

    env.office.config = replace(env.config, backup_keep=2)
    for minute in range(4):
        make_backup(env.office, dt.datetime(2026, 12, 1, 2, minute, tzinfo=dt.timezone.utc))
    assert len(list(env.config.backup_folder.glob("pengaduan-*.db"))) == 2
    assert len(list(env.config.backup_folder.glob("berkas-*.tar.gz"))) == 2


def test_retention_anonymises_closed_complaints_and_keeps_the_register(env):
    from office.privacy import PLACEHOLDER, purge_expired
    from office.proposals import propose_action
    from tests.test_proposals import answer_proposal

    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    # The decision taken by phone, recorded by staff, names the complainant; the Camat confirms it.
    propose_action(env.office, number, "Putus: bantu Siti Aminah.", "Andi", dt.datetime.now(dt.timezone.utc))
    env.cycle()  # its mail goes out
    answer_proposal(env, "camat", number, "Benar")
    through(env, number, ("sekretaris", 4, "Jawaban untuk Siti Aminah."), ("camat", "4a", "Setuju"),
            ("jfu", 5, "Disampaikan."))
    from office.deadlines import close_silent

    assert close_silent(env.office, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)) == 1  # no PUAS came
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"]) == ("closed", "tidak_menanggapi")
    raw = [m["raw_path"] for m in env.office.book.messages.listed() if m["complaint_id"] == row["id"] and m["raw_path"]]
    assert raw and all(Path(p).exists() for p in raw)
    env.office.config = replace(env.config, retention_days=365)
    assert purge_expired(env.office, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=31)) == ""  # kept
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)
    assert "1 pengaduan" in purge_expired(env.office, later)
    row = env.complaint(number)
    assert row["name"] == PLACEHOLDER and row["email"] is None and row["body"] == PLACEHOLDER
    assert row["access_code"] is None  # the receipt's code no longer tells anyone its state
    assert not any(Path(p).exists() for p in raw)
    texts = " ".join(e["text"] for e in env.office.book.events.of(row["id"]))
    assert "Siti Aminah" not in texts and env.cast.citizens[0][1] not in texts
    assert [p["text"] for p in env.office.book.proposals.of(row["id"])] == [PLACEHOLDER]
    assert env.office.book.letters.by_number(row["letter_number"])["number"] == row["letter_number"]  # the register stays
    assert any(a["action"] == "retensi" for a in env.office.book.audit.log())


def test_two_offices_run_in_one_daemon(rig):
    offices = []
    casts = []
    for domain in ("kantor-a.test", "kantor-b.test"):
        cast = Cast(domain=domain)
        folder = Path(tempfile.mkdtemp(prefix="pgd-office-"))
        signature = folder / "ttd.png"
        signature.write_bytes(signature_png())
        from office.config import load_config

        cfg = replace(load_config(write_config(folder, rig, signature, cast)), poll_seconds=1)
        offices.append(Office(cfg, Book(cfg.database)))
        casts.append(cast)
    stop = threading.Event()

    def daemon():
        run_forever([Office(o.config, Book(o.config.database)) for o in offices], stop=stop)

    thread = threading.Thread(target=daemon, daemon=True)
    thread.start()
    try:
        for cast in casts:
            name, address, subject, body = cast.citizens[0]
            rig.send(complaint_message(name, address, subject, body, to=cast.office))
        from jobs.demo import inbox

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(inbox(rig, c.citizens[0][1]) for c in casts):
            time.sleep(0.2)
        for cast, office in zip(casts, offices):
            assert inbox(rig, cast.citizens[0][1]), cast.domain
            assert len(office.book.complaints.listed()) == 1
    finally:
        stop.set()
        thread.join(timeout=20)


def test_datasette_saved_queries_run_on_a_real_book(env):
    start(env)
    metadata = json.loads((TEMPLATES / "datasette.json").read_text())
    queries = metadata["databases"]["pengaduan"]["queries"]
    book = sqlite3.connect(env.config.database)
    for query in queries.values():
        book.execute(query["sql"]).fetchall()
    assert book.execute(queries["pengaduan_terbuka"]["sql"]).fetchall()[0][2] == 2
    columns = {r[1] for r in book.execute("PRAGMA table_info(complaints)")}
    assert set(metadata["databases"]["pengaduan"]["tables"]["complaints"]["columns"]) <= columns
