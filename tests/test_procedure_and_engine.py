"""The SOP as data and the pure engine that runs it."""

from __future__ import annotations

import datetime as dt

import pytest

from sop.engine import Case, CloseTask, IssueLetter, Log, Notify, OpenTask, Recorded, Reply, advance
from sop.keywords import match_section, split_keywords
from sop.procedure import Duration, SopError, load_procedure, parse_procedure

NOW = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.timezone.utc)
SECTIONS = ("Seksi Pemerintahan", "Seksi Ketenteraman dan Ketertiban Umum", "Seksi Pelayanan Umum")


def test_default_sop_is_the_five_steps_of_palaran_and_the_offices_approval():
    sop = load_procedure()
    assert [(s.no, s.role, str(s.time)) for s in sop.steps if not s.addition] == [
        (1, "jfu", "30 menit"), (2, "sekretaris", "10 menit"), (3, "camat", "10 hari"),
        (4, "sekretaris", "1 jam"), (5, "jfu", "30 menit")]
    assert sop.main_steps == 5
    assert sop.number == "000.8.3.3/0957/400.02"
    assert sop.step(3).note == "SOP Rapat Dinas"
    # The approval is the office's addition, read as step "4a", between the answer and its delivery.
    approval = sop.step(6)
    assert approval.addition and approval.approval and approval.shown == "4a" and str(approval.time) == "1 hari"
    assert [s.no for s in sop.walk()] == [1, 2, 3, 4, 6, 5]
    assert sop.with_signer("camat").step(6).role == "camat"
    assert sop.previous_step(5).no == 4  # a letter to correct goes back to its writer



def test_durations_read_the_sop_wording():
    assert Duration.parse("Maksimal 10 hari") == Duration(10, "days")
    assert Duration.parse("1 jam") == Duration(1, "hours")
    with pytest.raises(ValueError):
        Duration.parse("sebentar")


def test_sop_errors_name_the_line_and_the_key():
    text = '[sop]\nname = "x"\n\n[[steps]]\nno = 1\nrole = "jfu"\nactivity = "a"\ninput = "i"\n' \
           'output = "o"\ntime = "30 menit"\nautomatic = true\n\n[[steps]]\nno = 2\nrole = "camat"\n' \
           'activity = "a"\ninput = "i"\noutput = "o"\ntime = "lama sekali"\ninstruction = "balas"\n'
    import tomllib

    with pytest.raises(SopError, match=r"baris 13 \(langkah ke-2\): waktu tidak dikenal"):
        parse_procedure(tomllib.loads(text), text, "kantor.toml")
    bad_effect = text.replace('time = "lama sekali"', 'time = "1 jam"\non_done = ["terbang"]')
    with pytest.raises(SopError, match="on_done' tidak dikenal: terbang"):
        parse_procedure(tomllib.loads(bad_effect), bad_effect, "kantor.toml")


def test_recording_acknowledges_reports_and_opens_step_two():
    sop = load_procedure()
    out = advance(Case("PGD/2026/0001"), Recorded(text="dicatat"), NOW, sop, SECTIONS)
    assert out.case.step == 2 and out.case.state == "open"
    assert out.effects == (Log(1, "sistem", "langkah", "dicatat"), CloseTask(1, "dicatat"),
                           Notify("tanda_terima", "complainant", 1), Notify("salinan_pencatatan", "jfu", 1),
                           OpenTask(2))


def test_a_complainant_without_email_gets_no_acknowledgement_email():
    out = advance(Case("X", has_email=False), Recorded(), NOW, load_procedure())
    assert not [e for e in out.effects if isinstance(e, Notify) and e.to == "complainant"]


def test_clarification_names_the_section_and_copies_its_head():
    sop = load_procedure()
    out = advance(Case("X", step=2), Reply(2, "sek@x", "Sudah diklarifikasi.\nSeksi: ketertiban"), NOW, sop, SECTIONS)
    assert out.case.section == "Seksi Ketenteraman dan Ketertiban Umum" and out.case.step == 3
    assert Log(2, "sek@x", "langkah", "Sudah diklarifikasi.") in out.effects
    assert Notify("salinan_seksi", "section", 2) in out.effects


def test_unknown_section_is_noted_and_no_copy_goes_out():
    out = advance(Case("X", step=2), Reply(2, "s", "Ok.\nSeksi: Keuangan"), NOW, load_procedure(), SECTIONS)
    assert out.case.section is None
    assert not [e for e in out.effects if isinstance(e, Notify) and e.to == "section"]
    assert any(isinstance(e, Log) and "tidak dikenali" in e.text for e in out.effects)


def test_section_matching_is_by_any_word_and_refuses_ties():
    assert match_section("PEMERINTAHAN", SECTIONS) == "Seksi Pemerintahan"
    assert match_section("Seksi Pelayanan", SECTIONS) == "Seksi Pelayanan Umum"
    assert match_section("umum", SECTIONS) is None  # two sections share the word
    assert match_section("seksi", SECTIONS) is None


def test_meeting_keyword_and_decision_lead_to_step_four():
    out = advance(Case("X", step=3), Reply(3, "c", "Tindak lanjuti.\nrapat: YA"), NOW, load_procedure())
    assert out.case.meeting is True and out.case.step == 4
    assert Log(3, "c", "langkah", "Tindak lanjuti.") in out.effects


def test_answer_becomes_a_konsep_for_the_signer_who_approves_it():
    sop = load_procedure().with_signer("camat")
    out = advance(Case("X", step=4), Reply(4, "s", "Jawaban."), NOW, sop)
    assert out.case.draft == "Jawaban." and out.case.step == 6
    assert not [e for e in out.effects if isinstance(e, IssueLetter)]
    assert OpenTask(6) in out.effects
    # Anything but a decision leaves the konsep waiting, and the signer is asked again.
    unclear = advance(out.case, Reply(6, "c", "Nanti saya baca."), NOW, sop)
    assert not unclear.acted and unclear.effects == (Notify("persetujuan_belum_jelas", "actor", 6),)
    # Approval: the konsep (not the word "Setuju") becomes the letter, before step 5 opens.
    approved = advance(out.case, Reply(6, "c", "Setuju."), NOW, sop)
    kinds = [type(e) for e in approved.effects]
    assert IssueLetter("Jawaban.") in approved.effects and kinds.index(IssueLetter) < kinds.index(OpenTask)
    assert approved.case.step == 5 and approved.case.draft is None
    # Perbaiki: back to the writer with the note.
    fix = advance(out.case, Reply(6, "c", "Perbaiki: sebutkan tanggal perbaikan"), NOW, sop)
    assert fix.case.step == 4 and OpenTask(4, note="sebutkan tanggal perbaikan") in fix.effects
    assert not [e for e in fix.effects if isinstance(e, IssueLetter)]


def test_when_the_writer_signs_the_konsep_is_the_letter_at_once():
    sop = load_procedure().with_signer("sekretaris")
    out = advance(Case("X", step=4), Reply(4, "s", "Jawaban."), NOW, sop)
    kinds = [type(e) for e in out.effects]
    assert IssueLetter("Jawaban.") in out.effects and kinds.index(IssueLetter) < kinds.index(OpenTask)
    assert out.case.step == 5 and OpenTask(5) in out.effects and OpenTask(6) not in out.effects


def test_a_meeting_keeps_step_three_open_until_the_decision():
    sop = load_procedure().with_signer("camat")
    out = advance(Case("X", step=3), Reply(3, "c", "Rapat: ya, 12-01-2026 09.00\nKita bahas bersama."), NOW, sop)
    assert out.acted and out.case.step == 3 and out.case.meeting
    assert not [e for e in out.effects if isinstance(e, (CloseTask, OpenTask))]
    decided = advance(out.case, Reply(3, "c", "Jalan diperbaiki oleh kelurahan."), NOW, sop)
    assert decided.case.step == 4 and CloseTask(3, "Jalan diperbaiki oleh kelurahan.") in decided.effects
    # "Rapat: ya" without a date records that a meeting is needed and decides at once.
    undated = advance(Case("X", step=3), Reply(3, "c", "Rapat: ya\nDiperbaiki."), NOW, sop)
    assert undated.case.step == 4


def test_step_two_only_proposes_a_rejection_the_camat_decides():
    sop = load_procedure()
    out = advance(Case("X", step=2), Reply(2, "s", "Tolak: urusan PLN"), NOW, sop)
    assert out.case.state == "open" and out.case.step == 3
    assert any(isinstance(e, Log) and e.kind == "usul_tolak" for e in out.effects)
    closed = advance(out.case, Reply(3, "c", "Tolak: bukan kewenangan kecamatan, urusan PLN"), NOW, sop)
    assert closed.case.state == "rejected"


def test_a_rejection_without_email_is_a_letter_that_waits_for_its_delivery():
    sop = load_procedure()
    out = advance(Case("X", step=3, has_email=False), Reply(3, "c", "Tolak: urusan PLN"), NOW, sop)
    assert (out.case.state, out.case.step, out.case.rejecting) == ("open", 5, True)
    letters = [e for e in out.effects if isinstance(e, IssueLetter)]
    assert len(letters) == 1 and "urusan PLN" in letters[0].answer
    done = advance(out.case, Reply(5, "jfu", "Diserahkan langsung.", delivery="langsung"), NOW, sop)
    assert (done.case.state, done.case.step) == ("rejected", None)


def test_lengkapi_pauses_and_any_later_action_resumes():
    from sop.engine import Lapsed, Pause, Resume

    sop = load_procedure()
    out = advance(Case("X", step=2), Reply(2, "s", "Lengkapi: foto lokasi dan alamat lengkap"), NOW, sop)
    assert out.case.paused and out.case.step == 2 and Pause("foto lokasi dan alamat lengkap") in out.effects
    assert Notify("permintaan_kelengkapan", "complainant", 2, {"what": "foto lokasi dan alamat lengkap"}) in out.effects
    phone = advance(Case("X", step=2, has_email=False), Reply(2, "s", "Lengkapi: alamat"), NOW, sop)
    assert Notify("hubungi_pengadu", "jfu", 2, {"what": "alamat"}) in phone.effects
    resumed = advance(out.case, Reply(2, "s", "Seksi: Pemerintahan"), NOW, sop, SECTIONS)
    assert Resume() in resumed.effects and not resumed.case.paused and resumed.case.step == 3
    lapsed = advance(out.case, Lapsed(), NOW, sop)
    assert lapsed.case.state == "closed" and Notify("ditutup_tanpa_kelengkapan", "complainant", 2) in lapsed.effects


def test_perpanjang_extends_within_what_the_sop_allows():
    from sop.engine import Extend

    sop = load_procedure()
    out = advance(Case("X", step=3), Reply(3, "c", "Perpanjang: 5 hari kerja, menunggu hasil survei"), NOW, sop)
    assert out.case.step == 3 and Extend(5, "menunggu hasil survei") in out.effects and out.case.extended_days == 5
    assert Notify("perpanjangan", "complainant", 3, {"days": 5, "reason": "menunggu hasil survei"}) in out.effects
    again = advance(out.case, Reply(3, "c", "Perpanjang: 6 hari kerja, cuaca"), NOW, sop)
    assert not again.acted and again.effects[0].template == "perpanjangan_ditolak"
    at_two = advance(Case("X", step=2), Reply(2, "s", "Perpanjang: 2 hari kerja, x"), NOW, sop)
    assert not at_two.acted  # not a keyword of step 2: the line is dropped, nothing else was written
    phone = advance(Case("X", step=3, has_email=False), Reply(3, "c", "Perpanjang: 2 hari kerja, survei"), NOW, sop)
    assert Notify("sampaikan_perpanjangan", "jfu", 3, {"days": 2, "reason": "survei"}) in phone.effects


def test_delivery_sends_the_letter_and_waits_for_the_complainants_word():
    from sop.engine import Feedback, Lapsed

    sop = load_procedure()
    out = advance(Case("X", step=5), Reply(5, "j", "Diserahkan."), NOW, sop)
    assert out.case.state == "answered" and out.case.step is None
    assert Notify("surat_jawaban", "complainant", 5) in out.effects
    assert not [e for e in out.effects if isinstance(e, OpenTask)]
    answered = out.case
    happy = advance(answered, Feedback("w", "PUAS sekali, terima kasih"), NOW, sop)
    assert (happy.case.state, happy.case.satisfaction) == ("closed", "puas")
    rated = advance(answered, Feedback("w", "2\nPerbaikannya belum tuntas."), NOW, sop)
    assert (rated.case.state, rated.case.step, rated.case.rating) == ("open", 7, 2)
    assert OpenTask(7, note="Keberatan pengadu: Perbaikannya belum tuntas.") in rated.effects
    unhappy = advance(answered, Feedback("w", "Tidak puas: lampu masih mati"), NOW, sop)
    assert unhappy.case.satisfaction == "tidak_puas" and unhappy.case.step == 7
    neither = advance(answered, Feedback("w", "Apakah petugas datang besok?"), NOW, sop)
    assert not neither.acted and neither.case == answered
    silent = advance(answered, Lapsed(), NOW, sop)
    assert (silent.case.state, silent.case.satisfaction) == ("closed", "tidak_menanggapi")
    # The Camat decides the objection: a new answer (back to step 4), or a reasoned closing.
    again = advance(unhappy.case, Reply(7, "c", "Minta Dinas PUPR memeriksa ulang."), NOW, sop)
    assert again.case.step == 4 and OpenTask(4) in again.effects
    closed = advance(unhappy.case, Reply(7, "c", "Tutup: lampu telah diperiksa dan menyala"), NOW, sop)
    assert closed.case.state == "closed"
    assert Notify("keberatan_ditutup", "complainant", 7, {"reason": "lampu telah diperiksa dan menyala"}) in closed.effects


def test_feedback_is_read_from_the_first_words():
    from sop.keywords import parse_feedback

    assert parse_feedback("PUAS") == ("puas", None, "")
    assert parse_feedback("Saya sangat puas.") == ("puas", None, "")
    assert parse_feedback("TIDAK PUAS: masih gelap") == ("tidak_puas", None, "masih gelap")
    assert parse_feedback("belum puas, karena belum diperbaiki") == ("tidak_puas", None, "karena belum diperbaiki")
    assert parse_feedback("Nilai: 3") == ("puas", 3, "")
    assert parse_feedback("1/4 pelayanannya lambat") == ("tidak_puas", 1, "pelayanannya lambat")
    assert parse_feedback("12 Desember lampu mati lagi") is None and parse_feedback("5") is None
    assert parse_feedback("Terima kasih") is None


def test_empty_reply_or_wrong_step_changes_nothing():
    sop = load_procedure()
    case = Case("X", step=2)
    empty = advance(case, Reply(2, "s", "   "), NOW, sop)
    assert not empty.acted and empty.case == case and empty.effects == (Notify("balasan_kosong", "actor", 2),)
    wrong = advance(case, Reply(3, "s", "Putus."), NOW, sop)
    assert not wrong.acted and wrong.case == case
    closed = advance(Case("X", state="closed", step=None), Reply(5, "s", "x"), NOW, sop)
    assert not closed.acted


def test_keywords_are_only_taken_where_the_step_understands_them():
    found, rest = split_keywords("Teks.\nRapat: ya\nSeksi: x", ("seksi",))
    # A keyword line the step does not take is not text either: it is set aside, to be noted.
    assert found == {"seksi": "x", "": "Rapat: ya"} and rest == "Teks."


def test_another_office_sop_with_other_steps_runs_without_code_changes():
    import tomllib

    text = """
[sop]
name = "Pengaduan Kelurahan"
[[steps]]
no = 1
role = "staf"
activity = "Mencatat"
input = "Pengaduan"
output = "Tercatat"
time = "1 jam"
automatic = true
on_done = ["acknowledge"]
[[steps]]
no = 2
role = "lurah"
activity = "Menjawab"
input = "Tercatat"
output = "Jawaban"
time = "3 hari"
instruction = "Balas dengan jawaban."
on_done = ["issue_letter", "deliver_letter"]
"""
    sop = parse_procedure(tomllib.loads(text), text)
    first = advance(Case("K-1"), Recorded(), NOW, sop)
    assert first.case.step == 2
    last = advance(first.case, Reply(2, "lurah@x", "Sudah diperbaiki."), NOW, sop)
    assert last.case.state == "closed"
    assert IssueLetter("Sudah diperbaiki.") in last.effects


def test_a_complainant_without_email_is_told_of_a_forward_and_an_objections_closing_by_letter():
    from sop.engine import IssueNotice

    sop = load_procedure()
    forwarded = advance(Case("X", step=3, has_email=False), Reply(3, "c", "Teruskan: PT PLN; pln@pln.test"), NOW, sop)
    assert forwarded.case.state == "forwarded" and IssueNotice("dilimpahkan", "PT PLN", "camat") in forwarded.effects
    closed = advance(Case("X", step=7, has_email=False), Reply(7, "c", "Tutup: sudah sesuai"), NOW, sop)
    assert closed.case.state == "closed" and IssueNotice("keberatan", "sudah sesuai", "camat") in closed.effects
