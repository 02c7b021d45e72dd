"""What every command shares: opening the office from `--config`, click's classes with
Indonesian help, JSON-or-table output, the progress bar, sending what a command queued."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jobs.cli.words import install

if TYPE_CHECKING:  # imported when a command runs (open_office): `pengaduan --help` stays quick
    from office.base import Office

# Click's own words ("Usage:", "Missing option", "file") in Bahasa Indonesia, before any
# command is declared: some are taken when an option's type is made.
install()


class OfficeTimeFormatter(logging.Formatter):
    """Log lines stamped in the office's zone with its name (07-12-2026 10.54.02 WITA), never
    the server's UTC: the administrator reads them beside the desk, the letters and the mails."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        import datetime as dt
        from zoneinfo import ZoneInfo

        moment = dt.datetime.fromtimestamp(record.created, ZoneInfo("Asia/Makassar"))
        return f"{moment:%d-%m-%Y %H.%M.%S} {moment.tzname()}"


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(verbose: bool) -> None:
    # Under systemd, journald stamps each line itself; elsewhere the time is part of the line.
    journald = "JOURNAL_STREAM" in os.environ
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s") if journald
                         else OfficeTimeFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    for noisy in ("mail.log", "docxtpl", "imap_tools", "matplotlib", "PIL", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Date(click.ParamType):
    """A date as an Indonesian office writes it (DD-MM-YYYY, also with / or .) or in ISO form."""

    name = "tanggal"

    def convert(self, value, param, ctx):
        import datetime as dt
        import re

        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        try:
            if m:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} bukan tanggal yang valid; tulis DD-MM-YYYY, misalnya 31-12-2026", param, ctx)


DATE = Date()


class Month(click.ParamType):
    """A month as MM-YYYY or YYYY-MM; the value is (year, month)."""

    name = "bulan"

    def convert(self, value, param, ctx):
        import re

        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text) or re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
        if m:
            a, b = (int(x) for x in m.groups())
            year, month = (b, a) if a <= 12 and b > 12 else (a, b)
            if 1 <= month <= 12 and 1900 <= year <= 9999:
                return year, month
        self.fail(f"{value!r} bukan bulan yang valid; tulis MM-YYYY, misalnya 03-2026", param, ctx)


MONTH = Month()


class CannotRun(click.ClickException):
    """The command could not run (bad configuration, a missing or damaged file): exit 2."""

    exit_code = 2


def writable(path: Path, overwrite: bool) -> Path:
    """A file a command is about to write: its folder must exist, and an existing file is kept
    unless the person said `--timpa`."""
    if not path.parent.is_dir():
        raise CannotRun(f"Folder {path.parent} tidak ada; buat dahulu atau pilih folder lain.")
    if path.exists() and not overwrite:
        raise CannotRun(f"{path} sudah ada; tidak ditimpa (tambahkan --timpa untuk menimpanya).")
    return path


def load_config_or_fail(ctx: click.Context, path: str | None = None):
    """The office's configuration; a wrong one is a clear message (exit 2), not a traceback."""
    from office.config import ConfigError, config_path, load_config

    given = ctx.find_root().obj["config"]
    try:
        cfg = load_config(config_path(path or (given[0] if given else None)))
    except ConfigError as exc:
        raise CannotRun(f"Konfigurasi salah: {exc}") from None
    ctx.find_root().obj["log_file"] = cfg.log_file
    return cfg


def open_office(ctx: click.Context, path: str | None = None, *, create: bool = False) -> Office:
    """The office of `--config`, with its book, which must exist (only `init`, or `run
    --buat-buku`, creates one: a mistyped path must not start an empty book at number 0001)."""
    # Heavy modules load only when a command runs: `pengaduan --help` stays quick.
    from office.opening import open_office as opened

    if path is None and len(ctx.find_root().obj["config"]) > 1:
        raise click.UsageError("Beberapa --config hanya untuk `jalankan`; perintah ini memerlukan satu kantor.")
    cfg = load_config_or_fail(ctx, path)
    return opened(cfg, create=create)


# The placeholder of an option's value in the help, in Indonesian: "--nama TEKS", not "TEXT".
METAVARS = {"text": "TEKS", "integer": "BILANGAN", "float": "BILANGAN", "filename": "BERKAS",
            "integer range": "BILANGAN", "float range": "BILANGAN"}


def metavar_of(param: click.Parameter) -> str | None:
    """The Indonesian metavar of an option that takes a value, or None to keep Click's."""
    if not isinstance(param, click.Option) or param.metavar or param.is_flag or param.count:
        return None
    if isinstance(param.type, click.Path):
        return "BERKAS" if param.type.file_okay else "FOLDER"
    return METAVARS.get(param.type.name)


class Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            param.metavar = metavar_of(param) or param.metavar

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option


class Group(Command, click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)


YES, NO = ("ya", "y", "yes"), ("tidak", "t", "n", "no", "")


def ask(question: str) -> bool:
    """A yes-or-no question at the terminal, answered as Indonesians answer it: ya/y or tidak/t
    (Enter: tidak). Click's confirm knows only y/n and calls "ya" invalid input."""
    for _ in range(3):
        answer = click.prompt(f"{question} [ya/tidak]", default="", show_default=False, type=str).strip().lower()
        if answer in YES:
            return True
        if answer in NO:
            return False
        click.echo("Jawab ya atau tidak.")
    return False


def emitted(docs: list, as_json: bool, empty: str) -> bool:
    """Print `docs` as JSON, or say `empty` when there are none; True when nothing more is to print."""
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2, default=str))
        return True
    if not docs:
        click.echo(empty)
        return True
    return False


def progress_bar():
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


def send_now(office, now) -> None:
    """Send what a command queued at once; the daemon's sender retries whatever fails."""
    from jobs.outgoing import send_queued

    try:
        send_queued(office, now, office.queued_since(0))  # what this command queued
    except Exception as exc:
        click.echo(f"Surel belum terkirim ({exc}); daemon akan mengirimkannya.")


@contextmanager
def refusals():
    """An office refusal (office.commands.Refused, or a delivery before the letter's signed copy
    is back: office.signing.NotSigned) becomes the command's error message."""
    from office.commands import Refused
    from office.signing import NotSigned

    try:
        yield
    except (Refused, NotSigned) as exc:
        raise click.ClickException(str(exc)) from None


def incident_log(ctx: click.Context | None) -> Path:
    """Where an unexpected error's traceback goes: the office's log file when the configuration
    was read, else the user's state folder."""
    configured = ctx.find_root().obj.get("log_file") if ctx and isinstance(ctx.find_root().obj, dict) else None
    if configured:
        return Path(configured)
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "pengaduan" / "insiden.log"


def report_incident(ctx: click.Context | None, exc: BaseException) -> click.ClickException:
    """An unexpected error: the traceback to the log with an incident id; one line to the user."""
    import datetime as dt
    import secrets
    import traceback

    incident = secrets.token_hex(4)
    path = incident_log(ctx)
    text = "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{dt.datetime.now(dt.timezone.utc).isoformat()} insiden {incident}\n{text}\n")
        where = f"rinciannya dicatat di {path}"
    except OSError:
        logging.getLogger("pengaduan").error("insiden %s\n%s", incident, text)
        where = "rinciannya dicatat di log layanan"
    return click.ClickException(f"Terjadi kesalahan tak terduga (insiden {incident}); {where}. "
                                f"Sampaikan nomor insiden ini kepada pengelola sistem.")


def translated(exc: BaseException, ctx: click.Context | None) -> click.ClickException:
    """Every failure as the person at the terminal should read it, with the right exit code:
    2 when the command could not run, 1 when it ran and failed."""
    import sqlite3

    from office.commands import Refused
    from office.config import ConfigError
    from office.opening import BookError

    if isinstance(exc, click.ClickException):
        return exc
    if isinstance(exc, ConfigError):
        return CannotRun(f"Konfigurasi salah: {exc}")
    if isinstance(exc, BookError):
        return CannotRun(str(exc))
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return CannotRun(f"Buku pengaduan rusak ({exc}). Jalankan `pengaduan periksa`, lalu pulihkan dari "
                         f"cadangan (`pengaduan pulihkan`) bila perlu.")
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "locked" in text or "busy" in text:
            return click.ClickException("Buku pengaduan sedang dipakai proses lain terlalu lama; coba lagi sebentar.")
        if "readonly" in text or "unable to open" in text:
            return CannotRun(f"Buku pengaduan tidak dapat ditulisi ({text}): periksa izin berkas dan foldernya, dan "
                             f"jalankan sebagai akun layanan pengaduan.")
        if "disk" in text or "full" in text:
            return click.ClickException(f"Penyimpanan bermasalah ({text}): kosongkan disk lalu ulangi; tidak ada yang "
                                        f"tercatat setengah jalan.")
    if isinstance(exc, Refused):
        return click.ClickException(str(exc))
    if isinstance(exc, PermissionError):
        return CannotRun(f"Tidak ada izin membuka {exc.filename}: jalankan sebagai akun layanan pengaduan.")
    return report_incident(ctx, exc)


class Main(Group):
    """The `pengaduan` group: one error path for every command, and the old names as aliases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.aliases: dict[str, str] = {}

    def get_command(self, ctx: click.Context, cmd_name: str):
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def format_commands(self, ctx: click.Context, formatter) -> None:
        old = {new: alias for alias, new in self.aliases.items()}
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((f"{name} (alias: {old[name]})" if name in old else name,
                         command.get_short_help_str(formatter.width - 36)))
        if rows:
            with formatter.section("Perintah"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # every failure, as the person at the terminal should read it
            raise translated(exc, ctx) from None
