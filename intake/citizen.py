"""What a citizen's message asks for, when it is a request rather than an addition to the
complaint: today, its status ("STATUS" on a line of its own). Pure."""

from __future__ import annotations

import re

# What a citizen may write in a line of its own to ask for something instead of adding to
# the complaint: "STATUS", "cek status", "STATUS PGD/2026/0001" (any case, a final dot or colon).
STATUS_LINE = re.compile(r"^\s*(?:cek\s+|lihat\s+)?status(?:\s+pengaduan)?(?:\s+(?:no\.?\s*)?[A-Za-z0-9][\w/.\-]*)?"
                         r"\s*[.:!?]?\s*$", re.IGNORECASE | re.MULTILINE)


def asks_status(text: str) -> bool:
    """Whether a citizen's message asks for the complaint's status (a STATUS line) and says
    nothing else that would need a person (at most a greeting or a signature of a few words)."""
    if not STATUS_LINE.search(text):
        return False
    rest = [ln for ln in STATUS_LINE.sub("", text).splitlines() if ln.strip()]
    return sum(len(ln.split()) for ln in rest) <= 12
