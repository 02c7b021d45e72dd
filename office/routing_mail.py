"""The routing mail a task's official was sent, as text: what their reply may quote back.

The outbox keeps every mail as sent; a task's routing mails (the first, and one sent again to
a delegate) carry its token in their Message-ID. Their text is what intake.routing_lines
removes from a reply before its keywords are read.
"""

from __future__ import annotations

from intake.parse import parse_message
from office.base import Office
from sop.book.records import Task


def routing_text(office: Office, task: Task) -> str:
    """The text of every routing mail sent for `task`, one after the other ('' when none)."""
    identity = office.config.identity
    sent = [row for row in office.book.outbox.listed(task.complaint_id)
            if row.kind == "tugas" and identity.task_token(row.message_id) == task.token]
    return "\n".join(parse_message(bytes(row.raw)).text for row in sent)
