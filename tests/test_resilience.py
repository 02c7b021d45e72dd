"""Nothing lost, nothing twice: crashes between commit and move, failing messages, outages."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from jobs.daemon import run_once
from jobs.outgoing import SmtpUnavailable, send_due
from office import arrivals
from office.arrivals import process_raw
from office.base import Office
from office.config import SmtpSettings
from tests.helpers import office_box


def test_crash_after_commit_before_move_is_finished_without_a_duplicate(env):
    env.complain(0)
    # Process the message as a run that died right after its commit: the book has it,
    # the mailbox still holds it in the INBOX.
    with office_box(env) as box:
        [uid] = box.uids("ALL")
        _, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = data[0][1]
    process_raw(env.office, raw, dt.datetime.now(dt.timezone.utc))
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 1
    assert len(env.inbox(env.cast.citizens[0][1])) == 1  # one acknowledgement, not two
    with office_box(env) as box:
        assert box.uids("ALL") == []


def test_the_same_mail_delivered_twice_is_one_complaint(env):
    from jobs.demo import complaint_message

    name, address, subject, body = env.cast.citizens[0]
    msg = complaint_message(name, address, subject, body, to=env.cast.office)
    env.rig.send(msg)
    env.rig.send(msg)
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 1
    assert len(env.inbox(address)) == 1


def test_a_message_that_keeps_failing_is_quarantined_and_never_blocks_others(env, monkeypatch, caplog):
    original = arrivals.HANDLERS["complaint"]

    def fragile(office, msg, cls, now):
        if "RUSAK" in msg.subject:
            raise RuntimeError("templat surat hilang")
        return original(office, msg, cls, now)

    monkeypatch.setitem(arrivals.HANDLERS, "complaint", fragile)
    env.complain(0, subject="RUSAK: pesan yang selalu gagal")
    env.complain(1)
    with caplog.at_level(logging.ERROR):
        env.cycle()
    # The good complaint went through in the same cycle.
    assert [r["subject"] for r in env.office.book.complaints.listed()] == [env.cast.citizens[1][2]]
    assert "templat surat hilang" in caplog.text
    env.cycle()
    env.cycle()
    [held] = env.office.book.messages.listed("quarantine")
    assert "RuntimeError: templat surat hilang" in held["note"] and "3x" in held["note"]
    with office_box(env, "Karantina") as box:
        assert len(box.uids("ALL")) == 1
    with office_box(env) as box:
        assert box.uids("ALL") == []


def test_imap_outage_is_logged_and_the_cycle_goes_on(env, caplog):
    from dataclasses import replace

    from jobs.demo.mailrig import free_port

    broken = replace(env.config, mailbox=replace(env.config.mailbox, port=free_port()))
    with caplog.at_level(logging.ERROR):
        run_once(Office(broken, env.office.book))
    assert "ambil-surel gagal" in caplog.text


def test_smtp_outage_keeps_mail_queued_and_sends_it_once_when_back(env):
    env.complain(0)
    now = dt.datetime.now(dt.timezone.utc)
    from jobs.incoming import poll

    poll(env.office, lambda: now)
    from jobs.demo.mailrig import free_port

    down = SmtpSettings("127.0.0.1", free_port(), security="none")
    with pytest.raises(SmtpUnavailable):  # the cycle says it failed; the mail waits
        send_due(env.office.book, down, env.cast.office, now)
    pending = [r for r in env.office.book.outbox.listed() if not r["sent_at"]]
    assert pending and all(r["attempts"] == 1 and r["last_error"] for r in pending)
    # Not due again before the backoff has passed.
    assert send_due(env.office.book, env.config.smtp, env.cast.office, now) == 0
    later = now + dt.timedelta(minutes=2)
    assert send_due(env.office.book, env.config.smtp, env.cast.office, later) == len(pending)
    assert send_due(env.office.book, env.config.smtp, env.cast.office, later) == 0
    assert len(env.inbox(env.cast.citizens[0][1])) == 1
    assert all(json.loads(r["recipients"]) for r in env.office.book.outbox.listed())


def test_book_and_files_are_private_to_the_service_account(env):
    env.complain(0)
    env.cycle()
    assert env.config.database.stat().st_mode & 0o777 == 0o600
    assert env.config.database.parent.stat().st_mode & 0o777 == 0o700
    raw_files = list((env.config.files / "raw").rglob("*.eml"))
    assert raw_files and (env.config.files / "raw").stat().st_mode & 0o777 == 0o700


def test_a_locked_book_delays_intake_without_losing_or_quarantining(env, caplog):
    import sqlite3 as sql

    from office.base import Office
    from sop.book import Book

    env.complain(0)
    office = Office(env.config, Book(env.config.database, timeout=0.5))
    blocker = sql.connect(env.config.database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the book
    try:
        with caplog.at_level(logging.ERROR):
            run_once(office)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "database is locked" in caplog.text
    assert office.book.messages.listed("quarantine") == [] and office.book.complaints.listed() == []
    run_once(office)
    assert len(office.book.complaints.listed()) == 1 and len(env.inbox(env.cast.citizens[0][1])) == 1


def test_a_full_disk_delays_intake_without_losing_or_quarantining(env, monkeypatch, caplog):
    import errno

    env.complain(0)
    env.complain(1)
    import office.arrivals

    real_write = office.arrivals.write_private

    def full_disk(path, data):
        if "/raw/" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write(path, data)

    monkeypatch.setattr(office.arrivals, "write_private", full_disk)
    with caplog.at_level(logging.ERROR):
        env.cycle()
    assert "No space left on device" in caplog.text
    assert env.office.book.complaints.listed() == [] and env.office.book.messages.listed("quarantine") == []
    monkeypatch.setattr(office.arrivals, "write_private", real_write)  # space freed
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 2


def test_a_failing_savepoint_undoes_only_its_own_work_and_reads_follow(tmp_path):
    from sop.book import Book

    book = Book(tmp_path / "buku.db")
    now = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)
    with book.transaction():
        cid = book.complaints.add(number="PGD/2026/0001", state="open", step=1, channel="langsung",
                                 received_at=now, name="Warga", subject="Pokok", body="Isi.")["id"]
        book.events.add(cid, now, 1, "staf", "catatan", "pertama")
        assert [e["text"] for e in book.events.of(cid)] == ["pertama"]
        try:
            with book.transaction():  # one message's work, inside the batch
                book.events.add(cid, now, 1, "staf", "catatan", "kedua")
                assert [e["text"] for e in book.events.of(cid)] == ["pertama", "kedua"]
                raise ValueError("pesan rusak")
        except ValueError:
            pass
        assert [e["text"] for e in book.events.of(cid)] == ["pertama"]
        book.events.add(cid, now, 1, "staf", "catatan", "ketiga")
    assert [e["text"] for e in book.events.of(cid)] == ["pertama", "ketiga"]
    book.close()


def test_reads_in_a_transaction_follow_every_write_without_reading_a_new_complaint_back(tmp_path):
    """The book keeps a transaction's reads of a complaint's events, files and tasks; each
    must still show every write, and a complaint recorded in the transaction is not read back."""
    from sop.book import Book

    book = Book(tmp_path / "buku.db")
    now = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)
    statements: list[str] = []
    book.conn.set_trace_callback(statements.append)
    with book.transaction():
        cid = book.complaints.add(number="PGD/2026/0001", state="open", step=1, channel="langsung",
                                 received_at=now, name="Warga", subject="Pokok", body="Isi.")["id"]
        assert book.events.of(cid) == [] and book.tasks.of(cid) == [] and book.attachments.of(cid, None) == []
        book.tasks.close(cid, 1, now, "tidak ada tugas terbuka")
        # FTS5 reads its own configuration once per connection after the schema last changed
        # (every reopened book does it too): SQLite's, not a read of ours.
        assert not [s for s in statements if s.startswith(("SELECT", "UPDATE")) and "_fts_config'" not in s]
        book.events.add(cid, now, 1, "staf", "catatan", "pertama")
        book.attachments.add(complaint_id=cid, message_key="k", filename="foto.jpg", content_type="image/jpeg",
                            size=3, sha256="x", path="/berkas/foto.jpg", note="", purpose="pengaduan")
        book.attachments.add(complaint_id=cid, message_key="k", filename="lampiran.pdf",
                            content_type="application/pdf", size=3, sha256="y", path="/berkas/l.pdf", note="",
                            purpose="lampiran_surat")
        task = book.tasks.add(complaint_id=cid, step=2, role="sekretaris", official="s@k.test", token="t" * 24,
                              message_id="<tugas.t@k.test>", opened_at=now, due_at=now, next_nudge_at=now)
        assert [e["text"] for e in book.events.of(cid)] == ["pertama"]
        assert [f["filename"] for f in book.attachments.of(cid)] == ["foto.jpg"]
        assert [f["filename"] for f in book.attachments.of(cid, "lampiran_surat")] == ["lampiran.pdf"]
        assert [f["filename"] for f in book.attachments.of(cid, None)] == ["foto.jpg", "lampiran.pdf"]
        assert [t["id"] for t in book.tasks.of(cid)] == [task["id"]]
        book.tasks.close(cid, 2, now, "selesai")
        assert book.tasks.of(cid)[0]["done_at"] == now.isoformat(timespec="seconds")
        book.tasks.record_nudge(task["id"], "pengingat", now)
        assert book.tasks.of(cid)[0]["reminders"] == 1
    # Outside the transaction every read goes to the file: the same answers.
    assert [e["text"] for e in book.events.of(cid)] == ["pertama"]
    assert [f["filename"] for f in book.attachments.of(cid, None)] == ["foto.jpg", "lampiran.pdf"]
    assert book.tasks.of(cid)[0]["reminders"] == 1 and book.tasks.of(cid)[0]["done_at"]
    book.close()
