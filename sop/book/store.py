"""The book's storage: one SQLite connection with its transactions, migrations and the write
helpers through which every INSERT and UPDATE passes (so the read cache, sop.book.cache, stays
true). Each kind of record (sop.book's repositories) holds its own SQL over it."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import overload

from sop.book.cache import CACHED, ReadCache
from sop.book.records import RECORDS
from sop.book.search_index import behind, index_in_step, index_pending
from sop.files import private_dir
from sop.schema import MIGRATIONS


@functools.lru_cache(maxsize=1024)  # a message's rows all carry the same few moments
def iso(moment: dt.datetime) -> str:
    """Book timestamps are UTC ISO 8601, so that text order is time order."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@overload
def parse_iso(text: str) -> dt.datetime: ...
@overload
def parse_iso(text: None) -> None: ...
def parse_iso(text: str | None) -> dt.datetime | None:
    """A book timestamp read back; None stays None (a step not done yet)."""
    return dt.datetime.fromisoformat(text) if text else None


CACHE_KIB = 32 * 1024  # the page cache of a connection that writes


def as_dicts(cursor: sqlite3.Cursor, most: int | None = None) -> list[dict]:
    """The rows of `cursor` (all, or the first `most`) as dicts. Zipped with the column names
    by position: dict() of an sqlite3.Row looks each of its columns up by name along the
    columns, which is quadratic in them (a complaint has forty; 5% of intake)."""
    names = [column[0] for column in cursor.description or ()]
    rows = cursor.fetchmany(most) if most is not None else cursor
    if len(set(names)) != len(names):  # a join naming a column twice: the first one, as sqlite3.Row gives it
        return [dict(row) for row in rows]
    return [dict(zip(names, row)) for row in rows]


class BookError(RuntimeError):
    """The book cannot be used: missing, not a book, damaged, or unreadable. The message says
    what to do, in Bahasa Indonesia."""


class Store:
    """A SQLite file opened for the book: WAL, foreign keys, migrations, transactions with
    savepoints and after-commit actions, and the write helpers that keep the read cache true."""

    def __init__(self, path: Path | str, timeout: float = 30.0, *, create: bool = True, readonly: bool = False):
        """Open the book at `path`; `create=False` refuses a book that does not exist yet (a
        mistyped path must not start an empty book whose numbers restart at 0001). `readonly`:
        another process's book read while its daemon runs (a city roll-up): no migration, no write."""
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            create = False
        if self.path.is_dir():
            raise BookError(f"{self.path} adalah folder, bukan berkas buku pengaduan; periksa [storage] database.")
        if not self.path.exists():
            if not create:
                raise BookError(f"Buku pengaduan {self.path} tidak ada. Periksa [storage] database pada "
                                f"konfigurasi; buku baru dibuat hanya dengan `pengaduan siapkan` (atau `pengaduan "
                                f"jalankan --buat-buku`).")
            private_dir(self.path.parent)
            # Personal data: the book is readable by the service account only.
            self.path.touch(mode=0o600)
        try:
            self._open(timeout)
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc):
                raise
            raise BookError(f"Buku pengaduan {self.path} tidak dapat dibuka ({exc}): berkas rusak, bukan buku "
                            f"pengaduan, atau tanpa izin baca-tulis. Pulihkan dari cadangan "
                            f"(`pengaduan pulihkan`) atau periksa izin berkasnya.") from None

    def _open(self, timeout: float) -> None:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction means
        # exactly what `transaction()` encloses.
        # timeout: how long a writer waits for another process's transaction (busy timeout).
        if self.readonly:
            # A book no process has open (no -wal file) is read as immutable: opening it read-only
            # otherwise leaves -wal and -shm files behind, owned by whoever ran the command (root
            # running `periksa` would lock the service account out of its own book).
            quiet = not self.path.with_name(self.path.name + "-wal").exists()
            conn = sqlite3.connect(f"file:{self.path}?mode=ro{'&immutable=1' if quiet else ''}", uri=True,
                                   isolation_level=None, timeout=timeout)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=timeout)
        conn.row_factory = sqlite3.Row
        self.conn = conn  # set first: a damaged file fails on the next line, and close() still works
        self._depth = 0
        self._after_commit: list = []
        self._unindexed = False  # a complaint added in this transaction: indexed at its commit
        self._sql: dict[tuple, str] = {}
        self._cache = ReadCache()
        if self.readonly:
            conn.execute("PRAGMA query_only=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != len(MIGRATIONS):
                raise BookError(f"Buku pengaduan {self.path} berversi {version}, bukan {len(MIGRATIONS)}: jalankan "
                                f"daemon kantor itu dengan versi ini dulu agar bukunya diperbarui.")
            return
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        # A commit of intake's holds a few hundred complaints with their mails (several MB): with
        # SQLite's 2 MB default it spilled pages to the log before the commit, and the indexes
        # of a growing book fell out of the cache (intake slowed as the book grew). At most
        # this much memory, taken as the book is used.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._migrate()

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> tuple[int, int]:
        """(applied migrations, known migrations)."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0], len(MIGRATIONS)

    def integrity(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            if script == "search":
                # sqlite-utils builds the FTS table and its triggers with its own statements (it
                # commits as it goes), and replaces them when run again: a crash before the
                # version is written repeats this step whole.
                from sop.book.search_index import enable_search

                enable_search(self.conn)
                self.conn.execute(f"PRAGMA user_version = {number}")
                continue
            with self.transaction():
                if script == "search in step":
                    index_in_step(self.conn)
                    self.conn.execute(f"PRAGMA user_version = {number}")
                    continue
                for statement in filter(str.strip, script.split(";")):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT. A nested call is a savepoint: when its block raises,
        only its own work (and its after-commit actions) is undone before the exception goes
        on, so a caller that catches it can carry on with the outer transaction."""
        if self._depth:
            name = f"sp{self._depth}"
            pending = len(self._after_commit)
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # some errors (a full disk) end the whole transaction
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                del self._after_commit[pending:]
                self._cache.clear()
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        self._cache.clear()
        self._cache.active = True
        self._after_commit = []
        self._unindexed = False
        try:
            yield self
            if self._unindexed:
                # The search index takes the transaction's new complaints in one statement,
                # committed with them (sop.book.search_index): never a complaint the desk cannot find.
                index_pending(self.conn)
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
            for action in self._after_commit:
                action()
        finally:
            self._depth = 0
            self._after_commit = []
            self._cache.clear()
            self._cache.active = False

    def index_search(self) -> None:
        """Bring the search index up to date, when a complaint waits for it (rows written outside
        the write helpers, such as a generated book): a search never misses one. Costs two
        lookups when nothing waits; a book opened read-only is searched as it is."""
        if self.readonly or not behind(self.conn):
            return
        if self._depth:
            index_pending(self.conn)
            return
        with self.transaction():
            index_pending(self.conn)

    def after_commit(self, action) -> None:
        """Run `action` once the current transaction has committed (never if it rolls back):
        for effects outside the book that must not describe a state the book never reached."""
        assert self._depth, "after_commit belongs inside a transaction"
        self._after_commit.append(action)

    def _insert(self, table: str, fields: dict) -> int:
        """INSERT one row; column names come from our code, values are always parameters. A row
        of a cached table joins the cached lists that hold it (sop.book.cache)."""
        if table in CACHED and self._cache.holds(table, fields.get("complaint_id")):
            row = self._insert_row(table, fields)
            record = RECORDS.get(table)  # a cached list holds what its reader returns: typed records
            self._cache.added(table, record.from_row(row) if record else row)
            return row["id"]
        columns = tuple(fields)
        sql = self._sql.get((table, columns))
        if sql is None:
            sql = self._sql[(table, columns)] = (
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})")
        self._unindexed = self._unindexed or table == "complaints"
        return self.conn.execute(sql, tuple(fields.values())).lastrowid or 0

    def _insert_row(self, table: str, fields: dict) -> dict:
        """INSERT one row and give it back whole, defaults included (RETURNING where SQLite has it)."""
        self._unindexed = self._unindexed or table == "complaints"
        if sqlite3.sqlite_version_info < (3, 35):
            row_id = self.conn.execute(f"INSERT INTO {table} ({', '.join(fields)}) VALUES "
                                       f"({', '.join('?' * len(fields))})", tuple(fields.values())).lastrowid
            return as_dicts(self.conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (row_id,)))[0]
        columns = tuple(fields)
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
               f"RETURNING *")
        return as_dicts(self.conn.execute(sql, tuple(fields.values())))[0]

    def _update(self, table: str, row_id: int, fields: dict) -> None:
        if fields:
            assignments = ", ".join(f"{column} = ?" for column in fields)
            self._write(table, f"UPDATE {table} SET {assignments} WHERE id = ?", (*fields.values(), row_id))

    def _write(self, table: str, sql: str, params=(), complaint_id: int | None = None) -> sqlite3.Cursor:
        """Every UPDATE or DELETE of the book: the read cache forgets what it touched."""
        self._cache.wrote(table, complaint_id)
        return self.conn.execute(sql, params)

    def _read(self, key: tuple, sql: str, params) -> list[dict]:
        """A complaint's events, files or tasks (or the delegations), read once per transaction."""
        return self._cache.read(key, lambda: self._all(sql, params))

    def _one(self, sql: str, params=()) -> dict | None:
        rows = as_dicts(self.conn.execute(sql, params), 1)
        return rows[0] if rows else None

    def _all(self, sql: str, params=()) -> list[dict]:
        return as_dicts(self.conn.execute(sql, params))
