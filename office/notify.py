"""One way to tell a complainant: the notification layer that chooses, per complainant and per
event, the channels that reach them (email, SMS, the print queue), sends on each, and records
every notice in the complaint's history.

The engine (sop.engine) names what the complainant must hear: a Notify to "complainant" for
one with an email address, an IssueNotice (a letter for the print queue) for one without. Some
events it tells only by email, since without email there was nobody to tell until SMS: the
acknowledgement, the answer ready to collect, the delivered answer with its satisfaction
question; `derived` reads them from the outcome. `tell` then asks each channel of CHANNELS
whether it reaches this complainant for this event; a new channel (WhatsApp Business, say) is
one more class with `name`, `reaches` and `send`, added to CHANNELS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from office import sms
from office.base import Actor, Office
from office.issuing import issue_notice
from office.notices import notify
from sop.book.records import Complaint
from sop.engine import SYSTEM, CloseTask, Delivered, IssueLetter, IssueNotice, Notify, Outcome
from sop.terms import ANSWERED

# Each event as the history names it.
EVENT_WORDS = {
    "tanda_terima": "tanda terima", "permintaan_kelengkapan": "permintaan kelengkapan",
    "perpanjangan": "perpanjangan waktu", "pelimpahan": "pelimpahan", "jawaban_siap": "jawaban sudah siap",
    "surat_jawaban": "jawaban disampaikan dan pertanyaan kepuasan", "tanggapan_diterima": "tanggapan diterima",
    "keberatan_ditutup": "keputusan keberatan", "penolakan": "penolakan",
    "ditutup_tanpa_kelengkapan": "ditutup tanpa kelengkapan",
}
# The print queue's notice kinds (office.issuing) as events.
NOTICE_EVENTS = {"kelengkapan": "permintaan_kelengkapan", "perpanjangan": "perpanjangan",
                 "dilimpahkan": "pelimpahan", "keberatan": "keberatan_ditutup"}


@dataclass(frozen=True)
class Notice:
    event: str
    step: int | None = None
    extra: dict = field(default_factory=dict)
    effect: Notify | IssueNotice | None = None  # the engine's effect asking for it, when one does


class Channel(Protocol):
    name: str  # as the history names it

    def reaches(self, office: Office, row: Complaint, notice: Notice) -> bool: ...

    def send(self, office: Office, row: Complaint, notice: Notice, now: dt.datetime, actor: Actor | None) -> bool: ...


class Email:
    """The engine's mail to a complainant with an address (office.notices renders and queues it)."""
    name = "surel"

    def reaches(self, office: Office, row: Complaint, notice: Notice) -> bool:
        return isinstance(notice.effect, Notify) and bool(row.email)

    def send(self, office: Office, row: Complaint, notice: Notice, now: dt.datetime, actor: Actor | None) -> bool:
        assert isinstance(notice.effect, Notify)
        before = office.book.outbox.mails_enqueued
        notify(office, row, notice.effect, now, actor)
        # Queued now, unless a limit held it back (the acknowledgement's, which notes it itself):
        # told by the book's count of mails queued, not by a query (which would also write the
        # mail alone, before the others its change queues with it).
        return office.book.outbox.mails_enqueued > before


class PrintQueue:
    """A numbered, signed notice letter for a complainant without email (office.issuing), for
    staff to hand over or post."""
    name = "surat (antrean cetak)"

    def reaches(self, office: Office, row: Complaint, notice: Notice) -> bool:
        return isinstance(notice.effect, IssueNotice)

    def send(self, office: Office, row: Complaint, notice: Notice, now: dt.datetime, actor: Actor | None) -> bool:
        effect = notice.effect
        assert isinstance(effect, IssueNotice)
        issue_notice(office, row, effect.kind, effect.text, effect.role, now, days=effect.days)
        return True


class Sms:
    """A short SMS through the office's gateway (office.sms)."""
    name = "SMS"

    def reaches(self, office: Office, row: Complaint, notice: Notice) -> bool:
        return sms.reaches(office, row, notice.event)

    def send(self, office: Office, row: Complaint, notice: Notice, now: dt.datetime, actor: Actor | None) -> bool:
        return sms.queue_notice(office, row, notice.event, notice.extra, now)


CHANNELS: tuple[Channel, ...] = (Email(), PrintQueue(), Sms())


def tell(office: Office, row: Complaint, notice: Notice, now: dt.datetime, actor: Actor | None = None) -> list[str]:
    """Send `notice` on every channel that reaches the complainant; the history says which.
    Returns the channels' names."""
    used = [c.name for c in CHANNELS if c.reaches(office, row, notice) and c.send(office, row, notice, now, actor)]
    if used:
        office.book.events.add(row.id, now, notice.step or row.step, SYSTEM, "pemberitahuan",
                              f"Pemberitahuan kepada pengadu ({EVENT_WORDS.get(notice.event, notice.event)}): "
                              f"{', '.join(used)}.")
    return used


def notice_of(effect: Notify | IssueNotice) -> Notice:
    """The notice an engine effect to the complainant asks for."""
    if isinstance(effect, Notify):
        return Notice(effect.template, effect.step, dict(effect.extra or {}), effect)
    extra = {"what": effect.text, "reason": effect.text, "body": effect.text, "days": effect.days}
    return Notice(NOTICE_EVENTS.get(effect.kind, effect.kind), None, extra, effect)


def derived(row: Complaint, outcome: Outcome) -> list[Notice]:
    """What a complainant without email is told that the engine tells only by email: the
    acknowledgement once step 1 is done, the answer ready once its letter is numbered, and the
    delivered answer with the satisfaction question."""
    if row.email:
        return []
    found = []
    for effect in outcome.effects:
        if isinstance(effect, CloseTask) and effect.step == 1:
            found.append(Notice("tanda_terima", 1))
        elif isinstance(effect, IssueLetter) and row.letter_number:
            found.append(Notice("jawaban_siap", row.step))
        elif isinstance(effect, Delivered) and effect.method != "email" and row.state == ANSWERED:
            found.append(Notice("surat_jawaban", None))
    return found


def tell_outcome(office: Office, row: Complaint, outcome: Outcome, now: dt.datetime) -> None:
    """The notices `derived` finds in an applied outcome, told (office.apply calls this last)."""
    for notice in derived(row, outcome):
        tell(office, row, notice, now)
