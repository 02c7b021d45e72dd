"""Raw bytes -> the standard library's compat32 Message tree, found without walking lines.

The standard parser reads a message line by line and tests every line of a multipart body
against the boundary; a 200 KB photo is 3,500 base64 lines, and those tests were most of
intake's parsing time. Here a string search over the whole text finds a multipart's
delimiter lines, each part's header block is read by the standard parser, and each part's
body is taken as one slice: the same tree, the same payload strings (line ends kept exactly
as sent), at C speed.

Only well-formed shapes take this path. Anything the standard parser would treat in its own
way (a bare CR, a header block with defects, a missing or doubled boundary, a digest or a
delivery status) raises `Unusual` and the whole message goes to the standard parser.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import re
from email.message import Message

POLICY = email.policy.compat32
_HEADERS = email.parser.Parser(policy=POLICY)

HEADER_END = re.compile(r"\n\r?\n")
BARE_CR = re.compile(r"\r(?!\n)")
# What may follow "--boundary" on a delimiter line (the line end itself is not taken).
DELIMITER_TAIL = re.compile(r"(--)?[ \t]*(?=\r?\n|\Z)")
# Types the standard parser gives a structure of their own (header blocks, default types).
LEFT_TO_STDLIB = ("message/delivery-status", "multipart/digest")


class Unusual(Exception):
    """A shape left to the standard parser."""


def parse(raw: bytes) -> Message:
    """The compat32 Message of `raw`, as email.parser.BytesParser would build it with line
    ends kept (the text of every part byte for byte as sent)."""
    text = raw.decode("ascii", "surrogateescape")
    try:
        if BARE_CR.search(text):  # the standard parser splits lines at a lone CR too
            raise Unusual
        return _message(text, 0, len(text), chop=False)
    except Unusual:
        del text
        # Fed from a file object 8 KB at a time; newline="" keeps CRLF as it is.
        stream = io.TextIOWrapper(io.BytesIO(raw), encoding="ascii", errors="surrogateescape", newline="")
        try:
            return email.parser.Parser(policy=POLICY).parse(stream)
        finally:
            stream.detach()


# Parts are ranges of the one decoded text: only a leaf's payload is ever sliced out of it,
# so a 25 MB message is held once as text and once as payloads, never more.
def _message(text: str, start: int, end: int, chop: bool) -> Message:
    """The message in text[start:end]. `chop`: its final line end belongs to the enclosing
    delimiter (RFC 2046), so it is left out of the last payload or epilogue, as the
    standard parser leaves it out."""
    msg, body = _headers(text, start, end)
    ctype = msg.get_content_type()
    if ctype in LEFT_TO_STDLIB:
        raise Unusual
    maintype = msg.get_content_maintype()
    if maintype == "multipart":
        _multipart(msg, text, body, end, chop)
    elif maintype == "message":
        msg.set_payload(None)  # type: ignore[call-overload]  # compat32 takes None: no payload yet
        msg.attach(_message(text, body, end, chop))
    else:
        msg.set_payload(text[body:end - _eol(text, body, end) if chop else end])
    return msg


def _headers(text: str, start: int, end: int) -> tuple[Message, int]:
    """The header block read by the standard parser, and where the body starts."""
    if text.startswith(("\n", "\r\n"), start, end):  # no headers at all
        return Message(policy=POLICY), text.index("\n", start) + 1
    blank = HEADER_END.search(text, start, end)
    block, body = (text[start:blank.start() + 1], blank.end()) if blank else (text[start:end], end)
    msg = _HEADERS.parsestr(block, headersonly=True)
    if msg.defects or msg.get_payload():
        raise Unusual  # e.g. a body line among the headers: the standard parser reads it its own way
    return msg, body


def _multipart(msg: Message, text: str, start: int, end: int, chop: bool) -> None:
    boundary = msg.get_boundary()
    if boundary is None:
        raise Unusual
    if str(msg.get("content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary"):
        raise Unusual
    marks = _delimiters(text, "--" + boundary, start, end)
    if marks[0][0] > start:
        first = marks[0][0]
        msg.preamble = text[start:first - _eol(text, start, first)]
    msg.set_payload(None)  # type: ignore[call-overload]  # compat32 takes None: parts are attached next
    for (_, opened, _), (following, _, _) in zip(marks, marks[1:]):
        if opened == following:
            raise Unusual  # doubled delimiter lines: the standard parser skips them its own way
        msg.attach(_message(text, opened, following, chop=True))
    epilogue = text[marks[-1][1]:end]
    if chop:
        msg.epilogue = None if epilogue == "" else epilogue[:len(epilogue) - _eol(epilogue, 0, len(epilogue))]
    else:
        msg.epilogue = epilogue


def _delimiters(text: str, separator: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(line start, end of line, is the close delimiter) of each delimiter line in
    text[start:end] up to the close one, found by str.find (memchr speed; boundaries are
    unique per message, so compiling a pattern for each would cost more than the search)."""
    found = []
    at = start if text.startswith(separator, start, end) else _next_line(text, separator, start, end)
    while at >= 0:
        tail = DELIMITER_TAIL.match(text, at + len(separator), end)
        if tail:
            found.append((at, tail.end() + _eol_at(text, tail.end(), end), bool(tail.group(1))))
            if tail.group(1):
                break
        # The line end is not taken by a match: it may start the next delimiter line.
        at = _next_line(text, separator, at + len(separator), end)
    if not found or not found[-1][2]:
        raise Unusual  # no close delimiter (or none at all)
    if len(found) < 2:
        raise Unusual  # a close delimiter with no part before it
    return found


def _next_line(text: str, separator: str, start: int, end: int) -> int:
    """Where the next line beginning with `separator` starts, after `start`; -1 if none."""
    at = text.find("\n" + separator, start, end)
    return at + 1 if at >= 0 else -1


def _eol_at(text: str, at: int, end: int) -> int:
    """Length of the line end starting at `at` (0 when there is none before `end`)."""
    return 2 if text.startswith("\r\n", at, end) else 1 if text.startswith("\n", at, end) else 0


def _eol(text: str, start: int, end: int) -> int:
    """Length of the line end that text[start:end] finishes with (0 when none)."""
    return 2 if text.endswith("\r\n", start, end) else 1 if text.endswith("\n", start, end) else 0
