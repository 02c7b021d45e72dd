"""The configuration declared once (office.config_tables): its keys are the names the file may
use, each is read with its type, default and limits, and the sample file that `pengaduan
siapkan` writes and README's key table are made from it and agree with it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from office.config import ConfigError, load_config
from office.config_declared import declared_keys, known_names
from office.config_names import KNOWN, ROLE_KEYS, SECTION_KEYS
from office.config_public import PublicSettings
from office.config_sample import END, START, readme_with_table, render_key_table, render_sample
from office.config_tables import TABLES
from office.settings import SecuritySettings
from templates import TEMPLATES
from tests.test_config import SAMPLE, write

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SAMPLE_TEXT = (TEMPLATES / "pengaduan.sample.toml").read_text()
HEADER = re.compile(r"^#? ?\[\[?([a-z0-9_.]+)\]\]?")
SETTING = re.compile(r"^#? ?([a-z_]+) = ")


def _sample_tables(text: str) -> dict[str, list[str]]:
    """The keys each table of the sample names, set or commented out."""
    tables: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if header := HEADER.match(line):
            current = header[1]
            tables.setdefault(current, [])
        elif (setting := SETTING.match(line)) and current:
            tables[current].append(setting[1])
    return tables


def _declared(table: str) -> type:
    return TABLES["roles.*"] if table.startswith("roles.") and table != "roles.sections" else TABLES[table]


def test_the_names_the_file_may_use_are_the_declared_keys_and_their_earlier_names():
    for table, declared in TABLES.items():
        if not table.startswith("roles."):
            assert KNOWN[table] == known_names(declared)
    assert ROLE_KEYS == declared_keys(TABLES["roles.*"]) and SECTION_KEYS == declared_keys(TABLES["roles.sections"])
    assert "signer_role" in KNOWN["letters"] and "signer_role" not in declared_keys(TABLES["letters"])


def test_the_sample_file_is_made_from_the_declaration():
    assert SAMPLE_TEXT == render_sample(), "run `python -m office.config_sample` after changing a declared key"


def test_the_sample_names_every_declared_key_with_its_help_and_nothing_undeclared():
    tables = _sample_tables(SAMPLE_TEXT)
    for table in TABLES:
        shown = "roles.camat" if table == "roles.*" else table
        assert tables.get(shown) == list(declared_keys(TABLES[table])), f"[{shown}] of the sample"
    for table, keys in tables.items():
        assert set(keys) <= set(known_names(_declared(table))), f"[{table}] of the sample names an undeclared key"
    for f in fields(TABLES["letters"]):
        line = next(ln for ln in SAMPLE_TEXT.splitlines() if SETTING.match(ln) and SETTING.match(ln)[1] == f.name)
        said = SAMPLE_TEXT[SAMPLE_TEXT.index(line) - 200:SAMPLE_TEXT.index(line) + len(line) + 400]
        assert f.metadata["comment"].split()[0] in said, f"the help of [letters] {f.name}"


def test_the_sample_is_a_configuration_that_loads(tmp_path):
    (tmp_path / "pengaduan.toml").write_text(SAMPLE_TEXT)
    cfg = load_config(tmp_path / "pengaduan.toml")
    assert cfg.office_name == "Kecamatan Palaran" and cfg.letters.numbering == "agenda"
    assert cfg.intake.max_attachments == 50 and cfg.backup_keep == 7 and cfg.publik == PublicSettings()


def test_readme_key_table_is_made_from_the_declaration_with_each_default():
    assert readme_with_table(README) == README, "run `python -m office.config_sample` after changing a declared key"
    table = README[README.index(START):README.index(END)]
    assert table.count("\n| `[") == sum(len(fields(d)) for d in TABLES.values())
    assert "| `[office] meeting_place` | \"Kantor <name>\" |" in render_key_table()
    assert "| `[intake] hold_after` | `10` |" in table and "| `[web] identity_roles` | `[\"staf\", \"pimpinan\"]` |" in table
    assert "| `[letters] signer` |" in table and "earlier name `signer_role`" in table


MENTION = (re.compile(r"`\[\[?([a-z0-9_.<>]+)\]\]? ([a-z_]+)\b"),  # `[letters] signer`
           re.compile(r"\[\[?([a-z0-9_.<>]+)\]\]?`? `([a-z_]+)[`= ]"))  # [sop] `file`, `[web]` `host`


def test_readme_and_the_guides_name_no_undeclared_key():
    prose = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
    mentions = [(m[1], m[2], m[0]) for pattern in MENTION for m in pattern.finditer(prose)]
    assert len(mentions) > 40
    for table, name, said in mentions:
        if table in KNOWN or table.startswith("roles."):
            assert name in known_names(_declared(table.replace("<role>", "camat"))), f"README names {said!r}"
    guides = README + "".join((ROOT / "docs" / name).read_text() for name in ("DEPLOY.md", "PANDUAN-ADMIN.md"))
    for block in re.findall(r"```toml\n(.*?)```", guides, re.DOTALL):
        for table, values in tomllib.loads(block).items():
            for sub, value in values.items():
                if table == "roles":
                    for entry in value if isinstance(value, list) else [value]:
                        assert set(entry) <= set(SECTION_KEYS if sub == "sections" else ROLE_KEYS), block
                elif isinstance(value, dict) and f"{table}.{sub}" in KNOWN:
                    assert set(value) <= set(KNOWN[f"{table}.{sub}"]), block
                else:
                    assert sub in KNOWN[table], f"an example names [{table}] {sub}"


def test_a_declared_key_is_read_with_its_type_default_and_least_value(tmp_path):
    cfg = load_config(write(tmp_path, SAMPLE + "[publik]\nper_hour = 40\n[web]\nidentity_roles = [\"pimpinan\"]\n"))
    assert cfg.publik.per_hour == 40 and cfg.publik.per_address == PublicSettings.per_address
    assert cfg.web.identity_roles == ("pimpinan",) and cfg.security == SecuritySettings()
    text = SAMPLE + "[publik]\nenabled = true\nper_hour = 0\n"
    with pytest.raises(ConfigError, match=rf"baris {text.splitlines().index('per_hour = 0') + 1}: \[publik\] "
                                          r"per_hour: harus bilangan bulat paling kecil 1, tertulis 0"):
        load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"\[web\] port: harus berupa bilangan bulat, tertulis '8080'"):
        load_config(write(tmp_path, SAMPLE + "[web]\nport = \"8080\"\n"))


@pytest.mark.parametrize("extra,said", [
    ("[backup]\nkeep = 0\n", r"\[backup\] keep: harus bilangan bulat paling kecil 1, tertulis 0"),
    ("[intake]\nmax_message_mb = \"25\"\n", r"\[intake\] max_message_mb: harus berupa bilangan bulat, tertulis '25'"),
    ("[office_hours]\ndays = \"libur\"\n", r"\[office_hours\] days: harus salah satu dari: kerja, kalender"),
    ("[reports]\nmonthly = \"ya\"\n", r"\[reports\] monthly: harus berupa true/false, tertulis 'ya'"),
    ("[reminders]\nat = [0.5, 1.5]\n", r"\[reminders\] at: harus daftar pecahan antara 0 dan 1"),
    ("[web]\nidentity_roles = [\"staf\", \"tamu\"]\n", r"\[web\] identity_roles: peran tamu tidak dikenal"),
    ("[daemon]\npoll_secs = 30\n", r"\[daemon\] poll_secs: kunci 'poll_secs' tidak dikenal; mungkin maksud Anda "
                                   r"'poll_seconds'"),
])
def test_every_table_is_checked_by_its_declaration_naming_the_line(tmp_path, extra, said):
    text = SAMPLE + extra
    line = len(text.splitlines())
    with pytest.raises(ConfigError, match=rf"baris {line}: {said}"):
        load_config(write(tmp_path, text))


def test_a_port_out_of_range_is_named_in_every_table_that_has_one(tmp_path):
    text = SAMPLE.replace("port = 10143", "port = 0")
    line = text.splitlines().index("port = 0") + 1
    with pytest.raises(ConfigError, match=rf"baris {line}: \[mailbox\] port: 0 bukan nomor port \(1–65535\)"):
        load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"\[smtp\] port: 99999 bukan nomor port"):
        load_config(write(tmp_path, SAMPLE.replace("port = 10025", "port = 99999")))
    with pytest.raises(ConfigError, match=r"\[web\] port: 70000 bukan nomor port"):
        load_config(write(tmp_path, SAMPLE + "[web]\nport = 70000\n"))


def test_declared_defaults_hold_when_the_keys_are_absent(tmp_path):
    cfg = load_config(write(tmp_path, SAMPLE))
    assert cfg.backup_folder == tmp_path / "data" / "cadangan" and cfg.backup_keep == 7
    assert cfg.smtp_give_up_hours == 24 and cfg.poll_seconds == 60 and cfg.silence_days == 10
    assert cfg.meeting_place == "Kantor Kecamatan Palaran" and cfg.complaint_desk.handler == "Sekretaris Camat Palaran"
    assert cfg.mailbox.folder == "INBOX" and cfg.mailbox.processed_folder == "Diproses" and cfg.mailbox.verify_tls
    assert cfg.letters.key == tmp_path / "data" / "files" / "kunci" / "segel-kantor.key"
    assert cfg.letters.signer_role == "camat" and cfg.letters.on_behalf_of == "" and cfg.letters.paper == "A4"
    assert cfg.nudges.at == (0.5, 0.9) and cfg.intake.max_attachment_bytes == 10 * 2**20


def test_an_earlier_name_is_still_read_and_named_in_its_error(tmp_path):
    cfg = load_config(write(tmp_path, SAMPLE + '[letters]\nsigner_role = "sekretaris"\n'))
    assert cfg.letters.signer_role == "sekretaris" and cfg.letters.on_behalf_of == "CAMAT PALARAN"
    with pytest.raises(ConfigError, match=r"\[letters\] signer_role: peran 'lurah' tidak ada di \[roles\]"):
        load_config(write(tmp_path, SAMPLE + '[letters]\nsigner_role = "lurah"\n'))


def test_a_section_is_read_by_its_declaration_and_named_by_its_place(tmp_path):
    text = SAMPLE.replace('email = "kasi.pemerintahan@kecamatan.test"\n', 'aliases = ["Tapem"]\n')
    with pytest.raises(ConfigError, match=r"\[\[roles.sections\]\] ke-1: kunci 'email' wajib diisi"):
        load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"ke-1: 'aliases' harus berupa daftar teks"):
        load_config(write(tmp_path, SAMPLE + 'aliases = "Tapem"\n'))
    with pytest.raises(ConfigError, match=r"ke-1: kunci 'heda' tidak dikenal; mungkin maksud Anda 'head'"):
        load_config(write(tmp_path, SAMPLE + 'heda = "Kasi"\n'))


def test_no_key_is_read_by_hand_in_the_configuration_modules():
    for path in (ROOT / "office").glob("config*.py"):
        assert not re.search(r"\br\.get\(\s*\"", path.read_text()), f"{path.name} reads a key by hand"
