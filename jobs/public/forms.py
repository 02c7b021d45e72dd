"""The public pages' form tokens: CSRF protection and the minimum fill time without
JavaScript, without a session, and without anything of the staff desk.

The browser holds a random value in a cookie of its own (`publik`, HttpOnly, SameSite=Strict);
every form it is served carries `<served at>.<random>.<mac>`, the MAC (HMAC-SHA-256 under the
public pages' own key) binding the time and the form to that cookie: the signed double-submit
pattern. Another site can neither read the cookie nor have the browser send it with its
request (SameSite=Strict), so a form it posts has no valid token; a token copied from one
browser is worthless in another. The time in the token says how long the form was open."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from office.keys import secret_file

COOKIE = "publik"
LONGEST_OPEN = 4 * 3600  # a form open longer than this is reloaded (its token has expired)


def secret_key(files: Path) -> bytes:
    """The key of the public pages' tokens, made once beside the seal key; not the desk's."""
    return secret_file(files / "kunci" / "publik-rahasia")


def new_browser_value() -> str:
    return secrets.token_hex(16)


def _mac(key: bytes, served: str, browser: str) -> str:
    return hmac.new(key, f"{served}|{browser}".encode(), hashlib.sha256).hexdigest()[:40]


def new_token(key: bytes, browser: str, now: float | None = None) -> str:
    """A form's token, bound to the browser's cookie value and the moment it was served."""
    served = f"{int(now if now is not None else time.time())}.{secrets.token_hex(8)}"
    return f"{served}.{_mac(key, served, browser)}"


def form_id(token: str) -> str:
    """The part of a token that names its form (the book keeps it, never the MAC)."""
    return token.rsplit(".", 1)[0]


def token_age(key: bytes, token: str, browser: str | None, now: float | None = None) -> float | None:
    """Seconds since the form was served, or None when the token is not this browser's, not
    ours, or too old."""
    parts = (token or "").split(".")
    if not browser or len(parts) != 3 or not parts[0].isdigit():
        return None
    served = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2].encode(), _mac(key, served, browser).encode()):
        return None
    age = (now if now is not None else time.time()) - int(parts[0])
    return age if -5 <= age <= LONGEST_OPEN else None
