"""Opening an office's book, for the edges: the command line, the daemon, the city supervisor,
the desk's and the public pages' server threads and the demo open, use and close it here, and
never name the book's class themselves."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from office.base import Office
from office.config import Config
from sop.book import Book
from sop.book.store import BookError

__all__ = ["BookError", "close_office", "new_book", "one_transaction", "open_office"]


def open_office(config: Config, *, create: bool = False, readonly: bool = False) -> Office:
    """The office of `config` with its own connection to the book. `create=False` refuses a book
    that does not exist (a mistyped path must not start an empty book at number 0001);
    `readonly`: read another process's book without migrating or writing it. BookError when
    the book cannot be opened."""
    return Office(config, Book(config.database, create=create, readonly=readonly))


def new_book(path: Path) -> None:
    """An empty book at `path` (`siapkan`); an existing one is opened and left as it is."""
    Book(path).close()


def close_office(office: Office) -> None:
    """Close the office's connection to its book (a server thread or a runner ending)."""
    office.book.close()


@contextlib.contextmanager
def one_transaction(office: Office) -> Iterator[None]:
    """Everything inside commits together or not at all (an alert and its mail)."""
    with office.book.transaction():
        yield
