"""The outgoing runner: the only code that speaks SMTP.

Business code never sends; it writes rows into the book's outbox in the transaction that
causes them. This job delivers what is due, marks each row sent, and on failure schedules
a retry with growing backoff. A message stays in the outbox until a server accepted it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
from collections.abc import Sequence

from intake.classify import BOUNCE_PREFIX, hide_token, sub_address
from intake.oauth import xoauth2_string
from intake.tls import client_context
from letters.mail import seven_bit
from office.base import Office
from office.config import SmtpSettings
from office.undeliverable import give_up_stale
from sop.book import Book, OutboxMail

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 2, 5, 10, 30, 60)


def _connect(s: SmtpSettings) -> smtplib.SMTP:
    context = client_context(s.ca_file, s.verify_tls)
    smtp: smtplib.SMTP
    if s.security == "ssl":
        smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
    else:
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            smtp.starttls(context=context)
    if s.tokens:
        token = s.tokens.access_token()
        smtp.ehlo()
        smtp.auth("XOAUTH2", lambda challenge=None: xoauth2_string(s.username or "", token), initial_response_ok=True)
    elif s.username:
        smtp.login(s.username, s.password or "")
    return smtp


class SmtpUnavailable(RuntimeError):
    """The SMTP server refused or could not be reached; the mail waits in the outbox."""


# How long a mail a sender has taken stays out of the others' reach: time for one SMTP batch.
CLAIM = dt.timedelta(minutes=5)


def send_due(book: Book, settings: SmtpSettings, sender_address: str, now: dt.datetime,
             only: Sequence[str] | None = None) -> int:
    """Send every outbox row that is due (with `only`: just the mails of those Message-IDs);
    returns how many were accepted. Each row is claimed first, so the daemon, the desk and a
    command sending at once never send one mail twice."""
    rows = book.outbox.due(now, only=only)
    if not rows:
        return 0
    sent = 0
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        from jobs.problems import mail_problem

        problem = mail_problem(exc, "SMTP", settings.host, settings.port, settings.username or "")
        log.warning("%s; %d surel menunggu", problem, len(rows))
        with book.transaction():
            for row in rows:
                book.outbox.mark_send_failed(row.id, str(exc), _retry_at(row, now))
        raise SmtpUnavailable(f"{problem}; {len(rows)} surel menunggu dan dicoba lagi") from None
    with smtp:
        while rows:  # drain a backlog in batches over one connection
            sent += _send_batch(book, smtp, sender_address, rows, now)
            tried = {row.id for row in rows}
            rows = [r for r in book.outbox.due(now, only=only) if r.id not in tried]
    return sent


def envelope_sender(sender_address: str, token: str | None) -> str:
    """The return path of one mail (VERP, as mailing-list servers do): the office mailbox with
    the mail's own token, fixed when it was queued, so a delivery report about it comes back to
    an address that names it (office.recording.record_bounce). Mail queued before the tokens
    existed goes with the plain address."""
    return sub_address(sender_address, BOUNCE_PREFIX + token) if token else sender_address


def _error_text(exc: Exception, envelope: str) -> str:
    """A send failure as logged and kept: without the return path, whose token is not for logs."""
    return str(exc).replace(envelope, "<alamat pengembalian>")


def _send_batch(book: Book, smtp: smtplib.SMTP, sender_address: str, rows: list[OutboxMail], now: dt.datetime) -> int:
    sent = 0
    mine = book.outbox.claim([row.id for row in rows], now, now + CLAIM)
    smtp.ehlo_or_helo_if_needed()
    eight_bit = smtp.has_extn("8bitmime")
    for row in rows:
        if row.id not in mine:
            continue  # another sender has it
        recipients = json.loads(row.recipients)
        envelope = envelope_sender(sender_address, row.bounce_token)
        # A text that is not plain ASCII goes 8bit (letters.mail), declared as such, or as
        # quoted-printable to a server that does not take 8BITMIME.
        raw, options = row.raw, ["BODY=8BITMIME"] if eight_bit else []
        if not raw.isascii() and not eight_bit:
            raw = seven_bit(raw)
        try:
            refused = smtp.sendmail(envelope, recipients, raw, options)
        except (OSError, smtplib.SMTPException) as exc:
            error = _error_text(exc, envelope)
            log.warning("surel %s gagal dikirim: %s", hide_token(row.message_id), error)
            with book.transaction():
                book.outbox.mark_send_failed(row.id, error, _retry_at(row, now))
            continue
        with book.transaction():
            book.outbox.mark_sent(row.id, now)
        if refused:
            log.warning("surel %s ditolak untuk %s", hide_token(row.message_id), ", ".join(refused))
        log.info("terkirim %s (%s) ke %s", row.kind, hide_token(row.message_id), ", ".join(recipients))
        sent += 1
    return sent


def _retry_at(row: OutboxMail, now: dt.datetime) -> dt.datetime:
    step = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES) - 1)]
    return now + dt.timedelta(minutes=step)


def send_outbox(office: Office, now: dt.datetime) -> int:
    """Give up on mail stuck past `[smtp] give_up_hours` (staff told), then send what is due."""
    give_up_stale(office, now)
    return send_due(office.book, office.config.smtp, office.config.mailbox.address, now)


def send_queued(office: Office, now: dt.datetime, message_ids: Sequence[str]) -> int:
    """Send at once what a command or a desk request has just queued (its Message-IDs, from
    book.outbox.queued_since), and nothing else: another process's mail of the same moment is
    its own to send. The daemon's sender retries whatever fails. SmtpUnavailable when the
    server cannot be reached."""
    if not message_ids:
        return 0
    return send_due(office.book, office.config.smtp, office.config.mailbox.address, now, only=message_ids)
