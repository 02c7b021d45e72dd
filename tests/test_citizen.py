"""The citizen's side of the loop, by email only: asking for a complaint's status."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from intake.citizen import asks_status
from tests.test_attacks import start
from tests.test_sop_over_mail import through


def _status_reply(env, citizen: tuple[str, str], ack, text: str = "STATUS") -> None:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"{citizen[0]} <{citizen[1]}>", env.cast.office
    msg["Subject"], msg["Message-ID"] = "Re: " + ack.subject, make_msgid()
    msg["In-Reply-To"] = msg["References"] = ack.headers["message-id"][0]
    msg.set_content(f"{text}\n\nPada tanggal itu, kantor menulis:\n> Tanda terima")
    env.rig.send(msg)
    env.cycle()


def test_status_lines_are_recognised_and_additions_are_not():
    assert asks_status("STATUS") and asks_status("cek status") and asks_status("Status.\n\nSalam,\nBudi")
    assert not asks_status("Lampu di depan rumah saya juga padam sejak kemarin, mohon dicek statusnya.")
    assert not asks_status("status\n" + "Saya tambahkan keterangan panjang tentang jalan yang rusak " * 3)


def test_a_complainant_asking_status_at_each_step_is_told_where_it_stands(env):
    citizen = env.cast.citizens[0][:2]
    number = start(env)
    [ack] = env.inbox(citizen[1])
    assert "STATUS" in ack.text  # the acknowledgement says how
    _status_reply(env, citizen, ack)
    [status] = [m for m in env.inbox(citizen[1]) if "Status Pengaduan" in m.subject]
    assert "langkah 2" in status.text and "Sekretaris Camat" in status.text and "paling lambat" in status.text
    assert env.official("sekretaris")[0] not in status.text and env.official("sekretaris")[1] not in status.text
    row = env.complaint(number)
    assert row["step"] == 2 and len(env.office.book.complaints.listed()) == 1  # nothing moved, nothing opened
    assert not [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "tambahan"]
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    _status_reply(env, citizen, ack, "cek status")
    latest = [m for m in env.inbox(citizen[1]) if "Status Pengaduan" in m.subject][-1]
    assert "langkah 3" in latest.text and "Camat" in latest.text and "Klarifikasi." not in latest.text
    assert "langkah 2 (Sekretaris Camat) selesai" in latest.text


def test_a_stranger_asking_status_gets_nothing_and_opens_nothing(env):
    number = start(env)
    msg = EmailMessage()
    msg["From"], msg["To"] = "orang.lain@warga.test", env.cast.office
    msg["Subject"], msg["Message-ID"] = "Pertanyaan", make_msgid()
    msg.set_content(f"STATUS {number}")
    env.rig.send(msg)
    env.cycle()
    assert not env.inbox("orang.lain@warga.test")
    assert len(env.office.book.complaints.listed()) == 1
    assert any("bukan pengadu" in m["note"] for m in env.office.book.messages.listed("unmatched"))


def test_status_requests_are_limited_per_mailbox(env):
    citizen = env.cast.citizens[0][:2]
    start(env)
    [ack] = env.inbox(citizen[1])
    for _ in range(env.config.intake.ack_per_hour + 2):
        _status_reply(env, citizen, ack)
    assert len([m for m in env.inbox(citizen[1]) if "Status Pengaduan" in m.subject]) == env.config.intake.ack_per_hour


def test_a_confidential_complaints_status_tells_only_its_state(env):
    citizen = env.cast.citizens[0][:2]
    number = start(env)
    [ack] = env.inbox(citizen[1])
    through(env, number, ("sekretaris", 2, "Klarifikasi rahasia.\nSeksi: Pemerintahan\nRahasia: ya"))
    _status_reply(env, citizen, ack)
    [status] = [m for m in env.inbox(citizen[1]) if "Status Pengaduan" in m.subject]
    assert "sedang ditangani" in status.text and "Yang telah dilakukan" not in status.text


def test_published_statistics_hold_no_personal_data_and_no_small_cells(env, tmp_path):
    import datetime as dt
    import json

    from tests.test_cli import pengaduan

    people = []
    for i, (name, address, subject, body) in enumerate(env.cast.citizens):
        start(env, i, body=body + " Rumah saya di Jl. Mawar No. 7, HP 0812-3456-7890.")
        people += [name, address, "Jl. Mawar", "0812-3456-7890", subject]
    for _ in range(3):  # three walk-ins: a cell that may be shown
        pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Warga Tanpa Surel",
                  "--alamat", "Jl. Melati 3", "--pokok", "Drainase tersumbat", "--isi", "Saluran tersumbat.")
    year = dt.datetime.now(env.config.clock.tz).year
    result = pengaduan("--config", str(env.config_path), "statistik", "--tahun", str(year), "--keluar", str(tmp_path))
    assert result.returncode == 0, result.stderr
    published = (tmp_path / f"statistik-pengaduan-{year}.json").read_text() + \
        (tmp_path / f"statistik-pengaduan-{year}.csv").read_text(encoding="utf-8-sig")
    for secret in [*people, "Warga Tanpa Surel", "Jl. Melati", "Drainase tersumbat", "PGD/"]:
        assert secret.lower() not in published.lower(), secret
    stats = json.loads((tmp_path / f"statistik-pengaduan-{year}.json").read_text())
    assert stats["jumlah_pengaduan"] == len(env.cast.citizens) + 3
    assert stats["menurut_saluran"]["datang langsung"] == 3
    assert stats["menurut_saluran"]["surel"] == "<3"  # two emailed complaints: suppressed
    again = pengaduan("--config", str(env.config_path), "statistik", "--tahun", str(year), "--keluar", str(tmp_path))
    assert again.returncode == 2 and "--timpa" in again.stderr


def test_a_status_request_naming_the_number_needs_no_reply_and_changes_nothing(env):
    """STATUS changes nothing, so a new mail from the complainant's address naming the number
    is answered as before (a forged From only makes us tell the complainant)."""
    citizen = env.cast.citizens[0][:2]
    number = start(env)
    env.send(f"{citizen[0]} <{citizen[1]}>", env.cast.office, f"Pengaduan {number}", "STATUS")
    env.cycle()
    [status] = [m for m in env.inbox(citizen[1]) if "Status Pengaduan" in m.subject]
    assert status.reply_to and "+w-" in status.reply_to[0]  # a reply to it threads, and carries their word
    assert env.complaint(number)["step"] == 2
