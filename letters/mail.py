"""Emails the office writes: rendered from the text templates in templates/mail, built as
RFC 5322 messages with fixed Message-IDs. Pure: no SMTP here, the sender owns that.

Citizen text only ever enters a template as a variable's value; it is never compiled as a
template, and header values lose any CR/LF before they reach a header.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
import secrets
import urllib.parse
from dataclasses import dataclass
from email.utils import format_datetime, formataddr

from templates import TEMPLATES

UTF8 = "utf-8"
MSGID = re.compile(r"<[^<>\s]+>")


@functools.cache
def _environment(plain: bool = False):
    """The mail templates' Jinja environment. `plain`: stock Jinja with the same settings, the
    reference the fast one must always agree with (the test suite checks every mail)."""
    import jinja2  # imported on the first mail: listing commands never write one

    class MailEnvironment(jinja2.Environment):
        # Templates read our plain dicts as `c.number`. Jinja tries the attribute first and
        # reads the key after the AttributeError; for a dict the key is looked up first here
        # (dict methods such as `extra.get` still resolve as before). A third of a render.
        def getattr(self, obj, attribute):
            if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    class MailTemplate(jinja2.Template):
        # A mail's context is a dict made for that one mail: the template reads it as it is,
        # over a flat copy of the globals made once, instead of Jinja's copy of the globals'
        # ChainMap and of the context into a new dict on every render (a sixth of a short
        # mail's render). Rendered as Template.render does otherwise.
        def render(self, *args, **kwargs):
            flat = self.__dict__.get("_flat_globals")
            if flat is None:
                flat = self._flat_globals = (dict(self.globals), set(self.globals))
            parent = dict(flat[0])
            parent.update(*args, **kwargs)
            context = self.environment.context_class(self.environment, parent, self.name, self.blocks)
            context.globals_keys = flat[1]
            try:
                return self.environment.concat(self.root_render_func(context))
            except Exception:
                self.environment.handle_exception()

    MailEnvironment.template_class = MailTemplate

    class InliningLoader(jinja2.FileSystemLoader):
        def get_source(self, environment, template):
            source, filename, uptodate = super().get_source(environment, template)
            return inline_includes(source, lambda name: super(InliningLoader, self).get_source(
                environment, name)[0]), filename, uptodate

    environment, loader = (jinja2.Environment, jinja2.FileSystemLoader) if plain else (MailEnvironment,
                                                                                       InliningLoader)
    env = environment(
        loader=loader(TEMPLATES / "mail"),
        auto_reload=False,  # templates change with a release, not while running: no stat per mail
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text mail: nothing is markup
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["quote"] = lambda text: "\n".join("> " + ln if ln else ">" for ln in str(text).splitlines())
    return env


DICT_ATTRIBUTES = frozenset(dir(dict))
# An include alone on its line, as the mail templates write them.
INCLUDE_LINE = re.compile(r'^\{% include "([A-Za-z0-9_.-]+)" %\}\n(?![ \t]|\{[{%#]-)', re.MULTILINE)
# Tags whose names would leak into the including template once inlined.
SCOPED_TAG = re.compile(r"\{%[-+]?\s*(?:set|macro|block|extends|import|from|with|call)\b")


def inline_includes(source: str, read, depth: int = 0) -> str:
    """`source` with each `{% include "x" %}` line replaced by x's text, where that renders
    the same (a fresh context per include was half of a short mail's render time).

    The include's line end is taken by trim_blocks and the included text loses its final
    line end (keep_trailing_newline=False), so x's text stands in without it. A final block
    tag of x gets `+%}` so that it does not take the next line's end, which it could not
    reach before. Anything else that could act across the seam (whitespace control with
    '-', a next line that starts with blanks for lstrip_blocks, names set or defined in x)
    keeps the ordinary include.
    """
    def expand(match: re.Match) -> str:
        inner = read(match.group(1))
        inner = inner[:-1] if inner.endswith("\n") else inner
        if (depth > 5 or inner.startswith(("{%-", "{{-", "{#-")) or inner.endswith(("-%}", "-}}", "#}"))
                or SCOPED_TAG.search(inner)):
            return match.group(0)
        if inner.endswith("%}") and not inner.endswith("+%}"):
            inner = inner[:-2] + "+%}"
        return inline_includes(inner, read, depth + 1)

    return INCLUDE_LINE.sub(expand, source)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render_mail(name: str, **context) -> Rendered:
    """Render templates/mail/<name>.txt; its first line is 'Subjek: ...'."""
    text = _text(name, context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subjek:"):
        raise ValueError(f"template {name}.txt must start with 'Subjek:'")
    return Rendered(subject=one_line(first[len("Subjek:"):]), body=body.strip() + "\n")


def _text(name: str, context: dict) -> str:
    return _environment().get_template(f"{name}.txt").render(context)


CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str, limit: int = 200) -> str:
    text = str(text)
    if not (text.isascii() and text.isprintable()):  # printable ASCII has no controls to remove
        text = CONTROLS.sub(" ", text)
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


UNSAFE_IN_ADDRESS = re.compile(r'[\s<>,;:()\[\]\\"]')


@functools.lru_cache(maxsize=4096)  # the office's own address heads every mail; officials recur
def _address(name: str, addr: str) -> str:
    addr = one_line(addr, 320)
    if not addr.count("@") == 1 or UNSAFE_IN_ADDRESS.search(addr):
        raise ValueError(f"alamat surel tidak sah: {addr!r}")
    return formataddr((one_line(name, 100), addr), charset=UTF8)


def _text_part(body: str) -> bytes:
    """Headers and body of the text part: plain ASCII as 7bit, any other text as 8bit UTF-8
    (RFC 6152; quoted-printable cost intake a twentieth of its time, and jobs.outgoing turns
    the part into quoted-printable for a server that does not take 8BITMIME: `seven_bit`); a
    line over SMTP's 998 octets, or a control character, as quoted-printable."""
    data = body.replace("\r\n", "\n").encode("utf-8")
    if len(data.translate(None, CONTROL_BYTES)) != len(data) or max(map(len, data.split(b"\n"))) > 998:
        return QP_TEXT + binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")
    return (ASCII_TEXT if data.isascii() else EIGHT_BIT_TEXT) + data.replace(b"\n", b"\r\n")


# Bytes that may not travel as they are in 7bit or 8bit text (RFC 5322, RFC 6152): a control
# character, a lone CR. Quoted-printable writes them as =XX. (Found by deleting them, six
# times faster than a regular expression's search.)
CONTROL_BYTES = bytes((*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))
ASCII_TEXT = b'Content-Type: text/plain; charset="us-ascii"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
EIGHT_BIT_TEXT = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
QP_TEXT = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'


def seven_bit(raw: bytes) -> bytes:
    """A message of build_message's with its 8bit text part as quoted-printable, as it would
    have been built for a server without 8BITMIME (RFC 6152); any other message as it is."""
    start = raw.find(EIGHT_BIT_TEXT)
    if start < 0:
        return raw
    begin = start + len(EIGHT_BIT_TEXT)
    found = re.search(rb'boundary="([^"]+)"', raw[:start])
    end = raw.find(b"\r\n--" + found.group(1), begin) if found else -1
    end = len(raw) if end < 0 else end
    text = binascii.b2a_qp(raw[begin:end].replace(b"\r\n", b"\n"), istext=True).replace(b"\n", b"\r\n")
    return raw[:start] + QP_TEXT + text + raw[end:]


def _attachment_part(item: "Attachment") -> bytes:
    name = one_line(item.filename, 150)
    if name.isascii():
        disposition = 'attachment; filename="%s"' % name.replace("\\", "\\\\").replace('"', '\\"')
    else:  # RFC 2231
        disposition = "attachment; filename*=utf-8''" + urllib.parse.quote(name, safe="")
    head = (f"Content-Type: {item.maintype}/{item.subtype}\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: {disposition}\r\n\r\n")
    return head.encode() + base64.encodebytes(item.data).replace(b"\n", b"\r\n")


def _encoded_words(text: str) -> str:
    """RFC 2047 encoded words (base64, UTF-8), split on character boundaries, one per line."""
    data = text.encode("utf-8")
    words, start = [], 0
    while True:
        end = start + 45
        if end >= len(data):
            words.append(data[start:])
            break
        while data[end] & 0xC0 == 0x80:  # not inside a character
            end -= 1
        words.append(data[start:end])
        start = end
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode()}?=" for w in words)


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

    Written directly rather than through the email package's generator, which took 1.2 ms
    a mail (intake writes three per complaint): every header value is checked or encoded
    here, and the round trip through the standard parser is tested.
    """
    subject = one_line(rendered.subject)
    # A citizen's Message-ID is quoted back to thread our reply; one that is not plain ASCII
    # (or not an id at all) is left out rather than carried into a header.
    refs = tuple(r for r in dict.fromkeys((*references, *((in_reply_to,) if in_reply_to else ())))
                 if r.isascii() and MSGID.fullmatch(r))
    headers = [
        ("From", _address(*sender)),
        ("To", ",\r\n ".join(_address(name, addr) for name, addr in to)),
        ("Reply-To", _address("", reply_to) if reply_to else None),
        ("Subject", _fold(subject) if subject.isascii() else _encoded_words(subject)),
        ("Date", _date(date)),
        ("Message-ID", _msgid(message_id)),
        ("In-Reply-To", in_reply_to if in_reply_to in refs else None),
        ("References", "\r\n ".join(refs) if refs else None),
        # RFC 3834: tells other robots (auto-responders) not to answer us.
        ("Auto-Submitted", auto_submitted),
        ("X-Auto-Response-Suppress", "All"),
    ]
    # An internationalised address (RFC 6532) stays UTF-8; everything else here is ASCII.
    head = "".join(f"{name}: {value}\r\n" for name, value in headers if value) + "MIME-Version: 1.0\r\n"
    if not attachments:
        return head.encode("utf-8") + _text_part(rendered.body)
    # Random, and '=_' cannot occur in base64 or quoted-printable text; drawn again in the
    # unheard-of case that an 8bit text holds it.
    parts = [_text_part(rendered.body), *(_attachment_part(item) for item in attachments)]
    boundary = f"=_pgd_{secrets.token_hex(12)}"
    while boundary.encode() in parts[0]:
        boundary = f"=_pgd_{secrets.token_hex(12)}"
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return (head.encode("utf-8") + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode()
            + f"--{boundary}\r\n".encode() + delimiter.join(parts) + f"\r\n--{boundary}--\r\n".encode())


def with_attachments(raw: bytes, attachments: tuple[Attachment, ...]) -> bytes:
    """A message of build_message's with `attachments` added first, right after its text, as if
    it had been built with them: the mail that waited in the outbox for its PDF (office.letter_pdfs)."""
    if not attachments:
        return raw
    cut = raw.index(b"\r\nMIME-Version: 1.0\r\n") + len(b"\r\nMIME-Version: 1.0\r\n")
    head, rest = raw[:cut], raw[cut:]
    found = re.match(rb'Content-Type: multipart/mixed; boundary="([^"]+)"\r\n\r\n', rest)
    if found is None:  # the text alone: the message becomes multipart/mixed
        boundary = f"=_pgd_{secrets.token_hex(12)}".encode()
        rest = (b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--' + boundary + b"\r\n"
                + rest + b"\r\n--" + boundary + b"--\r\n")
    else:
        boundary = found.group(1)
    delimiter = b"\r\n--" + boundary
    text_ends = rest.index(delimiter, rest.index(b"--" + boundary + b"\r\n") + len(boundary) + 4)
    added = b"".join(delimiter + b"\r\n" + _attachment_part(item) for item in attachments)
    return head + rest[:text_ends] + added + rest[text_ends:]


@functools.lru_cache(maxsize=256)  # the mails one message causes share their moment
def _date(moment: dt.datetime) -> str:
    return format_datetime(moment)


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
