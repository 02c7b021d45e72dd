"""What every page of the desk shares: the office of the request's server thread."""

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
    return current_app.extensions["offices"].get()


def flash(kind: str, text: str) -> None:
    """A message for the next page ("berhasil" or "galat"), kept with the session in the book."""
    from flask import session

    from office.desk import push_flash

    push_flash(office(), session.get("t"), kind, text)


def when(value, with_zone: bool = True) -> str:
    """A moment as every desk page writes it: DD-MM-YYYY HH.MM WITA (office time); '-' for none.
    Takes the JSON documents' ISO text (with its offset) or a datetime."""
    import datetime as dt

    if not value:
        return "-"
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(office().config.clock.tz)
    zone = " WITA" if with_zone else ""
    return moment.strftime("%d-%m-%Y %H.%M") + zone


def day(value) -> str:
    """A date as DD-MM-YYYY; '-' for none."""
    import datetime as dt

    if not value:
        return "-"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(office().config.clock.tz)
    return value.strftime("%d-%m-%Y")
