"""A complainant without email follows their complaint with the access code on the receipt:
`STATUS <nomor> <kode>` from any address gets the state only; wrong codes tell nothing and
lock the number for the hour. The receipt and the acknowledgement show the code, the answer's
date and the office's contact line (UU 25/2009 Pasal 36)."""

from __future__ import annotations

import json
import re

from intake.citizen import CODE_ALPHABET, asks_status, code_request
from letters.dates import tanggal
from office.access import answer_due, new_access_code
from office.status import WRONG_PER_HOUR
from sop.book import parse_iso
from tests.test_attacks import start
from tests.test_cli import pengaduan

CONTACT = ("Pengelola pengaduan: Sekretaris Camat Palaran; Telepon (0541) 000000; Loket Pengaduan; "
           "Senin–Jumat pukul 07.30–16.00 WITA")


def test_codes_use_six_characters_without_look_alikes():
    assert set(CODE_ALPHABET).isdisjoint("0O1IL") and len(set(CODE_ALPHABET)) == 31
    codes = {new_access_code() for _ in range(500)}
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes) and len(codes) > 490


def test_status_with_a_code_is_read_in_the_subject_or_the_first_line_in_any_case():
    ask = code_request("STATUS PGD/2026/0003 k7q-2mx", "")
    assert (ask.number, ask.code) == ("PGD/2026/0003", "K7Q2MX")
    assert code_request("Re: status pgd/2026/0003 K7Q 2MX", "").code == "K7Q2MX"
    assert code_request("Pertanyaan", "\nSTATUS PGD/2026/0003 kode akses: K7Q2MX\nSalam, Budi").code == "K7Q2MX"
    assert code_request("STATUS PGD/2026/0003", "STATUS") is None  # the complainant's own request
    assert code_request("Pertanyaan", "Lampu padam.\nSTATUS PGD/2026/0003 K7Q2MX") is None  # not the first line
    assert asks_status("STATUS PGD/2026/0003 K7Q2MX")


def _walk_in(env, tmp_path) -> dict:
    """A walk-in without email recorded at the counter (`catat`), with one scan handed in."""
    scan = tmp_path / "ktp-darto.pdf"
    scan.write_bytes(b"%PDF-1.4 pindaian")
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Pak Darto",
                       "--telepon", "0812000111", "--pokok", "Drainase tersumbat",
                       "--isi", "Drainase di gang 7 tersumbat sampah.", "--lampiran", str(scan), "--petugas", "Agus")
    assert result.returncode == 0, result.stderr
    [row] = env.office.book.complaints.listed()
    return row


def _ask(env, sender: str, subject: str, body: str = "Terima kasih.") -> None:
    env.send(sender, env.cast.office, subject, body)
    env.cycle()


def test_a_walk_ins_receipt_carries_the_code_the_contact_line_and_both_signatures(env, tmp_path):
    from docx import Document

    row = _walk_in(env, tmp_path)
    code = row["access_code"]
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    year = parse_iso(row["received_at"]).astimezone(env.config.clock.tz).year
    docx = env.config.files / "tanda-terima" / str(year) / f"tanda-terima-{row['number'].replace('/', '-')}.docx"
    doc = Document(str(docx))
    cells = {r.cells[0].text: r.cells[1].text for t in doc.tables for r in t.rows if len(r.cells) == 2}
    assert cells["Kode akses"] == code and cells["Telepon pengadu"] == "0812000111"
    assert cells["Berkas yang diserahkan"] == "1 berkas (lampiran-1.pdf)"  # the office's name, not the citizen's
    due = answer_due(env.office, parse_iso(row["received_at"])).astimezone(env.config.clock.tz).date()
    assert cells["Jawaban paling lambat"] == tanggal(due)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Kode akses: {code}" in text and f"dengan subjek STATUS {row['number']} {code}" in text
    assert CONTACT in text
    signatures = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Yang menyerahkan," in signatures and "Pengadu" in signatures
    assert "Yang menerima," in signatures and "Petugas" in signatures and "Agus" in signatures
    shown = json.loads(pengaduan("--config", str(env.config_path), "lihat", row["number"], "--json").stdout)
    assert shown["access_code"] == code


def test_a_stranger_with_the_right_code_is_told_the_state_only(env, tmp_path):
    row = _walk_in(env, tmp_path)
    stranger = f"tetangga@warga.{env.cast.domain}"
    code = row["access_code"].lower()
    _ask(env, stranger, f"STATUS {row['number']} {code[:3]}-{code[3:]}")
    [answer] = env.inbox(stranger)
    assert answer.subject == f"Status Pengaduan No. {row['number']} – Kecamatan Palaran"
    assert "pengaduan sedang diklarifikasi oleh Sekretaris Camat (langkah 2 dari 5)" in answer.text
    due = answer_due(env.office, parse_iso(row["received_at"])).astimezone(env.config.clock.tz).date()
    assert f"Jawaban diperkirakan paling lambat {tanggal(due)}" in answer.text
    for private in ("Darto", "Drainase", "gang 7", "0812000111", row["access_code"], "lampiran"):
        assert private.lower() not in answer.text.lower(), private
    assert not any("+w-" in a for a in answer.reply_to)  # the complainant's reply address is not handed out
    assert len(env.office.book.complaints.listed()) == 1 and env.complaint(row["number"])["step"] == 2


def test_wrong_codes_tell_nothing_and_six_lock_the_number_for_the_hour(env, tmp_path):
    row = _walk_in(env, tmp_path)
    wrong = next(c for c in ("AAAAAA", "BBBBBB") if c != row["access_code"])
    guessers = [f"penebak{i}@warga.{env.cast.domain}" for i in range(WRONG_PER_HOUR + 1)]
    for guesser in guessers:  # each from its own mailbox: the number's own count locks it
        env.send(guesser, env.cast.office, f"STATUS {row['number']} {wrong}", "")
    env.cycle()
    assert not any(env.inbox(g) for g in guessers)  # no oracle: nothing told for a wrong code
    assert len(env.office.book.messages.listed("kode_salah")) == WRONG_PER_HOUR + 1
    owner_friend = f"keluarga@warga.{env.cast.domain}"
    _ask(env, owner_friend, f"STATUS {row['number']} {row['access_code']}")
    assert not env.inbox(owner_friend)  # locked: even the right code gets no answer this hour
    alerts = [m for m in env.inbox(env.official("jfu")[1]) if "kode akses salah" in m.subject]
    assert len(alerts) == 1 and row["number"] in alerts[0].subject
    assert row["access_code"] not in alerts[0].text


def test_one_mailbox_guessing_across_numbers_is_locked_too(env, tmp_path):
    row = _walk_in(env, tmp_path)
    guesser = f"penebak@warga.{env.cast.domain}"
    for serial in range(1, WRONG_PER_HOUR + 1):  # numbers the book does not hold
        env.send(guesser, env.cast.office, f"STATUS PGD/2001/{serial:04d} AAAAAA", "")
    env.cycle()
    _ask(env, guesser, f"STATUS {row['number']} {row['access_code']}")
    assert not env.inbox(guesser)


def test_the_email_acknowledgement_shows_code_due_date_and_contact(env):
    number = start(env)
    row = env.complaint(number)
    [ack] = env.inbox(env.cast.citizens[0][1])
    text = " ".join(ack.text.split())
    due = answer_due(env.office, parse_iso(row["received_at"])).astimezone(env.config.clock.tz).date()
    assert f"Kode akses: {row['access_code']}" in text and f"paling lambat {tanggal(due)}" in text
    assert f"subjek STATUS {number} {row['access_code']}" in text and CONTACT in text
    assert "hanya dapat dilihat oleh pejabat yang menanganinya" in text
    assert re.search(r"Kode akses: [A-Z2-9]{6}\b", text)



def test_every_page_of_a_letter_ends_with_the_contact_line_and_the_pdf_still_verifies(tmp_path):
    import subprocess
    from dataclasses import replace

    from docx import Document

    from letters.pdf import to_pdf
    from letters.render import render_letter
    from letters.seal import key_id, make_key, seal
    from letters.verify import verify_docx, verify_pdf
    from tests.test_letters_register_and_seal import HEAD, SIGNER, letter

    key = make_key(tmp_path / "kunci" / "segel.key")
    data = letter(answer="\n\n".join(f"Paragraf jawaban ke-{i} yang cukup panjang untuk memenuhi halaman surat. " * 4
                                      for i in range(12)))
    docx = tmp_path / "surat.docx"
    docx.write_bytes(render_letter(data, replace(HEAD, footer=CONTACT), SIGNER, sealer=lambda tokens: seal(
        key, number=data.number, date=data.date.isoformat(), addressee=data.addressee, tokens=tokens)).data)
    section = Document(str(docx)).sections[0]
    for footer in (section.footer, section.first_page_footer):
        assert CONTACT in "\n".join(p.text for p in footer.paragraphs)
    keys = {key_id(key.public_key()): key.public_key()}
    assert verify_docx(docx.read_bytes(), keys).valid
    pdf = to_pdf(docx)
    pages = [p for p in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split("\f") if p.strip()]
    assert len(pages) >= 2 and all("Pengelola pengaduan" in " ".join(p.split()) for p in pages)
    assert verify_pdf(pdf, keys).valid  # the footer is outside the seal, and the check removes it


def test_periksa_warns_when_the_offices_phone_or_hours_are_missing(env):
    from dataclasses import replace

    from jobs.doctor import _complaint_desk

    complete = _complaint_desk(env.config)
    assert complete.ok and complete.detail == CONTACT
    bare = _complaint_desk(replace(env.config, complaint_desk=replace(env.config.complaint_desk, phone="", hours="")))
    assert not bare.ok and bare.warning and "phone dan hours" in bare.detail
