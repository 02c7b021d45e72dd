"""OAuth 2.0 access tokens for IMAP and SMTP XOAUTH2 (Google Workspace, Microsoft 365).

The office registers an application with its provider once and stores a refresh token;
Authlib performs the refresh-token grant whenever the access token is about to expire.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


class OAuthError(RuntimeError):
    """The provider refused to refresh the token; the message tells the operator what to do."""


@dataclass(frozen=True)
class OAuthSettings:
    token_url: str  # e.g. https://oauth2.googleapis.com/token
    client_id: str
    client_secret: str
    refresh_token: str
    scope: str = ""  # e.g. https://mail.google.com/ or https://outlook.office.com/IMAP.AccessAsUser.All


class TokenSource:
    """A cached access token, refreshed a minute before it expires; safe across threads."""

    MARGIN_SECONDS = 60

    def __init__(self, settings: OAuthSettings):
        self.settings = settings
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or time.time() > self._expires_at - self.MARGIN_SECONDS:
                self._refresh()
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _refresh(self) -> None:
        from authlib.integrations.requests_client import OAuth2Session

        s = self.settings
        session = OAuth2Session(s.client_id, s.client_secret, scope=s.scope or None)
        try:
            token = session.refresh_token(s.token_url, refresh_token=s.refresh_token)
        except Exception as exc:  # Authlib raises per error kind; the operator needs one message
            raise OAuthError(
                f"token OAuth2 tidak dapat diperbarui di {s.token_url}: {exc}. Periksa client_id, "
                f"client_secret dan refresh_token; bila refresh token dicabut atau kedaluwarsa, buat "
                f"yang baru melalui konsol penyedia surel.") from None
        finally:
            session.close()
        if "access_token" not in token:
            raise OAuthError(f"jawaban {s.token_url} tidak memuat access_token")
        self._token = token["access_token"]
        self._expires_at = time.time() + float(token.get("expires_in", 3600))


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"
