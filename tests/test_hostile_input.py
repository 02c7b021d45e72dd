"""Hostile and broken mail: never a crash, each message in the book (or quarantine) once, no
file outside our folders, nothing of it reaching a header, a template or a path."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

from intake.classify import Identity, classify
from intake.parse import parse_message
from intake.text import BIDI, CONTROLS
from tests.hostile import OFFICE, cases

LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

ME = Identity(OFFICE, re.compile(r"PGD/\d{4}/\d{4}"))
CASES = cases(big=True)


def test_the_generated_corpus_is_large_and_named_uniquely():
    assert len(CASES) >= 300
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name,raw,kind", CASES, ids=[c[0] for c in CASES])
def test_each_hostile_message_parses_to_its_expected_kind(name, raw, kind):
    msg = parse_message(raw)
    got = classify(msg, ME)
    assert got.kind == ("complaint" if kind == "duplicate" else kind), got.reason
    for value in (msg.subject, msg.from_name, *(a.filename for a in msg.attachments)):
        assert not LINE_UNSAFE.search(value) and not BIDI.search(value)
        assert len(value) <= 998
    assert not CONTROLS.search(msg.text) and "\r" not in msg.text and not BIDI.search(msg.text)
    assert len(msg.text) <= 200_000


def test_the_whole_corpus_through_the_real_servers(env):
    """Every message ends in the book exactly once or in quarantine, and the daemon survives."""
    domain = env.cast.domain
    env.office.config = replace(env.config, intake=replace(env.config.intake, ack_per_hour=10_000))
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        for _, raw, _ in CASES:
            box.append(raw.replace(OFFICE.encode(), env.cast.office.encode()).replace(
                b"@hostile.test", f"@warga.{domain}".encode()), "INBOX")
    for _ in range(6):  # a few cycles: a failing message is retried, then quarantined
        env.cycle()
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        assert box.uids("ALL") == []
    book = env.office.book
    recorded = book.messages.listed()
    distinct = {parse_message(raw.replace(OFFICE.encode(), env.cast.office.encode()).replace(
        b"@hostile.test", f"@warga.{domain}".encode())).key for _, raw, _ in CASES}
    assert {m["key"] for m in recorded} == distinct and len(recorded) == len(distinct)
    kinds = {m["kind"] for m in recorded}
    assert kinds <= {"complaint", "auto", "bounce", "quarantine"}
    quarantined = book.messages.listed("quarantine")
    assert all(q["note"] for q in quarantined)
    # Files only ever land under our folders, under names we made.
    files_root = env.config.files.resolve()
    for complaint in book.complaints.listed():
        for a in book.attachments.of(complaint["id"], None):
            if a["path"]:
                path = Path(a["path"]).resolve()
                assert files_root in path.parents and re.fullmatch(r"[0-9a-f]{12}-\d{3}\.\w+", path.name)
    assert not Path("/etc/cron.d/evil").exists()
    assert book.integrity() == "ok"
    # What reached the outgoing mail never carries injected headers or recipients.
    import email
    import email.policy

    for row in book.outbox.listed():
        head = bytes(row["raw"]).split(b"\r\n\r\n", 1)[0]
        assert b"\r\nBcc:" not in head and b"\r\nCc:" not in head
        sent = email.message_from_bytes(bytes(row["raw"]), policy=email.policy.default)
        assert sent["Bcc"] is None
        assert all("evil.test" not in a.addr_spec for a in sent["To"].addresses)


PUBLIC = Path(__file__).parent / "corpus" / "public" / "cpython"


def test_odd_mail_from_public_test_suites_goes_through_intake(env):
    import json

    expected = json.loads((PUBLIC / "expected.json").read_text())
    keys = {}
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        for name in expected:
            raw = (PUBLIC / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            keys[name] = parse_message(raw).key
            box.append(raw, "INBOX")
    env.cycle()
    recorded = {m["key"]: m["kind"] for m in env.office.book.messages.listed()}
    for name, kind in expected.items():
        assert recorded.get(keys[name]) == kind, name
