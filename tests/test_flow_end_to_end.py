"""The whole SOP over the real servers: a citizen's email becomes a signed, delivered letter."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from docx import Document

from jobs.demo import reply_to
from letters.render import letter_text
from tests.helpers import subjects


def test_complaint_travels_all_five_steps_to_a_delivered_signed_letter(sop_env):
    env = sop_env  # Palaran's SOP, and the kelurahan SOP that ships beside it
    citizen_name, citizen = env.cast.citizens[0][:2]
    sek_name, sekretaris = env.official("sekretaris")
    camat_name, camat = env.official(env.head)
    staf_name, staf = env.official("jfu")
    kasi = env.cast.sections[0][2]

    # Step 1: the complaint is recorded, acknowledged, reported to the Sekretaris; staff get a copy.
    env.complain(0)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    number = row["number"]
    assert number.startswith("PGD/") and number.endswith("/0001")
    assert (row["state"], row["step"], row["channel"]) == ("open", 2, "email")
    assert row["email"] == citizen and row["name"] == citizen_name
    assert "lampu jalan" in row["body"].lower()
    ack = env.inbox(citizen)
    assert len(ack) == 1 and number in ack[0].subject and number in ack[0].text
    assert ack[0].headers["auto-submitted"][0] == "auto-replied"
    assert any(number in s and "tercatat" in s for s in subjects(env, staf))
    routing = env.routing("sekretaris", number, 2)
    assert routing is not None
    assert routing.to == (sekretaris,)
    token = routing.reply_to[0].split("+")[1].split("@")[0]
    assert routing.reply_to[0] == f"pengaduan+{token}@{env.cast.domain}"
    assert token in routing.headers["message-id"][0]
    assert "Seksi:" in routing.text and "lampu jalan" in routing.text.lower()

    # Step 2: the Sekretaris clarifies and names the section; its head gets a copy, the Camat step 3.
    env.reply("sekretaris", number, 2, "Sudah dicek ke lurah: kabel putus di tiga titik.\nSeksi: pemerintahan")
    env.cycle()
    row = env.complaint(number)
    assert (row["step"], row["section"]) == (3, "Seksi Pemerintahan")
    events = env.office.book.events.of(row["id"])
    clarification = [e for e in events if e["step"] == 2 and e["kind"] == "langkah"]
    assert clarification[0]["text"] == "Sudah dicek ke lurah: kabel putus di tiga titik."
    assert clarification[0]["actor"] == sekretaris
    assert any(number in s for s in subjects(env, kasi))
    routing3 = env.routing(env.head, number, 3)
    assert routing3 is not None and "kabel putus di tiga titik" in routing3.text
    # The complaint's routing emails form one thread in the officials' mail apps, under the
    # complaint's own reference: no other task's Message-ID (and token) is cited.
    thread = env.config.identity.thread_id(number)
    assert routing3.headers["in-reply-to"][0] == routing.headers["in-reply-to"][0] == thread
    assert token not in str(routing3.headers)
    assert any("Tercatat: balasan langkah 2" in s for s in subjects(env, sekretaris))

    # Step 3: the Camat decides and asks for a meeting; the Sekretaris gets step 4.
    env.reply(env.head, number, 3, "Koordinasikan dengan Dinas PUPR.\nRapat: ya")
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 4 and row["meeting"] == 1
    routing4 = env.routing("sekretaris", number, 4)
    assert "Koordinasikan dengan Dinas PUPR." in routing4.text
    # The writer of the answer gets the lembar disposisi: each instruction, by whom, to whom.
    [sheet] = [a for a in routing4.attachments if a.filename.startswith("lembar-disposisi-")]
    sheet_doc = Document(io.BytesIO(sheet.payload))
    cells = [c.text for t in sheet_doc.tables for r in t.rows for c in r.cells]
    assert "LEMBAR DISPOSISI" in [p.text for p in sheet_doc.paragraphs] and number in cells
    assert "Koordinasikan dengan Dinas PUPR.\nRapat: ya" not in cells  # keyword lines are not instructions
    assert any("Koordinasikan dengan Dinas PUPR." in c for c in cells)
    assert any("kabel putus di tiga titik" in c for c in cells) and "Kepala Seksi Pemerintahan" in cells  # "Kepada"

    # Step 4: the Sekretaris writes the answer: a konsep, which goes to the Camat (the signer)
    # with the draft letter, unnumbered and unsigned.
    answer = "Perbaikan kabel dijadwalkan pekan ini.\n\nKelurahan akan memantau hasilnya."
    env.reply("sekretaris", number, 4, answer)
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 6 and row["draft"] == answer and row["letter_number"] is None
    assert not list(env.config.outbox.glob("*.docx")) and not env.office.book.letters.listed(row["id"])
    approval = env.routing(env.head, number, "4a")
    assert approval is not None and "Perbaikan kabel dijadwalkan pekan ini." in approval.text
    assert "Setuju" in approval.text and "Perbaiki:" in approval.text
    [konsep] = [a for a in approval.attachments if a.filename.endswith(".docx")]
    konsep_text = letter_text(konsep.payload)
    assert "Perbaikan kabel dijadwalkan pekan ini." in konsep_text and "KONSEP" in konsep_text
    assert not Document(io.BytesIO(konsep.payload)).inline_shapes, "no signature image before approval"

    # Step 4a: the Camat approves; only now the letter takes its number, signature and seal,
    # is filed, copied for staff, and sent to the JFU with step 5.
    env.reply(env.head, number, "4a", "Setuju")
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 5 and row["letter_number"].startswith("000.8.3.4/0001/") and row["draft"] is None
    # The mail log names the step as the office writes it, never its internal index.
    notes = [m["note"] for m in env.office.book.messages.listed("action")]
    assert "langkah 4a selesai" in notes and "langkah 6 selesai" not in notes
    archived = row["letter_path"]
    assert "/arsip/" in archived
    copies = list(env.config.outbox.glob("*.docx"))
    assert len(copies) == 1 and copies[0].read_bytes() == open(archived, "rb").read()
    routing5 = env.routing("jfu", number, 5)
    [attachment] = [a for a in routing5.attachments if a.filename.endswith(".docx")]

    doc = Document(io.BytesIO(attachment.payload))
    text = letter_text(attachment.payload)
    assert row["letter_number"] in text
    assert f"Yth. Sdr. {citizen_name}" in text and "Bapak/Ibu" not in text
    assert "Perbaikan kabel dijadwalkan pekan ini." in text
    assert "Kelurahan akan memantau hasilnya." in text
    assert camat_name in text and "NIP. 198005071999121001" in text
    office = env.config.office_name.upper()  # KECAMATAN PALARAN, KELURAHAN RAWA MAKMUR
    assert f"{env.config.directory.official(env.head).title.upper()} {office.split(' ', 1)[1]}," in text
    assert office in text
    assert number in text
    assert doc.inline_shapes, "the configured signature image is in the letter"

    # Step 5: the JFU confirms delivery; the citizen receives the letter, which asks for their word.
    env.reply("jfu", number, 5, "Disampaikan melalui surel.")
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("answered", None) and row["answered_at"] and not row["closed_at"]
    final = [m for m in env.inbox(citizen) if "Jawaban atas Pengaduan" in m.subject]
    assert len(final) == 1
    assert final[0].from_ == env.cast.office
    # The citizen receives the signed letter as a PDF, never the editable Word file the office keeps.
    assert not [a for a in final[0].attachments if a.filename.endswith(".docx")]
    [pdf] = [a for a in final[0].attachments if a.filename.endswith(".pdf")]
    assert pdf.payload.startswith(b"%PDF")
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.payload, capture_output=True,
                             check=True).stdout.decode()
    assert row["letter_number"] in printed and "Perbaikan kabel dijadwalkan pekan ini." in printed
    [letter] = env.office.book.letters.listed(row["id"])
    assert letter["pdf_path"] and Path(letter["pdf_path"]).read_bytes() == pdf.payload
    assert (Path(letter["path"]).parent / "lembar-disposisi.docx").exists()  # filed in the dossier
    assert "PUAS" in final[0].text and "TIDAK PUAS" in final[0].text

    # The citizen replies PUAS: the complaint closes with their word recorded.
    env.rig.send(reply_to(final[0], env.cast.citizens[0][:2], "Puas, terima kasih. Lampu sudah menyala."))
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"]) == ("closed", "puas") and row["closed_at"]
    kinds = [(e["step"], e["kind"]) for e in env.office.book.events.of(row["id"])]
    assert (5, "langkah") in kinds and (None, "selesai") in kinds
    tasks = env.office.book.tasks.of(row["id"])
    assert [t["step"] for t in tasks] == [2, 3, 4, 6, 5] and all(t["done_at"] for t in tasks)
    assert all(r["sent_at"] for r in env.office.book.outbox.listed())


def test_every_message_in_the_mailbox_ends_in_the_book_once_and_leaves_the_inbox(env):
    env.complain(0)
    env.complain(1)
    env.cycle()
    env.cycle()  # a second cycle finds nothing new
    assert len(env.office.book.complaints.listed()) == 2
    assert len(env.office.book.messages.listed("complaint")) == 2
    from imap_tools import MailBoxUnencrypted

    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        assert box.uids("ALL") == []
        box.folder.set("Diproses")
        assert len(box.uids("ALL")) == 2
        assert all("\\Seen" not in m.flags for m in box.fetch(mark_seen=False))
