"""Our own quotation readers, where the labelled corpora (tests/test_reply_corpus.py) do not
pin them: the HTML tree and its structure cuts, and the line marking of plain text with the
quote headers each client writes. Pure functions: plain unit tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from intake import html_tree
from intake.html_quote import cut_html_quote, cut_quoted_block
from intake.quote_text import cut_quotation, mark_lines, splitter
from intake.reply import extract_reply

ANSWER = "Sudah ditindaklanjuti oleh Seksi Trantib."


# -- the HTML tree -------------------------------------------------------------------------

def test_the_tree_keeps_source_offsets_text_and_tails():
    source = '<div id="a">one<b>two</b>three<br>four</div>five'
    root = html_tree.parse(source)
    div = root.children[0]
    assert source[div.start:div.after] == '<div id="a">one<b>two</b>three<br>four</div>five'
    assert div.text == "one" and div.text_content() == "onetwothreefour"
    bold, br = div.children
    assert bold.tail == "three" and br.tail == "four" and div.tail == "five"
    assert source[div.start:div.inner_end] == '<div id="a">one<b>two</b>three<br>four'


def test_an_open_paragraph_ends_where_the_next_block_begins_and_unclosed_elements_at_the_end():
    root = html_tree.parse("<p>one<div>two</div><div>three")
    p, first, second = root.children
    assert p.tag == "p" and p.text_content() == "one" and first.text_content() == "two"
    assert second.inner_end == len("<p>one<div>two</div><div>three")


def test_an_end_tag_closes_what_was_left_open_inside_it_and_a_stray_one_is_ignored():
    root = html_tree.parse("<div><span>a<i>b</div></span>c")
    div = root.children[0]
    assert [e.tag for e in div.iter()] == ["div", "span", "i"] and div.tail == "c"


# -- HTML structure cuts -------------------------------------------------------------------

def test_gmail_quote_is_cut_but_a_gmail_forward_is_kept():
    reply = f'<div dir="ltr">{ANSWER}</div><br><div class="gmail_quote">Pada Sen … menulis:<blockquote>asli</blockquote></div>'
    assert cut_quoted_block(reply) == f'<div dir="ltr">{ANSWER}</div><br>'
    forward = ('<div>Mohon dicek.</div><div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message '
               '---------<br>From: Warga &lt;w@example.com&gt;</div>Jalan rusak.</div>')
    assert cut_quoted_block(forward) is None


def test_the_last_outer_blockquote_is_cut_and_a_nested_one_goes_with_it():
    reply = (f"<p>{ANSWER}</p><blockquote>first<blockquote>inner</blockquote></blockquote>"
             "<p>between</p><blockquote type=\"cite\">last</blockquote>")
    assert cut_quoted_block(reply) == f"<p>{ANSWER}</p><blockquote>first<blockquote>inner</blockquote></blockquote><p>between</p>"


def test_zimbra_divider_goes_and_the_header_lines_under_it_are_then_cut_as_text():
    reply = (f"<div>{ANSWER}</div><hr id=\"zwchr\" data-marker=\"__DIVIDER__\"><div data-marker=\"__HEADERS__\">"
             "<b>Dari: </b>Sekretaris &lt;sekretaris@example.go.id&gt;<br><b>Kepada: </b>camat@example.go.id<br>"
             "<b>Terkirim: </b>Senin, 6 Januari 2025 9:00:00<br><b>Perihal: </b>Pengaduan</div>"
             "<div data-marker=\"__QUOTED_TEXT__\">Mohon arahan Bapak.</div>")
    assert "__DIVIDER__" not in cut_quoted_block(reply)
    assert extract_reply("", reply) == ANSWER


def test_outlook_older_dividers_and_outlook_for_mac_cut_what_follows():
    divider = "border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0cm 0cm 0cm"
    reply = (f'<div class="WordSection1"><p>{ANSWER}</p><div><div style="{divider}"><p>From: A</p></div></div>'
             "<p>the original</p></div>")
    assert cut_quoted_block(reply) == f'<div class="WordSection1"><p>{ANSWER}</p></div>'
    mac = f'<div>{ANSWER}</div><span id="OLK_SRC_BODY_SECTION"><div>From: A</div><div>asli</div></span>'
    assert cut_quoted_block(mac) == f"<div>{ANSWER}</div>"


def test_a_from_block_is_cut_with_what_follows_unless_it_is_the_whole_mail():
    reply = f"<body><div>{ANSWER}</div><div>From: A &lt;a@b&gt;<br>Sent: Monday</div><div>asli</div></body>"
    assert cut_quoted_block(reply) == f"<body><div>{ANSWER}</div></body>"
    assert cut_quoted_block("<body><div>From: the whole mail is a header block</div></body>") is None
    after_rule = f"<div>{ANSWER}<hr>From: A<br>Sent: Monday<br>asli</div>"
    assert cut_quoted_block(after_rule) == f"<div>{ANSWER}</div>"


def test_outlook_on_the_web_cut_takes_the_rule_above_its_header_block_and_signatures_go_once():
    reply = (f'<div>{ANSWER}</div><div id="Signature"><div class="moz-signature">Budi</div>NIP 1</div>'
             '<p>tetap</p><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>Dari:</b> Camat<br>'
             "<b>Dikirim:</b> Senin<br><b>Kepada:</b> Sekretaris</div><div>asli</div>")
    assert cut_html_quote(reply) == f"<div>{ANSWER}</div><p>tetap</p>"


def test_html_with_no_quoting_element_is_left_to_the_text_reader():
    assert cut_quoted_block(f"<p>{ANSWER}</p>") is None


# -- plain text: quote headers and line marks ----------------------------------------------

@pytest.mark.parametrize("header", [
    "On Mon, Jan 6, 2025 at 9:00 AM Camat <camat@example.go.id> wrote:",
    "Pada Sen, 6 Jan 2025 pukul 09.00 Camat <camat@example.go.id>\nmenulis:",
    "-----Original Message-----",
    "-----Pesan Asli-----",
    "From: Camat <camat@example.go.id>\nSent: Monday, January 6, 2025 9:00 AM\nTo: Sekretaris",
    "________________________________\nDari: Camat <camat@example.go.id>\nDikirim: Senin, 6 Januari 2025 09.00",
    "Dari: Camat\nTerkirim: Senin\nKepada: Sekretaris",
    "Am 06.01.2025 um 09:00 schrieb Camat <camat@example.go.id>:",
    "ср, 30 апр. 2025 г. в 15:19, Camat <camat@example.go.id>:",
    "02.04.2012 14:20 пользователь \"bob@example.com\" <bob@example.com> написал:",
    "2014-10-17 11:28 GMT+03:00 Bob <bob@example.com>:",
    "---- Camat wrote ----",
])
def test_every_clients_quote_header_is_a_splitter(header):
    assert splitter(header + "\nthe original") is not None
    assert cut_quotation(f"{ANSWER}\n\n{header}\n> the original\n> more") == ANSWER


@pytest.mark.parametrize("line", [
    "Date: Senin, 12 Januari 2026",  # an invitation's detail, alone
    "Rapat pada 10/19/2017 @ 9:30 di kantor camat",
    "on Monday, as agreed, we wrote to the Dinas",  # lower-case "on" starts a sentence
    "Dari: warga RT 12 yang melapor kemarin",  # a "Dari:" line with no header under it
])
def test_an_answers_own_lines_are_not_splitters(line):
    assert splitter(line + "\nSudah dicek.") is None


def test_the_marks_and_the_cuts_they_lead_to():
    assert mark_lines(["answer", "", "> q1", "> q2"]) == "temm"
    # Outlook: the original follows its header unquoted; all of it goes
    assert cut_quotation(f"{ANSWER}\n\nFrom: A <a@b>\nSent: Monday\nTo: B\n\nthe original\nmore") == ANSWER
    # bottom posting: the quotation above the answer goes
    assert cut_quotation(f"On Mon, Jan 6, 2025, A <a@b> wrote:\n> q1\n> q2\n\n{ANSWER}") == ANSWER


def test_answers_between_quoted_lines_and_a_forward_keep_the_whole_mail():
    inline = f"> question one\n> more\n{ANSWER}\n> question two\n> more"
    assert cut_quotation(inline) == inline
    forward = "---------- Forwarded message ---------\nFrom: Warga <w@example.com>\n\nJalan rusak."
    assert cut_quotation(forward) == forward
    assert mark_lines(forward.split("\n"))[0] == "f"


def test_a_link_in_angle_brackets_is_no_quote_mark():
    text = f"{ANSWER}\n<http://example.go.id/a>\nterima kasih"
    assert cut_quotation(text) == text
    assert cut_quotation("a\n> one or two quoted lines\n> without a header\nb") == \
        "a\n> one or two quoted lines\n> without a header\nb"


def test_reading_replies_loads_no_machine_learning_stack():
    """The reply reader stands on the standard library and mail-parser-reply alone."""
    code = ("import sys; from intake.reply import extract_reply; "
            "extract_reply('Setuju.\\n\\nOn Mon, Jan 6, 2025, A <a@b> wrote:\\n> q', "
            "'<div>Setuju.</div><div class=\"gmail_quote\"><blockquote>q</blockquote></div>'); "
            "print(sorted({'talon', 'regex', 'sklearn', 'scipy', 'numpy', 'lxml', 'html5lib'} & set(sys.modules)))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_html_nested_without_end_is_read_without_recursion_and_in_linear_time():
    """A hostile or broken mail: 20,000 nested elements (the old reader gave up past 419 tags)."""
    import time

    start = time.perf_counter()
    deep = "Setuju.<div>" + "<blockquote><div>" * 20_000 + "asli" + "</div></blockquote>" * 20_000 + "</div>"
    assert extract_reply("", deep) == "Setuju."
    unclosed = "<ul>" + "<li><p>butir" * 20_000
    assert extract_reply("", unclosed).startswith("butir\n\nbutir")  # read in its first thousand lines
    assert time.perf_counter() - start < 30  # about 3 s on two shared cores; quadratic was minutes


def test_a_quote_header_written_after_text_on_the_same_line_still_starts_the_quotation():
    text = f"{ANSWER} On Mon, Jan 6, 2025 at 9:00 AM, Camat <camat@example.go.id> wrote:\n> asli\n> lagi"
    assert cut_quotation(text) == ANSWER
