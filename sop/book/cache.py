"""The book's read cache: a complaint's events, files and tasks, and the delegations in force,
read once per transaction (intake reads them several times per message).

One rule keeps it true, and it lives here: every write to a cached table goes through the
book's `_write` (or `_insert`), which tells the cache what it touched; a new row joins the
cached lists that hold it, any other write forgets that table's lists (of the one complaint
when the writer knows it). Outside a transaction nothing is cached (another process may
write), and a rollback forgets everything. A test checks that no statement in sop/book/
writes a cached table any other way.
"""

from __future__ import annotations

from typing import Any, Callable

Row = Any  # a dict, or a typed record (sop.book.records)

# Cached tables, and the column that picks a row of a filtered list (attachments by purpose).
CACHED = ("events", "attachments", "tasks", "delegations")
FILTER = {"attachments": "purpose"}


class ReadCache:
    def __init__(self) -> None:
        self._lists: dict[tuple, list[Row]] = {}
        # (table, complaint id) -> the keys of its cached lists: a write finds them at once,
        # not by scanning every list of a batch's transaction (intake's hot path).
        self._owners: dict[tuple, set[tuple]] = {}
        self.active = False  # only inside a transaction

    def _keep(self, key: tuple, rows: list[Row]) -> None:
        self._lists[key] = rows
        self._owners.setdefault(key[:2], set()).add(key)

    def read(self, key: tuple, load: Callable[[], list[Any]]) -> list[Any]:
        """The rows under `key` = (table, complaint id or None[, filter value])."""
        if not self.active:
            return load()
        if key not in self._lists:
            self._keep(key, load())
        return list(self._lists[key])

    def known(self, key: tuple) -> list[Row] | None:
        """The cached rows under `key` without reading, or None."""
        rows = self._lists.get(key)
        return list(rows) if rows is not None else None

    def start_empty(self, table: str, complaint_id: int, *filters: str) -> None:
        """A new complaint has no rows yet in `table` (nothing can refer to it before it exists)."""
        if self.active:
            self._keep((table, complaint_id), [])
            for value in filters:
                self._keep((table, complaint_id, value), [])

    def holds(self, table: str, complaint_id: int | None) -> bool:
        return bool(self._owners.get((table, complaint_id)))

    def added(self, table: str, row: Row) -> None:
        """A new row joins every cached list of its table and complaint that it belongs to."""
        column = FILTER.get(table)
        for key in self._owners.get((table, row.get("complaint_id")), ()):
            if column is None or len(key) < 3 or row[column] == key[2]:
                self._lists[key].append(row)

    def wrote(self, table: str, complaint_id: int | None = None) -> None:
        """Rows of `table` changed: forget its lists (of one complaint when it is known)."""
        if table not in CACHED:
            return
        owners = [o for o in self._owners if o[0] == table] if complaint_id is None else [(table, complaint_id)]
        for owner in owners:
            for key in self._owners.pop(owner, ()):
                del self._lists[key]

    def clear(self) -> None:
        self._lists.clear()
        self._owners.clear()
