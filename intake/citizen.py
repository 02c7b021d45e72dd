"""What a citizen's message asks for, when it is a request rather than an addition to the
complaint: today, its status ("STATUS" on a line of its own), or, from any address, the state
of a complaint named by its number and access code ("STATUS PGD/2026/0003 K7Q2MX"). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a citizen may write in a line of its own to ask for something instead of adding to
# the complaint: "STATUS", "cek status", "STATUS PGD/2026/0001" (any case, a final dot or colon).
STATUS_LINE = re.compile(r"^\s*(?:cek\s+|lihat\s+)?status(?:\s+pengaduan)?(?:\s+(?:no\.?\s*)?[A-Za-z0-9][\w/.\-]*)?"
                         r"\s*[.:!?]?\s*$", re.IGNORECASE | re.MULTILINE)

# The access code printed on a receipt (kode akses): six characters from an alphabet without
# look-alikes (no 0/O, 1/I/L), so that a code read aloud or copied by hand stays right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

# "STATUS <nomor> <kode>" in a subject or a line of its own: the code in any case, with a
# space or a dash between its characters ("k7q-2mx"), after an optional "kode (akses):".
CODE_LINE = re.compile(
    r"^\s*(?:(?:re|aw|fw|fwd)\s*:\s*)*(?:cek\s+|lihat\s+)?status(?:\s+pengaduan)?\s+(?:no\.?\s*)?"
    r"(?P<number>[A-Za-z0-9][\w/.\-]*[A-Za-z0-9])\s*[,;]?\s+(?:kode(?:\s+akses)?\s*:?\s*)?"
    r"(?P<code>[A-Za-z0-9](?:[ \-]?[A-Za-z0-9]){%d})\s*[.:!?]?\s*$" % (CODE_LENGTH - 1),
    re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class CodeRequest:
    number: str  # as written, upper case
    code: str  # normalised: upper case, no spaces or dashes


def normal_code(text: str) -> str:
    """An access code as the book keeps it: upper case, without the spaces or dashes a person adds."""
    return re.sub(r"[\s\-]", "", text).upper()


def code_request(subject: str, text: str) -> CodeRequest | None:
    """A request for the state by number and access code, in the subject or the message's
    first line; None when there is none."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    for where in (subject, first):
        m = CODE_LINE.match(where.strip())
        if m:
            return CodeRequest(m.group("number").upper(), normal_code(m.group("code")))
    return None


def asks_status(text: str) -> bool:
    """Whether a citizen's message asks for the complaint's status (a STATUS line) and says
    nothing else that would need a person (at most a greeting or a signature of a few words)."""
    lines = [pattern for pattern in (CODE_LINE, STATUS_LINE) if pattern.search(text)]
    if not lines:
        return False
    rest = [ln for ln in lines[0].sub("", text).splitlines() if ln.strip()]
    return sum(len(ln.split()) for ln in rest) <= 12
