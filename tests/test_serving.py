"""The desk and the public pages served beside the daemon ([web] and [publik] enabled): started
for the offices that enable them, and stopped by their close() with every thread they ran, as
the daemon stops them on its way out; a port that cannot be taken stops what was started."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from tests.conftest import make_env

SERVING = ("meja-layanan", "laman-publik", "waitress-")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serving_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith(SERVING) and t.is_alive()}


def _answers(port: int, path: str) -> int:
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=10, allow_redirects=False).status_code


def test_the_desk_and_the_public_pages_beside_the_daemon_stop_with_every_thread(rig):
    from jobs.cli.book import served_beside

    desk, public = _free_port(), _free_port()
    before = _serving_threads()
    with make_env(rig, extra=f"[web]\nenabled = true\nport = {desk}\n[publik]\nenabled = true\nport = {public}\n") \
            as env:
        servers = served_beside([env.office])
        try:
            assert _answers(desk, "/masuk") == 200 and _answers(public, "/status") == 200
            assert _serving_threads() - before  # the server threads and their workers
        finally:
            for server in servers:
                server.close()
    assert not _serving_threads() - before, _serving_threads() - before
    for port in (desk, public):
        with pytest.raises(requests.ConnectionError):
            _answers(port, "/")


def test_a_port_taken_is_one_line_and_what_was_started_is_stopped(rig):
    from jobs.cli.book import served_beside
    from jobs.cli.common import CannotRun

    desk = _free_port()
    before = _serving_threads()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        public = taken.getsockname()[1]
        extra = f"[web]\nenabled = true\nport = {desk}\n[publik]\nenabled = true\nport = {public}\n"
        with make_env(rig, extra=extra) as env, pytest.raises(CannotRun) as refused:
            served_beside([env.office])
    assert f"Laman pengaduan publik {env.config.office_name} tidak dapat memakai 127.0.0.1:{public}" \
        in str(refused.value)
    assert not _serving_threads() - before  # the desk started first was stopped again
    with pytest.raises(requests.ConnectionError):
        _answers(desk, "/masuk")
