"""What every page of the desk shares: the office of the request's server thread, the rights a
page needs, the record it loads or answers 404 for, and the message it leaves for the next page."""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

from flask import abort, g, redirect, send_file, url_for

from jobs.serving import office_of
from office.base import Office
from office.commands import Refused
from office.desk import may
from office.downloads import Download, NotForYou, NotThere
from office.signing import NotSigned

T = TypeVar("T")
# What an office function refuses with a sentence for staff; a page shows it and goes back.
REFUSALS = (Refused, NotSigned)


def office() -> Office:
    return office_of("offices")


def needs(right: str | None, *, refused: int = 403, back: Callable[..., str] | None = None):
    """A desk page for roles that may `right` (office.desk.may), else `refused` (403; 404 where
    the page must not say that the record exists). With `back`, an office refusal (REFUSALS)
    becomes an error message on the page `back(**the page's arguments)` names."""
    def wrap(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if right is not None and not may(g.user["role"], right):
                abort(refused)
            if back is None:
                return view(*args, **kwargs)
            try:
                return view(*args, **kwargs)
            except REFUSALS as exc:
                return told("galat", str(exc), back(**kwargs))
        return guarded
    return wrap


def to_complaint(number: str, **_) -> str:
    """Back to the complaint's page (a `needs(back=...)`)."""
    return url_for("pengaduan", number=number)


def to_letters(**_) -> str:
    """Back to the letters waiting to be sent."""
    return url_for("surat_keluar")


def found(record: T | None) -> T:
    """The record a page loaded, or 404 when the book has none."""
    if record is None:
        abort(404)
    return record


def told(kind: str, text: str, target: str):
    """Leave `text` for the next page ("berhasil" or "galat") and go to `target`."""
    flash(kind, text)
    return redirect(target)


def handed_out(make: Callable[[], Download], *, as_attachment: bool = True):
    """A file the office hands out (office.downloads): 404 when it is not there, 403 when the
    reader may not see its complainant."""
    import re

    try:
        download = make()
    except NotThere:
        abort(404)
    except NotForYou:
        abort(403)
    if not download.path.is_file():
        abort(404)
    safe = re.sub(r"[^\w.\- ]+", "_", download.name).strip() or "berkas"
    return send_file(download.path, mimetype=download.content_type, as_attachment=as_attachment, download_name=safe)


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
