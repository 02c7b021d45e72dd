"""What the office issues: the numbered, signed and sealed reply letter (the Word file), its
staff copy, its dossier in the archive, and the record of its delivery. Its PDF is made after
the commit by the PDF job (office.letter_pdfs), never here."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

from letters.names import split_honorific
from letters.render import LetterData, RenderedLetter, Signer, addressee_of_body, agency_of, render_letter
from letters.seal import seal, without_approval
from office.base import Office, answer_due, due_of, safe_name
from office.disposition import disposition_sheet, konsep_paraf
from office.numbering import take_number
from office.signing import require_signed_copy
from office.views import complaint_json
from sop.book import iso, parse_iso
from sop.book.records import Complaint
from sop.engine import SYSTEM
from sop.files import private_dir
from sop.terms import DEFAULT_SALUTATION, LINKED, SALUTATIONS


def issue_letter(office: Office, row: Complaint, answer: str, now: dt.datetime, *, forward_to: str = "") -> Complaint:
    """Number, render, file and copy the reply letter, in the caller's transaction.

    The file names follow from the number taken in this transaction, so a rolled-back attempt
    is overwritten by its retry. A re-issue (after `Kembalikan:`) voids the earlier letter;
    its number stays in the register.
    """
    cfg = office.config
    book = office.book
    local_now = now.astimezone(cfg.clock.tz)
    number = take_number(office, row, "pelimpahan" if forward_to else "jawaban", now,
                         {"answer": answer, "forward_to": forward_to},
                         **({"hal": "Pelimpahan Pengaduan", "addressee": addressee_of_body(forward_to)} if forward_to else {}))
    if number is None:
        return row  # it waits for the agenda keeper's number (office.numbering); issued then
    voided = [(entry.year, entry.number) for entry in book.letters.listed(row.id)
              if not entry.void and not entry.dispatched_at and entry.kind in ("jawaban", "pelimpahan")]
    book.letters.void_of(row.id)
    signer = signer_of(office, now)
    note = office.config.letters.signing_note
    data = letter_data(office, row, answer, number, local_now.date(),
                       signing_note=note if signer_approved(office, row) else without_approval(note))
    kind = "jawaban"
    if is_rejection(office, row, now):  # the penolakan to a complainant without email
        data = replace(data, hal=REJECTION_HAL, tembusan=office.config.letters.tembusan_of("penolakan"))
    if forward_to:  # a surat pelimpahan: to the competent body's head, the complainant in copy
        kind = "pelimpahan"
        files = sum(1 for f in book.attachments.of(row.id) if f["path"])
        data = replace(data, kind=kind, hal="Pelimpahan Pengaduan", addressee=addressee_of_body(forward_to),
                       addressee_place=cfg.letters.place, complainant=data.addressee,
                       competent_body=agency_of(forward_to),
                       tembusan=(*cfg.letters.tembusan_of(kind), f"{data.addressee} (pengadu)"),
                       attachments=1 + files)  # the complaint itself, and the files it came with
    archive, rendered = file_letter(office, row, data, signer, kind, now, tuple(voided))
    book.complaints.update(row.id, letter_number=number, letter_path=str(archive))
    signed_as = f"{signer.delegation} {signer.title}" if signer.delegation else signer.title
    text = f"Surat {kind} nomor {number} dibuat, ditandatangani oleh {signed_as} {signer.name}, dan diarsipkan."
    if cfg.letters.signing != "segel":  # signed outside the system: the signed copy comes back later
        how = SIGNING_NEXT[cfg.letters.signing]
        text = f"Surat {kind} nomor {number} dibuat dan diarsipkan, {how} {signed_as} {signer.name}."
    if rendered.seal:
        text += f" Disegel dengan kunci kantor {rendered.seal.key_id}."
    if voided:
        text += f" Surat sebelumnya ({', '.join(n for _, n in voided)}) dinyatakan batal."
    book.events.add(row.id, now, None, SYSTEM, "surat", text)
    return book.complaints.get(row.id)


def signer_approved(office: Office, row: Complaint) -> bool:
    """Whether the act that issues the letter (the last step done, or the forward) is the
    signer's own: on a step of the signer's role, by their routing mail or their own desk
    account, never an entry staff made for them. A joined complaint's letter follows its main one's."""
    main = row.id if row.state != LINKED or not row.linked_to else row.linked_to
    done = [e for e in office.book.events.of(main) if e.kind in ("langkah", "dilimpahkan") and e.step]
    if not done:
        return False
    last = done[-1]
    return (office.config.procedure.step(last.step or 0).role == office.config.letters.signer_role
            and not last.actor.startswith(("petugas ", "administrator ")))


def file_letter(office: Office, row: Complaint, data: LetterData, signer: Signer, kind: str, now: dt.datetime,
                voided: tuple[tuple[int, str], ...] = (), role: str = "") -> tuple[Path, RenderedLetter]:
    """Seal, render, archive and register a numbered letter of any kind, in the caller's
    transaction; the staff's copy is placed (and the copies of `voided` letters removed) after
    the commit, so staff never pick up a letter the register does not hold. `role`: whose
    signature it bears (the signer's role when not given), whom a TTE hand-off goes to."""
    cfg = office.config
    local_now = now.astimezone(cfg.clock.tz)
    mode = cfg.letters.signing
    key = office.seal_key() if mode == "segel" else None
    if mode != "segel":  # a print master, or the PDF for the TTE application: no image, no seal
        signer = replace(signer, signature_image=None)
    sealer = (lambda tokens: seal(key, number=data.number, date=local_now.date().isoformat(),
                                  addressee=data.addressee, tokens=tokens)) if key else None
    rendered = render_letter(data, cfg.letterhead, signer, paper=cfg.letters.paper, sealer=sealer,
                             **({"template": cfg.letters.template} if cfg.letters.template else {}))
    name = safe_name(data.number)
    archive = cfg.files / "arsip" / str(local_now.year) / name / f"surat-{kind}-{name}.docx"
    private_dir(archive.parent)
    archive.write_bytes(rendered.data)
    private_dir(cfg.outbox, 0o750)  # staff collect letters here, possibly as a group

    def update_staff_folder() -> None:
        for year, old in voided:
            for old_kind in ("jawaban", "pelimpahan"):  # the kinds a letter voids (issue_letter)
                (cfg.outbox / outbox_name(year, old, old_kind)).unlink(missing_ok=True)
        place_staff_copy(cfg, local_now.year, data.number, archive, kind)
    office.book.after_commit(update_staff_folder)
    office.book.letters.record(year=local_now.year, number=data.number, complaint_id=row.id, issued_at=now,
                              path=str(archive), sha256=rendered.sha256, signer=signer.name,
                              seal=rendered.seal.text() if rendered.seal else None, kind=kind, signing=mode)
    office.book.letters.set_signer_role(local_now.year, data.number, role or cfg.letters.signer_role)
    return archive, rendered


def letter_data(office: Office, row: Complaint, answer: str, number: str, date: dt.date,
                signing_note: str | None = None, kind: str = "jawaban") -> LetterData:
    """What a letter to the complainant of `row` says (the konsep and the signed letter alike)."""
    cfg = office.config
    ls = cfg.letters
    received = parse_iso(row.received_at).astimezone(cfg.clock.tz)
    typed, name = split_honorific(row.name or "")  # "Pak Darto" as staff typed it: "Bapak Darto"
    form = row.sapaan or typed or DEFAULT_SALUTATION
    return LetterData(
        number=number, date=date, place=ls.place, hal=ls.hal,
        addressee=f"{form} {name or 'Pengadu ' + row.number}",
        you=SALUTATIONS[form],
        addressee_place=row.address or ls.addressee_place or ls.place,
        complaint_number=row.number, complaint_date=received.date(),
        complaint_subject=row.pokok or plain_subject(row.subject), channel=row.channel, answer=answer,
        attachments=sum(1 for f in office.book.attachments.of(row.id, "lampiran_surat") if f["path"]),
        sifat=ls.sifat, tembusan=ls.tembusan_of(kind), signing_note=ls.signing_note if signing_note is None else signing_note)


REJECTION_HAL = "Tindak Lanjut Pengaduan"


def is_rejection(office: Office, row: Complaint, now: dt.datetime) -> bool:
    """Whether the letter answers a `Tolak:` (logged just before in this transaction, or
    earlier when the letter waited for its number from the agenda keeper)."""
    return any(e.kind == "ditolak" and e.at <= iso(now) for e in office.book.events.of(row.id))


# What happens after numbering when the letter is signed outside the system (office.signing).
SIGNING_NEXT = {"basah": "untuk dicetak dan ditandatangani basah serta dicap dinas oleh",
                "tte": "untuk ditandatangani secara elektronik (TTE) oleh"}

KONSEP_NUMBER = "(diberikan setelah disetujui)"
KONSEP_NOTE = ("KONSEP: belum ditandatangani. Nomor, tanda tangan, dan segel dibubuhkan setelah penanda tangan "
               "menyetujui konsep ini.")


def render_konsep(office: Office, row: Complaint, now: dt.datetime) -> bytes:
    """The letter as the signer approves it: the stored konsep, unnumbered, with no signature
    image and no seal (those come only with the approval)."""
    signer = signer_of(office, now)
    unsigned = Signer(title=signer.title, name=signer.name, nip=signer.nip, rank=signer.rank,
                      delegation=signer.delegation)
    data = letter_data(office, row, row.draft or "", KONSEP_NUMBER,
                       now.astimezone(office.config.clock.tz).date(), signing_note=KONSEP_NOTE)
    data = replace(data, konsep=True, paraf=konsep_paraf(office, row))
    ls = office.config.letters
    if ls.template:
        return render_letter(data, office.config.letterhead, unsigned, ls.template, paper=ls.paper).data
    return render_letter(data, office.config.letterhead, unsigned, paper=ls.paper).data


NOTICE_HAL = {"kelengkapan": "Permohonan Kelengkapan Pengaduan", "perpanjangan": "Perpanjangan Waktu Penanganan Pengaduan",
              "dilimpahkan": "Pelimpahan Pengaduan", "keberatan": "Keputusan atas Keberatan"}


def issue_notice(office: Office, row: Complaint, kind: str, text: str, role: str, now: dt.datetime,
                 days: int = 0) -> dict:
    """A notice letter to a complainant without email, for the print queue: numbered in the
    register, signed by the official who gave it (a.n. the head when not the head) and sealed.
    It neither voids nor replaces the answer. Returns its register entry."""
    cfg = office.config
    book = office.book
    local_now = now.astimezone(cfg.clock.tz)
    number = take_number(office, row, kind, now, {"text": text, "role": role, "days": days}, hal=NOTICE_HAL[kind])
    if number is None:
        return {"number": None, "path": None}  # it waits for the agenda keeper's number (office.numbering)
    due = due_of(book, row)
    data = replace(letter_data(office, row, text, number, local_now.date(), kind=kind), kind=kind, hal=NOTICE_HAL[kind],
                   attachments=1 if kind == "dilimpahkan" else 0,  # the copy of the surat pelimpahan
                   days=days if kind == "perpanjangan" else cfg.silence_days,
                   # the answer's new date (the decision's, plus the steps still to come), not the decision's
                   due_date=answer_due(office, row, due).astimezone(cfg.clock.tz).date()
                   if due and kind == "perpanjangan" else None)
    signer = notice_signer(office, role, now)
    archive, _ = file_letter(office, row, data, signer, kind, now, role=notice_signer_role(office, role))
    book.events.add(row.id, now, row.step, SYSTEM, "surat",
                   f"Surat {NOTICE_HAL[kind].lower()} nomor {number} dibuat untuk disampaikan kepada pengadu "
                   f"(tanpa alamat surel), ditandatangani {signer.title.title()} {signer.name}.")
    return {"number": number, "path": str(archive)}


def issue_invitation(office: Office, row: Complaint, particulars: str, addressee: str, now: dt.datetime) -> dict | None:
    """The numbered undangan rapat dinas about a complaint, addressed to the invitees by
    jabatan, signed a.n. the head by the Sekretaris (who keeps the office's meetings) as the
    office signs, and registered. Returns its entry, or None while it waits for its number from
    the agenda keeper, like any letter (office.numbering; office.agenda resumes it)."""
    from letters.invitation import HAL, KIND

    cfg = office.config
    local_now = now.astimezone(cfg.clock.tz)
    number = take_number(office, row, KIND, now, {"particulars": particulars, "addressee": addressee}, hal=HAL,
                         addressee=addressee)
    if number is None:
        return None
    subject = (row.pokok or "dirahasiakan") if row.confidential else (row.pokok or plain_subject(row.subject))
    data = replace(letter_data(office, row, particulars, number, local_now.date()), kind=KIND, hal=HAL,
                   addressee=addressee, addressee_place="Tempat", complaint_subject=subject,
                   attachments=0, tembusan=())
    role = invitation_signer_role(office)
    signer = notice_signer(office, role, now)
    archive, _ = file_letter(office, row, data, signer, KIND, now, role=notice_signer_role(office, role))
    office.book.events.add(row.id, now, row.step, SYSTEM, "surat",
                          f"Surat undangan rapat dinas nomor {number} dibuat, ditandatangani {signer.title.title()} "
                          f"{signer.name}" + (f" ({signer.delegation})." if signer.delegation else "."))
    return {"number": number, "path": str(archive)}


def invitation_signer_role(office: Office) -> str:
    """Who signs the undangan: the Sekretaris (a.n. the head) where the office has one."""
    cfg = office.config
    return "sekretaris" if "sekretaris" in cfg.directory.officials else cfg.letters.head_role


def notice_signer_role(office: Office, role: str) -> str:
    """The role whose holder signs a notice given by `role` (notice_signer)."""
    ls = office.config.letters
    return ls.signer_role if role in (ls.head_role, ls.signer_role) else role


def notice_signer(office: Office, role: str, now: dt.datetime) -> Signer:
    """Who signs a notice: the head; else the official who gave it, "a.n." the head."""
    ls = office.config.letters
    if role == ls.head_role or role == ls.signer_role:
        return signer_of(office, now)
    holder = office.holder(role, now)
    form = f"{holder.delegation.split()[0]} " if holder.delegation else ""
    return Signer(title=f"{form}{holder.title}".upper(), name=holder.name, nip=holder.nip, rank=holder.rank,
                  delegation=f"a.n. {ls.head_title}", signature_image=None if holder.delegation else holder.signature)


REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|tr|aw|wg|balas|bls|terusan)\s*(?:\[\d+\])?\s*:\s*)+",
                          re.IGNORECASE)


def plain_subject(subject: str) -> str:
    """A mail's subject as a letter's perihal: without Re:/Fwd: and the like."""
    return REPLY_PREFIX.sub("", subject).strip()


def place_staff_copy(cfg, year: int, number: str, archive: Path, kind: str = "jawaban") -> None:
    """The staff's copy of a letter in the outbox folder (group-readable on purpose)."""
    copy = cfg.outbox / outbox_name(year, number, kind)
    copy.write_bytes(archive.read_bytes())
    copy.chmod(0o640)  # staff collect these, possibly through a shared group


def sync_staff_folder(office: Office) -> int:
    """Put back the copy of any letter awaiting dispatch that is missing from the staff folder
    (the process may have died between a commit and the copy)."""
    cfg = office.config
    placed = 0
    for letter in office.book.letters.awaiting_dispatch():
        name = outbox_name(letter.year, letter.number, letter.kind)
        if not (cfg.outbox / name).exists() and Path(letter.path).exists():
            private_dir(cfg.outbox, 0o750)
            place_staff_copy(cfg, letter.year, letter.number, Path(letter.path), letter.kind)
            placed += 1
    return placed


def outbox_name(year: int, number: str, kind: str = "jawaban") -> str:
    """The staff copy's file name, by kind as the archive names it (a clerk files by name);
    the year too, since numbers restart each year."""
    return f"{year}-surat-{kind}-{safe_name(number)}.docx"


def signer_of(office: Office, now: dt.datetime) -> Signer:
    """Who signs, in which form: the head; a Plt./Plh. delegate; or another role a.n. the head."""
    ls = office.config.letters
    holder = office.holder(ls.signer_role, now)
    if holder.delegation:
        # Plt./Plh.: the delegate signs under their own jabatan, below "Plt. CAMAT PALARAN".
        return Signer(title=holder.title.upper(), name=holder.name, nip=holder.nip, rank=holder.rank,
                      delegation=f"{holder.delegation.split()[0]} {ls.on_behalf_of or ls.signer_title}")
    delegation = f"a.n. {ls.on_behalf_of}" if ls.on_behalf_of else ""
    return Signer(title=ls.signer_title, name=holder.name, nip=holder.nip, rank=holder.rank,
                  delegation=delegation, signature_image=holder.signature)


def dossier_folder(office: Office, letter_number: str, issued_at: str) -> Path:
    """The archive folder of a letter's dossier."""
    year = parse_iso(issued_at).astimezone(office.config.clock.tz).year
    return office.config.files / "arsip" / str(year) / safe_name(letter_number)


def write_dossier(office: Office, row: Complaint, now: dt.datetime) -> None:
    """The archive copy of a complaint beside its letter: the record, its history, the delivery."""
    letter = office.book.letters.current(row.id)
    if letter is None:
        return
    doc = complaint_json(office, row, now, detail=True)
    doc["letters"] = [entry.as_dict() for entry in office.book.letters.listed(row.id)]
    folder = private_dir(dossier_folder(office, letter.number, letter.issued_at))
    (folder / "pengaduan.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    (folder / "lembar-disposisi.docx").write_bytes(disposition_sheet(office, row))


def record_delivery(office: Office, row: Complaint, method: str, note: str, now: dt.datetime) -> None:
    """Step 5's record on the letter: how and when it reached the complainant."""
    require_signed_copy(office, row)  # a letter signed outside the system goes only once it is back
    letter = office.book.letters.current(row.id)
    if letter:  # Office.apply rewrites the dossier once all effects are applied
        office.book.letters.record_dispatch(letter.id, now, method, note)
