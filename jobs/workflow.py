"""Applying the engine's decisions to the book: complaints, tasks, history, outbox, letters.

Everything here runs inside the caller's transaction, so a state change, its history rows,
the emails it causes (with their Message-IDs fixed now) and the letter register entry
commit together. Files written here (the letter) are written under a name that the same
transaction determines, so a rolled-back attempt is simply overwritten by the retry.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from jobs.config import Config
from letters.dates import waktu
from letters.mail import Attachment, Rendered, build_message, render_mail
from letters.render import LetterData, Signer, render_letter
from sop.book import Book, parse_iso, private_dir
from sop.engine import OPEN, SYSTEM, Case, CloseTask, IssueLetter, Log, Notify, OpenTask, Outcome

log = logging.getLogger(__name__)

# Stored as it goes on the wire: SMTP wants CRLF line ends, never bare LF.
SMTP_POLICY = email.policy.SMTP
CHANNEL_WORDS = {"email": "surel", "langsung": "datang langsung", "telepon": "telepon", "surat": "surat",
                 "lapor": "SP4N-LAPOR!"}
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_token() -> str:
    """A task token: 20 random base-36 characters (about 103 bits), valid in a local part."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(20))


def safe_name(number: str) -> str:
    """A register number as a file name: only letters, digits, dots and dashes."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", number).strip("-")


@dataclass
class Office:
    config: Config
    book: Book

    # Reading the book as the engine and the templates need it -----------------------------
    def case(self, row: dict) -> Case:
        return Case(number=row["number"], state=row["state"], step=row["step"],
                    section=row["section"], meeting=bool(row["meeting"]), has_email=bool(row["email"]))

    def complaint_view(self, row: dict) -> dict:
        tz = self.config.clock.tz
        channel = CHANNEL_WORDS.get(row["channel"], row["channel"])
        files = self.book.attachments(row["id"])
        return {**row, "received": waktu(parse_iso(row["received_at"]), tz), "channel": channel,
                "confidential": False,
                "attachments": [f["filename"] for f in files if f["path"]],
                "refused": [f"{f['filename']} ({f['note']})" for f in files if not f["path"]]}

    def history(self, complaint_id: int) -> list[dict]:
        tz = self.config.clock.tz
        out = []
        for e in self.book.events(complaint_id):
            if e["kind"] != "langkah":
                continue
            role = self.config.procedure.step(e["step"]).role
            out.append({"step": e["step"], "role_title": self.config.directory.official(role).title,
                        "at": waktu(parse_iso(e["at"]), tz), "text": e["text"]})
        return out

    def base_context(self, row: dict, step_no: int | None) -> dict:
        cfg = self.config
        context = {
            "office": {"name": cfg.office_name, "parent": cfg.office_parent, "address": cfg.office_address},
            "c": self.complaint_view(row),
            "history": self.history(row["id"]),
            "sop_name": cfg.procedure.name,
            "steps_total": len(cfg.procedure.steps),
            "next_title": "",
        }
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
              in_reply_to: str | None = None, auto_submitted: str = "auto-generated",
              attachments: tuple[Attachment, ...] = ()) -> str:
        me = self.config.identity
        message_id = message_id or me.message_id(kind.replace("_", "-"), new_token())
        msg = build_message(
            sender=(self.config.office_name, self.config.mailbox.address), to=to, rendered=rendered,
            message_id=message_id, date=now, reply_to=reply_to, in_reply_to=in_reply_to,
            auto_submitted=auto_submitted, attachments=attachments)
        self.book.enqueue(message_id=message_id, complaint_id=row["id"] if row else None, kind=kind,
                          recipients=[addr for _, addr in to], subject=rendered.subject,
                          raw=msg.as_bytes(policy=SMTP_POLICY), at=now)
        return message_id

    def apply(self, row: dict, outcome: Outcome, now: dt.datetime, *,
              actor_task: dict | None = None) -> dict:
        """Apply an Outcome of `advance` to complaint `row`; returns the updated row."""
        for effect in outcome.effects:
            if isinstance(effect, Log):
                self.book.add_event(row["id"], now, effect.step, effect.actor, effect.kind, effect.text)
            elif isinstance(effect, CloseTask):
                self.book.close_task(row["id"], effect.step, now, effect.output)
                row = self._update(row, outcome.case, now, final=False)
            elif isinstance(effect, IssueLetter):
                row = self.issue_letter(row, effect.answer, now)
            elif isinstance(effect, Notify):
                self.notify(row, effect, now, actor_task)
            elif isinstance(effect, OpenTask):
                self.open_task(row, effect.step, now)
            else:
                raise TypeError(f"unknown effect {effect!r}")
        return self._update(row, outcome.case, now, final=True)

    def _update(self, row: dict, case: Case, now: dt.datetime, final: bool) -> dict:
        fields = {"section": case.section, "meeting": int(case.meeting)}
        if final:
            fields.update(state=case.state, step=case.step)
            if case.state != OPEN and not row.get("closed_at"):
                fields["closed_at"] = now
        self.book.update_complaint(row["id"], **fields)
        return self.book.complaint_by_id(row["id"])

    def notify(self, row: dict, effect: Notify, now: dt.datetime, actor_task: dict | None) -> None:
        cfg = self.config
        context = self.base_context(row, effect.step)
        context["extra"] = effect.extra
        context["now"] = waktu(now, cfg.clock.tz)
        attachments: tuple[Attachment, ...] = ()
        in_reply_to = None
        auto = "auto-generated"
        if effect.to == "complainant":
            if effect.template == "tanda_terima" and self._ack_limited(row, now):
                return
            to = [(row["name"], row["email"])]
            auto = "auto-replied" if effect.template == "tanda_terima" else auto
            in_reply_to = row["source_message_id"]
        elif effect.to == "section":
            section = cfg.directory.section(row["section"])
            if section is None:
                return
            to = [(section.head, section.email)]
            context["recipient"] = {"title": section.title, "name": section.head, "email": section.email}
        elif effect.to == "actor":
            official = cfg.directory.official(actor_task["role"])
            to = [(official.name, actor_task["official"])]
            context["recipient"] = {"title": official.title, "name": official.name, "email": official.email}
            in_reply_to = actor_task["message_id"]
        else:
            official = cfg.directory.official(effect.to)
            to = [(official.name, official.email)]
            context["recipient"] = {"title": official.title, "name": official.name, "email": official.email}
        if effect.template == "surat_jawaban":
            context["letter_number"] = row["letter_number"]
            attachments = (self.letter_attachment(row),)
        self.queue(row, effect.template, to, render_mail(effect.template, **context), now,
                   in_reply_to=in_reply_to, auto_submitted=auto, attachments=attachments)

    def _ack_limited(self, row: dict, now: dt.datetime) -> bool:
        """At most a few acknowledgements an hour to one sender, so that two robots never loop."""
        limit = self.config.intake.ack_per_hour
        sent = self.book.count_mail_to(row["email"], "tanda_terima", now - dt.timedelta(hours=1))
        if sent < limit:
            return False
        self.book.add_event(row["id"], now, 1, SYSTEM, "catatan",
                            f"Tanda terima tidak dikirim: sudah {sent} tanda terima ke {row['email']} "
                            f"dalam satu jam terakhir.")
        log.warning("tanda terima ke %s ditahan (batas %d per jam)", row["email"], limit)
        return True

    def open_task(self, row: dict, step_no: int, now: dt.datetime) -> None:
        cfg = self.config
        step = cfg.procedure.step(step_no)
        official = cfg.directory.official(step.role)
        token = new_token()
        message_id = cfg.identity.message_id("tugas", token)
        due = cfg.clock.add(now, step.time)
        context = self.base_context(row, step_no)
        context["step"]["due"] = waktu(due, cfg.clock.tz)
        context["recipient"] = {"title": official.title, "name": official.name, "email": official.email}
        attachments: tuple[Attachment, ...] = ()
        context["attachment_note"] = ""
        if step.attach_letter and row["letter_path"]:
            attachments = (self.letter_attachment(row),)
            context["attachment_note"] = f"Terlampir: surat jawaban nomor {row['letter_number']}."
        local, _, domain = cfg.mailbox.address.partition("@")
        self.queue(row, "tugas", [(official.name, official.email)], render_mail("tugas", **context), now,
                   message_id=message_id, reply_to=f"{local}+{token}@{domain}", attachments=attachments)
        self.book.open_task(complaint_id=row["id"], step=step_no, role=step.role,
                            official=official.email, token=token, message_id=message_id,
                            opened_at=now, due_at=due)

    def letter_attachment(self, row: dict) -> Attachment:
        data = Path(row["letter_path"]).read_bytes()
        return Attachment(filename=f"surat-jawaban-{safe_name(row['letter_number'])}.docx", data=data)

    def issue_letter(self, row: dict, answer: str, now: dt.datetime) -> dict:
        cfg = self.config
        ls = cfg.letters
        local_now = now.astimezone(cfg.clock.tz)
        number = cfg.letter_number(local_now.year, self.book.next_serial("surat-keluar", local_now.year))
        signer_official = cfg.directory.official(ls.signer_role)
        signer = Signer(title=ls.signer_title, name=signer_official.name, nip=signer_official.nip,
                        rank=signer_official.rank, signature_image=signer_official.signature)
        received = parse_iso(row["received_at"]).astimezone(cfg.clock.tz)
        data = LetterData(
            number=number, date=local_now.date(), place=ls.place, hal=ls.hal,
            addressee=f"Bapak/Ibu {row['name']}".strip() if row["name"] else "Bapak/Ibu Pengadu",
            addressee_place=row["address"] or "Tempat",
            complaint_number=row["number"], complaint_date=received.date(),
            complaint_subject=row["subject"], channel=row["channel"], answer=answer,
            sifat=ls.sifat, tembusan=ls.tembusan, signing_note=ls.signing_note)
        rendered = render_letter(data, cfg.letterhead, signer,
                                 **({"template": ls.template} if ls.template else {}))
        name = safe_name(number)
        archive = cfg.files / "arsip" / str(local_now.year) / name / f"surat-jawaban-{name}.docx"
        private_dir(archive.parent)
        archive.write_bytes(rendered.data)
        private_dir(cfg.outbox, 0o750)  # staff collect letters here, possibly as a group
        (cfg.outbox / f"surat-jawaban-{name}.docx").write_bytes(rendered.data)
        self.book.record_letter(number=number, complaint_id=row["id"], issued_at=now, path=str(archive),
                                sha256=rendered.sha256, signer=signer_official.name)
        self.book.update_complaint(row["id"], letter_number=number, letter_path=str(archive))
        self.book.add_event(row["id"], now, None, SYSTEM, "surat",
                            f"Surat jawaban nomor {number} dibuat, ditandatangani atas nama "
                            f"{signer.title} {signer.name}, dan diarsipkan.")
        return self.book.complaint_by_id(row["id"])

    def check_deadlines(self, now: dt.datetime) -> int:
        """Tell the superior named in the SOP, with a copy to staff, once a task is late."""
        cfg = self.config
        count = 0
        for task in self.book.overdue_tasks(now):
            with self.book.transaction():
                row = self.book.complaint_by_id(task["complaint_id"])
                step = cfg.procedure.step(task["step"])
                if row["state"] == OPEN and step.escalate_to:
                    holder = cfg.directory.official(task["role"])
                    context = self.base_context(row, step.no)
                    context["step"]["due"] = waktu(parse_iso(task["due_at"]), cfg.clock.tz)
                    context["holder"] = {"title": holder.title, "name": holder.name}
                    for role in dict.fromkeys((step.escalate_to, step_staff_role(cfg))):
                        boss = cfg.directory.official(role)
                        context["recipient"] = {"title": boss.title, "name": boss.name, "email": boss.email}
                        self.queue(row, "terlambat", [(boss.name, boss.email)],
                                   render_mail("terlambat", **context), now, in_reply_to=task["message_id"])
                    self.book.add_event(row["id"], now, step.no, SYSTEM, "terlambat",
                                        f"Langkah {step.no} melewati batas waktu; diberitahukan kepada "
                                        f"{cfg.directory.official(step.escalate_to).title}.")
                    count += 1
                self.book.mark_escalated(task["id"], now)
        return count


def step_staff_role(cfg: Config) -> str:
    """Staff are the performers of the recording step (step 1); they get copies of alerts."""
    return cfg.procedure.step(1).role


def due_of(book: Book, row: dict) -> dt.datetime | None:
    task = book.open_task_of(row["id"]) if row["state"] == OPEN else None
    return parse_iso(task["due_at"]) if task else None

