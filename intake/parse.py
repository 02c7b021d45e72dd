"""Raw email bytes -> Incoming: the one typed record that travels through intake.

Pure: no I/O, no clock. Headers are decoded with the standard library's modern policy;
the text is taken from text/plain, or from text/html turned into readable text when a
message has no plain part.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from intake.html_text import html_to_text

MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Attachment:
    filename: str  # as the sender named it: data, never a path
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    key: str  # stable identity in the book: hash of the Message-ID, else of the bytes
    raw_sha256: str
    message_id: str | None
    from_name: str
    from_addr: str
    reply_to: str | None
    recipients: tuple[str, ...]  # To, Cc and Delivered-To addresses, lowercased
    subject: str
    text: str
    date: dt.datetime | None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # the few that classify uses
    content_type: str = "text/plain"
    attachments: tuple[Attachment, ...] = ()


CLASSIFY_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "precedence", "list-id",
                    "list-unsubscribe", "x-auto-response-suppress", "return-path")


def message_key(message_id: str | None, raw: bytes) -> str:
    basis = message_id.strip().lower().encode() if message_id else raw
    return hashlib.sha256(basis).hexdigest()


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # a header the policy cannot decode is treated as absent
        raw = msg.get_all(name, failobj=[None])[0] if hasattr(msg, "get_all") else None
        return str(raw or "")


def _clean_line(text: str) -> str:
    """Header values are single lines; CR/LF never survive into our data."""
    return re.sub(r"[\r\n\t]+", " ", text).strip()


def _part_text(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _body(msg: EmailMessage) -> str:
    plain = None
    html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and html is None:
            html = _part_text(part)
    if plain and plain.strip():
        text = plain
    elif html:
        text = html_to_text(html)
    else:
        text = ""
    return text.replace("\r\n", "\n").strip()


def _attachments(msg: EmailMessage) -> tuple[Attachment, ...]:
    found = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() != "attachment" and not part.get_filename():
            continue
        found.append(Attachment(
            filename=_clean_line(part.get_filename() or "lampiran"),
            content_type=part.get_content_type(),
            data=part.get_payload(decode=True) or b"",
        ))
    return tuple(found)


def _ids(value: str) -> tuple[str, ...]:
    return tuple(MSGID.findall(value or ""))


def parse_message(raw: bytes) -> Incoming:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (_ids(_header(msg, "Message-ID")) or (None,))[0]
    from_name, from_addr = parseaddr(_header(msg, "From"))
    _, reply_to = parseaddr(_header(msg, "Reply-To"))
    recipients = tuple(
        addr.lower() for _, addr in getaddresses(
            [_header(msg, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")])
        if addr)
    try:
        date = parsedate_to_datetime(_header(msg, "Date"))
        if date.tzinfo is None:
            date = date.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError, IndexError):
        date = None
    return Incoming(
        key=message_key(message_id, raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        message_id=message_id,
        from_name=_clean_line(from_name),
        from_addr=from_addr.strip().lower(),
        reply_to=reply_to.strip().lower() or None,
        recipients=recipients,
        subject=_clean_line(_header(msg, "Subject")),
        text=_body(msg),
        date=date,
        in_reply_to=_ids(_header(msg, "In-Reply-To")),
        references=_ids(_header(msg, "References")),
        headers={h: _clean_line(_header(msg, h)) for h in CLASSIFY_HEADERS if msg.get(h) is not None},
        content_type=msg.get_content_type(),
        attachments=_attachments(msg),
    )
