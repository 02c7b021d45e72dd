"""The configuration declared once. Each table is a frozen dataclass whose fields are its keys:
the annotation is the key's type, the default its default (none: the key is required), and
`key(...)`'s metadata says the rest: the Indonesian comment of the sample file, the English
line of README's key table, the sample's value, `choices`, `least` (a number's smallest value),
`check` (a pure rule for its value: a port's range),
a secret that may come from the environment, and earlier names kept as aliases. From these
come the names the file may use (office.config_names), the reading with its Indonesian,
line-numbered errors (`read_declared`, over office.config's reader `r`), the sample file and
README's key table (office.config_sample). A table with rules beyond a key's own (one key
requiring another, a port's range, a default taken from another table) reads its declared
keys here, then checks the rest itself."""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import MISSING, Field, field, fields
from pathlib import Path
from typing import Any


def key(default: Any = MISSING, *, comment: str, doc: str, example: Any = None, shown: bool = False,
        choices: tuple[str, ...] | None = None, least: int | None = None, check: Any = None, kind: type | None = None,
        secret: str | None = None, default_doc: str | None = None, aliases: tuple[str, ...] = ()) -> Any:
    """One key's declaration, as a dataclass field.

    `check`: a function of the value that returns what is wrong with it, in Indonesian, or None;
    `comment`: its help in the sample file (Indonesian: the administrator reads it);
    `doc`: its line in README's key table; `example`: the value the sample shows (its default
    when not given), written as a setting when `shown`, else as a comment; `kind`: the TOML type
    when the annotation does not say it (`object`: the table's reader checks it itself);
    `secret`: "now" or "later", the value may come from the variable named by `<key>_env`
    (later: a missing variable is told only to the commands that connect); `default_doc`:
    the default in words, when it is taken from elsewhere; `aliases`: earlier names still read."""
    metadata = {"comment": comment, "doc": doc, "example": example, "shown": shown, "choices": choices,
                "least": least, "check": check, "kind": kind, "secret": secret, "default_doc": default_doc, "aliases": aliases}
    return field(metadata=metadata) if default is MISSING else field(default=default, metadata=metadata)


def declared_keys(settings: type) -> tuple[str, ...]:
    """The keys of the table `settings` declares, in their order."""
    return tuple(f.name for f in fields(settings))


def known_names(settings: type) -> tuple[str, ...]:
    """The names a file may write in the table: its keys and their earlier names."""
    return tuple(name for f in fields(settings) for name in (f.name, *f.metadata.get("aliases", ())))


def required(f: Field) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


@functools.cache
def _hints(settings: type) -> dict[str, Any]:
    return typing.get_type_hints(settings)


def is_path(settings: type, f: Field) -> bool:
    """A key holding a path, taken from the configuration file's folder when relative."""
    return _plain(_hints(settings)[f.name]) is Path


def _plain(hint: Any) -> Any:
    """`X` of `X | None`."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        return rest[0] if len(rest) == 1 else object
    return hint


def toml_kind(settings: type, f: Field) -> Any:
    """The TOML type a key is read as: the annotation's (a path is text, a tuple a list)."""
    if f.metadata.get("kind"):
        return f.metadata["kind"]
    hint = _plain(_hints(settings)[f.name])
    if hint is Path:
        return str
    if typing.get_origin(hint) is tuple:
        return list
    return hint if hint in (str, int, bool) else object


def written_key(r, table: str, settings: type, name: str) -> str:
    """The name the file gave the key `name`: itself, or an earlier name (an alias)."""
    f = next(f for f in fields(settings) if f.name == name)
    present = r.table(table, required=False)
    return next((n for n in (name, *f.metadata.get("aliases", ())) if n in present), name)


def read_declared(r, table: str, settings: type, **given):
    """`settings` read from [table] key by key (each checked against its type, `choices`,
    `least` and `check`; its default when absent; a path taken from the file's folder; a secret from
    its variable); the fields in `given` are taken as they are."""
    values = dict(given)
    for f in fields(settings):
        if f.name not in given:
            values[f.name] = _read_key(r, table, settings, f)
    return settings(**values)


def _read_key(r, table: str, settings: type, f: Field) -> Any:
    meta = f.metadata
    if meta.get("secret"):
        return r.secret(table, f.name, later=meta["secret"] == "later")
    name = written_key(r, table, settings, f.name)
    default = ... if required(f) else f.default
    value = r.get(table, name, toml_kind(settings, f), default, meta.get("choices"))
    least = meta.get("least")
    if least is not None and value < least:
        r.fail(table, name, f"harus bilangan bulat paling kecil {least}, tertulis {value}")
    problem = meta["check"](value) if meta.get("check") and value is not None else None
    if problem:
        r.fail(table, name, problem)
    if isinstance(value, str) and is_path(settings, f):
        # An empty path leaves an optional one unset (its default is worked out from others).
        return None if value == "" and f.default is None else r.path_of(value)
    return tuple(value) if isinstance(value, list) else value


def port_number(value: int) -> str | None:
    """A TCP port: 1 to 65535."""
    return None if 0 < value < 65536 else f"{value} bukan nomor port (1–65535)"


def fractions(value: tuple) -> str | None:
    """Fractions of a standard time, each between 0 and 1."""
    if all(isinstance(f, (int, float)) and not isinstance(f, bool) and 0 < f < 1 for f in value):
        return None
    return "harus daftar pecahan antara 0 dan 1, misalnya [0.5, 0.9]"
