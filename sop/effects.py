"""What the SOP engine reads and says: the case (what it knows of a complaint), the events that
move it, and the effects it asks the office to apply. Plain frozen data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sop.terms import OPEN

SYSTEM = "sistem"


@dataclass(frozen=True)
class Case:
    """What the engine needs to know of a complaint."""

    number: str
    state: str = OPEN
    step: int | None = 1
    section: str | None = None
    meeting: bool = False
    has_email: bool = True
    confidential: bool = False
    pokok: str | None = None  # the neutral subject the Sekretaris gives (`Pokok:`)
    sapaan: str | None = None  # how the letter names the complainant (`Sapaan:`): Bapak, Ibu, Sdr., Sdri.
    draft: str | None = None  # the konsep of the answer, until the signer approves it
    paused: bool = False  # the step's clock waits for the complainant (`Lengkapi:`)
    extended_days: int = 0  # working days `Perpanjang:` already added to the waiting step
    satisfaction: str | None = None  # puas, tidak_puas, tidak_menanggapi (sop.terms)
    rating: int | None = None  # 1-4, the SKM scale
    ask_section: bool = False  # this reply asks the section head for a report (`Seksi: …; minta laporan`)
    rejecting: bool = False  # the open delivery task carries a rejection letter (sop.engine._reject)


# Events -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recorded:
    """Step 1 done by the system: the complaint is in the book."""

    actor: str = SYSTEM
    text: str = ""


@dataclass(frozen=True)
class Reply:
    """A verified reply by the official of the waiting step. `delivery`: how staff say the
    letter reached the complainant (email, pos, langsung); None lets the engine choose
    (by email when the complainant has an address)."""

    step: int
    actor: str
    text: str
    delivery: str | None = None
    left_out: int = 0  # lines of the mail not recorded: quotation, quote headers, signature


@dataclass(frozen=True)
class Feedback:
    """The complainant's word on the answer: PUAS, TIDAK PUAS: <alasan>, or a rating 1-4."""

    actor: str
    text: str


@dataclass(frozen=True)
class Lapsed:
    """The complainant did not send what `Lengkapi:` asked for within the SOP's silence period."""

    actor: str = SYSTEM


# Effects ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Log:
    step: int | None
    actor: str
    kind: str
    text: str
    left_out: int = 0  # lines of the official's email not recorded (quotation, signature)


@dataclass(frozen=True)
class Notify:
    """An email to queue: `template` under templates/mail, `to` a role name, 'complainant',
    'section' (the head of the named section) or 'actor' (who just acted)."""

    template: str
    to: str
    step: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpenTask:
    step: int
    note: str = ""  # why it was opened again, when sent back


@dataclass(frozen=True)
class Delivered:
    """The letter reached the complainant: `method` email (the system sends it), pos, langsung,
    or lainnya (as the JFU's `note` says)."""

    method: str
    note: str


@dataclass(frozen=True)
class Meeting:
    """Invite `with_roles` to a meeting (SOP Rapat Dinas) at `when`."""

    when: dt.datetime
    with_roles: tuple[str, ...]
    topic: str


@dataclass(frozen=True)
class CloseTask:
    step: int
    output: str


@dataclass(frozen=True)
class IssueLetter:
    answer: str


@dataclass(frozen=True)
class Forward:
    """Hand the complaint to the competent body with a numbered, sealed surat pelimpahan."""

    body: str
    email: str
    note: str


@dataclass(frozen=True)
class AskSection:
    """Ask the named section's head for a report: a request with a token of its own, whose
    reply reaches the step's official and the history (the seed's Kasubbag/Kasi in step 2)."""

    step: int


@dataclass(frozen=True)
class IssueNotice:
    """A numbered notice letter to a complainant without email (print queue), signed by the
    official who gave it (a.n. the head): `kind` kelengkapan or perpanjangan."""

    kind: str
    text: str  # what is missing; or the reason of the extension
    role: str
    days: int = 0  # perpanjangan: how many working days


@dataclass(frozen=True)
class Join:
    """Link this complaint to the open complaint `number` (`Gabung:`): one handling."""

    number: str


@dataclass(frozen=True)
class Pause:
    """Stop the waiting step's clock until the complainant answers (`Lengkapi:`)."""

    reason: str


@dataclass(frozen=True)
class Resume:
    """Start the clock again: the deadline moves by the time it stood still."""


@dataclass(frozen=True)
class Extend:
    """Move the waiting step's deadline by `days` working days (`Perpanjang:`)."""

    days: int
    reason: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    effects: tuple
    acted: bool = True
