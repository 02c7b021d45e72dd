"""Delegations (Plt./Plh.), the quarantine and the desk's accounts (the monthly recap: jobs.web.laporan)."""

from __future__ import annotations

import datetime as dt

from flask import abort, g, redirect, render_template, request, url_for

from jobs.web.common import flash, found, needs, office, told
from office import lookups
from office.commands import Refused, add_delegation, revoke_delegation
from office.desk import (
    ROLES,
    add_user,
    change_own_password,
    change_password,
    person,
    remove_user,
    set_profile,
    unlock_user,
)
from office.lockout import locked_until
from office.privacy import record_access


def register(app) -> None:
    app.add_url_rule("/delegasi", "delegasi", delegasi, methods=["GET", "POST"])
    app.add_url_rule("/delegasi/<int:delegation_id>/cabut", "delegasi_cabut", delegasi_cabut, methods=["POST"])
    app.add_url_rule("/karantina", "karantina", karantina)
    app.add_url_rule("/karantina/<key>", "karantina_pesan", karantina_pesan)
    app.add_url_rule("/karantina/<key>/<action>", "karantina_tindak", karantina_tindak, methods=["POST"])
    app.add_url_rule("/pengguna", "pengguna", pengguna, methods=["GET", "POST"])
    app.add_url_rule("/pengguna/<int:user_id>/hapus", "pengguna_hapus", pengguna_hapus, methods=["POST"])
    app.add_url_rule("/pengguna/<int:user_id>/ubah", "pengguna_ubah", pengguna_ubah, methods=["POST"])
    app.add_url_rule("/akun", "akun", akun, methods=["GET", "POST"])


@needs("delegasi")
def delegasi():
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
                return told("berhasil", f"Delegasi {f.get('bentuk', '')} untuk {f.get('nama', '').strip()} "
                                        f"disimpan, {first.strftime('%d-%m-%Y')} s.d. {last.strftime('%d-%m-%Y')}.",
                            url_for("delegasi"))
            except Refused as exc:
                error = str(exc)
    rows = lookups.delegations(desk)
    roles = {role: o.title for role, o in desk.config.directory.officials.items()}
    return render_template("delegasi.html", rows=rows, roles=roles, error=error, form=request.form), \
        (400 if error else 200)


@needs("delegasi")
def delegasi_cabut(delegation_id: int):
    desk = office()
    d = found(next((d for d in lookups.delegations(desk) if d["id"] == delegation_id and not d["revoked_at"]), None))
    roles = {role: o.title for role, o in desk.config.directory.officials.items()}
    what = f"{d['form']} {roles.get(d['role'], d['role'])} {d['name']}"
    if request.form.get("yakin") != "1":
        return render_template("yakin.html", title="Cabut delegasi?", action=url_for("delegasi_cabut",
                               delegation_id=delegation_id), back=url_for("delegasi"), button="Ya, cabut delegasi",
                               text=f"Delegasi {what} diakhiri sekarang; tugas yang sedang dipegangnya kembali kepada "
                                    "pejabat definitif.")
    try:
        moved = revoke_delegation(desk, delegation_id, g.now)
    except Refused:
        abort(404)
    record_access(desk, "meja-delegasi-cabut", what, str(moved), g.now, who=g.user["name"])
    return told("berhasil", f"Delegasi {what} dicabut; {moved} tugas kembali kepada pejabat definitif.",
                url_for("delegasi"))


@needs("karantina")
def karantina():
    return render_template("karantina.html", rows=lookups.quarantined(office()))


@needs("karantina")
def karantina_pesan(key: str):
    """One quarantined message, read as data, with what staff may do with it."""
    from office.quarantine import show

    try:
        shown = show(office(), key, g.user["name"], g.now)
    except Refused as exc:
        return told("galat", str(exc), url_for("karantina"))
    return render_template("karantina_pesan.html", m=shown)


@needs("karantina")
@needs("catat")
def karantina_tindak(key: str, action: str):
    """Process again, make a complaint of it, or set it aside."""
    from office.quarantine import make_complaint, process_again, set_aside

    desk = office()
    try:
        if action == "proses-ulang":
            kind = process_again(desk, key, g.user["name"], g.now)
            flash("berhasil", f"Pesan diproses ulang dan tercatat ({KINDS.get(kind, kind)}).")
        elif action == "jadikan-pengaduan":
            made = make_complaint(desk, key, person(g.user), g.user["name"], g.now)
            flash("berhasil", f"Pesan dijadikan pengaduan {made.number}.")
            _mail_now()
            return redirect(url_for("pengaduan", number=made.number))
        elif action == "abaikan":
            set_aside(desk, key, person(g.user), g.user["name"], g.now)
            flash("berhasil", "Pesan diabaikan dan keluar dari daftar karantina.")
        else:
            abort(404)
    except Refused as exc:
        return told("galat", str(exc), url_for("karantina_pesan", key=key) if lookups.has_message(desk, key)
                    else url_for("karantina"))
    _mail_now()
    return redirect(url_for("karantina"))


# How a processed message was taken, as the flash message says it (office.arrivals' kinds).
KINDS = {"complaint": "pengaduan baru", "followup": "tambahan pada pengaduan", "action": "tindakan pejabat",
         "forward": "pengaduan yang diteruskan", "bounce": "laporan gagal kirim", "auto": "balasan otomatis",
         "own": "surel kantor sendiri", "duplicate": "sudah tercatat", "unmatched": "tidak cocok dengan pengaduan"}


def _mail_now() -> None:
    from jobs.web.actions import _send_queued

    _send_queued()


@needs("pengguna")
def pengguna():
    desk = office()
    error = ""
    f = request.form
    if request.method == "POST":
        try:
            add_user(desk, f.get("nama", ""), f.get("peran", ""), f.get("sandi", ""), g.now,
                     full_name=f.get("nama_lengkap", ""), nip=f.get("nip", ""), jabatan=f.get("jabatan", ""))
            record_access(desk, "meja-pengguna-tambah", f.get("nama", "").strip().lower(), "", g.now,
                          who=g.user["name"])
            return told("berhasil", f"Akun {f.get('nama', '').strip().lower()} dibuat.", url_for("pengguna"))
        except Refused as exc:
            error = str(exc)
    return render_template("pengguna.html", rows=lookups.desk_users(desk), roles=ROLES, error=error, form=f,
                           locked=locked_until(desk, g.now)), \
        (400 if error else 200)


@needs("pengguna")
def pengguna_hapus(user_id: int):
    desk = office()
    user = found(lookups.desk_user(desk, user_id))
    if user["name"] == g.user["name"]:
        return render_template("galat.html", title="Tidak dapat dihapus",
                               text="Akun yang sedang dipakai tidak dapat menghapus dirinya sendiri."), 400
    if request.form.get("yakin") != "1":
        return render_template("yakin.html", title="Hapus akun?", action=url_for("pengguna_hapus", user_id=user_id),
                               back=url_for("pengguna"), button="Ya, hapus akun",
                               text=f"Akun {user['name']} ({person(user)}, {ROLES.get(user['role'], user['role'])}) "
                                    "dihapus; sesinya yang masih terbuka berakhir. Riwayat yang dicatatnya tetap.")
    remove_user(desk, user["name"], g.now, by=g.user["name"])
    return told("berhasil", f"Akun {user['name']} dihapus; sesinya yang masih terbuka berakhir.", url_for("pengguna"))


@needs("pengguna")
def pengguna_ubah(user_id: int):
    """An administrator's change to one account: its person, a new password, or an unlock."""
    desk = office()
    user = found(lookups.desk_user(desk, user_id))
    f = request.form
    what = f.get("ubah", "")
    try:
        if what == "data":
            set_profile(desk, user["name"], f.get("nama_lengkap", ""), f.get("nip", ""), f.get("jabatan", ""), g.now,
                        by=g.user["name"])
            flash("berhasil", f"Data akun {user['name']} disimpan.")
        elif what == "sandi":
            change_password(desk, user["name"], f.get("sandi", ""), g.now, by=g.user["name"])
            flash("berhasil", f"Kata sandi {user['name']} diganti; sesinya yang terbuka berakhir. Sampaikan kata sandi "
                              "baru kepada pemiliknya secara langsung.")
        elif what == "buka":
            unlock_user(desk, user["name"], g.now, by=g.user["name"])
            flash("berhasil", f"Kunci akun {user['name']} dibuka; akun itu dapat masuk lagi sekarang.")
        else:
            abort(400)
    except Refused as exc:
        flash("galat", str(exc))
    return redirect(url_for("pengguna"))


def akun():
    """The logged-in person's own account: who the desk says they are, and a new password."""
    desk = office()
    error = ""
    if request.method == "POST":
        f = request.form
        try:
            if f.get("sandi_baru", "") != f.get("sandi_ulang", ""):
                raise Refused("Kata sandi baru dan ulangannya tidak sama.")
            change_own_password(desk, g.user["name"], f.get("sandi_lama", ""), f.get("sandi_baru", ""), g.now)
        except Refused as exc:
            error = str(exc)
        else:
            from flask import session

            session.clear()  # the new password ended every session of the account, this one too
            return redirect(url_for("masuk", sandi="baru"))
    return render_template("akun.html", error=error), (400 if error else 200)
