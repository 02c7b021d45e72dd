"""Parsing, classifying and reply extraction: pure, no server."""

from __future__ import annotations

import re

from intake.classify import Identity, classify
from intake.parse import parse_message
from intake.reply import extract_reply

ME = Identity("pengaduan@kec.test", re.compile(r"PGD/\d+/\d+"))


def raw(headers: str, body: str = "Isi.") -> bytes:
    return (headers.strip() + "\r\n\r\n" + body).replace("\r\n", "\n").replace("\n", "\r\n").encode()


def test_encoded_words_and_charsets_are_decoded():
    m = parse_message(raw(
        "From: =?utf-8?q?Siti_Aminah?= <SITI@Warga.test>\nTo: pengaduan@kec.test\n"
        "Subject: =?iso-8859-1?q?Jalan_rusak_di_Bukuan_=E9?=\nMessage-ID: <a@w>\n"
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable",
        "Caf=E9 rusak."))
    assert (m.from_name, m.from_addr) == ("Siti Aminah", "siti@warga.test")
    assert m.subject == "Jalan rusak di Bukuan é" and m.text == "Café rusak."
    assert m.message_id == "<a@w>"


def test_html_only_mail_becomes_readable_text_without_scripts():
    m = parse_message(raw(
        "From: a@w.test\nTo: pengaduan@kec.test\nSubject: x\nContent-Type: text/html; charset=utf-8",
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Jalan <b>rusak</b>.</p><p>Lihat <a href='https://peta.test/x'>peta</a></p></body></html>"))
    assert "Jalan rusak." in m.text and "https://peta.test/x" in m.text
    assert "alert" not in m.text and "color" not in m.text


def test_same_message_id_gives_the_same_key_and_no_id_falls_back_to_the_bytes():
    a = parse_message(raw("From: a@w.test\nMessage-ID: <x@w>\nSubject: 1"))
    b = parse_message(raw("From: a@w.test\nMessage-ID: <x@w>\nSubject: 1\nX-Extra: resent"))
    assert a.key == b.key
    c = parse_message(raw("From: a@w.test\nSubject: 1"))
    d = parse_message(raw("From: a@w.test\nSubject: 2"))
    assert c.key != d.key


def test_header_line_breaks_never_survive_into_the_subject():
    m = parse_message(b"From: a@w.test\r\nSubject: =?utf-8?q?Halo=0D=0ABcc:_x@evil.test?=\r\n\r\nIsi")
    assert "\n" not in m.subject and "\r" not in m.subject


def test_attachment_names_are_kept_as_data():
    m = parse_message(raw(
        "From: a@w.test\nSubject: foto\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B",
        "--B\nContent-Type: text/plain\n\nFoto terlampir.\n--B\nContent-Type: image/png\n"
        "Content-Disposition: attachment; filename=\"../../etc/passwd\"\nContent-Transfer-Encoding: base64\n\n"
        "iVBORw0KGgo=\n--B--\n"))
    assert m.text == "Foto terlampir."
    assert [a.filename for a in m.attachments] == ["../../etc/passwd"]


def kind(headers: str, body: str = "Isi.") -> str:
    return classify(parse_message(raw(headers, body)), ME).kind


def test_classification_table_order():
    assert kind("From: pengaduan@kec.test\nSubject: x") == "own"
    assert kind("From: a@w.test\nSubject: x\nAuto-Submitted: auto-replied") == "auto"
    assert kind("From: a@w.test\nSubject: Out of Office: cuti") == "auto"
    assert kind("From: a@w.test\nSubject: Balasan otomatis") == "auto"
    assert kind("From: a@w.test\nSubject: x\nPrecedence: bulk") == "auto"
    assert kind("From: MAILER-DAEMON@mx.test\nSubject: Undelivered") == "bounce"
    assert kind("From: a@w.test\nTo: pengaduan+abcdefghij0123456789@kec.test\nSubject: Re") == "action"
    assert kind("From: a@w.test\nSubject: Re\nIn-Reply-To: <tugas.abcdefghij0123456789.pgd@kec.test>") == "action"
    assert kind("From: a@w.test\nSubject: Re\nIn-Reply-To: <tanda-terima.abc.pgd@kec.test>") == "followup"
    assert kind("From: a@w.test\nSubject: Tentang PGD/2026/0001") == "followup"
    assert kind("From: a@w.test\nSubject: Jalan rusak") == "complaint"


def test_an_auto_reply_to_a_routing_email_is_never_an_action():
    headers = "From: camat@kec.test\nTo: pengaduan+abcdefghij0123456789@kec.test\nSubject: Re\nX-Autoreply: yes"
    assert kind(headers) == "auto"


def test_a_token_for_another_domain_is_not_ours():
    assert ME.token_in("pengaduan+abcdefghij@other.test") is None
    assert ME.token_in("pengaduan+abcdefghij@kec.test") == "abcdefghij"
    assert ME.token_in("pengaduan+a/b@kec.test") is None


def test_reply_text_drops_quotes_and_signatures_in_both_languages():
    gmail_id = ("Sudah kami tindak lanjuti.\n\nSalam,\nBudi\n\n"
                "Pada Sen, 6 Jan 2025 pukul 09.00 Sistem <p@k.test> menulis:\n> tugas\n> lama")
    assert extract_reply(gmail_id) == "Sudah kami tindak lanjuti."
    outlook_id = ("Setuju.\nRapat: ya\n\nDikirim dari iPhone saya\n\n-----Pesan Asli-----\n"
                  "Dari: sistem\nDikirim: Senin\nKepada: camat\nPerihal: x\nisi lama")
    assert extract_reply(outlook_id) == "Setuju.\nRapat: ya"
    english = "Done.\n\nOn Mon, Jan 6, 2025 at 9:00 AM System <p@k.test> wrote:\n> quoted"
    assert extract_reply(english) == "Done."
    lists = "Jawaban:\n- satu\n- dua\n\nDari: Sistem\nKepada: Sekretaris\nPerihal: tugas\n"
    assert extract_reply(lists) == "Jawaban:\n- satu\n- dua"
    assert extract_reply("Salam,\nRahmawati\n\n> kutipan") == ""
    assert extract_reply("Terima kasih, sudah kami terima.") == "Terima kasih, sudah kami terima."


def test_an_encoded_display_name_cannot_smuggle_in_an_address():
    raw = (b"From: =?utf-8?q?Budi=0ABcc:_x@evil.test?= <budi@warga.test>\r\n"
           b"To: =?utf-8?q?pengaduan+abcdefghij0123456789@kec.test?= <x@y.test>\r\nSubject: s\r\n\r\nIsi")
    m = parse_message(raw)
    assert m.from_addr == "budi@warga.test" and "\n" not in m.from_name
    assert m.recipients == ("x@y.test",)
    assert classify(m, ME).kind == "complaint"  # not an action: the token sat in a display name


def test_a_nul_in_a_charset_name_is_survived():
    raw = b"From: a@w.test\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\x00\r\n\r\nIsi."
    assert parse_message(raw).text == "Isi."


def test_forwarded_sender_address_that_mail_cannot_reach_is_dropped():
    """8-bit junk in a forward's inner From decodes to non-ASCII text: no acknowledgement can
    go there, so the address is left empty (and the forward is read as the staff's own)."""
    inner = b"From: Ibu Ratna <ratna@warga.\xd8\xd5test>\r\nSubject: Keluhan\r\n\r\nPelayanan lambat.\r\n"
    m = parse_message(raw("From: staf@kec.test\nTo: pengaduan@kec.test\nSubject: Fwd: Keluhan\n"
                          "Content-Type: multipart/mixed; boundary=\"F\"",
                          "--F\nContent-Type: text/plain\n\nMohon dicatat.\n--F\n"
                          "Content-Type: message/rfc822\n\n") + inner + b"--F--\r\n")
    assert m.forwarded.name == "Ibu Ratna" and m.forwarded.address == ""
    assert classify(m, Identity("pengaduan@kec.test", re.compile(r"PGD/\d+/\d+"),
                                frozenset({"staf@kec.test"}))).kind == "complaint"


def test_a_sender_domain_no_charset_could_read_is_not_taken_as_an_address():
    """8-bit bytes in the From domain come out of the header parser as '?': such an address
    would send the acknowledgement nowhere (or to someone else), so none is recorded."""
    m = parse_message("From: Budi <budi@wärga.test>\r\nTo: pengaduan@kec.test\r\nSubject: Uji\r\n"
                      "Message-ID: <n1@w>\r\n\r\nIsi.\r\n".encode())
    assert m.from_addr == "" and m.subject == "Uji"
    assert parse_message(raw("From: Budi <budi@warga.test>\nTo: pengaduan@kec.test")).from_addr == "budi@warga.test"
