"""The command line's own paths, run in-process with click's CliRunner (no mail server is
involved in any of them): help, listings of an empty or small book, refusals with their
exit codes, and the desk's commands on a real book file."""

from __future__ import annotations

import json
import types

import pytest
from click.testing import CliRunner

from jobs.cli import main
from jobs.demo import write_config

# Ports nobody listens on: none of these commands speaks IMAP or SMTP (a send is only queued).
NO_SERVER = types.SimpleNamespace(imap_port=9, smtp_port=9)


@pytest.fixture
def office_config(tmp_path):
    path = write_config(tmp_path, NO_SERVER)
    run(path, "catat", "--saluran", "langsung", "--nama", "Ibu Ratna", "--pokok", "Lampu jalan padam",
        "--isi", "Lampu di RT 3 padam.")
    return path


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
    assert doc["channel"] == "langsung" and doc["step"] == 2 and doc["complainant"]["name"] == "Ibu Ratna"
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


def test_an_action_recorded_at_the_desk_moves_the_step(office_config):
    number = json.loads(run(office_config, "book", "--json").output)[0]["number"]
    result = run(office_config, "langkah", number, "--teks", "Klarifikasi di kantor.\nSeksi: Pemerintahan",
                 "--petugas", "Andi")
    assert result.exit_code == 0, result.output
    assert "Langkah 2" in result.output and "langkah 3" in result.output
    doc = json.loads(run(office_config, "show", number, "--json").output)
    assert doc["step"] == 3 and doc["section"] == "Seksi Pemerintahan"
    assert any(e["kind"] == "dicatat_petugas" and "Andi" in e["text"] for e in doc["events"])


def test_nothing_held_says_so(office_config):
    result = run(office_config, "lepas")
    assert result.exit_code == 0 and "Tidak ada pengaduan yang ditahan." in result.output
    assert json.loads(run(office_config, "lepas", "--json").output) == []
