"""The configuration: what the issue's sample accepts, and errors that say where."""

from __future__ import annotations

import pytest

from office.config import ConfigError, load_config

SAMPLE = """
[office]
name = "Kecamatan Palaran"
parent = "Pemerintah Kota Samarinda"
address = "Jl. Contoh No. 1, Palaran, Samarinda"
[storage]
database = "data/pengaduan.db"
files = "data/files"
outbox = "data/surat-keluar"
[mailbox]
host = "127.0.0.1"
port = 10143
security = "none"        # none | starttls | ssl
username = "pengaduan@kecamatan.test"
password = "secret"
address = "pengaduan@kecamatan.test"
[smtp]
host = "127.0.0.1"
port = 10025
security = "none"
[roles.camat]
name = "Muhammad Dahlan, S.STP, M.Si"
nip = "198005071999121001"
email = "camat@kecamatan.test"
[roles.sekretaris]
name = "Sekretaris Contoh"
nip = "198001012000011001"
email = "sekretaris@kecamatan.test"
[roles.jfu]
name = "Staf Contoh"
email = "staf@kecamatan.test"
[[roles.sections]]
name = "Seksi Pemerintahan"
head = "Kasi Contoh"
email = "kasi.pemerintahan@kecamatan.test"
"""


def write(tmp_path, text):
    path = tmp_path / "pengaduan.toml"
    path.write_text(text)
    return path


def test_the_documented_sample_is_accepted_with_paths_from_the_config_folder(tmp_path):
    cfg = load_config(write(tmp_path, SAMPLE))
    assert cfg.database == tmp_path / "data" / "pengaduan.db"
    assert cfg.mailbox.security == "none" and cfg.mailbox.port == 10143
    assert cfg.directory.official("camat").nip == "198005071999121001"
    assert cfg.directory.section_names == ("Seksi Pemerintahan",)
    assert cfg.letters.signer_title == "CAMAT PALARAN"
    assert cfg.complaint_number(2025, 1) == "PGD/2025/0001"
    assert cfg.identity.register_pattern.search("Re: PGD/2025/0042 lagi").group(0) == "PGD/2025/0042"


def test_a_missing_key_is_named_with_its_table_and_line(tmp_path):
    text = SAMPLE.replace('port = 10143\n', '')
    with pytest.raises(ConfigError, match=r"baris 10: \[mailbox\] port: kunci 'port' wajib diisi"):
        load_config(write(tmp_path, text))


def test_a_wrong_value_is_named_with_its_line(tmp_path):
    text = SAMPLE.replace('security = "none"        #', 'security = "tls"        #')
    with pytest.raises(ConfigError, match=r"baris 13: \[mailbox\] security: harus salah satu dari"):
        load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"harus berupa bilangan bulat"):
        load_config(write(tmp_path, SAMPLE.replace("port = 10025", 'port = "10025"')))


def test_toml_syntax_errors_give_the_line(tmp_path):
    with pytest.raises(ConfigError, match="baris 3: nilainya tidak sah"):
        load_config(write(tmp_path, "[office]\nname = 'x'\nparent = \n"))


def test_a_role_the_sop_needs_must_be_configured(tmp_path):
    text = SAMPLE.replace('[roles.jfu]\nname = "Staf Contoh"\nemail = "staf@kecamatan.test"\n', "")
    with pytest.raises(ConfigError, match="peran yang belum diisi: jfu"):
        load_config(write(tmp_path, text))


def test_password_may_come_from_the_environment(tmp_path, monkeypatch):
    text = SAMPLE.replace('password = "secret"', 'password_env = "KANTOR_IMAP"')
    # Reading the book needs no mail password; the daemon and doctor are told which variable.
    unset = load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match="KANTOR_IMAP belum diisi"):
        unset.need_secrets("mailbox")
    monkeypatch.setenv("KANTOR_IMAP", "dari-lingkungan")
    assert load_config(write(tmp_path, text)).mailbox.password == "dari-lingkungan"


def test_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="pengaduan siapkan"):
        load_config(tmp_path / "tidak-ada.toml")
