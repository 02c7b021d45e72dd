"""The section head's part in step 2 (the seed's "berkoordinasi dengan Kasubbag/Kasi"): when
the Sekretaris asks for it (`Seksi: …; minta laporan`), the head gets a request with a token
of its own; their reply reaches the history and the Sekretaris, and never moves the SOP."""

from __future__ import annotations

import datetime as dt
import logging

from intake.parse import Incoming
from letters.mail import render_mail
from office.attachments import store_attachments
from office.base import Office, new_token, section_recipient
from office.mail_view import complaint_view
from office.notices import base_context, queue
from sop.book.records import Complaint

log = logging.getLogger(__name__)


def ask_section(office: Office, row: Complaint, step_no: int, now: dt.datetime) -> None:
    """The request to the named section's head, in the caller's transaction."""
    cfg = office.config
    section = cfg.directory.section(row.section)
    if section is None:
        return
    token = new_token()
    office.book.tasks.add_section_request(complaint_id=row.id, section=section.name, email=section.email, token=token,
                                    at=now)
    context = base_context(office, row, step_no)
    if row.confidential:  # the section head never sees who complained, nor their words
        context["c"] = complaint_view(office, row, redact=True)
        context["history"] = []
    context["recipient"] = section_recipient(section)
    context["asker"] = cfg.directory.official(cfg.procedure.step(step_no).role).title
    local, _, domain = cfg.mailbox.address.partition("@")
    queue(office, row, "permintaan_laporan", [(section.head, section.email)],
          render_mail("permintaan_laporan", **context), now,
          message_id=cfg.identity.task_message_id(token), reply_to=f"{local}+{token}@{domain}")


def take_report(office: Office, request: dict, msg: Incoming, text: str, now: dt.datetime) -> str:
    """The head's reply to the request: in the history (with its files), passed on to the
    Sekretaris (the performer of the step that asked). Returns what the book notes."""
    row = office.book.complaints.get(request["complaint_id"])
    section = office.config.directory.section(request["section"])
    if section is None or (msg.from_addr != section.email and msg.from_addr not in section.aliases):
        return f"pengirim {msg.from_addr} bukan kepala {request['section']}"
    store_attachments(office, row.id, msg.key, msg.attachments, now)
    office.book.events.add(row.id, now, row.step, msg.from_addr, "laporan_seksi",
                          f"Laporan {section.title} {section.name} ({section.head}): {text}")
    office.book.tasks.answer_section_request(request["id"], text, now)
    asker = office.config.procedure.step(2).role if len(office.config.procedure.steps) > 1 else None
    if asker:
        official = office.holder(asker, now)
        context = base_context(office, row, None)
        context.update(recipient=office.addressee(official),
                       section={"title": section.title, "name": section.name, "head": section.head}, text=text,
                       attachment_count=len(msg.attachments))
        queue(office, row, "laporan_seksi", [(official.name, official.email)], render_mail("laporan_seksi", **context),
              now)
    log.info("%s: laporan %s dicatat", row.number, section.name)
    return f"laporan {section.name}"
