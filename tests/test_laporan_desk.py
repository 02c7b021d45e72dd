"""The desk's Laporan over a real book: it opens on the current month, says so when a month has
no complaint, writes numbers with the Indonesian decimal comma, shows the complainants'
satisfaction, refuses a month that does not exist with a sentence, and makes its files in
the background with their progress shown, never holding a request (nginx gives up at 60 s).
The page shows the figures kept in the book at once, with the moment they were counted, and
counts them again outside the request when the book has changed (the daemon's job too)."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jobs.web import create_app
from letters.dates import MONTHS
from office.desk import add_user
from office.durations import minutes_text
from office.recap_figures import Refresher, kept, refresh
from office.recording import NewComplaint, record_complaint
from office.reports import decimal
from sop.clock import utcnow
from tests.conftest import stop_waitress
from tests.test_desk import browser  # noqa: F401 (the fixture: Debian's Chromium)

PASSWORD = "sandi-laporan-2026"


def _client(env, **settings):
    add_user(env.office, "rina", "staf", PASSWORD, utcnow())
    return _logged_in(env, **settings)


def _logged_in(env, **settings):
    """A desk of its own (a server process) with rina logged in."""
    app = create_app(env.config_path)
    app.config.update(settings)
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/masuk", data={"csrf_token": token, "nama": "rina", "sandi": PASSWORD}).status_code == 302
    return client


def _record(env, moment: dt.datetime, **answered) -> dict:
    with env.office.book.transaction():
        row = record_complaint(env.office, NewComplaint(channel="langsung", name="Ibu Sari", email=None,
                                                        subject="Lampu jalan padam", body="Lampu RT 4 padam."), moment)
    if answered:
        env.office.book.complaints.update(row["id"], **answered)
    return row


def _page(client, path: str, tries: int = 100):
    """A Laporan page as the browser gets it, following the progress page's Refresh as it does."""
    for _ in range(tries):
        response = client.get(path)
        refresh = response.headers.get("Refresh")
        if not refresh or response.status_code != 200 or "Sedang dibuat" not in response.get_data(as_text=True):
            return response
        time.sleep(0.1)
    pytest.fail(f"{path} still in progress")


def test_the_laporan_opens_on_the_current_month_and_says_when_it_has_no_complaint(env):
    client = _client(env)
    today = utcnow().astimezone(env.config.clock.tz)
    page = _page(client, "/laporan").get_data(as_text=True)
    assert f"Laporan Bulan {MONTHS[today.month - 1]} {today.year}" in page
    assert "Belum ada pengaduan pada bulan ini." in page
    assert "<img" not in page and "Unduh" not in page  # no empty charts over meaningless axes


def test_a_month_that_does_not_exist_is_refused_with_a_sentence(env):
    client = _client(env)
    for asked in ("2026-13", "2026-00", "kemarin", "13-2026"):
        response = client.get(f"/laporan?bulan={asked}")
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "tidak ada" in text and "misalnya 2026-12" in text, asked
    response = client.get("/laporan/unduh.xlsx?bulan=2026-13")
    assert response.status_code == 400 and "tidak ada" in response.get_data(as_text=True)
    assert _page(client, "/laporan?bulan=11-2026").status_code == 200  # MM-YYYY, as the command line writes it


def test_the_page_shows_satisfaction_and_writes_the_decimal_comma(env):
    client = _client(env)
    moment = dt.datetime(2026, 11, 10, 2, tzinfo=dt.timezone.utc)
    for rating, word in ((4, "puas"), (3, "puas"), (2, "tidak_puas")):
        _record(env, moment, state="closed", satisfaction=word, rating=rating)
    page = _page(client, "/laporan?bulan=2026-11").get_data(as_text=True)
    assert "Kepuasan pengadu" in page and "rata-rata <strong>3,00</strong> dari 3 penilaian" in page
    assert "nilai 4: 1; nilai 3: 1; nilai 2: 1; nilai 1: 0" in page
    assert "<img" in page and "Belum ada pengaduan" not in page
    assert minutes_text(90) == "1,5 jam" and minutes_text(3 * 1440 + 720) == "3,5 hari"
    assert decimal(1234.5) == "1.234,5"


def test_a_file_is_made_in_the_background_with_its_progress_shown_then_downloaded(env):
    # No wait at all: every file goes through its progress page, as a city's month does.
    client = _client(env, LAPORAN_WAIT_SECONDS=0, LAPORAN_FILE_WAIT_SECONDS=0)
    _record(env, dt.datetime(2026, 11, 10, 2, tzinfo=dt.timezone.utc))
    started = time.monotonic()
    asked = client.get("/laporan/unduh.xlsx?bulan=2026-11")
    assert asked.status_code == 302 and "/laporan/berkas.xlsx?bulan=2026-11" in asked.headers["Location"]
    assert time.monotonic() - started < 1  # the request never waits for the file
    seen_progress = False
    for _ in range(200):
        status = client.get("/laporan/berkas.xlsx?bulan=2026-11")
        text = status.get_data(as_text=True)
        assert status.status_code == 200, text
        if "Sedang dibuat di server" in text:
            seen_progress = True
            assert status.headers["Refresh"].startswith("2; url=/laporan/berkas.xlsx")
            assert "<progress" in text and "tahap" in text
            time.sleep(0.05)
            continue
        break
    assert "Berkas siap" in text and status.headers["Refresh"] == "0; url=/laporan/unduh.xlsx?bulan=2026-11"
    assert seen_progress or "Berkas siap" in text
    download = client.get("/laporan/unduh.xlsx?bulan=2026-11")
    assert download.status_code == 200 and download.headers["Content-Disposition"].endswith(
        "laporan-pengaduan-2026-11.xlsx")
    workbook = load_workbook(io.BytesIO(download.data))
    summary = {r[0]: r[1] for r in workbook["Ringkasan"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Jumlah pengaduan"] == 1
    assert any(a["action"] == "meja-unduh-laporan" and a["detail"] == "xlsx" for a in env.office.book.audit.log())


def test_a_second_click_joins_the_build_under_way(env):
    client = _client(env, LAPORAN_WAIT_SECONDS=0, LAPORAN_FILE_WAIT_SECONDS=0)
    _record(env, dt.datetime(2026, 11, 10, 2, tzinfo=dt.timezone.utc))
    builds = client.application.extensions["laporan"]
    client.get("/laporan/unduh.docx?bulan=2026-11")
    first = builds.builds[((2026, 11), "docx")]
    client.get("/laporan/unduh.docx?bulan=2026-11")
    assert builds.builds[((2026, 11), "docx")] is first


def test_in_chromium_the_progress_page_turns_into_the_download_by_itself(env, browser):  # noqa: F811
    """Debian's Chromium, no JavaScript: the progress page's Refresh brings the file when ready."""
    import threading

    from waitress.server import create_server

    _record(env, dt.datetime(2026, 11, 10, 2, tzinfo=dt.timezone.utc))
    add_user(env.office, "rina", "staf", PASSWORD, utcnow())
    app = create_app(env.config_path)
    app.config.update(LAPORAN_WAIT_SECONDS=0, LAPORAN_FILE_WAIT_SECONDS=0)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    serving = threading.Thread(target=server.run, name="meja-laporan-uji", daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    page = browser.new_page(locale="id-ID")
    try:
        page.goto(f"{base}/masuk")
        page.get_by_label("Nama pengguna").fill("rina")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.goto(f"{base}/laporan?bulan=2026-11")
        page.get_by_text("Kepuasan pengadu").wait_for(timeout=30_000)  # the progress page looked again by itself
        with page.expect_download(timeout=60_000) as made:
            page.get_by_role("link", name="Word (DOCX)").click()
        assert made.value.suggested_filename == "laporan-pengaduan-2026-11.docx"
        assert Path(made.value.path()).read_bytes()[:2] == b"PK"
    finally:
        page.close()
        stop_waitress(server, serving)


def _counted_line(env, moment: dt.datetime) -> str:
    local = moment.astimezone(env.config.clock.tz)
    return f"Angka per {local:%d-%m-%Y %H.%M} {local.tzname()}"


def _total(page: str) -> str:
    return page.split("Jumlah pengaduan: <strong>", 1)[1].split("<", 1)[0]


def test_the_page_shows_the_figures_kept_in_the_book_at_once_with_their_time_then_newer_ones(env):
    # A page never waits for a count here: what it shows at once is what a city's month shows.
    client = _client(env, LAPORAN_WAIT_SECONDS=0)
    builds = client.application.extensions["laporan"]
    now = utcnow()
    month = f"{now.astimezone(env.config.clock.tz):%Y-%m}"
    _record(env, now)
    assert refresh(env.office, now)  # the daemon's job: this month and the last counted and kept
    page = client.get(f"/laporan?bulan={month}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert _total(text) == "1" and _counted_line(env, now) in text and "sedang dihitung" not in text
    assert builds.builds == {}  # nothing was counted for this page

    _record(env, utcnow())  # the book changes: the kept figures are shown, said to be older
    text = client.get(f"/laporan?bulan={month}").get_data(as_text=True)
    assert _total(text) == "1" and _counted_line(env, now) in text and "angka terbaru sedang dihitung" in text
    build = next(iter(builds.builds.values()))
    assert builds.wait(build, 30).done and build.error is None
    text = client.get(f"/laporan?bulan={month}").get_data(as_text=True)
    assert _total(text) == "2" and "sedang dihitung" not in text

    # Kept in the book: another desk process (a restart) shows them at once, counting nothing.
    other = _logged_in(env, LAPORAN_WAIT_SECONDS=0)
    text = other.get(f"/laporan?bulan={month}").get_data(as_text=True)
    assert _total(text) == "2" and "sedang dihitung" not in text
    assert other.application.extensions["laporan"].builds == {}


def test_the_daemon_counts_the_figures_again_only_when_the_book_changed(env):
    now = utcnow()
    this_month = now.astimezone(env.config.clock.tz)
    month = (this_month.year, this_month.month)
    _record(env, now)
    assert refresh(env.office, now) is None and kept(env.office, month) is None  # no desk account: nobody reads them
    add_user(env.office, "rina", "staf", PASSWORD, now)
    assert f"{month[0]:04d}-{month[1]:02d}" in refresh(env.office, now)
    assert kept(env.office, month).recap.total == 1
    assert refresh(env.office, now + dt.timedelta(minutes=5)) is None  # the book unchanged: nothing counted
    _record(env, now)
    later = now + dt.timedelta(minutes=10)
    job = Refresher(env.office, lambda: later)  # as the daemon runs it: in a thread of its own
    job()
    assert job.thread is not None
    job.thread.join(30)
    figures = kept(env.office, month)
    assert figures.recap.total == 2 and figures.counted_at == later.replace(microsecond=0)
