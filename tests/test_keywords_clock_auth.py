"""Pure pieces of the SOP engine: keyword values, the nudge decision, Authentication-Results."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from intake.authresults import authenticated
from office.mail_view import redact_identity
from sop.clock import WITA, NudgePolicy, OfficeClock, next_nudge
from sop.keywords import parse_meeting
from tests.helpers import wita


def test_meeting_values():
    assert parse_meeting("tidak", WITA) == (False, None)
    assert parse_meeting("ya", WITA) == (True, None)
    assert parse_meeting("ya, 12-01-2026 09:00", WITA) == (True, dt.datetime(2026, 1, 12, 9, 0, tzinfo=WITA))
    assert parse_meeting("2026-01-12 13.30", WITA) == (True, dt.datetime(2026, 1, 12, 13, 30, tzinfo=WITA))
    assert parse_meeting("Senin, 12 Januari 2026 pukul 10.15", WITA)[1] == dt.datetime(2026, 1, 12, 10, 15, tzinfo=WITA)
    assert parse_meeting("ya 12 Jan 2026", WITA)[1] == dt.datetime(2026, 1, 12, 9, 0, tzinfo=WITA)
    assert parse_meeting("ya, 31-02-2026", WITA) == (True, None)  # no such date: a meeting, no time


def nudge(now, reminders=0, escalations=0, last=None):
    return next_nudge(opened=wita(2026, 12, 7, 8, 0), due=wita(2026, 12, 7, 14, 0), now=now, reminders=reminders,
                      escalations=escalations, last_at=last, clock=OfficeClock(), policy=NudgePolicy())


def test_nudges_follow_the_fractions_the_hours_and_the_spacing():
    assert nudge(wita(2026, 12, 7, 10, 0)) is None
    assert nudge(wita(2026, 12, 7, 11, 0)) == "pengingat"  # half of the time
    assert nudge(wita(2026, 12, 7, 11, 30), reminders=1, last=wita(2026, 12, 7, 11, 0)) is None
    # 90 % is due at 13:24, but the previous reminder was too recent for a third in a day.
    assert nudge(wita(2026, 12, 7, 13, 30), reminders=1, last=wita(2026, 12, 7, 11, 0)) is None
    assert nudge(wita(2026, 12, 7, 13, 30), reminders=1, last=wita(2026, 12, 7, 8, 0)) == "pengingat"
    assert nudge(wita(2026, 12, 7, 14, 0), reminders=2, last=wita(2026, 12, 7, 13, 30)) == "eskalasi"
    assert nudge(wita(2026, 12, 7, 20, 0), reminders=2) is None  # after office hours
    assert nudge(wita(2026, 12, 8, 9, 0), reminders=2, escalations=1, last=wita(2026, 12, 7, 14, 0)) == "eskalasi"
    assert nudge(wita(2026, 12, 8, 15, 0), reminders=2, escalations=2, last=wita(2026, 12, 8, 9, 0)) is None


ENTRY = ("received", "from mail.kantor.test (mail.kantor.test [192.0.2.9]) by mx.kantor.test with ESMTPS id x")
LMTP = ("received", "from mx.kantor.test (localhost [127.0.0.1]) by mx.kantor.test with LMTP id y")


def ours_said(*results: str, below: tuple = ()) -> tuple:
    """A trace as a Postfix + DKIM milter + Dovecot LMTP chain writes it, topmost first."""
    return (LMTP, *(("authentication-results", r) for r in results), ENTRY, *below)


def test_only_our_servers_pass_counts():
    ours = "mx.kantor.test"
    assert authenticated(ours_said("mx.kantor.test; dkim=pass header.d=kantor.test header.s=s1"), ours,
                         "camat@kantor.test")
    assert authenticated(ours_said("mx.kantor.test; dmarc=pass header.from=kantor.test"), ours, "camat@kantor.test")
    assert not authenticated(ours_said("mx.kantor.test; dkim=fail header.d=kantor.test"), ours, "camat@kantor.test")
    assert not authenticated(ours_said("mx.lain.test; dkim=pass header.d=kantor.test"), ours, "camat@kantor.test")
    assert not authenticated(ours_said("mx.kantor.test; dkim=pass header.d=penipu.test"), ours, "camat@kantor.test")
    assert authenticated(ours_said("mx.kantor.test; dkim=pass header.d=kantor.test"), ours, "camat@sub.kantor.test")
    assert not authenticated((), ours, "camat@kantor.test")


def test_a_pass_the_sender_wrote_below_our_entry_hop_counts_for_nothing():
    ours = "mx.kantor.test"
    forged = ("authentication-results", "mx.kantor.test; dkim=pass header.d=kantor.test")
    assert not authenticated(ours_said("mx.kantor.test; dkim=none", below=(forged,)), ours, "camat@kantor.test")
    # Without our own header, or without the hop where mail entered, nothing is trusted.
    assert not authenticated((LMTP, ENTRY, forged), ours, "camat@kantor.test")
    assert not authenticated((forged,), ours, "camat@kantor.test")
    # A forged Received naming our server below the real entry hop does not move the boundary.
    fake_hop = ("received", "from x.jahat.test by mx.kantor.test with ESMTP")
    assert not authenticated(ours_said("mx.kantor.test; dkim=none", below=(forged, fake_hop)), ours,
                             "camat@kantor.test")


def test_text_inside_a_property_value_is_not_a_result():
    ours = "mx.kantor.test"
    trick = ('mx.kantor.test; spf=pass smtp.mailfrom="dkim=pass header.d=kantor.test"@jahat.test; '
             "dkim=fail header.d=jahat.test")
    assert not authenticated(ours_said(trick), ours, "camat@kantor.test")
    assert not authenticated(ours_said("mx.kantor.test; dkim=pass header.d=kantor.test.jahat.test"), ours,
                             "camat@kantor.test")
    assert not authenticated(ours_said("mx.kantor.test;;; dkim=pass"), ours, "camat@kantor.test")


def test_a_configured_count_of_received_headers_marks_the_entry():
    ours = "mx.kantor.test"
    trace = (("received", "by internal.kantor.test"), ("authentication-results", f"{ours}; dkim=pass header.d=kantor.test"),
             ("received", "from a by b"), ("authentication-results", f"{ours}; dkim=pass header.d=kantor.test"))
    assert authenticated(trace, ours, "camat@kantor.test", trusted_received=2)
    assert not authenticated(trace[2:], ours, "camat@kantor.test", trusted_received=1)


def test_redaction_hides_name_parts_email_and_phone():
    row = SimpleNamespace(name="Siti Aminah", email="siti@warga.test", phone="0812345")  # a complaint's identity
    text = "Saya Siti (siti@warga.test, 0812345). Hormat saya, SITI AMINAH. Aminah."
    out = redact_identity(text, row)
    assert "Siti" not in out and "siti@" not in out and "0812345" not in out and "AMINAH" not in out


def test_a_clock_that_jumped_back_sends_no_nudge_and_raises_nothing():
    # The server's clock was set back before the task was even opened.
    assert nudge(wita(2026, 12, 6, 10, 0)) is None
    assert nudge(wita(2026, 12, 7, 9, 0), reminders=1, last=wita(2026, 12, 7, 11, 0)) is None


def test_a_place_key_names_the_rt_with_its_street_and_nothing_vaguer():
    from sop.repeats import place_key, similar

    assert place_key("Lampu jalan padam di RT 12 Jalan Mangga") == place_key("gelap di Jl. Mangga RT. 012") == \
        "jalan mangga; rt 12"
    assert place_key("RT 3 RW 05 Handil Bakti") == "rt 3; rw 5"
    assert place_key("Lampu jalan padam di RT 12") is None  # an RT alone is too vague
    assert place_key("Jalan Mangga rusak") is None
    assert place_key("RT 12 Jalan Mangga\nLampu padam") == "jalan mangga; rt 12"  # a street ends at the line
    assert similar("Lampu jalan padam di RT 12", "Lampu jalan RT 12 masih padam") and not similar("Lampu", "Jalan")


def test_a_street_typed_as_citizens_type_it_is_the_same_place():
    from sop.repeats import place_key

    same = {place_key(f"Lampu padam di RT 12 {street}") for street in
            ("jalan Jalan Mangga", "Jalan Mangga", "Jl. Mangga", "jln mangga", "Jln. Jalan Mangga", "jl Mangga")}
    assert same == {"jalan mangga; rt 12"}
    # The spelled-out common noun still names no street, nor an abbreviation followed by a stopword.
    assert place_key("Lampu jalan padam di RT 12") is None
    assert place_key("RT 12 jalan rusak berat") is None
    assert place_key("RT 12 jln yang rusak") is None
    assert place_key("RT 12 Gg. Mawar") == place_key("RT 12 gang Gang Mawar") == "jalan mawar; rt 12"
