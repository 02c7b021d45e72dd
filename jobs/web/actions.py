"""What staff record at the desk: a walk-in complaint and its receipt, and the dispatch of letters."""

from __future__ import annotations

import datetime as dt
import io
import logging
import mimetypes
import re
from collections.abc import Mapping

from flask import abort, g, redirect, render_template, request, send_file, session, url_for

from jobs.web.common import flash, found, handed_out, needs, office, to_complaint, to_letters, told
from office import downloads, lookups
from office.commands import (
    CHANNELS,
    DELIVERY_WAYS,
    Refused,
    dispatch_letter,
    join,
    record_addition,
    record_desk_complaint,
    record_feedback,
    release,
    set_lapor_id,
)
from office.desk import file_delivery_proof, person, sees_identity
from office.plain import CHANNEL_WORDS, Attachment
from office.privacy import record_access
from office.proposals import NotHolder, act_at_desk, answer_at_desk, desk_view, preview, propose_action

log = logging.getLogger("pengaduan.meja")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def register(app) -> None:
    app.add_url_rule("/catat", "catat", catat, methods=["GET", "POST"])
    app.add_url_rule("/pengaduan/<path:number>/tanda-terima.<kind>", "tanda_terima", tanda_terima)
    app.add_url_rule("/pengaduan/<path:number>/catatan", "catatan", catatan, methods=["POST"])
    app.add_url_rule("/pengaduan/<path:number>/tanggapan", "tanggapan", tanggapan, methods=["POST"])
    app.add_url_rule("/pengaduan/<path:number>/lepaskan", "lepaskan", lepaskan, methods=["POST"])
    app.add_url_rule("/pengaduan/<path:number>/gabung", "gabung", gabung, methods=["POST"])
    app.add_url_rule("/pengaduan/<path:number>/lapor", "lapor", lapor, methods=["POST"])
    app.add_url_rule("/surat-keluar", "surat_keluar", surat_keluar)
    app.add_url_rule("/surat-keluar/<int:letter_id>/terkirim", "terkirim", terkirim, methods=["POST"])
    app.add_url_rule("/surat-keluar/nomor", "beri_nomor", beri_nomor, methods=["POST"])
    app.add_url_rule("/surat-keluar/agenda.<kind>", "agenda_surat", agenda_surat)
    app.add_url_rule("/pengaduan/<path:number>/usulan/<int:proposal_id>", "usulan", usulan, methods=["POST"])
    app.add_url_rule("/pengaduan/<path:number>/tindakan", "tindakan", tindakan, methods=["POST"])
    app.add_url_rule("/surat-keluar/<int:letter_id>/bertanda-tangan", "bertanda_tangan", bertanda_tangan,
                     methods=["POST"])
    app.add_url_rule("/surat-keluar/<int:letter_id>/untuk-tte.pdf", "untuk_tte", untuk_tte)

    @app.context_processor
    def proposals():  # the complaint page's proposals, and what the logged-in official may do
        return {"official_desk": lambda d: desk_view(office(), d["id"], g.user, g.now)}


def _send_queued() -> None:
    """Mail what this request queued, at once and nothing else (the daemon's mail of the same
    moment is the daemon's to send); the daemon's sender retries what fails. The PDFs it asked
    for (a letter, a walk-in's receipt) are made right after, in the background, and the mails
    that waited for them sent then (office.letter_pdfs)."""
    from jobs.outgoing import send_queued
    from office.letter_pdfs import start

    since, desk = g.now, office()
    queued, g.mail_mark = desk.queued_since(g.mail_mark), desk.mails_queued

    def send(here) -> None:
        try:
            send_queued(here, since, queued)
        except Exception as exc:  # the mail stays queued in the book
            log.warning("surel dari meja layanan belum terkirim (%s); daemon akan mengirimkannya", exc)

    send(office())
    start(office(), then=send)


def _uploads(field: str) -> tuple[Attachment, ...]:
    files = []
    for item in request.files.getlist(field):
        data = item.read()
        if item.filename or data:  # the name is data only: files are stored under names made by the office
            files.append(Attachment(filename=item.filename or "lampiran", data=data,
                                    content_type=item.mimetype or mimetypes.guess_type(item.filename or "")[0]
                                    or "application/octet-stream"))
    return tuple(files)


def _too_large(files: tuple[Attachment, ...]) -> str:
    """Why the walk-in's files cannot all be kept ('' when they can): each file and all together
    within the office's limits ([intake] max_attachment_mb, max_message_mb)."""
    limits = office().config.intake
    over = [f.filename for f in files if len(f.data) > limits.max_attachment_bytes]
    if over:
        return (f"Lampiran {', '.join(over)} melebihi batas {limits.max_attachment_bytes // 2**20} MB per berkas; "
                "pengaduan belum dicatat. Perkecil berkas itu (misalnya foto dengan resolusi lebih rendah) lalu "
                "pilih lampiran dan simpan lagi; isian lain tetap tersimpan di formulir ini.")
    if sum(len(f.data) for f in files) > limits.max_total_bytes:
        return (f"Lampiran seluruhnya melebihi batas {limits.max_total_bytes // 2**20} MB; pengaduan belum dicatat. "
                "Kurangi atau perkecil berkas lalu simpan lagi; isian lain tetap tersimpan di formulir ini.")
    return ""


def _received(text: str) -> dt.datetime | None:
    """The "Diterima kantor" field (datetime-local, office time), None when empty."""
    if not text.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused("Waktu diterima tidak terbaca; isi tanggal dan jam.") from None
    return moment.replace(tzinfo=office().config.clock.tz) if moment.tzinfo is None else moment


@needs("catat")
def catat():
    desk = office()
    form: Mapping[str, str] = request.form
    error = ""
    if request.method == "GET" and session.get("simpan"):
        from jobs.web.kept import take

        kept = take(session.pop("simpan"), g.user["name"], request.path)
        if kept is not None:
            form = kept
            error = ("Sesi Anda telah berakhir sebelum formulir tersimpan. Isian Anda dikembalikan (lampiran "
                     "perlu dipilih lagi); periksa, lalu simpan.")
    if request.method == "POST":
        email = form.get("surel", "").strip() or None
        try:
            if not form.get("nama", "").strip() or not form.get("pokok", "").strip() or not form.get("isi", "").strip():
                raise Refused("Nama, Pokok dan Isi wajib diisi.")
            if email and not EMAIL.fullmatch(email):
                raise Refused(f"Alamat surel tidak valid: {email}")
            files = _uploads("lampiran")
            refusal = _too_large(files)
            if refusal:
                raise Refused(refusal)
            officer = person(g.user)
            row = record_desk_complaint(
                desk, channel=form.get("saluran", ""), name=form["nama"].strip(), email=email,
                phone=form.get("telepon", "").strip() or None, address=form.get("alamat", "").strip() or None,
                subject=form["pokok"].strip(), body=form["isi"], files=files, officer=officer, now=g.now,
                received_at=_received(form.get("diterima", "")), section=form.get("seksi", "").strip() or None,
                confidential=form.get("rahasia") == "ya", lapor_id=form.get("lapor", "").strip() or None)
        except Refused as exc:
            error = str(exc)
        else:
            from office.receipts import write_receipt

            write_receipt(desk, row, g.user.get("full_name") or g.user["name"], g.now, nip=g.user.get("nip") or "",
                          jabatan=g.user.get("jabatan") or "")
            _send_queued()
            return redirect(url_for("pengaduan", number=row.number, baru="1"))
    return walk_in_form(form, error, 400 if error and request.method == "POST" else 200)


def walk_in_form(form, error: str, code: int):
    """The walk-in form with what was typed and why it was not recorded."""
    desk = office()
    channels = {c: CHANNEL_WORDS.get(c, c) for c in CHANNELS}
    sections = [x.name for x in desk.config.directory.sections]
    today = g.now.astimezone(desk.config.clock.tz).strftime("%Y-%m-%dT%H:%M")
    return render_template("catat.html", channels=channels, form=form, error=error, sections=sections,
                           today=today), code


class _Dropped(io.BytesIO):
    """Where an over-limit request's files go: nowhere (its typed fields are what is kept)."""

    def write(self, data) -> int:
        return len(data)


def walk_in_over_limit():
    """A walk-in form posted over the desk's whole-request limit: the form again with the fields
    read from the request (its files dropped unread, never stored), and one sentence with the
    limit. Staff choose smaller files; nothing else is retyped."""
    from flask_wtf.csrf import validate_csrf
    from werkzeug.datastructures import MultiDict
    from werkzeug.formparser import parse_form_data

    from office.desk import may, session_user
    from office.plain import utcnow

    g.now = getattr(g, "now", None) or utcnow()
    g.user = session_user(office(), session.get("t"), g.now)  # the 413 may come before the login check
    if g.user is None or not may(g.user["role"], "catat"):
        return None
    limit = office().config.intake.max_total_bytes // 2**20
    try:
        _, form, _ = parse_form_data(request.environ, stream_factory=lambda *a, **k: _Dropped(),
                                     max_form_memory_size=2**20, max_content_length=None, silent=False)
        validate_csrf(form.get("csrf_token"))  # the fields are shown only to the form's own sender
    except Exception:  # a field over the memory limit, a broken body, no valid token: nothing is read
        form = MultiDict()
    text = (f"Lampiran terlalu besar: seluruh kiriman melebihi batas {limit} MB, sehingga pengaduan belum dicatat; "
            "perkecil atau kurangi berkas, pilih lampiran lagi, lalu simpan.")
    return walk_in_form(form, text, 413)


# What staff record on a complaint for someone outside email (`tambahan`); an official's action
# (`tindakan`) is only a proposal until that official confirms it, and is shown before it is saved.
RECORDS = {"tambahan": record_addition, "tindakan": propose_action}


@needs("catat", back=to_complaint)
def catatan(number: str):
    kind = request.form.get("jenis", "")
    record = RECORDS.get(kind)
    if record is None:
        abort(400)
    text = request.form.get("teks", "")
    if kind == "tindakan" and request.form.get("yakin") != "1":
        from jobs.web.pages import pengaduan

        return pengaduan(number, proposal=preview(office(), number, text, g.now), proposal_text=text)
    record(office(), number, text, person(g.user), g.now)
    _send_queued()
    return told("berhasil", "Usulan tindakan disimpan dan dikirim kepada pejabat untuk dikonfirmasi."
                if kind == "tindakan" else "Keterangan tambahan disimpan dalam riwayat.", to_complaint(number))


@needs("catat", back=to_complaint)
def tanggapan(number: str):
    """The complainant's word on the answer, told to staff, by choice: PUAS, TIDAK PUAS with a
    reason, or a rating 1–4 (the SKM scale)."""
    choice, reason, rating = (request.form.get(k, "").strip() for k in ("pilihan", "alasan", "nilai"))
    text = {"puas": "PUAS", "tidak_puas": f"TIDAK PUAS: {reason}", "nilai": rating}.get(choice, "")
    if choice == "tidak_puas" and not reason:
        raise Refused("Tulis alasan pengadu tidak puas.")
    if choice == "nilai" and rating not in ("1", "2", "3", "4"):
        raise Refused("Pilih nilai 1 sampai 4.")
    record_feedback(office(), number, text, person(g.user), g.now)
    _send_queued()
    return told("berhasil", "Tanggapan pengadu dicatat.", to_complaint(number))


@needs("catat", back=to_complaint)
def lepaskan(number: str):
    """Staff release a held complaint, or every one held from its sender, after checking them."""
    desk = office()
    row = found(lookups.complaint(desk, number))
    everyone = request.form.get("semua") == "1" and row.sender
    done = release(desk, () if everyone else (number,), row.sender if everyone else None, person(g.user), g.now)
    numbers = ", ".join(r.number for r in done)
    record_access(desk, "meja-lepas", number, numbers, g.now, who=g.user["name"])
    _send_queued()
    return told("berhasil", f"{len(done)} pengaduan dilepas dan diteruskan seperti biasa: {numbers}.",
                to_complaint(number))


@needs("catat", back=to_complaint)
def gabung(number: str):
    """Staff join this complaint to the earlier one it repeats: answered together with it."""
    main = request.form.get("utama", "").strip()
    join(office(), main, number, person(g.user), g.now)
    record_access(office(), "meja-gabung", number, main, g.now, who=g.user["name"])
    _send_queued()
    return told("berhasil", f"Pengaduan {number} digabung dengan {main}: ditangani dan dijawab bersama pengaduan itu.",
                to_complaint(number))


@needs("catat", back=to_complaint)
def lapor(number: str):
    """The complaint's SP4N-LAPOR! tracking number."""
    value = request.form.get("nomor", "").strip()[:40]
    set_lapor_id(office(), number, value)
    record_access(office(), "meja-nomor-lapor", number, value, g.now, who=g.user["name"])
    return told("berhasil", f"Nomor pelacakan SP4N-LAPOR! {value} disimpan." if value else "Nomor SP4N-LAPOR! dihapus.",
                to_complaint(number))


def _official() -> None:
    """Only an account that is an official (pimpinan with the official's address) acts as one."""
    if g.user["role"] != "pimpinan" or not g.user.get("email"):
        abort(403)


@needs(None, back=to_complaint)
def usulan(number: str, proposal_id: int):
    """The official's own `Benar` or `Bukan` on a proposal recorded for them."""
    _official()
    decision = request.form.get("keputusan", "")
    if decision not in ("benar", "bukan"):
        abort(400)
    try:
        answer_at_desk(office(), number, proposal_id, decision == "benar", g.user, g.now)
    except NotHolder:
        abort(403)
    _send_queued()
    return told("berhasil", "Catatan disimpan dalam riwayat.", to_complaint(number))


@needs(None, back=to_complaint)
def tindakan(number: str):
    """The official's own action on the step they hold (at the approval step: Setuju or Perbaiki)."""
    _official()
    try:
        act_at_desk(office(), number, request.form.get("teks", ""), g.user, g.now)
    except NotHolder:
        abort(403)
    _send_queued()
    return told("berhasil", "Catatan disimpan dalam riwayat.", to_complaint(number))


@needs("catat", refused=404)
def tanda_terima(number: str, kind: str):
    return handed_out(lambda: downloads.receipt(office(), g.user, number, kind, g.now), as_attachment=kind == "docx")


@needs("surat")
def surat_keluar():
    desk = office()
    rows = []
    identity = sees_identity(desk, g.user["role"])
    for letter, complaint in lookups.letters_to_send(desk):
        # A confidential complainant's name and addresses only for [web] identity_roles, as on
        # the complaint's page; the letter itself is refused to the others (pages.surat_berkas).
        hidden = bool(complaint.confidential) and not identity
        rows.append({"letter": letter, "complaint": complaint, "hidden": hidden})
    from office.agenda import waiting_letters

    month = g.now.astimezone(desk.config.clock.tz).strftime("%Y-%m")
    waiting = [{**w, "addressee": "(dirahasiakan)"} if w["confidential"] and not identity else w
               for w in waiting_letters(desk)]
    return render_template("surat.html", rows=rows, ways=DELIVERY_WAYS, waiting=waiting,
                           numbering=desk.config.letters.numbering, month=request.args.get("bulan", month))


@needs("kirim")
def beri_nomor():
    """Staff give a letter waiting for its number the number from the office's agenda."""
    from office.agenda import NumberRefused, number_letter

    try:
        done = number_letter(office(), request.form.get("surat", ""), request.form.get("nomor", ""),
                             person(g.user), g.now)
    except NumberRefused as exc:
        return told("galat", str(exc), to_letters())
    _send_queued()
    return told("berhasil", done, to_letters())


@needs("surat", refused=404)
def agenda_surat(kind: str):
    """The month's agenda surat keluar as XLSX or PDF (the same files as `pengaduan agenda`)."""
    import tempfile
    from pathlib import Path

    from office.agenda_book import AgendaError, parse_month, write_agenda

    if kind not in ("xlsx", "pdf"):
        abort(404)
    desk = office()
    try:
        year, month = parse_month(request.args.get("bulan", ""))
        with tempfile.TemporaryDirectory(prefix="pgd-agenda-") as folder:
            paths = write_agenda(desk, year, month, Path(folder), pdf=kind == "pdf",
                                 hide_confidential=not sees_identity(desk, g.user["role"]))
            data = paths[-1].read_bytes()
    except (AgendaError, RuntimeError) as exc:
        return told("galat", str(exc), to_letters())
    record_access(desk, "meja-unduh-agenda", f"{month:02d}-{year}", kind, g.now, who=g.user["name"])
    from io import BytesIO

    return send_file(BytesIO(data), as_attachment=True, download_name=paths[-1].name)


@needs("kirim", back=to_letters)
def terkirim(letter_id: int):
    desk = office()
    letter = found(lookups.letter(desk, letter_id))
    proof = request.files.get("bukti")
    data = proof.read() if proof else b""
    dispatch_letter(desk, letter.number, request.form.get("cara", ""), request.form.get("catatan", "").strip(),
                    person(g.user), g.now)
    _send_queued()
    done = f"Pengiriman surat {letter.number} dicatat."
    if proof and data:
        try:
            name = file_delivery_proof(desk, letter.number, data, proof.mimetype or "application/octet-stream",
                                       person(g.user), g.now)
            done += f" Bukti pengiriman diarsipkan ({name})."
        except Refused as exc:
            flash("berhasil", done)
            return told("galat", f"Bukti tidak diarsipkan: {exc}", to_letters())
    return told("berhasil", done, to_letters())

@needs("surat")
def bertanda_tangan(letter_id: int):
    """The signed copy of a letter signed outside the system: the wet-signed scan (PDF or JPEG),
    or the PDF signed in the signer's TTE application (checked before it is filed)."""
    from office.signed_copies import upload_signed

    desk = office()
    letter = found(lookups.letter(desk, letter_id))
    if lookups.complaint_of(desk, letter).confidential and not sees_identity(desk, g.user["role"]):
        abort(403)  # a confidential complainant's letter is handled by those who may see them
    upload = request.files.get("berkas")
    data = upload.read() if upload else b""
    if not data:
        return told("galat", "Pilih berkas surat yang sudah ditandatangani.", to_letters())
    try:
        upload_signed(desk, letter_id, data, g.user["name"], g.now)
    except Refused as exc:
        _send_queued()  # the refusal told to staff
        return told("galat", str(exc), to_letters())
    _send_queued()
    return told("berhasil", f"Surat {letter.number} bertanda tangan diarsipkan.", to_letters())


@needs("surat", refused=404)
def untuk_tte(letter_id: int):
    """The approved, unsigned PDF for the signer's TTE application."""
    return handed_out(lambda: downloads.unsigned_letter(office(), g.user, letter_id, g.now))
