"""The book's rows come back as typed, frozen records (sop.book.records), over a real SQLite
book: each kind of record is reached as an attribute of the book, a record is read by
attribute, cannot be changed in place, and a column a later migration adds is still readable."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sop.book import Book
from sop.book.records import Complaint, Event, Task
from sop.engine import REJECTION_DELIVERY

NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc)


def _complaint(book: Book) -> Complaint:
    with book.transaction():
        return book.complaints.add(number="PGD/2026/0001", channel="email", received_at=NOW, name="Siti",
                                   email="siti@warga.test", subject="Jalan berlubang", body="Di depan pasar.")


def test_a_complaint_and_its_task_and_history_come_back_as_typed_records(tmp_path):
    book = Book(tmp_path / "buku.db")
    row = _complaint(book)
    with book.transaction():
        book.tasks.add(complaint_id=row.id, step=2, role="sekretaris", official="sek@kantor.test", token="t",
                       message_id="<t@kantor.test>", opened_at=NOW, due_at=NOW, next_nudge_at=NOW,
                       note=REJECTION_DELIVERY)
        book.events.add(row.id, NOW, 1, "petugas", "catatan", "Dicatat.")
        task = book.tasks.current(row.id)  # from the transaction's own cached list
        assert isinstance(task, Task) and task.step == 2
    assert book.complaints.by_number("PGD/2026/0001") == row
    assert isinstance(book.tasks.current(row.id), Task)
    [event] = book.events.of(row.id)
    assert isinstance(event, Event) and event.text == "Dicatat."
    case = row.case(book.tasks.current(row.id))
    assert case.number == row.number and case.rejecting and case.has_email


def test_a_record_is_frozen_and_changed_only_by_replace(tmp_path):
    row = _complaint(Book(tmp_path / "buku.db"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.state = "closed"  # type: ignore[misc]
    assert dataclasses.replace(row, state="closed").state == "closed" and row.state == "open"


def test_a_column_a_later_migration_adds_is_read_by_key_before_its_field_exists(tmp_path):
    book = Book(tmp_path / "buku.db")
    book.conn.execute("ALTER TABLE complaints ADD COLUMN kecamatan TEXT DEFAULT 'Palaran'")
    row = _complaint(book)
    assert row["kecamatan"] == "Palaran" and row["state"] == row.state == "open"
    assert dict(row)["kecamatan"] == "Palaran" and "kecamatan" not in Complaint.columns()


def test_a_likely_repeat_says_why_beside_the_complaint(tmp_path):
    book = Book(tmp_path / "buku.db")
    first = _complaint(book)
    with book.transaction():
        again = book.complaints.add(number="PGD/2026/0002", channel="email", received_at=NOW, name="Siti",
                                    email="siti@warga.test", subject="Jalan berlubang lagi", body="Masih.",
                                    sender="siti@warga.test")
        book.complaints.update(first.id, sender="siti@warga.test")
    [similar] = book.complaints.like("siti@warga.test", None, NOW - dt.timedelta(days=1), again.id)
    assert similar.complaint.id == first.id and similar.why == "pengirim sama"


def test_a_row_read_as_a_dict_keeps_every_column_and_the_first_of_a_name_a_join_repeats(tmp_path):
    from sop.book.store import as_dicts

    book = Book(tmp_path / "buku.db")
    book.conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, nama TEXT, b_id INTEGER)")
    book.conn.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, nama TEXT)")
    book.conn.execute("INSERT INTO b VALUES (7, 'dari b')")
    book.conn.execute("INSERT INTO a VALUES (1, 'dari a', 7)")
    assert as_dicts(book.conn.execute("SELECT * FROM a")) == [{"id": 1, "nama": "dari a", "b_id": 7}]
    assert as_dicts(book.conn.execute("SELECT * FROM a JOIN b ON b.id = a.b_id")) == [
        {"id": 1, "nama": "dari a", "b_id": 7}]
    assert as_dicts(book.conn.execute("SELECT * FROM a WHERE id = 2"), 1) == []
