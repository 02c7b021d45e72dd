"""The staff desk in a real browser: Debian's Chromium driven by Playwright (launched with that
executable), against the desk served by waitress on loopback, over a real office (Dovecot and
SMTP on loopback, a real book). A member of staff logs in, records a walk-in complaint and
prints its receipt, finds it by search, marks a letter dispatched with a proof, downloads the
recap; and the attacks on the desk are refused. The screenshots in docs/meja/ come from here
(PENGADUAN_SHOTS=1 refreshes them).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from sop.clock import utcnow
from tests.test_sop_over_mail import through

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "meja"
PASSWORD = "sandi-rahasia-123"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (./quickstart setup installs it)")
        pytest.skip("Debian's chromium is not installed (./quickstart setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def login(page, base: str, name: str = "rina", password: str = PASSWORD) -> None:
    page.goto(base + "/masuk")
    page.get_by_label("Nama pengguna").fill(name)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def shot(page, name: str) -> None:
    """Refresh the screenshot docs/meja/NAME.png only when PENGADUAN_SHOTS=1 asks for it: a test
    run leaves the checkout as it was."""
    if os.environ.get("PENGADUAN_SHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def required(label: str):
    """A required field's label: its words and the marker that says so."""
    import re

    return re.compile(rf"^{label} \*$")


def record_walk_in(page, base: str, *, name: str, subject: str, body: str, email: str = "", shoot: bool = False) -> str:
    page.get_by_role("link", name="Catat Pengaduan").click()
    if shoot:
        shot(page, "catat")
    page.get_by_label(required("Nama")).fill(name)
    page.get_by_label("Saluran").select_option("langsung")
    if email:
        page.get_by_label("Surel (tanda terima dan jawaban dikirim ke sini)").fill(email)
    page.get_by_label("Alamat (untuk surat jawaban)").fill("Jl. Trikora RT 12, Palaran")
    page.get_by_label(required("Pokok")).fill(subject)
    page.get_by_label(required("Isi")).fill(body)
    page.get_by_label("Lampiran (foto, pindaian surat)").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Pengaduan dicatat dengan nomor").wait_for()
    return page.locator("h1").inner_text().removeprefix("Pengaduan ").strip()


def test_a_staff_member_does_the_day_in_the_browser(env, desk, browser):
    page = browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(desk + "/buku")
    assert page.url.startswith(desk + "/masuk")  # no page without login
    shot(page, "masuk")
    login(page, desk)
    assert page.get_by_role("navigation").get_by_role("link", name="Buku Pengaduan").is_visible()
    number = record_walk_in(page, desk, name="Siti Aminah", subject="Lampu jalan padam di RT 12",
                            body="Lampu jalan di depan masjid padam sejak seminggu.", shoot=True)
    shot(page, "pengaduan")
    assert page.title() == f"Pengaduan {number} · Meja Layanan Pengaduan Kecamatan Palaran"
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Tanda terima (Word)").click()
    from docx import Document

    doc = Document(receipt.value.path())
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert number in text and "Siti Aminah" in text

    row = env.complaint(number)
    assert f"Kode akses: {row['access_code']}" in text  # the walk-in can ask the status by mail
    # Staff can tell it again to a walk-in who lost the receipt (by phone, at the counter).
    assert f"STATUS {number} {row['access_code']}" in page.get_by_text("Kode akses").locator("xpath=..").inner_text()
    assert row["channel"] == "langsung" and row["recorded_by"] == "petugas rina"
    [photo] = env.office.book.attachments.of(row["id"])
    assert Path(photo["path"]).read_bytes() == PNG and photo["filename"] == "foto.png"
    assert Path(photo["path"]).name != "foto.png"  # the office names stored files

    page.get_by_label("Jenis catatan").select_option("tambahan")
    page.get_by_label("Teks", exact=True).fill("Lampu di tiang nomor 14, menurut telepon pengadu.")
    page.get_by_role("button", name="Simpan catatan").click()
    page.get_by_text("Keterangan tambahan disimpan dalam riwayat.").wait_for()
    assert page.get_by_text("Lampu di tiang nomor 14").first.is_visible()

    page.get_by_role("link", name="Buku Pengaduan").click()
    page.get_by_label("Cari").fill("aminah lampu")
    page.get_by_role("button", name="Tampilkan").click()
    assert page.get_by_role("link", name=number).is_visible()
    shot(page, "buku")
    page.get_by_label("Cari").fill("tidakadakatainidimanapun")
    page.get_by_role("button", name="Tampilkan").click()
    assert page.get_by_text("Tidak ada pengaduan yang cocok.").is_visible()
    page.close()


def test_a_letter_is_marked_dispatched_with_its_proof_and_the_recap_downloads(env, desk, browser):
    page = browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
    login(page, desk)
    number = record_walk_in(page, desk, name="Budi Santoso", subject="Saluran air tersumbat",
                            body="Saluran air di gang 3 tersumbat.")
    env.cycle()
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan"),
            ("camat", 3, "Perbaiki minggu ini."), ("sekretaris", 4, "Saluran akan dibersihkan minggu ini."),
            ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    assert row["letter_number"], "the answer letter waits for dispatch"
    page.get_by_role("link", name="Surat Keluar").click()
    section = page.locator("section.surat", has_text=row["letter_number"])
    assert section.get_by_text("tanpa surel").is_visible()
    section.get_by_label("Cara").select_option("langsung")
    section.get_by_label("Catatan (nomor resi, nama penerima)").fill("Diterima Budi Santoso")
    section.get_by_label("Bukti pengiriman (tanda terima bertanda tangan, resi pos, foto)").set_input_files(
        files=[{"name": "../../tanda-terima.png", "mimeType": "image/png", "buffer": PNG}])
    shot(page, "surat-keluar")
    section.get_by_role("button", name="Tandai terkirim").click()
    page.get_by_text(f"Pengiriman surat {row['letter_number']} dicatat.").wait_for()
    letter = env.office.book.letters.by_number(row["letter_number"])
    assert letter["dispatched_at"] and letter["dispatch_method"] == "langsung"
    [proof] = [a for a in env.office.book.attachments.of(row["id"], None) if a["purpose"] == "bukti_kirim"]
    stored = Path(proof["path"])
    assert stored.read_bytes() == PNG and stored.name == "bukti-pengiriman-1.png"
    assert "arsip" in stored.parts  # filed with the dossier, under a name made by the office

    month = row["received_at"][:7]
    page.goto(f"{desk}/laporan?bulan={month}")
    assert page.get_by_role("heading", name="Laporan Bulan").is_visible()
    shot(page, "laporan")
    with page.expect_download() as recap:
        page.get_by_role("link", name="Excel (XLSX)").click()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(Path(recap.value.path()).read_bytes()))
    assert any("Jumlah" in str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r)
    page.close()


def test_citizen_markup_is_shown_as_text_and_confidential_identity_is_hidden(env, desk, browser):
    page = browser.new_page(locale="id-ID")
    page.on("dialog", lambda dialog: pytest.fail(f"citizen markup ran: {dialog.message}"))
    login(page, desk)
    number = record_walk_in(page, desk, name="<b>Andi</b>", subject="<script>alert(1)</script> jalan",
                            body="<img src=x onerror=alert(2)> Jalan berlubang.")
    assert page.get_by_text("<img src=x onerror=alert(2)> Jalan berlubang.").is_visible()
    assert page.locator("img[src=x]").count() == 0
    env.office.book.complaints.update(env.complaint(number)["id"], confidential=1, pokok="Jalan berlubang")
    page.get_by_role("button", name="Keluar").click()
    login(page, desk, "admin")  # identity_roles: staf and pimpinan; an admin does not see who complained
    page.goto(f"{desk}/pengaduan/{number}")
    assert "Andi" not in page.content() and page.get_by_text("(dirahasiakan)").first.is_visible()
    audit = [a for a in env.office.book.audit.log() if a["action"] == "meja-baca-pengaduan"]
    assert {a["who"] for a in audit} >= {"rina", "admin"} and all(a["subject"] == number for a in audit)
    page.close()


def test_officials_manage_delegations_and_an_admin_the_accounts(env, desk, browser):
    page = browser.new_page(locale="id-ID")
    login(page, desk, "camat")
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link", name="Delegasi").is_visible()
    assert nav.get_by_role("link", name="Catat Pengaduan").count() == 0  # not a pimpinan's page
    nav.get_by_role("link", name="Delegasi").click()
    page.get_by_label("Peran yang diwakili").select_option("camat")
    page.get_by_label("Bentuk").select_option("Plh.")
    page.get_by_label("Nama lengkap dengan gelar").fill("Drs. Ahmad Yani")
    page.get_by_label("Surel pelaksana").fill("ahmad@kecamatan.test")
    page.get_by_label("Jabatan pelaksana sendiri").fill("Sekretaris Camat")
    today = utcnow().astimezone(env.config.clock.tz).date()
    page.get_by_label("Mulai").fill(today.isoformat())
    page.get_by_label("Sampai (termasuk)").fill(today.isoformat())
    page.get_by_role("button", name="Simpan").click()
    [made] = env.office.book.delegations.listed()
    assert made["form"] == "Plh." and made["email"] == "ahmad@kecamatan.test"
    shot(page, "delegasi")
    page.get_by_role("button", name="Cabut").click()
    page.get_by_role("button", name="Ya, cabut delegasi").click()
    page.get_by_text("Delegasi Plh. Camat Drs. Ahmad Yani dicabut").wait_for()
    assert env.office.book.delegations.listed()[0]["revoked_at"]
    page.get_by_role("button", name="Keluar").click()

    login(page, desk, "admin")
    page.get_by_role("navigation").get_by_role("link", name="Pengguna").click()
    page.get_by_label("Nama pengguna").fill("joko")
    page.get_by_label("Peran").select_option("staf")
    page.get_by_label("Kata sandi (paling sedikit 10 karakter)").fill("sandi-joko-2026")
    page.get_by_role("button", name="Simpan").click()
    assert env.office.book.accounts.user("joko")["role"] == "staf"
    page.get_by_role("row", name="joko").get_by_role("button", name="Hapus").click()
    assert env.office.book.accounts.user("joko") is not None  # asked first, and said what it will do
    assert "sesinya yang masih terbuka berakhir" in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Ya, hapus akun").click()
    page.get_by_text("Akun joko dihapus").wait_for()
    assert env.office.book.accounts.user("joko") is None
    shot(page, "pengguna")
    page.get_by_role("navigation").get_by_role("link", name="Karantina").click()
    assert page.get_by_text("Tidak ada pesan di karantina.").is_visible()
    shot(page, "karantina")
    page.close()


def test_the_desk_works_from_the_keyboard_and_on_a_phone(env, desk, browser):
    env.complain(0)
    env.cycle()  # one complaint: its card on the phone
    page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})  # a phone
    page.goto(desk + "/masuk")
    page.keyboard.press("Tab")  # the skip link comes first, then the form
    page.get_by_label("Nama pengguna").focus()
    page.keyboard.type("rina")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Buku Pengaduan").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    shot(page, "buku-ponsel")
    page.close()


def test_the_daemon_serves_the_desk_when_web_is_enabled(env):
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(env.config_path, "a") as f:
        f.write(f"[web]\nenabled = true\nport = {port}\n")
    exe = Path(sys.executable).parent / "pengaduan"
    daemon = subprocess.Popen([str(exe), "--config", str(env.config_path), "jalankan"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status = 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and status != 200:
            try:
                status = Client(f"http://127.0.0.1:{port}").get("/masuk")[0]
            except OSError:
                time.sleep(0.2)
        assert status == 200, "the daemon did not serve the desk"
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, stderr


class Client:
    """A plain HTTP client with its own cookies, for what a browser would not send."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def csrf(self, path: str) -> str:
        import re

        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(path)[2])[1]

    def login(self, name: str = "rina", password: str = PASSWORD, then: str = "") -> int:
        return self.login_to(name, password, then)[0]

    def login_to(self, name: str = "rina", password: str = PASSWORD, then: str = "") -> tuple[int, str]:
        """Log in (from a link to `then`); the status and where the desk sends the browser."""
        path = "/masuk" + (f"?lanjut={urllib.parse.quote(then, safe='')}" if then else "")
        status, location, _ = self.post(path, {"csrf_token": self.csrf(path), "nama": name, "sandi": password})
        return status, location


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_attacks_on_the_desk_are_refused(env, desk):
    anonymous = Client(desk)
    for path in ("/buku", "/catat", "/surat-keluar", "/laporan", "/pengguna", "/berkas/1"):
        status, location, _ = anonymous.get(path)
        assert status == 302 and "/masuk" in location, path

    staff = Client(desk)
    before = {c.name: c.value for c in staff.jar}
    assert staff.login() == 302
    after = {c.name: c.value for c in staff.jar}
    assert after.get("meja") and after.get("meja") != before.get("meja")  # a new session at login
    count = len(env.office.book.complaints.listed())
    status, _, body = staff.post("/catat", {"nama": "X", "saluran": "langsung", "pokok": "Y", "isi": "Z"})
    assert status == 400 and "token keamanan" in body  # no form without its CSRF token
    assert len(env.office.book.complaints.listed()) == count
    assert staff.get("/pengguna")[0] == 403  # staff do not manage accounts
    token = staff.csrf("/buku")
    assert staff.post("/pengguna", {"csrf_token": token, "nama": "penyusup", "peran": "admin",
                                    "sandi": "sandi-penyusup-1"})[0] == 403
    assert env.office.book.accounts.user("penyusup") is None

    stolen = Client(desk)
    for cookie in staff.jar:
        stolen.jar.set_cookie(cookie)
    assert stolen.get("/buku")[0] == 200
    staff.post("/keluar", {"csrf_token": staff.csrf("/buku")})
    status, location, _ = stolen.get("/buku")
    assert status == 302 and "/masuk" in location  # the copied cookie died with the logout

    # After logging in, the desk sends the browser only to a page of its own.
    for elsewhere in ("//penipu.test/", "https://penipu.test/"):
        status, location = Client(desk).login_to("camat", then=elsewhere)
        assert status == 302 and location.endswith("/buku") and "penipu" not in location
    assert Client(desk).login_to("camat", then="/surat-keluar")[1].endswith("/surat-keluar")
    guesser = Client(desk)
    for _ in range(5):
        assert guesser.login("rina", "salah-sandi-0000") == 401
    assert guesser.login("rina", PASSWORD) == 401  # limited: even the right password waits


def user_created_wita(env, name: str) -> str:
    """When the account was made, as DD-MM-YYYY HH.MM WITA."""
    made = dt.datetime.fromisoformat(env.office.book.accounts.user(name)["created_at"]).astimezone(env.config.clock.tz)
    return f"{made:%d-%m-%Y %H.%M} WITA"


def test_accounts_from_the_command_line(env):
    from tests.test_cli import pengaduan

    config = str(env.config_path)
    made = pengaduan("--config", config, "pengguna", "tambah", "Dewi", "--peran", "staf", "--nama-lengkap",
                     "Dewi Lestari, A.Md.", "--nip", "199001012015032001", "--jabatan", "Pengadministrasi Umum",
                     input="sandi-dewi-2026\n")
    assert made.returncode == 0, made.stderr
    user = env.office.book.accounts.user("dewi")
    assert user["role"] == "staf" and user["password_hash"].startswith("$argon2id$")
    assert (user["full_name"], user["nip"], user["jabatan"]) == ("Dewi Lestari, A.Md.", "199001012015032001",
                                                                 "Pengadministrasi Umum")
    bad_nip = pengaduan("--config", config, "pengguna", "tambah", "eko", "--peran", "staf", "--nip", "12",
                        input="sandi-eko-20266\n")
    assert bad_nip.returncode == 2 and "NIP terdiri atas 18 angka" in bad_nip.stderr
    again = pengaduan("--config", config, "pengguna", "tambah", "dewi", "--peran", "admin", input="sandi-dewi-2027\n")
    assert again.returncode == 2 and "sudah ada" in again.stderr and "Traceback" not in again.stderr
    short = pengaduan("--config", config, "pengguna", "sandi", "dewi", input="pendek\n")
    assert short.returncode == 2 and "paling sedikit 10 karakter" in short.stderr
    listed = pengaduan("--config", config, "pengguna")
    assert "dewi" in listed.stdout and "Staf" in listed.stdout and "Dewi Lestari, A.Md. (Pengadministrasi Umum)" in listed.stdout
    made_at = user_created_wita(env, "dewi")
    assert f"dibuat {made_at}" in listed.stdout and "terkunci" not in listed.stdout  # office time, as people read it
    from office.commands import Refused
    from office.desk import log_in
    from office.plain import utcnow

    for _ in range(5):
        try:
            log_in(env.office, "dewi", "salah-sandi-0000", "192.0.2.7", utcnow())
        except Refused:
            pass
    locked = pengaduan("--config", config, "pengguna").stdout
    assert re.search(r"dewi .* terkunci sampai \d\d-\d\d-\d{4} \d\d\.\d\d WITA", locked), locked
    gone = pengaduan("--config", config, "pengguna", "hapus", "dewi")
    assert gone.returncode == 0 and env.office.book.accounts.user("dewi") is None


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()
