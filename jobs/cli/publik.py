"""The public complaint pages' command: serve them (`publik`)."""

from __future__ import annotations

import click

from jobs.cli.common import CannotRun, Command, open_office


@click.command(cls=Command, help="Jalankan laman pengaduan publik (Formulir Pengaduan dan Cek Status) untuk warga.")
@click.option("--host", default=None, help="Alamat yang didengarkan (bawaan: [publik] host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (bawaan: [publik] port, 8090).")
@click.pass_context
def publik(ctx, host: str | None, port: int | None) -> None:
    from jobs.public import serve

    office = open_office(ctx)
    settings = office.config.publik
    host, port = host or settings.host, port or settings.port
    click.echo(f"Laman pengaduan publik berjalan di http://{host}:{port}/ (hentikan dengan Ctrl+C).")
    try:
        serve(office.config.path, host, port)
    except OSError as exc:
        raise CannotRun(f"Laman pengaduan publik tidak dapat memakai {host}:{port}: {exc.strerror or exc}.") from None


def public_port_problem(exc: OSError, office_name: str, host: str, port: int) -> str:
    """The public pages of `office_name` cannot listen on host:port."""
    return f"Laman pengaduan publik {office_name} tidak dapat memakai {host}:{port}: {exc.strerror or exc}."
