"""A backlog's commit takes several fetched batches (jobs.incoming): a storage failure in one
undoes it whole, its messages stay in the INBOX, and the next cycle takes each message once."""

from __future__ import annotations

import errno
import logging
from dataclasses import replace

from imap_tools import MailBoxUnencrypted

from jobs.parse_ahead import ParseAhead
from office import arrivals
from tests.helpers import append_complaints


def _waiting(env) -> int:
    with MailBoxUnencrypted("127.0.0.1", env.rig.imap_port).login(env.cast.office, "rahasia-demo") as box:
        return len(box.uids("ALL"))


def test_a_storage_failure_in_a_commit_of_several_batches_loses_nothing_and_repeats_nothing(env, monkeypatch, caplog):
    total = ParseAhead.MIN_BACKLOG + 10
    env.office.config = replace(env.config, mailbox=replace(env.config.mailbox, batch=4))
    append_complaints(env, total)
    real = arrivals.place_private
    placed: list[str] = []

    def disk_full_at_the_seventeenth(staged, path):  # in the fifth batch of four
        placed.append(str(path))
        if len(placed) == 17:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(staged, path)

    monkeypatch.setattr(arrivals, "place_private", disk_full_at_the_seventeenth)
    with caplog.at_level(logging.ERROR):
        env.cycle()
    assert "No space left on device" in caplog.text
    held = len(env.office.book.complaints.listed())
    # What the book committed left the INBOX; the failed commit's messages (16 at most) wait there.
    assert held <= 16 and held + _waiting(env) == total
    assert env.office.book.messages.listed("quarantine") == []
    monkeypatch.setattr(arrivals, "place_private", real)
    env.cycle()
    complaints = env.office.book.complaints.listed()
    assert len(complaints) == total and _waiting(env) == 0
    assert sorted(c["source_message_id"] for c in complaints) == sorted(
        f"<gugus-{i}@warga.{env.cast.domain}>" for i in range(total))
    acks = [m for m in env.office.book.outbox.listed() if m["kind"] == "tanda_terima"]
    assert len(acks) == total == len({m["recipient"] for m in acks})  # one acknowledgement each, none twice



def test_a_backlog_read_by_the_parse_worker_keeps_the_place_each_complaint_names(env):
    # The parse worker finds each message's place key beside the book (office.staging); the
    # book must record what it would have found itself, from the text as it keeps it (stripped,
    # its first 2,000 characters).
    from sop.repeats import place_key, place_text

    append_complaints(env, ParseAhead.MIN_BACKLOG, key="jauh",
                      body="Keluhan {i}." + "\nMohon ditindaklanjuti." * 120 + "\nLokasi: RT {i} Jalan Kenari")
    append_complaints(env, 4, key="dekat", body="   \n  di jln pelita rt.0{i} rw 2, dekat Gang Damai.")
    env.cycle()
    complaints = env.office.book.complaints.listed()
    assert len(complaints) == ParseAhead.MIN_BACKLOG + 4
    for c in complaints:
        assert c["place_key"] == place_key(place_text(c["subject"], c["body"])), c["number"]
    keys = {c["source_message_id"].split("@")[0]: c["place_key"] for c in complaints}
    assert keys["<dekat-3"] == "jalan pelita; rt 3; rw 2"
    assert keys["<jauh-5"] is None  # its RT and street lie past the first 2,000 characters
