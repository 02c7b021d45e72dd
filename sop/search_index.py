"""The book's full-text index (migration 13): SQLite FTS5 over the complaint's number, name,
subject and text, built by sqlite-utils with triggers that keep it in step with the book."""

from __future__ import annotations

import sqlite3

COLUMNS = ("number", "name", "subject", "body")
# How the index cuts text into words; a search checked again over other text (sop.search) cuts it the same way.
TOKENIZE = "unicode61 remove_diacritics 2"


def enable_search(conn: sqlite3.Connection) -> None:
    """Create (or repair) the index and its triggers; migration 13."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.table("complaints").enable_fts(COLUMNS, create_triggers=True, tokenize=TOKENIZE,
                                      replace=True)
    # sqlite-utils' update trigger re-indexes a complaint on any change (its step moves several
    # times a day); only a change of the indexed columns needs it.
    conn.execute("DROP TRIGGER IF EXISTS complaints_au")
    cols = ", ".join(COLUMNS)
    conn.execute(
        f"CREATE TRIGGER complaints_au AFTER UPDATE OF {cols} ON complaints BEGIN "
        f"INSERT INTO complaints_fts (complaints_fts, rowid, {cols}) VALUES "
        f"('delete', old.rowid, {', '.join('old.' + c for c in COLUMNS)}); "
        f"INSERT INTO complaints_fts (rowid, {cols}) VALUES (new.rowid, {', '.join('new.' + c for c in COLUMNS)}); END")
