"""Likely repeats of a complaint, for the Sekretaris to judge (never merged by the system):
the same sender writing about the same thing again, or anyone writing about the same place.
Pure functions; the book supplies the candidates through indexed columns."""

from __future__ import annotations

import re

STOPWORDS = {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "sudah", "belum", "tidak",
             "ada", "kami", "saya", "mohon", "tolong", "bapak", "ibu", "pak", "bu", "re", "fwd", "fw", "the", "of"}
_RT = re.compile(r"\b(rt|rw)\.?\s*0*(\d{1,3})\b", re.IGNORECASE)
# A street is named with capitals ("Jalan Mangga", "Jl. Pelita"): "lampu jalan padam" names none.
# After an abbreviation (jl, jln, gg) the name may be typed in lowercase ("jln mangga"), since
# nobody abbreviates the common noun; a marker typed twice ("jalan Jalan Mangga", "Jl. Jalan
# Mangga") names the same street as one. (Written with its first letter in front, which the
# matcher checks before anything else: the same matches, in half the time of an alternation of
# whole words at every position.)
_MARK = r"(?:[Jj](?:ln?|alan)|[Gg](?:g|ang))"
_STREET = re.compile(rf"(?<!\w)(?=[JjGg])({_MARK})\.?[ \t]+(?:{_MARK}\.?[ \t]+)?"
                     r"([A-Za-z][\w'-]{2,})(?:[ \t]+([A-Z][\w'-]{2,}))?")
_SPELLED_OUT = {"jalan", "gang"}


def _street(text: str) -> str | None:
    """The first street the text names, as "jalan <name>" in lowercase."""
    for found in _STREET.finditer(text):
        marker, first, second = found.groups()
        if first[0].islower() and marker.lower() in _SPELLED_OUT:
            continue
        name = [w.lower() for w in (first, second) if w and w.lower() not in STOPWORDS]
        if name:
            return "jalan " + " ".join(name)
    return None


def place_text(subject: str, body: str) -> str:
    """The text a complaint's place is read from: its subject and the start of its body."""
    return f"{subject}\n{body[:2000]}"


def place_key(text: str) -> str | None:
    """Where a complaint is about, as a key two complaints share when they name the same place:
    its RT (and RW) with the street, or RT and RW together. None when it names no such place."""
    parts = {f"{kind.lower()} {int(n)}" for kind, n in _RT.findall(text)}
    street = _street(text)
    if street:
        parts.add(street)
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
