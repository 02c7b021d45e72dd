"""A complainant's name as staff typed it ("Pak Darto", "Bu Sari"): the honorific is the
sapaan, which the letter adds itself ("Yth. Bapak Darto"), never a part of the name ("Sdr. Pak
Darto"). Pure."""

from __future__ import annotations

import re

# Honorifics typed before a name, by the sapaan they mean (sop.terms.SALUTATIONS's keys).
HONORIFICS = {"bapak": "Bapak", "bpk": "Bapak", "pak": "Bapak", "tuan": "Bapak", "tn": "Bapak",
              "ibu": "Ibu", "bu": "Ibu", "nyonya": "Ibu", "ny": "Ibu",
              "saudara": "Sdr.", "sdr": "Sdr.", "saudari": "Sdri.", "sdri": "Sdri."}
_LEADING = re.compile(r"^\s*([A-Za-z]+)\.?\s+(?=\S)")


def split_honorific(name: str) -> tuple[str | None, str]:
    """(the sapaan a leading honorific means, the name without it); (None, name) when there is
    none. A name of one word is kept whole ("Bu" alone is not stripped)."""
    m = _LEADING.match(name or "")
    if not m or m.group(1).lower() not in HONORIFICS:
        return None, (name or "").strip()
    return HONORIFICS[m.group(1).lower()], name[m.end():].strip()
