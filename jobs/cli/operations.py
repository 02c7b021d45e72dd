"""Operating commands: doctor, reports, exports, backups and personal data."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from jobs.cli.common import DATE, MONTH, CannotRun, Command, ask, load_config_or_fail, open_office, refusals, writable
from office.plain import write_atomically


@click.command(cls=Command, help="Periksa konfigurasi, kotak surat, SMTP, buku, templat, kunci, jam, dan disk.")
@click.option("--kirim-uji", is_flag=True, help="Kirim surel uji kepada staf.")
@click.option("--kantor", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder konfigurasi kantor: periksa setiap kantor (bersamaan; server yang macet tidak menahan "
                   "yang lain).")
@click.pass_context
def doctor(ctx, kirim_uji: bool, folder: Path | None) -> None:
    from jobs.doctor import run_checks
    from office.config import ConfigError, config_path, load_config

    if folder is not None:
        ctx.exit(_doctor_city(folder, kirim_uji))
    given = ctx.find_root().obj["config"]
    try:
        cfg = load_config(config_path(given[0] if given else None))
    except ConfigError as exc:
        click.echo(f"✗ konfigurasi: {exc}")
        click.echo("  → perbaiki berkas konfigurasi (contoh: pengaduan siapkan)")
        ctx.exit(2)
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
@click.option("--bulan", type=MONTH, metavar="MM-YYYY", default=None, help="Bulan laporan, misalnya 03-2026.")
@click.option("--tahun", type=click.IntRange(1900, 9999), default=None, help="Tahun laporan.")
@click.option("--dari", type=DATE, metavar="DD-MM-YYYY", default=None, help="Awal rentang (termasuk).")
@click.option("--sampai", type=DATE, metavar="DD-MM-YYYY", default=None, help="Akhir rentang (termasuk).")
@click.option("--keluar", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder tujuan berkas laporan (harus sudah ada).")
@click.option("--timpa", is_flag=True, help="Timpa berkas laporan yang sudah ada.")
@click.option("--kantor", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder konfigurasi kantor: rekap kota, satu lembar per kantor dan jumlah kota (buku dibaca saja).")
@click.pass_context
def laporan(ctx, bulan, tahun, dari, sampai, keluar: Path, timpa: bool, folder: Path | None) -> None:
    from office.plain import utcnow
    from office.privacy import record_access
    from office.reports import charts, period, recap, summary_text, write_docx, write_xlsx

    try:
        title, start, end = period(bulan, tahun, dari, sampai)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if folder is not None:
        _city_report(folder, title, start, end, keluar, timpa)
        return
    stem = keluar / f"laporan-pengaduan-{start:%Y%m%d}-{(end - dt.timedelta(days=1)):%Y%m%d}"
    targets = [writable(stem.with_suffix(suffix), timpa) for suffix in (".xlsx", ".docx")]
    office = open_office(ctx)
    now = utcnow()
    r = recap(office, title, start, end, now, progress=sys.stderr.isatty())
    pictures = charts(r)
    write_atomically(targets[0], lambda path: write_xlsx(r, path, pictures), overwrite=timpa)
    write_atomically(targets[1], lambda path: write_docx(r, path, pictures, office, now), overwrite=timpa)
    record_access(office, "laporan", title, f"{r.total} pengaduan")
    click.echo(summary_text(r))
    click.echo(f"\nBerkas: {stem.with_suffix('.xlsx')}, {stem.with_suffix('.docx')}")


def _doctor_city(folder: Path, send_test_mail: bool) -> int:
    """`periksa --kantor DIR`: every office checked at once, reported one after another."""
    from jobs.city import office_configs
    from jobs.doctor import check_offices

    configs = office_configs(folder) if folder.is_dir() else []
    if not configs:
        raise CannotRun(f"Folder kantor {folder} tidak ada atau tidak berisi berkas konfigurasi *.toml.")
    broken = 0
    for path, cfg, checks in check_offices(configs, send_test_mail=send_test_mail):
        if isinstance(cfg, str):
            click.echo(f"== {path.name}: konfigurasi tidak valid\n✗ konfigurasi: {cfg}")
            broken += 1
            continue
        click.echo(f"== {path.name}: {cfg.office_name}")
        for c in checks:
            if not c.ok:
                click.echo(f"{'!' if c.warning else '✗'} {c.name}: {c.detail}" + (f" → {c.fix}" if c.fix else ""))
        failed = [c for c in checks if not c.ok and not c.warning]
        broken += bool(failed)
        click.echo("Semua pemeriksaan lulus." if not failed else f"{len(failed)} pemeriksaan gagal.")
    click.echo(f"{len(configs)} kantor diperiksa; {broken} dengan pemeriksaan gagal.")
    return 1 if broken else 0


def _city_report(folder: Path, title: str, start, end, keluar: Path, timpa: bool) -> None:
    """`laporan --kantor DIR`: every office's recap and the city's, in one workbook."""
    from jobs.city import office_configs
    from office.city import city_recap, write_city_xlsx
    from office.plain import utcnow

    configs = office_configs(folder) if folder.is_dir() else []
    if not configs:
        raise CannotRun(f"Folder kantor {folder} tidak ada atau tidak berisi berkas konfigurasi *.toml.")
    target = writable(keluar / f"laporan-pengaduan-kota-{start:%Y%m%d}-{(end - dt.timedelta(days=1)):%Y%m%d}.xlsx",
                      timpa)
    city = city_recap(configs, title, start, end, utcnow())
    write_atomically(target, lambda path: write_city_xlsx(city, path), overwrite=timpa)
    for name, r in city.offices:
        click.echo(f"{name}: {r.total} pengaduan, {len(r.late)} terlambat")
    totals = city.totals
    click.echo(f"Jumlah kota ({len(city.offices)} kantor): {totals.total if totals else 0} pengaduan, "
               f"{len(totals.late) if totals else 0} terlambat")
    for problem in city.problems:
        click.echo(f"Tidak terbaca: {problem}", err=True)
    click.echo(f"Berkas: {target}")


@click.command(cls=Command, help="Statistik tahunan tanpa data pribadi, siap diumumkan (JSON dan CSV).")
@click.option("--tahun", type=click.IntRange(1900, 9999), required=True, help="Tahun statistik.")
@click.option("--keluar", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder tujuan (harus sudah ada).")
@click.option("--timpa", is_flag=True, help="Timpa berkas yang sudah ada.")
@click.option("--kantor", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder konfigurasi kantor: statistik seluruh kota (buku dibaca saja).")
@click.option("--nama", default="Kota Samarinda", help="Nama wilayah untuk statistik --kantor.")
@click.pass_context
def statistik(ctx, tahun: int, keluar: Path, timpa: bool, folder: Path | None, nama: str) -> None:
    from office.plain import utcnow
    from office.statistics import write_statistics, year_statistics

    if folder is not None:
        from jobs.city import office_configs
        from office.city import city_statistics

        configs = office_configs(folder) if folder.is_dir() else []
        if not configs:
            raise CannotRun(f"Folder kantor {folder} tidak ada atau tidak berisi berkas konfigurasi *.toml.")
        stem = keluar / f"statistik-pengaduan-kota-{tahun}"
        for suffix in (".json", ".csv"):
            writable(stem.with_suffix(suffix), timpa)
        paths = write_statistics(city_statistics(configs, nama, tahun, utcnow()), stem, overwrite=timpa)
        click.echo("Statistik kota dibuat: " + ", ".join(str(p) for p in paths))
        return
    stem = keluar / f"statistik-pengaduan-{tahun}"
    for suffix in (".json", ".csv"):
        writable(stem.with_suffix(suffix), timpa)
    office = open_office(ctx)
    paths = write_statistics(year_statistics(office, tahun, utcnow()), stem, overwrite=timpa)
    click.echo("Statistik dibuat: " + ", ".join(str(p) for p in paths))


@click.command(cls=Command, help="Ekspor buku pengaduan (kolom buku pengaduan kertas) ke CSV atau XLSX.")
@click.argument("target", metavar="BERKAS.csv|BERKAS.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--timpa", is_flag=True, help="Timpa berkas yang sudah ada.")
@click.pass_context
def ekspor(ctx, target: Path, timpa: bool) -> None:
    from office.privacy import record_access
    from office.reports import EXPORT_TYPES, export_book

    if target.suffix.lower() not in EXPORT_TYPES:
        raise CannotRun(f"Ekspor hanya ke .csv atau .xlsx; {target.name} tidak (berkas lain tidak dibuat dengan "
                        f"isi CSV).")
    writable(target, timpa)
    office = open_office(ctx)
    count = export_book(office, target, progress=sys.stderr.isatty(), overwrite=timpa)
    record_access(office, "ekspor", str(target), f"{count} pengaduan")
    click.echo(f"{count} pengaduan diekspor ke {target}.")


@click.command(cls=Command, help="Catat nomor pelacakan SP4N-LAPOR! pada suatu pengaduan.")
@click.argument("number", metavar="NOMOR")
@click.argument("lapor_id", metavar="NOMOR_LAPOR")
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
    from office.plain import utcnow

    office = open_office(ctx)
    book_copy, files_copy = make_backup(office, utcnow())
    click.echo(f"Cadangan dibuat: {book_copy}")
    click.echo(f"                 {files_copy}")
    click.echo(f"Disimpan {office.config.backup_keep} cadangan terakhir di {office.config.backup_folder}.")


@click.command("pulihkan", cls=Command, help="Pulihkan buku (dan berkas) dari cadangan; hentikan layanan dahulu.")
@click.argument("backup_db", metavar="CADANGAN_DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Arsip berkas-<waktu>.tar.gz dari cadangan yang sama.")
@click.option("--ya", is_flag=True, help="Jangan bertanya lagi (untuk skrip).")
@click.option("--paksa", is_flag=True, help="Pulihkan juga cadangan yang lebih lama dari buku sekarang.")
@click.pass_context
def pulihkan(ctx, backup_db: Path, berkas: Path | None, ya: bool, paksa: bool) -> None:
    from jobs.daemon import BookLock
    from office.backup import NotRestored, check_restore, moment_text, restore, safety_copy
    from office.plain import utcnow

    cfg = load_config_or_fail(ctx)
    tz = cfg.clock.tz
    lock = BookLock(cfg.database)
    try:
        lock.acquire()  # first of all: while the service runs on this book, nothing is read or copied
    except RuntimeError:
        raise CannotRun(f"Layanan pengaduan sedang berjalan dengan buku {cfg.database}: hentikan dahulu "
                        f"(sudo systemctl stop pengaduan), lalu jalankan pulihkan lagi; tidak ada yang diubah.") from None
    try:
        try:
            seen = check_restore(backup_db, berkas, cfg.database, older_ok=paksa, tz=tz)
        except NotRestored as exc:
            raise CannotRun(str(exc)) from None
        offered, current = seen["offered"], seen["current"]
        click.echo(f"Cadangan {backup_db.name}: {offered['complaints']} pengaduan, terbaru "
                   f"{moment_text(offered['newest'], tz)}.")
        if current:
            click.echo(f"Buku sekarang {cfg.database}: {current['complaints']} pengaduan, terbaru "
                       f"{moment_text(current['newest'], tz)}; salinannya disimpan dahulu.")
        if not ya and not ask("Ganti buku sekarang dengan cadangan ini?"):
            raise click.ClickException("Dibatalkan; buku tidak diubah.")
        assert cfg.backup_folder is not None
        kept = safety_copy(cfg.database, cfg.backup_folder, utcnow(), tz)
        restore(backup_db, berkas, cfg.database, cfg.files)
    finally:
        lock.release()
    if kept:
        click.echo(f"Buku sebelumnya disimpan di {kept}.")
    click.echo(f"Buku dipulihkan dari {backup_db}" + (f" dan berkas dari {berkas}." if berkas else "."))


@click.command("data-pribadi", cls=Command, help="Ekspor semua data tentang satu orang (hak akses UU 27/2022) sebagai JSON.")
@click.argument("email", metavar="SUREL")
@click.pass_context
def data_pribadi(ctx, email: str) -> None:
    from office.privacy import person_data, record_access

    office = open_office(ctx)
    record_access(office, "data-pribadi", email.lower(), "ekspor permintaan subjek data")
    click.echo(json.dumps(person_data(office, email), ensure_ascii=False, indent=2, default=str))


@click.command(cls=Command, help="Anonimkan sekarang pengaduan yang melewati masa retensi ([privacy] retention_days).")
@click.pass_context
def retensi(ctx) -> None:
    from office.plain import utcnow
    from office.privacy import purge_expired

    office = open_office(ctx)
    if not office.config.retention_days:
        raise click.ClickException("Masa retensi belum diatur: isi [privacy] retention_days pada konfigurasi.")
    click.echo(purge_expired(office, utcnow()) or "Tidak ada pengaduan yang melewati masa retensi.")


@click.command(cls=Command, help="Catatan siapa membaca atau mengekspor data pribadi.")
@click.pass_context
def audit(ctx) -> None:
    from office.lookups import access_trail

    office = open_office(ctx)
    for entry in access_trail(office):
        at = entry["at_local"]
        click.echo(f"{at:%d-%m-%Y %H.%M} {at.tzname()}  {entry['who']:<12} {entry['action']:<14} "
                   f"{entry['subject']}  {entry['detail']}")
