"""What every command shares: opening the office from `--config`, click's classes with
Indonesian help, JSON-or-table output, the progress bar, sending what a command queued."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager

import click


def setup_logging(verbose: bool) -> None:
    # Under systemd, journald stamps each line itself; elsewhere the time is part of the line.
    journald = "JOURNAL_STREAM" in os.environ
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s" if journald else "%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("mail.log", "docxtpl", "imap_tools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def load_config_or_fail(ctx: click.Context, path: str | None = None):
    """The office's configuration; a wrong one is a clear message, not a traceback."""
    from office.config import ConfigError, config_path, load_config

    given = ctx.find_root().obj["config"]
    try:
        return load_config(config_path(path or (given[0] if given else None)))
    except ConfigError as exc:
        raise click.ClickException(f"Konfigurasi salah: {exc}") from None


def open_office(ctx: click.Context, path: str | None = None):
    # Heavy modules load only when a command runs: `pengaduan --help` stays quick.
    from office.base import Office
    from sop.book import Book

    if path is None and len(ctx.find_root().obj["config"]) > 1:
        raise click.UsageError("Beberapa --config hanya untuk `run`; perintah ini memerlukan satu kantor.")
    cfg = load_config_or_fail(ctx, path)
    return Office(cfg, Book(cfg.database))


class Command(click.Command):
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option


class Group(Command, click.Group):
    command_class = Command


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
    from jobs.outgoing import send_due

    try:
        send_due(office.book, office.config.smtp, office.config.mailbox.address, now)
    except Exception as exc:
        click.echo(f"Surel belum terkirim ({exc}); daemon akan mengirimkannya.")


@contextmanager
def refusals():
    """An office refusal (office.commands.Refused) becomes the command's error message."""
    from office.commands import Refused

    try:
        yield
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
