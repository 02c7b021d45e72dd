"""The monthly recap, delegations (Plt./Plh.), the quarantine and the desk's accounts."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import tempfile
from pathlib import Path

from flask import abort, g, redirect, render_template, request, send_file, url_for

from jobs.web.common import office
from office.commands import Refused, add_delegation, revoke_delegation
from office.desk import ROLES, add_user, may, remove_user
from sop.book import parse_iso

MONTH = re.compile(r"(\d{4})-(\d{2})")


def register(app) -> None:
    app.add_url_rule("/laporan", "laporan", laporan)
    app.add_url_rule("/laporan/unduh.<kind>", "laporan_unduh", laporan_unduh)
    app.add_url_rule("/delegasi", "delegasi", delegasi, methods=["GET", "POST"])
    app.add_url_rule("/delegasi/<int:delegation_id>/cabut", "delegasi_cabut", delegasi_cabut, methods=["POST"])
    app.add_url_rule("/karantina", "karantina", karantina)
    app.add_url_rule("/pengguna", "pengguna", pengguna, methods=["GET", "POST"])
    app.add_url_rule("/pengguna/<int:user_id>/hapus", "pengguna_hapus", pengguna_hapus, methods=["POST"])


def _month() -> tuple[int, int]:
    chosen = MONTH.fullmatch(request.args.get("bulan", ""))
    if chosen and 1 <= int(chosen[2]) <= 12:
        return int(chosen[1]), int(chosen[2])
    today = g.now.astimezone(office().config.clock.tz).date().replace(day=1)
    last = today - dt.timedelta(days=1)
    return last.year, last.month


def _recap():
    from office.reports import period, recap

    year, month = _month()
    title, start, end = period((year, month))
    return recap(office(), title, start, end, g.now), f"{year:04d}-{month:02d}"


def laporan():
    if not may(g.user["role"], "laporan"):
        abort(403)
    from office.reports import charts, minutes_text

    r, chosen = _recap()
    pictures = {name: base64.b64encode(png).decode() for name, png in charts(r).items()}
    office().book.audit(g.now, g.user["name"], "meja-laporan", r.title, f"{r.total} pengaduan")
    return render_template("laporan.html", r=r, chosen=chosen, pictures=pictures, minutes_text=minutes_text)


def laporan_unduh(kind: str):
    if not may(g.user["role"], "laporan") or kind not in ("xlsx", "docx", "pdf"):
        abort(404)
    from office.reports import charts, write_docx, write_xlsx

    r, chosen = _recap()
    pictures = charts(r)
    with tempfile.TemporaryDirectory(prefix="pgd-laporan-") as folder:
        path = Path(folder) / f"laporan-pengaduan-{chosen}.{'xlsx' if kind == 'xlsx' else 'docx'}"
        if kind == "xlsx":
            write_xlsx(r, path, pictures)
        else:
            write_docx(r, path, pictures, office(), g.now)
        if kind == "pdf":
            from letters.pdf import libreoffice, to_pdf

            if libreoffice() is None:
                abort(404)
            path = to_pdf(path)
        data = path.read_bytes()
    office().book.audit(g.now, g.user["name"], "meja-unduh-laporan", r.title, kind)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"laporan-pengaduan-{chosen}.{kind}")


def delegasi():
    if not may(g.user["role"], "delegasi"):
        abort(403)
    desk = office()
    error = ""
    if request.method == "POST":
        f = request.form
        try:
            first, last = (dt.date.fromisoformat(f.get(k, "")) for k in ("mulai", "sampai"))
        except ValueError:
            error = "Tanggal mulai dan sampai wajib diisi."
        else:
            try:
                add_delegation(desk, role=f.get("peran", ""), form=f.get("bentuk", ""), name=f.get("nama", "").strip(),
                               email=f.get("surel", "").strip(), title=f.get("jabatan", "").strip(),
                               nip=f.get("nip", "").strip(), rank=f.get("pangkat", "").strip(), first_day=first,
                               last_day=last, created_by=g.user["name"], now=g.now)
                return redirect(url_for("delegasi"))
            except Refused as exc:
                error = str(exc)
    tz = desk.config.clock.tz
    rows = [{**d, "first": parse_iso(d["starts"]).astimezone(tz).date(),
             "last": (parse_iso(d["ends"]).astimezone(tz) - dt.timedelta(seconds=1)).date()}
            for d in desk.book.delegations()]
    roles = {role: o.title for role, o in desk.config.directory.officials.items()}
    return render_template("delegasi.html", rows=rows, roles=roles, error=error, form=request.form), \
        (400 if error else 200)


def delegasi_cabut(delegation_id: int):
    if not may(g.user["role"], "delegasi"):
        abort(403)
    try:
        revoke_delegation(office(), delegation_id, g.now)
    except Refused:
        abort(404)
    return redirect(url_for("delegasi"))


def karantina():
    if not may(g.user["role"], "karantina"):
        abort(403)
    desk = office()
    tz = desk.config.clock.tz
    rows = [{**r, "received": parse_iso(r["received_at"]).astimezone(tz)} for r in desk.book.messages("quarantine")]
    return render_template("karantina.html", rows=rows)


def pengguna():
    if not may(g.user["role"], "pengguna"):
        abort(403)
    desk = office()
    error = ""
    if request.method == "POST":
        try:
            add_user(desk, request.form.get("nama", ""), request.form.get("peran", ""), request.form.get("sandi", ""),
                     g.now)
            return redirect(url_for("pengguna"))
        except Refused as exc:
            error = str(exc)
    return render_template("pengguna.html", rows=desk.book.desk_users(), roles=ROLES, error=error), \
        (400 if error else 200)


def pengguna_hapus(user_id: int):
    if not may(g.user["role"], "pengguna"):
        abort(403)
    desk = office()
    user = desk.book.desk_user_by_id(user_id)
    if user is None:
        abort(404)
    if user["name"] == g.user["name"]:
        return render_template("galat.html", title="Tidak dapat dihapus",
                               text="Akun yang sedang dipakai tidak dapat menghapus dirinya sendiri."), 400
    remove_user(desk, user["name"], g.now, by=g.user["name"])
    return redirect(url_for("pengguna"))
