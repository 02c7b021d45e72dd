"""`pengaduan agenda`: the month's agenda surat keluar of the service's letters, to print."""

from __future__ import annotations

from pathlib import Path

import click

from jobs.cli.common import MONTH, CannotRun, Command, open_office, writable


@click.command(cls=Command, help="Agenda surat keluar layanan pengaduan untuk satu bulan: XLSX dan PDF siap cetak "
                                 "(A4 melintang, baris judul kolom berulang di setiap halaman).")
@click.option("--bulan", type=MONTH, metavar="MM-YYYY", required=True, help="Bulan agenda, misalnya 11-2026.")
@click.option("--keluar", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder tujuan berkas (harus sudah ada).")
@click.option("--timpa", is_flag=True, help="Timpa berkas yang sudah ada.")
@click.pass_context
def agenda(ctx, bulan: tuple[int, int], keluar: Path, timpa: bool) -> None:
    from office.agenda_book import AgendaError, agenda_rows, write_agenda
    from office.plain import libreoffice
    from office.privacy import record_access

    year, month = bulan
    stem = keluar / f"agenda-surat-keluar-{year}-{month:02d}"
    pdf = libreoffice() is not None
    for suffix in (".xlsx", ".pdf") if pdf else (".xlsx",):
        writable(stem.with_suffix(suffix), timpa)
    office = open_office(ctx)
    try:
        paths = write_agenda(office, year, month, keluar, overwrite=timpa, pdf=pdf)
    except (AgendaError, RuntimeError) as exc:
        raise CannotRun(str(exc)) from None
    count = len(agenda_rows(office, year, month))
    record_access(office, "agenda", f"{month:02d}-{year}", f"{count} surat")
    click.echo(f"Agenda surat keluar {month:02d}-{year}: {count} surat.")
    if not pdf:
        click.echo("LibreOffice tidak terpasang: hanya XLSX yang dibuat.")
    click.echo("Berkas: " + ", ".join(str(p) for p in paths))
