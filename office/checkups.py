"""What `periksa` (jobs.doctor) reads of an office's book and installation: each opens the book
read-only, so a mistyped path is never made into a new book and a running daemon's book is not
changed; each answers None (or an empty value) when the book cannot be read, which the book's
own check reports."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from office.config import Config
from office.opening import close_office, open_office
from sop.schema import MIGRATIONS


@dataclass(frozen=True)
class BookState:
    applied: int  # migrations the book has
    known: int  # migrations this release knows
    integrity: str  # SQLite's integrity check: "ok", or what is wrong


def book_state(cfg: Config) -> BookState:
    """The book's migrations against this release's, and (when they agree) its integrity; a
    book an older release left is named, never migrated here (the daemon does that). Raises
    what opening or reading the book raises."""
    wal = cfg.database.with_name(cfg.database.name + "-wal").exists()
    conn = sqlite3.connect(f"file:{cfg.database}?mode=ro{'' if wal else '&immutable=1'}", uri=True)
    try:
        applied = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    if applied != len(MIGRATIONS):
        return BookState(applied, len(MIGRATIONS), "")
    office = open_office(cfg, readonly=True)
    try:
        return BookState(applied, len(MIGRATIONS), office.book.integrity())
    finally:
        close_office(office)


def recent_raw_paths(cfg: Config, sample: int) -> list[str]:
    """Where the raw copies of the last `sample` messages are kept (their headers show what the
    receiving server writes); raises what opening the book raises."""
    office = open_office(cfg, readonly=True)
    try:
        rows = office.book._all("SELECT raw_path FROM messages WHERE raw_path IS NOT NULL ORDER BY rowid DESC "
                                "LIMIT ?", (sample,))
    finally:
        close_office(office)
    return [r["raw_path"] for r in rows]


def letter_numbers_used(cfg: Config) -> set:
    """The letter numbers the book has given (a reserved block's use); empty when unreadable."""

    try:
        office = open_office(cfg, readonly=True)
    except Exception:
        return set()
    try:
        return office.book.numbers.in_register()
    except Exception:
        return set()
    finally:
        close_office(office)


def desk_roles(cfg: Config) -> list[str] | None:
    """The roles of the desk's accounts, one per account; None when the book cannot be read."""
    try:
        office = open_office(cfg, readonly=True)
    except Exception:
        return None
    try:
        return [u["role"] for u in office.book.accounts.users()]
    except Exception:
        return None
    finally:
        close_office(office)


def public_forms(cfg: Config, since: dt.datetime) -> str:
    """The public forms taken and refused since `since`, in one line; '' when none or unreadable."""
    from office.public_intake import refusals_line
    from sop.book.public import ACCEPTED, SUBMISSION

    try:
        office = open_office(cfg)
    except Exception:  # the book's own check says what is wrong with it
        return ""
    try:
        counts = office.book.public.outcomes(since)
        if not counts:
            return ""
        return f"{counts.get((SUBMISSION, ACCEPTED), 0)} pengaduan diterima; {refusals_line(office, since)}"
    finally:
        close_office(office)


def templates_readable() -> tuple[int, bool]:
    """How many mail templates load (raises what the first that does not raises), and whether
    the letter's Word template is there."""
    from letters.mail import _environment
    from letters.render import DEFAULT_TEMPLATE

    names = [n for n in _environment().list_templates() if not n.startswith("_")]
    for name in names:
        _environment().get_template(name)
    return len(names), DEFAULT_TEMPLATE.exists()
