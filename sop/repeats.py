"""Likely repeats of a complaint, for the Sekretaris to judge (never merged by the system):
the same sender writing about the same thing again, or anyone writing about the same place.
Pure functions; the book supplies the candidates through indexed columns."""

from __future__ import annotations

import re

STOPWORDS = {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "sudah", "belum", "tidak",
             "ada", "kami", "saya", "mohon", "tolong", "bapak", "ibu", "pak", "bu", "re", "fwd", "fw", "the", "of"}
_RT = re.compile(r"\b(rt|rw)\.?\s*0*(\d{1,3})\b", re.IGNORECASE)
# A street is named with capitals ("Jalan Mangga", "Jl. Pelita"): "lampu jalan padam" names none.
# (Written with its first letter in front, which the matcher checks before anything else: the
# same matches, in half the time of an alternation of whole words at every position.)
_STREET = re.compile(r"(?<!\w)(?=[JjGg])(?:[Jj](?:ln?|alan)|[Gg](?:g|ang))\.?[ \t]+([A-Z][\w'-]{2,})(?:[ \t]+([A-Z][\w'-]{2,}))?")


def place_key(text: str) -> str | None:
    """Where a complaint is about, as a key two complaints share when they name the same place:
    its RT (and RW) with the street, or RT and RW together. None when it names no such place."""
    parts = {f"{kind.lower()} {int(n)}" for kind, n in _RT.findall(text)}
    street = _STREET.search(text)
    if street:
        parts.add("jalan " + " ".join(w.lower() for w in street.groups() if w and w.lower() not in STOPWORDS))
    has_rt = any(p.startswith("rt ") for p in parts)
    if not has_rt or len(parts) < 2:
        return None
    return "; ".join(sorted(parts))


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOPWORDS}


def similar(a: str, b: str, threshold: float = 0.3) -> bool:
    """Whether two complaints' subject and opening words overlap enough to be the same matter."""
    x, y = words(a), words(b)
    return bool(x and y) and len(x & y) / len(x | y) >= threshold
