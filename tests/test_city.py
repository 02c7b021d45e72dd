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
    for cast in casts:
        name, address, subject, body = cast.citizens[0]
        rig.send(complaint_message(name, address, subject, body, to=cast.office))
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
