"""What passes between the office and its SMS gateway (Gammu SMSD), as pure functions: phone
numbers as the book compares them, texts that stay in the GSM 7-bit alphabet, the names the
gateway's `files` service gives and reads, the concatenation header of its SQL tables, and
what a citizen's SMS asks for. No file or database is touched here (office.sms does that).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from intake.citizen import code_request

# The GSM 03.38 default alphabet, without its extension table ([ ] { } ~ \ ^ | €, which cost
# two characters each) and kept to the characters ASCII shares with it, so that a file the
# gateway reads is the same text whatever locale it runs in. A text of only these characters
# goes as 7-bit SMS: 160 characters, 153 per part when the gateway splits a longer one.
GSM7_SAFE = frozenset("\n @$_!\"#%&'()*+,-./:;<=>?" "0123456789" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "abcdefghijklmnopqrstuvwxyz")
SINGLE = 160
PART = 153

# Look-alikes a citizen's or an official's text brings, written with the safe characters.
_REPLACE = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
            "\u2026": "...", "[": "(", "]": ")", "{": "(", "}": ")", "~": "-", "\\": "/", "^": "",
            "|": "/", "`": "'", "\t": " ", "\r": ""}


def gsm7(text: str) -> str:
    """`text` in the safe GSM 7-bit characters: accents dropped (é -> e), quotes and dashes
    made plain, anything else a question mark, so that no character forces UCS-2 (70
    characters a part)."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            continue
        ch = _REPLACE.get(ch, ch)
        out.append(ch if all(c in GSM7_SAFE for c in ch) else "?")
    return "".join(out)


def parts(text: str) -> int:
    """How many SMS a safe text takes."""
    return 1 if len(text) <= SINGLE else -(-len(text) // PART)


# Phone numbers -------------------------------------------------------------------------------
def normal_phone(text: str | None) -> str | None:
    """A telephone number as the book compares them: +62… for the Indonesian forms 08…, 628…
    and +628…, (0541) 123456 too; another country's +… as written; None for what is not a number."""
    if not text:
        return None
    digits = re.sub(r"[\s\-./()]", "", text.strip())
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return None
    if digits.startswith("+"):
        return digits
    if digits.startswith("62"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    return None


def is_mobile(phone: str | None) -> bool:
    """Whether a normalised number can receive SMS from an Indonesian gateway: +628 and 8 to 12 digits."""
    return bool(phone and re.fullmatch(r"\+628\d{7,11}", phone))


# The files service ------------------------------------------------------------------------
def outbox_name(phone: str, token: str, year_month_day: str, hour_minute_second: str) -> str:
    """The name of an SMS for the `files` service's outbox (OUT<priority><date>_<time>_<serial>_
    <number>_<note>.txt): fixed when the SMS is queued, so a second write after a crash lands
    on the same file while the gateway has not taken it yet."""
    return f"OUTC{year_month_day}_{hour_minute_second}_00_{phone}_{token}.txt"


INBOX_NAME = re.compile(r"^IN(?P<date>\d{8})_(?P<time>\d{6})_(?P<serial>\d+)_(?P<sender>[^_/]+)_(?P<part>\d+)\.txt$")


@dataclass(frozen=True)
class Received:
    key: str  # the gateway's name for it: the (first) file name, or "sql:<ID>"
    phone: str  # the sender as the gateway wrote it
    text: str
    names: tuple[str, ...] = ()  # the files it came in (a long SMS comes in several)


def decode_text(data: bytes) -> str:
    """An inbox file's text: UTF-16 with a byte-order mark (InboxFormat = unicode), else UTF-8,
    else Latin-1 (InboxFormat = standard in an 8-bit locale)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def group_inbox(names: list[str]) -> list[tuple[str, ...]]:
    """The inbox's text files grouped into messages: the parts of one long SMS (same date, time,
    serial and sender) in order. Other files (8-bit, backups, our own) are left alone."""
    groups: dict[tuple, list[tuple[int, str]]] = {}
    for name in names:
        m = INBOX_NAME.match(name)
        if m:
            key = (m["date"], m["time"], m["serial"], m["sender"])
            groups.setdefault(key, []).append((int(m["part"]), name))
    return [tuple(n for _, n in sorted(parts)) for _, parts in sorted(groups.items())]


def sender_of(name: str) -> str:
    m = INBOX_NAME.match(name)
    return m["sender"] if m else ""


# The SQL service --------------------------------------------------------------------------
def split_for_sql(text: str, reference: int) -> list[tuple[str, str]]:
    """(UDH in hex, text) per part of a long SMS for the gateway's outbox tables: one part
    without a header when it fits, else parts of 153 characters with the concatenation header
    (IEI 00, an 8-bit reference, the count and the position), as gammu-smsd-inject writes them."""
    if len(text) <= SINGLE:
        return [("", text)]
    chunks = [text[i:i + PART] for i in range(0, len(text), PART)]
    return [(f"050003{reference % 256:02X}{len(chunks):02X}{i + 1:02X}", chunk) for i, chunk in enumerate(chunks)]


def concatenation(udh: str) -> tuple[str, int, int] | None:
    """(reference, count, position) of a received part's concatenation header, or None."""
    udh = (udh or "").upper()
    m = re.fullmatch(r"050003(..)(..)(..)", udh) or re.fullmatch(r"060804(....)(..)(..)", udh)
    if not m:
        return None
    return m.group(1), int(m.group(2), 16), int(m.group(3), 16)


# What a citizen's SMS asks ---------------------------------------------------------------
@dataclass(frozen=True)
class SmsRequest:
    kind: str  # "status" (with number and code), "aduan" (a new complaint), "text" (anything else)
    number: str = ""
    code: str = ""
    body: str = ""


ADUAN = re.compile(r"^\s*aduan\b[\s:.,\-]*(?P<body>.*)$", re.IGNORECASE | re.DOTALL)


def read_sms(text: str) -> SmsRequest:
    """What an SMS asks: `STATUS <nomor> <kode>`, `ADUAN <isi>`, or nothing in particular
    (an addition, or the word on an answer, depending on who sends it)."""
    ask = code_request(text.strip().splitlines()[0] if text.strip() else "", "")
    if ask is not None:
        return SmsRequest("status", ask.number, ask.code)
    m = ADUAN.match(text)
    if m:
        return SmsRequest("aduan", body=m["body"].strip())
    return SmsRequest("text", body=text.strip())


def subject_of(body: str, words: int = 8) -> str:
    """A subject for a complaint that came by SMS (which has none): its first words, up to a
    sentence's end; the Sekretaris's `Pokok:` names it in the letter."""
    first = " ".join(re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0].split()[:words]).rstrip(".,;:!?")
    return first or "Pengaduan melalui SMS"
