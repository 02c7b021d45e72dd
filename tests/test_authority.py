"""Who may act by mail is one check (office.authority), held by every reply that moves
something: a step's action, the agenda keeper's number, Benar or Bukan to a proposal, and the
signer's TTE-signed PDF. Played on the real rig."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from jobs.demo import reply_to
from jobs.demo.mailrig import ReceivingCheck
from tests.test_signing import SIGNER, bsre, delivered_to_citizen, handed_off, tte, with_attachments  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def test_a_tte_signed_pdf_from_a_sender_failing_authentication_is_refused(tte, bsre):  # noqa: F811
    env = tte
    number, mail, pdf = handed_off(env)
    ours = f"mx.{env.cast.domain}"
    env.office.config = replace(env.config, security=replace(
        env.config.security, require_authentication=True, authserv_id=ours))
    camat = env.official("camat")
    signed = bsre.sign(pdf, SIGNER)
    letter_id = env.office.book.letters.current(env.complaint(number)["id"])["id"]

    def send_signed() -> None:
        env.rig.send(with_attachments(reply_to(mail, camat, "Sudah saya tandatangani."),
                                      (signed, "application", "pdf", "surat-ttd.pdf")))
        env.cycle()

    env.rig.checks[env.cast.domain] = ReceivingCheck(ours)  # our server saw no valid signature
    try:
        # The Camat's own From, the right thread, a properly signed PDF: still not the Camat's mail.
        send_signed()
        assert env.office.book.letters.get(letter_id)["signed_path"] is None
        [record] = [m for m in env.office.book.messages.listed("action") if "keaslian" in m["note"]]
        assert camat[1] in record["note"]
        warned = [m for m in env.inbox(camat[1]) if "tidak diterima" in m.subject]
        assert len(warned) == 1 and "DKIM/DMARC" in " ".join(warned[0].text.split())
        # The same reply, authenticated by our server, is taken.
        env.rig.checks[env.cast.domain] = ReceivingCheck(ours, frozenset({env.cast.domain}))
        send_signed()
        assert Path(env.office.book.letters.get(letter_id)["signed_path"]).read_bytes() == signed
    finally:
        env.rig.checks.pop(env.cast.domain, None)
    assert not delivered_to_citizen(env)  # the JFU delivers it next


def test_only_the_authority_module_reads_the_authentication_verdict():
    """A second copy of the check is how a path came to skip half of it."""
    readers = []
    for path in (ROOT / "office").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "intake.authresults":
                readers.append(path.stem)
    assert readers == ["authority"], readers
