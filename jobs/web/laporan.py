"""The desk's Laporan: a month's recap on the page, and its XLSX, DOCX and PDF to download.

The page shows the month's figures as last counted, kept in the book (office.recap_figures),
with the moment they were counted; where the book has changed since (or they are over five
minutes old), it says that newer figures are being counted, and counts them in the
background (jobs.web.report_builds). Only a month never counted makes the page wait, at most
WAIT_SECONDS, then show the count's progress and ask the browser to look again (the HTTP
Refresh header: the desk has no JavaScript). Files are made in the background the same way.
So nothing waits on a city's month behind nginx, and a second click joins the build under
way instead of starting another.
"""

from __future__ import annotations

import base64
import re

from flask import abort, current_app, g, make_response, redirect, render_template, request, send_file, url_for

from jobs.web.common import office
from jobs.web.report_builds import KINDS, Build, Builds, local_month, month_stamp
from office.desk import may
from office.privacy import record_access
from office.recap_figures import Counted, kept

WAIT_SECONDS = 0.8  # the page itself: ready within a second, or a progress page
STALE_WAIT_SECONDS = 0.3  # with older figures to show: a small office's count is done by then
FILE_WAIT_SECONDS = 2.0  # a small month's file comes at once
REFRESH_SECONDS = 2
MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})-(\d{4})")
LABELS = {"xlsx": "Excel (XLSX)", "docx": "Word (DOCX)", "pdf": "PDF", "rekap": "rekap"}


def register(app) -> None:
    app.extensions["laporan"] = Builds(app.extensions["offices"].config_path)
    app.add_url_rule("/laporan", "laporan", laporan)
    app.add_url_rule("/laporan/unduh.<kind>", "laporan_unduh", laporan_unduh)
    app.add_url_rule("/laporan/berkas.<kind>", "laporan_berkas", laporan_berkas)


class BadMonth(ValueError):
    """A month the person cannot have meant; the message says how to write one."""


def chosen_month(text: str | None, now) -> tuple[int, int]:
    """The month asked for (YYYY-MM, as the browser's month field sends it, or MM-YYYY), or the
    current month when none is; BadMonth with a sentence for anything else."""
    if not text:
        return local_month(office(), now)
    found = MONTH.fullmatch(text.strip())
    if found:
        year, month = (int(found[1]), int(found[2])) if found[1] else (int(found[4]), int(found[3]))
        if 1 <= month <= 12 and 2000 <= year <= 9999:
            return year, month
    raise BadMonth(f"Bulan \u201c{text[:20]}\u201d tidak ada. Pilih bulan pada isian Bulan, atau tulis "
                   f"TTTT-BB, misalnya 2026-12 untuk Desember 2026.")


def _builds() -> Builds:
    return current_app.extensions["laporan"]


def _neighbours(year: int, month: int) -> dict[str, str]:
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return {"sebelumnya": f"{before[0]:04d}-{before[1]:02d}", "berikutnya": f"{after[0]:04d}-{after[1]:02d}"}


def _refused_month(exc: BadMonth):
    return render_template("galat.html", title="Bulan tidak valid", text=str(exc)), 400


def laporan():
    if not may(g.user["role"], "laporan"):
        abort(403)
    try:
        year, month = chosen_month(request.args.get("bulan"), g.now)
    except BadMonth as exc:
        return _refused_month(exc)
    desk = office()
    chosen = f"{year:04d}-{month:02d}"
    current = local_month(desk, g.now)
    context = dict(chosen=chosen, current=f"{current[0]:04d}-{current[1]:02d}", kinds=KINDS, labels=LABELS,
                   **_neighbours(year, month))
    stamp = month_stamp(desk)
    stored = kept(desk, (year, month))
    if stored is not None and stored.current(stamp, g.now):
        return _figures(stored, stale=False, **context)
    # Older than the book, or never counted: counted again in the background. Figures kept
    # from before are shown after a moment (a small office's new count is ready by then), with
    # their time; only a month never counted shows the count's progress.
    wait = current_app.config.get("LAPORAN_WAIT_SECONDS", WAIT_SECONDS)
    build = _builds().wait(_builds().start((year, month), "rekap", stamp),
                           wait if stored is None else min(wait, STALE_WAIT_SECONDS))
    if build.done and not build.error and build.counted is not None:
        return _figures(build.counted, stale=False, **context)
    if stored is not None:
        return _figures(stored, stale=True, **context)
    return _progress(build, "laporan", {"bulan": chosen}, context)


def _figures(counted: Counted, *, stale: bool, **context):
    """The page of a month's figures, saying when they were counted."""
    from office.reports import decimal, mean_rating, minutes_text

    desk = office()
    r = counted.recap
    pictures = {name: base64.b64encode(png).decode() for name, png in counted.pictures.items()}
    record_access(desk, "meja-laporan", r.title, f"{r.total} pengaduan", now=g.now, who=g.user["name"])
    moment = counted.counted_at.astimezone(desk.config.clock.tz)
    return render_template("laporan.html", r=r, pictures=pictures, minutes_text=minutes_text, decimal=decimal,
                           mean_rating=mean_rating(r), stale=stale,
                           counted=f"{moment:%d-%m-%Y %H.%M} {moment.tzname()}", **context)


def _month_or_refusal():
    try:
        return chosen_month(request.args.get("bulan"), g.now), None
    except BadMonth as exc:
        return None, _refused_month(exc)


def laporan_unduh(kind: str):
    """The file when it is ready (at once for a small month), else its progress page."""
    if not may(g.user["role"], "laporan") or kind not in KINDS:
        abort(404)
    month, refusal = _month_or_refusal()
    if refusal:
        return refusal
    build = _builds().wait(_builds().start(month, kind, month_stamp(office())),
                           current_app.config.get("LAPORAN_FILE_WAIT_SECONDS", FILE_WAIT_SECONDS))
    if build.done and not build.error and build.path is not None and build.path.exists():
        return _send(build)
    return redirect(url_for("laporan_berkas", kind=kind, bulan=f"{month[0]:04d}-{month[1]:02d}"))


def laporan_berkas(kind: str):
    """How the file of a month is coming along; once it is ready, the browser fetches it."""
    if not may(g.user["role"], "laporan") or kind not in KINDS:
        abort(404)
    month, refusal = _month_or_refusal()
    if refusal:
        return refusal
    chosen = f"{month[0]:04d}-{month[1]:02d}"
    again = request.args.get("ulang") == "1"
    build = _builds().start(month, kind, month_stamp(office()), again=again)
    context = dict(chosen=chosen, kind=kind, labels=LABELS)
    if build.done and not build.error:
        link = url_for("laporan_unduh", kind=kind, bulan=chosen)
        response = make_response(render_template("laporan-berkas.html", build=build, ready=True, link=link,
                                                 stage_text=None, **context))
        response.headers["Refresh"] = f"0; url={link}"  # the download starts by itself
        return response
    return _progress(build, "laporan_berkas", {"kind": kind, "bulan": chosen}, context)


def _progress(build: Build, endpoint: str, args: dict, context: dict):
    """The page that says what is being made and how far it is; it looks again by itself."""
    stage_text = build.stages[min(build.stage, len(build.stages) - 1)]
    retry = url_for(endpoint, **args, ulang="1") if build.error else None
    response = make_response(render_template("laporan-berkas.html", build=build, ready=False, link=None,
                                             stage_text=stage_text, retry=retry, **context),
                             500 if build.error and not build.error.startswith("LibreOffice") else 200)
    if not build.error:
        response.headers["Refresh"] = f"{REFRESH_SECONDS}; url={url_for(endpoint, **args)}"
    return response


def _send(build: Build):
    desk = office()
    chosen = f"{build.month[0]:04d}-{build.month[1]:02d}"
    title = build.counted.recap.title if build.counted is not None else chosen
    record_access(desk, "meja-unduh-laporan", title, build.kind, now=g.now, who=g.user["name"])
    assert build.path is not None
    return send_file(build.path, as_attachment=True, download_name=f"laporan-pengaduan-{chosen}.{build.kind}",
                     max_age=0, etag=False, last_modified=None)
