"""Offices of one city that name the same book, files folder or mailbox.

Two such offices would race each other: for the book's lock (the loser retries, and may win the
next time), or for the same mail. In a review, an office file copied with its `[storage]` left
unchanged took another office's book and wrote its complaint into that office's register. So
both are refused, with a line each naming the other file: whichever starts first, neither can
pick the winner, and an administrator sees at once which two files to compare.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from office.settings import Config

BOOK, FILES, MAILBOX = "buku pengaduan", "folder berkas", "kotak surat"


def place(path: Path) -> tuple:
    """What makes two paths one place: the file itself (device and inode) when it exists, so a
    symlink or a hard link is seen through; else the path resolved (`..` and symlinks of its folders)."""
    resolved = path.expanduser().resolve()
    try:
        found = os.stat(resolved)
    except OSError:
        return ("path", str(resolved))
    return ("inode", found.st_dev, found.st_ino)


def mailbox_of(config: Config) -> tuple[str, str, str]:
    """One IMAP mailbox: its host, its user and its folder. Port and security are left out: one
    server listens on several. Host and user are compared without case (servers treat them so),
    and INBOX is case-insensitive in IMAP (RFC 3501)."""
    box = config.mailbox
    folder = "INBOX" if box.folder.upper() == "INBOX" else box.folder
    return box.host.strip().rstrip(".").lower(), box.username.strip().lower(), folder


def places(config: Config) -> dict[str, tuple]:
    """What an office holds for itself alone: what names its book, its files folder, its mailbox."""
    return {BOOK: place(config.database), FILES: place(config.files), MAILBOX: mailbox_of(config)}


def clashes(held: Mapping[str, Mapping[str, tuple]]) -> dict[str, str]:
    """For each office (by its file's name) that shares something with another, the sentence
    that says what and with which file; offices sharing nothing are left out. `held`: each
    office's places (from `places`)."""
    owners: dict[tuple[str, tuple], list[str]] = {}
    for name, mine in held.items():
        for kind, where in mine.items():
            owners.setdefault((kind, where), []).append(name)
    shared: dict[str, dict[str, list[str]]] = {}  # office -> other office -> what they share
    for (kind, _), names in owners.items():
        for name in names:
            for other in names:
                if other != name:
                    shared.setdefault(name, {}).setdefault(other, []).append(kind)
    return {name: clash_sentence(others) for name, others in shared.items()}


def clash_sentence(others: Mapping[str, list[str]]) -> str:
    """"memakai buku pengaduan dan kotak surat yang sama dengan b.toml; ..." (one line)."""
    parts = [f"{_joined(sorted(kinds, key=(BOOK, FILES, MAILBOX).index))} yang sama dengan {other}"
             for other, kinds in sorted(others.items())]
    return (f"memakai {', serta '.join(parts)}; kantor ini tidak dijalankan sampai salah satu berkas "
            f"diperbaiki atau dihapus")


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} dan {words[-1]}"
