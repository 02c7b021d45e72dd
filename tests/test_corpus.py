"""Every file of the .eml corpus parses and classifies as expected, without a server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from intake.classify import Identity, classify
from intake.parse import parse_message
from intake.reply import extract_reply

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
ME = Identity("pengaduan@kecamatan.test", re.compile(r"PGD/\d{4}/\d{4}"),
              frozenset({"camat@kecamatan.test", "sekretaris@kecamatan.test", "staf@kecamatan.test",
                         "kasi.pemerintahan@kecamatan.test"}))


def test_the_corpus_is_large_enough_and_every_file_has_an_expectation():
    files = sorted(p.stem for p in CORPUS.glob("*.eml"))
    assert len(files) >= 60
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name):
    exp = EXPECTED[name]
    msg = parse_message((CORPUS / f"{name}.eml").read_bytes())
    got = classify(msg, ME)
    assert got.kind == exp["kind"], got.reason
    for key in ("from_addr", "from_name", "subject", "message_id", "reply_to"):
        if key in exp:
            assert getattr(msg, key) == exp[key], key
    if "date" in exp:
        assert msg.date == exp["date"]
    for text in exp.get("text_contains", []):
        assert text in msg.text
    for text in exp.get("text_excludes", []):
        assert text not in msg.text
    if "attachments" in exp:
        assert [a.filename for a in msg.attachments] == exp["attachments"]
    for note in exp.get("notes_contains", []):
        assert any(note in n for n in msg.notes), msg.notes
    if "token" in exp:
        assert got.token == exp["token"]
    if "reply_text" in exp:
        assert extract_reply(msg.text) == exp["reply_text"]
    if "forwarded_from" in exp:
        assert msg.forwarded.address == exp["forwarded_from"]
        assert msg.forwarded.text == exp["forwarded_text"]
    if "bounced" in exp:
        assert set(exp["bounced"]) <= set(msg.embedded_ids)
    assert "\n" not in msg.subject and "\x00" not in msg.text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_complaint_read_from_any_mail_holds_its_text_as_the_book_keeps_it(name):
    # Recording takes a mail's complaint as the parser gave it (NewComplaint.clean), without
    # cleaning its text again: that holds only while cleaning it again changes nothing.
    from dataclasses import replace

    from office.recording import from_email

    new = from_email(parse_message((CORPUS / f"{name}.eml").read_bytes()), ME.address)
    assert new.clean
    again = replace(new, clean=False)
    assert again.normalised() == again
