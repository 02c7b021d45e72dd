"""The command line's own paths, run in-process with click's CliRunner (no mail server is
involved in any of them): help, listings of an empty or small book, refusals with their
exit codes, and the desk's commands on a real book file."""

from __future__ import annotations

import json
import shutil
import sqlite3
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import main
from jobs.demo import write_config
from sop.book import Book

# Ports nobody listens on: none of these commands speaks IMAP or SMTP (a send is only queued).
NO_SERVER = types.SimpleNamespace(imap_port=9, smtp_port=9)


@pytest.fixture(scope="session")
def _prepared_office(tmp_path_factory) -> Path:
    """One office with one desk complaint, made once: `catat` renders the tanda terima through
    LibreOffice, seconds that each test would otherwise pay again. Its paths are relative to
    its folder, so a copy is an office of its own."""
    folder = tmp_path_factory.mktemp("kantor-siap")
    path = write_config(folder, NO_SERVER)
    Book(folder / "data" / "pengaduan.db").close()  # as `pengaduan siapkan` makes it
    done = run(path, "catat", "--saluran", "langsung", "--nama", "Ibu Ratna", "--pokok", "Lampu jalan padam",
               "--isi", "Lampu di RT 3 padam.")
    assert done.exit_code == 0, done.output
    with sqlite3.connect(folder / "data" / "pengaduan.db") as db:  # the copy needs no -wal file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def office_config(tmp_path, _prepared_office):
    """The prepared office, copied into this test's own folder (it may change it at will)."""
    shutil.copytree(_prepared_office, tmp_path, dirs_exist_ok=True)
    return tmp_path / "pengaduan.toml"


def run(config, *args, input=None):
    return CliRunner().invoke(main, ["--config", str(config), *args], input=input)


def test_help_lists_every_command_in_indonesian():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("catat", "lepas", "surat", "laporan", "verifikasi", "delegasi"):
        assert name in result.output
    assert "Tampilkan bantuan ini lalu keluar." in result.output


def test_a_desk_complaint_is_in_the_book_and_routed_even_with_the_mail_server_down(office_config):
    result = run(office_config, "book", "--json")
    assert result.exit_code == 0, result.output
    [doc] = json.loads(result.output)
    assert doc["channel"] == "langsung" and doc["step"] == 2 and doc["complainant"]["name"] == "Ratna"
    shown = json.loads(run(office_config, "show", doc["number"], "--json").output)
    assert shown["official"]["role"] == "sekretaris" and any(e["kind"] == "langkah" for e in shown["events"])


def test_refusals_say_why_with_exit_one(office_config):
    missing = run(office_config, "show", "PGD/2099/9999")
    assert missing.exit_code == 1 and "tidak ada dalam buku" in missing.output
    not_held = run(office_config, "lepas", "PGD/2099/9999")
    assert not_held.exit_code == 1 and "tidak ada dalam buku" in not_held.output
    no_letter = run(office_config, "surat", "kirim", "PGD/2099/9999", "--cara", "pos")
    assert no_letter.exit_code == 1 and "tidak ada atau sudah dibatalkan" in no_letter.output
    role = run(office_config, "delegasi", "tambah", "--peran", "lurah", "--bentuk", "Plt.", "--nama", "X",
               "--surel", "x@k.test", "--jabatan", "Sekretaris", "--mulai", "2026-12-01", "--sampai", "2026-12-02")
    assert role.exit_code == 1 and "Peran 'lurah' tidak ada" in role.output


def test_usage_mistakes_exit_two(office_config):
    both = run(office_config, "catat", "--saluran", "langsung", "--nama", "A", "--pokok", "B")
    assert both.exit_code == 2 and "--isi" in both.output
    bad_way = run(office_config, "surat", "kirim", "X", "--cara", "merpati")
    assert bad_way.exit_code == 2


def test_an_action_recorded_at_the_desk_waits_for_the_officials_confirmation(office_config):
    number = json.loads(run(office_config, "book", "--json").output)[0]["number"]
    before = json.loads(run(office_config, "show", number, "--json").output)
    result = run(office_config, "langkah", number, "--teks", "Klarifikasi di kantor.\nSeksi: Pemerintahan",
                 "--petugas", "Andi")
    assert result.exit_code == 0, result.output
    assert "Usulan 1: tindakan langkah 2" in result.output and "Benar" in result.output
    doc = json.loads(run(office_config, "show", number, "--json").output)
    # Nothing moved: the step, its holder and its due time are as they were.
    assert doc["step"] == 2 and doc["section"] is None and doc["waiting_for"] == before["waiting_for"]
    assert any(e["kind"] == "usulan" and "petugas Andi" in e["text"] for e in doc["events"])
    listed = run(office_config, "langkah", number)
    assert listed.exit_code == 0 and "menunggu konfirmasi pejabat" in listed.output


def test_nothing_held_says_so(office_config):
    result = run(office_config, "lepas")
    assert result.exit_code == 0 and "Tidak ada pengaduan yang ditahan." in result.output
    assert json.loads(run(office_config, "lepas", "--json").output) == []


def test_what_cannot_be_checked_is_exit_two_not_a_verdict(office_config, tmp_path):
    missing = run(office_config, "verifikasi", str(tmp_path / "tidak-ada.docx"))
    assert missing.exit_code == 2 and "tidak ada" in missing.output
    broken = tmp_path / "rusak.docx"
    broken.write_bytes(b"PK\x03\x04 bukan zip yang utuh")
    assert run(office_config, "verifikasi", str(broken)).exit_code == 2
    fake = tmp_path / "palsu.pdf"
    fake.write_text("ini bukan PDF")
    assert run(office_config, "verifikasi", str(fake)).exit_code == 2
    empty = run(office_config, "verifikasi", "")
    assert empty.exit_code == 2 and "Sebutkan berkas surat" in empty.output
    words = run(office_config, "verifikasi", "sembarang teks")
    assert words.exit_code == 2 and "Tidak dapat diperiksa" in words.output


def test_exports_and_reports_never_write_where_they_should_not(office_config, tmp_path):
    nowhere = run(office_config, "ekspor", str(tmp_path / "tidak-ada" / "buku.csv"))
    assert nowhere.exit_code == 2 and "tidak ada" in nowhere.output
    wrong = run(office_config, "ekspor", str(tmp_path / "buku.ods"))
    assert wrong.exit_code == 2 and not (tmp_path / "buku.ods").exists()
    first = run(office_config, "ekspor", str(tmp_path / "buku.csv"))
    assert first.exit_code == 0, first.output
    again = run(office_config, "ekspor", str(tmp_path / "buku.csv"))
    assert again.exit_code == 2 and "--timpa" in again.output
    assert run(office_config, "ekspor", str(tmp_path / "buku.csv"), "--timpa").exit_code == 0
    for args in (("--bulan", "13-2026"), ("--bulan", "2026-00"), ("--dari", "10-03-2026", "--sampai", "01-03-2026"),
                 ("--dari", "31-02-2026", "--sampai", "01-03-2026"), ()):
        result = run(office_config, "laporan", *args, "--keluar", str(tmp_path))
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "must be in" not in result.output


def _variant(config, folder, name: str, old: str, new: str):
    """The office's configuration with one mistake an administrator makes."""
    path = folder / name
    path.write_text(config.read_text().replace(old, new))
    return path


def test_a_mistyped_or_damaged_book_is_refused_never_made_anew(office_config, tmp_path):
    typo = _variant(office_config, tmp_path, "salah-ketik.toml", "data/pengaduan.db", "data/pengadaun.db")
    result = run(typo, "buku")
    assert result.exit_code == 2 and "tidak ada" in result.output and "siapkan" in result.output
    assert not (tmp_path / "data" / "pengadaun.db").exists()
    (tmp_path / "data" / "pengaduan.db").write_bytes(b"bukan sqlite sama sekali" * 100)
    for args in (("buku",), ("lihat", "PGD/2026/0001"), ("surat",), ("lepas",)):
        damaged = run(office_config, *args)
        assert damaged.exit_code == 2 and "Buku pengaduan" in damaged.output, (args, damaged.output)


def test_configuration_typos_name_the_line_and_the_nearest_key(office_config, tmp_path):
    typo = _variant(office_config, tmp_path, "typo.toml", "[mailbox]\n", "[mailbox]\npasword = \"x\"\n")
    result = run(typo, "buku")
    assert result.exit_code == 2 and "pasword" in result.output and "'password'" in result.output
    assert "baris" in result.output
    folder = run(tmp_path, "buku")
    assert folder.exit_code == 2 and "folder" in folder.output
    latin = tmp_path / "latin.toml"
    latin.write_bytes("[office]\nname = \"Kecamatan Palaran\xe9\"\n".encode("latin-1"))
    assert run(latin, "buku").exit_code == 2 and "UTF-8" in run(latin, "buku").output
    broken = tmp_path / "rusak.toml"
    broken.write_text("[office\nname = ")
    assert run(broken, "buku").exit_code == 2 and "TOML" in run(broken, "buku").output


def test_an_unexpected_error_shows_an_incident_number_not_a_traceback(office_config, tmp_path, monkeypatch):
    from office import reading

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(reading, "complaint_json", lambda *a, **k: 1 / 0)
    result = run(office_config, "buku")
    assert result.exit_code == 1 and "insiden" in result.output and "Traceback" not in result.output
    log = (tmp_path / "state" / "pengaduan" / "insiden.log").read_text()
    assert "ZeroDivisionError" in log


def test_dates_as_an_office_writes_them():
    import datetime as dt

    from jobs.cli.common import DATE, MONTH

    assert DATE.convert("31-12-2026", None, None) == dt.date(2026, 12, 31)
    assert DATE.convert("2026-12-31", None, None) == dt.date(2026, 12, 31)
    assert DATE.convert("1/3/2026", None, None) == dt.date(2026, 3, 1)
    assert MONTH.convert("03-2026", None, None) == (2026, 3)
    assert MONTH.convert("2026-03", None, None) == (2026, 3)


def test_a_fresh_configuration_tells_which_password_variable_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("PENGADUAN_MAILBOX_PASSWORD", raising=False)
    made = CliRunner().invoke(main, ["siapkan", str(tmp_path / "kantor")])
    assert made.exit_code == 0, made.output
    config = tmp_path / "kantor" / "pengaduan.toml"
    # Reading the (empty) book needs no password at all.
    listing = run(config, "buku", "--json")
    assert listing.exit_code == 0 and json.loads(listing.output) == []
    checked = run(config, "periksa")
    assert checked.exit_code == 1 and "PENGADUAN_MAILBOX_PASSWORD" in checked.output
    assert "konfigurasi" in checked.output and "Traceback" not in checked.output
    daemon = run(config, "jalankan", "--sekali")
    assert daemon.exit_code == 2 and "PENGADUAN_MAILBOX_PASSWORD" in daemon.output


def test_storage_failures_read_as_sentences_with_the_right_exit_code():
    import sqlite3

    from jobs.cli.common import translated

    readonly = translated(sqlite3.OperationalError("attempt to write a readonly database"), None)
    assert readonly.exit_code == 2 and "tidak dapat ditulisi" in readonly.message
    locked = translated(sqlite3.OperationalError("database is locked"), None)
    assert locked.exit_code == 1 and "dipakai proses lain" in locked.message
    full = translated(sqlite3.OperationalError("database or disk is full"), None)
    assert full.exit_code == 1 and "kosongkan disk" in full.message
    damaged = translated(sqlite3.DatabaseError("database disk image is malformed"), None)
    assert damaged.exit_code == 2 and "rusak" in damaged.message


def test_show_says_who_holds_the_complaint_and_until_when(office_config):
    number = json.loads(run(office_config, "buku", "--json").output)[0]["number"]
    doc = json.loads(run(office_config, "lihat", number, "--json").output)
    waiting = doc["waiting_for"]
    assert waiting["role"] == "sekretaris" and waiting["step"] == 2 and waiting["email"]
    assert waiting["due_at"] == doc["due_at"] and waiting["since"].endswith("+08:00")
    run(office_config, "langkah", number, "--teks", "Klarifikasi.\nSeksi: Pemerintahan")
    # Staff's entry is a proposal: the Sekretaris still holds the step, until the same time.
    assert json.loads(run(office_config, "lihat", number, "--json").output)["waiting_for"] == waiting


def test_a_restore_asks_first_and_changes_nothing_when_told_no(office_config, tmp_path):
    from sop.book import Book

    made = run(office_config, "cadangan")
    assert made.exit_code == 0, made.output
    [copy] = (tmp_path / "data" / "cadangan").glob("pengaduan-*.db")
    answered_no = run(office_config, "pulihkan", str(copy), input="n\n")
    assert answered_no.exit_code == 1 and "tidak diubah" in answered_no.output
    assert not list((tmp_path / "data" / "cadangan").glob("sebelum-pulihkan-*.db"))
    assert len(Book(tmp_path / "data" / "pengaduan.db").complaints.listed()) == 1
