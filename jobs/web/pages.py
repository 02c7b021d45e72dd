"""Logging in and out, the book and one complaint, and the files they offer for download."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for

from jobs.web.common import found, handed_out, needs, office
from office import downloads
from office.commands import Refused
from office.desk import book_page, book_total, complaint_page, desk_counts, log_in, log_out, my_roles, suggestion
from office.plain import CHANNEL_WORDS, CONTROL, ORDER, SATISFACTION_WORDS, Filters, clean_line
from office.receipts import receipt_pdf_pending

# The list's states as staff say them (the filter, the counts, each row).
STATES = {"open": "Dalam proses", "late": "Terlambat", "held": "Ditahan",
          "answered": "Menunggu tanggapan pengadu", "closed": "Selesai", "rejected": "Ditolak",
          "forwarded": "Dilimpahkan", "linked": "Digabung"}
SORTS = {"nomor": "Nomor", "diterima": "Waktu diterima", "batas": "Batas waktu"}
PAGE = 50
MONTH = re.compile(r"(\d{4})-(\d{2})")


def register(app) -> None:
    app.add_url_rule("/masuk", "masuk", masuk, methods=["GET", "POST"])
    app.add_url_rule("/keluar", "keluar", keluar, methods=["POST"])
    app.add_url_rule("/", "beranda", lambda: redirect(url_for("buku")))
    app.add_url_rule("/buku", "buku", buku)
    app.add_url_rule("/pengaduan/<path:number>", "pengaduan", pengaduan)
    app.add_url_rule("/berkas/<int:attachment_id>", "berkas", berkas)
    app.add_url_rule("/surat/<int:letter_id>.<kind>", "surat_berkas", surat_berkas)


def masuk():
    error = ""
    if request.method == "POST":
        try:
            token = log_in(office(), request.form.get("nama", ""), request.form.get("sandi", ""),
                           request.remote_addr or "", g.now)
        except Refused as exc:
            error = str(exc)
        else:
            kept = session.get("simpan")  # a form typed before the old session ended (jobs.web.kept)
            session.clear()  # nothing of a session from before the login survives it
            session.permanent = True
            session["t"] = token
            if kept:
                session["simpan"] = kept
            return redirect(same_site(request.args.get("lanjut") or ""))
    return render_template("masuk.html", error=error, new_password=request.args.get("sandi") == "baru"), \
        (401 if error else 200)


def same_site(target: str) -> str:
    """Where to go after logging in: `target` when it is a path on this desk, else the book.
    Never an address elsewhere: "//host", "https://…", and what a browser reads as such once it
    drops TAB and line ends from a URL ("/<TAB>/host") or turns a backslash into a slash ("/\\host")."""
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isascii() and target.isprintable()):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("buku")


def keluar():
    log_out(office(), session.get("t"), g.now)
    session.clear()
    return redirect(url_for("masuk"))


def _filters() -> Filters:
    args = request.args
    month = MONTH.fullmatch(args.get("bulan", ""))
    step = args.get("langkah", "")
    before = args.get("sebelum", "")
    page = args.get("halaman", "")
    return Filters(state=args.get("status", "") if args.get("status", "") in STATES else "",
                   step=int(step) if step.isdigit() else None, section=args.get("seksi", "")[:200],
                   channel=args.get("saluran", "") if args.get("saluran", "") in CHANNEL_WORDS else "",
                   month=(int(month[1]), int(month[2])) if month and 1 <= int(month[2]) <= 12 else None,
                   text=_search_text(args.get("cari", "")), before=int(before) if before.isdigit() else None,
                   roles=(my_roles(office(), g.user, g.now) or ("-",)) if args.get("saya") == "1" else (),
                   sort=args.get("urut", "") if args.get("urut", "") in ORDER else "",
                   ascending=args.get("arah") == "naik", page=min(int(page), 10**6) if page.isdigit() and int(page) else 1)


def _search_text(raw: str) -> str:
    """The search box's words, cleaned as other desk text is (direction marks, blanks). Text with a
    control character is kept as it came: sop.book.search finds nothing for it (a NUL was a 500)."""
    raw = raw[:200]
    return raw if CONTROL.search(raw) else clean_line(raw)


@needs("buku")
def buku():
    desk = office()
    filters = _filters()
    docs = book_page(desk, filters, g.user, g.now, limit=PAGE)
    total = book_total(desk, filters, g.user, g.now)
    pages = max(1, -(-total // PAGE))
    args = {k: v for k, v in request.args.to_dict().items() if k not in ("halaman", "sebelum")}

    def link(**change) -> str:
        return url_for("buku", **{**args, **change})

    steps = [(s.no, s.shown) for s in desk.config.procedure.walk()[1:]]
    mine = bool(my_roles(desk, g.user, g.now))
    return render_template(
        "buku.html", docs=docs, f=filters, args=request.args, states=STATES, steps=steps, channels=CHANNEL_WORDS,
        sections=[x.name for x in desk.config.directory.sections], total=total, pages=pages, link=link,
        shown_pages=_page_numbers(filters.page, pages), counts=desk_counts(desk, g.now), mine=mine,
        sorts=SORTS, first=(filters.page - 1) * PAGE + 1 if docs else 0,
        suggestion=suggestion(desk, filters, g.user, g.now) if not docs else "")


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers a list offers: the first, the last, and two either side of this one
    (None where numbers are left out)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for number in wanted:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


@needs("buku")
def pengaduan(number: str, proposal=None, proposal_text: str = ""):
    """One complaint; `proposal`: an official's action staff are about to record, shown with what
    it will do once confirmed (office.proposals.preview) and a button to save it."""
    desk = office()
    doc = found(complaint_page(desk, number, g.user, g.now))
    labels = {s.no: s.shown for s in desk.config.procedure.steps}
    baru = request.args.get("baru") == "1"
    # A walk-in's receipt: its PDF is made after the commit (office.letter_pdfs); until then the
    # page says so and looks again by itself (HTTP Refresh: the desk needs no script).
    pending = baru and receipt_pdf_pending(desk, doc["number"])
    page = render_template("pengaduan.html", d=doc, labels=labels, states=STATES, baru=baru, receipt_pending=pending,
                           channels=CHANNEL_WORDS, satisfaction=SATISFACTION_WORDS, proposal=proposal,
                           proposal_text=proposal_text, sections=[x.name for x in desk.config.directory.sections])
    return (page, 200, {"Refresh": f"{RECEIPT_REFRESH_SECONDS}; url={request.full_path}"}) if pending else page


RECEIPT_REFRESH_SECONDS = 2


@needs("buku", refused=404)
def berkas(attachment_id: int):
    """A complaint's file, by its id in the book (never a path from the request)."""
    return handed_out(lambda: downloads.attachment(office(), g.user, attachment_id, g.now))


@needs("surat", refused=404)
def surat_berkas(letter_id: int, kind: str):
    return handed_out(lambda: downloads.letter_file(office(), g.user, letter_id, kind, g.now))
