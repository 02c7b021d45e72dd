"""Raw email bytes -> Incoming: the one typed record that travels through intake.

Pure: no I/O, no clock. The structure is read into the standard library's compat32 tree
(by intake.mime, which finds multipart boundaries without walking every line) and only
the headers intake uses are decoded (address headers through the modern policy's parser,
before any decoding); the text is taken from text/plain, or from text/html turned into
readable text when a message has no plain part; a format=flowed part is unwrapped
(intake.flowed).
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from intake import mime
from intake.flowed import unflow
from intake.html_text import html_to_text
from intake.text import clean_line, clean_text

MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Attachment:
    filename: str  # as the sender named it: data, never a path
    content_type: str
    data: bytes
    # Set when the parse-ahead worker has already written the data to a staging file: then
    # `data` is empty and these say what it held.
    staged: str | None = None
    size: int | None = None
    sha256: str | None = None

    def length(self) -> int:
        return len(self.data) if self.size is None else self.size

    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Forwarded:
    """The original message inside a forward (attached message/rfc822 or inline)."""

    name: str
    address: str
    subject: str
    text: str


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
    html: str = ""  # the HTML body, when the text was made from it (no text/plain part)
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # the few that classify uses
    content_type: str = "text/plain"
    attachments: tuple[Attachment, ...] = ()
    forwarded: Forwarded | None = None
    embedded_ids: tuple[str, ...] = ()  # Message-IDs of messages quoted in a bounce report
    bounced: tuple[str, ...] = ()  # the recipients a delivery report says failed (Final-Recipient)
    # The Received and Authentication-Results headers, (name, value), topmost first: where
    # the message entered our servers, and what they said of it (intake.authresults).
    trace: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # what a person should know: unreadable parts, guessed charsets


CLASSIFY_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "precedence", "list-id",
                    "list-unsubscribe", "x-auto-response-suppress", "return-path")


def message_key(message_id: str | None, raw: bytes) -> str:
    basis = message_id.strip().lower().encode("utf-8", "surrogateescape") if message_id else raw
    return hashlib.sha256(basis).hexdigest()


FOLD = re.compile(r"\r?\n(?=[ \t])")
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bqBQ]\?")


def _unfold(value: str) -> str:
    return FOLD.sub("", value)


def _eight_bit(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogates: read them as UTF-8, else Windows-1252."""
    if not SURROGATE.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words of an unstructured value, decoded; the raw text when broken."""
    if not ENCODED_WORD.search(value):
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:
        return value


def _raw_values(msg, name: str) -> list[str]:
    lower = name.lower()
    return [str(v) for k, v in msg.raw_items() if k.lower() == lower]


def _header(msg, name: str) -> str:
    """The first `name` header, unfolded and decoded (empty when absent)."""
    values = _raw_values(msg, name)
    return _decode_words(_eight_bit(_unfold(values[0]))) if values else ""


MAX_LINE = 998  # RFC 5322's line limit: longer header values are cut
MAX_TEXT = 200_000  # characters of body text kept in the book; the raw message keeps the rest
MAX_HTML = 1_000_000  # characters of an HTML body read for its quotation structure


STRUCTURED = email.policy.default.header_factory
# One address, bare or as `Name <addr>` / `"Name" <addr>`, in plain characters only (no
# encoded words, comments, groups or escapes): the full grammar reads it the same way.
_SIMPLE_ADDR = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
SIMPLE_ADDRESS = re.compile(
    r'\s*(?:(?P<name>[A-Za-z0-9][A-Za-z0-9 .\'_-]*?)?|"(?P<quoted>[A-Za-z0-9 .,\'_()-]*)")\s*'
    rf'(?:<(?P<addr>{_SIMPLE_ADDR})>|(?<![^\s])(?P<bare>{_SIMPLE_ADDR}))\s*')
ANGLE_ADDR = re.compile(r"([^<>,]*)<([^<>\s]+@[^<>\s]+)>")


def _addresses(msg, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header, parsed before decoding.

    Decoding first and parsing after would let an encoded display name such as
    '=?utf-8?q?Budi=0ABcc:_x@evil.test?=' smuggle in an address of its choosing.
    """
    out: list[tuple[str, str]] = []
    for key, raw in msg.raw_items():
        if key.lower() != name.lower():
            continue
        simple = SIMPLE_ADDRESS.fullmatch(raw)
        if simple:  # the common shape, unambiguous: no need for the full (slow) grammar
            display, quoted = simple.group("name") or "", simple.group("quoted")
            if simple.group("bare") and (display or quoted is not None):
                pass  # 'Name addr@x' without brackets: leave it to the full grammar
            else:
                out.append((quoted if quoted is not None else " ".join(display.split()),
                            simple.group("addr") or simple.group("bare")))
                continue
        try:
            out.extend((a.display_name, a.addr_spec) for a in STRUCTURED(name, raw).addresses)
        except Exception:  # the structured parser gave up: take <angle> addresses from the raw text
            pairs = ANGLE_ADDR.findall(str(raw)) or getaddresses([str(raw)])
            for display, addr in pairs:
                try:
                    display = str(email.header.make_header(email.header.decode_header(display)))
                except Exception:
                    pass
                out.append((display, addr))
    cleaned = ((_clean_line(n), _plausible(a)) for n, a in out)
    return [(n, a) for n, a in cleaned if a]


# What we would ever write back to: a local part of RFC 5322 atext and dots (ASCII: SMTP
# here sends to nothing else; no spaces, controls or address punctuation) and a domain of
# host-name characters (bytes no charset could read arrive as '?'). An address literal
# (`x@[127.0.0.1]`) is legal but never written back to: mail aimed at an IP address of the
# sender's choice (our own loopback, an internal host) is not ours to send.
PLAUSIBLE_ADDRESS = re.compile(r"[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
ADDRESS_LITERAL = re.compile(r"@\[[0-9A-Fa-f:.]+\]")


def _plausible(addr: str) -> str:
    """`addr` cleaned and lowercased when mail could be sent to it, else empty."""
    addr = _clean_line(addr).lower()
    return addr if PLAUSIBLE_ADDRESS.fullmatch(addr) else ""


def _valid(text: str) -> str:
    """Bytes no charset could decode arrive as lone surrogates; they become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if SURROGATE.search(text) else text


SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_line(text: str) -> str:
    """Header values are single lines without controls or direction marks (intake.text)."""
    text = clean_line(_valid(text))
    return text if len(text) <= MAX_LINE else text[:MAX_LINE - 1] + "…"


def _decode(payload: bytes, declared: str | None, notes: list[str]) -> str:
    """Text of a part: the declared charset when it fits, else UTF-8, else Windows-1252.

    Real mail declares no charset, the wrong one, or one Python does not know; the bytes
    decide rather than the label.
    """
    candidates = [c for c in (declared, "utf-8") if c]
    for charset in candidates:
        try:
            return payload.decode(charset)
        except (LookupError, ValueError):  # unknown name, undecodable bytes, or a NUL in the name
            continue
    notes.append(f"set karakter '{declared or 'tidak disebut'}' tidak cocok; dibaca sebagai Windows-1252")
    return payload.decode("cp1252", errors="replace")


def _part_text(part, notes: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:  # a broken transfer encoding: keep what is there
        payload = str(part.get_payload()).encode("utf-8", "replace")
    charset = part.get_content_charset()
    if charset and charset.lower() in ("us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"):
        # Mislabelled UTF-8 is far more common than real Latin-1 in this region's mail.
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            charset = "cp1252"
    return _decode(payload, charset, notes)


def _plain_text(part, notes: list[str]) -> str:
    """A text/plain part's text; format=flowed (RFC 3676) undone, so that what is recorded
    has the writer's lines, not the 72-column wraps of the transport."""
    text = _part_text(part, notes)
    if str(part.get_param("format", "")).lower() != "flowed":
        return text
    return unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")


def _is_attachment(part) -> bool:
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def _texts(msg, notes: list[str]) -> tuple[str | None, str | None]:
    """The first text/plain and text/html body parts outside attached messages."""
    plain = html = None
    stack = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if part.is_multipart():
            if ctype == "message/rfc822":
                continue  # a forwarded message's text is read as Forwarded, not as ours
            stack[0:0] = list(part.iter_parts()) if hasattr(part, "iter_parts") else part.get_payload()
            continue
        if _is_attachment(part):
            continue
        if ctype == "text/plain" and plain is None:
            plain = _plain_text(part, notes)
        elif ctype == "text/html" and html is None:
            html = _part_text(part, notes)
    return plain, html


def _body(msg, notes: list[str]) -> tuple[str, str]:
    """The readable text, and the HTML it was made from when the mail has no plain text part
    (a reply's HTML structure says where its quotation starts: intake.reply)."""
    plain, html = _texts(msg, notes)
    if plain and plain.strip():
        return clean_text(_valid(plain)).strip(), ""
    if html:
        return clean_text(_valid(html_to_text(html))).strip(), _valid(html)[:MAX_HTML]
    return "", ""


def _attachments(msg, notes: list[str]) -> tuple[Attachment, ...]:
    found = []
    for part in msg.walk():
        if part.is_multipart() or not _is_attachment(part):
            continue
        if part.get_content_type() == "message/rfc822":
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
            notes.append("lampiran dengan pengodean rusak")
        name = _clean_line(_decode_words(_eight_bit(str(part.get_filename() or "lampiran"))))
        if name.lower() == "winmail.dat" or part.get_content_type() == "application/ms-tnef":
            notes.append("lampiran winmail.dat (format Outlook) tidak dapat dibaca langsung")
        found.append(Attachment(filename=name, content_type=part.get_content_type(), data=data))
    return tuple(found)


BODY_MESSAGE_ID = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _embedded_ids(msg, text: str) -> tuple[str, ...]:
    """Message-IDs of the messages a delivery report returns (headers parts or body lines)."""
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if hasattr(inner, "get"):
                found.extend(_ids(_header(inner, "Message-ID")))
        elif ctype == "text/rfc822-headers":
            found.extend(BODY_MESSAGE_ID.findall(_part_text(part, [])))
    found.extend(BODY_MESSAGE_ID.findall(text))
    return tuple(dict.fromkeys(found))


FINAL_RECIPIENT = re.compile(r"^\s*(?:Final|Original)-Recipient:\s*rfc822\s*;\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$",
                             re.IGNORECASE | re.MULTILINE)


def _bounced(msg) -> tuple[str, ...]:
    """The failed recipients a delivery report names in its machine-readable part (RFC 3464)."""
    found: list[str] = []
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [payload]
            text = "\n".join(str(b) if not hasattr(b, "items") else
                             "\n".join(f"{k}: {v}" for k, v in b.items()) for b in blocks)
            found.extend(_plausible(a) for a in FINAL_RECIPIENT.findall(text))
    return tuple(dict.fromkeys(a for a in found if a))


INLINE_FORWARD = re.compile(
    r"^-{3,}\s*(?:Forwarded message|Pesan yang diteruskan|Pesan terusan|Pesan diteruskan)\s*-{3,}\s*$",
    re.IGNORECASE | re.MULTILINE)
FORWARD_FIELD = re.compile(r"^\s*(From|Dari|Subject|Subjek|Perihal)\s*:\s*(.+)$", re.IGNORECASE)


def _forwarded(msg, text: str, notes: list[str]) -> Forwarded | None:
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if not hasattr(inner, "get"):
                return None
            name, addr = parseaddr(_header(inner, "From"))
            return Forwarded(_clean_line(name), _plausible(addr), _clean_line(_header(inner, "Subject")),
                             clean_text(_valid(_body(inner, notes)[0])))
    cut = INLINE_FORWARD.search(text)
    if not cut:
        return None
    lines = text[cut.end():].lstrip("\n").split("\n")
    fields: dict[str, str] = {}
    end = 0
    for i, line in enumerate(lines[:12]):  # the quoted header block ends at its first blank line
        if not line.strip():
            end = i + 1
            break
        m = FORWARD_FIELD.match(line)
        if m:
            key = "from" if m.group(1).lower() in ("from", "dari") else "subject"
            fields.setdefault(key, m.group(2))
    if "from" not in fields:
        return None
    name, addr = parseaddr(fields["from"])
    return Forwarded(_clean_line(name), _plausible(addr), _clean_line(fields.get("subject", "")),
                     "\n".join(lines[end:]).strip())


def _ids(value: str) -> tuple[str, ...]:
    return tuple(MSGID.findall(_valid(value or "")))


TRACE_HEADERS = ("received", "authentication-results")


def _trace(msg) -> tuple[tuple[str, str], ...]:
    return tuple((k.lower(), _clean_line(_unfold(str(v)))) for k, v in msg.raw_items()
                 if k.lower() in TRACE_HEADERS)


def parse_message(raw: bytes) -> Incoming:
    msg = mime.parse(raw)
    notes: list[str] = []
    text, html = _body(msg, notes)
    if len(text) > MAX_TEXT:
        notes.append(f"isi surel sangat panjang ({len(text)} karakter); dicatat {MAX_TEXT} karakter "
                     f"pertama, selengkapnya pada surel asli")
        text = text[:MAX_TEXT]
    message_id = (_ids(_header(msg, "Message-ID")) or (None,))[0]
    from_name, from_addr = (_addresses(msg, "From") or [("", "")])[0]
    if not from_addr and ADDRESS_LITERAL.search(_header(msg, "From")):
        from_name = _clean_line(parseaddr(_header(msg, "From"))[0])
        notes.append("alamat pengirim berupa alamat IP; tanda terima dan jawaban tidak dikirim lewat surel")
    reply_to = (_addresses(msg, "Reply-To") or [("", "")])[0][1]
    recipients = tuple(addr for h in ("To", "Cc", "Delivered-To", "X-Original-To") for _, addr in _addresses(msg, h))
    try:
        date = parsedate_to_datetime(_header(msg, "Date"))
        if date.tzinfo is None:
            date = date.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError, IndexError):
        date = None
    return Incoming(
        key=message_key(message_id, raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        message_id=_valid(message_id) if message_id else None,
        from_name=from_name,
        from_addr=from_addr,
        reply_to=reply_to or None,
        recipients=recipients,
        subject=_clean_line(_header(msg, "Subject")),
        text=text,
        html=html,
        date=date,
        in_reply_to=_ids(_header(msg, "In-Reply-To")),
        references=_ids(_header(msg, "References")),
        headers={h: _clean_line(_header(msg, h)) for h in CLASSIFY_HEADERS if _raw_values(msg, h)},
        content_type=msg.get_content_type(),
        attachments=_attachments(msg, notes),
        forwarded=_forwarded(msg, text, notes),
        embedded_ids=_embedded_ids(msg, text) if msg.get_content_type() == "multipart/report"
        or "mailer-daemon" in from_addr.lower() else (),
        bounced=_bounced(msg) if msg.get_content_type() == "multipart/report" else (),
        notes=tuple(dict.fromkeys(notes)),
        trace=_trace(msg),
    )
