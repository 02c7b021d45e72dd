"""The SOP engine: a pure `advance(case, event, now)` that says what a step's completion means.

It returns the complaint's new state and the effects to apply (history lines, emails to
queue, a letter to issue, a task to open); the caller applies them all in one transaction.
Which effects follow a step is read from the procedure (`on_done`), never from code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Callable, Mapping
from zoneinfo import ZoneInfo

from sop.effects import (  # noqa: F401 (re-exported: sop.engine is their home for most callers)
    SYSTEM,
    AskSection,
    Case,
    CloseTask,
    Delivered,
    Extend,
    Feedback,
    Forward,
    IssueLetter,
    IssueNotice,
    Join,
    Lapsed,
    Log,
    Meeting,
    Notify,
    OpenTask,
    Outcome,
    Pause,
    Recorded,
    Reply,
    Resume,
)
from sop.joining import JoinTarget, join_number, join_refusal
from sop.keywords import (
    is_yes,
    match_section,
    parse_extension,
    parse_feedback,
    parse_forward,
    parse_meeting,
    split_keywords,
)
from sop.procedure import Procedure, Step
from sop.terms import ANSWERED, CLOSED, DISSATISFIED, FORWARDED, LINKED, OPEN, REJECTED, SATISFIED, SILENT, salutation

WITA = ZoneInfo("Asia/Makassar")

PROPOSAL = "Usul penolakan: "  # how a proposed rejection opens the step's output
# The note on the delivery task of a rejection letter (a complainant without email).
REJECTION_DELIVERY = "Sampaikan surat penolakan kepada pengadu."


# The engine ---------------------------------------------------------------------------------
def _deliver(case: Case, step, text: str, delivery: str | None) -> list:
    by_email = case.has_email and delivery in (None, "email")
    method = "email" if by_email else (delivery or "lainnya")
    return [Delivered(method, text)] + ([Notify("surat_jawaban", "complainant", step.no)] if by_email else [])


ON_DONE_EFFECTS: dict[str, Callable[[Case, Step, str, str | None], list]] = {
    "acknowledge": lambda case, step, text, how: [Notify("tanda_terima", "complainant", step.no)] if case.has_email else [],
    "copy_performer": lambda case, step, text, how: [Notify("salinan_pencatatan", step.role, step.no)],
    "copy_section_head": lambda case, step, text, how: (
        [] if not case.section else [AskSection(step.no)] if case.ask_section
        else [Notify("salinan_seksi", "section", step.no)]),
    "draft_letter": lambda case, step, text, how: [],  # the konsep is kept in the case (see _finish)
    # After an approval or the agenda keeper's number (step.numbers) the letter is the konsep, not the reply.
    "issue_letter": lambda case, step, text, how: [
        IssueLetter(case.draft if (step.approval or step.numbers) and case.draft else text)],
    "deliver_letter": _deliver,
}


def awaits_delivery(case: Case, procedure: Procedure) -> bool:
    """Whether the complaint waits for its letter to be delivered (the step that does it)."""
    return case.state == OPEN and case.step is not None and "deliver_letter" in procedure.step(case.step).on_done


def _seksi(case, value, step, actor, ctx):
    name, _, wish = value.partition(";")
    section = match_section(name, ctx["sections"])
    ask = bool(re.search(r"\b(minta|mohon)\b.*\b(laporan|masukan|tanggapan)\b", wish, re.IGNORECASE))
    if section:
        return replace(case, section=section, ask_section=ask), [Log(step.no, actor, "seksi", f"Seksi terkait: {section}"
                                                                     + ("; diminta laporan." if ask else ""))]
    return case, [Log(step.no, actor, "catatan", f"Seksi '{value}' tidak dikenali; tidak ada salinan ke seksi.")]


def _rapat(case, value, step, actor, ctx):
    needed, when = parse_meeting(value, ctx["tz"])
    case = replace(case, meeting=needed)
    if not needed:
        return case, [Log(step.no, actor, "rapat", "Tidak perlu rapat dinas.")]
    effects: list[Log | Meeting] = [Log(step.no, actor, "rapat", "Perlu rapat dinas (SOP Rapat Dinas)" +
                   (f", dijadwalkan {when:%d-%m-%Y %H.%M}." if when else "."))]
    if when and step.meeting_with:
        effects.append(Meeting(when, step.meeting_with, case.number))
    return case, effects


def _rahasia(case, value, step, actor, ctx):
    secret = is_yes(value)
    return replace(case, confidential=secret), [Log(step.no, actor, "rahasia", (
        "Identitas pengadu dirahasiakan dari salinan kepada seksi." if secret
        else "Identitas pengadu tidak dirahasiakan."))]


def _pokok(case, value, step, actor, ctx):
    pokok = " ".join(value.split())[:200]
    if not pokok:
        return case, []
    return replace(case, pokok=pokok), [Log(step.no, actor, "pokok", f"Pokok pengaduan: {pokok}")]


def _sapaan(case, value, step, actor, ctx):
    form = salutation(value)
    if form is None:
        return case, [Log(step.no, actor, "catatan", f"Sapaan '{value}' tidak dikenal (pilihan: Bapak, Ibu, Sdr., "
                                                     f"Sdri.); surat memakai sapaan bawaan.")]
    return replace(case, sapaan=form), [Log(step.no, actor, "sapaan", f"Sapaan pengadu dalam surat: {form}")]


def _ignored(case, value, step, actor, ctx):
    return case, [Log(step.no, actor, "catatan", "Baris kata kunci yang tidak berlaku pada langkah "
                                                 f"{step.no} diabaikan dan tidak menjadi isi: "
                                                 + "; ".join(value.splitlines()))]


KEYWORD_HANDLERS = {"seksi": _seksi, "pokok": _pokok, "sapaan": _sapaan, "rapat": _rapat, "rahasia": _rahasia,
                    "": _ignored}


def advance(case: Case, event, now: dt.datetime, procedure: Procedure,
            sections: tuple = (), tz: ZoneInfo = WITA, named: Mapping[str, JoinTarget] | None = None) -> Outcome:
    """The new state of `case` after `event`, and the effects that go with it. `sections`: the
    office's section names, or (name, aliases) pairs. `named`: what the book holds of the
    complaints the event names (sop.joining.named_by), by number; the engine asks nothing else."""
    if case.state == ANSWERED and isinstance(event, (Feedback, Lapsed)):
        return _judged(case, event, procedure)
    if case.state != OPEN:
        return Outcome(case, (Log(case.step, getattr(event, "actor", SYSTEM), "diabaikan",
                                  "Pengaduan sudah ditutup; tidak ada perubahan."),), acted=False)
    if isinstance(event, Recorded):
        step = procedure.step(1)
        return _finish(case, step, event.actor, event.text or step.output, procedure, [], None)
    if isinstance(event, Lapsed):
        return _lapse(case, procedure)
    if not isinstance(event, Reply):
        raise TypeError(f"unknown event {event!r}")
    outcome = _replied(case, event, procedure, sections, tz, named or {})
    if not (event.left_out and outcome.acted):
        return outcome
    # The history says what of the mail was not recorded, so a wrong cut is seen at once.
    first = next((i for i, e in enumerate(outcome.effects) if isinstance(e, Log) and e.actor == event.actor
                  and e.kind != "dilanjutkan"), None)
    if first is None:
        return outcome
    noted = replace(outcome.effects[first], left_out=event.left_out)
    return replace(outcome, effects=(*outcome.effects[:first], noted, *outcome.effects[first + 1:]))


def _replied(case: Case, event: Reply, procedure: Procedure, sections: tuple, tz: ZoneInfo,
             named: Mapping[str, JoinTarget]) -> Outcome:
    """advance() for an official's reply to the waiting step."""
    if event.step != case.step:
        return Outcome(case, (Log(event.step, event.actor, "diabaikan",
                                  f"Balasan untuk langkah {event.step}, sedangkan langkah yang "
                                  f"ditunggu {case.step}; tidak ada perubahan."),), acted=False)
    step = procedure.step(event.step)
    found, text = split_keywords(event.text, step.keywords)
    if found.get("notulen", "").strip():
        # The minutes of the meeting (SOP Rapat Dinas) belong to the decision taken after it:
        # recorded in its text, so every history and the lembar disposisi carry them.
        text = f"{text}\n\nNotulen rapat: {found.pop('notulen').strip()}".strip()
    found.pop("notulen", None)
    if not text and not (found.keys() - {""}):
        return Outcome(case, (Notify("balasan_kosong", "actor", step.no),), acted=False)
    resumed: list = []
    if case.paused:  # any action of the official starts the clock again
        case = replace(case, paused=False)
        resumed = [Resume(), Log(step.no, event.actor, "dilanjutkan", "Waktu langkah berjalan kembali.")]
    decided = _decisive(case, step, event.actor, found, text, procedure, resumed, named)
    if decided is not None:
        return decided
    notes: list = list(resumed)
    ctx = {"sections": sections, "tz": tz}
    for key, handler in KEYWORD_HANDLERS.items():
        if key in found:
            case, effects = handler(case, found[key], step, event.actor, ctx)
            notes.extend(effects)
    if "rapat" in found and step.meeting_with and any(isinstance(e, Meeting) for e in notes):
        # The meeting comes before the decision: the step stays open for it (SOP Rapat Dinas).
        return Outcome(case, (*notes, *([Log(step.no, event.actor, "catatan", text)] if text else []),
                              Notify("konfirmasi", "actor", step.no, {"text": text, "meeting": True})))
    if step.approval:
        text = "Konsep jawaban disetujui." + (f" Catatan: {text}" if text else "")
    return _finish(case, step, event.actor, text, procedure, notes, event.delivery)


def _decisive(case, step, actor, found, text, procedure, resumed, named) -> Outcome | None:
    """The keywords that decide the reply's meaning by themselves (reject, send back, approve or
    not, close an objection, join, forward, ask the complainant, extend); None when none did."""
    if "tolak" in found:
        reason = found["tolak"] or text
        if step.reject == "propose":
            return _propose_rejection(case, step, actor, reason, text, procedure, resumed)
        return _reject(case, step, actor, reason, procedure, resumed)
    if "kembalikan" in found or "perbaiki" in found:
        return _send_back(case, step, actor, found.get("perbaiki") or found.get("kembalikan") or text,
                          procedure, resumed, correction="perbaiki" in found)
    if step.approval and "setuju" not in found:
        return Outcome(case, (Notify("persetujuan_belum_jelas", "actor", step.no),), acted=False)
    if "tutup" in found and step.objection:
        return _close_objection(case, step, actor, found["tutup"] or text, resumed)
    if "gabung" in found:
        return _join(case, step, actor, found["gabung"], named, resumed)
    if "teruskan" in found:
        return _forward(case, step, actor, found["teruskan"], text, resumed)
    if "lengkapi" in found:
        return _ask_complainant(case, step, actor, found["lengkapi"] or text, text, procedure)
    if "perpanjang" in found:
        return _extend(case, step, actor, found["perpanjang"], procedure, resumed)
    return None


def _finish(case, step, actor, text, procedure, notes, delivery) -> Outcome:
    if "draft_letter" in step.on_done:
        case = replace(case, draft=text)
    effects: list = [Log(step.no, actor, "langkah", text), *notes, CloseTask(step.no, text)]
    for name in step.on_done:
        effects.extend(ON_DONE_EFFECTS[name](case, step, text, delivery))
    if not step.automatic:
        effects.append(Notify("konfirmasi", "actor", step.no, {"text": text}))
    nxt = procedure.next_step(step.no)
    while nxt is not None and nxt.approval and nxt.role == step.role:
        # The writer is the signer: there is nobody else to approve, the konsep is the letter.
        effects.append(Log(nxt.no, SYSTEM, "persetujuan", "Penulis jawaban adalah penanda tangan; konsep langsung "
                                                          "menjadi surat tanpa langkah persetujuan."))
        for name in nxt.on_done:
            effects.extend(ON_DONE_EFFECTS[name](case, nxt, text, delivery))
        nxt = procedure.next_step(nxt.no)
    if any(isinstance(e, IssueLetter) for e in effects):  # the konsep became the letter
        case = replace(case, draft=None)
    if case.rejecting and "deliver_letter" in step.on_done:  # the rejection letter reached the complainant
        case = replace(case, state=REJECTED, step=None, rejecting=False)
        effects.append(Log(None, SYSTEM, "selesai", "Surat penolakan telah disampaikan; pengaduan ditutup dengan "
                                                    "status ditolak."))
    elif nxt is None and procedure.objection_step is not None:
        # The answer is delivered; the complainant may still say PUAS or TIDAK PUAS.
        case = replace(case, state=ANSWERED, step=None, satisfaction=None, rating=None)
        effects.append(Log(None, SYSTEM, "dijawab", "Jawaban telah disampaikan; menunggu tanggapan pengadu (PUAS atau "
                                                    "TIDAK PUAS)."))
    elif nxt is None:
        case = replace(case, state=CLOSED, step=None)
        effects.append(Log(None, SYSTEM, "selesai", "Pengaduan selesai ditangani dan ditutup."))
    else:
        case = replace(case, step=nxt.no)
        effects.append(OpenTask(nxt.no))
    return Outcome(case, tuple(effects))


def _reject(case, step, actor, reason, procedure, resumed=()) -> Outcome:
    """`Tolak:` not the office's remit, or not a complaint: the citizen is told and it closes.
    Told by email; without an address, by a letter that waits in the print queue."""
    reason = reason.strip().rstrip(".") + "." if reason.strip() else "tidak termasuk kewenangan kantor ini."
    effects = [*resumed, Log(step.no, actor, "ditolak", f"Pengaduan ditolak: {reason}"),
               CloseTask(step.no, f"Ditolak: {reason}")]
    if case.has_email:
        effects.append(Notify("penolakan", "complainant", step.no, {"reason": reason}))
    else:
        # One sentence, which the letter joins to its opening ("dengan ini kami sampaikan bahwa …").
        because = reason[:1].lower() + reason[1:] if reason[1:2].islower() else reason
        effects.append(IssueLetter(f"Pengaduan tersebut tidak dapat kami tindak lanjuti karena {because}"))
    delivery = None if case.has_email else procedure.delivery_step
    effects.append(Notify("konfirmasi", "actor", step.no, {"text": f"Tolak: {reason}", "closed": "rejected",
                                                            "delivery": bool(delivery)}))
    if delivery is not None:
        # The seed's last step applies to a rejection too: the letter is delivered and the
        # delivery documented before the complaint closes (dispatch_letter, or the routing mail).
        effects += [Log(None, SYSTEM, "catatan", "Surat penolakan menunggu disampaikan kepada pengadu; pengaduan "
                                                 "ditutup dengan status ditolak setelah surat itu disampaikan."),
                    OpenTask(delivery.no, note=REJECTION_DELIVERY)]
        return Outcome(replace(case, step=delivery.no, paused=False, rejecting=True), tuple(effects))
    effects.append(Log(None, SYSTEM, "selesai", "Pengaduan ditutup dengan status ditolak."))
    return Outcome(replace(case, state=REJECTED, step=None, paused=False), tuple(effects))


def _propose_rejection(case, step, actor, reason, text, procedure, resumed) -> Outcome:
    """`Tolak:` where the SOP lets only the next step decide: a proposal, with the reason, for it."""
    reason = reason.strip() or "tidak termasuk kewenangan kantor ini"
    output = f"{PROPOSAL}{reason}" + (f"\n\n{text}" if text and text != reason else "")
    notes = [*resumed, Log(step.no, actor, "usul_tolak", f"Diusulkan untuk ditolak: {reason}")]
    return _finish(case, step, actor, output, procedure, notes, None)


def _send_back(case, step, actor, reason, procedure, resumed=(), correction=False) -> Outcome:
    """`Kembalikan:` (or `Perbaiki:` on a konsep) the step before is opened again, with the
    reason in its routing email."""
    back = procedure.previous_step(step.no)
    reason = reason.strip() or "perlu diperbaiki"
    word = "Perbaiki" if correction else "Kembalikan"
    effects = (*resumed, Log(step.no, actor, "dikembalikan", f"Dikembalikan ke langkah {back.shown}: {reason}"),
               CloseTask(step.no, f"{word}: {reason}"),
               Notify("konfirmasi", "actor", step.no, {"text": f"{word}: {reason}", "back_to": back.shown}),
               OpenTask(back.no, note=reason))
    return Outcome(replace(case, step=back.no, paused=False), effects)


def _join(case, step, actor, value, named, resumed) -> Outcome:
    """`Gabung: <nomor>` the same matter as an open complaint: handled and answered with it."""
    number = join_number(value)
    refusal = join_refusal(case.number, number, named.get(number))
    if refusal:
        return Outcome(case, (Notify("gabung_gagal", "actor", step.no, {"value": value, "why": refusal}),),
                       acted=False)
    effects = (*resumed, Log(step.no, actor, "digabung", f"Digabung dengan pengaduan {number}: ditangani dan dijawab "
                                                          "bersama pengaduan itu."),
               CloseTask(step.no, f"Digabung dengan {number}"), Join(number),
               Notify("konfirmasi", "actor", step.no, {"text": f"Gabung: {number}", "joined": number}))
    return Outcome(replace(case, state=LINKED, step=None, paused=False), effects)


def _forward(case, step, actor, value, text, resumed) -> Outcome:
    """`Teruskan: <instansi>; <surel>` not ours to decide: the competent body gets the complaint
    with a surat pelimpahan, the complainant is told where it went (SP4N-LAPOR!'s "no wrong door")."""
    target = parse_forward(value)
    if target is None:
        return Outcome(case, (Notify("teruskan_tidak_jelas", "actor", step.no, {"value": value}),), acted=False)
    body, email = target
    effects = [*resumed, Log(step.no, actor, "dilimpahkan", f"Dilimpahkan kepada {body} ({email})"
                                                            + (f": {text}" if text else ".")),
               CloseTask(step.no, f"Dilimpahkan kepada {body}"), Forward(body, email, text)]
    if case.has_email:
        effects.append(Notify("pelimpahan", "complainant", step.no, {"body": body}))
    else:  # told by a notice letter in the print queue
        effects.append(IssueNotice("dilimpahkan", body, step.role))
    effects.append(Notify("konfirmasi", "actor", step.no, {"text": f"Teruskan: {body}; {email}", "forwarded": body}))
    effects.append(Log(None, SYSTEM, "selesai", f"Pengaduan dilimpahkan kepada {body}; tanggapannya diteruskan "
                                                "kepada pengadu."))
    return Outcome(replace(case, state=FORWARDED, step=None, paused=False), tuple(effects))


def _ask_complainant(case, step, actor, what, text, procedure) -> Outcome:
    """`Lengkapi:` the complainant is asked for what is missing and the step's clock stops."""
    what = what.strip() or text.strip()
    if not what:
        return Outcome(case, (Notify("balasan_kosong", "actor", step.no),), acted=False)
    effects = [Log(step.no, actor, "lengkapi", f"Pengadu diminta melengkapi: {what.rstrip('.')}. Waktu langkah dihentikan "
                                               "sementara."),
               Pause(what)]
    if case.has_email:
        effects.append(Notify("permintaan_kelengkapan", "complainant", step.no, {"what": what}))
    else:  # a letter for the print queue, and staff asked to deliver it (or phone)
        effects += [IssueNotice("kelengkapan", what, step.role),
                    Notify("hubungi_pengadu", procedure.step(1).role, step.no, {"what": what})]
    effects.append(Notify("konfirmasi", "actor", step.no, {"text": f"Lengkapi: {what}", "paused": True}))
    return Outcome(replace(case, paused=True), tuple(effects))


def _extend(case, step, actor, value, procedure, resumed) -> Outcome:
    """`Perpanjang: <n> hari kerja, <alasan>` within what the SOP allows for the step."""
    parsed = parse_extension(value)
    limit = step.max_extension.amount if step.max_extension else 0
    if parsed is None:
        why = "tulis jumlah hari kerja dan alasannya, misalnya \"Perpanjang: 5 hari kerja, menunggu hasil survei\""
    elif limit == 0:
        why = f"SOP tidak membolehkan perpanjangan pada langkah {step.shown}"
    elif case.extended_days + parsed[0] > limit:
        why = (f"perpanjangan paling lama {limit} hari kerja untuk langkah ini; sudah diperpanjang "
               f"{case.extended_days} hari kerja")
    else:
        why = ""
    if why or parsed is None:
        return Outcome(case, (Notify("perpanjangan_ditolak", "actor", step.no, {"why": why}),), acted=False)
    days, reason = parsed
    reason = reason or "tidak disebutkan"
    effects = [*resumed, Log(step.no, actor, "perpanjang", f"Batas waktu langkah {step.shown} diperpanjang {days} hari "
                                                           f"kerja: {reason}"),
               Extend(days, reason), Notify("konfirmasi", "actor", step.no,
                                            {"text": f"Perpanjang: {days} hari kerja, {reason}", "extended": days})]
    if case.has_email:
        effects.append(Notify("perpanjangan", "complainant", step.no, {"days": days, "reason": reason}))
    else:
        effects += [IssueNotice("perpanjangan", reason, step.role, days),
                    Notify("sampaikan_perpanjangan", procedure.step(1).role, step.no, {"days": days, "reason": reason})]
    return Outcome(replace(case, extended_days=case.extended_days + days), tuple(effects))


def _lapse(case, procedure) -> Outcome:
    """Nothing came back after `Lengkapi:` within the silence period: closed with that reason."""
    reason = "pengadu tidak melengkapi keterangan yang diminta dalam batas waktu"
    effects = [Log(case.step, SYSTEM, "ditutup", f"Pengaduan ditutup: {reason}."),
               CloseTask(case.step or 0, f"Ditutup: {reason}")]
    if case.has_email:
        effects.append(Notify("ditutup_tanpa_kelengkapan", "complainant", case.step))
    effects.append(Log(None, SYSTEM, "selesai", "Pengaduan ditutup karena tidak dilengkapi."))
    return Outcome(replace(case, state=CLOSED, step=None, paused=False), tuple(effects))


SKM = {1: "tidak baik", 2: "kurang baik", 3: "baik", 4: "sangat baik"}


def _judged(case, event, procedure) -> Outcome:
    """After the answer: PUAS closes, TIDAK PUAS opens the objection (keberatan) for the step
    the SOP names, silence closes as answered. A reply that says neither acts on nothing."""
    if isinstance(event, Lapsed):
        return Outcome(replace(case, state=CLOSED, satisfaction=SILENT), (
            Log(None, SYSTEM, "selesai", "Pengadu tidak menanggapi jawaban dalam batas waktu; pengaduan ditutup sebagai "
                                         "terjawab."),))
    judged = parse_feedback(event.text)
    if judged is None:
        return Outcome(case, (), acted=False)
    verdict, rating, reason = judged
    graded = f" (nilai {rating}: {SKM[rating]})" if rating else ""
    if verdict == SATISFIED:
        return Outcome(replace(case, state=CLOSED, satisfaction=SATISFIED, rating=rating), (
            Log(None, event.actor, "kepuasan", f"Pengadu menyatakan puas{graded}." + (f" {reason}" if reason else "")),
            Notify("tanggapan_diterima", "complainant", None,
                   {"verdict": SATISFIED, "rating": rating, "rating_words": SKM.get(rating or 0, "")}),
            Log(None, SYSTEM, "selesai", "Pengaduan selesai ditangani dan ditutup.")))
    objection = procedure.objection_step
    reason = reason or "tidak disebutkan"
    return Outcome(replace(case, state=OPEN, step=objection.no, satisfaction=DISSATISFIED, rating=rating), (
        Log(objection.no, event.actor, "keberatan", f"Pengadu menyatakan tidak puas{graded}: {reason}"),
        OpenTask(objection.no, note=f"Keberatan pengadu: {reason}"),
        Notify("tanggapan_diterima", "complainant", objection.no, {"verdict": DISSATISFIED, "reason": reason})))


def _close_objection(case, step, actor, reason, resumed) -> Outcome:
    """`Tutup: <alasan>` the Camat decides the objection needs no new answer, and says why."""
    reason = reason.strip() or "jawaban yang telah disampaikan sudah sesuai ketentuan"
    effects = [*resumed, Log(step.no, actor, "keberatan_ditutup", f"Keberatan diputuskan tanpa jawaban baru: {reason}"),
               CloseTask(step.no, f"Ditutup: {reason}")]
    if case.has_email:
        effects.append(Notify("keberatan_ditutup", "complainant", step.no, {"reason": reason}))
    else:
        effects.append(IssueNotice("keberatan", reason, step.role))
    effects += [Notify("konfirmasi", "actor", step.no, {"text": f"Tutup: {reason}", "closed": "objection"}),
                Log(None, SYSTEM, "selesai", "Pengaduan ditutup setelah keberatan diputuskan.")]
    return Outcome(replace(case, state=CLOSED, step=None), tuple(effects))
