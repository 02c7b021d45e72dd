"""The buku pengaduan: the only package that speaks SQL.

One SQLite file holds the complaints, their history, the officials' tasks, every message
that reached the mailbox, the outbox of mail to send and the registers of numbers. The store
(sop.book.store) holds the connection, the migrations and the transactions; each kind of record
has its own small class with its own SQL over that store, reached as an attribute of the book:
`book.complaints.get(id)`, `book.tasks.current(id)`, `book.letters.current(id)`. Writers group
their changes in `book.transaction()`, so a state change, its history and the mail it causes
commit together or not at all.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sop.book.accounts import Accounts, Audit
from sop.book.complaints import Attachments, Complaints
from sop.book.letters import Letters, Numbers
from sop.book.mail import Digest, Messages
from sop.book.outbox import Outbox
from sop.book.public import PublicRequests
from sop.book.records import Complaint, Event, Letter, Message, OutboxMail, Task
from sop.book.reports import Reports
from sop.book.search import Search
from sop.book.sms import Sms
from sop.book.store import BookError, Store, iso, parse_iso
from sop.book.tasks import Delegations, Events, Proposals, Tasks

__all__ = ["Book", "BookError", "Complaint", "Event", "Letter", "Message", "OutboxMail", "Task", "iso", "parse_iso"]


class Book(Store):
    """The store and its kinds of record, one attribute each."""

    def __init__(self, path: Path | str, timeout: float = 30.0, *, create: bool = True, readonly: bool = False):
        # The kinds of record first: opening the store runs migrations, in transactions that
        # already write the outbox's queue.
        self.outbox = Outbox(self)
        self.complaints = Complaints(self, self.outbox)
        self.attachments = Attachments(self)
        self.events = Events(self)
        self.tasks = Tasks(self)
        self.delegations = Delegations(self)
        self.proposals = Proposals(self)
        self.letters = Letters(self)
        self.numbers = Numbers(self)
        self.messages = Messages(self)
        self.digest = Digest(self)
        self.accounts = Accounts(self)
        self.audit = Audit(self)
        self.public = PublicRequests(self)
        self.reports = Reports(self)
        self.search = Search(self)
        self.sms = Sms(self)
        super().__init__(path, timeout, create=create, readonly=readonly)

    @contextmanager
    def transaction(self):
        """Store.transaction, with the outbox rows queued inside it written before it ends (or
        dropped with it: those already written are undone by the rollback itself)."""
        first = self.outbox.queued
        try:
            with super().transaction() as book:
                yield book
                self.outbox.write_queued()
        except BaseException:
            self.outbox.drop_queued_since(first)
            raise
