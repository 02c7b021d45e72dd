"""The SOP as the office runs it, over the real rig: the signer's approval and its
correction, a clock paused for the complainant and resumed or closed by silence, an
extension, a rejection for a complainant without email, and the Sekretaris signing a.n."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from docx import Document

from jobs.demo import reply_to
from letters.render import letter_text
from office.deadlines import close_silent
from sop.book import iso, parse_iso
from sop.procedure import Duration
from tests.helpers import pdf_text, show
from tests.test_attacks import start
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import subjects, through

CLARIFIED = ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan")


def test_perbaiki_returns_the_konsep_to_its_writer_and_only_the_approved_text_is_signed(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki lampu."), ("sekretaris", 4, "Lampu diperbaiki."))
    waiting = show(env, number)["waiting_for"]
    assert (waiting["role"], waiting["step_label"]) == ("camat", "4a")
    assert waiting["email"] == env.official("camat")[1]

    through(env, number, ("camat", "4a", "Perbaiki: sebutkan tanggal dan pelaksananya"))
    row = env.complaint(number)
    assert row["step"] == 4 and row["letter_number"] is None and not env.office.book.letters.listed(row["id"])
    again = env.routing("sekretaris", number, 4)
    assert "sebutkan tanggal dan pelaksananya" in again.text and "dikembalikan untuk diperbaiki" in again.text

    through(env, number, ("sekretaris", 4, "Lampu diperbaiki oleh Kelurahan Rawa Makmur pada 10 Desember 2026."))
    konsep = env.routing("camat", number, "4a")
    assert "10 Desember 2026" in konsep.text and "Lampu diperbaiki.\n" not in konsep.text
    [pdf] = [a for a in konsep.attachments if a.filename.endswith(".pdf")]  # the signer reads a PDF too
    printed = " ".join(pdf_text(pdf.payload).split())  # the answer joins the opening sentence: one paragraph
    assert "10 Desember 2026" in printed and "KONSEP" in printed and "(diberikan setelah disetujui)" in printed

    through(env, number, ("camat", "4a", "Setuju."))
    row = env.complaint(number)
    assert row["step"] == 5 and row["letter_number"]
    text = letter_text(Path(row["letter_path"]))
    assert "10 Desember 2026" in text and "KONSEP" not in text
    assert Document(row["letter_path"]).inline_shapes, "the signature image comes with the approval"
    [letter] = env.office.book.letters.listed(row["id"])  # one number: the corrected konsep took none
    assert letter["number"] == row["letter_number"]


def test_a_reply_that_neither_approves_nor_corrects_leaves_the_konsep_waiting(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Jawaban."),
            ("camat", "4a", "Nanti saya pelajari dulu."))
    row = env.complaint(number)
    assert row["step"] == 6 and row["letter_number"] is None
    assert any("Mohon tuliskan Setuju atau Perbaiki" in s for s in subjects(env, env.official("camat")[1]))


def test_when_the_sekretaris_signs_there_is_no_approval_step(rig):
    from tests.conftest import make_env

    with make_env(rig, '[letters]\nsigner = "sekretaris"\n') as env:
        number = start(env)
        through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Jawaban langsung."))
        row = env.complaint(number)
        assert row["step"] == 5 and row["letter_number"]
        text = letter_text(Path(row["letter_path"]))
        assert "a.n. CAMAT PALARAN" in text and env.official("sekretaris")[0] in text
        assert env.routing("camat", number, "4a") is None


def test_lengkapi_pauses_the_clock_until_the_complainant_answers(env):
    number = start(env)
    env.reply("sekretaris", number, 2, "Lengkapi: alamat lengkap lokasi lampu dan fotonya")
    env.cycle()
    citizen = env.cast.citizens[0][1]
    [asked] = [m for m in env.inbox(citizen) if "Permohonan Kelengkapan" in m.subject]
    assert "alamat lengkap lokasi lampu" in asked.text and "10 hari kerja" in asked.text
    doc = show(env, number)
    assert doc["paused"]["reason"] == "alamat lengkap lokasi lampu dan fotonya" and doc["step"] == 2
    assert not doc["late"]
    row = env.complaint(number)
    task = env.office.book.tasks.current(row["id"])
    assert task["next_nudge_at"] is None  # no reminders while the complainant is asked

    # A day later (in the book's time) the complainant answers by replying to our mail.
    env.office.book.conn.execute("UPDATE complaints SET paused_at = ? WHERE id = ?",
                                 (iso(parse_iso(row["paused_at"]) - dt.timedelta(days=1)), row["id"]))
    env.office.book.conn.commit()
    env.rig.send(reply_to(asked, env.cast.citizens[0][:2], "Lokasinya Jl. Mangga RT 12, depan masjid."))
    env.cycle()
    doc = show(env, number)
    assert doc["paused"] is None and doc["step"] == 2
    new_task = env.office.book.tasks.current(row["id"])
    assert new_task["id"] == task["id"] and parse_iso(new_task["due_at"]) > parse_iso(task["due_at"])
    told = [m for m in env.inbox(env.official("sekretaris")[1]) if "Keterangan tambahan" in m.subject]
    assert told and "depan masjid" in told[-1].text
    through(env, number, CLARIFIED)
    assert env.complaint(number)["step"] == 3


def test_without_an_answer_within_the_silence_period_the_complaint_closes_and_the_citizen_is_told(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Lengkapi: bukti pembayaran retribusi"))
    row = env.complaint(number)
    assert row["step"] == 3 and row["paused_at"]
    assert close_silent(env.office, parse_iso(row["paused_at"]) + dt.timedelta(days=5)) == 0
    assert close_silent(env.office, parse_iso(row["paused_at"]) + dt.timedelta(days=20)) == 1
    from jobs.outgoing import send_outbox

    send_outbox(env.office, parse_iso(row["paused_at"]) + dt.timedelta(days=20))
    row = env.complaint(number)
    assert row["state"] == "closed" and row["paused_at"] is None
    assert any("Penutupan Pengaduan" in s for s in subjects(env, env.cast.citizens[0][1]))
    assert env.office.book.tasks.current(row["id"]) is None


def test_perpanjang_moves_the_deadline_and_tells_the_citizen_within_the_sop_limit(env):
    number = start(env)
    through(env, number, CLARIFIED)
    row = env.complaint(number)
    before = parse_iso(env.office.book.tasks.current(row["id"])["due_at"])
    through(env, number, ("camat", 3, "Perpanjang: 5 hari kerja, menunggu hasil survei Dinas PUPR"))
    task = env.office.book.tasks.current(row["id"])
    assert task["step"] == 3 and task["extended_days"] == 5
    assert parse_iso(task["due_at"]) == env.config.clock.add(before, Duration(5, "days"))
    [told] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Perpanjangan Waktu" in m.subject]
    assert "menunggu hasil survei Dinas PUPR" in told.text and "5 hari kerja" in told.text
    through(env, number, ("camat", 3, "Perpanjang: 6 hari kerja, cuaca"))
    assert env.office.book.tasks.current(row["id"])["extended_days"] == 5
    assert any("Perpanjangan waktu belum dapat dicatat" in s for s in subjects(env, env.official("camat")[1]))


def test_a_rejection_without_email_is_a_letter_waiting_in_the_print_queue_for_its_delivery(env):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Pak Darto",
                       "--alamat", "Jl. Nangka No. 3, Palaran", "--pokok", "Jalan tol rusak",
                       "--isi", "Jalan tol Balikpapan–Samarinda berlubang.")
    assert result.returncode == 0, result.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    through(env, number, ("sekretaris", 2, "Tolak: jalan tol, kewenangan badan usaha jalan tol"),
            ("camat", 3, "Tolak: jalan tol adalah kewenangan badan usaha jalan tol dan BPJT"))
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 5) and row["letter_number"]  # closed once delivered
    [waiting] = env.office.book.letters.awaiting_dispatch()
    assert waiting["number"] == row["letter_number"]
    text = letter_text(Path(row["letter_path"]))
    assert "Yth. Bapak Darto" in text and "BPJT" in text and "Jl. Nangka No. 3" in text
    assert any(p.name.endswith(".docx") for p in env.config.outbox.iterdir())


def test_staff_record_what_a_complainant_without_email_adds_and_the_clock_runs_again(env):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "telepon", "--nama", "Bu Sari",
                       "--telepon", "0812000111", "--pokok", "Air PDAM keruh", "--isi", "Air keruh sepekan.")
    assert result.returncode == 0, result.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    through(env, number, ("sekretaris", 2, "Lengkapi: alamat rumah pengadu"))
    staff = env.official("jfu")[1]
    assert any("Mohon hubungi pengadu" in s for s in subjects(env, staff))
    assert show(env, number)["paused"]
    # A numbered notice waits in the print queue, signed by the Sekretaris a.n. the Camat, who gave it.
    [notice] = env.office.book.letters.awaiting_dispatch()
    assert notice["kind"] == "kelengkapan" and env.complaint(number)["letter_number"] is None
    text = letter_text(Path(notice["path"]))
    assert "Permohonan Kelengkapan Pengaduan" in text and "alamat rumah pengadu" in text
    assert "a.n. CAMAT PALARAN" in text and env.official("sekretaris")[0] in text and "Yth. Ibu Sari" in text
    listed = pengaduan("--config", str(env.config_path), "surat")
    assert notice["number"] in listed.stdout and "Siap dicetak" in listed.stdout
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", notice["number"], "--cara", "pos")
    assert sent.returncode == 0, sent.stderr
    assert show(env, number)["step"] == 2  # dispatching a notice moves no step
    added = pengaduan("--config", str(env.config_path), "tambahan", number, "--teks", "Jl. Durian RT 4, Rawa Makmur")
    assert added.returncode == 0, added.stderr
    assert show(env, number)["paused"] is None
    refused = pengaduan("--config", str(env.config_path), "tambahan", "PGD/1999/0001", "--teks", "x")
    assert refused.returncode == 1 and "tidak ada dalam buku" in refused.stderr


def test_teruskan_hands_the_complaint_to_the_competent_body_and_passes_its_reply_on(env):
    number = start(env)
    body = "PT PLN (Persero) ULP Samarinda Seberang"
    pln = f"pengaduan.pln@pln.{env.cast.domain}"
    through(env, number, CLARIFIED, ("camat", 3, f"Teruskan: {body}; {pln}\nMohon penanganan kabel putus di RT 12."))
    row = env.complaint(number)
    assert row["state"] == "forwarded" and row["step"] is None and row["forwarded_email"] == pln
    assert show(env, number)["state"] == "forwarded"
    [letter] = env.office.book.letters.listed(row["id"])
    assert letter["kind"] == "pelimpahan" and letter["dispatched_at"] and letter["seal"]
    text = letter_text(Path(letter["path"]))
    assert "Pelimpahan Pengaduan" in text and f"Yth. Pimpinan {body}" in text and "kabel putus di RT 12" in text
    assert "Tembusan" in text and env.cast.citizens[0][0] in text
    # The body receives the sealed letter as a PDF, the complaint inline.
    [sent] = [m for m in env.inbox(pln) if "Pelimpahan Pengaduan" in m.subject]
    [pdf] = [a for a in sent.attachments if a.filename.startswith("surat-pelimpahan-")]
    printed = " ".join(pdf_text(pdf.payload).split())
    assert letter["number"] in printed and "kewenangan PT PLN (Persero)" in printed
    assert "Sudah dua minggu lampu jalan" in " ".join(sent.text.split())
    # The citizen is told where it went.
    citizen = env.cast.citizens[0][1]
    assert any(body in m.text for m in env.inbox(citizen) if "Pelimpahan Pengaduan" in m.subject)
    # The body's reply is recorded and passed on; a stranger's copy of it is not.
    env.rig.send(reply_to(sent, ("Palsu", f"palsu@pln.{env.cast.domain}"), "Sudah kami perbaiki (palsu)."))
    env.cycle()
    answer = reply_to(sent, ("PLN ULP Samarinda Seberang", pln), "Kabel sudah kami sambung pada 8 Desember 2026.")
    env.rig.send(answer)
    env.cycle()
    passed = [m for m in env.inbox(citizen) if "Tanggapan atas Pengaduan" in m.subject]
    assert len(passed) == 1 and "8 Desember 2026" in passed[0].text and "palsu" not in passed[0].text
    kinds = [e["kind"] for e in env.office.book.events.of(row["id"])]
    assert kinds.count("tanggapan_instansi") == 1


def test_a_teruskan_line_without_an_address_is_asked_again(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Teruskan: Dinas PUPR"))
    assert env.complaint(number)["step"] == 3
    assert any("Pelimpahan belum dapat dicatat" in s for s in subjects(env, env.official("camat")[1]))


def test_two_offices_of_one_installation_forward_to_each_other_by_mail(rig):
    from tests.conftest import make_env

    with make_env(rig) as kecamatan, make_env(rig) as kelurahan:
        number = start(kecamatan)
        through(kecamatan, number, CLARIFIED,
                ("camat", 3, f"Teruskan: Kelurahan Rawa Makmur; {kelurahan.cast.office}"))
        kelurahan.cycle()
        [received] = kelurahan.office.book.complaints.listed()
        assert received["email"] == kecamatan.cast.office and "Pelimpahan Pengaduan" in received["subject"]
        assert [f for f in kelurahan.office.book.attachments.of(received["id"]) if f["filename"].endswith(".pdf")]
        # The kelurahan runs its own SOP; its answer letter goes back to the kecamatan's mailbox,
        # which passes it on to the citizen.
        through(kelurahan, received["number"], CLARIFIED, ("camat", 3, "Perbaiki."),
                ("sekretaris", 4, "Lampu di RT 12 sudah kami perbaiki."), ("camat", "4a", "Setuju"),
                ("jfu", 5, "Dikirim melalui surel."))
        kecamatan.cycle()
        citizen = kecamatan.cast.citizens[0][1]
        [passed] = [m for m in kecamatan.inbox(citizen) if "Tanggapan atas Pengaduan" in m.subject]
        assert "Kelurahan Rawa Makmur" in passed.text
        assert [a for a in passed.attachments if a.filename.endswith(".pdf")], "the kelurahan's signed letter"


def test_the_section_head_asked_for_a_report_answers_by_token_and_the_sekretaris_is_told(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Sudah dicek awal.\nSeksi: Trantib; minta laporan"))
    row = env.complaint(number)
    assert row["step"] == 3 and row["section"] == "Seksi Ketenteraman dan Ketertiban Umum"
    kasi = env.cast.sections[1]
    [request] = [m for m in env.inbox(kasi[2]) if "Permintaan laporan" in m.subject]
    assert not [m for m in env.inbox(kasi[2]) if "Untuk diketahui" in m.subject]  # the request replaces the copy
    token = request.reply_to[0].split("+")[1].split("@")[0]
    task_tokens = {t["token"] for t in env.office.book.tasks.of(row["id"])}
    assert token not in task_tokens  # it can never act on a step
    # Someone else replying with the head's token changes nothing.
    env.rig.send(reply_to(request, ("Orang lain", f"lain@{env.cast.domain}"), "Laporan palsu."))
    env.cycle()
    env.rig.send(reply_to(request, (kasi[1], kasi[2]), "Sudah kami cek: PKL berjualan di trotoar Jl. Mangga."))
    env.cycle()
    events = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "laporan_seksi"]
    assert len(events) == 1 and "Jl. Mangga" in events[0]["text"]
    told = [m for m in env.inbox(env.official("sekretaris")[1]) if "Laporan Seksi Ketenteraman" in m.subject]
    assert told and "Jl. Mangga" in told[0].text
    assert env.complaint(number)["step"] == 3  # the SOP did not move


def test_an_extension_for_a_complainant_without_email_is_a_notice_letter_with_the_new_date(env):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Pak Darto",
                       "--alamat", "Jalan Nangka Nomor 3, Palaran", "--pokok", "Drainase tersumbat", "--isi", "Banjir.")
    assert result.returncode == 0, result.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    through(env, number, CLARIFIED, ("camat", 3, "Perpanjang: 3 hari kerja, menunggu alat berat dari Dinas PUPR"))
    row = env.complaint(number)
    from office.base import answer_due

    decided_by = parse_iso(env.office.book.tasks.current(row["id"])["due_at"])
    due = answer_due(env.office, row, decided_by).astimezone(env.config.clock.tz)  # the answer's date, not the decision's
    [notice] = env.office.book.letters.awaiting_dispatch()
    text = letter_text(Path(notice["path"]))
    from letters.dates import tanggal

    assert "Perpanjangan Waktu Penanganan Pengaduan" in text and "3 (tiga) hari kerja" in text
    assert f"paling lambat {tanggal(due.date())}" in text and "CAMAT PALARAN," in text
    assert any("Mohon sampaikan perpanjangan" in s for s in subjects(env, env.official("jfu")[1]))


def _delivered(env, number):
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diperbaiki besok."),
            ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan melalui surel."))
    [delivery] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    return delivery


def test_tidak_puas_is_an_objection_the_camat_closes_with_reasons(env):
    number = start(env)
    delivery = _delivered(env, number)
    env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], "TIDAK PUAS: lampu di depan rumah saya masih mati"))
    env.cycle()
    doc = show(env, number)
    assert (doc["state"], doc["step_label"], doc["satisfaction"]) == ("open", "5a", "tidak_puas")
    assert doc["objection"]["reason"] == "Keberatan pengadu: lampu di depan rumah saya masih mati"
    assert doc["waiting_for"]["role"] == "camat"
    routing = env.routing("camat", number, "5a")
    assert "lampu di depan rumah saya masih mati" in routing.text and "Tutup:" in routing.text
    citizen = env.cast.citizens[0][1]
    assert any("belum puas" in m.text for m in env.inbox(citizen) if "Tanggapan atas Jawaban" in m.subject)
    through(env, number, ("camat", "5a", "Tutup: lampu tersebut milik PLN dan sudah dilaporkan ke PLN"))
    row = env.complaint(number)
    assert row["state"] == "closed" and row["closed_at"]
    [told] = [m for m in env.inbox(citizen) if "Keputusan atas Keberatan" in m.subject]
    assert "sudah dilaporkan ke PLN" in told.text


def test_tidak_puas_can_bring_a_new_answer_through_approval_and_delivery(env):
    number = start(env)
    delivery = _delivered(env, number)
    first = env.complaint(number)["letter_number"]
    env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], "2\nPerbaikannya hanya sementara."))
    env.cycle()
    assert env.complaint(number)["rating"] == 2
    through(env, number, ("camat", "5a", "Minta Dinas PUPR mengganti kabel seluruhnya."),
            ("sekretaris", 4, "Kabel akan diganti seluruhnya oleh Dinas PUPR pekan depan."), ("camat", "4a", "Setuju"),
            ("jfu", 5, "Disampaikan melalui surel."))
    row = env.complaint(number)
    assert row["state"] == "answered" and row["letter_number"] != first
    assert not env.office.book.letters.by_number(first)["void"]  # the first answer was delivered: it stays valid
    assert "diganti seluruhnya" in letter_text(Path(row["letter_path"]))
    answers = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    assert len(answers) == 2
    env.rig.send(reply_to(answers[-1], env.cast.citizens[0][:2], "Puas"))
    env.cycle()
    assert (env.complaint(number)["state"], env.complaint(number)["satisfaction"]) == ("closed", "puas")


def test_a_reply_after_the_answer_that_is_no_verdict_is_an_addition_and_silence_closes(env):
    number = start(env)
    delivery = _delivered(env, number)
    env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], "Kapan petugas datang ke lokasi?"))
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "answered"
    assert any(e["kind"] == "tambahan" for e in env.office.book.events.of(row["id"]))
    assert close_silent(env.office, parse_iso(row["answered_at"]) + dt.timedelta(days=5)) == 0
    assert close_silent(env.office, parse_iso(row["answered_at"]) + dt.timedelta(days=20)) == 1
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"]) == ("closed", "tidak_menanggapi")
    assert show(env, number)["satisfaction"] is None


def test_the_monthly_recap_goes_out_once_on_the_first_working_day_even_across_a_restart(rig):
    from dataclasses import replace

    from jobs.daemon import run_once
    from jobs.outgoing import send_outbox
    from office.base import Office
    from office.monthly import send_monthly_recap
    from office.recording import NewComplaint, record_complaint
    from sop.book import Book
    from tests.conftest import make_env

    with make_env(rig, monthly_reports=True) as env:
        office = env.office
        office.config = replace(office.config, reports_to=(f"inspektorat@{env.cast.domain}",))
        wita = env.config.clock.tz
        with office.book.transaction():
            for day in (3, 10, 17):
                record_complaint(office, NewComplaint(channel="telepon", name=f"Warga {day}", email=None,
                                                      subject="Lampu padam", body="Isi."),
                                 dt.datetime(2026, 11, day, 9, tzinfo=wita))
        early = dt.datetime(2026, 12, 1, 6, 30, tzinfo=wita)  # the first working day, before office hours
        assert not send_monthly_recap(office, early)
        opened = dt.datetime(2026, 12, 1, 8, 15, tzinfo=wita)
        assert send_monthly_recap(office, opened)
        send_outbox(office, opened)
        assert not send_monthly_recap(office, opened + dt.timedelta(hours=1))
        # A restart: a new office on the same book sends nothing more this month, nor does a cycle.
        again = Office(office.config, Book(office.config.database))
        assert not send_monthly_recap(again, opened + dt.timedelta(days=3))
        run_once(again, lambda: opened + dt.timedelta(days=3, hours=1))
        camat = env.official("camat")[1]
        [mail] = [m for m in env.inbox(camat) if "Rekap Pengaduan Bulan November 2026" in m.subject]
        names = sorted(a.filename for a in mail.attachments)
        assert names == ["laporan-pengaduan-2026-11.docx", "laporan-pengaduan-2026-11.pdf",
                         "laporan-pengaduan-2026-11.xlsx"]
        assert "Jumlah pengaduan: 3" in mail.text
        assert [m for m in env.inbox(f"inspektorat@{env.cast.domain}") if "November 2026" in m.subject]
        published = json.loads((env.config.files / "laporan" / "2026" / "statistik-pengaduan-2026-11.json").read_text())
        assert published["bulan"] == 11 and published["jumlah_pengaduan"] == 3
        assert "Warga" not in json.dumps(published)  # counts only, no names
        # January 2027's first working day is Monday the 4th (the 1st is a holiday): December's recap then.
        assert not send_monthly_recap(again, dt.datetime(2027, 1, 1, 9, tzinfo=wita))
        assert send_monthly_recap(again, dt.datetime(2027, 1, 4, 9, tzinfo=wita))
        again.book.close()


def test_a_repeat_about_the_same_place_is_flagged_joined_and_answered_with_the_first(env):
    env.complain(0, subject="Lampu jalan padam di RT 12 Jalan Mangga", body="Lampu di RT 12 Jalan Mangga padam.")
    env.cycle()
    env.complain(1, subject="Penerangan mati", body="Sudah seminggu gelap di Jl. Mangga RT 12, mohon diperbaiki.")
    env.cycle()
    first, second = (r["number"] for r in env.office.book.complaints.listed())
    routing = env.routing("sekretaris", second, 2)
    assert f"Kemungkinan pengaduan berulang: {first} (lokasi sama" in " ".join(routing.text.split())
    assert env.complaint(first)["state"] == "open"  # never merged by itself
    through(env, second, ("sekretaris", 2, f"Gabung: {first}"))
    assert env.complaint(second)["state"] == "linked"
    doc = show(env, second)
    assert doc["linked_to"] == first and show(env, first)["linked"] == [second]
    other = env.cast.citizens[1][1]
    assert any("Ditangani Bersama" in m.subject for m in env.inbox(other))
    _delivered(env, first)
    for number, (name, address, _, _) in zip((first, second), env.cast.citizens):
        row = env.complaint(number)
        assert row["state"] == "answered" and row["letter_number"], number
        assert name in letter_text(Path(row["letter_path"])) and "bahwa lampu diperbaiki besok." in letter_text(
            Path(row["letter_path"]))
        assert "setelah disetujui penanda tangan" in letter_text(Path(row["letter_path"]))  # the main one's approval
        [answer] = [m for m in env.inbox(address) if "Jawaban atas Pengaduan" in m.subject]
        assert [a for a in answer.attachments if a.filename.endswith(".pdf")]
    assert env.complaint(first)["letter_number"] != env.complaint(second)["letter_number"]
    # Each says PUAS or not on their own.
    [answer] = [m for m in env.inbox(other) if "Jawaban atas Pengaduan" in m.subject]
    env.rig.send(reply_to(answer, env.cast.citizens[1][:2], "PUAS"))
    env.cycle()
    assert (env.complaint(second)["state"], env.complaint(first)["state"]) == ("closed", "answered")


def test_gabung_by_staff_refuses_what_cannot_be_joined(env):
    env.complain(0)
    env.cycle()
    env.complain(1)
    env.cycle()
    first, second = (r["number"] for r in env.office.book.complaints.listed())
    refused = pengaduan("--config", str(env.config_path), "gabung", "PGD/1999/0001", second)
    assert refused.returncode == 1 and "tidak ada dalam buku" in refused.stderr
    itself = pengaduan("--config", str(env.config_path), "gabung", second, second)
    assert itself.returncode == 1 and "dirinya sendiri" in itself.stderr
    joined = pengaduan("--config", str(env.config_path), "gabung", first, second)
    assert joined.returncode == 0, joined.stderr
    row = env.complaint(second)
    assert row["state"] == "linked" and env.office.book.tasks.current(row["id"]) is None


def test_staff_record_the_word_of_a_complainant_without_email_on_the_answer(env):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "telepon", "--nama", "Bu Sari",
                       "--telepon", "0812000111", "--pokok", "Air PDAM keruh", "--isi", "Air keruh sepekan.")
    assert result.returncode == 0, result.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    early = pengaduan("--config", str(env.config_path), "tanggapan", number, "--teks", "PUAS")
    assert early.returncode == 1 and "tidak sedang menunggu tanggapan" in early.stderr
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Pipa diganti."),
            ("camat", "4a", "Setuju"))
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", number, "--cara", "langsung")
    assert sent.returncode == 0, sent.stderr
    assert env.complaint(number)["state"] == "answered"
    unclear = pengaduan("--config", str(env.config_path), "tanggapan", number, "--teks", "terima kasih")
    assert unclear.returncode == 1 and "PUAS" in unclear.stderr
    objected = pengaduan("--config", str(env.config_path), "tanggapan", number, "--teks", "TIDAK PUAS: masih keruh")
    assert objected.returncode == 0, objected.stderr
    assert show(env, number)["objection"]["reason"] == "Keberatan pengadu: masih keruh"
