"""Operating commands: doctor, reports, exports, backups and personal data."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from jobs.cli.common import Command, load_config_or_fail, open_office, refusals


@click.command(cls=Command, help="Periksa konfigurasi, kotak surat, SMTP, buku, templat, kunci, jam dan disk.")
@click.option("--kirim-uji", is_flag=True, help="Kirim surel uji kepada staf.")
@click.pass_context
def doctor(ctx, kirim_uji: bool) -> None:
    from jobs.doctor import run_checks
    from office.config import ConfigError, config_path, load_config

    given = ctx.find_root().obj["config"]
    try:
        cfg = load_config(config_path(given[0] if given else None))
    except ConfigError as exc:
        click.echo(f"✗ konfigurasi: {exc}")
        click.echo("  → perbaiki berkas konfigurasi (contoh: pengaduan init)")
        ctx.exit(1)
    checks = run_checks(cfg, send_test_mail=kirim_uji)
    for check in checks:
        mark = "✓" if check.ok else ("!" if check.warning else "✗")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if check.fix and not check.ok:
            click.echo(f"  → {check.fix}")
    failed = [c for c in checks if not c.ok and not c.warning]
    click.echo("Semua pemeriksaan lulus." if not failed else f"{len(failed)} pemeriksaan gagal.")
    ctx.exit(1 if failed else 0)


@click.command(cls=Command, help="Rekap bulanan/tahunan untuk Camat: XLSX dan DOCX dengan grafik, serta ringkasan.")
@click.option("--bulan", metavar="YYYY-MM", default=None)
@click.option("--tahun", type=int, default=None)
@click.option("--dari", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--sampai", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--keluar", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder tujuan berkas laporan.")
@click.pass_context
def laporan(ctx, bulan, tahun, dari, sampai, keluar: Path) -> None:
    from office.privacy import record_access
    from office.reports import charts, period, recap, summary_text, write_docx, write_xlsx
    from sop.clock import utcnow

    try:
        title, start, end = period(bulan, tahun, dari.date() if dari else None, sampai.date() if sampai else None)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    office = open_office(ctx)
    r = recap(office, title, start, end, utcnow(), progress=sys.stderr.isatty())
    keluar.mkdir(parents=True, exist_ok=True)
    stem = keluar / f"laporan-pengaduan-{start:%Y%m%d}-{(end - dt.timedelta(days=1)):%Y%m%d}"
    pictures = charts(r)
    write_xlsx(r, stem.with_suffix(".xlsx"), pictures)
    write_docx(r, stem.with_suffix(".docx"), pictures, office.config.office_name)
    record_access(office, "laporan", title, f"{r.total} pengaduan")
    click.echo(summary_text(r))
    click.echo(f"\nBerkas: {stem.with_suffix('.xlsx')}, {stem.with_suffix('.docx')}")


@click.command(cls=Command, help="Ekspor buku pengaduan (kolom buku pengaduan kertas) ke CSV atau XLSX.")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def ekspor(ctx, target: Path) -> None:
    from office.privacy import record_access
    from office.reports import export_book

    office = open_office(ctx)
    count = export_book(office, target, progress=sys.stderr.isatty())
    record_access(office, "ekspor", str(target), f"{count} pengaduan")
    click.echo(f"{count} pengaduan diekspor ke {target}.")


@click.command(cls=Command, help="Catat nomor pelacakan SP4N-LAPOR! pada suatu pengaduan.")
@click.argument("number")
@click.argument("lapor_id")
@click.pass_context
def lapor(ctx, number: str, lapor_id: str) -> None:
    from office.commands import set_lapor_id

    office = open_office(ctx)
    with refusals():
        set_lapor_id(office, number, lapor_id)
    click.echo(f"Nomor LAPOR! {lapor_id} dicatat pada {number}.")


@click.command(cls=Command, help="Buat cadangan buku dan berkas sekarang (daemon juga membuatnya setiap hari).")
@click.pass_context
def cadangan(ctx) -> None:
    from office.backup import make_backup
    from sop.clock import utcnow

    office = open_office(ctx)
    book_copy, files_copy = make_backup(office, utcnow())
    click.echo(f"Cadangan dibuat: {book_copy}")
    click.echo(f"                 {files_copy}")
    click.echo(f"Disimpan {office.config.backup_keep} cadangan terakhir di {office.config.backup_folder}.")


@click.command("pulihkan", cls=Command, help="Pulihkan buku (dan berkas) dari cadangan; hentikan daemon dahulu.")
@click.argument("backup_db", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Arsip berkas-<waktu>.tar.gz dari cadangan yang sama.")
@click.pass_context
def pulihkan(ctx, backup_db: Path, berkas: Path | None) -> None:
    from jobs.daemon import BookLock
    from office.backup import restore

    cfg = load_config_or_fail(ctx)
    lock = BookLock(cfg.database)
    try:
        lock.acquire()  # refuses while a daemon runs on this book
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        restore(backup_db, berkas, cfg.database, cfg.files)
    finally:
        lock.release()
    click.echo(f"Buku dipulihkan dari {backup_db}" + (f" dan berkas dari {berkas}." if berkas else "."))


@click.command("data-pribadi", cls=Command, help="Ekspor semua data tentang satu orang (hak akses UU 27/2022) sebagai JSON.")
@click.argument("email")
@click.pass_context
def data_pribadi(ctx, email: str) -> None:
    from office.privacy import person_data, record_access

    office = open_office(ctx)
    record_access(office, "data-pribadi", email.lower(), "ekspor permintaan subjek data")
    click.echo(json.dumps(person_data(office, email), ensure_ascii=False, indent=2, default=str))


@click.command(cls=Command, help="Anonimkan sekarang pengaduan yang melewati masa retensi ([privacy] retention_days).")
@click.pass_context
def retensi(ctx) -> None:
    from office.privacy import purge_expired
    from sop.clock import utcnow

    office = open_office(ctx)
    if not office.config.retention_days:
        raise click.ClickException("Masa retensi belum diatur: isi [privacy] retention_days pada konfigurasi.")
    click.echo(purge_expired(office, utcnow()) or "Tidak ada pengaduan yang melewati masa retensi.")


@click.command(cls=Command, help="Catatan siapa membaca atau mengekspor data pribadi.")
@click.pass_context
def audit(ctx) -> None:
    office = open_office(ctx)
    for entry in office.book.audit_log():
        click.echo(f"{entry['at']}  {entry['who']:<12} {entry['action']:<14} {entry['subject']}  {entry['detail']}")
