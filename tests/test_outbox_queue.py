"""The outbox's rows queued in a transaction are written together before it ends (sop.book.outbox):
what commits is exactly what would have committed row by row, and a read inside the
transaction sees every row queued before it."""

from __future__ import annotations

import datetime as dt

import pytest

from sop.book import Book

NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc)


def _queue(book: Book, name: str) -> None:
    book.outbox.enqueue(message_id=f"<{name}@kantor.test>", complaint_id=None, kind="uji",
                 recipients=[f"{name}@warga.test"], subject=name, raw=b"isi", at=NOW, bounce_token=name)


def _subjects(book: Book) -> list[str]:
    return [row["subject"] for row in book.outbox.listed()]


def test_a_savepoint_undone_drops_the_rows_it_queued_and_only_those(tmp_path):
    book = Book(tmp_path / "buku.db")
    with book.transaction():
        _queue(book, "satu")
        with pytest.raises(RuntimeError):
            with book.transaction():
                _queue(book, "dua")
                raise RuntimeError("pesan ini gagal")
        with book.transaction():  # a savepoint that succeeds writes its rows before it ends
            _queue(book, "tiga")
        _queue(book, "empat")
    assert _subjects(book) == ["satu", "tiga", "empat"]


def test_rows_written_by_an_inner_savepoint_go_with_the_outer_rollback(tmp_path):
    book = Book(tmp_path / "buku.db")
    with pytest.raises(RuntimeError):
        with book.transaction():
            _queue(book, "satu")
            with book.transaction():
                _queue(book, "dua")
            raise RuntimeError("seluruh transaksi gagal")
    with book.transaction():
        _queue(book, "tiga")
    assert _subjects(book) == ["tiga"]


def test_a_read_inside_the_transaction_sees_the_rows_queued_before_it(tmp_path):
    book = Book(tmp_path / "buku.db")
    with book.transaction():
        _queue(book, "satu")
        assert book.outbox.count_to("satu@warga.test", "uji", NOW - dt.timedelta(hours=1)) == 1
        _queue(book, "dua")
        assert book.outbox.by_bounce_token("dua")["subject"] == "dua"
        assert book.outbox.by_message_ids(("<satu@kantor.test>",))["subject"] == "satu"


def test_many_rows_in_one_transaction_are_all_written_in_order(tmp_path):
    book = Book(tmp_path / "buku.db")
    with book.transaction():
        for i in range(123):
            _queue(book, f"w{i:03d}")
    assert _subjects(book) == [f"w{i:03d}" for i in range(123)]
    _queue(book, "di_luar")  # outside a transaction: written at once
    assert _subjects(book)[-1] == "di_luar"


def test_a_desk_request_sends_what_it_queued_and_leaves_the_daemons_mail_of_the_same_second(env):
    """A desk request (or a command) sends at once only its own mail: the daemon's mail queued in
    the same second, by another connection to the book, is the daemon's to send. (Picked by
    time, the desk's late sender once took the daemon's routing email and was still sending it
    when the daemon's cycle ended.)"""
    from email.message import EmailMessage

    from jobs.outgoing import send_queued
    from office.base import Office

    desk = Office(env.config, Book(env.config.database))
    to = env.official("camat")[1]
    now = NOW.replace(microsecond=0)

    def queue(book: Book, name: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = env.cast.office, to, name, f"<{name}@kantor.test>"
        msg.set_content(name)
        with book.transaction():
            book.outbox.enqueue(message_id=f"<{name}@kantor.test>", complaint_id=None, kind="uji", recipients=[to],
                                subject=name, raw=msg.as_bytes(), at=now)

    mark = desk.book.outbox.mails_enqueued
    queue(env.office.book, "dari-daemon-sebelumnya")
    queue(desk.book, "dari-meja")
    queue(env.office.book, "dari-daemon")
    assert desk.book.outbox.queued_since(mark) == ("<dari-meja@kantor.test>",)
    assert send_queued(desk, now, desk.book.outbox.queued_since(mark)) == 1
    desk.book.close()
    assert [m.subject for m in env.inbox(to)] == ["dari-meja"]
    unsent = [row.subject for row in env.office.book.outbox.listed() if row.sent_at is None]
    assert unsent == ["dari-daemon-sebelumnya", "dari-daemon"]
