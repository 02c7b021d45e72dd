"""What every public page shares: the office of the request's server thread."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from office.base import Office
from office.config import load_config
from sop.book import Book


class Offices:
    """One Office (and SQLite connection) per server thread, opened on first use."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self.local = threading.local()

    def get(self) -> Office:
        office = getattr(self.local, "office", None)
        if office is None:
            cfg = load_config(self.config_path)
            office = self.local.office = Office(cfg, Book(cfg.database))
        return office


def office() -> Office:
    return current_app.extensions["publik"].get()
