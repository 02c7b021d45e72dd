"""Who performs each role: the officials and the sections, as configured by the office."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_TITLES = {"camat": "Camat", "sekretaris": "Sekretaris Camat", "jfu": "Staf/JFU"}


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
