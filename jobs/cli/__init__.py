"""The `pengaduan` command: thin wiring from the command line to the office.

Each command parses its options, calls the office (office/), and prints; the commands are
listed here explicitly. Messages for staff are in Bahasa Indonesia; `--json` output is for
scripts. Heavy modules load only when a command runs, so `pengaduan --help` stays quick.
"""

from __future__ import annotations

import os

import click

from jobs.cli.agenda import agenda
from jobs.cli.book import book, demo, init, karantina, run, show
from jobs.cli.common import Main, setup_logging
from jobs.cli.desk import meja, pengguna
from jobs.cli.letters import kunci, surat, verifikasi
from jobs.cli.operations import audit, cadangan, data_pribadi, doctor, ekspor, lapor, laporan, pulihkan, retensi, statistik
from jobs.cli.publik import publik
from jobs.cli.staff import catat, delegasi, gabung, langkah, lepas, tambahan, tanggapan


@click.group(cls=Main, help="Penanganan pengaduan pelayanan publik melalui surel.")
@click.option("--config", "config", metavar="BERKAS", multiple=True,
              help="Berkas konfigurasi (bawaan: ./pengaduan.toml atau $PENGADUAN_CONFIG); "
                   "untuk `jalankan` boleh diulang: satu daemon untuk beberapa kantor.")
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan log rinci.")
@click.pass_context
def main(ctx: click.Context, config: tuple[str, ...], verbose: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    setup_logging(verbose)
    # Everything we write holds personal data: private to the service account by default.
    os.umask(0o077)


# One Indonesian name per command; the names of earlier releases stay as aliases (scripts
# keep working), shown as such in --help.
COMMANDS = {
    "siapkan": (init, "init"), "jalankan": (run, "run"), "buku": (book, "book"), "lihat": (show, "show"),
    "karantina": (karantina, None), "catat": (catat, None), "langkah": (langkah, None), "lepas": (lepas, None),
    "tambahan": (tambahan, None), "gabung": (gabung, None), "tanggapan": (tanggapan, None),
    "delegasi": (delegasi, None), "kunci": (kunci, None), "verifikasi": (verifikasi, None), "surat": (surat, None),
    "periksa": (doctor, "doctor"), "laporan": (laporan, None), "statistik": (statistik, None), "ekspor": (ekspor, None),
    "nomor-lapor": (lapor, "lapor"), "cadangan": (cadangan, None), "pulihkan": (pulihkan, None),
    "data-pribadi": (data_pribadi, None), "retensi": (retensi, None), "jejak-akses": (audit, "audit"),
    "peragaan": (demo, "demo"), "meja": (meja, "web"), "pengguna": (pengguna, None),
    "agenda": (agenda, None), "publik": (publik, None),
}
for name, (command, alias) in COMMANDS.items():
    main.add_command(command, name)
    if alias:
        main.aliases[alias] = name
