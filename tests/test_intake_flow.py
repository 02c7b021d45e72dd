"""Intake over the real servers: attachments, forwards, bounces, additions, robot loops."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from imap_tools import MailBoxUnencrypted

from jobs.demo import reply_to


def complaint_with_files(env, files, sender=None, subject="Foto jalan rusak"):
    name, address = sender or env.cast.citizens[0][:2]
    msg = EmailMessage()
    msg["From"] = f"{name} <{address}>"
    msg["To"] = env.cast.office
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="warga.test")
    msg.set_content("Terlampir bukti.")
    for filename, data in files:
        msg.add_attachment(data, maintype="image", subtype="jpeg", filename=filename)
    env.rig.send(msg)


def test_attachments_are_stored_under_generated_names_and_oversize_is_refused(env, tmp_path):
    from dataclasses import replace

    env.office.config = replace(env.config, intake=replace(env.config.intake, max_attachment_bytes=50_000))
    complaint_with_files(env, [("../../etc/passwd", b"\xff\xd8" + b"a" * 100),
                               ("besar.jpg", b"\xff\xd8" + b"b" * 60_000)])
    env.cycle()
    [row] = env.office.book.complaints.listed()
    files = env.office.book.attachments.of(row["id"])
    assert [f["filename"] for f in files] == ["../../etc/passwd", "besar.jpg"]
    kept, refused = files
    assert kept["path"].startswith(str(env.config.files / "lampiran"))
    assert "passwd" not in kept["path"] and ".." not in kept["path"]
    assert open(kept["path"], "rb").read() == b"\xff\xd8" + b"a" * 100
    assert Path(kept["path"]).stat().st_mode & 0o077 == 0  # private whatever the umask
    assert refused["path"] is None and "melebihi batas" in refused["note"] and refused["size"] == 60_002
    [ack] = env.inbox(env.cast.citizens[0][1])
    assert "besar.jpg" in ack.text and "tidak dapat kami simpan" in ack.text
    assert "Lampiran diterima: 1 berkas" in ack.text


def test_a_staff_forward_makes_the_original_sender_the_complainant(env):
    staf = env.official("jfu")
    inner = EmailMessage()
    inner["From"] = "Ibu Ratna <ratna@warga.test>"
    inner["To"] = staf[1]
    inner["Subject"] = "Akta kelahiran dipersulit"
    inner.set_content("Pengurusan akta kelahiran anak saya dipersulit.")
    outer = EmailMessage()
    outer["From"] = f"{staf[0]} <{staf[1]}>"
    outer["To"] = env.cast.office
    outer["Subject"] = "Fwd: Akta kelahiran dipersulit"
    outer["Message-ID"] = make_msgid()
    outer.set_content("Mohon dicatat.")
    outer.add_attachment(inner)
    env.rig.send(outer)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    assert (row["name"], row["email"]) == ("Ibu Ratna", "ratna@warga.test")
    assert row["subject"] == "Akta kelahiran dipersulit" and "dipersulit" in row["body"]
    assert row["recorded_by"] == staf[1]
    notes = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "catatan"]
    assert any(staf[1] in n for n in notes)


def test_a_bounce_is_linked_to_the_mail_it_returns_and_staff_are_alerted(env):
    env.complain(0)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    ack = next(r for r in env.office.book.outbox.listed() if r["kind"] == "tanda_terima")
    raw = (f"From: MAILER-DAEMON@mx.warga.test\r\nTo: {env.cast.office}\r\nSubject: Undelivered\r\n"
           f"Auto-Submitted: auto-replied\r\nMessage-ID: {make_msgid()}\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n"
           f"--R\r\nContent-Type: text/plain\r\n\r\nGagal.\r\n--R\r\nContent-Type: message/delivery-status\r\n\r\n"
           f"Final-Recipient: rfc822; {row['email']}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
           f"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {ack['message_id']}\r\n--R--\r\n")
    import smtplib

    with smtplib.SMTP("127.0.0.1", env.rig.smtp_port) as smtp:
        # A mail system returns it to the return path the acknowledgement went with (VERP).
        smtp.sendmail("", [env.config.identity.bounce_address(ack["bounce_token"])], raw.encode())
    env.cycle()
    [bounce] = env.office.book.messages.listed("bounce")
    assert bounce["complaint_id"] == row["id"]
    events = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "gagal_kirim"]
    assert events and row["email"] in events[0]["text"]
    alerts = [m for m in env.inbox(env.official("jfu")[1]) if "Surel tidak terkirim" in m.subject]
    assert len(alerts) == 1 and "tidak dapat dihubungi" in alerts[0].text


def test_a_citizen_addition_is_recorded_and_the_waiting_official_told(env):
    env.complain(0)
    env.cycle()
    citizen = env.cast.citizens[0]
    [ack] = env.inbox(citizen[1])
    env.rig.send(reply_to(ack, citizen[:2], "Tambahan: ada dua lubang besar."))
    env.cycle()
    told = [m for m in env.inbox(env.official("sekretaris")[1]) if "Keterangan tambahan" in m.subject]
    assert len(told) == 1 and "ada dua lubang besar" in told[0].text


def test_acknowledgements_to_one_sender_are_limited_so_robots_cannot_loop(env):
    for i in range(5):
        env.complain(0, subject=f"Pesan otomatis {i}")
    env.cycle()
    assert len(env.office.book.complaints.listed()) == 5  # every message is still recorded
    acks = [m for m in env.inbox(env.cast.citizens[0][1]) if "Tanda Terima" in m.subject]
    assert len(acks) == 3
    held = [e for r in env.office.book.complaints.listed() for e in env.office.book.events.of(r["id"])
            if "Tanda terima tidak dikirim" in e["text"]]
    assert len(held) == 2


def test_quarantine_tells_staff_once(env, monkeypatch):
    from office import arrivals as pipeline

    def broken(office, msg, cls, now):
        raise ValueError("data rusak")

    monkeypatch.setitem(pipeline.HANDLERS, "complaint", broken)
    env.complain(0)
    for _ in range(4):
        env.cycle()
    alerts = [m for m in env.inbox(env.official("jfu")[1]) if "Pesan dikarantina" in m.subject]
    assert len(alerts) == 1 and "data rusak" in alerts[0].text


def test_what_could_not_be_read_is_noted_in_the_book(env):
    msg = EmailMessage()
    msg["From"] = f"Kantor <{env.cast.citizens[0][1]}>"
    msg["To"] = env.cast.office
    msg["Subject"] = "Izin usaha"
    msg["Message-ID"] = make_msgid()
    msg.set_content("Permohonan kami belum diproses.")
    msg.add_attachment(b"x\x9f>\"", maintype="application", subtype="ms-tnef", filename="winmail.dat")
    env.rig.send(msg)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    notes = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "catatan"]
    assert any("winmail.dat" in n for n in notes)


def test_a_backlog_is_parsed_ahead_and_a_reused_message_id_never_replaces_the_first_copy(env):
    from dataclasses import replace

    from jobs.parse_ahead import ParseAhead
    from office.arrivals import staging_folder

    env.office.config = replace(env.config, intake=replace(env.config.intake, max_attachment_bytes=50_000))
    staging = staging_folder(env.office)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "sisa-dari-proses-yang-mati.part").write_bytes(b"data pribadi")  # left by a killed run
    reused = f"<sama@warga.{env.cast.domain}>"
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        for i in range(ParseAhead.MIN_BACKLOG + 5):
            msg = EmailMessage()
            msg["From"] = f"Warga {i} <warga{i}@warga.{env.cast.domain}>"
            msg["To"] = env.cast.office
            msg["Subject"] = f"Pengaduan antrean {i}"
            msg["Message-ID"] = reused if i in (3, 17) else f"<antrean-{i}@warga.{env.cast.domain}>"
            msg.set_content(f"Isi pengaduan nomor {i}.")
            if i == 5:
                msg.add_attachment(b"\xff\xd8foto" * 100, maintype="image", subtype="jpeg", filename="jalan.jpg")
                msg.add_attachment(b"x" * 60_000, maintype="application", subtype="pdf", filename="besar.pdf")
            if i == 17:  # the duplicate's file is never kept
                msg.add_attachment(b"bukan milik pengadu", maintype="text", subtype="plain", filename="lain.txt")
            box.append(msg.as_bytes(), "INBOX")
    env.cycle()
    assert ParseAhead._pool is not None  # the backlog went through the worker
    book = env.office.book
    assert len(book.complaints.listed()) == ParseAhead.MIN_BACKLOG + 4  # the second use of an id is a duplicate
    first = next(m for m in book.messages.listed("complaint") if m["subject"] == "Pengaduan antrean 3")
    assert b"Isi pengaduan nomor 3." in Path(first["raw_path"]).read_bytes()
    fifth = next(c for c in book.complaints.listed() if c["subject"] == "Pengaduan antrean 5")
    kept, refused = book.attachments.of(fifth["id"])
    assert Path(kept["path"]).read_bytes() == b"\xff\xd8foto" * 100 and kept["size"] == 600
    assert refused["path"] is None and refused["size"] == 60_000 and "melebihi batas" in refused["note"]
    assert not list(staging.iterdir())  # nothing staged is left behind, nor the dead run's copy
    for m in book.messages.listed("complaint"):
        assert Path(m["raw_path"]).stat().st_mode & 0o077 == 0


def test_two_messages_with_one_message_id_are_staged_apart(tmp_path):
    """The parse worker runs ahead of the book: the second copy must not overwrite the first
    before the first is given its name."""
    from intake.settings import IntakeSettings
    from office.staging import prepare

    first, second = (f"From: w@warga.test\r\nMessage-ID: <sama@warga.test>\r\nSubject: {i}\r\n\r\nIsi {i}.\r\n".encode()
                     for i in (1, 2))
    a, b = prepare(first, str(tmp_path), IntakeSettings()), prepare(second, str(tmp_path), IntakeSettings())
    assert a.msg.key == b.msg.key and a.staged != b.staged
    assert Path(a.staged).read_bytes() == first and Path(b.staged).read_bytes() == second


def test_a_cycle_stopped_in_a_backlog_leaves_nothing_staged(env):
    import datetime as dt

    from jobs.incoming import poll
    from jobs.parse_ahead import ParseAhead
    from office.arrivals import staging_folder

    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        for i in range(ParseAhead.MIN_BACKLOG * 3):
            msg = EmailMessage()
            msg["From"] = f"Warga {i} <warga{i}@warga.{env.cast.domain}>"
            msg["To"] = env.cast.office
            msg["Subject"] = f"Pengaduan berhenti {i}"
            msg["Message-ID"] = f"<berhenti-{i}@warga.{env.cast.domain}>"
            msg.set_content(f"Isi pengaduan nomor {i}.")
            msg.add_attachment(b"foto" * 50, maintype="image", subtype="jpeg", filename="foto.jpg")
            box.append(msg.as_bytes(), "INBOX")
    seen = []
    counts = poll(env.office, lambda: dt.datetime.now(dt.timezone.utc), stop=lambda: seen.append(1) or len(seen) > 5)
    assert counts.get("complaint") == 5
    assert not list(staging_folder(env.office).glob("*"))  # nothing of the messages not taken is left
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        assert len(box.uids("ALL")) == ParseAhead.MIN_BACKLOG * 3 - 5
    env.cycle()
    assert len(env.office.book.complaints.listed()) == ParseAhead.MIN_BACKLOG * 3
