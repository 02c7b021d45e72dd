"""What a staff member typed into a form while their session ended: kept in this process's
memory (never in the URL, never in the cookie, never a file), for at most an hour and 64 KB, and
handed back once, on the same form, when the same account has logged in again."""

from __future__ import annotations

import secrets
import threading
import time

KEEP_SECONDS = 3600
MAX_BYTES = 64 * 1024
MAX_KEPT = 200  # forms kept at once; beyond it a form is not kept (as before), nothing else fails

_lock = threading.Lock()
_kept: dict[str, tuple[float, str, str, dict[str, str]]] = {}


def keep(owner: str, path: str, form) -> str | None:
    """A key for the posted fields of `owner` (the account whose session ended) on `path`; None
    when they are too large or too many forms are kept already."""
    fields = {k: v for k, v in form.items() if k != "csrf_token"}
    if sum(len(k) + len(v) for k, v in fields.items()) > MAX_BYTES:
        return None
    now = time.monotonic()
    key = secrets.token_urlsafe(16)
    with _lock:
        for old in [k for k, entry in _kept.items() if now - entry[0] > KEEP_SECONDS]:
            del _kept[old]
        if len(_kept) >= MAX_KEPT:
            return None
        _kept[key] = (now, owner, path, fields)
    return key


def take(key: str | None, owner: str, path: str) -> dict[str, str] | None:
    """The kept fields, once, when `owner` opens the form they were typed into."""
    if not key:
        return None
    with _lock:
        entry = _kept.get(key)
        if entry is None or entry[1] != owner or entry[2] != path or time.monotonic() - entry[0] > KEEP_SECONDS:
            return None
        del _kept[key]
    return entry[3]
