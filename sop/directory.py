"""Who performs each role: the officials and the sections, as configured by the office."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_TITLES = {"camat": "Camat", "lurah": "Lurah", "sekretaris": "Sekretaris Camat", "jfu": "Staf/JFU",
                  "agenda": "Pengelola Agenda Surat"}  # agenda: the TU staff who keeps the buku agenda


@dataclass(frozen=True)
class Official:
    role: str
    title: str  # how the routing email addresses them: "Camat", "Sekretaris Camat"
    name: str
    email: str
    nip: str = ""
    rank: str = ""
    signature: Path | None = None
    aliases: tuple[str, ...] = ()  # other addresses of the same person that may act
    delegation: str = ""  # "Plt. Camat" when a delegate holds the role


@dataclass(frozen=True)
class Section:
    name: str  # Seksi Pemerintahan
    head: str
    email: str
    title: str = "Kepala Seksi"
    aliases: tuple[str, ...] = ()  # other names officials use for it in `Seksi:` ("Trantib")


@dataclass(frozen=True)
class Directory:
    officials: dict[str, Official]
    sections: tuple[Section, ...] = ()

    def official(self, role: str) -> Official:
        return self.officials[role]

    def section(self, name: str | None) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    @property
    def section_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections)

    @property
    def section_choices(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(name, aliases) of each section, as `Seksi:` lines are matched against them."""
        return tuple((s.name, s.aliases) for s in self.sections)


def mailbox_of(address: str | None) -> str:
    """The mailbox an address reaches, for counting: lower case, sub-address (`+tag`) removed.
    `warga+1@x.test` and `Warga+2@X.test` are one person's mailbox."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if at and local else ""
