"""Parsing, classifying and reply extraction never raise, whatever the bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
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
# How long to fuzz comes from the hypothesis profile (tests/conftest.py): a quick run by
# default, a few minutes in CI, as long as wanted with HYPOTHESIS_PROFILE=lama.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


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


SOP_TEXT = (TEMPLATE_SOP := (Path(__file__).parents[1] / "templates" / "sop" / "palaran.toml").read_text())


@FUZZ
@given(st.integers(min_value=0, max_value=len(SOP_TEXT)), st.integers(min_value=0, max_value=200), st.text(max_size=60))
def test_the_sop_loader_either_loads_or_names_the_problem(at, cut, junk):
    import tomllib

    from sop.procedure import SopError, parse_procedure

    text = SOP_TEXT[:at] + junk + SOP_TEXT[at + cut:]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        procedure = parse_procedure(data, text, "kantor.toml")
    except SopError as exc:
        assert str(exc).startswith("kantor.toml")
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise AssertionError(f"the loader let {type(exc).__name__} through: {exc}") from None
    else:
        assert procedure.steps and procedure.steps[0].automatic


@pytest.fixture(scope="module")
def office(rig):
    import tempfile

    from jobs.demo import write_config
    from office.base import Office
    from office.config import load_config
    from sop.book import Book

    cfg = load_config(write_config(Path(tempfile.mkdtemp(prefix="pgd-fuzz-")), rig))
    return Office(cfg, Book(cfg.database))


@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=200)
@given(st.sampled_from(SEEDS), st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=40))
def test_damaged_mail_goes_into_the_book_without_an_exception(office, seed, at, junk):
    """The whole path, parse to book to outbox, on a real SQLite file."""
    import datetime as dt

    from office.arrivals import process_raw

    at = min(at, len(seed))
    handled = process_raw(office, seed[:at] + junk + seed[at:], dt.datetime.now(dt.timezone.utc))
    assert handled.kind in {"complaint", "auto", "bounce", "own", "followup", "action", "unmatched", "duplicate"}
