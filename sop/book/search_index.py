"""The book's full-text index: SQLite FTS5 over the complaint's number, name, subject and
text (migration 13, built by sqlite-utils), kept in step with the book in the transaction
that writes it.

A new complaint is indexed when its transaction commits, by one statement for all the
complaints the transaction added (sop.book.store): the per-row insert trigger cost intake three
times as much (0.035 ms of CPU a complaint against 0.012 for one statement per commit of 50,
less in the larger commits intake makes now, jobs.incoming). A change or removal of an
indexed complaint (an anonymised one leaves the index) is still followed by triggers, only
for a row the index already holds (migration 19).
"""

from __future__ import annotations

import sqlite3

COLUMNS = ("number", "name", "subject", "body")
# How the index cuts text into words; a search checked again over other text (sop.book.search) cuts it the same way.
TOKENIZE = "unicode61 remove_diacritics 2"

_COLS = ", ".join(COLUMNS)
# FTS5 keeps one row per indexed document in its docsize table (keyed by the complaint's
# rowid): what the index holds, read without reading the index. Complaints get growing
# rowids, so what waits to be indexed is every complaint above the highest one held.
INDEXED_UP_TO = "SELECT coalesce(max(id), 0) FROM complaints_fts_docsize"
PENDING = (f"INSERT INTO complaints_fts (rowid, {_COLS}) SELECT rowid, {_COLS} FROM complaints "
           f"WHERE rowid > ({INDEXED_UP_TO})")
HELD = "old.rowid IN (SELECT id FROM complaints_fts_docsize)"


def enable_search(conn: sqlite3.Connection) -> None:
    """Create (or repair) the index and its triggers; migration 13."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.table("complaints").enable_fts(COLUMNS, create_triggers=True, tokenize=TOKENIZE,
                                      replace=True)
    # sqlite-utils' update trigger re-indexes a complaint on any change (its step moves several
    # times a day); only a change of the indexed columns needs it.
    conn.execute("DROP TRIGGER IF EXISTS complaints_au")
    conn.execute(
        f"CREATE TRIGGER complaints_au AFTER UPDATE OF {_COLS} ON complaints BEGIN "
        f"INSERT INTO complaints_fts (complaints_fts, rowid, {_COLS}) VALUES "
        f"('delete', old.rowid, {', '.join('old.' + c for c in COLUMNS)}); "
        f"INSERT INTO complaints_fts (rowid, {_COLS}) VALUES (new.rowid, {', '.join('new.' + c for c in COLUMNS)}); END")


def index_in_step(conn: sqlite3.Connection) -> None:
    """Migration 19, inside its transaction: new complaints are indexed at commit (index_pending)
    instead of by a trigger per row; a change or removal is followed only for a row the index
    holds (FTS5's 'delete' of a row it never held would damage it)."""
    old = ", ".join("old." + c for c in COLUMNS)
    new = ", ".join("new." + c for c in COLUMNS)
    for trigger in ("complaints_ai", "complaints_au", "complaints_ad"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute(
        f"CREATE TRIGGER complaints_au AFTER UPDATE OF {_COLS} ON complaints WHEN {HELD} BEGIN "
        f"INSERT INTO complaints_fts (complaints_fts, rowid, {_COLS}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO complaints_fts (rowid, {_COLS}) VALUES (new.rowid, {new}); END")
    conn.execute(
        f"CREATE TRIGGER complaints_ad AFTER DELETE ON complaints WHEN {HELD} BEGIN "
        f"INSERT INTO complaints_fts (complaints_fts, rowid, {_COLS}) VALUES ('delete', old.rowid, {old}); END")
    index_pending(conn)


def index_pending(conn: sqlite3.Connection) -> int:
    """Index the complaints the index does not hold yet (one statement); how many."""
    return conn.execute(PENDING).rowcount


def behind(conn: sqlite3.Connection) -> bool:
    """Whether a complaint waits to be indexed (two lookups by key): a book a crash left
    between its write and the index cannot be, the commit carries both; rows written outside
    the book's write helpers (a generated book) can."""
    return conn.execute(f"SELECT coalesce(max(rowid), 0) > ({INDEXED_UP_TO}) FROM complaints").fetchone()[0] == 1
