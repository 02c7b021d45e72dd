"""The staff desk: a small web page on the office network for what staff do outside the mail
app (the book, walk-in complaints, the dispatch queue, reports, delegations, quarantine).

An edge like the command line: each page reads the request, calls the office (office.desk,
office.commands, office.receipts, office.reports) and renders a Jinja template with
autoescaping; one small script (templates/web/static/meja.js) only prints and shows a busy form,
and every page works without it. Flask serves it through waitress; Flask-WTF puts a CSRF
token on every form; the session cookie holds only a random token whose hash is in the book
(office.desk), so logging out, a new password or a day without use ends it for good.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from flask import Flask, abort, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from jobs.serving import Background, Offices, create
from jobs.web.common import office
from office.base import Office
from office.desk import may
from office.keys import secret_file
from office.plain import utcnow
from templates import TEMPLATES

log = logging.getLogger("pengaduan.meja")
OPEN_PAGES = {"masuk", "static"}  # all others need a session
KEEPS_FORM = {"catat"}  # forms whose typed fields survive a session that ended meanwhile (jobs.web.kept)
# Server threads: a walk-in's receipt waits seconds for LibreOffice, and a few of them at once
# must not leave the rest of the office waiting for a page (bench/bench_desk_load.py).
THREADS = 16


def secret_key(office: Office) -> bytes:
    """The key that signs the desk's cookies, made once and kept beside the seal key."""
    return secret_file(office.config.files / "kunci" / "meja-rahasia")


def create_app(config_path: Path) -> Flask:
    offices = Offices(Path(config_path))
    first = offices.get()
    app = Flask(__name__, template_folder=str(TEMPLATES / "web"), static_folder=str(TEMPLATES / "web" / "static"))
    app.config.update(
        SECRET_KEY=secret_key(first), SESSION_COOKIE_NAME="meja", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=first.config.web.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=10), WTF_CSRF_TIME_LIMIT=10 * 3600,
        MAX_CONTENT_LENGTH=first.config.intake.max_total_bytes + 2**20, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["offices"] = offices
    if first.config.web.proxy:  # one nginx in front: its X-Forwarded-For names the client
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    CSRFProtect(app)
    _guard(app)
    _too_large(app)
    from jobs.web import actions, laporan, manage, pages

    for module in (pages, actions, manage, laporan):
        module.register(app)
    return app


def _guard(app: Flask) -> None:
    @app.before_request
    def load_user():
        from office.desk import session_owner, session_user

        g.now = utcnow()
        g.mail_mark = office().mails_queued  # what this request queues is sent at its end
        owner = session_owner(office(), session.get("t")) if request.method == "POST" else None
        g.user = session_user(office(), session.get("t"), g.now)
        if g.user is None and request.endpoint not in OPEN_PAGES:
            if request.endpoint is None:
                abort(404)  # a browser's /favicon.ico must not land on the login form (its CSRF token)
            if owner and request.endpoint in KEEPS_FORM:  # the session went idle while they typed
                from jobs.web.kept import keep

                session["simpan"] = keep(owner, request.path, request.form)
                return redirect(url_for("masuk", lanjut=request.path))
            return redirect(url_for("masuk", lanjut=request.full_path if request.method == "GET" else None))
        return None

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                       "frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"  # pages hold personal data
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        log.info("formulir meja ditolak: %s", error.description)
        return render_template("galat.html", title="Formulir kedaluwarsa",
                               text="Formulir ini tidak dapat diterima (token keamanan tidak ada atau kedaluwarsa). "
                                    "Muat ulang halaman lalu kirim lagi."), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("galat.html", title="Tidak diizinkan",
                               text="Peran Anda tidak memiliki akses ke halaman ini."), 403

    @app.errorhandler(404)
    def missing(error):
        return render_template("galat.html", title="Tidak ditemukan", text="Halaman atau berkas tidak ada."), 404

    @app.context_processor
    def common():
        from office.desk import ROLES, pop_flash

        user = getattr(g, "user", None)
        return {"user": user, "may": may, "office_name": office().config.office_name, "role_names": ROLES,
                "messages": pop_flash(office(), session.get("t"), user) if user else []}

    from jobs.web.common import day, when

    app.add_template_filter(when, "waktu")
    app.add_template_filter(day, "tanggal")


def _too_large(app: Flask) -> None:
    """A request over the desk's limit: the walk-in form again for its staff, else one page."""
    @app.errorhandler(413)
    def too_large(error):
        if request.method == "POST" and request.endpoint == "catat":
            from jobs.web.actions import walk_in_over_limit

            answer = walk_in_over_limit()
            if answer is not None:
                return answer
        limit = office().config.intake.max_total_bytes // 2**20
        return render_template("galat.html", title="Berkas terlalu besar",
                               text=f"Berkas yang diunggah melebihi batas kantor ({limit} MB seluruhnya); tidak ada yang "
                                    "dicatat. Kembali ke halaman sebelumnya (isian biasanya masih ada), perkecil atau "
                                    "kurangi berkasnya, lalu simpan lagi."), 413


def make_server(config_path: Path, host: str, port: int, threads: int = THREADS):
    """A waitress server of the desk (not yet running; OSError when the address is taken).
    Behind nginx ([web] proxy) the login limits need the client's address from X-Forwarded-For."""
    app = create_app(config_path)
    return create(app, host, port, threads, proxy=app.extensions["offices"].get().config.web.proxy)


def serve_in_background(config_path: Path, host: str, port: int) -> Background:
    """The desk inside the daemon ([web] enabled): served by a thread; its close() stops the
    server and its threads. OSError when the address is taken."""
    served = Background(make_server(config_path, host, port), "meja-layanan")
    log.info("meja layanan di http://%s:%s/", host, served.effective_port)
    return served
