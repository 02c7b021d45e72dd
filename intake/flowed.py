"""format=flowed (RFC 3676) undone: the writer's lines, not the transport's wraps.

Webmails and desktop clients (Roundcube, Thunderbird, Apple Mail) send text/plain with
`format=flowed`: long lines are broken at about 72 columns and every line but a paragraph's
last ends in a space (a soft break). Python's email package leaves the wraps in; recorded text
(complaint bodies, officials' actions, additions, letters) must have the lines as typed.

Decoding per RFC 3676 section 4: a line's quote depth is its leading ">" count; one space
after them (or at the start of an unquoted line) is space-stuffing and goes; a line ending in
a space joins the next line of the same depth, the space removed too with DelSp=yes; the
signature separator "-- " is always a hard break.
"""

from __future__ import annotations

import re

DEPTH = re.compile(r"^>+")
SIGNATURE_SEPARATOR = "-- "


def _split(line: str) -> tuple[int, str]:
    """(quote depth, the line's content with quote marks and stuffing removed)."""
    marks = DEPTH.match(line)
    depth = len(marks.group(0)) if marks else 0
    content = line[depth:]
    return depth, content[1:] if content.startswith(" ") else content


def unflow(text: str, delsp: bool = False) -> str:
    """The text of a format=flowed part with its soft breaks joined (see the module's text)."""
    out: list[str] = []
    paragraph: list[str] = []  # the pieces of the paragraph being joined
    depth = 0  # its quote depth

    def flush() -> None:
        joined = "".join(paragraph).rstrip(" ")
        prefix = ">" * depth
        out.append(f"{prefix} {joined}" if prefix and joined else prefix + joined)
        paragraph.clear()

    lines = text.replace("\r\n", "\n").split("\n")
    ending = "\n" if lines[-1] == "" and len(lines) > 1 else ""
    for line in lines[:-1] if ending else lines:
        line_depth, content = _split(line)
        if paragraph and line_depth != depth:
            flush()  # a soft break never joins lines of different depths
        depth = line_depth
        if content == SIGNATURE_SEPARATOR:
            if paragraph:
                flush()
            out.append(">" * depth + " " + content if depth else content)
        elif content.endswith(" "):
            paragraph.append(content[:-1] if delsp else content)
        else:
            paragraph.append(content)
            flush()
    if paragraph:
        flush()
    return "\n".join(out) + ending
