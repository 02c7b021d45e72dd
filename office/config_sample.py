"""The sample configuration (templates/pengaduan.sample.toml, which `pengaduan siapkan` copies)
and README's configuration key table, both made from the tables declared once
(office.config_tables): every key with its value or default and its help. The functions are
pure; run as `python -m office.config_sample`, the module writes both files again after a
declaration changed (tests/test_config_declared.py compares them with what it makes)."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import MISSING, Field, fields
from pathlib import Path

from office.config_declared import required
from office.config_tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILE = ROOT / "templates" / "pengaduan.sample.toml"
README = ROOT / "README.md"
COLUMN = 36  # where a setting's comment starts in the sample
WIDTH = 118

HEAD = """\
# Konfigurasi pengaduan: penanganan pengaduan pelayanan publik melalui surel.
# Path relatif dihitung dari folder berkas ini. Waktu ditampilkan dalam WITA (Asia/Makassar).
# Setiap kunci tercantum di sini dengan penjelasannya; kunci yang diawali # memakai nilai yang
# tertulis sebagai contoh atau nilai bawaannya: hapus # di depannya untuk memakainya.
"""

# The sample's officials beyond [roles.camat] (whose keys the declaration's examples show):
# role -> (the table's comment, its settings).
ROLE_SAMPLES: dict[str, tuple[str, dict[str, str]]] = {
    "sekretaris": ("", {"name": "Sekretaris Contoh", "nip": "198001012000011001",
                        "email": "sekretaris@kecamatan.test"}),
    "jfu": ("", {"name": "Staf Contoh", "email": "staf@kecamatan.test"}),
    "agenda": ("petugas TU pemegang buku agenda surat keluar: memberi nomor surat",
               {"name": "Petugas Agenda Contoh", "email": "agenda@kecamatan.test"}),
}


def toml_value(value) -> str:
    """`value` written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def sample_value(f: Field):
    """What the sample shows for a key: its example, else its default."""
    if f.metadata.get("example") is not None:
        return f.metadata["example"]
    if required(f) or f.default is None:
        raise ValueError(f"the key {f.name} declares neither a default nor an example")
    return f.default


def _commented(setting: str, comment: str) -> list[str]:
    """`setting` with `comment` beside it from COLUMN (continued under it), or above it when
    the setting reaches past COLUMN and the comment would not fit on its line."""
    if not comment:
        return [setting]
    if len(setting) >= COLUMN and len(setting) + 3 + len(comment) > WIDTH:
        return [f"# {part}" for part in textwrap.wrap(comment, WIDTH - 2)] + [setting]
    pad = max(len(setting) + 1, COLUMN)
    parts = textwrap.wrap(comment, WIDTH - pad - 2)
    return [f"{setting:<{pad}}# {parts[0]}"] + [f"{'':<{COLUMN}}# {part}" for part in parts[1:]]


def _table(header: str, declared: type, active: bool, comment: str, values: dict | None = None) -> list[str]:
    """One table of the sample: its header, then each key set (when `active` and shown) or
    commented out, with its help; `values` instead: only those keys, set, without comments."""
    lines = ["", *_commented(header if active else f"# {header}", comment)]
    if values is not None:
        return lines + [f"{name} = {toml_value(value)}" for name, value in values.items()]
    for f in fields(declared):
        setting = f"{f.name} = {toml_value(sample_value(f))}"
        lines += _commented(setting if active and f.metadata["shown"] else f"# {setting}", f.metadata["comment"])
    return lines


def render_sample() -> str:
    """The sample configuration file."""
    lines = [HEAD.rstrip("\n")]
    for table, declared in TABLES.items():
        if table == "roles.*":
            lines += _table("[roles.camat]", declared, True, declared.COMMENT)
            for role, (comment, values) in ROLE_SAMPLES.items():
                lines += _table(f"[roles.{role}]", declared, True, comment, values)
        elif table == "roles.sections":
            lines += _table("[[roles.sections]]", declared, True, declared.COMMENT)
        else:
            lines += _table(f"[{table}]", declared, declared.SAMPLE, declared.COMMENT)
    return "\n".join(lines) + "\n"


def default_shown(f: Field) -> str:
    """A key's default as README's table says it."""
    if f.metadata.get("default_doc"):
        return f.metadata["default_doc"]
    if required(f):
        return "required"
    if f.default is None or f.default is MISSING:
        return "none"
    return f"`{toml_value(f.default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_key_table() -> str:
    """README's configuration key table: a row per table, then a row per key."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for table, declared in TABLES.items():
        name = {"roles.*": "[roles.<role>]", "roles.sections": "[[roles.sections]]"}.get(table, f"[{table}]")
        rows.append(f"| **`{name}`** | | {_cell(declared.DOC)} |")
        for f in fields(declared):
            aliases = f.metadata.get("aliases", ())
            doc = f.metadata["doc"] + "".join(f" (earlier name: `{a}`)" for a in aliases if f"`{a}`" not in
                                              f.metadata["doc"])
            rows.append(f"| `{name} {f.name}` | {_cell(default_shown(f))} | {_cell(doc)} |")
    return "\n".join(rows) + "\n"


START = "<!-- key table: made by `python -m office.config_sample` from the declared tables; do not edit by hand -->\n"
END = "<!-- end of the key table -->\n"


def readme_with_table(readme: str) -> str:
    """README's text with its key table made again."""
    found = re.search(re.escape(START) + r".*?" + re.escape(END), readme, re.DOTALL)
    if found is None:
        raise ValueError("README has no key table markers")
    return readme[:found.start()] + START + render_key_table() + END + readme[found.end():]


if __name__ == "__main__":
    SAMPLE_FILE.write_text(render_sample(), encoding="utf-8")
    README.write_text(readme_with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
