"""Reply extraction against the labelled corpora other reply parsers wrote for their own tests
(tests/replycorpus: mailgun/talon, github/email_reply_parser, zapier/email-reply-parser, with
their licences). Each case travels as an official's reply does: an .eml through parse_message,
an HTML body through the HTML-to-text step, then extract_reply; the visible new text must match
the label after collapsing whitespace.

Every case is listed. The cases we do not yet get right are named below and marked as expected
failures (strict) with the reason: the labels of different parsers disagree on a device line
or a "-- " block, and ours follow the ones an official's letter needs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.html_text import html_to_text
from intake.parse import parse_message
from intake.reply import extract_answer, extract_reply

ROOT = Path(__file__).parent / "replycorpus"
CORPORA = ("talon", "github", "zapier", "indonesia")

# The cases we do not extract as labelled, each with the reason it cannot be (talon 87/89,
# github 21/21, zapier 4/4, Indonesian 51/51).
KNOWN_MISSES = {
    "talon": {
        "standard_replies/iphone.eml":
            "talon's label keeps 'Sent from my iPhone' (it labels the quotation cut only); the github "
            "corpus labels the same line as signature (email_iPhone.txt), as officials' letters need",
        "standard_replies/sparrow.eml":
            "talon's label keeps a '-- ' signature block (quotation cut only); the github corpus labels "
            "the same block as signature (correct_sig.txt)",
    },
}


def _cases():
    for corpus in CORPORA:
        for case in json.loads((ROOT / corpus / "cases.json").read_text(encoding="utf-8")):
            reason = KNOWN_MISSES.get(corpus, {}).get(case["id"])
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(corpus, case, id=f"{corpus}:{case['id']}", marks=marks)


def reply_of(corpus: str, case: dict) -> str:
    """The case as an official's reply travels: an .eml parsed (its HTML kept when it has no
    plain text), an HTML body flattened for the text and kept for its structure."""
    data = (ROOT / corpus / case["input"]).read_bytes()
    if case["format"] == "eml":
        msg = parse_message(data)
        return extract_reply(msg.text, msg.html)
    if case["format"] == "html":
        html = data.decode("utf-8", "replace")
        return extract_reply(html_to_text(html), html)
    return extract_reply(data.decode("utf-8", "replace"))


@pytest.mark.parametrize(("corpus", "case"), list(_cases()))
def test_reply_extraction_matches_the_label(corpus, case):
    got = reply_of(corpus, case)
    if case.get("exact"):  # format=flowed: the writer's lines as typed, not the transport's wraps
        assert got == case["expected"]
    assert " ".join(got.split()) == " ".join(case["expected"].split())


def test_the_answer_leaves_out_the_closing_and_never_a_real_answer():
    """What a step's action and a letter's text are made of: the Indonesian cases name the
    answer where it differs from the text (a closing of thanks, a courtesy line)."""
    for case in json.loads((ROOT / "indonesia" / "cases.json").read_text(encoding="utf-8")):
        data = (ROOT / "indonesia" / case["input"]).read_bytes()
        if case["format"] == "eml":
            msg = parse_message(data)
            got = extract_answer(msg.text, msg.html)
        elif case["format"] == "html":
            got = extract_answer(html_to_text(data.decode()), data.decode())
        else:
            got = extract_answer(data.decode())
        assert " ".join(got.split()) == " ".join(case.get("answer", case["expected"]).split()), case["id"]


def test_every_client_officials_use_is_in_the_indonesian_cases_as_text_and_html():
    cases = json.loads((ROOT / "indonesia" / "cases.json").read_text(encoding="utf-8"))
    for client in ("Gmail", "Outlook", "Yahoo", "iPhone", "Android", "Zimbra", "Roundcube"):
        formats = {c["format"] for c in cases if client.lower() in c["client"].lower()}
        assert {"text", "html"} <= formats | ({"html"} if "eml" in formats else set()), client
    assert len(cases) >= 30


def test_every_known_miss_is_a_real_case():
    ids = {c: {case["id"] for case in json.loads((ROOT / c / "cases.json").read_text())} for c in CORPORA}
    assert all(set(misses) <= ids[c] for c, misses in KNOWN_MISSES.items())
