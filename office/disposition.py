"""The lembar disposisi of a complaint, from its history: the usual form (who it went on to,
what they were asked to do, the head's note), then each official's step as a disposition to
the performer of the next one, and the copy to the section head. Filed in the dossier and
sent with the routing mail of the step that writes the answer."""

from __future__ import annotations

from letters.dates import waktu
from letters.disposition import Disposition, DispositionSheet, render_disposition
from office.base import Office
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.directory import Section
from sop.terms import channel_words


def section_jabatan(section: Section) -> str:
    """The section head's jabatan with the section named: "Kepala Seksi Pemerintahan"."""
    if section.name.lower() in section.title.lower():
        return section.title
    if section.title.lower().endswith(" seksi") and section.name.lower().startswith("seksi "):
        return f"{section.title.removesuffix(section.title.split()[-1])}{section.name}"
    return f"{section.title} {section.name}"


def disposition_sheet(office: Office, row: Complaint) -> bytes:
    cfg = office.config
    procedure, directory, tz = cfg.procedure, cfg.directory, cfg.clock.tz
    lines: list[Disposition] = []
    note = ""
    for e in office.book.events.of(row.id):
        if e.step is None or e.step == 1:
            continue
        step = procedure.step(e.step)
        official = directory.official(step.role)
        by = f"{official.title} ({official.name if '@' in e.actor else e.actor})"
        at = waktu(parse_iso(e.at), tz)
        if e.kind == "langkah":
            nxt = procedure.next_step(step.no)
            to = directory.official(nxt.role).title if nxt else "-"
            lines.append(Disposition(at, by, to, e.text))
            if step.role == cfg.letters.head_role:
                note = e.text  # the head's disposition is the sheet's note
        elif e.kind == "seksi" and row.section:
            section = directory.section(row.section)
            lines.append(Disposition(at, by, section_jabatan(section) if section else row.section,
                                     "Untuk diketahui dan dikoordinasikan (salinan pengaduan)."))
        elif e.kind in ("dikembalikan", "rapat", "lengkapi", "perpanjang", "usul_tolak"):
            lines.append(Disposition(at, by, "-", e.text))
    reached = {d.to for d in lines}
    # The disposing head, who records, and the agenda keeper (who numbers letters, never a
    # recipient of the complaint's disposition) are not among "Diteruskan kepada".
    heads = (cfg.letters.head_role, procedure.walk()[0].role, "agenda")
    recipients = [directory.official(role).title for role in directory.officials if role not in heads]
    recipients += [section_jabatan(s) for s in directory.sections]
    requests = {"Proses lebih lanjut"} if any(d.to != "-" for d in lines) else set()
    requests |= {"Koordinasikan"} if row.section else set()
    requests |= {"Untuk dijawab"} if row.draft or row.letter_number else set()
    sheet = DispositionSheet(
        agenda=row.number, received=waktu(parse_iso(row.received_at), tz),
        channel=channel_words(row.channel), sifat="Rahasia" if row.confidential else "Biasa",
        sender=row.name or "-", pokok=row.pokok or row.subject or "-", section=row.section or "",
        dispositions=tuple(lines), recipients=tuple((r, r in reached) for r in dict.fromkeys(recipients)),
        requests=tuple(requests), note=note)
    return render_disposition(sheet, cfg.letterhead, cfg.letters.paper)


def konsep_paraf(office: Office, row: Complaint) -> str:
    """The konsep's paraf: the official whose reply at the drafting step wrote it, and when
    ("Sekretaris Camat Rina Handayani, S.Sos., tgl 7 Desember 2026"); "" before that reply."""
    from letters.dates import tanggal

    cfg = office.config
    drafting = {s.no for s in cfg.procedure.walk() if "draft_letter" in s.on_done}
    done = [e for e in office.book.events.of(row.id) if e.kind == "langkah" and e.step in drafting]
    if not done:
        return ""
    official = office.holder(cfg.procedure.step(done[-1].step or 0).role, parse_iso(done[-1].at))
    return (f"{official.title} {official.name}, tgl "
            f"{tanggal(parse_iso(done[-1].at).astimezone(cfg.clock.tz).date())}")
