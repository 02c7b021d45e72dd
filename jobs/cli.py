"""The `pengaduan` command: thin wiring from the command line to the book and the jobs.

Messages for staff are in Bahasa Indonesia; `--json` output is for scripts.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
from pathlib import Path

import click

from jobs.config import ConfigError, config_path, load_config
from templates import TEMPLATES


def _setup_logging(verbose: bool) -> None:
    # Under systemd, journald stamps each line itself; elsewhere the time is part of the line.
    journald = "JOURNAL_STREAM" in os.environ
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s" if journald else "%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("mail.log", "docxtpl", "imap_tools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _open_office(ctx: click.Context, path: str | None = None):
    from jobs.workflow import Office
    from sop.book import Book

    given = ctx.find_root().obj["config"]
    if path is None and len(given) > 1:
        raise click.UsageError("Beberapa --config hanya untuk `run`; perintah ini memerlukan satu kantor.")
    try:
        cfg = load_config(config_path(path or (given[0] if given else None)))
    except ConfigError as exc:
        raise click.ClickException(f"Konfigurasi salah: {exc}") from None
    return Office(cfg, Book(cfg.database))


class _Command(click.Command):
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option


class _Group(_Command, click.Group):
    command_class = _Command


@click.group(cls=_Group, help="Penanganan pengaduan pelayanan publik melalui surel.")
@click.option("--config", "config", metavar="PATH", multiple=True,
              help="Berkas konfigurasi (bawaan: ./pengaduan.toml atau $PENGADUAN_CONFIG); "
                   "untuk `run` boleh diulang: satu daemon untuk beberapa kantor.")
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan log rinci.")
@click.pass_context
def main(ctx: click.Context, config: tuple[str, ...], verbose: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    _setup_logging(verbose)


@main.command(help="Buat contoh konfigurasi dan buku pengaduan kosong di DIR.")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    from sop.book import Book

    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "pengaduan.toml"
    if target.exists():
        click.echo(f"{target} sudah ada; tidak ditimpa.")
    else:
        shutil.copyfile(TEMPLATES / "pengaduan.sample.toml", target)
        target.chmod(0o600)
        click.echo(f"Contoh konfigurasi dibuat: {target}")
    data = directory / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    Book(data / "pengaduan.db").close()
    click.echo(f"Buku pengaduan siap: {data / 'pengaduan.db'}")
    click.echo("Sesuaikan konfigurasi (kotak surat, SMTP, pejabat), lalu jalankan: pengaduan run")


def _progress_bar():
    """A rich progress bar for long imports, on an interactive terminal only."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    def start(total: int):
        if total < 20:
            return lambda: None
        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("Mengimpor surel", total=total)

        def tick():
            bar.advance(task)
            if bar.finished:
                bar.stop()
        return tick
    return start


@main.command(help="Jalankan daemon: ambil surel, proses, kirim, periksa batas waktu.")
@click.option("--once", is_flag=True, help="Jalankan satu putaran penuh lalu keluar.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pada putaran pertama, surel sebelum tanggal ini (YYYY-MM-DD) diimpor tanpa tindakan.")
@click.option("--no-idle", is_flag=True, help="Jangan memakai IMAP IDLE; hanya pemeriksaan berkala.")
@click.pass_context
def run(ctx: click.Context, once: bool, since, no_idle: bool) -> None:
    from logging.handlers import RotatingFileHandler

    from jobs.daemon import BookLock, run_forever, run_once

    offices = [_open_office(ctx, path) for path in ctx.find_root().obj["config"]] or [_open_office(ctx)]
    for office in offices:
        if office.config.log_file:
            handler = RotatingFileHandler(office.config.log_file, maxBytes=10 * 2**20, backupCount=5)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logging.getLogger().addHandler(handler)
    since_date = since.date() if since else None
    try:
        if once:
            for office in offices:
                lock = BookLock(office.config.database)
                lock.acquire()
                try:
                    run_once(office, since=since_date, progress=_progress_bar())
                finally:
                    lock.release()
        else:
            run_forever(offices, since=since_date, idle=not no_idle)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None


@main.command(help="Catat pengaduan yang datang langsung, lewat telepon atau surat.")
@click.option("--saluran", type=click.Choice(["langsung", "telepon", "surat", "lapor", "email"]),
              required=True, help="Cara pengaduan diterima.")
@click.option("--nama", required=True, help="Nama pengadu.")
@click.option("--surel", default=None, help="Alamat surel pengadu (tanda terima dan jawaban dikirim ke sini).")
@click.option("--telepon", default=None, help="Nomor telepon pengadu.")
@click.option("--alamat", default=None, help="Alamat pengadu (untuk surat jawaban).")
@click.option("--pokok", required=True, help="Pokok pengaduan (satu kalimat).")
@click.option("--isi", default=None, help="Isi pengaduan.")
@click.option("--isi-berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Isi pengaduan dari berkas teks.")
@click.option("--lampiran", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Pindaian atau foto; boleh lebih dari satu.")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def catat(ctx, saluran, nama, surel, telepon, alamat, pokok, isi, isi_berkas, lampiran, petugas) -> None:
    import getpass
    import mimetypes

    from intake.parse import Attachment
    from jobs.daemon import utcnow
    from jobs.recording import NewComplaint, record_complaint

    if bool(isi) == bool(isi_berkas):
        raise click.UsageError("Isi pengaduan wajib diisi: pakai --isi atau --isi-berkas (salah satu).")
    if surel and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", surel):
        raise click.UsageError(f"Alamat surel tidak valid: {surel}")
    body = isi if isi else isi_berkas.read_text(encoding="utf-8", errors="replace")
    files = tuple(Attachment(filename=p.name, data=p.read_bytes(),
                             content_type=mimetypes.guess_type(p.name)[0] or "application/octet-stream")
                  for p in lampiran)
    office = _open_office(ctx)
    who = petugas or getpass.getuser()
    now = utcnow()
    with office.book.transaction():
        row = record_complaint(office, NewComplaint(
            channel=saluran, name=nama, email=surel.lower() if surel else None, phone=telepon, address=alamat,
            subject=pokok, body=body.strip(), attachments=files, recorded_by=f"petugas {who}",
            note=f"Dicatat oleh petugas {who} (saluran: {saluran})."), now)
    nxt = office.config.procedure.step(row["step"]).role if row["step"] else None
    click.echo(f"Pengaduan dicatat dengan nomor {row['number']}.")
    if nxt:
        click.echo(f"Tugas langkah {row['step']} dikirim kepada {office.config.directory.official(nxt).title}.")
    if not surel:
        click.echo("Pengadu tidak memiliki alamat surel: sampaikan tanda terima secara langsung.")
    _send_now(office, now)


@main.command(help="Catat tindakan pejabat yang dilakukan di luar surel (misalnya keputusan dalam rapat).")
@click.argument("number")
@click.option("--teks", required=True, help="Isi tindakan, seperti balasan pejabat (kata kunci boleh dipakai).")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def langkah(ctx, number: str, teks: str, petugas: str | None) -> None:
    import getpass

    from jobs.daemon import utcnow

    office = _open_office(ctx)
    now = utcnow()
    who = petugas or getpass.getuser()
    with office.book.transaction():
        row = office.book.complaint(number)
        if row is None:
            raise click.ClickException(f"Pengaduan {number} tidak ada dalam buku.")
        task = office.book.open_task_of(row["id"])
        if row["state"] != "open" or task is None:
            raise click.ClickException(f"Pengaduan {number} tidak sedang menunggu tindakan pejabat.")
        holder = office.holder(task["role"], now)
        row, acted = office.act_for(row, task, teks, f"petugas {who} atas nama {holder.title} {holder.name}", now)
        if not acted:
            raise click.ClickException("Teks tindakan kosong; tidak ada yang dicatat.")
        office.book.add_event(row["id"], now, task["step"], f"petugas {who}", "dicatat_petugas",
                              f"Tindakan langkah {task['step']} dicatat oleh petugas {who} atas nama "
                              f"{holder.title} {holder.name}, di luar surel.")
    click.echo(f"Langkah {task['step']} pengaduan {number} dicatat atas nama {holder.title} {holder.name}.")
    click.echo(f"Status sekarang: {row['state']}, langkah {row['step'] or '-'}.")
    _send_now(office, now)


def _send_now(office, now) -> None:
    """Send what a command queued at once; the daemon's sender retries whatever fails."""
    from jobs.sender import send_due

    try:
        send_due(office.book, office.config.smtp, office.config.mailbox.address, now)
    except Exception as exc:
        click.echo(f"Surel belum terkirim ({exc}); daemon akan mengirimkannya.")


@main.group(cls=_Group, invoke_without_command=True,
            help="Pelaksana tugas (Plt.) atau pelaksana harian (Plh.) suatu peran.")
@click.pass_context
def delegasi(ctx) -> None:
    if ctx.invoked_subcommand is not None:
        return
    office = _open_office(ctx)
    rows = office.book.delegations()
    if not rows:
        click.echo("Belum ada delegasi.")
        return
    for d in rows:
        state = "dicabut" if d["revoked_at"] else ""
        click.echo(f"{d['id']:>3}  {d['form']} {d['role']}: {d['name']} <{d['email']}> "
                   f"{d['starts'][:10]} s.d. {d['ends'][:10]} {state}".rstrip())


@delegasi.command("tambah", help="Tetapkan pelaksana tugas atau harian (Plt./Plh.) untuk suatu peran dalam rentang tanggal.",
                  short_help="Tetapkan pelaksana tugas atau harian untuk suatu peran.")
@click.option("--peran", required=True, help="Peran yang diwakili, misalnya camat.")
@click.option("--bentuk", type=click.Choice(["Plt.", "Plh."]), required=True)
@click.option("--nama", required=True, help="Nama lengkap dengan gelar.")
@click.option("--surel", required=True, help="Alamat surel pelaksana.")
@click.option("--jabatan", required=True, help="Jabatan pelaksana sendiri, misalnya \"Sekretaris Camat\".")
@click.option("--nip", default="")
@click.option("--pangkat", default="")
@click.option("--mulai", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--sampai", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Tanggal terakhir (termasuk).")
@click.pass_context
def delegasi_tambah(ctx, peran, bentuk, nama, surel, jabatan, nip, pangkat, mulai, sampai) -> None:
    import datetime as dt
    import getpass

    from jobs.daemon import utcnow

    office = _open_office(ctx)
    cfg = office.config
    if peran not in cfg.directory.officials:
        raise click.UsageError(f"Peran '{peran}' tidak ada; pilihan: {', '.join(cfg.directory.officials)}")
    if sampai < mulai:
        raise click.UsageError("--sampai tidak boleh sebelum --mulai.")
    tz = cfg.clock.tz
    starts = dt.datetime.combine(mulai.date(), dt.time(0, 0), tz)
    ends = dt.datetime.combine(sampai.date() + dt.timedelta(days=1), dt.time(0, 0), tz)
    now = utcnow()
    with office.book.transaction():
        did = office.book.add_delegation(role=peran, form=bentuk, name=nama, email=surel.lower(), nip=nip,
                                         rank=pangkat, title=jabatan, starts=starts, ends=ends,
                                         created_by=getpass.getuser(), created_at=now)
        moved = office.reroute(peran, now) if starts <= now < ends else 0
    click.echo(f"Delegasi {did} dicatat: {bentuk} {cfg.directory.official(peran).title} {nama}, "
               f"{mulai:%Y-%m-%d} s.d. {sampai:%Y-%m-%d}.")
    if moved:
        click.echo(f"{moved} tugas yang sedang terbuka dikirim ulang kepada {nama}.")


@delegasi.command("cabut", help="Akhiri delegasi sekarang; tugas terbuka kembali ke pejabat definitif.")
@click.argument("delegation_id", type=int)
@click.pass_context
def delegasi_cabut(ctx, delegation_id: int) -> None:
    from jobs.daemon import utcnow

    office = _open_office(ctx)
    now = utcnow()
    with office.book.transaction():
        row = next((d for d in office.book.delegations() if d["id"] == delegation_id), None)
        if row is None or not office.book.revoke_delegation(delegation_id, now):
            raise click.ClickException(f"Delegasi {delegation_id} tidak ada atau sudah dicabut.")
        moved = office.reroute(row["role"], now)
    click.echo(f"Delegasi {delegation_id} dicabut." + (f" {moved} tugas dikirim ulang." if moved else ""))


@main.group(cls=_Group, help="Kunci segel elektronik kantor (Ed25519) untuk surat jawaban.")
def kunci() -> None:
    pass


@kunci.command("buat", help="Buat kunci segel kantor (sekali); kunci publiknya dicetak untuk diumumkan.")
@click.pass_context
def kunci_buat(ctx) -> None:
    from letters.seal import make_key, public_text

    office = _open_office(ctx)
    path = office.config.letters.key
    try:
        key = make_key(path)
    except FileExistsError:
        raise click.ClickException(f"Kunci sudah ada di {path}; kunci lama tidak ditimpa.") from None
    click.echo(f"Kunci segel dibuat: {path} (hanya dapat dibaca akun layanan).")
    click.echo("Umumkan kunci publik berikut (misalnya di laman kantor) agar surat dapat diperiksa:")
    click.echo(public_text(key.public_key()))


@kunci.command("tampil", help="Cetak kunci publik kantor untuk diumumkan.")
@click.pass_context
def kunci_tampil(ctx) -> None:
    from letters.seal import load_key, public_text

    office = _open_office(ctx)
    path = office.config.letters.key
    if not path.exists():
        raise click.ClickException(f"Belum ada kunci di {path}; buat dengan: pengaduan kunci buat")
    click.echo(public_text(load_key(path).public_key()))


def _known_keys(ctx, extra: tuple[Path, ...]) -> dict:
    from letters.seal import key_id, load_key, parse_public

    keys = {}
    texts = [p.read_text() for p in extra]
    try:
        given = ctx.find_root().obj["config"]
        cfg = load_config(config_path(given[0] if given else None))
        texts.extend(cfg.letters.trusted_keys)
        if cfg.letters.key and cfg.letters.key.exists():
            public = load_key(cfg.letters.key).public_key()
            keys[key_id(public)] = public
    except ConfigError:
        pass  # verifying needs only a public key, not the office's configuration
    for text in texts:
        public = parse_public(text)
        keys[key_id(public)] = public
    return keys


@main.command(help="Periksa keaslian surat jawaban (.docx, .pdf, atau teks kode QR), tanpa internet.")
@click.argument("target")
@click.option("--kunci", "key_files", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Berkas kunci publik kantor penerbit (bila bukan kantor ini).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def verifikasi(ctx, target: str, key_files, as_json: bool) -> None:
    from letters.verify import check_seal, verify_file

    keys = _known_keys(ctx, key_files)
    register = None
    try:
        office = _open_office(ctx)
        register = lambda s: office.book.letter(s.number, int(s.date[:4]))  # noqa: E731 (numbers restart yearly)
    except click.ClickException:
        pass
    path = Path(target)
    if path.exists():
        verdict = verify_file(path, keys, register)
    else:
        verdict = check_seal(target, keys)
        if verdict.seal:
            verdict.checked.append("hanya kode yang diperiksa; isi surat memerlukan berkasnya")
    if as_json:
        click.echo(json.dumps({"valid": verdict.valid, "problems": verdict.problems, "checked": verdict.checked,
                               "letter": verdict.seal.__dict__ if verdict.seal else None}, ensure_ascii=False, indent=2))
    else:
        if verdict.seal:
            s = verdict.seal
            click.echo(f"Surat nomor {s.number}, tanggal {s.date}, kepada {s.addressee}.")
        for line in verdict.checked:
            click.echo(f"  ✓ {line}")
        for line in verdict.problems:
            click.echo(f"  ✗ {line}")
        click.echo("SAH: surat ini asli dan tidak diubah." if verdict.valid else "TIDAK SAH: lihat keterangan di atas.")
    ctx.exit(0 if verdict.valid else 1)


@main.group(cls=_Group, invoke_without_command=True, help="Surat jawaban: menunggu pengiriman, cetak, kirim.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def surat(ctx, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    office = _open_office(ctx)
    rows = []
    for letter in office.book.letters_awaiting_dispatch():
        complaint = office.book.complaint_by_id(letter["complaint_id"])
        rows.append({"number": letter["number"], "complaint": complaint["number"], "issued_at": letter["issued_at"],
                     "addressee": complaint["name"], "email": complaint["email"], "address": complaint["address"],
                     "docx": letter["path"], "pdf": letter["pdf_path"]})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Tidak ada surat yang menunggu pengiriman.")
        return
    click.echo("Surat menunggu pengiriman:")
    for r in rows:
        via = f"surel {r['email']}" if r["email"] else "tanpa surel"
        click.echo(f"  {r['number']}  pengaduan {r['complaint']}  kepada {r['addressee'] or '-'} ({via})")
    printable = [r for r in rows if not r["email"]]
    if printable:
        click.echo("\nSiap dicetak (pengadu tanpa alamat surel; sampaikan lewat pos atau langsung):")
        for r in printable:
            click.echo(f"  {r['number']}  {r['addressee'] or '-'}, {r['address'] or 'alamat tidak dicatat'}")
            click.echo(f"      {r['pdf'] or r['docx']}")


@surat.command("kirim", help="Catat pengiriman surat (langkah penyampaian selesai); dengan --cara email sistem mengirimkannya.")
@click.argument("number")
@click.option("--cara", type=click.Choice(["email", "pos", "langsung"]), required=True)
@click.option("--catatan", default="", help="Keterangan, misalnya nomor resi pos atau nama penerima.")
@click.option("--petugas", default=None)
@click.pass_context
def surat_kirim(ctx, number: str, cara: str, catatan: str, petugas: str | None) -> None:
    import getpass

    from jobs.daemon import utcnow
    from jobs.issuing import write_dossier

    office = _open_office(ctx)
    now = utcnow()
    who = petugas or getpass.getuser()
    ways = {"email": "melalui surel", "pos": "melalui pos", "langsung": "diserahkan langsung"}
    with office.book.transaction():
        letter = office.book.letter(number)
        if letter is None or letter["void"]:
            raise click.ClickException(f"Surat {number} tidak ada atau sudah dibatalkan.")
        if letter["dispatched_at"]:
            raise click.ClickException(f"Surat {number} sudah tercatat dikirim pada {letter['dispatched_at']}.")
        row = office.book.complaint_by_id(letter["complaint_id"])
        task = office.book.open_task_of(row["id"])
        step = office.config.procedure.step(task["step"]) if task else None
        if step is None or "deliver_letter" not in step.on_done:
            raise click.ClickException(f"Pengaduan {row['number']} tidak sedang menunggu penyampaian surat.")
        if cara == "email" and not row["email"]:
            raise click.ClickException("Pengadu tidak memiliki alamat surel; pilih --cara pos atau langsung.")
        text = f"Surat {number} disampaikan {ways[cara]}." + (f" {catatan}" if catatan else "")
        row, _ = office.act_for(row, task, text, f"petugas {who}", now)
        office.book.record_dispatch(letter["id"], now, cara, text)
        write_dossier(office, row)
    click.echo(f"Pengiriman surat {number} dicatat ({ways[cara]}); pengaduan {row['number']} selesai.")
    _send_now(office, now)


@surat.command("pdf", help="Buat PDF untuk surat yang belum memilikinya (memerlukan LibreOffice).")
@click.pass_context
def surat_pdf(ctx) -> None:
    from jobs.pdf import libreoffice, make_pdfs

    if libreoffice() is None:
        raise click.ClickException("LibreOffice tidak terpasang; surat tetap tersedia dalam format Word.")
    click.echo(f"{make_pdfs(_open_office(ctx))} PDF dibuat.")


@main.command(help="Daftar pesan yang dikarantina karena gagal diproses.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def karantina(ctx, as_json: bool) -> None:
    office = _open_office(ctx)
    rows = office.book.messages("quarantine")
    docs = [{"key": r["key"], "received_at": r["received_at"], "sender": r["sender"], "subject": r["subject"],
             "error": r["note"], "raw": r["raw_path"]} for r in rows]
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    if not docs:
        click.echo("Tidak ada pesan di karantina.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Pesan di karantina (folder Karantina pada kotak surat)")
    for column in ("Kunci", "Diterima", "Pengirim", "Subjek", "Kesalahan"):
        table.add_column(column, no_wrap=column == "Kunci")
    for d in docs:
        table.add_row(d["key"][:12], d["received_at"][:16], d["sender"] or "-", d["subject"] or "-", d["error"])
    Console().print(table)


@main.command(help="Tampilkan buku pengaduan.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.option("--semua/--terbuka", "everything", default=True,
              help="Semua pengaduan (bawaan) atau hanya yang masih terbuka.")
@click.pass_context
def book(ctx: click.Context, as_json: bool, everything: bool) -> None:
    from jobs.daemon import utcnow
    from jobs.views import complaint_json

    from jobs.privacy import record_access

    office = _open_office(ctx)
    now = utcnow()
    rows = office.book.complaints(None if everything else "open")
    record_access(office, "baca-buku", "", f"{len(rows)} pengaduan", now)
    docs = [complaint_json(office, row, now) for row in rows]
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    states = {"open": "terbuka", "closed": "selesai", "rejected": "ditolak"}
    table = Table(title=f"Buku Pengaduan {office.config.office_name}")
    # The register number and the times must read whole; the subject wraps instead.
    for column in ("Nomor", "Diterima", "Pengadu", "Pokok", "Status", "Langkah", "Pejabat", "Batas waktu"):
        table.add_column(column, no_wrap=column in ("Nomor", "Diterima", "Batas waktu"))
    for d in docs:
        due = d["due_at"][:16].replace("T", " ") if d["due_at"] else "-"
        table.add_row(
            d["number"], d["received_at"][:16].replace("T", " "), d["complainant"]["name"] or "-",
            (d["subject"] or "-")[:40], states.get(d["state"], d["state"]),
            str(d["step"] or "-"), d["official"]["title"] if d["official"] else "-",
            f"[red]{due} (terlambat)[/red]" if d["late"] else due)
    console = Console()
    console.print(table)
    if not docs:
        console.print("Buku pengaduan masih kosong.")


@main.command(help="Tampilkan satu pengaduan beserta riwayatnya.")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def show(ctx: click.Context, number: str, as_json: bool) -> None:
    from jobs.daemon import utcnow
    from jobs.views import complaint_json

    from jobs.privacy import record_access

    office = _open_office(ctx)
    row = office.book.complaint(number)
    if row is None:
        raise click.ClickException(f"Pengaduan {number} tidak ada dalam buku.")
    record_access(office, "baca-pengaduan", number)
    doc = complaint_json(office, row, utcnow(), detail=True)
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    console = Console()
    console.print(f"[bold]{doc['number']}[/bold] — {doc['subject']}")
    console.print(f"Pengadu : {doc['complainant']['name']} <{doc['complainant']['email'] or '-'}>")
    console.print(f"Diterima: {doc['received_at']}   Status: {doc['state']}   Langkah: {doc['step'] or '-'}")
    if doc["due_at"]:
        console.print(f"Batas waktu: {doc['due_at']}" + (" [red](terlambat)[/red]" if doc["late"] else ""))
    if doc["letter"]:
        console.print(f"Surat jawaban: {doc['letter_number']} — {doc['letter']}")
    console.print("\n[bold]Isi pengaduan[/bold]")
    console.print(doc["body"], markup=False)
    console.print("\n[bold]Waktu per langkah[/bold] (mutu baku)")
    for t in doc["steps"]:
        if t["done_at"]:
            verdict = "sesuai mutu baku" if t["within_standard"] else "melewati mutu baku"
            took = f"selesai {t['done_at'][:16].replace('T', ' ')}, {_duration(t['took_minutes'])}, {verdict}"
        else:
            took = "belum selesai" + (", terlambat" if doc["late"] else "")
        console.print(f"  Langkah {t['step']} ({t['official']}): mutu baku {t['standard']}, "
                      f"batas {t['due_at'][:16].replace('T', ' ')}; {took}", markup=False)
    console.print("\n[bold]Riwayat[/bold]")
    for e in doc["events"]:
        console.print(f"  {e['time']}  langkah {e['step'] or '-'}  {e['actor']}: {e['text']}", markup=False)


def _duration(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "", f"{mins} menit" if mins or not (days or hours) else ""]
    return " ".join(p for p in parts if p)


@main.command(help="Peragaan lengkap: server surel lokal, dua pengaduan, seluruh SOP sampai surat bertanda tangan.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder hasil peragaan (bawaan: folder sementara baru).")
@click.pass_context
def demo(ctx: click.Context, directory: Path | None) -> None:
    from jobs.demo import run_demo

    if not ctx.find_root().params.get("verbose"):
        # The demo narrates; the daemon's own log lines would drown the story.
        logging.getLogger().setLevel(logging.WARNING)
    run_demo(directory)


# Operating commands (doctor, reports, exports, backups, personal data) live in their own module.
from jobs import cli_office  # noqa: E402,F401

if __name__ == "__main__":
    # Run the module's importable twin, where the operating commands are registered.
    from jobs.cli import main as entry_point

    entry_point()
