"""The office's keys and the check of its letters: the seal key (made once, its public half
announced), the random keys that sign the desk's and the public pages' cookies and forms, and
the verification of a letter file or seal text against the known public keys and, when this
office's book is at hand, its register of letters and filed signed copies (`verifikasi`)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from letters.seal import Seal, key_id, load_key, make_key, parse_public, public_text
from letters.verify import UNREADABLE, Verdict, check_seal, verify_file
from office.base import Office
from office.config import Config
from sop.book.records import Letter
from sop.files import write_private

__all__ = ["UNREADABLE", "Letter", "Verdict", "check_seal", "filed_copy", "key_name", "known_keys", "make_seal_key",
           "public_key_text", "secret_file", "signs_outside", "verify_letter"]


def secret_file(path: Path) -> bytes:
    """A random 32-byte key kept in a private file, made on first use (the desk's cookie key,
    the public pages' form key): each program its own."""
    if not path.exists():
        write_private(path, secrets.token_bytes(32))
    return path.read_bytes()


def make_seal_key(path: Path) -> str:
    """Make the office's seal key at `path` (FileExistsError when one is there: never replaced);
    its public half as the office announces it."""
    return public_text(make_key(path).public_key())


def public_key_text(path: Path) -> str:
    """The public half of the seal key at `path`, as the office announces it."""
    return public_text(load_key(path).public_key())


def key_name(path: Path) -> str:
    """The short id of the seal key at `path`, as letters and `periksa` name it."""
    return key_id(load_key(path).public_key())


def known_keys(config: Config | None, texts: list[str]) -> dict:
    """The public keys a letter may be checked against, by id: the office's own (when `config`
    is given and has made its key), the keys it trusts, and the announced `texts` given."""
    keys = {}
    if config is not None:
        texts = [*texts, *config.letters.trusted_keys]
        if config.letters.key and config.letters.key.exists():
            public = load_key(config.letters.key).public_key()
            keys[key_id(public)] = public
    for text in texts:
        public = parse_public(text)
        keys[key_id(public)] = public
    return keys


def verify_letter(path: Path, keys: dict, office: Office | None) -> Verdict:
    """A letter file's seal and content checked; with this office's book, also against its
    register (numbers restart every year, so a seal's number is looked up in its own year)."""
    def register(seal: Seal) -> dict | None:  # letters/ takes plain data, not the book's records
        letter = office.book.letters.by_number(seal.number, int(seal.date[:4])) if office else None
        return letter.as_dict() if letter else None

    return verify_file(path, keys, register if office else None)


def filed_copy(path: Path, office: Office) -> Letter | None:
    """The letter whose filed signed copy (a wet-signed scan, a TTE-signed PDF) `path` is, byte
    for byte (its SHA-256 in the letters register), else None."""
    return office.book.letters.by_signed_sha256(hashlib.sha256(path.read_bytes()).hexdigest())


def signs_outside(office: Office) -> bool:
    """Whether this office has filed letters signed outside the system (wet or TTE): then a file
    that is neither sealed nor one of them is not its letter."""
    return bool(office.book.letters.signed_outside())
