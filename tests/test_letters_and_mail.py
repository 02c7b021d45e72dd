"""The reply letter and the emails: rendered from templates, citizen text stays literal."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io

import pytest
from docx import Document

from jobs.demo import signature_png
from letters.dates import tanggal, waktu
from letters.mail import Attachment, Rendered, build_message, render_mail
from letters.render import LetterData, Letterhead, Signer, letter_text, render_letter
from sop.clock import WITA

HEAD = Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran", ("Jl. Contoh No. 1, Samarinda",))
SIGNER = Signer("Camat Palaran", "Muhammad Dahlan, S.STP, M.Si", "198005071999121001", "Pembina Tk. I (IV/b)")


def letter(**changes) -> LetterData:
    base = dict(number="000.8.3.4/0007/400.02", date=dt.date(2025, 1, 6), place="Samarinda",
                hal="Jawaban Pengaduan", addressee="Ibu Siti Aminah", addressee_place="Tempat", you="Ibu",
                complaint_number="PGD/2025/0001", complaint_date=dt.date(2025, 1, 3),
                complaint_subject="Lampu jalan padam", channel="email",
                answer="Perbaikan dijadwalkan.\n\nTerima kasih atas laporannya.", tembusan=("Lurah Rawa Makmur",),
                signing_note="Ditandatangani dengan gambar tanda tangan.")
    return LetterData(**(base | changes))


def test_letter_carries_every_part_of_the_naskah_dinas():
    text = letter_text(render_letter(letter(), HEAD, SIGNER).data)
    for expected in ("PEMERINTAH KOTA SAMARINDA", "KECAMATAN PALARAN", "Jl. Contoh No. 1, Samarinda",
                     "000.8.3.4/0007/400.02", "Samarinda, 6 Januari 2025", "Biasa", "Jawaban Pengaduan",
                     "Yth. Ibu Siti Aminah", "Tempat",
                     "pengaduan Ibu yang disampaikan melalui surat elektronik (surel) pada tanggal 3 Januari "
                     "2025 dan tercatat dengan nomor PGD/2025/0001, perihal lampu jalan padam",
                     "Perbaikan dijadwalkan.", "Terima kasih atas laporannya.", "SP4N-LAPOR!",
                     "Demikian kami sampaikan. Atas perhatian Ibu, kami ucapkan terima kasih.", "CAMAT PALARAN,",
                     "Muhammad Dahlan, S.STP, M.Si", "Pembina Tk. I (IV/b)", "NIP. 198005071999121001", "Tembusan:",
                     "Lurah Rawa Makmur",
                     "Ditandatangani dengan gambar tanda tangan."):
        assert expected in text, expected
    assert "Hormat kami" not in text and "Bapak/Ibu" not in text
    assert "1. Lurah" not in text  # a single tembusan is not numbered


def test_the_letter_is_laid_out_as_a_naskah_dinas_in_indonesian():
    doc = Document(io.BytesIO(render_letter(letter(tembusan=()), HEAD, SIGNER).data))
    section = doc.sections[0]
    margins = [round(m.cm, 1) for m in (section.left_margin, section.top_margin, section.right_margin,
                                        section.bottom_margin)]
    assert margins == [3.0, 2.0, 2.0, 2.5]
    assert 'w:val="id-ID"' in doc.styles["Normal"].element.xml
    text = letter_text(render_letter(letter(tembusan=()), HEAD, SIGNER).data)
    assert "Tembusan" not in text  # none by default: the office's archive copy is not one
    name_runs = [r for p in doc.tables[-1].rows[0].cells[1].paragraphs for r in p.runs
                 if "Muhammad Dahlan" in r.text]
    assert name_runs and all(r.bold and not r.underline for r in name_runs)


def test_letter_is_on_a4_paper():
    doc = Document(io.BytesIO(render_letter(letter(), HEAD, SIGNER).data))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_signature_image_is_placed_only_when_configured(tmp_path):
    image = tmp_path / "ttd.png"
    image.write_bytes(signature_png())
    signed = Document(io.BytesIO(render_letter(letter(), HEAD, Signer(
        SIGNER.title, SIGNER.name, SIGNER.nip, signature_image=image)).data))
    unsigned = Document(io.BytesIO(render_letter(letter(), HEAD, SIGNER).data))
    assert len(signed.inline_shapes) == 1 and len(unsigned.inline_shapes) == 0


def test_template_syntax_and_xml_in_citizen_text_stay_literal():
    hostile = "{{ 7*7 }} {% for x in y %} <w:t>x</w:t> & <script>alert(1)</script>"
    text = letter_text(render_letter(letter(answer=hostile, complaint_subject=hostile,
                                            addressee="Bapak/Ibu {{ nama }}"), HEAD, SIGNER).data)
    assert hostile in text and "Bapak/Ibu {{ nama }}" in text and "49" not in text


def test_indonesian_dates():
    assert tanggal(dt.date(2025, 8, 17)) == "17 Agustus 2025"
    moment = dt.datetime(2025, 1, 6, 1, 5, tzinfo=dt.timezone.utc)
    assert waktu(moment, WITA) == "Senin, 6 Januari 2025 pukul 09.05 WITA"


def test_mail_templates_keep_citizen_text_as_data():
    c = {"number": "PGD/2025/0001", "name": "{{ office.name }}", "subject": "{% raw %}",
         "received": "kemarin", "attachments": [], "refused": [], "attachment_count": 0,
         "greeting": "Sdr. {{ office.name }}", "you": "Saudara"}
    out = render_mail("tanda_terima", c=c, office={"name": "Kecamatan Palaran", "parent": "Pemkot",
                                                    "address": ""})
    assert out.body.startswith("Yth. Sdr. {{ office.name }},") and "{% raw %}" in out.body
    assert "Pengaduan Saudara telah kami terima" in out.body and "Bapak/Ibu" not in out.body
    assert out.subject == "Tanda Terima Pengaduan No. PGD/2025/0001 – Kecamatan Palaran"


def test_header_injection_through_a_name_or_subject_is_neutralised():
    wire = build_message(
        sender=("Kecamatan Palaran", "pengaduan@kec.test"),
        to=[("Budi\r\nBcc: korban@evil.test", "budi@warga.test")],
        rendered=Rendered(subject="Halo", body="Isi\n"),
        message_id="<x.pgd@kec.test>", date=dt.datetime(2025, 1, 6, tzinfo=dt.timezone.utc))
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["budi@warga.test"]
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert b"\r\n" in wire and b"\n\n" not in wire.replace(b"\r\n", b"")


def test_built_mail_reads_back_exactly_through_the_standard_parser():
    body = ("Yth. Bapak Ñoman,\n\nBiaya = Rp 0; tanda “kutip” dan é.\nFrom the start of a line\n"
            + "panjang " * 200 + "\ntrailing spaces   \n.\n")
    subject = "Tanda Terima Pengaduan No. PGD/2026/0001 – Kecamatan Palaran " + "ü" * 40
    wire = build_message(
        sender=("Kecamatan Palaran", "pengaduan@kec.test"),
        to=[("Ñoman, S.Pd.", "noman@warga.test"), ("Budi", "budi@warga.test")],
        rendered=Rendered(subject=subject, body=body), message_id="<x.pgd@kec.test>",
        date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc), reply_to="pengaduan+abc@kec.test",
        in_reply_to="<asal@warga.test>", references=("<satu@kec.test>", "<bukan id>", "<ünï@x>"),
        attachments=(Attachment("Surat Jawaban é.docx", bytes(range(256)) * 50),
                     Attachment('a"b.pdf', b"%PDF-1.7", "application", "pdf")))
    assert all(len(line) <= 998 for line in wire.split(b"\r\n"))
    assert b"\n" not in wire.replace(b"\r\n", b"")
    msg = email.message_from_bytes(wire, policy=email.policy.default)
    assert msg["Subject"] == subject
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("Ñoman, S.Pd.", "noman@warga.test"), ("Budi", "budi@warga.test")]
    assert msg["Reply-To"] == "pengaduan+abc@kec.test"
    assert msg["In-Reply-To"] == "<asal@warga.test>"
    assert msg["References"].split() == ["<satu@kec.test>", "<asal@warga.test>"]
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
    files = [(p.get_filename(), p.get_content_type(), p.get_content()) for p in msg.iter_attachments()]
    assert files == [("Surat Jawaban é.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      bytes(range(256)) * 50), ('a"b.pdf', "application/pdf", b"%PDF-1.7")]
    assert not msg.defects and all(not p.defects for p in msg.walk())


def test_plain_ascii_mail_goes_as_7bit_and_a_bad_address_is_refused():
    wire = build_message(sender=("Kantor", "pengaduan@kec.test"), to=[("Budi", "budi@warga.test")],
                         rendered=Rendered(subject="Halo", body="Isi surat.\n"), message_id="<y.pgd@kec.test>",
                         date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc))
    assert b"Content-Transfer-Encoding: 7bit" in wire and wire.endswith(b"\r\n\r\nIsi surat.\r\n")
    with pytest.raises(ValueError):
        build_message(sender=("Kantor", "pengaduan@kec.test"), to=[("X", "a@b>, c@d")],
                      rendered=Rendered(subject="Halo", body="x"), message_id="<z.pgd@kec.test>",
                      date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc))


def test_inlined_includes_render_as_jinja_includes():
    import jinja2

    from letters.mail import inline_includes

    parts = {
        "blok.txt": "{% if x %}\nada {{ x }}\n{% endif %}\n",  # ends in a block tag: the blank line stays
        "teks.txt": "Salam,\n{{ nama }}\n",
        "set.txt": "{% set x = 'bocor' %}{{ x }}\n",  # a name set inside stays inside
        "kiri.txt": "{%- if x %}rapat{% endif %}\n",  # whitespace control reaching back
    }
    pages = {
        "a.txt": 'Awal\n{% include "blok.txt" %}\n\n{% include "teks.txt" %}\nAkhir {{ x }}\n',
        "b.txt": '{% include "set.txt" %}\n{{ x }}\n{% include "kiri.txt" %}\n  {% if x %}indentasi{% endif %}\n',
        "c.txt": '{% for x in xs %}\n{% include "blok.txt" %}\n{% endfor %}\n{% include "teks.txt" %}\n',
    }
    settings = dict(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, trim_blocks=True,
                    lstrip_blocks=True)
    stock = jinja2.Environment(loader=jinja2.DictLoader({**parts, **pages}), **settings)
    inlined = jinja2.Environment(loader=jinja2.DictLoader(
        {**parts, **{k: inline_includes(v, lambda name: parts[name]) for k, v in pages.items()}}), **settings)
    assert "include" not in inline_includes(pages["a.txt"], parts.get)  # these two are inlined
    assert 'include "set.txt"' in inline_includes(pages["b.txt"], parts.get)  # these are not
    assert 'include "kiri.txt"' in inline_includes(pages["b.txt"], parts.get)
    for page in pages:
        for x in ("", "nilai"):
            context = dict(x=x, nama="Budi", xs=["satu", ""])
            assert inlined.get_template(page).render(**context) == stock.get_template(page).render(**context)


def test_numbered_points_stay_numbered_paragraphs_and_wrapped_lines_join():
    from letters.render import answer_paragraphs

    answer = ("Kami sampaikan hal berikut:\n1. Lampu diganti besok.\n2. Kabel diperiksa\nPLN minggu ini.\n\n"
              "Terima kasih\natas laporannya.")
    assert answer_paragraphs(answer) == ["Kami sampaikan hal berikut:", "1. Lampu diganti besok.",
                                         "2. Kabel diperiksa PLN minggu ini.", "Terima kasih atas laporannya."]
    text = letter_text(render_letter(letter(answer=answer), HEAD, SIGNER).data)
    assert "1. Lampu diganti besok." in text and "2. Kabel diperiksa PLN minggu ini." in text


def test_a_lampiran_count_is_written_out_in_words():
    from letters.render import _lampiran, terbilang

    assert [terbilang(n) for n in (1, 7, 10, 11, 12, 19, 20, 21, 99, 100, 101, 250)] == [
        "satu", "tujuh", "sepuluh", "sebelas", "dua belas", "sembilan belas", "dua puluh", "dua puluh satu",
        "sembilan puluh sembilan", "seratus", "seratus satu", "dua ratus lima puluh"]
    assert _lampiran(7) == "7 (tujuh) berkas" and _lampiran(0) == "-"


def test_notice_letters_say_what_happened_in_their_own_words():
    from dataclasses import replace

    from letters.render import letter_text, render_letter

    base = LetterData(number="000.8.3.4/0009/400.02", date=dt.date(2026, 12, 7), place="Samarinda",
                      hal="Pelimpahan Pengaduan", addressee="Sdr. Darto", addressee_place="Jalan Nangka Nomor 3",
                      complaint_number="PGD/2026/0009", complaint_date=dt.date(2026, 12, 1),
                      complaint_subject="Jalan tol rusak", channel="langsung", answer="BPJT")
    signer = Signer("Camat Palaran", "Muhammad Dahlan, S.STP, M.Si", "198005071999121001")
    forwarded = letter_text(render_letter(replace(base, kind="dilimpahkan"), HEAD, signer).data)
    assert "kewenangan BPJT" in forwarded and "telah kami limpahkan kepada BPJT" in forwarded
    closed = letter_text(render_letter(replace(base, kind="keberatan", answer="Jawaban sudah sesuai aturan."),
                                       HEAD, signer).data)
    assert "keberatan Saudara" in closed and "dengan alasan jawaban sudah sesuai aturan." in closed
    assert "Ombudsman" in closed
    asked = letter_text(render_letter(replace(base, kind="kelengkapan", answer="Foto lokasi.", days=10),
                                      HEAD, signer).data)
    assert "keterangan mengenai foto lokasi." in asked and "10 (sepuluh) hari kerja" in asked


def test_text_that_is_not_ascii_goes_8bit_and_as_quoted_printable_for_a_server_without_8bitmime():
    from letters.mail import seven_bit

    body = "Tanggapan dengan PUAS, TIDAK PUAS, atau nilai 1–4.\nSalam hangat dari Ñoman.\n"
    for attachments in ((), (Attachment("surat.pdf", b"%PDF-1.7", "application", "pdf"),)):
        wire = build_message(sender=("Kantor", "pengaduan@kec.test"), to=[("Budi", "budi@warga.test")],
                             rendered=Rendered(subject="Halo", body=body), message_id="<q.pgd@kec.test>",
                             date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc), attachments=attachments)
        assert b"Content-Transfer-Encoding: 8bit" in wire and "1–4".encode() in wire
        ascii_only = seven_bit(wire)
        assert ascii_only.isascii() and b"Content-Transfer-Encoding: quoted-printable" in ascii_only
        for raw in (wire, ascii_only):
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
            assert [p.get_content() for p in msg.iter_attachments()] == [a.data for a in attachments]
            assert not msg.defects and all(not p.defects for p in msg.walk())
    assert seven_bit(b"Subject: x\r\n\r\nascii\r\n") == b"Subject: x\r\n\r\nascii\r\n"
    # A control character or a lone CR never travels as it is: such text goes quoted-printable.
    for odd in ("baris\rsatu\n", "nol\x00di sini\n", "bel\x07 – berbunyi\n"):
        wire = build_message(sender=("Kantor", "pengaduan@kec.test"), to=[("Budi", "budi@warga.test")],
                             rendered=Rendered(subject="Halo", body=odd), message_id="<c.pgd@kec.test>",
                             date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc))
        assert wire.isascii() and b"Content-Transfer-Encoding: quoted-printable" in wire
        assert email.message_from_bytes(wire, policy=email.policy.default).get_content().replace("\r\n", "\n") == odd


def test_a_server_without_8bitmime_receives_the_mail_as_quoted_printable(env):
    """The outbox's sender declares BODY=8BITMIME to a server that offers it (the rig's), and sends
    quoted-printable to one that does not: the text arrives whole either way."""
    from aiosmtpd.controller import Controller

    from jobs.demo.mailrig import free_port
    from jobs.outgoing import send_due
    from office.config import SmtpSettings

    class Keep:
        def __init__(self):
            self.got = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            self.got.append((envelope.mail_options, envelope.original_content or envelope.content))
            return "250 OK"

    sent = build_message(sender=("Kantor", env.cast.office), to=[("Camat", env.official("camat")[1])],
                         rendered=Rendered(subject="Uji", body="Nilai 1–4 untuk pelayanan.\n"),
                         message_id="<delapan.pgd@kec.test>", date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc))
    now = dt.datetime.now(dt.timezone.utc)
    for eight_bit in (False, True):
        keep = Keep()
        # decode_data=True is how aiosmtpd leaves 8BITMIME out of its EHLO.
        server = Controller(keep, hostname="127.0.0.1", port=free_port(), decode_data=not eight_bit)
        server.start()
        try:
            with env.office.book.transaction():
                env.office.book.outbox.enqueue(message_id=f"<m{eight_bit}@kec.test>", complaint_id=None, kind="uji",
                                               recipients=["camat@kec.test"], subject="Uji", raw=sent, at=now)
            assert send_due(env.office.book, SmtpSettings("127.0.0.1", server.port, security="none"),
                            env.cast.office, now) == 1
        finally:
            server.stop()
        [(options, content)] = keep.got
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        assert ("BODY=8BITMIME" in options) == eight_bit and raw.isascii() != eight_bit
        text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()
        assert text.replace("\r\n", "\n") == "Nilai 1–4 untuk pelayanan.\n"
