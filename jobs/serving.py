"""What the staff desk (jobs.web) and the public pages (jobs.public) share as served programs,
and nothing of either: one office per server thread, a waitress server run by a thread beside
the daemon with a clean stop, and the loop that starts them for the offices that enable them.
Neither application imports the other; both import this."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from flask import current_app

from office.base import Office
from office.config import load_config
from office.opening import open_office

log = logging.getLogger(__name__)


class Offices:
    """One Office (and book connection) per server thread, opened on first use."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self.local = threading.local()

    def get(self) -> Office:
        office = getattr(self.local, "office", None)
        if office is None:
            office = self.local.office = open_office(load_config(self.config_path), create=True)
        return office


def office_of(extension: str) -> Office:
    """The office of the request's server thread, kept by the application under `extension`."""
    return current_app.extensions[extension].get()


def create(app, host: str, port: int, threads: int, *, proxy: bool):
    """A waitress server of `app` (not yet running). waitress drops X-Forwarded-For unless told to
    keep it: behind nginx (`proxy`) the client's address is only in that header. OSError when
    the address cannot be taken; the worker threads and the wake-up pipe waitress made before
    it tried are ended then (waitress leaves them running), through its own dispatcher hook."""
    from waitress.server import create_server
    from waitress.task import ThreadedTaskDispatcher

    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    sockets: dict = {}
    try:
        return create_server(app, map=sockets, _dispatcher=dispatcher, host=host, port=port, threads=threads,
                             ident="pengaduan", clear_untrusted_proxy_headers=not proxy)
    except OSError:
        for channel in list(sockets.values()):
            channel.close()
        dispatcher.shutdown()
        raise


def stop(server, thread: threading.Thread, timeout: float = 10.0) -> None:
    """Stop a waitress server run by `thread`: every socket closed from the server's own loop
    (closed from another thread, a socket its loop waits on raises EBADF there), then the loop's
    thread and the worker threads joined."""
    def close_all() -> None:
        for channel in list(server._map.values()):
            channel.close()

    try:
        server.trigger.pull_trigger(close_all)
    except OSError:  # its loop has ended already and closed the trigger: close what is left from here
        close_all()
    thread.join(timeout)
    server.task_dispatcher.shutdown()


class Background:
    """A waitress server served by its own thread; close() stops it and its workers."""

    def __init__(self, server, name: str):
        self.server = server
        self.thread = threading.Thread(target=server.run, name=name, daemon=True)
        self.thread.start()

    @property
    def effective_port(self) -> int:
        return self.server.effective_port

    def close(self) -> None:
        stop(self.server, self.thread)


class CannotServe(RuntimeError):
    """An enabled desk or public page cannot listen where its configuration says: the reason."""


Kind = tuple[str, Callable[[Path, str, int], Background], Callable[[OSError, str, str, int], str]]


def background_servers(offices: list[Office], kinds: list[Kind]) -> list[Background]:
    """The programs of `kinds` that each office enables, served beside the daemon. A kind is the
    configuration table's name (`web`, `publik`: its enabled, host and port), the function that
    serves it in the background, and how a port it cannot take is said (of the office's name,
the host and the port). CannotServe when one
    cannot listen; those started before it are stopped again."""
    servers: list[Background] = []
    for office in offices:
        for table, serve_in_background, problem in kinds:
            settings = getattr(office.config, table)
            if not settings.enabled:
                continue
            try:
                servers.append(serve_in_background(office.config.path, settings.host, settings.port))
            except OSError as exc:
                for server in servers:
                    server.close()
                raise CannotServe(problem(exc, office.config.office_name, settings.host, settings.port)) from None
    return servers
