"""The `pengaduan` command: thin wiring from the command line to the office.

Each command parses its options, calls the office (office/), and prints; the commands are
listed here explicitly. Messages for staff are in Bahasa Indonesia; `--json` output is for
scripts. Heavy modules load only when a command runs, so `pengaduan --help` stays quick.
"""

from __future__ import annotations

import os

import click

from jobs.cli.book import book, demo, init, karantina, run, show
from jobs.cli.common import Group, setup_logging
from jobs.cli.letters import kunci, surat, verifikasi
from jobs.cli.operations import audit, cadangan, data_pribadi, doctor, ekspor, lapor, laporan, pulihkan, retensi
from jobs.cli.staff import catat, delegasi, langkah, lepas


@click.group(cls=Group, help="Penanganan pengaduan pelayanan publik melalui surel.")
@click.option("--config", "config", metavar="PATH", multiple=True,
              help="Berkas konfigurasi (bawaan: ./pengaduan.toml atau $PENGADUAN_CONFIG); "
                   "untuk `run` boleh diulang: satu daemon untuk beberapa kantor.")
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan log rinci.")
@click.pass_context
def main(ctx: click.Context, config: tuple[str, ...], verbose: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    setup_logging(verbose)
    # Everything we write holds personal data: private to the service account by default.
    os.umask(0o077)


COMMANDS = (init, run, book, show, karantina, catat, langkah, lepas, delegasi, kunci, verifikasi, surat,
            doctor, laporan, ekspor, lapor, cadangan, pulihkan, data_pribadi, retensi, audit, demo)
for command in COMMANDS:
    main.add_command(command)
