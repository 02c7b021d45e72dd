"""Keyword lines in officials' replies: `Seksi:`, `Pokok:`, `Sapaan:`, `Rapat:`, `Rahasia:`,
`Kembalikan:`, `Tolak:`, `Setuju`, `Perbaiki:`, `Lengkapi:`, `Perpanjang:`, `Notulen:`.

A keyword counts only on a line of its own and only where the SOP step lists it. A keyword
line of another step is not text either: it never reaches a letter (a `Tolak:` line once
was printed in a signed answer). Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

KEYWORDS = ("seksi", "pokok", "sapaan", "rapat", "rahasia", "kembalikan", "tolak", "setuju", "perbaiki",
            "lengkapi", "perpanjang", "teruskan", "tutup", "gabung", "notulen")
KEYWORD_LINE = re.compile(r"^[ \t]*(" + "|".join(KEYWORDS) + r")[ \t]*:[ \t]*(.*?)[ \t]*$",
                          re.IGNORECASE | re.MULTILINE)
# An approval is often the word alone: "Setuju", "Setuju.", "Disetujui". Only where the step
# lists `setuju` does such a line count (elsewhere it stays text).
BARE_APPROVAL = re.compile(r"^[ \t]*(?:di)?setuju(?:i)?[ \t]*[.!]?[ \t]*$", re.IGNORECASE | re.MULTILINE)
YES = {"ya", "iya", "perlu", "yes", "y", "benar"}
NO = {"tidak", "no", "t", "bukan", "tak"}
SECTION_STOPWORDS = {"seksi", "subbagian", "subbag", "sub", "bagian", "kasi", "kasubbag", "dan", "&"}
MONTHS = {name: i for i, name in enumerate(
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
     "oktober", "november", "desember"), start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS.update({"agu": 8, "agt": 8, "des": 12, "okt": 10, "nop": 11, "peb": 2})


def split_keywords(text: str, allowed: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Keyword lines the step understands, and the text without any keyword line.

    Lines of keywords the step does not list are dropped from the text too; they are
    returned under the key "" (one per line) so that the history can say they were ignored.
    """
    found: dict[str, str] = {}
    ignored: list[str] = []

    def take(m: re.Match) -> str:
        key = m.group(1).lower()
        if key not in allowed:
            ignored.append(m.group(0).strip())
            return ""
        found[key] = m.group(2)
        return ""

    rest = KEYWORD_LINE.sub(take, text)
    if "setuju" in allowed:
        def bare(m: re.Match) -> str:
            found.setdefault("setuju", "")
            return ""
        rest = BARE_APPROVAL.sub(bare, rest)
    rest = re.sub(r"\n{3,}", "\n\n", rest).strip()
    if ignored:
        found[""] = "\n".join(ignored)
    return found, rest


EXTENSION = re.compile(r"^\s*(\d{1,3})\s*(hari(?:\s+kerja)?|jam)?\s*[,;:.-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)


def parse_extension(value: str) -> tuple[int, str] | None:
    """`Perpanjang:` value -> (working days, reason), e.g. '5 hari kerja, menunggu hasil survei'."""
    m = EXTENSION.match(value)
    if not m or int(m.group(1)) == 0:
        return None
    return int(m.group(1)), m.group(3).strip()


FORWARD = re.compile(r"^\s*(.+?)\s*[;,]\s*<?([^\s<>;,@]+@[^\s<>;,@]+\.[^\s<>;,@]+)>?\s*$")


def parse_forward(value: str) -> tuple[str, str] | None:
    """`Teruskan:` value -> (the competent body, its email), e.g. 'Dinas PUPR; pupr@samarinda.go.id'."""
    m = FORWARD.match(value)
    return (m.group(1).strip(), m.group(2).lower()) if m else None


_DISSATISFIED = re.compile(r"^\W*(?:saya\s+)?(?:tidak|belum|kurang)\s+puas\b[\s:,.!-]*(.*)$", re.IGNORECASE | re.DOTALL)
_SATISFIED = re.compile(r"^\W*(?:saya\s+)?(?:sangat\s+)?puas\b[\s:,.!-]*(.*)$", re.IGNORECASE | re.DOTALL)
_RATING = re.compile(r"^\W*(?:nilai|skor|rating)?\s*:?\s*([1-4])\s*(?:/\s*4)?(?![\d.,/])[\s:,.!-]*(.*)$",
                     re.IGNORECASE | re.DOTALL)


def parse_feedback(text: str) -> tuple[str, int | None, str] | None:
    """A complainant's word on the answer: ("puas" | "tidak_puas", rating 1-4 or None, reason),
    from a reply that opens with PUAS, TIDAK PUAS: <alasan>, or a rating on the SKM scale (1-2
    not satisfied, 3-4 satisfied); None when it says neither (it is then an addition)."""
    text = text.strip()
    m = _DISSATISFIED.match(text)
    if m:
        return "tidak_puas", None, m.group(1).strip()
    m = _SATISFIED.match(text)
    if m:
        return "puas", None, m.group(1).strip()
    m = _RATING.match(text)
    if m:
        rating = int(m.group(1))
        return ("puas" if rating >= 3 else "tidak_puas"), rating, m.group(2).strip()
    return None


def is_yes(value: str) -> bool:
    words = re.findall(r"\w+", value.lower())
    return bool(words) and words[0] in YES


# The usual short names of a kecamatan's and kelurahan's units, read as their full words.
ABBREVIATIONS = {
    "trantib": "ketenteraman ketertiban umum", "trantibum": "ketenteraman ketertiban umum",
    "ketentraman": "ketenteraman", "tapem": "pemerintahan", "pem": "pemerintahan",
    "pemerintah": "pemerintahan", "kesos": "kesejahteraan sosial", "kessos": "kesejahteraan sosial",
    "pmd": "pemberdayaan masyarakat desa", "pm": "pemberdayaan masyarakat",
    "ekbang": "ekonomi pembangunan", "ekobang": "ekonomi pembangunan", "yanum": "pelayanan umum",
    "yanmas": "pelayanan masyarakat", "umpeg": "umum kepegawaian", "keu": "keuangan",
    "renkeu": "perencanaan keuangan", "prolap": "program pelaporan",
}


def _words(text: str) -> set[str]:
    words = set()
    for w in re.findall(r"\w+", text.lower()):
        words.update(ABBREVIATIONS.get(w, w).split())
    return words - SECTION_STOPWORDS


def match_section(value: str, sections: tuple) -> str | None:
    """The configured section that `value` names: case-insensitive, by any word of its name,
    of one of its configured aliases, or of a usual abbreviation (`Trantib`).

    `sections`: names, or (name, aliases) pairs. The section sharing most words wins; a tie
    or no shared word gives None.
    """
    wanted = _words(value)

    def score(section) -> tuple[int, str]:
        name, aliases = (section, ()) if isinstance(section, str) else section
        return max(len(wanted & _words(n)) for n in (name, *aliases)), name

    scored = sorted((score(s) for s in sections), reverse=True)
    if not scored or scored[0][0] == 0:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


_NUMERIC = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_WORDED = re.compile(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", re.IGNORECASE)
_TIME = re.compile(r"(?:pukul|jam|pkl\.?|at)?\s*(\d{1,2})[:.](\d{2})\b", re.IGNORECASE)


def parse_meeting(value: str, tz: ZoneInfo) -> tuple[bool, dt.datetime | None]:
    """`Rapat:` value -> (a meeting is needed, when, if a date and time were given).

    Accepts 'ya', 'tidak', 'ya, 12-01-2026 09:00', '2026-01-12 09.00', '12 Januari 2026 pukul 09.00'.
    """
    text = value.strip().lower()
    if not text or text.split()[0].strip(",.") in NO:
        return False, None
    date = None
    m = _NUMERIC.search(text)
    if m:
        a, b, c = (int(x) for x in m.groups())
        year, month, day = (a, b, c) if a > 31 else (c, b, a)
        try:
            date = dt.date(year, month, day)
        except ValueError:
            date = None
        rest = text[m.end():]
    else:
        m = _WORDED.search(text)
        rest = text[m.end():] if m else text
        if m and m.group(2) in MONTHS:
            try:
                date = dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
            except ValueError:
                date = None
    needed = is_yes(text) or date is not None
    if date is None:
        return needed, None
    t = _TIME.search(rest)
    hour, minute = (int(t.group(1)), int(t.group(2))) if t else (9, 0)
    if hour > 23 or minute > 59:
        hour, minute = 9, 0
    return True, dt.datetime.combine(date, dt.time(hour, minute), tz)

