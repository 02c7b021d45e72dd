"""Parsing, classifying and reply extraction never raise, whatever the bytes."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.classify import Identity, classify
from intake.parse import parse_message
from intake.reply import extract_reply

ME = Identity("pengaduan@kecamatan.test", re.compile(r"PGD/\d{4}/\d{4}"), frozenset({"staf@kecamatan.test"}))
SEEDS = [p.read_bytes() for p in sorted((Path(__file__).parent / "corpus").glob("*.eml"))]
HEADER_NAMES = st.sampled_from(["From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
                                "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted", "Reply-To",
                                "Content-Disposition", "Date", "MIME-Version"])
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(raw: bytes) -> None:
    msg = parse_message(raw)
    classify(msg, ME)
    extract_reply(msg.text)
    assert "\n" not in msg.subject and "\r" not in msg.from_name


@FUZZ
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(raw):
    check(raw)


@FUZZ
@given(st.lists(st.tuples(HEADER_NAMES, st.text(max_size=200)), max_size=12), st.binary(max_size=2000))
def test_arbitrary_headers_and_body(headers, body):
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8", "surrogatepass")
    check(head + b"\r\n" + body)


@FUZZ
@given(st.sampled_from(SEEDS), st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=40))
def test_corpus_messages_with_damage(seed, at, junk):
    at = min(at, len(seed))
    check(seed[:at] + junk + seed[at:])


@FUZZ
@given(st.text(max_size=3000))
def test_reply_extraction_of_any_text(text):
    assert isinstance(extract_reply(text), str)
