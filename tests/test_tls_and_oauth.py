"""Secure connections and XOAUTH2 against a real Dovecot: certificates verified by default,
tokens refreshed by Authlib, a clear alert when the login fails."""

from __future__ import annotations

import json
import logging
import ssl
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from imap_tools.errors import MailboxLoginError

from intake.mailbox import Mailbox, MailboxSettings
from intake.oauth import OAuthError, OAuthSettings, TokenSource
from jobs.demo.mailrig import MailRig

USER = "pengaduan@aman.test"


@pytest.fixture(scope="module")
def tls_rig():
    with MailRig(password="rahasia", tls=True) as rig:
        yield rig


def settings(rig, **changes) -> MailboxSettings:
    base = MailboxSettings(host="127.0.0.1", port=rig.imaps_port, username=USER, password="rahasia",
                           address=USER, security="ssl")
    return replace(base, **changes)


def test_implicit_tls_refuses_an_unknown_certificate_by_default(tls_rig):
    with pytest.raises(ssl.SSLCertVerificationError):
        with Mailbox(settings(tls_rig)):
            pass


def test_implicit_tls_and_starttls_work_with_the_office_ca(tls_rig):
    with Mailbox(settings(tls_rig, ca_file=str(tls_rig.ca_file))) as box:
        assert box.pending_uids() == []
    with Mailbox(settings(tls_rig, port=tls_rig.imap_port, security="starttls", ca_file=str(tls_rig.ca_file))) as box:
        assert box.pending_uids() == []


class _Provider(BaseHTTPRequestHandler):
    """A stand-in OAuth provider: a token endpoint and an introspection endpoint."""

    refresh_token = "refresh-ok"
    issued: list[str] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server API)
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if self.path == "/token":
            if form.get("refresh_token") == [self.refresh_token]:
                token = f"access-{len(self.issued) + 1}"
                self.issued.append(token)
                self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
            else:
                self._json(400, {"error": "invalid_grant", "error_description": "Token has been revoked."})
        elif self.path == "/introspect":
            active = form.get("token", [""])[0] in self.issued
            self._json(200, {"active": active, "username": USER} if active else {"active": False})

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def provider():
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def oauth_rig(provider):
    with MailRig(oauth_url=f"{provider}/introspect") as rig:
        yield rig


def tokens(provider, refresh="refresh-ok") -> TokenSource:
    return TokenSource(OAuthSettings(token_url=f"{provider}/token", client_id="pengaduan", client_secret="s",
                                     refresh_token=refresh, scope="https://mail.google.com/"))


def test_xoauth2_login_with_a_refreshed_token(oauth_rig, provider, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the stand-in provider speaks plain HTTP
    source = tokens(provider)
    box_settings = MailboxSettings(host="127.0.0.1", port=oauth_rig.imap_port, username=USER, password="",
                                   address=USER, security="none", tokens=source)
    with Mailbox(box_settings) as box:
        assert box.pending_uids() == []
    first = source.access_token()
    assert first.startswith("access-") and source.access_token() == first  # cached until near expiry
    with pytest.raises(MailboxLoginError):  # a password alone is refused by this server
        with Mailbox(replace(box_settings, tokens=None, password="rahasia")):
            pass


def test_a_revoked_refresh_token_is_a_clear_error(provider, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    with pytest.raises(OAuthError, match="refresh token dicabut atau kedaluwarsa"):
        tokens(provider, refresh="dicabut").access_token()


def test_the_daemon_alerts_staff_once_when_the_mailbox_login_fails(env, provider, monkeypatch, caplog):
    from jobs.daemon import jobs_of

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    env.office.config = replace(env.config, mailbox=replace(env.config.mailbox, tokens=tokens(provider, "dicabut")))
    jobs = jobs_of(env.office)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            jobs["ambil-surel"]()
            jobs["kirim-surel"]()
    assert "token OAuth2 tidak dapat diperbarui" in caplog.text
    alerts = [m for m in env.inbox(env.official("jfu")[1]) if "tidak dapat dibuka" in m.subject]
    assert len(alerts) == 1 and "refresh token" in alerts[0].text


class _RotatingProvider(_Provider):
    """A provider that, like Microsoft's, answers every refresh with a new refresh token and
    accepts only the newest one; and, like Google's for an app in testing, says when the
    refresh token itself expires."""

    current = "putaran-0"
    rounds = 0

    def do_POST(self):  # noqa: N802 (http.server API)
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        cls = type(self)
        if form.get("refresh_token") != [cls.current]:
            self._json(400, {"error": "invalid_grant", "error_description": "AADSTS70008: expired"})
            return
        cls.rounds += 1
        cls.current = f"putaran-{cls.rounds}"
        self._json(200, {"access_token": f"akses-{cls.rounds}", "token_type": "Bearer", "expires_in": 1,
                         "refresh_token": cls.current, "refresh_token_expires_in": 604799})


@pytest.fixture
def rotating():
    server = HTTPServer(("127.0.0.1", 0), _RotatingProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_rotated_refresh_token_is_kept_and_used_after_a_restart(rotating, tmp_path, monkeypatch):
    import datetime as dt
    import os

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    store = tmp_path / "kunci" / "oauth2-refresh-token.json"
    configured = OAuthSettings(token_url=f"{rotating}/token", client_id="pengaduan", client_secret="s",
                               refresh_token="putaran-0", store=store)
    first = TokenSource(configured)
    first.access_token()
    first.invalidate()
    first.access_token()  # two rotations: putaran-0 and putaran-1 are dead now
    assert json.loads(store.read_text())["refresh_token"] == "putaran-2"
    assert os.stat(store).st_mode & 0o777 == 0o600
    # A restart reads the newest token, not the dead one in the configuration.
    again = TokenSource(configured)
    assert again.access_token() == "akses-3"
    # A Google app in testing mode: staff hear before the 7 days are over, not at the start.
    now = dt.datetime.now(dt.timezone.utc)
    assert again.expiry_warning(now) is None
    assert "in production" in again.expiry_warning(now + dt.timedelta(days=5))
    # A new token written into the configuration by the administrator starts afresh.
    _RotatingProvider.current = "baru"
    fresh = TokenSource(replace(configured, refresh_token="baru"))
    assert fresh.refresh_token == "baru" and fresh.access_token().startswith("akses-")


def test_staff_hear_once_a_day_before_the_refresh_token_expires(env, tmp_path):
    import datetime as dt

    from office.deadlines import warn_token_expiry

    source = TokenSource(OAuthSettings(token_url="http://127.0.0.1:9/token", client_id="c", client_secret="s",
                                       refresh_token="r", store=tmp_path / "token.json"))
    now = dt.datetime.now(dt.timezone.utc)
    source.refresh_expires_at = now + dt.timedelta(days=10)
    env.office.config = replace(env.config, mailbox=replace(env.config.mailbox, tokens=source))
    assert not warn_token_expiry(env.office, now)  # ten days ahead: not yet
    source.refresh_expires_at = now + dt.timedelta(days=2)
    assert warn_token_expiry(env.office, now) and not warn_token_expiry(env.office, now + dt.timedelta(hours=3))
    assert warn_token_expiry(env.office, now + dt.timedelta(days=1, minutes=1))
    sent = [m for m in env.office.book.outbox.listed() if m["kind"] == "token_berakhir"]
    assert len(sent) == 2 and json.loads(sent[0]["recipients"]) == [env.official("jfu")[1]]
