"""Applying the engine's decisions to the book: complaints, tasks, history, outbox.

Everything here runs inside the caller's transaction, so a state change, its history rows
and the emails it causes (with their Message-IDs fixed now) commit together. Who holds a
role at a moment (the configured official, or a Plt./Plh. delegate) is decided here too.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from jobs.config import Config
from letters.dates import waktu
from letters.mail import Attachment, Rendered, build_message, render_mail
from sop.book import Book, iso, parse_iso
from sop.clock import next_nudge_at
from sop.directory import Official, mailbox_of
from sop.engine import (OPEN, SYSTEM, Case, CloseTask, Delivered, IssueLetter, Log, Meeting, Notify,
                        OpenTask, Outcome)

log = logging.getLogger(__name__)

# Stored as it goes on the wire: SMTP wants CRLF line ends, never bare LF.
CHANNEL_WORDS = {"email": "surel", "langsung": "datang langsung", "telepon": "telepon", "surat": "surat",
                 "lapor": "SP4N-LAPOR!"}


def new_token() -> str:
    """A task token: 24 random base-32 characters (120 bits), lowercase letters and digits,
    valid in a local part. (Tokens issued earlier were 20 base-36 characters; both read.)"""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


def safe_name(number: str) -> str:
    """A register number as a file name: only letters, digits, dots and dashes."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", number).strip("-")


def recipient(official: Official) -> dict:
    return {"title": official.title, "name": official.name, "email": official.email}


@dataclass
class Office:
    config: Config
    book: Book

    _key = None
    last_sweep: dt.datetime | None = None  # when the deadline sweep last looked at delegations

    def seal_key(self):
        """The office's Ed25519 key, loaded once; None when the office has not made one."""
        path = self.config.letters.key
        if self._key is None and path is not None and path.exists():
            from letters.seal import load_key

            self._key = load_key(path)
        return self._key

    # Who acts -------------------------------------------------------------------------------
    def holder(self, role: str, at: dt.datetime) -> Official:
        """The official who holds `role` at `at`: an active Plt./Plh. delegate, else the configured one."""
        official = self.config.directory.official(role)
        d = self.book.active_delegation(role, at)
        if d is None:
            return official
        return Official(role=role, title=d["title"] or official.title, name=d["name"], email=d["email"],
                        nip=d["nip"], rank=d["rank"], delegation=f"{d['form']} {official.title}")

    def may_act(self, role: str, address: str, at: dt.datetime) -> bool:
        """Whether `address` may act for `role` now: its official (or an alias) or an active delegate."""
        official = self.config.directory.official(role)
        if address == official.email or address in official.aliases:
            return True
        d = self.book.active_delegation(role, at)
        return bool(d and d["email"] == address)

    def official_by_address(self, address: str, at: dt.datetime) -> Official | None:
        """The official (as holder of a role now) whom `address` belongs to, if any."""
        for role in self.config.directory.officials:
            if self.may_act(role, address, at):
                return self.holder(role, at) if self.holder(role, at).email == address else \
                    self.config.directory.official(role)
        return None

    def act_for(self, row: dict, task: dict, text: str, actor: str, now: dt.datetime) -> tuple[dict, bool]:
        """Staff record the task's action on its holder's behalf (outside email).

        Returns the updated row and whether anything was recorded (an empty text is not).
        """
        from sop.engine import Reply, advance

        from intake.text import clean_text

        cfg = self.config
        holder = self.holder(task["role"], now)
        outcome = advance(self.case(row), Reply(task["step"], actor, clean_text(text)), now, cfg.procedure,
                          cfg.directory.section_choices, cfg.clock.tz)
        if not outcome.acted:
            return row, False
        return self.apply(row, outcome, now, actor_task={**task, "acted_by": holder.email}), True

    # Reading the book as the engine and the templates need it -----------------------------
    def case(self, row: dict) -> Case:
        return Case(number=row["number"], state=row["state"], step=row["step"], section=row["section"],
                    meeting=bool(row["meeting"]), has_email=bool(row["email"]),
                    confidential=bool(row["confidential"]), pokok=row["pokok"])

    def complaint_view(self, row: dict, *, redact: bool = False) -> dict:
        """The complaint as templates show it.

        `redact`: the view for whoever may not know who complained (a section head, for a
        confidential complaint): no name, address or contact, no original text or files, only
        a neutral subject (the Sekretaris's `Pokok:`) and the Sekretaris's clarification.
        """
        tz = self.config.clock.tz
        files = [] if redact else self.book.attachments(row["id"])
        if redact:
            row = {**row, "name": "", "email": None, "phone": None, "address": None,
                   "subject": row["pokok"] or f"Pengaduan {row['number']}",
                   "body": redact_identity(self.clarification(row), row)}
        return {**row, "received": waktu(parse_iso(row["received_at"]), tz),
                "channel": CHANNEL_WORDS.get(row["channel"], row["channel"]),
                "confidential": bool(row["confidential"]), "redacted": redact,
                "attachments": _listed([f["filename"] for f in files if f["path"]]),
                "attachment_count": sum(1 for f in files if f["path"]),
                "refused": _listed([f"{f['filename']} ({f['note']})" for f in files if not f["path"]])}

    def clarification(self, row: dict) -> str:
        """The latest answer of the step that names the section (the Sekretaris's clarification)."""
        steps = {s.no for s in self.config.procedure.steps if "seksi" in s.keywords}
        texts = [e["text"] for e in self.book.events(row["id"]) if e["kind"] == "langkah" and e["step"] in steps]
        return texts[-1] if texts else ""

    def may_see_identity(self, address: str) -> bool:
        """Whether a mail to `address` may carry a confidential complainant's identity and text:
        the officials of the SOP's steps (staff, Sekretaris, Camat) and their aliases, not sections."""
        return any(address == o.email or address in o.aliases for o in self.config.directory.officials.values())

    def history(self, complaint_id: int) -> list[dict]:
        tz = self.config.clock.tz
        out = []
        for e in self.book.events(complaint_id):
            if e["kind"] not in ("langkah", "dikembalikan"):
                continue
            role = self.config.procedure.step(e["step"]).role
            out.append({"step": e["step"], "role_title": self.config.directory.official(role).title,
                        "at": waktu(parse_iso(e["at"]), tz), "text": e["text"]})
        return out

    def base_context(self, row: dict | None, step_no: int | None) -> dict:
        cfg = self.config
        context = {
            "office": {"name": cfg.office_name, "parent": cfg.office_parent, "address": cfg.office_address},
            "sop_name": cfg.procedure.name,
            "steps_total": len(cfg.procedure.steps),
            "next_title": "",
        }
        if row is not None:
            context["c"] = self.complaint_view(row)
            context["history"] = self.history(row["id"])
        if step_no:
            step = cfg.procedure.step(step_no)
            context["step"] = {"no": step.no, "activity": step.activity, "output": step.output,
                               "instruction": step.instruction, "time": str(step.time), "due": ""}
            nxt = cfg.procedure.next_step(step_no)
            if nxt:
                context["next_title"] = cfg.directory.official(nxt.role).title
        return context

    # Writing --------------------------------------------------------------------------------
    def queue(self, row: dict | None, kind: str, to: list[tuple[str, str]], rendered: Rendered,
              now: dt.datetime, *, message_id: str | None = None, reply_to: str | None = None,
              in_reply_to: str | None = None, references: tuple[str, ...] = (),
              auto_submitted: str = "auto-generated", attachments: tuple[Attachment, ...] = ()) -> str:
        me = self.config.identity
        message_id = message_id or me.message_id(kind.replace("_", "-"), new_token())
        if row is not None:
            # Every mail about a complaint threads under its token-free reference; a task's
            # own Message-ID (which holds its token) is cited only to the task's holder.
            thread = me.thread_id(row["number"])
            references = tuple(dict.fromkeys((thread, *references)))
            in_reply_to = in_reply_to or thread
        msg = build_message(
            sender=(self.config.office_name, self.config.mailbox.address), to=to, rendered=rendered,
            message_id=message_id, date=now, reply_to=reply_to, in_reply_to=in_reply_to,
            references=references, auto_submitted=auto_submitted, attachments=attachments)
        self.book.enqueue(message_id=message_id, complaint_id=row["id"] if row else None, kind=kind,
                          recipients=[addr for _, addr in to], subject=rendered.subject,
                          raw=msg, at=now)
        return message_id

    def apply(self, row: dict, outcome: Outcome, now: dt.datetime, *,
              actor_task: dict | None = None) -> dict:
        """Apply an Outcome of `advance` to complaint `row`; returns the updated row."""
        from jobs.issuing import issue_letter, record_delivery, send_invitations, write_dossier

        for effect in outcome.effects:
            if isinstance(effect, Log):
                self.book.add_event(row["id"], now, effect.step, effect.actor, effect.kind, effect.text)
            elif isinstance(effect, CloseTask):
                self.book.close_task(row["id"], effect.step, now, effect.output)
                row = self._update(row, outcome.case, now, final=False)
            elif isinstance(effect, IssueLetter):
                row = issue_letter(self, row, effect.answer, now)
            elif isinstance(effect, Meeting):
                send_invitations(self, row, effect, now)
            elif isinstance(effect, Delivered):
                record_delivery(self, row, "email" if effect.by_email else "lainnya", effect.note, now)
            elif isinstance(effect, Notify):
                self.notify(row, effect, now, actor_task)
            elif isinstance(effect, OpenTask):
                self.open_task(row, effect.step, now, note=effect.note)
            else:
                raise TypeError(f"unknown effect {effect!r}")
        row = self._update(row, outcome.case, now, final=True)
        if row["letter_number"]:
            write_dossier(self, row)  # the archive copy follows every change after the letter
        return row

    def _update(self, row: dict, case: Case, now: dt.datetime, final: bool) -> dict:
        fields = {"section": case.section, "meeting": int(case.meeting), "confidential": int(case.confidential),
                  "pokok": case.pokok}
        if final:
            fields.update(state=case.state, step=case.step)
            if case.state != OPEN and not row.get("closed_at"):
                fields["closed_at"] = now
        if "closed_at" in fields:
            fields["closed_at"] = iso(fields["closed_at"])
        changed = {k: v for k, v in fields.items() if row.get(k) != v}
        if changed:
            self.book.update_complaint(row["id"], **changed)
        # `row` is the book's current row (effects that write it return it afresh), so the
        # updated row is known without reading it back.
        return {**row, **changed}

    def notify(self, row: dict, effect: Notify, now: dt.datetime, actor_task: dict | None) -> None:
        cfg = self.config
        context = self.base_context(row, effect.step)
        context["extra"] = effect.extra
        context["now"] = waktu(now, cfg.clock.tz)
        attachments: tuple[Attachment, ...] = ()
        in_reply_to = None
        auto = "auto-generated"
        if effect.to == "complainant":
            if not row["email"]:  # a complaint by letter or phone, or a sender address no parser could read
                return
            if effect.template == "tanda_terima":
                if self._ack_limited(row, now):
                    return
                # To an address other than the sender's (a Reply-To), nothing the sender wrote
                # is quoted: our acknowledgement is not a way to mail their text to others.
                context["quote_text"] = not row["sender"] or mailbox_of(row["email"]) == row["sender"]
            to = [(row["name"], row["email"])]
            auto = "auto-replied" if effect.template == "tanda_terima" else auto
            in_reply_to = row["source_message_id"]
        elif effect.to == "section":
            section = cfg.directory.section(row["section"])
            if section is None:
                return
            if row["confidential"]:  # the section head never sees who complained, nor their words
                context["c"] = self.complaint_view(row, redact=True)
                context["history"] = []
            to = [(section.head, section.email)]
            context["recipient"] = {"title": section.title, "name": section.head, "email": section.email}
        elif effect.to == "actor":
            official = self.holder(actor_task["role"], now)
            to = [(official.name, actor_task["acted_by"])]
            context["recipient"] = recipient(official)
            in_reply_to = actor_task["message_id"]
        else:
            official = self.holder(effect.to, now)
            to = [(official.name, official.email)]
            context["recipient"] = recipient(official)
        if effect.template == "surat_jawaban":
            context["letter_number"] = row["letter_number"]
            attachments = self.letter_files(row)
        self.queue(row, effect.template, to, render_mail(effect.template, **context), now,
                   in_reply_to=in_reply_to, auto_submitted=auto, attachments=attachments)

    def _ack_limited(self, row: dict, now: dt.datetime) -> bool:
        """At most a few acknowledgements an hour to one mailbox (whatever sub-address or case
        the sender wrote) and for one sending mailbox, so that two robots never loop and no one
        can aim our acknowledgements at a third person's mailbox."""
        limit = self.config.intake.ack_per_hour
        since = now - dt.timedelta(hours=1)
        sent = self.book.count_mail_to_mailbox(mailbox_of(row["email"]), "tanda_terima", since)
        # This complaint is in the book already: the ones before it are the others.
        caused = self.book.count_complaints_from(row["sender"], since) - 1 if row["sender"] else 0
        if sent < limit and caused < limit:
            return False
        why = (f"sudah {sent} tanda terima ke {mailbox_of(row['email'])}" if sent >= limit
               else f"sudah {caused} pengaduan dari {row['sender']}")
        self.book.add_event(row["id"], now, 1, SYSTEM, "catatan",
                            f"Tanda terima tidak dikirim: {why} dalam satu jam terakhir.")
        log.warning("tanda terima ke %s ditahan (batas %d per jam)", row["email"], limit)
        return True

    def open_task(self, row: dict, step_no: int, now: dt.datetime, note: str = "") -> None:
        cfg = self.config
        step = cfg.procedure.step(step_no)
        official = self.holder(step.role, now)
        token = new_token()
        message_id = cfg.identity.message_id("tugas", token)
        due = cfg.clock.add(now, step.time)
        first_nudge = next_nudge_at(opened=now, due=due, reminders=0, escalations=0, last_at=None,
                                    clock=cfg.clock, policy=cfg.nudges)
        task = self.book.open_task(complaint_id=row["id"], step=step_no, role=step.role, official=official.email,
                                   token=token, message_id=message_id, opened_at=now, due_at=due,
                                   next_nudge_at=first_nudge, note=note)
        self.send_routing(row, task, official, now, message_id=message_id)

    def send_routing(self, row: dict, task: dict, official: Official, now: dt.datetime, *,
                     message_id: str | None = None) -> None:
        """The routing email of `task` to `official`; resent to a delegate with a new Message-ID."""
        cfg = self.config
        step = cfg.procedure.step(task["step"])
        context = self.base_context(row, step.no)
        context["step"]["due"] = waktu(parse_iso(task["due_at"]), cfg.clock.tz)
        context["recipient"] = recipient(official)
        context["returned"] = task["note"]
        context["delegation"] = official.delegation
        attachments: tuple[Attachment, ...] = ()
        context["attachment_note"] = ""
        if step.attach_letter and row["letter_path"]:
            attachments = self.letter_files(row)
            context["attachment_note"] = f"Terlampir: surat jawaban nomor {row['letter_number']}."
        local, _, domain = cfg.mailbox.address.partition("@")
        message_id = message_id or cfg.identity.message_id(f"tugas.{task['token']}", new_token())
        # Threaded by the complaint's reference (Office.queue), never by earlier tasks' IDs.
        self.queue(row, "tugas", [(official.name, official.email)], render_mail("tugas", **context), now,
                   message_id=message_id, reply_to=f"{local}+{task['token']}@{domain}",
                   attachments=attachments)

    def reroute(self, role: str, now: dt.datetime) -> int:
        """Send the open tasks of `role` to whoever holds it now (after a delegation starts)."""
        official = self.holder(role, now)
        count = 0
        for task in self.book.open_tasks_of_role(role):
            if task["official"] == official.email:
                continue
            row = self.book.complaint_by_id(task["complaint_id"])
            self.send_routing(row, task, official, now)
            self.book.update_task_official(task["id"], official.email)
            self.book.add_event(row["id"], now, task["step"], SYSTEM, "dialihkan",
                                f"Tugas langkah {task['step']} dialihkan kepada {official.delegation or official.title} "
                                f"{official.name}.")
            count += 1
        return count

    def letter_files(self, row: dict) -> tuple[Attachment, ...]:
        """The letter and its enclosures, as they go to the JFU and the complainant."""
        letter = Attachment(filename=f"surat-jawaban-{safe_name(row['letter_number'])}.docx",
                            data=Path(row["letter_path"]).read_bytes())
        enclosures = tuple(
            Attachment(filename=re.sub(r"[\\/\x00-\x1f]", "_", f["filename"]) or f"lampiran-{i}",
                       data=Path(f["path"]).read_bytes(),
                       maintype=f["content_type"].split("/")[0], subtype=f["content_type"].split("/")[-1])
            for i, f in enumerate(self.book.attachments(row["id"], "lampiran_surat"), start=1) if f["path"])
        return (letter, *enclosures)


def _listed(items: list[str], most: int = 10) -> list[str]:
    """At most `most` items for an email, and how many more there were."""
    return items if len(items) <= most else [*items[:most], f"dan {len(items) - most} berkas lainnya"]


HIDDEN = "[dirahasiakan]"


# Numbers that identify a person wherever they appear: a NIK (16 digits, maybe grouped) and
# an Indonesian phone number (08…, +62 8…, 62 8…, with spaces, dots or dashes).
NIK = re.compile(r"(?<!\d)\d{6}[ .-]?\d{6}[ .-]?\d{4}(?!\d)")
PHONE = re.compile(r"(?<![\w+])(?:\+?62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,4}){2,3}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact_identity(text: str, row: dict) -> str:
    """Remove what identifies the complainant from a text: their name (and each longer part
    of it, and their address's local part), any email address, NIK or phone number."""
    text = EMAIL.sub(HIDDEN, text)
    text = NIK.sub(HIDDEN, text)
    text = PHONE.sub(HIDDEN, text)
    if row["phone"]:
        text = re.sub(re.escape(row["phone"]), HIDDEN, text, flags=re.IGNORECASE)
    name = (row["name"] or "").strip()
    local = (row["email"] or "").partition("@")[0]
    words = {w for source in (name, local) for w in re.findall(r"[^\W\d_]+", source) if len(w) >= 4}
    parts = sorted({name, *words}, key=len, reverse=True)
    for part in filter(None, parts):
        text = re.sub(rf"\b{re.escape(part)}\b", HIDDEN, text, flags=re.IGNORECASE)
    return text


def staff_role(cfg: Config) -> str:
    """Staff are the performers of the recording step (step 1); they get copies of alerts."""
    return cfg.procedure.step(1).role


def due_of(book: Book, row: dict) -> dt.datetime | None:
    task = book.open_task_of(row["id"]) if row["state"] == OPEN else None
    return parse_iso(task["due_at"]) if task else None

