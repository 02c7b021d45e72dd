"""The public complaint pages: the Formulir Pengaduan and Cek Status, for citizens on the
internet, behind the office's nginx with TLS (docs/DEPLOY.md).

A separate application from the staff desk (jobs/web), sharing nothing with it: its own Flask
app, templates (templates/publik), key, cookie and routes; it imports nothing of the desk, has
no account and no session, and none of the desk's pages or files is reachable through it. An
edge like the command line: each page reads the request, calls the office
(office.public_intake, office.public_status, office.receipts) and renders a template with
autoescaping; there is no JavaScript. Served by waitress.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from templates import TEMPLATES

if TYPE_CHECKING:
    from flask import Flask

    from jobs.serving import Background

log = logging.getLogger("pengaduan.publik")


def create_app(config_path: Path) -> Flask:
    from flask import Flask

    from jobs.public import pages
    from jobs.public.forms import secret_key
    from jobs.serving import Offices

    offices = Offices(Path(config_path))
    first = offices.get()
    app = Flask(__name__, template_folder=str(TEMPLATES / "publik"),
                static_folder=str(TEMPLATES / "publik" / "static"))
    intake = first.config.intake
    app.config.update(
        SECRET_KEY=None, TEMPLATES_AUTO_RELOAD=False,
        # Photos, their caps and the text: a bigger request is refused before it is read.
        MAX_CONTENT_LENGTH=min(intake.max_total_bytes, intake.max_attachment_bytes * max(1, first.config.publik.max_photos))
        + 2**20)
    app.extensions["publik"] = offices
    app.extensions["publik_key"] = secret_key(first.config.files)
    if first.config.publik.proxy:  # one nginx in front: its X-Forwarded-For names the client
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    pages.register(app)
    return app


def make_server(config_path: Path, host: str, port: int, threads: int = 8):
    """A waitress server of the public pages (not yet running). Behind nginx ([publik] proxy)
    waitress keeps the X-Forwarded-* headers it would otherwise clear, for ProxyFix to read."""
    from jobs.serving import create

    app = create_app(config_path)
    return create(app, host, port, threads, proxy=app.extensions["publik"].get().config.publik.proxy)


def serve(config_path: Path, host: str, port: int, threads: int = 8) -> None:
    """Serve the public pages until stopped (waitress)."""
    server = make_server(config_path, host, port, threads)
    log.info("laman pengaduan publik di http://%s:%s/", host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()


def serve_in_background(config_path: Path, host: str, port: int) -> Background:
    """The public pages inside the daemon ([publik] enabled): served by a thread; its close()
    stops the server and its threads. OSError when the address is taken."""
    from jobs.serving import Background

    served = Background(make_server(config_path, host, port), "laman-publik")
    log.info("laman pengaduan publik di http://%s:%s/", host, served.effective_port)
    return served
