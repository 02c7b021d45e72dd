"""A reply to our mail that answers no routing email: the complainant's addition or word on
the answer, a status request, an official's note, a competent body's answer to a forward, or
a new complaint. What it is, is decided by FOLLOWUP_RULES, an ordered table read top to
bottom like intake.classify's RULES; each rule runs inside the message's transaction."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Callable

from intake.citizen import CodeRequest, asks_status, code_request
from intake.classify import Classification
from intake.parse import Incoming
from intake.reply import read_reply
from office.apply import act
from office.base import Office
from office.forwarding import is_reply_of_body, pass_on_reply
from office.handled import Handled, unmatched
from office.recording import add_followup, add_official_note, from_email, record_complaint
from office.status import answer_by_code, tell_status
from sop.book.records import Complaint
from sop.engine import SYSTEM, Feedback
from sop.keywords import parse_feedback
from sop.terms import ANSWERED

log = logging.getLogger("office.arrivals")  # one message's log lines under one name


@dataclass(frozen=True)
class Followup:
    """What the rules read of the reply."""

    msg: Incoming
    text: str  # the reply's own words (quotation and closing cut), else the whole text
    ask: CodeRequest | None  # `STATUS <nomor> <kode>`
    row: Complaint | None  # the complaint it concerns: from our mail it answers, or a number it names
    in_thread: bool  # `row` came from our mail it answers, not from a number anyone can write
    own_thread: bool  # it answers our mail to the complainant about `row`

    @property
    def by_complainant(self) -> bool:
        return self.row is not None and self.row.email == self.msg.from_addr

    @property
    def complaint(self) -> Complaint:
        assert self.row is not None  # the rules that need no complaint come first
        return self.row


def read_followup(office: Office, msg: Incoming, cls: Classification) -> Followup:
    text = read_reply(msg.text, msg.html).text or msg.text
    row, own_thread = _replied_to(office, cls)
    in_thread = row is not None
    if row is None:
        pattern = office.config.identity.register_pattern
        # A number in the subject names the complaint; in the text only when asking its status.
        m = pattern.search(msg.subject) or (pattern.search(msg.text) if asks_status(text) else None)
        row = office.book.complaints.by_number(m.group(0)) if m else None
    return Followup(msg, text, code_request(msg.subject, text), row, in_thread, own_thread)


def _replied_to(office: Office, cls: Classification) -> tuple[Complaint | None, bool]:
    """The complaint a reply answers, and whether it answers the complainant's own mail: it
    came to the complaint's reply address (its token), or it cites a mail we sent to the
    complainant about it. (None, False) when it answers nothing of ours."""
    book = office.book
    row = book.complaints.by_reply_token(cls.token) if cls.token else None
    if row is not None:
        return row, True
    cited = None
    for ref in cls.refs:
        sent = book.outbox.by_message_ids((ref,))
        if sent is None or not sent.complaint_id:
            continue
        cited = cited or sent
        row = book.complaints.get(sent.complaint_id)
        if row.email and row.email.lower() in {a.lower() for a in json.loads(sent.recipients)}:
            return row, True
    return (book.complaints.get(cited.complaint_id) if cited and cited.complaint_id else None), False


def new_complaint(office: Office, msg: Incoming, now: dt.datetime) -> Handled:
    """A new complaint by email: recorded and step 1 finished (or held, in a burst)."""
    row = record_complaint(office, from_email(msg, office.config.mailbox.address), now)
    log.info("pengaduan %s dicatat dari %s", row.number, msg.from_addr)
    return Handled("complaint", row.id, f"dicatat sebagai {row.number}")


# The rules: when each holds, and what it does ------------------------------------------------
def _code_from_another(office: Office, f: Followup, now: dt.datetime) -> bool:
    """`STATUS <nomor> <kode>` from anyone but the complainant: the state only, to the sender."""
    if f.ask is None or f.msg.attachments:
        return False
    target = office.book.complaints.by_number(f.ask.number)
    return target is None or target.email != f.msg.from_addr


def _answer_code(office: Office, f: Followup, now: dt.datetime) -> Handled:
    assert f.ask is not None  # the rule said so
    return Handled(*answer_by_code(office, f.msg, f.ask, now))


def _status_of_another(office: Office, f: Followup, now: dt.datetime) -> bool:
    """Someone asking about a complaint that is not theirs, named by its number."""
    return not f.in_thread and f.row is not None and not f.by_complainant and asks_status(f.text)


def _tell_nothing(office: Office, f: Followup, now: dt.datetime) -> Handled:
    return unmatched(f.msg, f.complaint.id,
                     f"permintaan status dari {f.msg.from_addr}, bukan pengadu {f.complaint.number}")


def _not_theirs(office: Office, f: Followup, now: dt.datetime) -> bool:
    """No mail of ours answered, and no complaint of the sender's named: a new complaint."""
    return not f.in_thread and not f.by_complainant


def _record_new(office: Office, f: Followup, now: dt.datetime) -> Handled:
    return new_complaint(office, f.msg, now)


def _from_body(office: Office, f: Followup, now: dt.datetime) -> bool:
    """The competent body answering the complaint forwarded to it."""
    return is_reply_of_body(f.complaint, f.msg)


def _pass_on(office: Office, f: Followup, now: dt.datetime) -> Handled:
    pass_on_reply(office, f.complaint, f.msg, f.text, now)
    return Handled("followup", f.complaint.id, f"tanggapan {f.complaint.forwarded_to}")


def _official_writing(office: Office, f: Followup, now: dt.datetime) -> bool:
    """An official answering an escalation or a copy: a note, never an action."""
    return not f.by_complainant and office.official_by_address(f.msg.from_addr, now) is not None


def _official_note(office: Office, f: Followup, now: dt.datetime) -> Handled:
    author = office.official_by_address(f.msg.from_addr, now)
    assert author is not None  # the rule said so
    add_official_note(office, f.complaint, f.msg, author, f.text, now)
    log.info("%s: catatan dari %s dicatat", f.complaint.number, f.msg.from_addr)
    return Handled("note", f.complaint.id, f"catatan dari {author.title}")


def _someone_else(office: Office, f: Followup, now: dt.datetime) -> bool:
    return not f.by_complainant


def _refuse(office: Office, f: Followup, now: dt.datetime) -> Handled:
    return unmatched(f.msg, f.complaint.id, f"balasan dari {f.msg.from_addr}, bukan pengadu {f.complaint.number}")


def _anyone(office: Office, f: Followup, now: dt.datetime) -> bool:
    return True


def _complainant(office: Office, f: Followup, now: dt.datetime) -> Handled:
    return _from_complainant(office, f.complaint, f.msg, f.text, f.own_thread, now)


Rule = tuple[str, Callable[[Office, Followup, dt.datetime], bool], Callable[[Office, Followup, dt.datetime], Handled]]

# The order is the policy; the first rule that holds decides. A number in a subject proves
# nothing: from anyone but its complainant it is a new complaint, or, asking its status, is
# told nothing. The last rule always holds.
FOLLOWUP_RULES: tuple[Rule, ...] = (
    ("kode akses", _code_from_another, _answer_code),
    ("status pengaduan orang lain", _status_of_another, _tell_nothing),
    ("pengaduan baru", _not_theirs, _record_new),
    ("tanggapan instansi", _from_body, _pass_on),
    ("catatan pejabat", _official_writing, _official_note),
    ("bukan pengadu", _someone_else, _refuse),
    ("pengadu", _anyone, _complainant),
)


def handle_followup(office: Office, msg: Incoming, cls: Classification, now: dt.datetime) -> Handled:
    """A reply to our mail, as the first of FOLLOWUP_RULES that holds says."""
    f = read_followup(office, msg, cls)
    for _, holds, handle in FOLLOWUP_RULES:
        if holds(office, f, now):
            return handle(office, f, now)
    raise AssertionError("the last rule always holds")


def _from_complainant(office: Office, row: Complaint, msg: Incoming, text: str, own_thread: bool, now: dt.datetime) -> Handled:
    """The complainant's mail: their word on the answer, a status request, or an addition.
    Their word changes the complaint only from a reply to our mail to them (`own_thread`): a
    From and a number in the subject, which anyone can write, make it an addition."""
    book = office.book
    judging = row.state == ANSWERED and not asks_status(text)
    if judging and own_thread:
        # PUAS or TIDAK PUAS (or a rating) after the answer; anything else is an addition.
        _, outcome = act(office, row, Feedback(msg.from_addr, text), now)
        if outcome.acted:
            log.info("%s: tanggapan pengadu atas jawaban dicatat", row.number)
            return Handled("followup", row.id, "tanggapan pengadu atas jawaban")
    if asks_status(text) and not msg.attachments:
        told = tell_status(office, row, now)
        book.events.add(row.id, now, row.step, msg.from_addr, "status",
                       "Pengadu menanyakan status; " + ("dijawab otomatis." if told else
                                                         "tidak dijawab (batas per jam tercapai)."))
        log.info("%s: permintaan status dari pengadu %s", row.number, "dijawab" if told else "ditahan")
        return Handled("status", row.id, "permintaan status dari pengadu")
    add_followup(office, row, msg, text, now)
    if judging and not own_thread and parse_feedback(text) is not None:
        book.events.add(row.id, now, row.step, SYSTEM, "catatan",
                       "Tanggapan atas jawaban dalam surel ini tidak diproses: surel ini bukan balasan atas "
                       "surel kantor kepada pengadu, sehingga dicatat sebagai keterangan tambahan.")
        log.info("%s: tanggapan di luar balasan surel jawaban dicatat sebagai tambahan", row.number)
        return Handled("followup", row.id, "tanggapan di luar balasan surel kantor; dicatat sebagai tambahan")
    log.info("%s: keterangan tambahan dari pengadu dicatat", row.number)
    return Handled("followup", row.id, "keterangan tambahan dari pengadu")
