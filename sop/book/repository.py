"""What every kind of record in the book stands on: its store (connection, transactions, the
write helpers that keep the read cache true). A repository holds the SQL of one kind of
record and nothing else; sop.book.Book gathers them over one store."""

from __future__ import annotations

import sqlite3
from typing import TypeVar

from sop.book.cache import ReadCache
from sop.book.records import Record
from sop.book.store import Store

R = TypeVar("R", bound=Record)


class Repository:
    """One kind of record's verbs, over the book's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def _cache(self) -> ReadCache:
        return self.store._cache

    def _insert(self, table: str, fields: dict) -> int:
        return self.store._insert(table, fields)

    def _insert_row(self, table: str, fields: dict) -> dict:
        return self.store._insert_row(table, fields)

    def _update(self, table: str, row_id: int, fields: dict) -> None:
        self.store._update(table, row_id, fields)

    def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor:
        return self.store._write(table, sql, params, complaint_id)

    def _read(self, key: tuple, sql: str, params) -> list[dict]:
        return self.store._read(key, sql, params)

    def _one(self, sql: str, params=()) -> dict | None:
        return self.store._one(sql, params)

    def _all(self, sql: str, params=()) -> list[dict]:
        return self.store._all(sql, params)

    def _one_of(self, record: type[R], sql: str, params=()) -> R | None:
        """One row as its typed record (sop.book.records), or None."""
        row = self.conn.execute(sql, params).fetchone()
        return record.from_row(row) if row else None

    def _read_of(self, record: type[R], key: tuple, sql: str, params) -> list[R]:
        """A complaint's cached list (sop.book.cache) as typed records."""
        return self.store._cache.read(key, lambda: self._all_of(record, sql, params))

    def _all_of(self, record: type[R], sql: str, params=()) -> list[R]:
        return [record.from_row(r) for r in self.conn.execute(sql, params)]
