"""What a reply letter is made of: the letterhead, the signer and the letter's data.

Plain data, kept apart from the renderer so that reading the configuration does not load
the Word libraries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Letterhead:
    parent: str  # PEMERINTAH KOTA SAMARINDA
    name: str  # KECAMATAN PALARAN
    lines: tuple[str, ...] = ()  # address, phone/email/website
    emblem: Path | None = None
    # The office's complaint handler and how to reach them (UU 25/2009 Pasal 36), at the foot
    # of every page of a letter: "Pengelola pengaduan: …; Telepon …; Loket …; <hours>".
    footer: str = ""
    middle: tuple[str, ...] = ()  # a kelurahan's kecamatan: the tiers between the parent and the office

    @property
    def tiers(self) -> tuple[str, ...]:
        """The government tiers above the office's name, top first."""
        return (self.parent, *self.middle)


# How the footer's contact line begins: the PDF check (letters.verify) removes the footer by it.
CONTACT_MARK = "Pengelola pengaduan:"


@dataclass(frozen=True)
class Signer:
    title: str  # CAMAT PALARAN
    name: str
    nip: str = ""
    rank: str = ""  # pangkat/golongan
    delegation: str = ""  # e.g. "a.n. CAMAT PALARAN" when signed on someone's behalf
    signature_image: Path | None = None


@dataclass(frozen=True)
class LetterData:
    number: str
    date: dt.date
    place: str
    hal: str
    addressee: str  # "Sdr. Siti Aminah"
    addressee_place: str
    complaint_number: str
    complaint_date: dt.date
    complaint_subject: str
    channel: str
    answer: str
    sifat: str = "Biasa"
    attachments: int = 0
    tembusan: tuple[str, ...] = ()
    signing_note: str = ""
    you: str = "Saudara"  # how the body addresses the complainant (Bapak, Ibu, Saudara, Saudari)
    kind: str = "jawaban"  # jawaban (the answer to the complainant) or pelimpahan (to the competent body)
    complainant: str = ""  # pelimpahan: who complained ("Sdr. Siti Aminah")
    competent_body: str = ""  # pelimpahan: the body the complaint is handed to
    days: int = 0  # kelengkapan: days to answer; perpanjangan: days added
    due_date: dt.date | None = None  # perpanjangan: the new date by which the answer reaches them
    konsep: bool = False  # the draft the signer approves: "KONSEP" at the top, a paraf box at the foot
    paraf: str = ""  # konsep: who initialled it and when ("Sekretaris Camat Rina Handayani, 7 Desember 2026")
