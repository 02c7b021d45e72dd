"""The tables declared once (office.config_declared): their keys are the names the file may
use, each is read with its type, default and limits, and the sample file and README name it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from office.config import ConfigError, load_config
from office.config_declared import declared_keys
from office.config_names import KNOWN
from office.config_public import PublicSettings
from office.settings import SecuritySettings, WebSettings
from templates import TEMPLATES
from tests.test_config import SAMPLE, write

ROOT = Path(__file__).resolve().parent.parent
DECLARED = {"publik": PublicSettings, "web": WebSettings, "security": SecuritySettings}


def _section(text: str, table: str) -> str:
    """The lines of [table] in the sample file, commented out or not, up to the next table."""
    start = re.search(rf"^#? ?\[{re.escape(table)}\]", text, re.MULTILINE)
    assert start, f"the sample file has no [{table}]"
    rest = text[start.end():]
    end = re.search(r"^#? ?\[\[?[a-z_.]+\]", rest, re.MULTILINE)
    return rest[:end.start() if end else None]


@pytest.mark.parametrize("table", sorted(DECLARED))
def test_a_declared_table_is_what_the_file_may_name_and_what_the_sample_and_readme_name(table):
    keys = declared_keys(DECLARED[table])
    assert KNOWN[table] == keys
    sample = _section((TEMPLATES / "pengaduan.sample.toml").read_text(), table)
    readme = (ROOT / "README.md").read_text()
    for key in keys:
        assert re.search(rf"^# ?{key} = ", sample, re.MULTILINE), f"the sample's [{table}] does not show {key}"
        assert f"`{key}`" in readme, f"README does not name [{table}] {key}"


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
