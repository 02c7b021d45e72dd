"""The letter and the clocks as an Indonesian office runs them (the practice review): how the
letter names the complainant and the matter, and who hears of a late step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jobs.outgoing import send_outbox
from letters.render import letter_text
from office.deadlines import check_deadlines
from sop.book import iso
from tests.test_attacks import start
from tests.test_sop_over_mail import subjects, through


def test_the_letter_uses_the_sapaan_and_the_pokok_the_sekretaris_gave(env):
    number = start(env, subject="Fwd: RE: TOLONG lampu mati!!!")
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan\nSapaan: Ibu\n"
                                           "Pokok: Lampu penerangan jalan padam di RT 12"),
            ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diperbaiki besok."), ("camat", "4a", "Setuju"))
    text = letter_text(Path(env.complaint(number)["letter_path"]))
    name = env.cast.citizens[0][0]
    assert f"Yth. Ibu {name}" in text and "pengaduan Ibu yang disampaikan" in text
    assert "perihal lampu penerangan jalan padam di RT 12" in text and "Fwd" not in text
    assert "Bapak/Ibu" not in text


def test_without_pokok_the_perihal_loses_reply_and_forward_marks(env):
    number = start(env, subject="Fwd: Re: Jalan berlubang")
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
            ("sekretaris", 4, "Jalan ditambal."), ("camat", "4a", "Setuju"))
    text = letter_text(Path(env.complaint(number)["letter_path"]))
    assert "perihal jalan berlubang" in text and "Yth. Sdr." in text and "pengaduan Saudara yang disampaikan" in text


def test_a_late_step_three_is_not_escalated_to_the_camat_himself(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    task = env.office.book.tasks.current(env.complaint(number)["id"])
    assert task["role"] == "camat"
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=env.config.clock.tz)
    env.office.book.conn.execute("UPDATE tasks SET opened_at = ?, due_at = ?, next_nudge_at = ? WHERE id = ?",
                                 (iso(monday), iso(monday + dt.timedelta(minutes=10)), iso(monday), task["id"]))
    moment = monday + dt.timedelta(hours=2)
    assert check_deadlines(env.office, moment)
    send_outbox(env.office, moment)
    assert not [s for s in subjects(env, env.official("camat")[1]) if "Melewati batas waktu" in s]
    assert [s for s in subjects(env, env.official("jfu")[1]) if "Melewati batas waktu" in s]


def test_doctor_fails_when_the_signer_lacks_rank_or_nip(env):
    from tests.test_cli import pengaduan

    text = env.config_path.read_text().replace('rank = "Pembina Tk. I (IV/b)"\n', "")
    env.config_path.write_text(text)
    result = pengaduan("--config", str(env.config_path), "periksa")
    assert result.returncode == 1 and "penanda tangan surat" in result.stdout and "rank" in result.stdout
