"""The office: its configuration and its book, and who acts for it at a moment (the configured
official, or a Plt./Plh. delegate). The use-cases that change the book live beside it in this
package (arrivals, recording, apply, notices, issuing, deadlines, commands, ...); each takes
the `Office` and `now`.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

from office.config import Config
from sop.book import Book, parse_iso
from sop.book.records import Complaint, Task
from sop.directory import Official
from sop.terms import OPEN


def new_token() -> str:
    """A task token: 24 random base-32 characters (120 bits), lowercase letters and digits,
    valid in a local part. (Tokens issued earlier were 20 base-36 characters; both read.)

    Drawn TOKENS_PER_DRAW at a time from the system's secure random: one read and one base-32
    encoding for many tokens (a new complaint takes eight; each read of the system's random
    also lets the daemon's other threads take the interpreter from intake). 15 bytes are 24
    base-32 characters exactly, so each token is its own 15 bytes. A process started by
    fork draws its own: the parent's tokens are never given out twice."""
    if not _TOKENS or _TOKENS_OF[0] != os.getpid():
        drawn = base64.b32encode(secrets.token_bytes(15 * TOKENS_PER_DRAW)).decode().lower()
        _TOKENS[:] = [drawn[i:i + 24] for i in range(0, len(drawn), 24)]
        _TOKENS_OF[0] = os.getpid()
    return _TOKENS.pop()


TOKENS_PER_DRAW = 64
_TOKENS: list[str] = []  # drawn and not yet given out, by the process _TOKENS_OF names
_TOKENS_OF = [0]


def safe_name(number: str) -> str:
    """A register number as a file name: only letters, digits, dots and dashes."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", number).strip("-")


# Jabatan that are addressed with the office's place: "Camat Palaran", "Sekretaris Camat Palaran".
_PLACED = ("Camat", "Lurah", "Kelurahan", "Kecamatan", "Desa")
_PERSONAL = ("Staf", "JFU", "Pelaksana")  # addressed by name: "Sdr. Agus Salim"


def place_of(office_name: str) -> str:
    """The place in an office's name: "Palaran" of "Kecamatan Palaran"."""
    kind, _, place = office_name.partition(" ")
    return place if kind in ("Kecamatan", "Kelurahan", "Desa") and place else office_name


def salutation(title: str, name: str, place: str = "", delegation: str = "") -> str:
    """How a mail to an official opens, after "Yth.": by jabatan ("Camat Palaran"), never a
    jabatan and a personal name together; staff by name ("Sdr. Agus Salim")."""
    jabatan = delegation or title
    words = jabatan.replace("/", " ").split()
    if not delegation and any(w in _PERSONAL for w in words):
        return f"Sdr. {name}"
    if place and any(w in _PLACED for w in words) and not jabatan.endswith(place):
        return f"{jabatan} {place}"
    return jabatan


def section_salutation(title: str, name: str) -> str:
    """A section head by jabatan: "Kepala Seksi" of "Seksi Pemerintahan" is "Kepala Seksi Pemerintahan"."""
    first, _, rest = name.partition(" ")
    return f"{title} {rest}" if title.split()[-1:] == [first] and rest else f"{title} {name}"


def recipient(official: Official, place: str = "") -> dict:
    """An official as a mail template addresses them (`place`: the office's, "Palaran")."""
    return {"title": official.title, "name": official.name, "email": official.email,
            "salutation": salutation(official.title, official.name, place, official.delegation)}


def section_recipient(section) -> dict:
    """A section head as a mail template addresses them."""
    return {"title": section.title, "name": section.head, "email": section.email,
            "salutation": section_salutation(section.title, section.name)}


@dataclass(frozen=True)
class Actor:
    """Who acted on a task, for the mail that answers them: the task's role and routing email
    (the confirmation threads under it), and the address the action came from."""

    role: str
    message_id: str
    address: str

    @classmethod
    def of(cls, task: Task, address: str) -> "Actor":
        """The actor of `task`, writing from `address`."""
        return cls(role=task.role, message_id=task.message_id, address=address)


class Duty(Protocol):
    """What the check of who may act reads of a task: its role and step. A task is one; so is
    the agenda keeper's or a signer's duty, which has no task row (RoleDuty)."""

    @property
    def role(self) -> str: ...

    @property
    def step(self) -> int | None: ...


@dataclass(frozen=True)
class RoleDuty:
    role: str
    step: int | None


@dataclass
class Office:
    config: Config
    book: Book

    _key = None
    last_sweep: dt.datetime | None = None  # when the deadline sweep last looked at delegations
    # (complaint id, complaints from its sender in the hour before it), counted as it was
    # recorded and needed again for its acknowledgement's limit (office.notices): not read twice.
    recent_from_sender: tuple[int, int] = (0, 0)

    @property
    def mails_queued(self) -> int:
        """How many mails this office's book has queued so far: a mark for `queued_since`."""
        return self.book.outbox.mails_enqueued

    def queued_since(self, mark: int) -> tuple[str, ...]:
        """The Message-IDs this office's book queued after `mark`: what a desk request or a
        command sends at once (jobs.outgoing.send_queued), and nothing another process queued."""
        return self.book.outbox.queued_since(mark)

    def seal_key(self):
        """The office's Ed25519 key, loaded once; None when the office has not made one."""
        path = self.config.letters.key
        if self._key is None and path is not None and path.exists():
            from letters.seal import load_key

            self._key = load_key(path)
        return self._key

    @property
    def place(self) -> str:
        """The place in the office's name ("Palaran"), as salutations say it."""
        return place_of(self.config.office_name)

    def addressee(self, official: Official) -> dict:
        """An official as this office's mails address them."""
        return recipient(official, self.place)

    def holder(self, role: str, at: dt.datetime) -> Official:
        """The official who holds `role` at `at`: an active Plt./Plh. delegate, else the configured one."""
        official = self.config.directory.official(role)
        d = self.book.delegations.active(role, at)
        if d is None:
            return official
        return Official(role=role, title=d["title"] or official.title, name=d["name"], email=d["email"],
                        nip=d["nip"], rank=d["rank"], delegation=f"{d['form']} {official.title}")

    def may_act(self, role: str, address: str, at: dt.datetime) -> bool:
        """Whether `address` may act for `role` now: its official (or an alias) or an active delegate."""
        official = self.config.directory.official(role)
        if address == official.email or address in official.aliases:
            return True
        d = self.book.delegations.active(role, at)
        return bool(d and d["email"] == address)

    def official_by_address(self, address: str, at: dt.datetime) -> Official | None:
        """The official (as holder of a role now) whom `address` belongs to, if any."""
        for role in self.config.directory.officials:
            if self.may_act(role, address, at):
                holder = self.holder(role, at)
                return holder if holder.email == address else self.config.directory.official(role)
        return None

    def may_see_identity(self, address: str) -> bool:
        """Whether a mail to `address` may carry a confidential complainant's identity and text:
        the officials of the SOP's steps (staff, Sekretaris, Camat) and their aliases, not sections."""
        return any(address == o.email or address in o.aliases for o in self.config.directory.officials.values())

    @property
    def staff(self) -> Official:
        """Staff: the performers of the recording step (step 1); they get copies of alerts."""
        return self.config.directory.official(staff_role(self.config))


def staff_role(cfg: Config) -> str:
    """Staff are the performers of the recording step (step 1); they get copies of alerts."""
    return cfg.procedure.step(1).role


def waiting_task(book: Book, row: Complaint) -> Task | None:
    """The task an open complaint waits on (Complaint.case takes it); None when nothing waits."""
    return book.tasks.current(row.id) if row.state == OPEN else None


def due_of(book: Book, row: Complaint) -> dt.datetime | None:
    """When the complaint's waiting step is due, or None when nothing waits."""
    task = waiting_task(book, row)
    return parse_iso(task.due_at) if task else None


def answer_due(office: Office, row: Complaint, decided_by: dt.datetime) -> dt.datetime:
    """When the answer reaches the complainant at the latest, once the waiting step is done by
    `decided_by`: the standard times of the steps still to come (4, 4a, 5) added on."""
    procedure = office.config.procedure
    walk = procedure.walk()
    current = next((i for i, s in enumerate(walk) if s.no == row.step), len(walk))
    due = decided_by
    for step in walk[current + 1:]:
        due = office.config.clock.add(due, step.time)
    return due
