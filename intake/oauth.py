"""OAuth 2.0 access tokens for IMAP and SMTP XOAUTH2 (Google Workspace, Microsoft 365).

The office registers an application with its provider once and stores a refresh token;
Authlib performs the refresh-token grant whenever the access token is about to expire.

Providers rotate refresh tokens: Microsoft returns a new one at every refresh and the old
one dies within its 90-day window (the bug behind Zammad #3411 and osTicket #6455, where
mailboxes stopped after three months). The newest refresh token is therefore kept in a
token store (a 0600 JSON file, replaced atomically) and used from then on. A refresh token
the administrator puts into the configuration later (after a new consent) wins over the
stored one. When the provider says when the refresh token itself expires (Google's
`refresh_token_expires_in`, 7 days for an app still "in testing"), that moment is kept too,
so that staff can be told before it comes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path


class OAuthError(RuntimeError):
    """The provider refused to refresh the token; the message tells the operator what to do."""


@dataclass(frozen=True)
class OAuthSettings:
    token_url: str  # e.g. https://oauth2.googleapis.com/token
    client_id: str
    client_secret: str
    refresh_token: str
    scope: str = ""  # e.g. https://mail.google.com/ or https://outlook.office.com/IMAP.AccessAsUser.All
    store: Path | None = None  # where the newest (rotated) refresh token is kept


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """The newest refresh token, in a file only the service account reads."""

    def __init__(self, path: Path, configured: str):
        self.path, self.configured = Path(path), configured

    def load(self) -> dict:
        """{"refresh_token", "updated_at", "expires_at"} for the configured token's lineage, or {}."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("seeded_from") != _digest(self.configured):
            return {}  # a new token in the configuration starts a new lineage
        return data

    def save(self, refresh_token: str, expires_in: float | None, now: float) -> None:
        data = {"seeded_from": _digest(self.configured), "refresh_token": refresh_token,
                "updated_at": dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat(),
                "expires_at": (dt.datetime.fromtimestamp(now + expires_in, dt.timezone.utc).isoformat()
                               if expires_in else None)}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)  # never half a token: the old file or the new one


class TokenSource:
    """A cached access token, refreshed a minute before it expires; safe across threads."""

    MARGIN_SECONDS = 60

    def __init__(self, settings: OAuthSettings):
        self.settings = settings
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.store = TokenStore(settings.store, settings.refresh_token) if settings.store else None
        kept = self.store.load() if self.store else {}
        self.refresh_token = kept.get("refresh_token") or settings.refresh_token
        self.refresh_expires_at: dt.datetime | None = (
            dt.datetime.fromisoformat(kept["expires_at"]) if kept.get("expires_at") else None)

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or time.time() > self._expires_at - self.MARGIN_SECONDS:
                self._refresh()
            assert self._token is not None  # _refresh sets it or raises
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _refresh(self) -> None:
        from authlib.integrations.requests_client import OAuth2Session

        s = self.settings
        session = OAuth2Session(s.client_id, s.client_secret, scope=s.scope or None)
        try:
            token = session.refresh_token(s.token_url, refresh_token=self.refresh_token)
        except Exception as exc:  # Authlib raises per error kind; the operator needs one message
            raise OAuthError(
                f"token OAuth2 tidak dapat diperbarui di {s.token_url}: {exc}. Periksa client_id, "
                f"client_secret dan refresh_token; bila refresh token dicabut atau kedaluwarsa, buat "
                f"yang baru melalui konsol penyedia surel.") from None
        finally:
            session.close()
        if "access_token" not in token:
            raise OAuthError(f"jawaban {s.token_url} tidak memuat access_token")
        now = time.time()
        self._token = token["access_token"]
        self._expires_at = now + float(token.get("expires_in", 3600))
        rotated = token.get("refresh_token")
        lifetime = token.get("refresh_token_expires_in")
        if rotated and rotated != self.refresh_token or lifetime:
            self.refresh_token = rotated or self.refresh_token
            self.refresh_expires_at = (dt.datetime.fromtimestamp(now + float(lifetime), dt.timezone.utc)
                                       if lifetime else None)
            if self.store:
                self.store.save(self.refresh_token, float(lifetime) if lifetime else None, now)

    def expiry_warning(self, now: dt.datetime, ahead: dt.timedelta = dt.timedelta(days=3)) -> str | None:
        """What staff must hear when the refresh token itself is about to expire, else None."""
        if self.refresh_expires_at is None or self.refresh_expires_at - now > ahead:
            return None
        return (f"refresh token OAuth2 kotak surat berakhir pada {self.refresh_expires_at:%Y-%m-%d %H.%M} UTC; "
                f"setelah itu surel tidak dapat dibaca. Buat refresh token baru melalui konsol penyedia "
                f"surel dan isikan pada konfigurasi. Bila aplikasi Google masih berstatus \"testing\", "
                f"ubah menjadi \"in production\" agar token tidak berakhir setiap 7 hari.")


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"
