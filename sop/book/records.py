"""The book's rows as typed records: a complaint, a task, a history line, a letter, an outgoing
mail and a message that came in. Each is a frozen dataclass built at the store's edge
(`Record.from_row`), so a misspelt column is an error mypy sees, not a KeyError at run time.

A record also reads as a mapping (`record["state"]`, `record.get(...)`, `dict(record)`), for the
tests, and so that a column added by a later migration is readable before its field is declared
here. Product code reads attributes.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from sop.effects import Case
from sop.engine import REJECTION_DELIVERY

if TYPE_CHECKING:
    class _ByKey:
        """What mypy sees: a record is read by attribute only."""
else:
    class _ByKey(Mapping):
        """At run time a record also reads as a mapping (record["state"], .get(...), dict(record))
        for the tests and for a column a later migration adds before its field is declared. mypy
        does not see this, so product code that subscripts a record fails the type check."""

        def __getitem__(self, key: str) -> Any:
            if key in self.columns():
                return getattr(self, key)
            return self._extra[key]

        def __iter__(self) -> Iterator[str]:
            yield from self.columns()
            yield from self._extra

        def __len__(self) -> int:
            return len(self.columns()) + len(self._extra)


class Record(_ByKey):
    """A row of the book: its columns as fields; any column not declared kept aside, readable by key."""

    _extra: ClassVar[Mapping[str, Any]] = {}

    @classmethod
    @functools.cache
    def columns(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | sqlite3.Row) -> Self:
        names = cls.columns()
        keys = tuple(row.keys())
        if keys == names:  # the table's columns in the fields' order: the usual case, by position
            # Filled as dataclasses' own __init__ would, without its one object.__setattr__ per
            # field (a frozen dataclass's cost; a complaint has 35 fields, and intake reads and
            # writes several rows a message).
            record = object.__new__(cls)
            record.__dict__.update(zip(names, row.values() if isinstance(row, Mapping) else row))
            return record
        record = cls(**{name: row[name] for name in names})
        extra = {key: row[key] for key in row.keys() if key not in names}
        if extra:
            object.__setattr__(record, "_extra", extra)
        return record

    def but(self, **changes: Any) -> Self:
        """A copy with `changes` (dataclasses.replace without rebuilding every field: intake
        takes a complaint through several changes a message). Only declared fields change."""
        unknown = changes.keys() - set(self.columns())
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        record = object.__new__(type(self))
        record.__dict__.update(self.__dict__)
        record.__dict__.update(changes)
        return record

    def as_dict(self) -> dict[str, Any]:
        """Its columns as a new dict (a view built on it adds its own keys)."""
        return {**{name: getattr(self, name) for name in self.columns()}, **self._extra}



@dataclass(frozen=True, eq=True)
class Complaint(Record):
    """A complaint in the register."""

    id: int
    number: str
    state: str  # open, answered, closed, linked
    step: int | None  # the step that waits (None once the complaint is no longer open)
    channel: str
    received_at: str
    name: str
    email: str | None
    address: str | None
    source_message_id: str | None
    subject: str
    body: str
    section: str | None
    meeting: int
    letter_number: str | None
    letter_path: str | None
    message_key: str | None
    closed_at: str | None
    phone: str | None
    recorded_by: str | None
    confidential: int
    anonymised_at: str | None
    lapor_id: str | None
    sender: str | None
    held_at: str | None
    pokok: str | None
    sapaan: str | None
    draft: str | None
    paused_at: str | None
    pause_reason: str | None
    forwarded_to: str | None
    forwarded_email: str | None
    answered_at: str | None
    satisfaction: str | None
    rating: int | None
    place_key: str | None
    linked_to: int | None
    reply_token: str | None
    access_code: str | None

    def case(self, task: Task | None) -> Case:
        """What the engine needs to know of this complaint; `task`: the one that waits on it, if
        any (an open complaint's current task)."""
        return Case(number=self.number, state=self.state, step=self.step, section=self.section,
                    meeting=bool(self.meeting), has_email=bool(self.email), confidential=bool(self.confidential),
                    pokok=self.pokok, sapaan=self.sapaan, draft=self.draft, paused=bool(self.paused_at),
                    satisfaction=self.satisfaction, rating=self.rating,
                    extended_days=task.extended_days if task else 0,  # ask_section: per reply, never stored
                    rejecting=bool(task and task.note == REJECTION_DELIVERY))


@dataclass(frozen=True, eq=True)
class Similar:
    """A recent complaint like a new one, and why (the same sender, the same place)."""

    complaint: Complaint
    why: str


@dataclass(frozen=True, eq=True)
class Task(Record):
    """An official's task: the step a complaint waits on, with its deadline and reminders."""

    id: int
    complaint_id: int
    step: int
    role: str
    official: str
    token: str
    message_id: str
    opened_at: str
    due_at: str
    done_at: str | None
    escalated_at: str | None
    output: str | None
    reminders: int
    last_reminded_at: str | None
    escalations: int
    note: str
    next_nudge_at: str | None
    extended_days: int


@dataclass(frozen=True, eq=True)
class Event(Record):
    """A line of a complaint's history."""

    id: int
    complaint_id: int
    at: str
    step: int | None
    actor: str
    kind: str
    text: str
    left_out: int


@dataclass(frozen=True, eq=True)
class Letter(Record):
    """A letter in the register: its number, its files, its dispatch, its signing."""

    id: int
    year: int
    number: str
    complaint_id: int
    issued_at: str
    path: str
    sha256: str
    signer: str
    void: int
    pdf_path: str | None
    seal: str | None
    dispatched_at: str | None
    dispatch_method: str | None
    dispatch_note: str | None
    kind: str
    signing: str
    signed_path: str | None
    signed_sha256: str | None
    signed_at: str | None
    unsigned_pdf: str | None
    approved_text_sha256: str | None
    approved_pages: int | None
    sign_token: str | None
    signer_role: str | None


@dataclass(frozen=True, eq=True)
class OutboxMail(Record):
    """A mail in the outbox: queued, sent, or given up."""

    id: int
    message_id: str
    complaint_id: int | None
    kind: str
    recipients: str  # JSON list
    subject: str
    raw: bytes
    created_at: str
    next_try_at: str
    attempts: int
    last_error: str | None
    sent_at: str | None
    recipient: str | None
    gave_up_at: str | None
    mailbox: str | None
    bounce_token: str | None
    awaits_pdf: str | None  # JSON: the PDFs the mail waits for (migration 25), None once due


@dataclass(frozen=True, eq=True)
class Message(Record):
    """A message that reached the mailbox, keyed so that a second delivery is recognised."""

    key: str
    received_at: str
    message_id: str | None
    sender: str
    subject: str
    kind: str
    complaint_id: int | None
    raw_path: str | None
    raw_sha256: str | None
    note: str


# The record each table's rows become (the store builds them when it adds a row to a cached list).
RECORDS: dict[str, type[Record]] = {"complaints": Complaint, "tasks": Task, "events": Event, "letters": Letter,
                                    "outbox": OutboxMail, "messages": Message}
