"""The names the configuration file may use, from the tables declared once (office.config_tables),
and the check that names a typo with the nearest valid name and its line."""

from __future__ import annotations

from office.config_declared import known_names
from office.config_tables import TABLES
from office.settings import ConfigError

# Every table and key the configuration declares (office.config_tables); anything else is a
# typo to be named. [roles.<role>] and [[roles.sections]] are checked by their own shape.
KNOWN: dict[str, tuple[str, ...]] = {table: known_names(declared) for table, declared in TABLES.items()
                                     if not table.startswith("roles.")}
ROLE_KEYS = known_names(TABLES["roles.*"])
SECTION_KEYS = known_names(TABLES["roles.sections"])


def _nearest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; mungkin maksud Anda '{close[0]}'" if close else ""


def check_names(r) -> None:
    """Refuse unknown tables and keys, naming the line and the nearest valid name."""
    for table, values in r.data.items():
        if table == "roles":
            if not isinstance(values, dict):
                r.fail("roles", None, "harus berupa tabel")
            for role, keys in values.items():
                if role == "sections":
                    for i, section in enumerate(keys if isinstance(keys, list) else []):
                        for key in section:
                            if key not in SECTION_KEYS:
                                raise ConfigError(f"{r.path}: [[roles.sections]] ke-{i + 1}: kunci '{key}' tidak "
                                                  f"dikenal{_nearest(key, SECTION_KEYS)}")
                    continue
                for key in keys if isinstance(keys, dict) else ():
                    if key not in ROLE_KEYS:
                        r.fail(f"roles.{role}", key, f"kunci '{key}' tidak dikenal{_nearest(key, ROLE_KEYS)}")
            continue
        if table not in KNOWN:
            raise ConfigError(f"{r.path}{r.line_of(table)}: bagian [{table}] tidak dikenal"
                              f"{_nearest(table, [*KNOWN, 'roles'])}")
        for key, value in (values.items() if isinstance(values, dict) else ()):
            if isinstance(value, dict) and f"{table}.{key}" in KNOWN:
                for sub in value:
                    if sub not in KNOWN[f"{table}.{key}"]:
                        r.fail(f"{table}.{key}", sub, f"kunci '{sub}' tidak dikenal"
                                                      f"{_nearest(sub, KNOWN[f'{table}.{key}'])}")
            elif key not in KNOWN[table]:
                r.fail(table, key, f"kunci '{key}' tidak dikenal{_nearest(key, KNOWN[table])}")
