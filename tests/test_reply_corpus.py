"""Reply extraction against the labelled corpora other reply parsers wrote for their own tests
(tests/replycorpus: mailgun/talon, github/email_reply_parser, zapier/email-reply-parser, with
their licences). Each case travels as an official's reply does: an .eml through parse_message,
an HTML body through the HTML-to-text step, then extract_reply; the visible new text must match
the label after collapsing whitespace.

Every case is listed. The cases we do not yet get right are named below and marked as expected
failures (strict): one that starts to pass fails the run until it is taken off the list, so the
score only goes up. Issue 18 works this list down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.html_text import html_to_text
from intake.parse import parse_message
from intake.reply import extract_reply

ROOT = Path(__file__).parent / "replycorpus"
CORPORA = ("talon", "github", "zapier")

# Cases this release does not extract as labelled (talon 45/89, github 16/21, zapier 4/4).
KNOWN_MISSES = {
    "talon": {
        "text/test_pattern_on_date_polymail",
        "text/test_pattern_sent_from_samsung_smb_wrote",
        "text/test_pattern_on_date_wrote_somebody",
        "text/test_date_time_email_splitter",
        "text/test_pattern_on_date_somebody_sent",
        "text/test_reply_and_quotation_splitter_share_line",
        "text/test_reply_and_quotation_splitter_share_line#2",
        "text/test_reply_and_quotation_splitter_share_line#3",
        "text/test_english_original_message#2",
        "text/test_german_original_message",
        "text/test_german_original_message#2",
        "text/test_danish_original_message",
        "text/test_android_wrote",
        "text/test_reply_wraps_quotations",
        "text/test_reply_wraps_nested_quotations",
        "text/test_quotation_separator_takes_2_lines",
        "text/test_with_indent",
        "text/test_pattern_date_email_with_unicode",
        "text/test_polish_from_block",
        "text/test_swedish_from_line",
        "text/test_norwegian_from_line",
        "text/test_dutch_from_block",
        "text/test_vietnamese_from_block",
        "text/test_quotation_marker_false_positive",
        "text/test_bold_from_block",
        "text/test_dont_parse_quotations_for_forwarded_messages",
        "text/test_feedback_below_left_unparsed",
        "standard_replies/android.eml",
        "standard_replies/iphone.eml",
        "standard_replies/sparrow.eml",
        "html/test_regular_blockquote",
        "html/test_gmail_quote_blockquote",
        "html/test_from_block_and_quotations_in_separate_divs",
        "html/test_gmail_forwarded_msg",
        "reply-separated-by-hr.html",
        "html_replies/gmail.html",
        "html_replies/mail_ru.html",
        "html_replies/hotmail.html",
        "html_replies/ms_outlook_2003.html",
        "html_replies/ms_outlook_2007.html",
        "html_replies/ms_outlook_2010.html",
        "html_replies/thunderbird.html",
        "html_replies/windows_mail.html",
        "html_replies/yandex_ru.html",
    },
    "github": {
        "email_1_1.txt",
        "email_1_2.txt",
        "email_1_3.txt",
        "email_2_1.txt",
        "email_2_2.txt",
    },
}


def _cases():
    for corpus in CORPORA:
        for case in json.loads((ROOT / corpus / "cases.json").read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(strict=True, reason="not yet extracted as labelled")] \
                if case["id"] in KNOWN_MISSES.get(corpus, set()) else []
            yield pytest.param(corpus, case, id=f"{corpus}:{case['id']}", marks=marks)


def visible_text(corpus: str, case: dict) -> str:
    data = (ROOT / corpus / case["input"]).read_bytes()
    if case["format"] == "eml":
        return parse_message(data).text
    if case["format"] == "html":
        return html_to_text(data.decode("utf-8", "replace"))
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize(("corpus", "case"), list(_cases()))
def test_reply_extraction_matches_the_label(corpus, case):
    got = extract_reply(visible_text(corpus, case))
    assert " ".join(got.split()) == " ".join(case["expected"].split())


def test_every_known_miss_is_a_real_case():
    ids = {c: {case["id"] for case in json.loads((ROOT / c / "cases.json").read_text())} for c in CORPORA}
    assert all(set(misses) <= ids[c] for c, misses in KNOWN_MISSES.items())
