"""One letter pipeline: the letter is issued as a Word file in the reply's transaction, its PDF
(and PAdES) is made once after the commit by the PDF job and recorded, and the mail that
carries it waits in the outbox until then. No subprocess (LibreOffice, pdftotext) ever runs
while a book transaction is open: the whole SOP is played through the real rig with every
subprocess inside a transaction made to fail."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from jobs.incoming import poll
from letters.mail import Attachment, Rendered, build_message, with_attachments
from office.letter_pdfs import make_pdfs
from sop.clock import utcnow
from tests.conftest import make_env
from tests.helpers import forbid_subprocess_in_transaction, pdf_text, start, through

CLARIFIED = ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan")
ANSWER = "Perbaikan lampu dijadwalkan pekan ini oleh kelurahan."


def answers(env, address: str) -> list:
    return [m for m in env.inbox(address) if "Jawaban atas Pengaduan" in m.subject]


def test_the_whole_sop_runs_no_subprocess_inside_a_transaction(env, monkeypatch):
    caught = forbid_subprocess_in_transaction(monkeypatch)
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER))
    # The signer's konsep: its Word file and its PDF, made after the commit from the file the mail carries.
    approval = env.routing("camat", number, "4a")
    names = [a.filename for a in approval.attachments]
    stem = f"konsep-jawaban-{number.replace('/', '-')}"
    assert names[:2] == [f"{stem}.pdf", f"{stem}.docx"]
    assert "KONSEP" in pdf_text(approval.attachments[0].payload) and number in pdf_text(approval.attachments[0].payload)
    through(env, number, ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan melalui surel."))
    row = env.complaint(number)
    assert row["state"] == "answered"
    [mail] = answers(env, env.cast.citizens[0][1])
    [pdf] = [a for a in mail.attachments if a.filename.endswith(".pdf")]
    letter = env.office.book.letters.current(row["id"])
    assert Path(letter["pdf_path"]).read_bytes() == pdf.payload  # read from the letter's record, made once
    assert row["letter_number"] in pdf_text(pdf.payload)
    # A pelimpahan: the surat pelimpahan to the body and its copy to the complainant, as PDFs.
    other = start(env, 1)
    through(env, other, CLARIFIED, ("camat", 3, "Teruskan: Dinas PUPR Kota Samarinda; pupr-pipeline@dinas.test"))
    pelimpahan = env.office.book.letters.current(env.complaint(other)["id"])
    assert pelimpahan["kind"] == "pelimpahan" and pelimpahan["dispatched_at"] and pelimpahan["pdf_path"]
    [to_body] = [m for m in env.inbox("pupr-pipeline@dinas.test") if other in m.subject]
    assert to_body.attachments[0].payload == Path(pelimpahan["pdf_path"]).read_bytes()
    assert caught == []
    assert all(r["sent_at"] and r["awaits_pdf"] is None for r in env.office.book.outbox.listed())


@pytest.fixture
def basah(rig):
    with make_env(rig, '[letters]\nsigning = "basah"\n') as made:
        yield made


def test_a_wet_signed_letter_runs_no_subprocess_inside_a_transaction(basah, monkeypatch):
    from jobs.demo import reply_to
    from tests.test_signing import scan_pdf_bytes
    from tests.test_signing import with_attachments as attached

    env = basah
    caught = forbid_subprocess_in_transaction(monkeypatch)
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER),
            ("camat", "4a", "Setuju"))
    task = env.routing("jfu", number, 5)
    scan = scan_pdf_bytes()
    env.rig.send(attached(reply_to(task, env.official("jfu"), "Disampaikan."), (scan, "application", "pdf", "scan.pdf")))
    env.cycle()
    [mail] = answers(env, env.cast.citizens[0][1])
    assert [a.payload for a in mail.attachments if a.filename.endswith(".pdf")] == [scan]
    assert caught == []


def test_a_tte_letter_returned_by_reply_is_checked_after_the_commit(rig, monkeypatch, tmp_path):
    from jobs.demo import reply_to
    from tests.test_signing import SIGNER, Authority
    from tests.test_signing import with_attachments as attached

    bsre = Authority("BSrE Uji")
    with make_env(rig, f'[letters]\nsigning = "tte"\ntte_roots = ["{bsre.root_pem(tmp_path)}"]\n') as env:
        caught = forbid_subprocess_in_transaction(monkeypatch)
        number = start(env)
        through(env, number, CLARIFIED, ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER),
                ("camat", "4a", "Setuju"))
        [mail] = [m for m in env.inbox(env.official("camat")[1]) if "Mohon tanda tangan elektronik" in m.subject]
        [pdf] = [a.payload for a in mail.attachments if a.filename.endswith(".pdf")]
        signed = bsre.sign(pdf, SIGNER)
        env.rig.send(attached(reply_to(mail, env.official("camat"), "Terlampir."),
                              (signed, "application", "pdf", "surat.pdf")))
        env.cycle()  # the reply keeps the PDF; the signing job checks it after the commit, in the same cycle
        letter = env.office.book.letters.current(env.complaint(number)["id"])
        assert Path(letter["signed_path"]).read_bytes() == signed
        assert not list((env.config.files / "tte" / "masuk" / "balasan").iterdir())
        through(env, number, ("jfu", 5, "Disampaikan lewat surel."))
        [delivered] = answers(env, env.cast.citizens[0][1])
        assert [a.payload for a in delivered.attachments if a.filename.endswith(".pdf")] == [signed]
        assert caught == []


def test_the_delivery_mail_waits_in_the_outbox_until_the_pdf_job_has_made_the_pdf(env):
    number = start(env)
    through(env, number, CLARIFIED, ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER),
            ("camat", "4a", "Setuju"))
    env.reply("jfu", number, 5, "Disampaikan melalui surel.")
    letter = env.office.book.letters.current(env.complaint(number)["id"])
    Path(letter["pdf_path"]).unlink()  # as if the job had not run yet: no PDF on record
    env.office.book.conn.execute("UPDATE letters SET pdf_path = NULL WHERE id = ?", (letter["id"],))
    poll(env.office, utcnow)  # the reply only: the delivery is recorded, the mail queued
    [waiting] = [r for r in env.office.book.outbox.listed() if r["kind"] == "surat_jawaban"]
    assert json.loads(waiting["awaits_pdf"]) == [{"letter": letter["id"],
                                                  "filename": f"surat-jawaban-{letter['number'].replace('/', '-')}.pdf"}]
    assert waiting["id"] not in [r["id"] for r in env.office.book.outbox.due(utcnow())]
    assert env.complaint(number)["state"] == "answered"  # the delivery is recorded, only the mail waits
    assert make_pdfs(env.office) == 1
    [released] = [r for r in env.office.book.outbox.listed() if r["kind"] == "surat_jawaban"]
    assert released["awaits_pdf"] is None and released["id"] in [r["id"] for r in env.office.book.outbox.due(utcnow())]
    parsed = email.message_from_bytes(released["raw"], policy=email.policy.default)
    [part] = [p for p in parsed.iter_attachments() if p.get_filename().endswith(".pdf")]
    recorded = env.office.book.letters.get(letter["id"])["pdf_path"]
    assert part.get_content() == Path(recorded).read_bytes()
    env.cycle()
    assert len(answers(env, env.cast.citizens[0][1])) == 1


def test_without_pdfs_the_word_file_goes_at_once(rig):
    with make_env(rig, "[letters]\npdf = false\n") as env:
        number = start(env)
        through(env, number, CLARIFIED, ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER),
                ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan melalui surel."))
        [mail] = answers(env, env.cast.citizens[0][1])
        assert [a.filename for a in mail.attachments if a.filename.startswith("surat-jawaban")] == \
            [f"surat-jawaban-{env.complaint(number)['letter_number'].replace('/', '-')}.docx"]
        assert all(r["awaits_pdf"] is None for r in env.office.book.outbox.listed())


@pytest.mark.parametrize("enclosed", [(), (Attachment("foto.jpg", b"\xff\xd8\xff" + b"x" * 300, "image", "jpeg"),)])
def test_a_pdf_added_later_is_the_first_attachment_as_if_built_with_it(enclosed):
    import datetime as dt

    rendered = Rendered(subject="Jawaban atas Pengaduan", body="Yth. Sdr. Siti,\n\nTerlampir surat jawaban.\n")
    raw = build_message(sender=("Kecamatan", "pengaduan@kec.test"), to=[("Siti", "siti@warga.test")],
                        rendered=rendered, message_id="<a.b@kec.test>", date=dt.datetime.now(dt.timezone.utc),
                        attachments=enclosed)
    pdf = Attachment("surat-jawaban.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "application", "pdf")
    parsed = email.message_from_bytes(with_attachments(raw, (pdf,)), policy=email.policy.default)
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == rendered.body
    parts = list(parsed.iter_attachments())
    assert [p.get_filename() for p in parts] == ["surat-jawaban.pdf", *(a.filename for a in enclosed)]
    assert parts[0].get_content() == pdf.data and parsed["Message-ID"] == "<a.b@kec.test>"
    assert [p.get_content() for p in parts[1:]] == [a.data for a in enclosed]


def test_a_file_libreoffice_cannot_convert_rests_instead_of_starting_it_at_every_run(env, monkeypatch):
    import subprocess

    from office import letter_pdfs

    folder = env.config.files / "tanda-terima" / "2026"
    folder.mkdir(parents=True)
    broken = folder / "tanda-terima-PGD-2026-9999.docx"
    broken.write_bytes(b"PK\x03\x04\x14\x00\x00\x00rusak")  # a Word file cut short: LibreOffice cannot load it
    started = []
    start = subprocess.Popen.__init__

    def counted(self, args, *rest, **options):
        started.append(args)
        start(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", counted)
    monkeypatch.setattr(letter_pdfs, "_resting", {})
    assert letter_pdfs.make_pdfs(env.office) == 0 and len(started) == 1
    assert letter_pdfs.make_pdfs(env.office) == 0 and len(started) == 1  # it rests: no second LibreOffice
    monkeypatch.setattr(letter_pdfs, "_resting", {key: 0.0 for key in letter_pdfs._resting})  # its rest is over
    letter_pdfs.make_pdfs(env.office)
    assert len(started) == 2
