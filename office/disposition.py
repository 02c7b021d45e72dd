"""The lembar disposisi of a complaint, from its history: each official's step as a
disposition to the performer of the next one, and the copy to the section head. Filed in the
dossier and sent with the routing mail of the step that writes the answer."""

from __future__ import annotations

from letters.dates import waktu
from letters.disposition import Disposition, DispositionSheet, render_disposition
from office.base import Office
from sop.book import parse_iso
from sop.terms import channel_words


def disposition_sheet(office: Office, row: dict) -> bytes:
    cfg = office.config
    procedure, directory, tz = cfg.procedure, cfg.directory, cfg.clock.tz
    lines: list[Disposition] = []
    for e in office.book.events(row["id"]):
        if e["step"] is None or e["step"] == 1:
            continue
        step = procedure.step(e["step"])
        official = directory.official(step.role)
        by = f"{official.title} ({official.name if '@' in e['actor'] else e['actor']})"
        at = waktu(parse_iso(e["at"]), tz)
        if e["kind"] == "langkah":
            nxt = procedure.next_step(step.no)
            to = directory.official(nxt.role).title if nxt else "-"
            lines.append(Disposition(at, by, to, e["text"]))
        elif e["kind"] == "seksi" and row["section"]:
            section = directory.section(row["section"])
            lines.append(Disposition(at, by, section.title if section else row["section"],
                                     "Untuk diketahui dan dikoordinasikan (salinan pengaduan)."))
        elif e["kind"] in ("dikembalikan", "rapat", "lengkapi", "perpanjang", "usul_tolak"):
            lines.append(Disposition(at, by, "-", e["text"]))
    sheet = DispositionSheet(
        agenda=row["number"], received=waktu(parse_iso(row["received_at"]), tz),
        channel=channel_words(row["channel"]), sifat="Rahasia" if row["confidential"] else "Biasa",
        sender=row["name"] or "-", pokok=row["pokok"] or row["subject"] or "-", section=row["section"] or "",
        dispositions=tuple(lines))
    return render_disposition(sheet, cfg.letterhead, cfg.letters.paper)
