"""The public pages: the Formulir Pengaduan, its answer (number, access code, due date, the
tanda terima), and Cek Status. Every refusal is a page in Indonesian with a 4xx status and is
counted (office.public_intake); an unexpected error is logged with an incident number and
answered with a page, never a stack trace."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request, send_file
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from jobs.public.common import office
from jobs.public.forms import COOKIE, form_id, new_browser_value, new_token, token_age
from office.access import receipt_facts
from office.letter_pdfs import prepare_receipt, receipt_ready
from office.plain import utcnow
from office.public_intake import (
    RECEIPT_BY,
    REFUSALS,
    Sending,
    check_files,
    check_form,
    record_refusal,
    submission_of,
    submit,
)
from office.public_status import status_by_code

log = logging.getLogger("pengaduan.publik")


def register(app: Flask) -> None:
    app.add_url_rule("/", "formulir", formulir)
    app.add_url_rule("/kirim", "kirim", kirim, methods=["POST"])
    app.add_url_rule("/tanda-terima", "tanda_terima", tanda_terima, methods=["POST"])
    app.add_url_rule("/status", "status", status, methods=["GET", "POST"])
    _guard(app)


def _guard(app: Flask) -> None:
    @app.before_request
    def browser():
        g.now = utcnow()
        given = request.cookies.get(COOKIE, "")
        g.new_browser = "" if len(given) == 32 else new_browser_value()
        g.browser = given if len(given) == 32 else ""

    @app.after_request
    def headers(response):
        if g.get("new_browser"):
            response.set_cookie(COOKIE, g.new_browser, httponly=True, samesite="Strict", path="/",
                                secure=office().config.publik.secure_cookies)
        response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                                       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"  # a number and its access code
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        record_refusal(office(), _address(), "berkas", g.now)
        return _page("Berkas terlalu besar", "Lampiran yang dikirim melebihi batas ukuran kantor. Kecilkan foto atau "
                                             "kurangi jumlahnya, lalu kirim kembali.", 413)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 404:
            return _page("Tidak ditemukan", "Halaman yang Anda cari tidak ada.", 404)
        return _page("Permintaan tidak dapat dilayani", "Muat ulang halaman formulir, lalu coba lagi.", error.code or 400)

    @app.errorhandler(Exception)
    def failed(error):
        incident = secrets.token_hex(4)
        log.exception("insiden %s di laman publik", incident)
        return _page("Terjadi gangguan", f"Permintaan Anda belum dapat diproses (insiden {incident}). Silakan coba "
                                         "lagi beberapa saat lagi, atau sampaikan pengaduan melalui surel atau loket.",
                     503)

    @app.context_processor
    def common():
        cfg = office().config
        return {"office_name": cfg.office_name, "office_email": cfg.mailbox.address,
                "contact": cfg.complaint_desk.line()}


def _address() -> str:
    return request.remote_addr or "tidak diketahui"


def _token() -> str:
    return new_token(current_app.extensions["publik_key"], g.browser or g.new_browser)


def _same_origin() -> bool:
    """A browser names the site a form came from (Origin); from another site it is refused. An
    opaque origin ("null": a privacy setting, a sandboxed frame) proves nothing either way: the
    token bound to this browser's cookie is the defence, this only a second one."""
    origin = request.headers.get("Origin")
    return not origin or origin == "null" or urlsplit(origin).netloc == request.host


def _checked_token() -> tuple[str, float | None]:
    token = request.form.get("token", "")
    age = token_age(current_app.extensions["publik_key"], token, g.browser) if _same_origin() else None
    return token, age


def _page(title: str, text: str, code: int, **extra):
    return render_template("galat.html", title=title, text=text, **extra), code


def _form(values=None, errors=None, notice: str = "", code: int = 200):
    cfg = office().config
    return render_template("formulir.html", token=_token(), values=values or {}, errors=errors or {}, notice=notice,
                           max_photos=cfg.publik.max_photos, max_mb=cfg.intake.max_attachment_bytes // 2**20), code


def formulir():
    return _form()


def _refuse(reason: str, values=None):
    record_refusal(office(), _address(), reason, g.now)
    code, title, text = REFUSALS[reason]
    if reason == "terlalu_cepat":  # a quick person (a browser's autofill): the form again, filled in
        return _form(values, notice=f"{text} Lampiran perlu dipilih kembali.", code=code)
    return _page(title, text, code)


def kirim():
    here = office()
    token, age = _checked_token()
    if age is None:
        return _refuse("token")
    if request.form.get("situs", ""):  # the field people do not see, which robots fill
        return _refuse("umpan")
    values = request.form.to_dict()
    if age < here.config.publik.min_seconds:
        return _refuse("terlalu_cepat", values)
    complaint, errors = check_form(request.form)
    uploads = [(f.filename or "", f.read()) for f in request.files.getlist("berkas")]
    files, wrong_files = check_files(uploads, here)
    if wrong_files:
        record_refusal(here, _address(), "berkas", g.now)
        errors["berkas"] = wrong_files + " Pilih kembali lampiran."
    if complaint is None or errors:
        return _form(values, errors, notice="Periksa kembali isian yang ditandai.", code=413 if wrong_files else 400)
    outcome = submit(here, replace(complaint, files=files), Sending(_address(), form_id(token)), g.now)
    if outcome.refusal:
        code, title, text = REFUSALS[outcome.refusal]
        return _page(title, text, code)
    row = outcome.row
    assert row is not None
    log.info("%s dicatat dari formulir publik%s", row.number, " (formulir yang sama dikirim lagi)" if outcome.again else "")
    prepare_receipt(here, row, RECEIPT_BY, g.now)  # its Word file now, its PDF right after, in the background
    return render_template("diterima.html", c=row, facts=receipt_facts(here, row), token=token,
                           main_steps=here.config.procedure.main_steps)


def tanda_terima():
    """The receipt of the complaint this browser has just sent (its form's token), as PDF
    (as Word where LibreOffice is not installed). Its PDF was started when the form was sent
    (office.letter_pdfs); a request waits a few seconds for it at most, then a page says it is
    being made, with the button to ask again."""
    here = office()
    token, age = _checked_token()
    row = submission_of(here, form_id(token), g.now) if age is not None else None
    if row is None:
        return _page("Tanda terima tidak tersedia", "Tanda terima hanya dapat diunduh dari peramban yang mengirim "
                                                   "pengaduan, dalam tiga jam setelah pengiriman. Mintalah kepada "
                                                   "petugas kami dengan menyebutkan nomor pengaduan dan kode akses.",
                     403)
    path = receipt_ready(here, row, RECEIPT_BY, g.now, wait=RECEIPT_WAIT_SECONDS)
    if path is None:
        return render_template("tanda_terima_dibuat.html", token=token), 202
    return send_file(path, as_attachment=True, download_name=path.name)


RECEIPT_WAIT_SECONDS = 5


def status():
    if request.method == "GET":
        return render_template("status.html", token=_token(), view=None, error="", values={})
    token, age = _checked_token()
    if age is None:
        return _refuse("token")
    values = {"nomor": request.form.get("nomor", "")[:80], "kode": request.form.get("kode", "")[:20]}
    answer = status_by_code(office(), values["nomor"], values["kode"], _address(), g.now)
    if answer == "kode_salah":
        error, code = "Nomor pengaduan atau kode akses tidak cocok. Periksa kembali tanda terima Anda.", 404
    elif answer == "ditahan":
        error, code = ("Terlalu banyak percobaan dengan kode akses yang salah. Silakan coba lagi satu jam lagi, atau "
                       "tanyakan kepada petugas kami."), 429
    else:
        return render_template("status.html", token=_token(), view=answer, error="", values={})
    return render_template("status.html", token=_token(), view=None, error=error, values=values), code
