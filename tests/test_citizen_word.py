"""A citizen's word is the citizen's, and delivery reports count only from our own bounces.

Each attack runs against the real rig: forged mail goes in by SMTP, the daemon runs, and the
book and the real mailboxes are read back.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from intake.classify import Identity, classify
from intake.envelope import delivered_to
from intake.parse import parse_message
from jobs.demo import reply_to
from jobs.outgoing import send_outbox
from office.notices import send_digests
from tests.test_attacks import _dsn, start
from tests.test_sop_over_mail import through

ANSWERED_STEPS = (("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
                  ("sekretaris", 4, "Lampu diperbaiki besok."), ("camat", "4a", "Setuju"),
                  ("jfu", 5, "Disampaikan melalui surel."))


def _answered(env):
    """A complaint whose answer was delivered, and the delivery mail in the citizen's mailbox."""
    number = start(env)
    through(env, number, *ANSWERED_STEPS)
    [delivery] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    assert env.complaint(number)["state"] == "answered"
    return number, delivery


def _forged(env, number: str, text: str, **headers: str) -> None:
    """A new mail (not a reply) with the complainant's From and the number in the subject."""
    name, address = env.cast.citizens[0][:2]
    msg = EmailMessage()
    msg["From"], msg["To"] = f"{name} <{address}>", env.cast.office
    msg["Subject"], msg["Message-ID"] = f"Tanggapan pengaduan {number}", make_msgid(domain="jahat.test")
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(text)
    env.rig.send(msg)


# 1. The citizen's word ----------------------------------------------------------------------
def test_a_forged_puas_with_the_number_in_the_subject_changes_nothing(env):
    number, delivery = _answered(env)
    row = env.complaint(number)
    _forged(env, number, "PUAS")
    # Citing the complaint's own thread reference, which anyone can write from its number.
    _forged(env, number, "4", In_Reply_To=env.config.identity.thread_id(number))
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"], row["rating"]) == ("answered", None, None)
    events = env.office.book.events.of(row["id"])
    assert [e["text"] for e in events if e["kind"] == "tambahan"] == ["PUAS", "4"]  # kept, as additions
    assert not [e for e in events if e["kind"] in ("kepuasan", "keberatan", "selesai")]
    assert not [m for m in env.inbox(env.cast.citizens[0][1]) if "Tanggapan atas Jawaban" in m.subject]
    # The same word as a reply to the delivery mail, as a mail app writes it, closes it.
    assert delivery.reply_to and "+w-" in delivery.reply_to[0]
    env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], "PUAS"))
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"]) == ("closed", "puas")


def test_a_forged_tidak_puas_opens_no_objection(env):
    number, _ = _answered(env)
    camat = env.official("camat")[1]
    before = len(env.inbox(camat))
    _forged(env, number, "TIDAK PUAS: palsu")
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["step"], row["satisfaction"]) == ("answered", None, None)
    assert len(env.inbox(camat)) == before


def test_a_reply_citing_our_mail_to_the_complainant_carries_their_word(env):
    """A mail app that drops the Reply-To still threads: our Message-ID to them in In-Reply-To."""
    number, delivery = _answered(env)
    name, address = env.cast.citizens[0][:2]
    msg = reply_to(delivery, (name, address), "TIDAK PUAS: lampu masih mati")
    msg.replace_header("To", env.cast.office)
    env.rig.send(msg)
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["step"], row["satisfaction"]) == ("open", env.config.procedure.objection_step.no,
                                                                "tidak_puas")


def test_the_reply_token_of_another_complaint_does_not_carry_the_word_of_a_stranger(env):
    number, delivery = _answered(env)
    msg = reply_to(delivery, ("Orang Lain", "orang.lain@warga.test"), "PUAS")
    env.rig.send(msg)
    env.cycle()
    assert env.complaint(number)["state"] == "answered"


def test_the_acknowledgement_and_the_delivery_say_how_to_reply():
    from letters.mail import render_mail

    base = {"office": {"name": "Kecamatan Palaran", "parent": "", "address": "", "head": "Camat Palaran"},
            "silence_days": 10,
            "c": {"number": "PGD/2026/0001", "greeting": "Bapak Budi", "you": "Bapak", "subject": "Lampu", "pokok": None,
                  "received": "07-12-2026", "attachments": [], "refused": [], "attachment_count": 0},
            "letter_number": "000.8.3.3/1/400"}
    delivery = render_mail("surat_jawaban", **base).body
    ack = render_mail("tanda_terima", **base).body
    for text in (delivery, ack):
        assert "PUAS" in text and "TIDAK PUAS: <alasan" in text and "balasan atas surel" in text


# 2. An objection's additions reach the Camat at most once an hour ----------------------------
def test_six_tidak_puas_open_one_objection_and_reach_the_camat_once_then_as_one_digest(env):
    number, delivery = _answered(env)
    camat = env.official("camat")[1]
    before = len(env.inbox(camat))
    for i in range(6):
        env.rig.send(reply_to(delivery, env.cast.citizens[0][:2], f"TIDAK PUAS: alasan ke-{i}"))
    env.cycle()
    row = env.complaint(number)
    objection = env.config.procedure.objection_step.no
    assert (row["state"], row["step"]) == ("open", objection)
    assert len([t for t in env.office.book.tasks.of(row["id"]) if t["step"] == objection]) == 1  # one objection
    events = env.office.book.events.of(row["id"])
    kept = [e["text"] for e in events if e["kind"] in ("keberatan", "tambahan")]
    assert len(kept) == 6 and all(any(f"alasan ke-{i}" in t for t in kept) for i in range(6))
    arrived = env.inbox(camat)[before:]
    assert len(arrived) == 1 and "Tugas langkah 5a" in " ".join(arrived[0].subject.split())
    env.cycle()  # within the hour the sweep sends nothing more
    assert len(env.inbox(camat)) == before + 1
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=61)
    assert send_digests(env.office, later) == 1 and send_digests(env.office, later) == 0
    send_outbox(env.office, later)
    [digest] = env.inbox(camat)[before + 1:]
    assert "Ringkasan keterangan tambahan" in digest.subject
    assert all(f"alasan ke-{i}" in digest.text for i in range(1, 6))
    assert not digest.reply_to or "+" not in digest.reply_to[0]  # no token: a reply to it acts on nothing


# 3. Delivery reports count only from our own bounces -----------------------------------------
def _report(env, raw: bytes, to: str) -> None:
    with smtplib.SMTP("127.0.0.1", env.rig.smtp_port) as smtp:
        smtp.sendmail("", [to], raw)  # MAIL FROM:<>, which anyone can send


def test_a_forged_report_with_a_null_sender_to_the_office_address_marks_no_one_unreachable(env):
    number = start(env)
    row = env.complaint(number)
    ack = next(r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima")
    staff = env.official("jfu")[1]
    before = len(env.inbox(staff))
    _report(env, _dsn(env, ack["message_id"], row["email"]), env.cast.office)
    env.cycle()
    assert not [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]
    assert len(env.inbox(staff)) == before
    # To the return path of another of our mails (the staff copy), naming the acknowledgement.
    other = next(r for r in env.office.book.outbox.listed() if r["kind"] != "tanda_terima")
    _report(env, _dsn(env, ack["message_id"], row["email"]), env.config.identity.bounce_address(other["bounce_token"]))
    # To a return path we never made.
    _report(env, _dsn(env, ack["message_id"], row["email"]), env.config.identity.bounce_address("a" * 24))
    env.cycle()
    assert not [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]
    assert len(env.inbox(staff)) == before
    kept = env.office.book.messages.listed("auto")
    assert len(kept) == 3 and all("diabaikan" in m["note"] for m in kept)
    assert not env.office.book.messages.listed("bounce")


def test_a_report_to_the_return_path_of_the_mail_it_names_is_recorded(env):
    number = start(env)
    row = env.complaint(number)
    ack = next(r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima")
    verp = env.config.identity.bounce_address(ack["bounce_token"])
    # The right return path, but a recipient the mail never went to.
    _report(env, _dsn(env, ack["message_id"], "orang.lain@warga.test"), verp)
    env.cycle()
    assert not env.office.book.messages.listed("bounce")
    _report(env, _dsn(env, ack["message_id"], row["email"]), verp)
    env.cycle()
    [bounce] = env.office.book.messages.listed("bounce")
    assert bounce["complaint_id"] == row["id"]
    assert [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]
    alerts = [m for m in env.inbox(env.official("jfu")[1]) if "Surel tidak terkirim" in m.subject]
    assert len(alerts) == 1 and "tidak dapat dihubungi" in alerts[0].text


# 4. Every mail goes with its own return path ------------------------------------------------
def test_every_mail_is_sent_with_its_own_return_path(env):
    start(env)
    ack = next(r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima")
    [mail] = env.inbox(env.cast.citizens[0][1])
    local, _, domain = env.cast.office.partition("@")
    assert mail.headers["return-path"][0] == f"<{local}+b-{ack['bounce_token']}@{domain}>"
    tokens = [r["bounce_token"] for r in env.office.book.outbox.listed()]
    assert all(re.fullmatch(r"[a-z2-7]{24}", t) for t in tokens) and len(set(tokens)) == len(tokens)
    assert all(ack["bounce_token"].encode() not in bytes(r["raw"]) for r in env.office.book.outbox.listed())


# Pure parts ---------------------------------------------------------------------------------
ME = Identity("pengaduan@kec.test", re.compile(r"PGD/\d{4}/\d{4}"))


def _classified(to: str, **headers: str):
    head = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    return classify(parse_message(f"From: warga@x.test\r\nTo: {to}\r\nSubject: Re\r\n{head}\r\nPUAS\r\n".encode()), ME)


def test_a_reply_token_a_task_token_and_a_return_path_are_told_apart():
    token = "a" * 24
    assert (ME.citizen_token_in(f"pengaduan+w-{token}@kec.test"), ME.token_in(f"pengaduan+w-{token}@kec.test")) == (
        token, None)
    assert ME.bounce_token_in(f"PENGADUAN+b-{token}@kec.test") == token
    assert ME.token_in(f"pengaduan+{token}@kec.test") == token and ME.citizen_token_in(f"pengaduan+{token}@kec.test") is None
    assert ME.citizen_token_in(f"lain+w-{token}@kec.test") is None
    assert ME.citizen_address(token) == f"pengaduan+w-{token}@kec.test"
    found = _classified(f"pengaduan+w-{token}@kec.test")
    assert (found.kind, found.token) == ("followup", token)
    task = _classified(f"pengaduan+{token}@kec.test")
    assert (task.kind, task.token) == ("action", token)
    assert _classified(f"pengaduan+b-{token}@kec.test").kind == "complaint"  # a person writing to a return path


def test_the_envelope_recipient_is_the_topmost_delivered_to():
    raw = (b"Return-Path: <>\r\nDelivered-To: pengaduan+b-abc12345@kec.test\r\nReceived: x\r\n"
           b"Delivered-To: palsu@jahat.test\r\nSubject: s\r\n\r\nDelivered-To: badan@x.test\r\n")
    assert delivered_to(raw) == "pengaduan+b-abc12345@kec.test"
    assert delivered_to(b"Subject: s\r\n\r\nDelivered-To: x@y.test\r\n") is None
    assert delivered_to(b"Delivered-To:\r\n <Pengaduan@Kec.Test>\r\n\r\n") == "pengaduan@kec.test"
