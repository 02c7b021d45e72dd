"""Emails the office writes: rendered from the text templates in templates/mail, built as
RFC 5322 messages with fixed Message-IDs. Pure: no SMTP here, the sender owns that.

Citizen text only ever enters a template as a variable's value; it is never compiled as a
template, and header values lose any CR/LF before they reach a header.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
import email.charset
import email.policy
import io
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

import jinja2

from templates import TEMPLATES

UTF8 = "utf-8"
QP_UTF8 = email.charset.Charset(UTF8)
QP_UTF8.body_encoding = email.charset.QP
WIRE = email.policy.compat32.clone(linesep="\r\n")
MSGID = re.compile(r"<[^<>\s]+>")

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


UNSAFE_IN_ADDRESS = re.compile(r'[\s<>,;:()\[\]\\"]')


def _address(name: str, addr: str) -> str:
    addr = one_line(addr, 320)
    if not addr.count("@") == 1 or UNSAFE_IN_ADDRESS.search(addr):
        raise ValueError(f"alamat surel tidak sah: {addr!r}")
    return formataddr((one_line(name, 100), addr), charset=UTF8)


def _text_part(body: str) -> MIMEText:
    body = body.replace("\r\n", "\n")
    # Plain ASCII goes as 7bit; anything else (or an overlong line) as quoted-printable UTF-8,
    # which stays readable in a mail app's "show original".
    if body.isascii() and all(len(line) <= 998 for line in body.split("\n")):
        return MIMEText(body, "plain", "us-ascii")
    return MIMEText(body, "plain", QP_UTF8)


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
                  attachments: tuple[Attachment, ...] = ()) -> bytes:
    """The message as it goes on the wire (CRLF line ends).

    Built with the standard library's compat32 classes: several times faster than the
    modern policy for the same RFC 5322 output, and intake builds several mails per message.
    """
    text = _text_part(rendered.body)
    if attachments:
        msg = MIMEMultipart("mixed")
        del text["MIME-Version"]
        msg.attach(text)
        for item in attachments:
            part = MIMEBase(item.maintype, item.subtype)
            part.set_payload(item.data)
            encode_base64(part)
            name = one_line(item.filename, 150)
            part.add_header("Content-Disposition", "attachment",
                            filename=name if name.isascii() else ("utf-8", "", name))
            del part["MIME-Version"]
            msg.attach(part)
    else:
        msg = text
    subject = one_line(rendered.subject)
    # A citizen's Message-ID is quoted back to thread our reply; one that is not plain ASCII
    # (or not an id at all) is left out rather than carried into a header.
    refs = tuple(r for r in dict.fromkeys((*references, *((in_reply_to,) if in_reply_to else ())))
                 if r.isascii() and MSGID.fullmatch(r))
    headers = [
        ("From", _address(*sender)),
        ("To", ",\r\n ".join(_address(name, addr) for name, addr in to)),
        ("Reply-To", _address("", reply_to) if reply_to else None),
        ("Subject", _fold(subject) if subject.isascii()
         else Header(subject, UTF8, header_name="Subject").encode(linesep="\r\n")),
        ("Date", format_datetime(date)),
        ("Message-ID", _msgid(message_id)),
        ("In-Reply-To", in_reply_to if in_reply_to in refs else None),
        ("References", "\r\n ".join(refs) if refs else None),
        # RFC 3834: tells other robots (auto-responders) not to answer us.
        ("Auto-Submitted", auto_submitted),
        ("X-Auto-Response-Suppress", "All"),
    ]
    # Our own header lines are written as they are: every value above is checked or encoded,
    # so the generator's folding machinery (most of the cost) runs only for the MIME part
    # headers below them. An internationalised address (RFC 6532) stays UTF-8.
    out = io.BytesIO()
    out.write("".join(f"{name}: {value}\r\n" for name, value in headers if value).encode("utf-8"))
    BytesGenerator(out, mangle_from_=False, policy=WIRE).flatten(msg)
    return out.getvalue()


def _fold(value: str, width: int = 76) -> str:
    """Fold an ASCII header value at spaces so that lines stay near 78 characters."""
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\r\n ".join([*lines, line])


def _msgid(value: str) -> str:
    if not MSGID.fullmatch(value):
        raise ValueError(f"Message-ID tidak sah: {value!r}")
    return value
