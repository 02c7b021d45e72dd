"""What our receiving server recorded of a message's envelope, read from its raw bytes.

The recipient a message was delivered to is not a header its sender writes: our delivery
agent prepends it as `Delivered-To` (Dovecot's LMTP and LDA, Postfix's local delivery, Gmail),
above every header of the message. Only the topmost one is ours; any below it came with the
message. Pure: bytes in, an address out.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

HEADER_END = re.compile(rb"\r?\n\r?\n")
FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:(.*)$")


def delivered_to(raw: bytes) -> str | None:
    """The address of the topmost `Delivered-To` header, lowercased; None when there is none."""
    end = HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    value = None
    for line in head.splitlines():
        if value is not None:
            if line[:1] in (b" ", b"\t"):  # a folded continuation of the header found
                value += line
                continue
            break
        m = FIELD.match(line)
        if m and m.group(1).lower() == b"delivered-to":
            value = m.group(2)
    if value is None:
        return None
    address = parseaddr(value.decode("ascii", "replace"))[1].strip().lower()
    return address if address.count("@") == 1 else None
