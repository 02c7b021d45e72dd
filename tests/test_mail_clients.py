"""The whole SOP by mail with the replies real clients write (tests/mail_clients.py): each
official's words recorded exactly as typed, and quoted text never acting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.flowed import unflow
from intake.parse import parse_message
from intake.routing_lines import drop_routing_lines
from letters.render import letter_text
from tests import mail_clients
from tests.mail_clients import flowed


def _number(env) -> str:
    env.complain(0)
    env.cycle()
    return env.office.book.complaints.listed()[-1]["number"]


def _answer(env, role: str, number: str, step, build, typed: str, **options) -> None:
    routing = env.routing(role, number, step)
    assert routing is not None, f"no routing mail for step {step}"
    env.rig.send(build(routing, env.official(role), typed, **options))
    env.cycle()


def _actions(env, number: str, step: int) -> list[str]:
    row = env.complaint(number)
    return [e["text"] for e in env.office.book.events.of(row["id"]) if e["step"] == step and e["kind"] == "langkah"]


CLARIFICATION = ("Sudah dicek ke Lurah Rawa Makmur: kabel lampu putus di tiga titik sepanjang jalan RT 12.\n"
                 "Petugas PJU kelurahan sudah melihat lokasinya.")
DECISION = "Tindak lanjuti bersama Dinas PUPR; Sekretaris menyiapkan jawaban kepada pengadu."
LETTER = ("Menindaklanjuti pengaduan Saudara tentang lampu jalan yang padam di RT 12 Kelurahan Rawa "
          "Makmur, kami sampaikan bahwa kabel yang putus di tiga titik telah dilaporkan kepada Dinas "
          "Pekerjaan Umum dan Penataan Ruang Kota Samarinda.\n\n"
          "Perbaikan dijadwalkan pada pekan ini; Kelurahan Rawa Makmur akan memantau hasilnya dan "
          "menyampaikannya kepada Saudara.")
DELIVERY = ("Surat jawaban sudah diserahkan langsung kepada pengadu di kantor Kelurahan Rawa Makmur, "
            "disaksikan oleh Ketua RT 12, dan tanda terimanya disimpan dalam berkas.")


def test_the_whole_sop_by_mail_with_five_clients_records_what_each_official_typed(env):
    number = _number(env)
    # Step 2, Gmail (multipart, "Pada … menulis:", blockquote.gmail_quote).
    _answer(env, "sekretaris", number, 2, mail_clients.gmail, CLARIFICATION + "\nSeksi: Pemerintahan")
    row = env.complaint(number)
    assert (row["step"], row["section"]) == (3, "Seksi Pemerintahan")
    assert _actions(env, number, 2) == [CLARIFICATION]

    # Step 3, Outlook on the web, HTML only, the quoted routing mail after div#divRplyFwdMsg as
    # a sibling: it carries our own example line "Rapat: ya, 15-12-2026 09.30".
    assert "Rapat: ya, 15-12-2026 09.30" in env.routing("camat", number, 3).text
    _answer(env, "camat", number, 3, mail_clients.outlook_html, DECISION)
    row = env.complaint(number)
    assert row["step"] == 4 and row["meeting"] == 0, "the quoted example line scheduled a meeting"
    assert not [m for m in env.inbox(env.official("sekretaris")[1]) if "Undangan Rapat" in m.subject]
    assert _actions(env, number, 3) == [DECISION]

    # Step 4, Thunderbird: format=flowed at 72 columns, the answer below the quote, "-- " signature.
    _answer(env, "sekretaris", number, 4, mail_clients.thunderbird, LETTER)
    row = env.complaint(number)
    assert row["step"] == 6 and row["draft"] == LETTER

    # Step 4a, iPhone Mail: "Setuju", "Dikirim dari iPhone saya", the attribution inside the quote.
    # "Setuju" is also a line of the routing mail (its instruction): the answer still counts.
    assert "\nSetuju\n" in env.routing("camat", number, "4a").text.replace("\r\n", "\n")
    _answer(env, "camat", number, "4a", mail_clients.iphone, "Setuju")
    row = env.complaint(number)
    assert row["step"] == 5 and row["letter_number"]
    routing5 = env.routing("jfu", number, 5)
    [letter] = [a for a in routing5.attachments if a.filename.endswith(".docx")]
    text = letter_text(letter.payload)
    for paragraph in LETTER.split("\n\n"):
        assert paragraph in text  # each paragraph whole, not broken where Thunderbird wrapped it

    # Step 5, Roundcube: format=flowed, the answer above the quote, "---" above the signature.
    _answer(env, "jfu", number, 5, mail_clients.roundcube, DELIVERY)
    row = env.complaint(number)
    assert row["state"] == "answered"
    assert _actions(env, number, 5) == [DELIVERY]


OUTLOOKS = {
    "web-indonesian": (mail_clients.outlook_html, {}),
    "web-english": (mail_clients.outlook_html, {"english": True}),
    "web-indonesian-multipart": (mail_clients.outlook_html, {"multipart": True}),
    "desktop-indonesian": (mail_clients.outlook_desktop, {}),
    "desktop-english-multipart": (mail_clients.outlook_desktop, {"english": True, "multipart": True}),
}


@pytest.mark.parametrize("client", list(OUTLOOKS))
def test_an_outlook_reply_quoting_our_example_meeting_line_schedules_no_meeting(env, client):
    """The attack: the Camat's Outlook quotes the whole routing mail after the header block,
    as a sibling, with our example "Rapat: ya, 15-12-2026 09.30" in it."""
    build, options = OUTLOOKS[client]
    number = _number(env)
    _answer(env, "sekretaris", number, 2, mail_clients.gmail, "Klarifikasi awal.\nSeksi: Pemerintahan")
    _answer(env, "camat", number, 3, build, DECISION, **options)
    row = env.complaint(number)
    assert (row["step"], row["meeting"]) == (4, 0)
    assert _actions(env, number, 3) == [DECISION]
    invitations = [m for role in ("camat", "sekretaris") for m in env.inbox(env.official(role)[1])
                   if m.attachments and any(a.filename.endswith(".ics") for a in m.attachments)]
    assert not invitations


def _unmarked(routing, sender, typed):
    """A client that puts the original under the answer with no marker and no header at all."""
    msg = mail_clients._head(routing, sender)
    msg.set_content(f"{typed}\n\n{routing.text}")
    return msg


def test_a_routing_mail_pasted_without_any_quote_marker_or_header_never_acts(env):
    """No reader can tell where such a quotation starts; the lines of our routing mail are
    removed before the keywords are read, so its example line schedules nothing."""
    number = _number(env)
    _answer(env, "sekretaris", number, 2, mail_clients.gmail, "Klarifikasi awal.\nSeksi: Pemerintahan")
    _answer(env, "camat", number, 3, _unmarked, DECISION)
    row = env.complaint(number)
    assert (row["step"], row["meeting"]) == (4, 0)
    assert _actions(env, number, 3) == [DECISION]


def test_a_meeting_the_camat_asks_for_in_his_own_words_is_still_scheduled(env):
    number = _number(env)
    _answer(env, "sekretaris", number, 2, mail_clients.gmail, "Klarifikasi awal.\nSeksi: Pemerintahan")
    _answer(env, "camat", number, 3, mail_clients.outlook_html, "Perlu dibahas bersama.\nRapat: ya, 14-12-2026 09.00")
    row = env.complaint(number)
    assert row["meeting"] == 1 and row["step"] == 3  # the step stays open for the decision after it


def test_a_complaint_sent_format_flowed_is_recorded_with_its_own_lines(env):
    body = ("Selamat pagi,\n\nSudah dua minggu lampu jalan di RT 12 Kelurahan Rawa Makmur padam. Jalan menjadi "
            "gelap dan rawan pada malam hari. Mohon segera ditindaklanjuti.\n\nTerima kasih,\nSiti Aminah")
    from email.message import EmailMessage
    from email.utils import make_msgid

    msg = EmailMessage()
    name, address = env.cast.citizens[0][:2]
    msg["From"], msg["To"], msg["Subject"] = f"{name} <{address}>", env.cast.office, "Lampu jalan padam"
    msg["Message-ID"] = make_msgid()
    msg.set_content(flowed(body, delsp=True), charset="utf-8", cte="8bit")
    msg.set_param("format", "flowed")
    msg.set_param("delsp", "yes")
    env.rig.send(msg)
    env.cycle()
    row = env.office.book.complaints.listed()[-1]
    assert row["body"] == body


# The pure parts --------------------------------------------------------------------------------
@pytest.mark.parametrize("delsp", [False, True])
def test_format_flowed_is_undone_with_stuffing_quotes_and_the_signature_separator_kept(delsp):
    typed = ("Paragraf pertama yang cukup panjang sehingga dibungkus oleh klien surel pada tujuh puluh dua "
             "kolom dan lebih.\n\n From di awal baris\n>bukan kutipan\n-- \nBudi Santoso")
    sent = flowed(typed, delsp=delsp)
    assert max(len(ln) for ln in sent.split("\n")) <= 72 and sent.count("\n") > typed.count("\n")
    assert unflow(sent, delsp=delsp) == typed


def test_format_flowed_never_joins_lines_of_different_quote_depths_and_drops_trailing_spaces():
    assert unflow("Jawaban saya \r\n> kutipan yang \r\n> panjang\r\n>> lebih \r\n>> dalam\r\nakhir ") == \
        "Jawaban saya\n> kutipan yang panjang\n>> lebih dalam\nakhir"
    # DelSp=yes: the space before the break is the marker, removed (words broken anywhere).
    assert unflow("Kata yang terpo \r\ntong", delsp=True) == "Kata yang terpotong"
    assert unflow("Kata yang terpo \r\ntong", delsp=False) == "Kata yang terpo tong"


def test_a_flowed_part_is_unwrapped_at_parse_time_and_a_plain_one_is_not():
    raw = ("From: a@b.test\r\nTo: c@d.test\r\nSubject: x\r\nMessage-ID: <f@b.test>\r\n"
           "Content-Type: text/plain; charset=utf-8; format={fmt}\r\n\r\nsatu \r\ndua\r\n")
    assert parse_message(raw.format(fmt="flowed").encode()).text == "satu dua"
    assert parse_message(raw.format(fmt="fixed").encode()).text == "satu \ndua"


ROUTING = """Yth. Penanda tangan,

Konsep surat jawaban terlampir dan tertulis di bawah. Bila Bapak/Ibu menyetujuinya, balas surel ini dengan satu baris:
Setuju
Surat kemudian diberi nomor, dibubuhi tanda tangan dan segel, lalu diteruskan kepada JFU.

APA YANG PERLU DILAKUKAN
Bila perlu rapat dinas, tulis pada baris tersendiri:
Rapat: ya, 12-01-2026 09.00
(bila tanggal dan jam diisi, undangan rapat dikirim kepada Camat, Sekretaris dan kepala seksi terkait)

Isi pengaduan:
> Lampu padam sejak dua minggu.
> Mohon segera diperbaiki oleh dinas terkait.
"""


def test_a_block_of_the_routing_mail_in_a_reply_is_removed_quoted_or_not():
    bare = "Keputusan saya: tindak lanjuti.\n\n" + ROUTING
    assert drop_routing_lines(bare, ROUTING).strip() == "Keputusan saya: tindak lanjuti."
    quoted = "Keputusan saya.\n" + "\n".join("> " + ln for ln in ROUTING.split("\n"))
    assert drop_routing_lines(quoted, ROUTING).strip() == "Keputusan saya."
    # Wrapped by a client at 60 columns, in a different case: still the same block.
    wrapped = "Oke.\n" + flowed(ROUTING.upper(), width=60).replace(" \n", "\n")
    assert "RAPAT" not in drop_routing_lines(wrapped, ROUTING)


def test_a_real_answer_equal_to_one_line_of_the_routing_mail_counts():
    assert drop_routing_lines("Setuju", ROUTING) == "Setuju"
    assert drop_routing_lines("Setuju\n\nYth. Penanda tangan,\n\nKonsep surat jawaban terlampir", ROUTING) \
        .strip() == "Setuju"
    assert drop_routing_lines("Perlu rapat.\nRapat: ya, 12-01-2026 09.00", ROUTING) == \
        "Perlu rapat.\nRapat: ya, 12-01-2026 09.00"


def test_people_s_text_the_routing_mail_quotes_may_be_repeated_in_an_answer():
    """Two lines of the complaint the routing mail quotes, copied into an answer on purpose."""
    answer = "Pengadu menulis:\nLampu padam sejak dua minggu.\nMohon segera diperbaiki oleh dinas terkait."
    assert drop_routing_lines(answer, ROUTING) == answer


def test_outlook_s_header_block_cuts_only_with_its_labels_and_signature_elements_go():
    from intake.html_quote import cut_html_quote

    reply = ('<div>Setuju.</div><hr><div id="divRplyFwdMsg"><b>Dari:</b> Kantor<br><b>Dikirim:</b> Senin<br>'
             '<b>Kepada:</b> Camat<br><b>Subjek:</b> Tugas</div><div>Rapat: ya, 12-01-2026 09.00</div>')
    assert cut_html_quote(reply) == "<div>Setuju.</div>"
    # An <hr> or a bordered div in the answer itself, without a header block, is the answer's.
    own = '<p>Satu</p><hr><p>Dua</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p>Tiga</p></div>'
    assert cut_html_quote(own) is None
    signed = '<p>Setuju.</p><div id="signature">---<br>Rudi<div>Kaur Umum</div></div><p>Lanjut.</p>'
    assert cut_html_quote(signed) == "<p>Setuju.</p><p>Lanjut.</p>"
    assert cut_html_quote('<p>Ya.</p><div class="moz-signature">-- <br>Budi</div>') == "<p>Ya.</p>"
    assert cut_html_quote("<p>unclosed <div") is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.text(alphabet="ab >-\n", max_size=200), st.booleans())
def test_the_pure_readers_never_raise_and_never_invent_text(text, routing, delsp):
    kept = drop_routing_lines(text, routing + "\n" + text[:50])
    assert set(kept.split("\n")) <= set(text.split("\n")) | {""}
    assert isinstance(unflow(text, delsp=delsp), str)


def test_an_unclosed_paragraph_in_a_signature_never_takes_the_answer_after_it():
    from intake.html_quote import cut_html_quote

    html = '<div id="signature"><p>Rudi<div>Kaur</div></div><p>Jawaban tetap.</p>'
    assert cut_html_quote(html) == "<p>Jawaban tetap.</p>"
