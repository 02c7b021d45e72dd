"""Delegations (Plt./Plh.), the quarantine and the desk's accounts (the monthly recap: jobs.web.laporan)."""

from __future__ import annotations

import datetime as dt

from flask import abort, g, redirect, render_template, request, url_for

from jobs.web.common import office
from office.commands import Refused, add_delegation, revoke_delegation
from office.desk import ROLES, add_user, may, remove_user
from sop.book import parse_iso


def register(app) -> None:
    app.add_url_rule("/delegasi", "delegasi", delegasi, methods=["GET", "POST"])
    app.add_url_rule("/delegasi/<int:delegation_id>/cabut", "delegasi_cabut", delegasi_cabut, methods=["POST"])
    app.add_url_rule("/karantina", "karantina", karantina)
    app.add_url_rule("/pengguna", "pengguna", pengguna, methods=["GET", "POST"])
    app.add_url_rule("/pengguna/<int:user_id>/hapus", "pengguna_hapus", pengguna_hapus, methods=["POST"])


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
