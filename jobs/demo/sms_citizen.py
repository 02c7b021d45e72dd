"""The demo's SMS complainant: a citizen without email complains by SMS through the office's
Gammu SMSD (on Gammu's dummy phone), follows the complaint by SMS, and says PUAS by SMS."""

from __future__ import annotations

import datetime as dt

from jobs.demo import FIRST_AGENDA_NUMBER, SCRIPT, find_routing, reply_to
from jobs.demo.mailrig import MailRig
from jobs.demo.smsrig import SmsRig

PHONE = "+6281350001234"
COMPLAINT = "ADUAN Jembatan kayu di Gang Mawar RT 07 Bukuan lapuk dan berlubang, berbahaya bagi anak sekolah."
DELIVERY = "Surat jawaban diserahkan langsung kepada pengadu di loket."


def _wait_received(sms: SmsRig) -> None:
    sms.wait(lambda: any(p.name.startswith("IN") for p in sms.inbox.iterdir()))


def play_sms_citizen(rig: MailRig, office, sms: SmsRig, echo, serial: int) -> dict:
    """ADUAN by SMS, every official by mail as before, the answer handed over at the counter,
    PUAS by SMS. `serial`: the agenda number the keeper gives its letter. Returns its JSON."""
    from jobs.daemon import run_once
    from office.views import complaint_json
    from sop.clock import utcnow

    sms.deliver(PHONE, COMPLAINT)
    _wait_received(sms)
    run_once(office)
    row = office.book.complaints()[-1]
    echo(f"Warga tanpa surel mengirim SMS dari {PHONE}: {COMPLAINT[:60]}...; dicatat sebagai {row['number']}.")
    cfg = office.config
    for step in cfg.procedure.walk()[1:]:
        official = cfg.directory.official(step.role)
        routing = find_routing(rig, official.email, row["number"], cfg.procedure.label(step.no))
        if routing is None:
            raise RuntimeError(f"surel tugas langkah {cfg.procedure.label(step.no)} untuk {row['number']} tidak ditemukan")
        year = dt.datetime.now(cfg.clock.tz).year
        text = (f"Nomor: {cfg.letter_number(year, serial)}" if step.numbers else "Setuju" if step.approval
                else DELIVERY if step.no == 5 else SCRIPT[step.no][0])
        rig.send(reply_to(routing, (official.name, official.email), text))
        run_once(office)
    sms.wait(lambda: any("PUAS" in s.text for s in sms.sent() if s.number == PHONE))
    sms.deliver(PHONE, "PUAS, terima kasih")
    _wait_received(sms)
    run_once(office)
    sms.wait(lambda: any("terima kasih" in s.text for s in sms.sent() if s.number == PHONE))
    for sent in (s for s in sms.sent() if s.number == PHONE):
        echo(f"SMS ke {PHONE}: {sent.text}")
    return complaint_json(office, office.book.complaint(row["number"]), utcnow())


__all__ = ["FIRST_AGENDA_NUMBER", "play_sms_citizen"]
