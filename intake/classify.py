"""What an incoming message is: an ordered table of rules, read top to bottom, first match wins.

Pure: it looks only at the message and at who we are (our address and the domain of our
Message-IDs). Whether an official's reply really acts on a task is decided later, against
the book; here it is only recognised as an answer to one of our routing emails.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from intake.citizen import asks_status

if TYPE_CHECKING:  # for annotations only: reading the configuration needs no parser
    from intake.parse import Incoming


TASK_ID = re.compile(r"<tugas\.([a-z0-9]{8,64})\.", re.IGNORECASE)
TOKEN = re.compile(r"[a-z0-9]{8,64}")
# Sub-addresses of the office mailbox that are not task tokens: a distinct prefix, so that a
# reply address never reads as another kind of token (a '-' is never in a task token).
CITIZEN_PREFIX = "w-"  # a complainant's reply address, local+w-<token>@domain
BOUNCE_PREFIX = "b-"  # the envelope sender of one outgoing mail (VERP), local+b-<token>@domain


def sub_address(address: str, detail: str) -> str:
    """`local+detail@domain` of `address`: the same mailbox, a different address."""
    local, _, domain = address.partition("@")
    return f"{local}+{detail}@{domain}"


@functools.lru_cache(maxsize=4096)
def _id_part(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", number).strip("-")


def hide_token(message_id: str) -> str:
    """A Message-ID fit for a log: a routing email's token lets a reply act, so it never shows."""
    return re.sub(r"(tugas\.)[a-z0-9]+", r"\1…", message_id, flags=re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    address: str  # the office mailbox, e.g. pengaduan@kecamatan.test
    register_pattern: re.Pattern  # finds a complaint number in a subject
    staff: frozenset[str] = frozenset()  # officials' addresses: their forwards are complaints of others

    @property
    def local(self) -> str:
        return self.address.split("@")[0].lower()

    @property
    def domain(self) -> str:
        return self.address.split("@")[1].lower()

    def _detail(self, address: str) -> str | None:
        """The `detail` of an address `local+detail@domain` of our own mailbox, else None."""
        local, _, domain = address.lower().partition("@")
        base, plus, detail = local.partition("+")
        return detail if plus and base == self.local and domain == self.domain else None

    def token_in(self, address: str) -> str | None:
        """The task token of a reply address `local+token@domain`, if it is ours."""
        token = self._detail(address)
        return token if token and TOKEN.fullmatch(token) else None

    def _prefixed_token(self, address: str, prefix: str) -> str | None:
        detail = self._detail(address) or ""
        token = detail.removeprefix(prefix)
        return token if detail.startswith(prefix) and TOKEN.fullmatch(token) else None

    def citizen_token_in(self, address: str) -> str | None:
        """The complaint's reply token of a complainant's reply address, if it is ours."""
        return self._prefixed_token(address, CITIZEN_PREFIX)

    def bounce_token_in(self, address: str) -> str | None:
        """The token of one outgoing mail's return path (VERP), if the address is ours."""
        return self._prefixed_token(address, BOUNCE_PREFIX)

    def citizen_address(self, token: str) -> str:
        """The Reply-To of the mails to a complainant: their answers come back to it."""
        return sub_address(self.address, CITIZEN_PREFIX + token)

    def bounce_address(self, token: str) -> str:
        """The envelope sender of one outgoing mail: a delivery report about it comes back to it."""
        return sub_address(self.address, BOUNCE_PREFIX + token)

    def message_id(self, kind: str, unique: str) -> str:
        """Our Message-IDs say what they are and can be recognised in replies."""
        return f"<{kind}.{unique}.pgd@{self.domain}>"

    def task_message_id(self, token: str, unique: str | None = None) -> str:
        """A routing email's Message-ID: it holds the task's token (a reply citing it acts).
        A routing email sent again (to a delegate) gets a `unique` part of its own."""
        return self.message_id(f"tugas.{token}", unique) if unique else self.message_id("tugas", token)

    def task_token(self, message_id: str) -> str | None:
        """The token of one of our routing emails' Message-IDs, else None."""
        m = TASK_ID.match(message_id) if self.is_ours(message_id) else None
        return m.group(1).lower() if m else None

    def thread_id(self, number: str) -> str:
        """The complaint's own thread reference: every mail about it cites this, so mail apps
        group them, and it carries no task token, so citing it grants nothing."""
        return self.message_id("pengaduan", _id_part(number))

    def is_ours(self, message_id: str) -> bool:
        return message_id.lower().endswith(f".pgd@{self.domain}>")


@dataclass(frozen=True)
class Classification:
    kind: str  # own | auto | bounce | action | followup | forward | complaint
    reason: str
    token: str | None = None  # a task's token (action) or a complaint's reply token (followup)
    refs: tuple[str, ...] = ()


OOO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response)|out of (the )?office|balasan otomatis|"
    r"sedang (di luar kantor|cuti)|di luar kantor|tidak di kantor|cuti)\b", re.IGNORECASE)
FORWARDING_ID = "<surat-pelimpahan."  # our Message-IDs of a surat pelimpahan (office.forwarding)
BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


def _own(m: Incoming, me: Identity):
    if m.from_addr == me.address.lower() or (m.message_id and me.is_ours(m.message_id)):
        return "dikirim oleh sistem sendiri"


def _auto(m: Incoming, me: Identity):
    h = m.headers
    if (h.get("auto-submitted", "").lower().startswith("auto-generated")
            and any(me.is_ours(r) and r.lower().startswith(FORWARDING_ID) for r in (*m.in_reply_to, *m.references))):
        return None  # another office's system answering our surat pelimpahan: its letter, not a robot's echo
    if h.get("auto-submitted", "no").lower() not in ("", "no"):
        return f"Auto-Submitted: {h['auto-submitted']}"
    if "x-autoreply" in h or "x-autorespond" in h:
        return "X-Autoreply"
    if h.get("precedence", "").lower() in ("bulk", "junk", "list"):
        return f"Precedence: {h['precedence']}"
    if "list-id" in h:
        return "List-Id"
    if OOO_SUBJECT.search(m.subject):
        return "subjek balasan otomatis"
    if m.content_type == "multipart/report":
        return "laporan pengiriman bukan dari sistem surel"


def _from_mail_system(m: Incoming) -> bool:
    """A delivery report comes from a mail system: the null return path (RFC 5321 §4.5.5) or a
    mailer-daemon or postmaster envelope sender, as our server wrote it in Return-Path (the
    topmost one). Only a server that writes no Return-Path leaves the From to decide."""
    path = m.headers.get("return-path")
    if path is None:
        return bool(BOUNCE_SENDER.match(m.from_addr))
    path = path.replace(" ", "").strip("<>")
    return not path or bool(BOUNCE_SENDER.match(path))


def _bounce(m: Incoming, me: Identity):
    if not _from_mail_system(m):
        return None  # a "report" written by a person is no report: the rules below decide
    if m.content_type == "multipart/report":
        return "laporan pengiriman (DSN)"
    return "pengirim mailer-daemon"


def _action(m: Incoming, me: Identity):
    for address in m.recipients:
        token = me.token_in(address)
        if token:
            return "token tugas pada alamat balasan", token
    refs = tuple(r for r in (*m.in_reply_to, *m.references) if me.task_token(r))
    if refs:
        return "membalas surel penugasan", None, refs


def _followup(m: Incoming, me: Identity):
    refs = tuple(r for r in (*m.in_reply_to, *m.references) if me.is_ours(r))
    for address in m.recipients:
        token = me.citizen_token_in(address)
        if token:  # a complainant's reply to the address our mail to them gave
            return "token pengadu pada alamat balasan", token, refs
    if refs:
        return "membalas surel kantor", None, refs
    if me.register_pattern.search(m.subject):
        return "nomor pengaduan pada subjek"
    if me.register_pattern.search(m.text) and asks_status(m.text):
        return "permintaan status dengan nomor pengaduan"


def _forward(m: Incoming, me: Identity):
    f = m.forwarded
    if m.from_addr in me.staff and f and f.address and f.address != me.address.lower():
        return f"diteruskan oleh staf dari {f.address}"


def _complaint(m: Incoming, me: Identity):
    return "pesan baru"


# The order is the policy: our own mail and machines first, so that an auto-reply to a
# routing email can never count as an official's action.
RULES: tuple[tuple[str, Callable], ...] = (
    ("own", _own),
    ("bounce", _bounce),  # before auto: delivery reports carry Auto-Submitted too (RFC 3464)
    ("auto", _auto),
    ("action", _action),
    ("followup", _followup),
    ("forward", _forward),
    ("complaint", _complaint),
)


def classify(message: Incoming, me: Identity) -> Classification:
    for kind, rule in RULES:
        hit = rule(message, me)
        if hit:
            if isinstance(hit, str):
                return Classification(kind, hit)
            reason, token, *refs = hit
            return Classification(kind, reason, token, refs[0] if refs else ())
    raise AssertionError("the last rule always matches")
