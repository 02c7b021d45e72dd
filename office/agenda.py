"""Giving a waiting letter its number: the agenda keeper's reply (to the keeper's step or to a
request mail) or staff on the desk ("Beri nomor"). A number is checked first (the office's
pattern, not yet in the register); a refused one is told back in one sentence and nothing is
issued. A good one issues the letter exactly as it would have been, with that number and
today's date, and sends on what waited for it (the delivery step's mail, the pelimpahan)."""

from __future__ import annotations

import datetime as dt
import json

from intake.parse import Incoming, parse_message
from intake.reply import read_reply
from intake.routing_lines import drop_routing_lines
from letters.dates import waktu
from letters.mail import render_mail
from office.apply import act
from office.authority import sender_refusal
from office.base import Actor, Office, RoleDuty, recipient
from office.forwarding import forward_complaint
from office.issuing import issue_invitation, issue_letter, issue_notice, write_dossier
from office.linking import deliver_linked
from office.meetings import send_undangan
from office.notices import base_context, queue, send_routing
from office.numbering import REQUEST_TEMPLATE
from office.numbers import parse_given, particulars, refusal
from office.signing import awaits_signed_copy
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.engine import Reply
from sop.terms import LINKED, OPEN


class NumberRefused(ValueError):
    """The number cannot be given; the message is the sentence people are told."""


def waiting_letters(office: Office) -> list[dict]:
    """Every letter waiting for its number, oldest first: at the keeper's step, or by request."""
    cfg = office.config
    book = office.book
    tz = cfg.clock.tz
    items = []
    step = cfg.procedure.numbering_step
    for task in book.tasks.open_of_role("agenda") if step else ():
        row = book.complaints.get(task.complaint_id)
        if row.state != OPEN or row.step != task.step:
            continue
        items.append({**particulars(cfg, row, "jawaban"), "ref": f"langkah-{task.id}", "reason": "",
                      "confidential": bool(row.confidential),
                      "since": waktu(parse_iso(task.opened_at), tz), "due": waktu(parse_iso(task.due_at), tz),
                      "at": task.opened_at})
    for request in book.numbers.open_requests():
        row = book.complaints.get(request["complaint_id"])
        resume = json.loads(request["resume"]) if request["resume"] else {}
        items.append({**particulars(cfg, row, request["kind"], resume.get("hal", ""), resume.get("addressee", "")),
                      "ref": f"permintaan-{request['id']}", "reason": request["reason"],
                      "confidential": bool(row.confidential),
                      "since": waktu(parse_iso(request["requested_at"]), tz),
                      "due": waktu(parse_iso(request["due_at"]), tz) if request["due_at"] else "",
                      "at": request["requested_at"]})
    return sorted(items, key=lambda i: i["at"])


def give_number(office: Office, ref: str, number: str, actor: str, now: dt.datetime) -> str:
    """Give the waiting letter `ref` (from waiting_letters) its number, in the caller's
    transaction; raises NumberRefused with the sentence to show. Returns what was done."""
    book = office.book
    kind, _, ident = ref.partition("-")
    number = number.strip()
    if kind == "langkah" and ident.isdigit():
        task = next((t for t in book.tasks.open_of_role("agenda") if t.id == int(ident)), None)
        if task is None:
            raise NumberRefused("Surat ini sudah tidak menunggu nomor.")
        row = book.complaints.get(task.complaint_id)
        check(office, number)
        # Not a proposal for the keeper to confirm (office.proposals): a number is a clerical fact
        # of the office's agenda, which staff keep too; who gave it is in the history and the audit.
        holder = office.holder(task.role, now)
        _, outcome = act(office, row, Reply(task.step, actor, f"Nomor: {number}"), now,
                         actor=Actor.of(task, holder.email))
        if not outcome.acted:
            raise NumberRefused("Nomor tidak dapat dicatat.")
        return f"Surat jawaban {row.number} diberi nomor {number}."
    request = book.numbers.request(int(ident)) if kind == "permintaan" and ident.isdigit() else None
    if request is None or request["numbered_at"]:
        raise NumberRefused("Surat ini sudah tidak menunggu nomor.")
    check(office, number, request["kind"])
    book.numbers.give(request["id"], number, actor, now)
    resume(office, request, now)
    return f"Surat {request['kind']} {book.complaints.get(request['complaint_id']).number} diberi nomor {number}."


def check(office: Office, number: str, kind: str = "jawaban") -> None:
    why = refusal(office.config, number, office.book.numbers.in_register(), kind)
    if why:
        raise NumberRefused(why)


def resume(office: Office, request: dict, now: dt.datetime) -> None:
    """Issue the letter that waited, with the number now given (office.numbering takes it)."""
    book = office.book
    row = book.complaints.get(request["complaint_id"])
    saved = json.loads(request["resume"])
    if request["kind"] == "pelimpahan":
        row = forward_complaint(office, row, saved["forward_to"], row.forwarded_email or "", saved["answer"], now,
                                resumed=True)
    elif request["kind"] == "jawaban":
        row = issue_letter(office, row, saved["answer"], now)
        task = book.tasks.current(row.id)
        if task and office.config.procedure.step(task.step).attach_letter:  # its delivery step waited
            send_routing(office, row, task, office.holder(task.role, now), now, message_id=task.message_id)
        if row.state == LINKED and row.linked_to:  # the main answer may have gone already
            main = book.complaints.get(row.linked_to)
            letter = book.letters.current(main.id)
            if letter and letter.dispatched_at:
                deliver_linked(office, main, now)
    elif request["kind"] == "undangan":
        issued = issue_invitation(office, row, saved["particulars"], saved["addressee"], now)
        letter = book.letters.by_number(issued["number"]) if issued else None
        if letter is not None and not awaits_signed_copy(letter):  # else it goes once signed
            send_undangan(office, row, letter, now)
    else:
        issue_notice(office, row, request["kind"], saved["text"], saved["role"], now, days=saved.get("days", 0))
    if row.letter_number:
        write_dossier(office, book.complaints.get(row.id), now)


def take_keeper_reply(office: Office, request: dict, msg: Incoming, now: dt.datetime) -> str:
    """The keeper's reply to a request mail: the number given, or refused with a sentence back."""
    book = office.book
    row = book.complaints.get(request["complaint_id"])
    pseudo_task = RoleDuty("agenda", row.step)
    if request["numbered_at"]:
        return f"permintaan nomor {row.number} sudah dijawab"
    if refused := sender_refusal(office, row, pseudo_task, msg, now, holder="pengelola agenda",
                                 warned_as="pengirim bukan pengelola agenda surat keluar"):
        return refused
    read = read_reply(msg.text, msg.html)
    answer = drop_routing_lines(read.answer, request_text(office, request))  # quoted text never acts
    number = parse_given(answer)
    try:
        check(office, number, request["kind"])
    except NumberRefused as refused:
        tell_refusal(office, row, str(refused), now)
        return f"nomor surat ditolak: {refused}"
    book.numbers.give(request["id"], number, msg.from_addr, now)
    resume(office, request, now)
    return f"nomor surat {number} diberikan"


def keeper_step_refusal(office: Office, row: Complaint, answer: str, now: dt.datetime) -> str | None:
    """Check the number in a reply to the keeper's step before it acts; tell the keeper why not."""
    try:
        check(office, parse_given(answer))
    except NumberRefused as refused:
        tell_refusal(office, row, str(refused), now)
        return str(refused)
    return None


def tell_refusal(office: Office, row: Complaint, why: str, now: dt.datetime) -> None:
    keeper = office.holder("agenda", now)
    context = base_context(office, row, None)
    context.update(recipient=recipient(keeper), why=why)
    queue(office, row, "nomor_ditolak", [(keeper.name, keeper.email)], render_mail("nomor_ditolak", **context), now)


def request_text(office: Office, request: dict) -> str:
    """The request mail as sent: what a reply may quote back."""
    identity = office.config.identity
    sent = [r for r in office.book.outbox.listed(request["complaint_id"])
            if r.kind == REQUEST_TEMPLATE and identity.task_token(r.message_id) == request["token"]]
    return "\n".join(parse_message(bytes(r.raw)).text for r in sent)


def number_letter(office: Office, ref: str, number: str, officer: str, now: dt.datetime) -> str:
    """Staff give a waiting letter its number on the desk ("Beri nomor"), in one transaction;
    NumberRefused carries the sentence to show them."""
    with office.book.transaction():
        done = give_number(office, ref, number, f"petugas {officer}", now)
        office.book.audit.record(now, officer, "meja-beri-nomor", ref, number.strip())
    return done
