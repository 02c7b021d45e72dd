"""The naskah and mails as a Sekretariat files them, on the real rig: officials addressed by
jabatan, step labels as people read them, the objection task, the undangan rapat as a
numbered letter with its PDF, the notulen with the decision, a rejection to a walk-in that
waits for its delivery, a kelengkapan notice that need not go out any more, the SP4N-LAPOR!
warning, the published statistics and the laporan as a naskah laporan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

from docx import Document
from docx.shared import RGBColor

from jobs.demo import reply_to
from letters.render import letter_text
from office.base import salutation, section_salutation
from office.deadlines import check_deadlines
from office.disposition import disposition_sheet
from office.issuing import outbox_name
from office.lapor import LAPOR_WARNING, warn_lapor
from office.notices import history
from office.reports import charts, recap, write_docx
from office.statistics import statistics_of, write_statistics
from sop.book import parse_iso
from sop.procedure import Duration
from tests.helpers import pdf_text
from tests.test_attacks import start
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import subjects, through

CLARIFIED = ("sekretaris", 2, "Klarifikasi: lampu padam di Jl. Mangga.\nSeksi: Pemerintahan")


def walk_in(env, channel: str = "langsung", **fields) -> str:
    args = ["--config", str(env.config_path), "catat", "--saluran", channel, "--nama", "Pak Darto",
            "--pokok", fields.get("pokok", "Drainase tersumbat"), "--isi", "Air meluap ke jalan."]
    args += ["--alamat", "Jl. Nangka No. 3, Palaran"] if channel == "langsung" else ["--telepon", "0812000111"]
    result = pengaduan(*args)
    assert result.returncode == 0, result.stderr
    return env.office.book.complaints.listed()[-1]["number"]


# Salutations --------------------------------------------------------------------------------
def test_officials_are_addressed_by_jabatan_and_staff_by_name():
    assert salutation("Camat", "Muhammad Dahlan, S.STP, M.Si", "Palaran") == "Camat Palaran"
    assert salutation("Sekretaris Camat", "Rina Handayani, S.Sos", "Palaran") == "Sekretaris Camat Palaran"
    assert salutation("Staf/JFU", "Agus Salim", "Palaran") == "Sdr. Agus Salim"
    assert salutation("Camat", "Yusuf", "Palaran", delegation="Plt. Camat") == "Plt. Camat Palaran"
    assert section_salutation("Kepala Seksi", "Seksi Pemerintahan") == "Kepala Seksi Pemerintahan"


def test_routing_mails_open_with_the_jabatan_never_with_jabatan_and_name(env):
    number = start(env)
    through(env, number, CLARIFIED)
    sekretaris = env.routing("sekretaris", number, 2)
    assert sekretaris.text.splitlines()[0] == "Yth. Sekretaris Camat Palaran,"
    camat = env.routing("camat", number, 3)
    assert camat.text.splitlines()[0] == "Yth. Camat Palaran,"
    assert env.official("camat")[0] not in camat.text.splitlines()[0]
    [copy] = [m for m in env.inbox(env.cast.sections[0][2]) if number in m.subject]
    assert copy.text.splitlines()[0] == "Yth. Kepala Seksi Pemerintahan,"
    # Step 1's record, as every official reads it in the history.
    assert ("Pengaduan disampaikan melalui surat elektronik (surel), dicatat dalam buku pengaduan, dan dilaporkan "
            "kepada Sekretaris Camat.") in " ".join(camat.text.split())


# Step labels, the objection ------------------------------------------------------------------
def test_the_history_in_routing_mails_names_the_approval_4a_and_the_objection_is_the_complainants(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki lampu."), ("sekretaris", 4, "Lampu diperbaiki besok."),
            ("camat", "4a", "Setuju"))
    jfu = env.routing("jfu", number, 5)
    assert jfu.text.splitlines()[0] == f"Yth. Sdr. {env.official('jfu')[0]},"
    assert "- Langkah 4a (Camat)" in jfu.text and "Langkah 6" not in jfu.text
    assert [h["step"] for h in history(env.office, env.complaint(number)["id"])] == ["1", "2", "3", "4", "4a"]
    through(env, number, ("jfu", 5, "Disampaikan melalui surel."))
    [delivery] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], "TIDAK PUAS: lampu masih mati"))
    env.cycle()
    objection = env.routing("camat", number, "5a")
    letter = env.complaint(number)["letter_number"]
    assert f"KEBERATAN PENGADU (TIDAK PUAS) atas jawaban nomor {letter}, diterima " in objection.text
    assert "> lampu masih mati" in objection.text and "dikembalikan untuk diperbaiki" not in objection.text


# Rapat: the undangan letter and the notulen ------------------------------------------------------
def test_a_meeting_brings_a_numbered_undangan_letter_and_its_notulen_is_recorded_with_the_decision(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perlu dibahas.\nRapat: ya, 15-12-2026 09.30"))
    row = env.complaint(number)
    [undangan] = [entry for entry in env.office.book.letters.listed(row["id"]) if entry["kind"] == "undangan"]
    assert undangan["dispatched_at"] and undangan["dispatch_method"] == "email"  # went with the invitations
    assert not [w for w in env.office.book.letters.awaiting_dispatch() if w["kind"] == "undangan"]
    camat = env.official("camat")[1]
    assert any("Tercatat: rapat dijadwalkan (langkah 3 tetap terbuka)" in s for s in subjects(env, camat))
    for address in (camat, env.official("sekretaris")[1], env.cast.sections[0][2]):
        [mail] = [m for m in env.inbox(address) if "Undangan rapat dinas" in m.subject]
        names = [a.filename for a in mail.attachments]
        assert f"surat-undangan-{undangan['number'].replace('/', '-')}.pdf" in names and "undangan-rapat.ics" in names
        assert "Peserta : Camat Palaran, Sekretaris Camat Palaran, Kepala Seksi Pemerintahan" in mail.text
        assert "Camat memutuskan" not in mail.text and undangan["number"] in mail.text
    pdf = Path(env.office.book.letters.get(undangan["id"])["pdf_path"])  # made once by the PDF job, as mailed
    text = " ".join(pdf_text(pdf).split())
    assert undangan["number"] in text and "Undangan Rapat Dinas" in text
    assert f"acara: pembahasan pengaduan {number}" in text and "Selasa, 15 Desember 2026" in text
    assert "a.n. CAMAT PALARAN" in text and "SEKRETARIS CAMAT" in text
    assert "Kepala Seksi Pemerintahan" in text and env.cast.citizens[0][0] not in text
    # addressed to the invitees by jabatan (the Sekretaris signs it), never "Peserta Rapat Dinas"
    assert "Yth. Camat Palaran dan Kepala Seksi Pemerintahan di Tempat" in text and "Peserta Rapat" not in text

    through(env, number, ("camat", 3, "Diputuskan dalam rapat: Dinas PUPR mengganti lampu.\n"
                                      "Notulen: hadir Camat, Sekretaris Camat, Kasi Pemerintahan; lampu diganti pekan depan."))
    row = env.complaint(number)
    assert row["step"] == 4
    [decision] = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "langkah" and e["step"] == 3]
    assert "Notulen rapat: hadir Camat" in decision["text"] and "Notulen:" not in decision["text"]
    assert "Notulen rapat: hadir Camat" in letter_text(disposition_sheet(env.office, row))
    assert "Notulen rapat: hadir Camat" in env.routing("sekretaris", number, 4).text


# Rejections to walk-ins, answered notices --------------------------------------------------------
def test_a_rejection_to_a_walk_in_waits_on_a_delivery_task_until_the_letter_is_sent(env):
    number = walk_in(env, pokok="Jalan tol rusak")
    through(env, number, ("sekretaris", 2, "Tolak: jalan tol bukan kewenangan kecamatan"),
            ("camat", 3, "Tolak: jalan tol adalah kewenangan BPJT"))
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 5)
    task = env.routing("jfu", number, 5)
    assert "SURAT PENOLAKAN UNTUK DISAMPAIKAN" in task.text and row["letter_number"] in task.text
    assert "PERHATIAN" not in task.text
    assert any("Tercatat: balasan langkah 3" in s for s in subjects(env, env.official("camat")[1]))
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", row["letter_number"], "--cara", "langsung")
    assert sent.returncode == 0, sent.stderr
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("rejected", None) and row["closed_at"]
    assert any("ditutup dengan status ditolak" in e["text"] for e in env.office.book.events.of(row["id"]))
    assert not env.office.book.letters.awaiting_dispatch()


def test_a_kelengkapan_notice_answered_before_it_went_out_leaves_the_print_queue(env):
    number = walk_in(env, channel="telepon", pokok="Air PDAM keruh")
    through(env, number, ("sekretaris", 2, "Lengkapi: alamat rumah pengadu."))
    row = env.complaint(number)
    lengkapi = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "lengkapi"]
    assert lengkapi == ["Pengadu diminta melengkapi: alamat rumah pengadu. Waktu langkah dihentikan sementara."]
    [notice] = env.office.book.letters.awaiting_dispatch()
    staff_copy = env.config.outbox / outbox_name(notice["year"], notice["number"], "kelengkapan")
    assert notice["kind"] == "kelengkapan" and staff_copy.name.startswith(f"{notice['year']}-surat-kelengkapan-")
    assert staff_copy.exists()
    added = pengaduan("--config", str(env.config_path), "tambahan", number, "--teks", "Jl. Durian RT 4")
    assert added.returncode == 0, added.stderr
    assert not env.office.book.letters.awaiting_dispatch() and not staff_copy.exists()
    entry = env.office.book.letters.by_number(notice["number"])
    assert entry["dispatch_method"] == "tidak_perlu" and "Tidak perlu dikirim" in entry["dispatch_note"]
    listed = pengaduan("--config", str(env.config_path), "surat")
    assert notice["number"] not in listed.stdout


# SP4N-LAPOR! -------------------------------------------------------------------------------------
def test_a_complaint_also_on_lapor_warns_staff_and_the_sekretaris_once_after_four_working_days(env):
    number = start(env)
    assert pengaduan("--config", str(env.config_path), "nomor-lapor", number, "LAPOR-4512").returncode == 0
    row = env.complaint(number)
    received = parse_iso(row["received_at"])
    threshold = env.config.clock.add(received, Duration(4, "days"))
    assert warn_lapor(env.office, threshold - dt.timedelta(minutes=1)) == 0
    moment = threshold
    while not env.config.clock.is_open(moment):
        moment += dt.timedelta(minutes=30)
    check_deadlines(env.office, moment)
    check_deadlines(env.office, moment + dt.timedelta(hours=1))
    warnings = [m for m in env.office.book.outbox.listed(row["id"]) if m["kind"] == "peringatan_lapor"]
    told = sorted(json.loads(m["recipients"])[0] for m in warnings)
    assert told == sorted([env.official("jfu")[1], env.official("sekretaris")[1]])
    assert all("SP4N-LAPOR! LAPOR-4512" in m["subject"] and "5 hari kerja" in m["subject"] for m in warnings)
    assert len([e for e in env.office.book.events.of(row["id"]) if e["kind"] == LAPOR_WARNING]) == 1


# Statistics and the laporan ---------------------------------------------------------------------
def test_published_statistics_name_steps_by_label_in_sop_order_and_print_no_none(env):
    number = start(env)
    through(env, number, CLARIFIED)
    now = dt.datetime.now(env.config.clock.tz)
    r = recap(env.office, "Tahun 2026", dt.date(now.year, 1, 1), dt.date(now.year + 1, 1, 1), now)
    stats = statistics_of(env.config.office_name, r, [1.0])
    assert [s["langkah"] for s in stats["langkah_sop"]] == ["2", "3", "4", "4a", "5", "5a"]
    assert stats["langkah_sop"][1]["mutu_baku"] == "10 hari kerja"
    with tempfile.TemporaryDirectory() as folder:
        json_path, csv_path = write_statistics(stats, Path(folder) / "statistik")
        text = csv_path.read_text(encoding="utf-8-sig")
    assert "None" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert ["waktu", "nilai tengah (median) hari sampai selesai", "-"] in rows
    assert ["langkah SOP", "2 (Sekretaris Camat, 10 menit)", "<3 selesai; - sesuai mutu baku"] in rows
    assert ["langkah SOP", "3 (Camat, 10 hari kerja)", "0 selesai; - sesuai mutu baku"] in rows


def test_the_laporan_is_a_naskah_laporan_with_black_headings_a_to_f_and_no_addresses(env):
    from tests.test_attacks import _make_late

    number = start(env)
    moment = _make_late(env, number)  # step 2 late: the laporan lists who held it
    r = recap(env.office, "Bulan Desember 2026", dt.date(2026, 12, 1), dt.date(2027, 1, 1), moment)
    assert r.late
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "laporan.docx"
        write_docx(r, path, charts(r), env.office, moment)
        doc = Document(str(path))
        from letters.pdf import to_pdf

        printed = " ".join(pdf_text(to_pdf(path)).split())
    headings = [p for p in doc.paragraphs if p.text[:3] in {f"{c}. " for c in "ABCDEF"}]
    assert [p.text for p in headings] == ["A. PENDAHULUAN", "B. PELAKSANAAN", "C. HASIL",
                                          "D. PERMASALAHAN DAN TINDAK LANJUT", "E. SIMPULAN DAN SARAN", "F. PENUTUP"]
    for p in headings:
        assert not p.style.name.startswith("Heading")
        assert all(run.bold and run.font.name == "Arial" and run.font.color.rgb == RGBColor(0, 0, 0) for run in p.runs)
    # Only the kop (the first table) carries an address: the office's own.
    text = "\n".join([p.text for p in doc.paragraphs] +
                     [c.text for t in doc.tables[1:] for row in t.rows for c in row.cells])
    assert "@" not in text
    assert not [a for _, a in env.cast.officials.values() if a in printed or a.split("@")[0] + "@" in printed]
    assert "Nomor 62 Tahun 2018" in text and "000.8.3.3/0957/400.02" in text
    assert "10 hari kerja" in text and "Nilai tengah (median)" in text
    assert f"{number} langkah 2 (Sekretaris Camat, {env.official('sekretaris')[0]})" in text
    assert "A. PENDAHULUAN" in printed and "F. PENUTUP" in printed
    title = [p.text for p in doc.paragraphs if p.text.strip()][:4]
    assert env.config.office_name not in " ".join(title[1:])  # the kop names the office once


# Wording ------------------------------------------------------------------------------------------
def test_the_command_line_speaks_indonesian_in_help_lihat_and_verifikasi(env):
    from click.testing import CliRunner

    from jobs.cli import main

    helped = CliRunner().invoke(main, ["catat", "--help"]).output
    flat = " ".join(helped.split())
    assert "[wajib]" in helped and "[required]" not in helped
    assert "--nama TEKS" in helped and "TEXT" not in helped and "PATH" not in helped
    assert "disampaikan secara langsung, melalui telepon, atau melalui surat" in flat
    number = walk_in(env, channel="telepon")
    through(env, number, CLARIFIED)
    shown = pengaduan("--config", str(env.config_path), "lihat", number).stdout
    name, _ = env.official("sekretaris")
    assert f"Langkah 2 (Sekretaris Camat, {name})" in shown
    assert "Pengadu : Darto\n" in shown and "<->" not in shown  # "Pak" typed by staff is the sapaan
    assert "mutu baku 10 hari kerja" in " ".join(shown.split())  # the decision step, in working days
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diperbaiki."),
            ("camat", "4a", "Setuju"))
    verified = pengaduan("--config", str(env.config_path), "verifikasi", env.complaint(number)["letter_path"])
    from letters.dates import tanggal

    assert f"tanggal {tanggal(dt.datetime.now(env.config.clock.tz).date())}, kepada" in verified.stdout


def test_the_extension_tells_the_citizen_the_date_of_the_answer_not_of_the_decision(env):
    from letters.dates import tanggal
    from office.notices import answer_due

    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perpanjang: 5 hari kerja, menunggu hasil survei"))
    row = env.complaint(number)
    decided_by = parse_iso(env.office.book.tasks.current(row["id"])["due_at"])
    clock = env.config.clock
    expected = clock.add(clock.add(clock.add(decided_by, Duration(1, "hours")), Duration(1, "days")),
                         Duration(30, "minutes"))
    assert answer_due(env.office, row, decided_by) == expected
    [told] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Perpanjangan Waktu" in m.subject]
    text = " ".join(told.text.split())
    day = tanggal(expected.astimezone(clock.tz).date())
    assert f"Jawaban atas pengaduan ini kami sampaikan paling lambat {day}. " in text  # the date only
    assert "Atas pengertian Saudara, kami ucapkan terima kasih." in text


def test_the_extension_letter_to_a_walk_in_gives_the_answers_date_and_greets_without_the_typed_honorific(env):
    from letters.dates import tanggal
    from office.notices import answer_due

    number = walk_in(env)  # staff typed "Pak Darto"
    through(env, number, CLARIFIED, ("camat", 3, "Perpanjang: 5 hari kerja, menunggu hasil survei"))
    row = env.complaint(number)
    assert (row["name"], row["sapaan"]) == ("Darto", "Bapak")
    expected = answer_due(env.office, row, parse_iso(env.office.book.tasks.current(row["id"])["due_at"]))
    [notice] = [e for e in env.office.book.letters.listed(row["id"]) if e["kind"] == "perpanjangan"]
    text = " ".join(letter_text(Path(notice["path"]).read_bytes()).split())
    day = tanggal(expected.astimezone(env.config.clock.tz).date())
    assert f"Jawaban atas pengaduan tersebut kami sampaikan paling lambat {day}." in text
    assert "Yth. Bapak Darto" in text and "Sdr." not in text and "Pak Darto" not in text.replace("Bapak Darto", "")


def test_a_walk_in_with_email_typed_with_an_honorific_is_greeted_by_it_from_the_first_mail(env):
    from office.commands import record_desk_complaint
    from sop.clock import utcnow

    citizen = env.cast.citizens[0][1]
    row = record_desk_complaint(env.office, channel="langsung", name="Bu Sari", subject="Air PDAM keruh",
                                body="Air PDAM keruh sejak kemarin.", officer="rina", now=utcnow(), email=citizen)
    assert (row["name"], row["sapaan"]) == ("Sari", "Ibu")
    env.cycle()
    [ack] = [m for m in env.inbox(citizen) if row["number"] in m.subject]
    text = " ".join(ack.text.split())
    assert "Yth. Ibu Sari" in text and "Sdr." not in text  # the acknowledgement, not only later letters


def test_a_rating_of_four_is_acknowledged_with_its_value(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diperbaiki."),
            ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan melalui surel."))
    citizen = env.cast.citizens[0]
    [delivery] = [m for m in env.inbox(citizen[1]) if "Jawaban atas Pengaduan" in m.subject]
    text = " ".join(delivery.text.split())
    assert "Bersama ini kami sampaikan surat Camat Palaran nomor" in text and text.count("terlampir") == 1
    assert "SP4N-LAPOR! (www.lapor.go.id) atau kepada Ombudsman Republik Indonesia" in text
    env.rig.send(reply_to(delivery, citizen[:2], "4"))
    env.cycle()
    [told] = [m for m in env.inbox(citizen[1]) if "Tanggapan atas Jawaban" in m.subject]
    assert (f"Kami mencatat bahwa Saudara puas atas jawaban pengaduan nomor {number} dengan nilai 4 (sangat baik), "
            "dan pengaduan ini kami nyatakan selesai.") in " ".join(told.text.split())


def test_an_objection_is_acknowledged_with_the_date_the_camat_decides_it_by(env):
    from letters.dates import tanggal

    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diperbaiki."),
            ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan melalui surel."))
    citizen = env.cast.citizens[0]
    [delivery] = [m for m in env.inbox(citizen[1]) if "Jawaban atas Pengaduan" in m.subject]
    env.rig.send(reply_to(delivery, citizen[:2], "TIDAK PUAS: lampu masih padam"))
    env.cycle()
    row = env.complaint(number)
    due = parse_iso(env.office.book.tasks.current(row["id"])["due_at"]).astimezone(env.config.clock.tz).date()
    [told] = [m for m in env.inbox(citizen[1]) if "Tanggapan atas Jawaban" in m.subject]
    assert f"kami teruskan kepada Camat untuk diputuskan paling lambat {tanggal(due)}." in " ".join(told.text.split())


def test_the_undangan_of_a_confidential_complaint_names_neither_the_complainant_nor_their_subject(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan\nRahasia: ya\nPokok: penerangan jalan"),
            ("camat", 3, "Rapat: ya, 15-12-2026 09.30"))
    [mail] = [m for m in env.inbox(env.cast.sections[0][2]) if "Undangan rapat dinas" in m.subject]
    [letter] = [a for a in mail.attachments if a.filename.startswith("surat-undangan-")]
    assert letter.filename.endswith(".pdf")  # the naskah as filed, not an editable Word file
    filed = letter.filename.removeprefix("surat-undangan-").removesuffix(".pdf").replace("-", "/")
    undangan = env.office.book.letters.by_number(filed)
    text = letter_text(Path(undangan["path"]).read_bytes())
    name, _, subject, _ = env.cast.citizens[0]
    assert "perihal penerangan jalan" in " ".join(text.split())
    assert name not in text and subject not in text
