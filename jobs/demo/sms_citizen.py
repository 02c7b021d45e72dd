"""The demo's SMS complainant: a citizen without email complains by SMS through the office's
Gammu SMSD (on Gammu's dummy phone), follows the complaint by SMS, and says PUAS by SMS."""

from __future__ import annotations

from typing import Callable

from jobs.demo.smsrig import SmsRig

PHONE = "+6281350001234"
COMPLAINT = "ADUAN Jembatan kayu di Gang Mawar RT 07 Bukuan lapuk dan berlubang, berbahaya bagi anak sekolah."
DELIVERY = "Surat jawaban diserahkan langsung kepada pengadu di loket."


def _received(sms: SmsRig, text: str) -> None:
    """The citizen's SMS reaches the gateway's modem, and gammu-smsd has received it."""
    sms.deliver(PHONE, text)
    sms.wait(lambda: any(p.name.startswith("IN") for p in sms.inbox.iterdir()))


def play_sms_citizen(office, sms: SmsRig, echo, play_steps: Callable[[str, dict[int, str]], None]) -> dict:
    """ADUAN by SMS; every official answers by mail as for the others (`play_steps`, the demo's),
    the answer handed over at the counter; PUAS by SMS. Returns the complaint's JSON."""
    from jobs.daemon import run_once
    from office.plain import utcnow
    from office.reading import read_book, read_complaint

    _received(sms, COMPLAINT)
    run_once(office)
    row = read_book(office, "peragaan", utcnow())[-1]  # the demo's reader (jobs.demo)
    echo(f"Warga tanpa surel mengirim SMS dari {PHONE}: {COMPLAINT[:60]}...; dicatat sebagai {row['number']}.")
    delivery = office.config.procedure.delivery_step
    play_steps(row["number"], {delivery.no: DELIVERY} if delivery else {})
    sms.wait(lambda: any("PUAS" in s.text for s in sms.sent() if s.number == PHONE))
    _received(sms, "PUAS, terima kasih")
    run_once(office)
    sms.wait(lambda: any("terima kasih" in s.text for s in sms.sent() if s.number == PHONE))
    for sent in (s for s in sms.sent() if s.number == PHONE):
        echo(f"SMS ke {PHONE}: {sent.text}")
    return read_complaint(office, "peragaan", row["number"], utcnow()) or {}
