"""The rules of a letter's number in `agenda` numbering (pure): the office's pattern, the
keeper's `Nomor:` line, why a given number is refused, the next number of a reserved block,
and what the keeper is told about the letter to be numbered."""

from __future__ import annotations

import re

from letters.names import split_honorific
from office.settings import Config, LetterSettings
from sop.book.records import Complaint
from sop.terms import DEFAULT_SALUTATION

KIND_NAMES = {"jawaban": "surat jawaban", "pelimpahan": "surat pelimpahan",
              "kelengkapan": "surat permohonan kelengkapan", "perpanjangan": "surat perpanjangan waktu",
              "dilimpahkan": "surat pemberitahuan pelimpahan", "keberatan": "surat keputusan atas keberatan"}
GIVEN = re.compile(r"^\s*nomor(?:\s+surat)?\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def number_pattern(ls: LetterSettings) -> re.Pattern:
    """The office's number format as a pattern: a numeric kode klasifikasi, a serial, the
    office's own unit code, a four-digit year where the format has one."""
    parts = {"kode_klasifikasi": r"\d+(?:\.\d+)*", "nomor_urut": r"\d+", "kode_unit": re.escape(ls.unit),
             "tahun": r"\d{4}"}
    out, pos = "", 0
    for m in re.finditer(r"\{(\w+)(?::[^}]*)?\}", ls.number_format):
        out += re.escape(ls.number_format[pos:m.start()]) + parts.get(m.group(1), r"\S+?")
        pos = m.end()
    return re.compile(out + re.escape(ls.number_format[pos:]))


def example_number(cfg: Config, kind: str) -> str:
    """How a number of this office looks, for the keeper's mail and the desk's form."""
    return cfg.letter_number(2026, 1234, kind)


def parse_given(text: str) -> str:
    """The number in a keeper's `Nomor: …` line ('' when there is none)."""
    m = GIVEN.search(text or "")
    return m.group(1).strip().rstrip(".,;") if m else ""


def refusal(cfg: Config, number: str, used: set[str], kind: str = "jawaban") -> str | None:
    """Why `number` cannot be given to a letter (one Indonesian sentence), or None."""
    if not number:
        return (f'Nomor surat tidak ditemukan; tulis satu baris "Nomor: <nomor>", misalnya '
                f'"Nomor: {example_number(cfg, kind)}".')
    if not number_pattern(cfg.letters).fullmatch(number):
        return (f"Nomor {number} tidak sesuai pola nomor surat kantor ({cfg.letters.number_format}), "
                f"misalnya {example_number(cfg, kind)}; surat belum diberi nomor.")
    if number in used:
        return (f"Nomor {number} sudah dipakai surat lain dalam register surat keluar buku ini; "
                f"berikan nomor lain dari buku agenda.")
    return None


def reserved_serial(cfg: Config, year: int, kind: str, used: set[str]) -> int | None:
    """The first serial of the reserved block whose number the register does not hold yet."""
    assert cfg.letters.reserved is not None
    low, high = cfg.letters.reserved
    return next((n for n in range(low, high + 1) if cfg.letter_number(year, n, kind) not in used), None)


def reserved_left(cfg: Config, year: int, used: set[str]) -> int:
    """How many serials of the reserved block are still free (for a letter of any kind)."""
    if cfg.letters.reserved is None:
        return 0
    low, high = cfg.letters.reserved
    return sum(1 for n in range(low, high + 1) if cfg.letter_number(year, n) not in used)


def addressee_of(row: Complaint) -> str:
    """Who a letter to the complainant of `row` is addressed to, as the letter says it."""
    typed, name = split_honorific(row.name or "")  # "Pak Darto" as staff typed it: "Bapak Darto"
    return f"{row.sapaan or typed or DEFAULT_SALUTATION} {name or 'Pengadu ' + row.number}"


def particulars(cfg: Config, row: Complaint, kind: str, hal: str = "", addressee: str = "") -> dict:
    """What the agenda keeper needs to register the letter: kind, hal, addressee, code."""
    return {"kind": kind, "kind_name": KIND_NAMES.get(kind, f"surat {kind}"), "hal": hal or cfg.letters.hal,
            "addressee": addressee or addressee_of(row), "code": cfg.letters.code_for(kind),
            "complaint": row.number, "example": example_number(cfg, kind)}
