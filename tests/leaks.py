"""The token rule, checked over everything an office has queued: a live task token (in any
header or body) reaches only the holders of its task (its official, an alias, a delegate); a
waiting proposal's token only the official it was recorded for; a letter's TTE request token
only its signer; a
complaint's reply token and its access code reach only its complainant; a mail's return-path
token (VERP) is in no mail at all (it travels only in the envelope); an access code goes by SMS only to
the complainant's own number."""

from __future__ import annotations

import json
import re

from sop.book import Book


def token_leaks(book: Book, config) -> list[str]:
    """One line per mail that carried a task's token to someone who does not hold that task,
    while the task was open."""
    tasks = book._all("SELECT * FROM tasks")
    # A letter waiting for its number has its own token, held by the agenda keeper (office.numbering).
    tasks += [{"token": r["token"], "opened_at": r["requested_at"], "done_at": r["numbered_at"], "role": "agenda",
               "official": config.directory.official("agenda").email, "step": f"nomor surat ({r['kind']})"}
              for r in book._all("SELECT * FROM number_requests")]
    delegates: dict[str, set[str]] = {}
    for d in book.delegations.listed():
        delegates.setdefault(d["role"], set()).add(d["email"].lower())
    found = []
    for mail in book._all("SELECT * FROM outbox ORDER BY id"):
        raw = bytes(mail["raw"]).lower()
        to = {a.lower() for a in json.loads(mail["recipients"])}
        for task in tasks:
            if task["token"].encode() not in raw:
                continue
            live = task["opened_at"] <= mail["created_at"] and (
                task["done_at"] is None or task["done_at"] > mail["created_at"])
            if not live:
                continue
            official = config.directory.official(task["role"])
            allowed = {task["official"], official.email, *official.aliases, *delegates.get(task["role"], ())}
            strangers = to - allowed
            if strangers:
                found.append(f"{mail['kind']} ({mail['subject']}) carried the live token of step "
                             f"{task['step']} to {sorted(strangers)}")
        found.extend(_proposal_leaks(book, config, mail, raw, to, delegates))
    return found + signing_token_leaks(book, config, delegates)


def _proposal_leaks(book: Book, config, mail: dict, raw: bytes, to: set[str], delegates: dict) -> list[str]:
    """A waiting proposal's token (its `Benar` acts in an official's name) only to that
    official: the role's holder, an alias, a delegate."""
    found = []
    for proposal in book._all("SELECT * FROM proposals"):
        if proposal["token"].encode() not in raw:
            continue
        live = proposal["recorded_at"] <= mail["created_at"] and (
            proposal["decided_at"] is None or proposal["decided_at"] > mail["created_at"])
        if not live:
            continue
        official = config.directory.official(proposal["role"])
        allowed = {proposal["official"], official.email, *official.aliases, *delegates.get(proposal["role"], ())}
        strangers = to - allowed
        if strangers:
            found.append(f"{mail['kind']} ({mail['subject']}) carried the live token of proposal "
                         f"{proposal['id']} to {sorted(strangers)}")
    return found


REPLY_ADDRESS = re.compile(rb"\+w-([a-z0-9]{8,64})@")
RETURN_PATH = re.compile(rb"\+b-([a-z0-9]{8,64})@")


def citizen_token_leaks(book: Book) -> list[str]:
    """One line per mail that carried a complaint's reply address to anyone but its
    complainant, or a return-path address (VERP) in its text."""
    owners = {r["reply_token"]: (r["email"] or "").lower()
              for r in book._all("SELECT reply_token, email FROM complaints WHERE reply_token IS NOT NULL")}
    found = []
    for mail in book._all("SELECT * FROM outbox ORDER BY id"):
        raw = bytes(mail["raw"]).lower()
        to = {a.lower() for a in json.loads(mail["recipients"])}
        for token in set(REPLY_ADDRESS.findall(raw)):
            owner = owners.get(token.decode())
            if owner is None or to - {owner}:
                found.append(f"{mail['kind']} ({mail['subject']}) carried a reply address to {sorted(to)}")
        if RETURN_PATH.search(raw):
            found.append(f"{mail['kind']} ({mail['subject']}) carried a return-path address in its text")
    return found + access_code_leaks(book) + sms_code_leaks(book)


def access_code_leaks(book: Book) -> list[str]:
    """One line per mail whose text carried a complaint's access code to anyone but the
    complainant's own address (the code is printed on their receipt and acknowledgement only)."""
    from email import message_from_bytes, policy

    owners = {r["access_code"]: (r["email"] or "").lower()
              for r in book._all("SELECT access_code, email FROM complaints WHERE access_code IS NOT NULL")}
    found = []
    for mail in book._all("SELECT * FROM outbox ORDER BY id"):
        msg = message_from_bytes(bytes(mail["raw"]), policy=policy.default)
        text = " ".join([str(msg["Subject"] or ""), *(part.get_content() for part in msg.walk()
                                                          if part.get_content_type() == "text/plain")])
        to = {a.lower() for a in json.loads(mail["recipients"])}
        for code in set(re.findall(r"(?<![A-Za-z0-9])[A-Z2-9]{6}(?![A-Za-z0-9])", text)) & owners.keys():
            if to - {owners[code]}:
                found.append(f"{mail['kind']} ({mail['subject']}) carried the access code of a complaint to "
                             f"{sorted(to)}")
    return found


def signing_token_leaks(book: Book, config, delegates: dict[str, set[str]]) -> list[str]:
    """The token of a letter's signing request reaches only whom it asks (an alias, a delegate)
    while the letter waits for its signature: for TTE the letter's signer, for a wet signature
    staff (who print it, have it signed, and scan it)."""
    found = []
    letters = book._all("SELECT * FROM letters WHERE sign_token IS NOT NULL")

    def allowed(letter: dict) -> set[str]:
        role = (config.procedure.step(1).role if letter["signing"] == "basah"
                else letter["signer_role"] or config.letters.signer_role)
        official = config.directory.official(role)
        return {official.email, *official.aliases, *delegates.get(role, ())}

    for mail in book._all("SELECT * FROM outbox ORDER BY id"):
        raw = bytes(mail["raw"]).lower()
        to = {a.lower() for a in json.loads(mail["recipients"])}
        for letter in letters:
            live = letter["signed_at"] is None or letter["signed_at"] > mail["created_at"]
            if live and letter["sign_token"].encode() in raw and to - allowed(letter):
                found.append(f"{mail['kind']} ({mail['subject']}) carried the TTE token of {letter['number']} to "
                             f"{sorted(to - allowed)}")
    return found


def sms_code_leaks(book: Book) -> list[str]:
    """One line per SMS that carried a complaint's access code to any number but the
    complainant's own (compared as the gateway numbers them: +62…)."""
    from intake.sms_gateway import normal_phone

    owners = {r["access_code"]: normal_phone(r["phone"])
              for r in book._all("SELECT access_code, phone FROM complaints WHERE access_code IS NOT NULL")}
    return [f"SMS {sms['kind']} to {sms['phone']} carried the access code of a complaint that is not theirs"
            for sms in book._all("SELECT * FROM sms_outbox ORDER BY id")
            for code, owner in owners.items() if code in sms["text"] and sms["phone"] != owner]
