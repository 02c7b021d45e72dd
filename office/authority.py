"""Who may act by mail: one check for every reply that moves something, so that a step's
action (office.arrivals), the agenda keeper's number (office.agenda), `Benar` or `Bukan` to a
proposal (office.proposals) and the signer's TTE-signed PDF (office.tte) are held to the same
rule. The sender must be the role's official (an alias, or an active Plt./Plh.) and, with
`[security] require_authentication`, the mail must carry our own server's DKIM/DMARC pass. A
sender who fails is refused, and the real official is told that someone tried (a few mails an
hour at most, office.notices.warn_official).
"""

from __future__ import annotations

import datetime as dt

from intake.authresults import topmost_authserv_id, verdict
from intake.parse import Incoming, parse_message
from office.base import Duty, Office
from office.notices import warn_official
from sop.book.records import Complaint

NOT_THE_HOLDER = "pengirim bukan pejabat yang berwenang"
NOT_AUTHENTIC = "tanda keaslian surel (DKIM/DMARC) tidak lulus"


def authentication_failure(office: Office, msg: Incoming) -> str | None:
    """Why the sender of `msg` did not pass our server's authentication, or None when it did
    (or when the office does not require it)."""
    sec = office.config.security
    if not sec.require_authentication:
        return None
    checked = verdict(msg.trace, sec.authserv_id, msg.from_addr, trusted_received=sec.trusted_received,
                      own_hosts=sec.own_hosts)
    return None if checked.passed else checked.why


def sender_refusal(office: Office, row: Complaint, task: Duty, msg: Incoming, now: dt.datetime, *, holder: str,
                   warned_as: str = NOT_THE_HOLDER) -> str | None:
    """None when `msg` may act on `task` (its `role` and `step`) of complaint `row`. Otherwise
    the official has been warned and the note for the book's record of the message is
    returned; `holder` names who should have written ("pejabat tugas langkah 2 …")."""
    if not office.may_act(task.role, msg.from_addr, now):
        warn_official(office, row, task, msg, warned_as, now)
        return f"pengirim {msg.from_addr} bukan {holder}"
    why = authentication_failure(office, msg)
    if why is not None:
        warn_official(office, row, task, msg, NOT_AUTHENTIC, now)
        return f"surel dari {msg.from_addr} tidak lulus pemeriksaan keaslian: {why}"
    return None


def authserv_ids(paths: list[str]) -> set[str]:
    """The authserv-ids of the topmost Authentication-Results in the raw messages at `paths`
    (periksa compares them with `trusted_authserv_id`)."""
    seen = set()
    for path in paths:
        try:
            with open(path, "rb") as f:
                head = f.read(65536).split(b"\r\n\r\n", 1)[0]
        except OSError:
            continue
        found = topmost_authserv_id(parse_message(head + b"\r\n\r\n").trace)
        if found:
            seen.add(found)
    return seen
