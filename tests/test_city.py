"""Many offices in one daemon (`jalankan --kantor DIR`): each isolated from the others' failures,
offices added and removed while it runs, over the real Dovecot and SMTP rig."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import pytest

from jobs.daemon import BookLock, run_forever
from jobs.demo import Cast, complaint_message, inbox
from jobs.demo.city import BlackHole, write_office


def office_config(rig, kantor: Path, key: str, *, imap_port: int | None = None, smtp_port: int | None = None,
                  head: str = "camat") -> Cast:
    return write_office(rig, kantor, key, head=head, extra="[daemon]\npoll_seconds = 1\n", imap_port=imap_port,
                        smtp_port=smtp_port)


def acknowledged_within(rig, casts: list[Cast], seconds: float) -> float:
    """Each office's first citizen sends a complaint; the seconds until every one is acknowledged."""
    started = time.monotonic()
    send_complaints(rig, casts)
    return awaited(rig, casts, seconds, started)


def send_complaints(rig, casts: list[Cast]) -> None:
    for cast in casts:
        name, address, subject, body = cast.citizens[0]
        rig.send(complaint_message(name, address, subject, body, to=cast.office))


def awaited(rig, casts: list[Cast], seconds: float, started: float | None = None) -> float:
    """The seconds until each office's first citizen holds an acknowledgement."""
    started = started or time.monotonic()
    while time.monotonic() - started < seconds:
        if all(inbox(rig, c.citizens[0][1]) for c in casts):
            return time.monotonic() - started
        time.sleep(0.2)
    missing = [c.domain for c in casts if not inbox(rig, c.citizens[0][1])]
    pytest.fail(f"not acknowledged within {seconds} s: {missing}")


def test_a_hung_mail_server_at_one_office_never_delays_the_others(rig, caplog):
    caplog.set_level("INFO", logger="pengaduan.kota")
    kantor = Path(tempfile.mkdtemp(prefix="pgd-kantor-"))
    hole = BlackHole()
    healthy = [office_config(rig, kantor, key) for key in ("kel-a", "kel-b")]
    office_config(rig, kantor, "kel-hang", imap_port=hole.port, smtp_port=hole.port)
    stop = threading.Event()
    daemon = threading.Thread(target=run_forever, args=([],), kwargs={"folder": kantor, "stop": stop}, daemon=True)
    daemon.start()
    try:
        took = acknowledged_within(rig, healthy, 20)
        assert took < 10, f"the healthy offices waited {took:.1f} s behind the hung one"

        # A new office in the folder starts without touching the others.
        added = office_config(rig, kantor, "kel-baru")
        acknowledged_within(rig, [added], 20)
        # A removed office stops: its book is free for another daemon.
        (kantor / "kel-b.toml").unlink()
        deadline = time.monotonic() + 20
        book = next(p for p in Path(tempfile.gettempdir()).glob("pgd-kel-b-*/data/pengaduan.db"))
        lock = BookLock(book)
        while True:
            try:
                lock.acquire()
                break
            except RuntimeError:
                assert time.monotonic() < deadline, "the removed office kept its book"
                time.sleep(0.5)
        lock.release()
        statuses = [r.getMessage() for r in caplog.records if r.getMessage().startswith("status kantor")]
        assert any("(kel-a.toml): sehat" in line for line in statuses), statuses  # a status line per office
    finally:
        stop.set()
        hole.close()
        daemon.join(timeout=40)
    assert not daemon.is_alive()


def test_the_city_roll_up_is_the_sum_of_its_offices_recaps(rig, tmp_path):
    from openpyxl import load_workbook

    from jobs.daemon import run_once
    from office.base import Office
    from office.config import load_config
    from office.reports import period, recap
    from sop.book import Book
    from sop.clock import utcnow
    from tests.test_cli import pengaduan

    kantor = tmp_path / "kantor"
    kantor.mkdir()
    casts = {"kec-palaran": office_config(rig, kantor, "kec-palaran"),
             "kel-rawa-makmur": office_config(rig, kantor, "kel-rawa-makmur", head="lurah")}
    offices = []
    for key, cast in casts.items():
        office = Office(load_config(kantor / f"{key}.toml"), None)  # type: ignore[arg-type]
        office.book = Book(office.config.database)
        for index in range(2 if key == "kec-palaran" else 1):
            name, address, subject, body = cast.citizens[index]
            rig.send(complaint_message(name, address, subject, body, to=cast.office))
        run_once(office)
        offices.append(office)
    lock = BookLock(offices[0].config.database)
    lock.acquire()  # as if its daemon were running: the roll-up only reads
    try:
        month = utcnow().astimezone(offices[0].config.clock.tz).strftime("%m-%Y")
        made = pengaduan("laporan", "--kantor", str(kantor), "--bulan", month, "--keluar", str(tmp_path))
    finally:
        lock.release()
    assert made.returncode == 0, made.stderr
    assert "Jumlah kota (2 kantor): 3 pengaduan" in made.stdout
    [path] = tmp_path.glob("laporan-pengaduan-kota-*.xlsx")
    book = load_workbook(path)
    rows = [[c.value for c in r] for r in book["Kota"].iter_rows()]
    header = rows.index(["Kantor", "Jumlah pengaduan", "Terlambat", "Sesuai mutu baku (%)", "Puas", "Tidak puas",
                         "Keberatan"])
    lines = rows[header + 1:header + 4]
    assert [line[0] for line in lines][-1] == "Jumlah kota"
    title, start, end = period((int(month[3:]), int(month[:2])))
    own = [recap(o, title, start, end, utcnow()) for o in offices]
    assert [line[1] for line in lines[:2]] == [r.total for r in own]
    for column in (1, 2, 4, 5, 6):  # every count of the city is the sum of its offices'
        assert lines[2][column] == sum(line[column] for line in lines[:2])
    assert ["Langkah SOP (kota)", "Selesai", "Nilai tengah (median, menit)", "Sesuai mutu baku (%)"] in [
        row[:4] for row in rows]
    assert book.sheetnames == ["Kota", "Kecamatan Palaran", "Kelurahan Rawa Makmur"]  # a sheet per office
    year = int(month[3:])
    stats = pengaduan("statistik", "--kantor", str(kantor), "--tahun", str(year), "--keluar", str(tmp_path))
    assert stats.returncode == 0, stats.stderr
    import json

    published = json.loads((tmp_path / f"statistik-pengaduan-kota-{year}.json").read_text())
    assert published["jumlah_pengaduan"] == 3 and published["jumlah_kantor"] == 2
    assert published["kantor"] == "Kota Samarinda"


def test_the_demo_starts_a_small_city(tmp_path):
    from jobs.demo.city import run_city_demo

    lines: list[str] = []
    run_city_demo(tmp_path / "kota", echo=lines.append)
    assert sum("tanda terima diterima" in line for line in lines) == 3, lines
    assert any(line.startswith("Rekap kota (3 kantor, 3 pengaduan)") for line in lines)
    assert list((tmp_path / "kota").glob("laporan-pengaduan-kota-*.xlsx"))


def test_periksa_checks_every_office_of_the_folder(rig, tmp_path):
    from tests.test_cli import pengaduan

    kantor = tmp_path / "kantor"
    kantor.mkdir()
    office_config(rig, kantor, "kec-a")
    office_config(rig, kantor, "kel-b", head="lurah")
    (kantor / "kel-rusak.toml").write_text("[office\nname = ")
    checked = pengaduan("periksa", "--kantor", str(kantor))
    out = checked.stdout
    assert "== kec-a.toml: Kecamatan Palaran" in out and "== kel-b.toml: Kelurahan Rawa Makmur" in out
    assert "== kel-rusak.toml: konfigurasi tidak valid" in out
    assert "3 kantor diperiksa" in out and checked.returncode == 1  # the broken one fails the run
    assert "Traceback" not in checked.stderr


def start_city(kantor: Path) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    daemon = threading.Thread(target=run_forever, args=([],), kwargs={"folder": kantor, "stop": stop}, daemon=True)
    daemon.start()
    return daemon, stop


def complaints_in(database: Path) -> list[str]:
    from sop.book import Book

    book = Book(database, readonly=True)
    try:
        return [c["email"] for c in book.complaints.listed()]
    finally:
        book.close()


def refusals(caplog) -> dict[str, list[str]]:
    """The supervisor's refusal lines, by the file they refuse."""
    found: dict[str, list[str]] = {}
    for record in caplog.records:
        text = record.getMessage()
        if text.startswith("kantor ") and " tidak dijalankan: " in text:
            found.setdefault(text.split()[1], []).append(text)
    return found


def test_an_office_file_naming_another_offices_book_keeps_both_from_running_until_it_is_removed(rig, caplog):
    from office.config import load_config

    caplog.set_level("INFO", logger="pengaduan.kota")
    kantor = Path(tempfile.mkdtemp(prefix="pgd-kantor-"))
    own, third = office_config(rig, kantor, "dup-a"), office_config(rig, kantor, "dup-c")
    book = load_config(kantor / "dup-a.toml").database
    copy = office_config(rig, kantor, "0-salinan")  # its own mailbox; A's book through a symlink and `..`
    link = Path(tempfile.mkdtemp(prefix="pgd-tautan-")) / "buku"
    link.symlink_to(book.parent.parent)
    text = (kantor / "0-salinan.toml").read_text()
    own_book = load_config(kantor / "0-salinan.toml").database
    (kantor / "0-salinan.toml").write_text(text.replace(f'"{own_book}"', f'"{link}/data/../data/{book.name}"'))
    assert load_config(kantor / "0-salinan.toml").database != book  # another path, the same file
    daemon, stop = start_city(kantor)
    try:
        send_complaints(rig, [own, copy])
        acknowledged_within(rig, [third], 20)  # every other office runs
        time.sleep(4)  # four of their polls
        assert not inbox(rig, own.citizens[0][1]) and not inbox(rig, copy.citizens[0][1])
        assert complaints_in(book) == []  # nobody wrote into A's book
        lines = refusals(caplog)
        assert list(map(len, (lines.get("dup-a.toml", []), lines.get("0-salinan.toml", [])))) == [1, 1], lines
        assert "buku pengaduan yang sama dengan 0-salinan.toml" in lines["dup-a.toml"][0]
        assert "buku pengaduan yang sama dengan dup-a.toml" in lines["0-salinan.toml"][0]
        assert "dup-c.toml" not in lines

        (kantor / "0-salinan.toml").unlink()  # the bad file removed: A starts and takes its mail
        awaited(rig, [own], 30)
        assert complaints_in(book) == [own.citizens[0][1]]
        assert not inbox(rig, copy.citizens[0][1])
    finally:
        stop.set()
        daemon.join(timeout=40)
    assert not daemon.is_alive()


def test_two_office_files_reading_one_mailbox_are_both_refused(rig, caplog):
    caplog.set_level("INFO", logger="pengaduan.kota")
    kantor = Path(tempfile.mkdtemp(prefix="pgd-kantor-"))
    own, third = office_config(rig, kantor, "mbx-a"), office_config(rig, kantor, "mbx-c")
    office_config(rig, kantor, "mbx-b")
    text = (kantor / "mbx-b.toml").read_text()  # B reads A's mailbox (the user's case changed)
    (kantor / "mbx-b.toml").write_text(text.replace('username = "pengaduan@mbx-b.test"',
                                                    'username = "Pengaduan@MBX-A.test"'))
    daemon, stop = start_city(kantor)
    try:
        send_complaints(rig, [own])
        acknowledged_within(rig, [third], 20)
        time.sleep(4)
        assert not inbox(rig, own.citizens[0][1])  # neither A nor B took A's mail
        lines = refusals(caplog)
        assert "kotak surat yang sama dengan mbx-b.toml" in lines["mbx-a.toml"][0]
        assert "kotak surat yang sama dengan mbx-a.toml" in lines["mbx-b.toml"][0]
        (kantor / "mbx-b.toml").write_text(text)  # B given its own mailbox again: both run
        awaited(rig, [own], 30)
    finally:
        stop.set()
        daemon.join(timeout=40)
    statuses = [r.getMessage() for r in caplog.records if r.getMessage().startswith("status kantor")]
    assert any("(mbx-a.toml): tidak berjalan: memakai kotak surat" in line for line in statuses), statuses


def test_periksa_fails_both_offices_that_share_a_book_or_a_mailbox(rig, tmp_path):
    from tests.test_cli import pengaduan

    kantor = tmp_path / "kantor"
    kantor.mkdir()
    office_config(rig, kantor, "cek-a")
    office_config(rig, kantor, "cek-b", head="lurah")
    (kantor / "cek-salinan.toml").write_text((kantor / "cek-a.toml").read_text())  # a copy left unchanged
    checked = pengaduan("periksa", "--kantor", str(kantor))
    reports = dict(part.split("\n", 1) for part in checked.stdout.split("== ")[1:])
    same = "memakai buku pengaduan, folder berkas dan kotak surat yang sama dengan"
    assert f"{same} cek-salinan.toml;" in reports["cek-a.toml: Kecamatan Palaran"]
    assert f"{same} cek-a.toml;" in reports["cek-salinan.toml: Kecamatan Palaran"]
    assert "yang sama" not in reports["cek-b.toml: Kelurahan Rawa Makmur"]
    assert "3 kantor diperiksa; 2 dengan pemeriksaan gagal." in checked.stdout and checked.returncode == 1
    assert "Traceback" not in checked.stderr
    once = pengaduan("jalankan", "--kantor", str(kantor), "--sekali")  # one cycle each: the same refusal
    assert once.returncode == 2, once.stderr
    assert f"cek-a.toml tidak dijalankan: {same} cek-salinan.toml;" in once.stderr
    assert f"cek-salinan.toml tidak dijalankan: {same} cek-a.toml;" in once.stderr


def test_what_makes_two_offices_share_a_place(tmp_path):
    from office.city_clashes import clash_sentence, clashes, place

    book = tmp_path / "a" / "pengaduan.db"
    book.parent.mkdir()
    book.write_bytes(b"")
    (tmp_path / "tautan").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "keras.db").hardlink_to(book)
    for other in (tmp_path / "tautan" / "pengaduan.db", tmp_path / "a" / ".." / "a" / "pengaduan.db",
                  tmp_path / "a" / "keras.db"):
        assert place(other) == place(book), other
    assert place(tmp_path / "b" / "x.db") == place(tmp_path / "tautan" / ".." / "b" / "x.db")  # not made yet
    box = ("127.0.0.1", "pengaduan@a.test", "INBOX")
    held = {"a.toml": {"buku pengaduan": ("p", 1), "kotak surat": box},
            "b.toml": {"buku pengaduan": ("p", 2), "kotak surat": box},
            "c.toml": {"buku pengaduan": ("p", 1), "kotak surat": ("127.0.0.1", "pengaduan@a.test", "Kelurahan")}}
    found = clashes(held)
    assert found["a.toml"] == clash_sentence({"b.toml": ["kotak surat"], "c.toml": ["buku pengaduan"]})
    assert found["a.toml"].startswith("memakai kotak surat yang sama dengan b.toml, serta buku pengaduan yang "
                                      "sama dengan c.toml; ")
    assert set(found) == {"a.toml", "b.toml", "c.toml"} and "c.toml" not in found["b.toml"]
    assert clashes({k: v for k, v in held.items() if k != "a.toml"}) == {}  # another folder: another mailbox
