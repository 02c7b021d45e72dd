"""The book and the daemon: init, run, the book, one complaint, quarantine, the demo."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import click

from jobs.cli.common import DATE, LOG_FORMAT, CannotRun, Command, OfficeTimeFormatter, emitted, open_office, progress_bar
from templates import TEMPLATES


@click.command(cls=Command, help="Buat contoh konfigurasi dan buku pengaduan kosong di DIR.")
@click.argument("directory", metavar="FOLDER", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    from office.opening import new_book

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
    new_book(data / "pengaduan.db")
    click.echo(f"Buku pengaduan siap: {data / 'pengaduan.db'}")
    click.echo("Sesuaikan konfigurasi (kotak surat, SMTP, pejabat), periksa dengan `pengaduan periksa`, lalu mulai "
               "dengan `pengaduan jalankan`.")


@click.command(cls=Command, help="Jalankan daemon: ambil surel, proses, kirim, periksa batas waktu.")
@click.option("--sekali", "--once", "once", is_flag=True,
              help="Jalankan satu putaran penuh lalu keluar (keluar dengan kode 1 bila ada tugas yang gagal).")
@click.option("--sejak", "--since", "since", type=DATE, default=None,
              help="Pada putaran pertama, surel sebelum tanggal ini (DD-MM-YYYY) diimpor tanpa tindakan.")
@click.option("--tanpa-idle", "--no-idle", "no_idle", is_flag=True,
              help="Jangan memakai IMAP IDLE; hanya pemeriksaan berkala.")
@click.option("--buat-buku", is_flag=True, help="Buat buku pengaduan baru bila belum ada (biasanya: `siapkan`).")
@click.option("--kantor", "folder", type=click.Path(path_type=Path), default=None,
              help="Folder konfigurasi kantor: setiap *.toml di dalamnya satu kantor, masing-masing terpisah; "
                   "kantor yang ditambah, dihapus atau diubah berlaku tanpa memulai ulang yang lain.")
@click.pass_context
def run(ctx: click.Context, once: bool, since, no_idle: bool, buat_buku: bool, folder: Path | None) -> None:
    from logging.handlers import RotatingFileHandler

    from jobs.daemon import BookLock, run_forever, run_once

    configs = ctx.find_root().obj["config"]
    shared: dict[Path, str] = {}
    if folder is not None:
        _office_folder(folder)
        if once:
            from jobs.city import office_configs, refused

            shared = refused([*map(Path, configs), *office_configs(folder)])
            for line in shared.values():
                click.echo(f"Kantor {line}.", err=True)
            configs = tuple(c for c in (*configs, *map(str, office_configs(folder))) if Path(c) not in shared)
            folder = None  # one cycle of each, one after another
            if not configs:
                raise CannotRun("Tidak ada kantor yang dapat dijalankan.")
    paths = configs or ((None,) if folder is None else ())
    offices = [open_office(ctx, path, create=buat_buku) for path in paths]
    for office in offices:
        office.config.need_secrets("mailbox", "smtp")  # the daemon reads and sends mail
    for office in offices:
        if office.config.log_file:
            handler = RotatingFileHandler(office.config.log_file, maxBytes=10 * 2**20, backupCount=5)
            handler.setFormatter(OfficeTimeFormatter(LOG_FORMAT))
            logging.getLogger().addHandler(handler)
    since_date = since
    try:
        if once:
            for office in offices:
                lock = BookLock(office.config.database)
                lock.acquire()
                try:
                    failed = run_once(office, since=since_date, progress=progress_bar())
                finally:
                    lock.release()
                if failed:
                    raise click.ClickException(
                        f"Putaran {office.config.office_name} selesai dengan kegagalan: " +
                        "; ".join(f"{job.name} ({described(office, job.error)})" for job in failed))
            if shared:
                raise CannotRun(f"{len(shared)} kantor tidak dijalankan (lihat di atas).")
        else:
            desks = served_beside(offices)
            try:
                run_forever(offices, since=since_date, idle=not no_idle, folder=folder)
            finally:
                for server in desks:
                    server.close()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None


def described(office, exc: BaseException | None) -> str:
    """A failed job's error as the administrator should read it (jobs.problems for the mail servers)."""
    from jobs.daemon import explained

    return explained(office, exc) if exc is not None else "?"


def _office_folder(folder: Path) -> None:
    """A folder of office configurations must exist and hold at least one."""
    from jobs.city import office_configs
    from jobs.cli.common import CannotRun

    if not folder.is_dir():
        raise CannotRun(f"Folder kantor {folder} tidak ada.")
    if not office_configs(folder):
        raise CannotRun(f"Folder kantor {folder} tidak berisi berkas konfigurasi *.toml.")


def served_beside(offices) -> list:
    """The staff desks ([web] enabled) and the public complaint pages ([publik] enabled) of the
    offices, served beside the daemon."""
    from jobs import public, web
    from jobs.cli.common import CannotRun
    from jobs.cli.publik import public_port_problem
    from jobs.problems import port_problem
    from jobs.serving import CannotServe, background_servers

    def desk_port_problem(exc: OSError, office_name: str, host: str, port: int) -> str:
        return f"Meja layanan {office_name}: {port_problem(exc, host, port)}"

    try:
        return background_servers(offices, [("web", web.serve_in_background, desk_port_problem),
                                            ("publik", public.serve_in_background, public_port_problem)])
    except CannotServe as exc:
        raise CannotRun(str(exc)) from None


@click.command(cls=Command, help="Daftar pesan yang dikarantina karena gagal diproses.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def karantina(ctx, as_json: bool) -> None:
    from office.lookups import quarantined

    office = open_office(ctx)
    rows = quarantined(office)
    docs = [{"key": r["key"], "received_at": r["received_at"], "sender": r["sender"], "subject": r["subject"],
             "error": r["note"], "raw": r["raw_path"]} for r in rows]
    if emitted(docs, as_json, "Tidak ada pesan di karantina."):
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Pesan di karantina (folder Karantina pada kotak surat)")
    for column in ("Kunci", "Diterima", "Pengirim", "Subjek", "Kesalahan"):
        table.add_column(column, no_wrap=column == "Kunci")
    for d, r in zip(docs, rows):
        table.add_row(d["key"][:12], local_text(r["received"].isoformat()), d["sender"] or "-", d["subject"] or "-",
                      d["error"])
    Console().print(table)


def _short(text: str, most: int) -> str:
    """Citizen text for a table cell: shortened at a word, never read as markup."""
    from rich.markup import escape

    if len(text) > most:
        text = text[:most].rsplit(" ", 1)[0] + " …"
    return escape(text)


def local_text(moment: str | None) -> str:
    """A time of the JSON documents (ISO with the office's offset) as staff read it."""
    import datetime as dt

    return dt.datetime.fromisoformat(moment).strftime("%d-%m-%Y %H.%M") if moment else "-"


def zone_name(office) -> str:
    """The office's zone as Indonesians name it: the tz database's own abbreviation (WIB, WITA, WIT)."""
    import datetime as dt

    tz = office.config.clock.tz
    return dt.datetime.now(tz).tzname() or str(tz)


@click.command(cls=Command, help="Tampilkan buku pengaduan.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.option("--semua/--terbuka", "everything", default=True,
              help="Semua pengaduan (bawaan) atau hanya yang masih terbuka.")
@click.option("--batas", "limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Banyaknya pengaduan terbaru yang ditampilkan; 0 untuk semua.")
@click.option("--halaman", "page", type=click.IntRange(min=1), default=1, show_default=True,
              help="Halaman ke berapa (1 = yang terbaru).")
@click.option("--lebar", "width", type=click.IntRange(min=40), default=None,
              help="Lebar tabel dalam kolom (bawaan: lebar terminal; di bawah 110 kolom tabel diringkas).")
@click.pass_context
def book(ctx: click.Context, as_json: bool, everything: bool, limit: int, page: int, width: int | None) -> None:
    from office.plain import utcnow
    from office.reading import count_book, read_book

    office = open_office(ctx)
    now = utcnow()
    state = None if everything else "open"
    docs = read_book(office, None, now, state=state, limit=limit, offset=(page - 1) * limit)
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    # Counted only for the table's footer: at a million complaints the count is a third of the time.
    total = count_book(office, state) if limit else len(docs)
    from rich.console import Console
    from rich.table import Table

    from office.plain import state_words

    console = Console(width=width) if width else Console()
    # Times are the office's (WITA); on a narrow terminal (80 columns) fewer, merged columns.
    wide = console.width >= 110
    table = Table(title=f"Buku Pengaduan {office.config.office_name} (waktu {zone_name(office)})")
    columns = (("Nomor", "Diterima", "Pengadu", "Pokok", "Status", "Langkah", "Pejabat", "Batas waktu") if wide
               else ("Nomor", "Diterima", "Pokok", "Status", "Batas waktu"))
    for column in columns:  # the register number and the times read whole; the subject wraps
        table.add_column(column, no_wrap=column in ("Nomor", "Diterima", "Batas waktu"))
    for d in docs:
        due = local_text(d["due_at"])
        due = f"[red]{due} (terlambat)[/red]" if d["late"] else due
        state = state_words(d["state"])
        if wide:
            table.add_row(d["number"], local_text(d["received_at"]), d["complainant"]["name"] or "-",
                          _short(d["subject"] or "-", 60), state, str(d["step"] or "-"),
                          d["official"]["title"] if d["official"] else "-", due)
        else:
            where = f"{state}, langkah {d['step_label']}" if d["step"] else state
            table.add_row(d["number"], local_text(d["received_at"]), _short(d["subject"] or "-", 60), where, due)
    console.print(table)
    if not docs:
        console.print("Buku pengaduan masih kosong." if not total else f"Halaman {page} kosong.")
    elif len(docs) < total:
        console.print(f"Ditampilkan {len(docs)} dari {total} pengaduan (halaman {page}). Gunakan --halaman "
                      f"{page + 1} untuk yang lebih lama atau --batas 0 untuk semuanya.")


@click.command(cls=Command, help="Tampilkan satu pengaduan beserta riwayatnya.")
@click.argument("number", metavar="NOMOR")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def show(ctx: click.Context, number: str, as_json: bool) -> None:
    from office.durations import standard_words
    from office.plain import utcnow
    from office.reading import read_complaint

    office = open_office(ctx)
    doc = read_complaint(office, None, number, utcnow())
    if doc is None:
        raise click.ClickException(f"Pengaduan {number} tidak ada dalam buku.")
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape

    from office.plain import state_words

    console = Console()
    zone = zone_name(office)
    console.print(f"[bold]{doc['number']}[/bold] — {escape(doc['subject'])}")
    email = doc["complainant"]["email"]
    console.print(f"Pengadu : {doc['complainant']['name']}" + (f" <{email}>" if email else ""), markup=False)
    console.print(f"Diterima: {local_text(doc['received_at'])} {zone}   Status: {state_words(doc['state'])}   "
                  f"Langkah: {doc['step_label'] or '-'}")
    if doc["paused"]:
        console.print(f"Waktu langkah berhenti sejak {local_text(doc['paused']['since'])} {zone}: pengadu diminta "
                      f"melengkapi \"{doc['paused']['reason']}\"; ditutup bila tidak dijawab sampai "
                      f"{local_text(doc['paused']['closes_at'])} {zone}.", markup=False)
    if doc["due_at"]:
        console.print(f"Batas waktu: {local_text(doc['due_at'])} {zone}" +
                      (" [red](terlambat)[/red]" if doc["late"] else ""))
    if doc["letter"]:
        console.print(f"Surat jawaban: {doc['letter_number']} — {doc['letter']}")
    console.print("\n[bold]Isi pengaduan[/bold]")
    console.print(doc["body"], markup=False)
    console.print("\n[bold]Waktu per langkah[/bold] (mutu baku)")
    for t in doc["steps"]:
        if t["done_at"]:
            verdict = "sesuai mutu baku" if t["within_standard"] else "melewati mutu baku"
            took = f"selesai {local_text(t['done_at'])} {zone}, {_duration(t['took_minutes'])}, {verdict}"
        else:
            took = "belum selesai" + (", terlambat" if doc["late"] else "")
        standard = standard_words(office.config, office.config.procedure.step(t["step"]).time)  # "10 hari kerja"
        console.print(f"  Langkah {t['step_label']} ({performer(office, t)}): mutu baku {standard}, "
                      f"batas {local_text(t['due_at'])} {zone}; {took}", markup=False)
    console.print(f"\n[bold]Riwayat[/bold] (waktu {zone})")
    for e in doc["events"]:
        label = office.config.procedure.label(e["step"])
        console.print(f"  {local_text(e['time'])}  langkah {label}  {e['actor']}: {e['text']}{left_out(e)}",
                      markup=False)


def performer(office, step_time: dict) -> str:
    """Who did a step, as the office names them: "Sekretaris Camat, Rina Handayani, S.Sos"
    (a delegate, whom the directory does not hold, by their address)."""
    official = office.config.directory.official(office.config.procedure.step(step_time["step"]).role)
    known = step_time["official"] in (official.email, *official.aliases)
    return f"{official.title}, {official.name if known else step_time['official']}"


def left_out(event: dict) -> str:
    """What of an official's email was not recorded, so a wrong cut of the reply shows."""
    n = event.get("left_out") or 0
    return f" ({n} baris kutipan dan tanda tangan pada surel tidak dicatat)" if n else ""


def _duration(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "",
             f"{mins} menit" if mins or not (days or hours) else ""]
    return " ".join(p for p in parts if p)


@click.command(cls=Command, help="Peragaan lengkap: server surel lokal, dua pengaduan, seluruh SOP sampai surat "
                                 "bertanda tangan.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder hasil peragaan (bawaan: folder sementara baru).")
@click.option("--kota", is_flag=True,
              help="Peragaan kota kecil: satu kecamatan dan dua kelurahan dalam satu daemon, lalu rekap kota.")
@click.option("--meja/--tanpa-meja", default=None,
              help="Sesudah peragaan, jalankan meja layanan dengan akun peragaan (bawaan: ya bila dijalankan "
                   "di terminal).")
@click.pass_context
def demo(ctx: click.Context, directory: Path | None, kota: bool, meja: bool | None) -> None:
    import sys

    from jobs.demo import DESK_ACCOUNTS, run_demo

    if not ctx.find_root().params.get("verbose"):
        # The demo narrates; the daemon's own log lines would drown the story.
        logging.getLogger().setLevel(logging.WARNING)
    if kota:
        from jobs.demo.city import run_city_demo

        run_city_demo(directory, echo=click.echo)
        return
    done = run_demo(directory)
    config = done["config"]
    if meja is None:
        meja = sys.stdin.isatty() and sys.stdout.isatty()  # someone is there to open it
    if not meja:
        click.echo(f"Meja layanan peragaan: pengaduan --config {config} meja, lalu buka http://127.0.0.1:8080/ "
                   f"({DESK_ACCOUNTS}).")
        return
    from jobs.web import make_server

    server = make_server(config, "127.0.0.1", 0)
    click.echo(f"Meja layanan peragaan: http://127.0.0.1:{server.effective_port}/ ({DESK_ACCOUNTS}); "
               f"hentikan dengan Ctrl+C.")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
