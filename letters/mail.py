"""Emails the office writes: rendered from the text templates in templates/mail, built as
RFC 5322 messages with fixed Message-IDs. Pure: no SMTP here, the sender owns that.

Citizen text only ever enters a template as a variable's value; it is never compiled as a
template, and header values lose any CR/LF before they reach a header.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import jinja2

from templates import TEMPLATES

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES / "mail"),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # plain text mail: nothing is markup
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["quote"] = lambda text: "\n".join("> " + ln if ln else ">" for ln in str(text).splitlines())


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render_mail(name: str, **context) -> Rendered:
    """Render templates/mail/<name>.txt; its first line is 'Subjek: ...'."""
    text = _ENV.get_template(f"{name}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subjek:"):
        raise ValueError(f"template {name}.txt must start with 'Subjek:'")
    return Rendered(subject=one_line(first[len("Subjek:"):]), body=body.strip() + "\n")


def one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _address(name: str, addr: str) -> Address:
    local, _, domain = addr.partition("@")
    return Address(display_name=one_line(name, 100), username=local, domain=domain)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str = "application"
    subtype: str = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_message(*, sender: tuple[str, str], to: list[tuple[str, str]], rendered: Rendered,
                  message_id: str, date: dt.datetime, reply_to: str | None = None,
                  in_reply_to: str | None = None, references: tuple[str, ...] = (),
                  auto_submitted: str = "auto-generated",
                  attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _address(*sender)
    msg["To"] = [_address(name, addr) for name, addr in to]
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    refs = tuple(dict.fromkeys((*references, *((in_reply_to,) if in_reply_to else ()))))
    if refs:
        msg["References"] = " ".join(refs)
    # RFC 3834: tells other robots (auto-responders) not to answer us.
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(rendered.body)
    for item in attachments:
        msg.add_attachment(item.data, maintype=item.maintype, subtype=item.subtype,
                           filename=item.filename)
    return msg
