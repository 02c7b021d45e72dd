"""A table of the configuration declared once: a settings dataclass whose fields are the
table's keys, with their types and defaults (and, in a field's metadata, `least` for a
number's smallest value and `choices`). From it come the names the file may use
(office.config_names), the reading with its Indonesian, line-numbered errors
(office.config's reader `r`), and the check that the sample file and README name every key
(tests/test_config_declared.py). A table with rules beyond a key's own (one key requiring
another, a port's range) reads its declared keys here, then checks the rest itself."""

from __future__ import annotations

import typing
from dataclasses import MISSING, fields
from typing import Any

# The TOML type that each annotation is read as.
_KINDS: dict[Any, type] = {str: str, int: int, bool: bool, tuple[str, ...]: list}


def declared_keys(settings: type) -> tuple[str, ...]:
    """The keys of the table `settings` declares, in their order."""
    return tuple(f.name for f in fields(settings))


def read_declared(r, table: str, settings: type, **given):
    """`settings` read from [table] key by key (each checked against its type, `least` and
    `choices`; its default when absent); the fields in `given` are taken as they are."""
    hints = typing.get_type_hints(settings)
    values = dict(given)
    for f in fields(settings):
        if f.name in given:
            continue
        default = f.default if f.default is not MISSING else ...
        value = r.get(table, f.name, _KINDS[hints[f.name]], default, f.metadata.get("choices"))
        least = f.metadata.get("least")
        if least is not None and value < least:
            r.fail(table, f.name, f"harus bilangan bulat paling kecil {least}, tertulis {value}")
        values[f.name] = tuple(value) if isinstance(value, list) else value
    return settings(**values)
