"""An official's action that someone else records for them (a decision taken by phone, on paper,
in a meeting) is only a proposal: it acts when that official confirms it, by replying `Benar` to
the proposal's mail or from their own desk account; `Bukan` discards it. Until then the step's
clock and holder do not change. The approval of a konsep is never a proposal: only the signer
gives it, by the routing mail of the approval step or from their own desk account.

A proposal's mail carries a token of its own (never a task token), mailed only to the holder of
the step's role, and dead once the proposal is settled or its step has moved on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from intake.parse import Incoming
from intake.reply import read_reply
from intake.text import clean_text
from letters.dates import waktu
from letters.mail import render_mail
from office.apply import apply, decide
from office.authority import sender_refusal
from office.base import Actor, Office, RoleDuty, new_token
from office.commands import Refused
from office.mail_view import redact_identity
from office.notices import base_context, queue, warn_official
from sop.book import parse_iso
from sop.book.records import Complaint, Task
from sop.directory import Official
from sop.engine import Reply
from sop.terms import OPEN

WAITING, CONFIRMED, DISCARDED, CANCELLED = "menunggu", "dikonfirmasi", "ditolak", "dibatalkan"
STALE = "usang"  # shown, never stored: still waiting, but its step was done another way
STATE_WORDS = {WAITING: "menunggu konfirmasi pejabat", CONFIRMED: "dikonfirmasi pejabat", DISCARDED: "ditolak pejabat",
               CANCELLED: "dibatalkan administrator", STALE: "tidak berlaku lagi (langkahnya sudah selesai)"}
APPROVAL_ONLY = ("Persetujuan konsep surat hanya dapat diberikan oleh penanda tangan sendiri: dengan membalas surel "
                 "persetujuan, atau dari akun meja layanannya sendiri. Tidak ada yang dicatat.")
DESK = "meja layanan"


class NotHolder(Refused):
    """The desk account is not the official this asks for."""


@dataclass(frozen=True)
class Proposed:
    id: int
    step: str  # as people read it ("3", "4a")
    holder: Official


def _open_task(office: Office, number: str) -> tuple[Complaint, Task]:
    row = office.book.complaints.by_number(number)
    if row is None:
        raise Refused(f"Pengaduan {number} tidak ada dalam buku.")
    task = office.book.tasks.current(row.id) if row.state == OPEN else None
    if task is None:
        raise Refused(f"Pengaduan {number} tidak sedang menunggu tindakan pejabat.")
    return row, task


@dataclass(frozen=True)
class Preview:
    """What a proposal will do once its official confirms it, shown to staff before it is saved."""
    step: str  # the step it acts on, as people read it
    holder: str  # who must confirm it ("Sekretaris Camat Rahmawati, S.Sos")
    closes: bool  # whether that step closes
    next: str  # what comes next: "Camat Budi, batas 21-12-2026 10.00 WITA", or how it ends
    understood: tuple[str, ...]  # keyword lines the step takes ("Seksi: Pemerintahan")
    ignored: tuple[str, ...]  # keyword lines the step does not take (left out, as from a mail)


def preview(office: Office, number: str, text: str, now: dt.datetime) -> Preview:
    """What recording `text` as the holder's action would do once confirmed (nothing is
    written); Refused when it would do nothing, at the approval step, or when it names a
    section the office does not have."""
    from sop.effects import CloseTask, OpenTask
    from sop.keywords import match_section, split_keywords

    text = clean_text(text).strip()
    cfg = office.config
    row, task = _open_task(office, number)
    step = cfg.procedure.step(task.step)
    if step.approval:
        raise Refused(APPROVAL_ONLY)
    found, _ = split_keywords(text, step.keywords)
    section = found.get("seksi")
    if section is not None and not match_section(section.partition(";")[0], cfg.directory.section_choices):
        names = ", ".join(s.name for s in cfg.directory.sections)
        raise Refused(f"Seksi '{section.partition(';')[0].strip()}' tidak dikenali; pilihan: {names}. "
                      "Tidak ada yang dicatat.")
    outcome = decide(office, row, Reply(step.no, DESK, text), now) if text else None
    if outcome is None or not outcome.acted:
        raise Refused("Teks tindakan kosong; tidak ada yang dicatat.")
    holder = office.holder(task.role, now)
    opened = [e for e in outcome.effects if isinstance(e, OpenTask)]
    if opened:
        nxt = cfg.procedure.step(opened[-1].step)
        who = office.holder(nxt.role, now)
        due = waktu(cfg.clock.add(now, nxt.time), cfg.clock.tz)
        following = f"langkah {nxt.shown} oleh {who.delegation or who.title} {who.name}, batas {due}"
    else:
        from sop.terms import state_words

        following = ("langkah ini tetap terbuka" if outcome.case.state == OPEN
                     else f"pengaduan menjadi berstatus {state_words(outcome.case.state)}")
    return Preview(step=step.shown, holder=f"{holder.delegation or holder.title} {holder.name}",
                   closes=any(isinstance(e, CloseTask) for e in outcome.effects), next=following,
                   understood=tuple(f"{k.capitalize()}: {v}".rstrip(": ") for k, v in found.items() if k),
                   ignored=tuple(found.get("", "").splitlines()))


def propose_action(office: Office, number: str, text: str, officer: str, now: dt.datetime) -> Proposed:
    """Staff record an official's action taken outside email: a proposal, mailed at once to the
    holder of the step, that acts only when they confirm it."""
    text = clean_text(text).strip()
    cfg = office.config
    with office.book.transaction():
        preview(office, number, text, now)  # refuses what would do nothing, and unknown sections
        row, task = _open_task(office, number)
        step = cfg.procedure.step(task.step)
        recorder = f"petugas {officer}"
        holder = office.holder(task.role, now)
        token = new_token()
        pid = office.book.proposals.add(complaint_id=row.id, task_id=task.id, step=step.no, role=task.role,
                                       official=holder.email, text=text, recorded_by=recorder, token=token, at=now)
        office.book.events.add(row.id, now, step.no, recorder, "usulan",
                              f"Usulan tindakan langkah {step.shown} (nomor usulan {pid}) dicatat oleh {recorder} atas "
                              f"nama {holder.title} {holder.name}; berlaku setelah dikonfirmasi pejabat itu sendiri: "
                              f"{text}")
        context = base_context(office, row, step.no)
        context.update(recipient=office.addressee(holder), recorded_by=recorder, text=text, now=waktu(now, cfg.clock.tz))
        local, _, domain = cfg.mailbox.address.partition("@")
        # To the holder only: its Reply-To and Message-ID hold the proposal's token.
        queue(office, row, "usulan_tindakan", [(holder.name, holder.email)], render_mail("usulan_tindakan", **context),
              now, message_id=cfg.identity.task_message_id(token), reply_to=f"{local}+{token}@{domain}")
    return Proposed(pid, step.shown, holder)


def _label(office: Office, proposal: dict) -> str:
    return f"usulan tindakan langkah {office.config.procedure.label(proposal['step'])} (nomor {proposal['id']})"


def _waiting(office: Office, proposal: dict) -> tuple[Complaint, Task]:
    """The complaint and the task a proposal is still good for; Refused when it is settled or stale."""
    label = _label(office, proposal)
    if proposal["state"] != WAITING:
        raise Refused(f"{label.capitalize()} sudah {STATE_WORDS[proposal['state']]}; tidak ada perubahan.")
    row = office.book.complaints.get(proposal["complaint_id"])
    task = office.book.tasks.current(row.id) if row.state == OPEN else None
    if task is None or task.id != proposal["task_id"]:
        raise Refused(f"{label.capitalize()} tidak berlaku lagi: langkahnya sudah diselesaikan; tidak ada perubahan.")
    return row, task


def confirm(office: Office, proposal: dict, address: str, via: str, now: dt.datetime) -> Complaint:
    """The holder confirms: the recorded text acts exactly as their reply to the routing email
    would, and the history says who recorded it and who confirmed it. Returns the row."""
    row, task = _waiting(office, proposal)
    holder = office.holder(task.role, now)
    actor = address if via == "surel" else f"{holder.title} {holder.name} melalui {DESK}"
    outcome = decide(office, row, Reply(task.step, actor, proposal["text"]), now)
    if not outcome.acted:
        raise Refused(f"{_label(office, proposal).capitalize()} tidak dapat dijalankan; tidak ada perubahan.")
    office.book.proposals.decide(proposal["id"], CONFIRMED, actor, now)
    recorded = waktu(parse_iso(proposal["recorded_at"]), office.config.clock.tz)
    office.book.events.add(row.id, now, task.step, actor, "usulan_dikonfirmasi",
                          f"{_label(office, proposal).capitalize()}, dicatat oleh {proposal['recorded_by']} pada "
                          f"{recorded}, dikonfirmasi oleh {holder.title} {holder.name} ({address}) melalui {via}.")
    return apply(office, row, outcome, now, actor=Actor.of(task, address))


def discard(office: Office, proposal: dict, who: str, via: str, now: dt.datetime) -> None:
    """The holder says `Bukan`: the proposal is dropped, logged, and the step is as it was."""
    if proposal["state"] != WAITING:
        raise Refused(f"{_label(office, proposal).capitalize()} sudah {STATE_WORDS[proposal['state']]}; "
                      "tidak ada perubahan.")
    office.book.proposals.decide(proposal["id"], DISCARDED, who, now)
    office.book.events.add(proposal["complaint_id"], now, proposal["step"], who, "usulan_ditolak",
                          f"{_label(office, proposal).capitalize()}, dicatat oleh {proposal['recorded_by']}, ditolak "
                          f"oleh pejabat melalui {via}; tidak dijalankan.")


def cancel(office: Office, proposal_id: int, by: str, now: dt.datetime) -> dict:
    """An administrator withdraws a waiting proposal (recorded by mistake). Nobody but its
    official can confirm one. Returns the proposal."""
    with office.book.transaction():
        proposal = office.book.proposals.get(proposal_id)
        if proposal is None:
            raise Refused(f"Usulan {proposal_id} tidak ada.")
        if proposal["state"] != WAITING:
            raise Refused(f"Usulan {proposal_id} sudah {STATE_WORDS[proposal['state']]}; tidak dapat dibatalkan.")
        office.book.proposals.decide(proposal_id, CANCELLED, f"administrator {by}", now)
        office.book.events.add(proposal["complaint_id"], now, proposal["step"], f"administrator {by}",
                              "usulan_dibatalkan", f"{_label(office, proposal).capitalize()}, dicatat oleh "
                                                   f"{proposal['recorded_by']}, dibatalkan oleh administrator {by}.")
    return proposal


# By mail --------------------------------------------------------------------------------------
def answer_by_mail(office: Office, proposal: dict, msg: Incoming, now: dt.datetime) -> tuple[bool, str]:
    """A reply to a proposal's mail, in the message's transaction: (acted, what the book notes).
    Only the holder of the step's role, with the same checks as a reply to a routing email."""
    row = office.book.complaints.get(proposal["complaint_id"])
    task = RoleDuty(proposal["role"], proposal["step"])
    label = f"{_label(office, proposal)} {row.number}"
    if refused := sender_refusal(office, row, task, msg, now, holder=f"pejabat {label}"):
        return False, refused
    word = answer_word(read_reply(msg.text, msg.html).answer)
    try:
        if word == "benar":
            confirm(office, proposal, msg.from_addr, "surel", now)
            return True, f"{label} dikonfirmasi"
        if word == "bukan":
            discard(office, proposal, msg.from_addr, "surel", now)
            return True, f"{label} ditolak pejabat"
        raise Refused("balasan atas usulan tindakan harus berisi Benar atau Bukan")
    except Refused as exc:
        warn_official(office, row, task, msg, str(exc), now)
        return False, f"{label}: {exc}"


def answer_word(answer: str) -> str:
    """`benar` or `bukan` when the reply's own words begin with it, else ''."""
    first = answer.strip().split(maxsplit=1)[0] if answer.strip() else ""
    word = first.strip(".,!:;").lower()
    return word if word in ("benar", "bukan") else ""


def listed(office: Office, row: Complaint) -> list[tuple[dict, str]]:
    """A complaint's proposals, each with its state as shown (a waiting one whose step was done
    another way is stale)."""
    task = office.book.tasks.current(row.id) if row.state == OPEN else None
    return [(p, STALE if p["state"] == WAITING and (task is None or task.id != p["task_id"]) else p["state"])
            for p in office.book.proposals.of(row.id)]


# At the desk, logged in as the official ---------------------------------------------------------
def holds(office: Office, user: dict, role: str, now: dt.datetime) -> bool:
    """Whether a desk account is, now, the holder of `role`: a pimpinan account whose own address
    is the role's official's (or an alias, or an active Plt./Plh. delegate's)."""
    return user["role"] == "pimpinan" and bool(user.get("email")) and office.may_act(role, user["email"], now)


def act_at_desk(office: Office, number: str, text: str, user: dict, now: dt.datetime) -> Complaint:
    """The holder of the waiting step acts from their own desk account (at the approval step:
    `Setuju` or `Perbaiki: …`): recorded as theirs, as a reply to the routing email would be."""
    text = clean_text(text).strip()
    with office.book.transaction():
        row, task = _open_task(office, number)
        if not holds(office, user, task.role, now):
            raise NotHolder("Akun ini bukan pejabat pemegang langkah ini; tidak ada yang dicatat.")
        holder = office.holder(task.role, now)
        step = office.config.procedure.step(task.step)
        outcome = decide(office, row, Reply(step.no, f"{holder.title} {holder.name} melalui {DESK}", text), now)
        if not outcome.acted:
            raise Refused("Langkah persetujuan memerlukan \"Setuju\" atau \"Perbaiki: <catatan>\"; tidak ada yang "
                          "dicatat." if step.approval else "Teks tindakan kosong; tidak ada yang dicatat.")
        office.book.audit.record(now, user["name"], "meja-tindakan-pejabat", row.number, f"langkah {step.shown}")
        return apply(office, row, outcome, now, actor=Actor.of(task, user["email"]))


def answer_at_desk(office: Office, number: str, proposal_id: int, agree: bool, user: dict, now: dt.datetime) -> None:
    """`Benar` or `Bukan` on a proposal, from the official's own desk account."""
    with office.book.transaction():
        proposal = office.book.proposals.get(proposal_id)
        row = office.book.complaints.by_number(number)
        if proposal is None or row is None or proposal["complaint_id"] != row.id:
            raise Refused(f"Usulan {proposal_id} tidak ada pada pengaduan {number}.")
        if not holds(office, user, proposal["role"], now):
            raise NotHolder("Akun ini bukan pejabat yang dimintai konfirmasi; tidak ada perubahan.")
        office.book.audit.record(now, user["name"], "meja-usulan-" + ("benar" if agree else "bukan"), number, str(proposal_id))
        if agree:
            confirm(office, proposal, user["email"], DESK, now)
        else:
            holder = office.holder(proposal["role"], now)
            discard(office, proposal, f"{holder.title} {holder.name} melalui {DESK}", DESK, now)


def desk_view(office: Office, complaint_id: int, user: dict, now: dt.datetime) -> dict:
    """What the complaint page shows of proposals (to everyone) and what the logged-in official
    may do themselves: answer the proposals waiting for them, act on the step they hold."""
    tz = office.config.clock.tz
    row = office.book.complaints.get(complaint_id)
    task = office.book.tasks.current(complaint_id) if row.state == OPEN else None
    # A confidential complaint's proposals pass through the page's redaction for a role without
    # identity: staff type what the official said, which can name the complainant.
    hide = bool(row.confidential) and user["role"] not in office.config.web.identity_roles

    def text_of(text: str) -> str:
        return redact_identity(text, row) if hide else text

    shown = []
    for p, state in listed(office, row):
        shown.append({"id": p["id"], "step": office.config.procedure.label(p["step"]), "text": text_of(p["text"]),
                      "title": office.config.directory.official(p["role"]).title, "recorded_by": p["recorded_by"],
                      "recorded_at": f"{parse_iso(p['recorded_at']).astimezone(tz):%d-%m-%Y %H.%M}",
                      "state": STATE_WORDS[state], "decided_by": p["decided_by"] or "",
                      "mine": state == WAITING and holds(office, user, p["role"], now)})
    acting = None
    if task is not None and holds(office, user, task.role, now):
        step = office.config.procedure.step(task.step)
        acting = {"step": step.shown, "approval": step.approval, "activity": step.activity,
                  "konsep": text_of(row.draft or "") if step.approval else ""}
    return {"proposals": shown, "acting": acting}
