"""SMS through the office's own gateway: Debian's gammu-smsd on Gammu's dummy phone, started once
for the test session. Citizens' SMS are put where the dummy phone's modem reads them (`gammu
savesms`), and what the office sends is read back from what gammu-smsd transmitted, never from
the office's own outbox folder."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest

from intake.sms_gateway import (
    GSM7_SAFE,
    SINGLE,
    concatenation,
    group_inbox,
    gsm7,
    is_mobile,
    normal_phone,
    read_sms,
    split_for_sql,
)
from jobs.demo import SCRIPT
from jobs.demo.smsrig import SmsRig, available
from office.base import Office
from office.commands import record_desk_complaint
from office.sms import send_sms
from office.sms_in import receive_sms
from office.sms_io import SqlGateway
from office.sms_texts import TEXTS, render_sms
from sop.book import Book
from sop.clock import utcnow
from tests.conftest import make_env

needs_gammu = pytest.mark.skipif(not available(), reason="gammu-smsd tidak terpasang (./quickstart setup)")
_numbers = itertools.count(1)


def new_phone() -> str:
    return f"+62812{next(_numbers) + 30000000:08d}"


# Pure: numbers, texts, the gateway's names and headers ------------------------------------------
def test_phone_numbers_in_every_form_people_write_are_one_number():
    for written in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890"):
        assert normal_phone(written) == "+6281234567890"
    assert normal_phone("0541 123456") == "+62541123456" and not is_mobile("+62541123456")
    assert normal_phone("bukan nomor") is None and normal_phone("") is None


FACTS = {"office": "Kecamatan Palaran", "number": "PGD/2026/0123", "code": "K7Q2MX", "due": "21-12-2026",
         "what": "foto lokasi dan alamat lengkap “RT 05”", "days": 5, "reason": "menunggu survei — Dinas PUPR",
         "body": "Dinas Pekerjaan Umum dan Penataan Ruang Kota Samarinda", "how": "Surat dapat diambil di Loket "
         "Pengaduan (Senin–Jumat pukul 07.30–16.00 WITA).", "verdict": "puas", "rating": 4, "state": "jawaban "
         "sedang disusun (langkah 4 dari 5)", "by_email": False}


def test_every_sms_text_keeps_to_gsm_7bit_and_the_usual_ones_fit_one_message():
    for event in TEXTS:
        text = render_sms(event, FACTS)
        assert text and set(text) <= GSM7_SAFE, (event, sorted(set(text) - GSM7_SAFE))
        if event not in ("permintaan_kelengkapan", "jawaban_siap", "pelimpahan"):  # these carry an official's words
            assert len(text) <= SINGLE, (event, len(text), text)
    assert gsm7("Ibu Réné “Siti” — Jl. [Mawar] ~ 5 €") == "Ibu Rene \"Siti\" - Jl. (Mawar) - 5 ?"


def test_a_citizen_sms_is_a_status_request_a_new_complaint_or_plain_text():
    assert read_sms("status pgd/2026/0007 k7q-2mx").kind == "status"
    assert read_sms("STATUS PGD/2026/0007 K7Q2MX").code == "K7Q2MX"
    assert read_sms("Aduan: jalan rusak").body == "jalan rusak" and read_sms("aduan jalan").kind == "aduan"
    assert read_sms("PUAS terima kasih").kind == "text" and read_sms("aduannya belum").kind == "text"


def test_gateway_names_and_headers_join_the_parts_of_a_long_sms():
    names = ["IN20261207_073603_00_+628123_01.txt", "IN20261207_073603_00_+628123_00.txt", "catatan.txt",
             "IN20261207_073604_00_+628999_00.txt"]
    assert group_inbox(names) == [("IN20261207_073603_00_+628123_00.txt", "IN20261207_073603_00_+628123_01.txt"),
                                  ("IN20261207_073604_00_+628999_00.txt",)]
    pieces = split_for_sql("x" * 400, 7)
    assert [len(p) for _, p in pieces] == [153, 153, 94]
    assert [concatenation(u) for u, _ in pieces] == [("07", 3, 1), ("07", 3, 2), ("07", 3, 3)]
    assert split_for_sql("pendek", 7) == [("", "pendek")]


def test_sms_switched_on_without_the_gateways_folders_is_one_clear_line(rig, tmp_path):
    from jobs.demo import write_config
    from office.config import ConfigError, load_config

    path = write_config(tmp_path, rig, extra='[sms]\nenabled = true\noutbox = "keluar"\n')
    with pytest.raises(ConfigError, match=r"baris \d+: \[sms\] inbox: wajib diisi untuk gateway = \"files\""):
        load_config(path)
    path.write_text(path.read_text().replace('outbox = "keluar"', 'gateway = "modem"'))
    with pytest.raises(ConfigError, match=r"\[sms\] gateway: harus salah satu dari: files, sql"):
        load_config(path)
    path.write_text(path.read_text().replace('gateway = "modem"', 'gateway = "sql"\nalso_with_emial = true'))
    with pytest.raises(ConfigError, match="mungkin maksud Anda 'also_with_email'"):
        load_config(path)


def test_periksa_checks_the_sms_gateways_folders_or_its_database(rig, tmp_path):
    """`periksa` once said nothing of [sms]: a gateway folder named wrong surfaced only when
    the first SMS was lost. Now it names the folder or database and what to do."""
    from jobs.demo import write_config
    from jobs.doctor import run_checks
    from office.config import load_config
    from tests.test_cli import pengaduan

    path = write_config(tmp_path, rig, extra='[sms]\nenabled = true\ninbox = "sms/masuk"\noutbox = "sms/keluar"\n')
    said = pengaduan("--config", str(path), "periksa").stdout
    assert f"✗ kotak masuk SMS: folder {tmp_path / 'sms' / 'masuk'} tidak ada" in said
    assert "samakan [sms] inbox dengan inboxpath pada gammu-smsdrc" in said and "✗ kotak keluar SMS" in said
    (tmp_path / "sms" / "masuk").mkdir(parents=True)
    (tmp_path / "sms" / "keluar").mkdir()
    checks = {c.name: c for c in run_checks(load_config(path))}
    assert checks["kotak masuk SMS"].ok and checks["kotak keluar SMS"].ok

    sql = path.read_text().replace('inbox = "sms/masuk"', 'gateway = "sql"\ndatabase = "smsd.db"')
    path.write_text(sql)
    checks = {c.name: c for c in run_checks(load_config(path))}
    assert not checks["basis data SMS"].ok and "tidak ada" in checks["basis data SMS"].detail
    assert not (tmp_path / "smsd.db").exists()  # never made by the check
    with sqlite3.connect(tmp_path / "smsd.db") as conn:
        conn.execute("CREATE TABLE inbox (ID INTEGER)")
    checks = {c.name: c for c in run_checks(load_config(path))}
    assert "tidak memuat tabel Gammu SMSD: outbox, outbox_multipart, sentitems" in checks["basis data SMS"].detail
    if SCHEMA.exists():
        (tmp_path / "smsd.db").unlink()
        with sqlite3.connect(tmp_path / "smsd.db") as conn:
            conn.executescript(SCHEMA.read_text())
        assert {c.name: c for c in run_checks(load_config(path))}["basis data SMS"].ok


# The real gateway -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def gateway():
    if not available():
        pytest.skip("gammu-smsd tidak terpasang (./quickstart setup)")
    with SmsRig() as started:
        yield started
    shutil.rmtree(started.folder, ignore_errors=True)


@pytest.fixture
def sms_env(rig, gateway):
    with make_env(rig, extra=gateway.config_lines()) as made:
        yield made


def sent_to(gateway: SmsRig, phone: str, count: int = 1, contains: str = ""):
    """The SMS gammu-smsd transmitted to `phone` (waiting until `count` of them contain `contains`)."""
    return gateway.wait(lambda: (found := [s for s in gateway.sent() if s.number == phone and contains in s.text])
                        and len(found) >= count and found)


def citizen_sends(env, gateway: SmsRig, phone: str, text: str) -> None:
    """The citizen's SMS reaches the modem; gammu-smsd receives it; the daemon runs."""
    before = len(env.office.book.conn.execute("SELECT key FROM sms_inbox").fetchall())
    gateway.deliver(phone, text)
    gateway.wait(lambda: any(p.name.endswith(".txt") and phone in p.name for p in gateway.inbox.iterdir()))
    env.cycle()
    assert len(env.office.book.conn.execute("SELECT key FROM sms_inbox").fetchall()) == before + 1


def play_to_delivery(env, number: str, delivery_text: str) -> None:
    """Each official answers their routing mail by real SMTP, in the SOP's order, up to delivery."""
    cfg = env.config
    for step in cfg.procedure.walk()[1:]:
        text = "Setuju" if step.approval else (delivery_text if step.attach_letter or step.no == 5 else
                                                SCRIPT[step.no][0])
        env.reply(step.role, number, cfg.procedure.label(step.no), text)
        env.cycle()


@needs_gammu
def test_an_sms_complainant_follows_their_complaint_to_the_answer_and_gives_their_word_by_sms(sms_env, gateway):
    env, phone = sms_env, new_phone()
    citizen_sends(env, gateway, phone, "ADUAN Lampu jalan di RT 12 Rawa Makmur padam dua minggu, mohon diperbaiki.")
    [row] = env.office.book.complaints.listed()
    assert row["channel"] == "sms" and row["phone"] == phone and row["email"] is None
    [ack] = sent_to(gateway, phone, contains="dicatat")
    assert row["number"] in ack.text and row["access_code"] in ack.text and f"STATUS {row['number']}" in ack.text
    assert not any(gateway.outbox.iterdir())  # taken by the gateway, not read back from our folder
    assert any(e["kind"] == "pemberitahuan" and "SMS" in e["text"] for e in env.office.book.events.of(row["id"]))

    play_to_delivery(env, row["number"], "Surat jawaban diserahkan langsung kepada pengadu di loket.")
    ready = sent_to(gateway, phone, contains="sudah siap")[0]
    assert "Loket Pengaduan" in ready.text
    asked = sent_to(gateway, phone, contains="PUAS")[0]
    assert "TIDAK PUAS" in asked.text and "1-4" in asked.text
    assert env.complaint(row["number"])["state"] == "answered"

    citizen_sends(env, gateway, phone, "PUAS, lampunya sudah menyala")
    done = env.complaint(row["number"])
    assert done["state"] == "closed" and done["satisfaction"] == "puas"
    sent_to(gateway, phone, contains="terima kasih")
    assert len(gateway.sent()) == len({s.name for s in gateway.sent()})  # nothing transmitted twice


@needs_gammu
def test_a_person_who_complained_by_sms_gets_their_sms_in_their_data(sms_env, gateway):
    """`data-pribadi` found a person only by email and left out every SMS: someone who
    complained by SMS got nothing of what the book holds about them."""
    import json

    from tests.test_cli import pengaduan

    env, phone = sms_env, new_phone()
    citizen_sends(env, gateway, phone, "ADUAN Saluran air di RT 3 tersumbat sejak hujan kemarin.")
    [row] = env.office.book.complaints.listed()
    sent_to(gateway, phone, contains="dicatat")
    written = "0" + phone.removeprefix("+62")  # as people write it: 0812…
    result = pengaduan("--config", str(env.config_path), "data-pribadi", written)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["phone"] == phone and [c["number"] for c in doc["complaints"]] == [row["number"]]
    [received] = doc["sms"]["received"]
    assert received["text"].startswith("ADUAN Saluran air") and received["complaint"] == row["number"]
    assert any(s["kind"] and row["number"] in s["text"] and s["phone"] == phone for s in doc["sms"]["sent"])
    assert any(a["action"] == "data-pribadi" for a in doc["audit"])
    other = json.loads(pengaduan("--config", str(env.config_path), "data-pribadi", "0812 0000 0000").stdout)
    assert other["complaints"] == [] and other["sms"] == {"sent": [], "received": []}


@needs_gammu
def test_a_walk_in_with_only_a_phone_hears_by_sms_and_their_sms_completes_the_complaint(sms_env, gateway):
    env, phone = sms_env, new_phone()
    written = "0" + phone[3:6] + "-" + phone[6:10] + "-" + phone[10:]  # as the citizen tells it at the desk
    row = record_desk_complaint(env.office, channel="langsung", name="Rusdi", subject="Drainase tersumbat",
                                body="Saluran air di Gang Mawar tersumbat sampah.", officer="rina",
                                now=utcnow(), phone=written)
    env.cycle()
    sent_to(gateway, phone, contains=row["access_code"])
    env.reply("sekretaris", row["number"], 2, SCRIPT[2][0])
    env.cycle()
    env.reply(env.head, row["number"], 3, "Lengkapi: foto lokasi saluran yang tersumbat")
    env.cycle()
    [asked] = sent_to(gateway, phone, contains="mohon lengkapi")
    assert "foto lokasi saluran" in asked.text
    assert any(letter["kind"] == "kelengkapan" for letter in env.office.book.letters.listed(row["id"]))  # the print queue too
    assert env.complaint(row["number"])["paused_at"]
    citizen_sends(env, gateway, phone, "Sudah saya kirim fotonya ke loket, sampahnya di depan rumah no 7.")
    now = env.complaint(row["number"])
    assert not now["paused_at"]
    assert any(e["kind"] == "tambahan" and "rumah no 7" in e["text"] for e in env.office.book.events.of(row["id"]))


@needs_gammu
def test_status_by_sms_needs_the_code_tells_only_the_state_and_wrong_codes_lock(sms_env, gateway):
    env, owner, stranger, guesser = sms_env, new_phone(), new_phone(), new_phone()
    row = record_desk_complaint(env.office, channel="telepon", name="Wati", subject="Rahasia pribadi sekali",
                                body="Isi yang tidak boleh keluar.", officer="rina", now=utcnow(), phone=owner)
    env.cycle()
    citizen_sends(env, gateway, stranger, f"STATUS {row['number']} {row['access_code'].lower()}")
    [told] = sent_to(gateway, stranger)
    assert row["number"] in told.text and "diklarifikasi" in told.text
    assert "Rahasia" not in told.text and "Wati" not in told.text
    citizen_sends(env, gateway, owner, "status")  # from the complainant's own number no code is needed
    sent_to(gateway, owner, contains="diklarifikasi")
    for _ in range(5):
        citizen_sends(env, gateway, guesser, f"STATUS {row['number']} AAAAAA")
    citizen_sends(env, gateway, guesser, f"STATUS {row['number']} {row['access_code']}")
    env.cycle()
    assert not env.office.book.sms.count_to(guesser, ("status",), utcnow() - dt.timedelta(hours=1))  # locked, even
    # with the right code
    assert any("kode akses" in m.subject.lower() for m in env.inbox(env.official("jfu")[1]))  # staff told


@needs_gammu
def test_wrong_codes_by_mail_lock_the_complaints_status_by_sms_too(sms_env, gateway):
    env, asker = sms_env, new_phone()
    row = record_desk_complaint(env.office, channel="telepon", name="Wati", subject="Jalan", body="Jalan rusak.",
                                officer="rina", now=utcnow(), phone=new_phone())
    for i in range(5):
        env.send(f"penebak{i}@luar.test", env.cast.office, f"STATUS {row['number']} AAAAA{i + 2}", "cek")
    env.cycle()
    citizen_sends(env, gateway, asker, f"STATUS {row['number']} {row['access_code']}")
    env.cycle()
    # The complaint is locked for the hour: nothing queued for the gateway, so nothing sent.
    assert env.office.book.sms.count_to(asker, ("status",), utcnow() - dt.timedelta(hours=1)) == 0


@needs_gammu
def test_only_a_few_automatic_replies_an_hour_go_to_one_number(sms_env, gateway):
    env, asker = sms_env, new_phone()
    row = record_desk_complaint(env.office, channel="telepon", name="Wati", subject="Jalan", body="Jalan rusak.",
                                officer="rina", now=utcnow(), phone=new_phone())
    for _ in range(5):
        citizen_sends(env, gateway, asker, f"STATUS {row['number']} {row['access_code']}")
    env.cycle()
    assert len(sent_to(gateway, asker, count=3)) == 3
    assert env.office.book.sms.count_to(asker, ("status",), utcnow() - dt.timedelta(hours=1)) == 3


@needs_gammu
def test_an_office_may_send_a_short_sms_as_well_to_complainants_who_gave_an_address(rig, gateway):
    phone = new_phone()
    with make_env(rig, extra=gateway.config_lines() + "also_with_email = true\n") as env:
        row = record_desk_complaint(env.office, channel="langsung", name="Yanti", subject="Sampah", body="Sampah.",
                                    officer="rina", now=utcnow(), phone=phone, email="yanti@warga.test")
        env.cycle()
        sent_to(gateway, phone, contains=row["number"])
        [event] = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "pemberitahuan"]
        assert "surel, SMS" in event["text"]
    other = new_phone()
    with make_env(rig, extra=gateway.config_lines()) as env:
        record_desk_complaint(env.office, channel="langsung", name="Yono", subject="Sampah", body="Sampah.",
                              officer="rina", now=utcnow(), phone=other, email="yono@warga.test")
        env.cycle()
        assert env.office.book.conn.execute("SELECT count(*) FROM sms_outbox").fetchone()[0] == 0


@needs_gammu
def test_the_word_on_an_answer_counts_only_from_the_complainants_number_after_our_sms_asked_for_it(sms_env, gateway):
    env, phone, stranger = sms_env, new_phone(), new_phone()
    row = record_desk_complaint(env.office, channel="langsung", name="Rusdi", subject="Drainase", body="Tersumbat.",
                                officer="rina", now=utcnow(), phone=phone)
    env.cycle()
    citizen_sends(env, gateway, phone, "PUAS")  # before any answer: only an addition
    assert env.complaint(row["number"])["state"] == "open"
    play_to_delivery(env, row["number"], "Surat jawaban diserahkan langsung kepada pengadu di loket.")
    sent_to(gateway, phone, contains="PUAS")
    citizen_sends(env, gateway, stranger, "TIDAK PUAS: jawabannya tidak benar")  # someone else's number
    citizen_sends(env, gateway, stranger, f"TIDAK PUAS {row['number']}")
    after = env.complaint(row["number"])
    assert after["state"] == "answered" and after["satisfaction"] is None
    citizen_sends(env, gateway, phone.replace("+62", "0"), "4")  # their number, however the network writes it
    done = env.complaint(row["number"])
    assert done["state"] == "closed" and done["satisfaction"] == "puas" and done["rating"] == 4


@needs_gammu
def test_an_answer_delivered_by_email_is_not_judged_by_an_sms(sms_env, gateway):
    env, phone = sms_env, new_phone()
    row = record_desk_complaint(env.office, channel="langsung", name="Yanti", subject="Sampah", body="Sampah.",
                                officer="rina", now=utcnow(), phone=phone, email="yanti@warga.test")
    env.cycle()
    play_to_delivery(env, row["number"], "Jawaban telah dikirim melalui surel.")
    assert env.complaint(row["number"])["state"] == "answered"
    citizen_sends(env, gateway, phone, "PUAS")  # no SMS of ours asked: an addition, the word waits for the mail
    assert env.complaint(row["number"])["state"] == "answered"


@needs_gammu
def test_a_joined_complainant_with_only_a_phone_hears_by_sms_that_their_answer_is_ready(sms_env, gateway):
    from office.commands import join

    env, first, second = sms_env, new_phone(), new_phone()
    main = record_desk_complaint(env.office, channel="telepon", name="Rusdi", subject="Banjir di Gang Mawar",
                                 body="Banjir setiap hujan.", officer="rina", now=utcnow(), phone=first)
    repeat = record_desk_complaint(env.office, channel="telepon", name="Sari", subject="Banjir Gang Mawar",
                                   body="Gang Mawar banjir lagi.", officer="rina", now=utcnow(), phone=second)
    env.cycle()
    join(env.office, main["number"], repeat["number"], "rina", utcnow())
    play_to_delivery(env, main["number"], "Surat jawaban diserahkan langsung kepada pengadu di loket.")
    [ready] = sent_to(gateway, second, contains="sudah siap")
    assert repeat["number"] in ready.text


@needs_gammu
def test_a_long_sms_comes_in_parts_and_is_one_complaint(sms_env, gateway):
    env, phone = sms_env, new_phone()
    body = "Jalan di RT 05 Kelurahan Bukuan rusak parah sejak bulan lalu. " * 6 + "Mohon segera diperbaiki."
    gateway.deliver(phone, "ADUAN " + body)
    gateway.wait(lambda: len([p for p in gateway.inbox.iterdir() if phone in p.name]) == 3)  # three parts
    env.cycle()
    [row] = env.office.book.complaints.listed()
    assert row["body"] == body.strip() and row["channel"] == "sms"
    assert len(env.office.book.conn.execute("SELECT key FROM sms_inbox").fetchall()) == 1


# Restart safety ----------------------------------------------------------------------------------
@needs_gammu
def test_an_sms_committed_before_a_crash_is_sent_once_after_the_restart(sms_env, gateway):
    env, phone = sms_env, new_phone()
    record_desk_complaint(env.office, channel="langsung", name="Ani", subject="Parit", body="Parit meluap.",
                          officer="rina", now=utcnow(), phone=phone)
    # The daemon dies here: the acknowledgement is in the book, not yet at the gateway. Another starts.
    restarted = Office(env.config, Book(env.config.database))
    assert send_sms(restarted, utcnow()) == 1 and send_sms(restarted, utcnow()) == 0
    restarted.book.close()
    [ack] = sent_to(gateway, phone)
    assert gateway.transmissions(ack.name) == 1


@needs_gammu
def test_an_sms_written_to_the_gateway_just_before_a_crash_goes_at_most_once_more(sms_env, gateway):
    env, phone = sms_env, new_phone()
    record_desk_complaint(env.office, channel="langsung", name="Ani", subject="Parit", body="Parit meluap.",
                          officer="rina", now=utcnow(), phone=phone)
    [pending] = env.office.book.sms.pending()
    (gateway.outbox / pending["name"]).write_text(pending["text"])  # written; the mark never committed
    restarted = Office(env.config, Book(env.config.database))
    assert send_sms(restarted, utcnow()) == 1 and not restarted.book.sms.pending()
    restarted.book.close()
    [ack] = sent_to(gateway, phone)
    assert ack.name == pending["name"] and 1 <= gateway.transmissions(pending["name"]) <= 2


@needs_gammu
def test_an_sms_recorded_before_a_crash_is_not_recorded_again(sms_env, gateway):
    env, phone = sms_env, new_phone()
    gateway.deliver(phone, "ADUAN Pohon tumbang menutup jalan di RT 03.")
    [name] = gateway.wait(lambda: [p.name for p in gateway.inbox.iterdir() if phone in p.name])
    from office.sms_in import handle_sms
    from office.sms_io import FilesGateway

    [message] = [m for m in FilesGateway(gateway.inbox, gateway.outbox).received() if m.key == name]
    with env.office.book.transaction():  # recorded; the daemon dies before the file is set aside
        kind, cid, note = handle_sms(env.office, message, utcnow())
        env.office.book.sms.record(message.key, received_at=utcnow(), phone=phone, text=message.text, kind=kind,
                                   complaint_id=cid, note=note)
    assert receive_sms(env.office, utcnow()) == 0
    assert len(env.office.book.complaints.listed()) == 1 and (gateway.inbox / "diproses" / name).exists()


# The SQL gateway: Gammu SMSD's own SQLite schema ------------------------------------------------------
SCHEMA = Path("/usr/share/doc/gammu-smsd/examples/sqlite.sql")


@pytest.mark.skipif(not SCHEMA.exists(), reason="skema SQLite gammu-smsd tidak ada")
def test_the_sql_gateway_gets_each_sms_once_and_long_ones_in_parts(tmp_path):
    database = tmp_path / "smsd.db"
    with sqlite3.connect(database) as conn:
        conn.executescript(SCHEMA.read_text())
    gateway = SqlGateway(database)
    gateway.write("OUTC20261207_080000_00_+6281200000001_abc.txt", "+6281200000001", "Halo")
    gateway.write("OUTC20261207_080000_00_+6281200000001_abc.txt", "+6281200000001", "Halo")  # after a crash
    gateway.write("panjang", "+6281200000001", "y" * 400)
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT CreatorID, MultiPart, TextDecoded, UDH FROM outbox ORDER BY ID").fetchall()
        parts = conn.execute("SELECT SequencePosition, UDH FROM outbox_multipart ORDER BY SequencePosition").fetchall()
        assert [r[0] for r in rows] == ["OUTC20261207_080000_00_+6281200000001_abc.txt", "panjang"]
        assert rows[1][1] == "true" and len(rows[1][2]) == 153 and [p[0] for p in parts] == [2, 3]
        conn.execute("INSERT INTO inbox (SenderNumber, Text, TextDecoded, UDH, RecipientID) VALUES "
                     "('+6281200000002', '', 'ADUAN jalan', '', 'modem')")
    [got] = gateway.received()
    assert got.key.startswith("sql:") and got.text == "ADUAN jalan"
    gateway.done(got)
    assert gateway.received() == []
