"""The public complaint form and status page in a real browser (Debian's Chromium driven by
Playwright) and over plain HTTP, served by waitress on loopback, over a real office (Dovecot and
SMTP on loopback, a real book): a citizen sends a complaint with photos that reaches the
Sekretaris's routing mail, follows it on the status page to the delivered answer and gives
their word by mail; every abuse rule, XSS and CSRF are refused with an Indonesian page and
counted; a bounded load test loses nothing and records nothing twice."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
import requests

from office.letter_pdfs import finish as finish_pdfs
from office.public_intake import refusal_counts
from sop.clock import utcnow
from tests.conftest import make_env
from tests.test_desk import CHROMIUM, FLAGS, PNG
from tests.test_sop_over_mail import through

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "publik"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLIC = "[publik]\nmin_seconds = 1\nper_address = 50\nmax_photos = 3\n"
FIELDS = {"nama": "Siti Aminah", "telepon": "0812-3456-7890", "surel": "", "alamat": "Jl. Trikora No. 5",
          "rt": "12", "rw": "3", "pokok": "Lampu jalan padam", "isi": "Lampu jalan di depan masjid padam seminggu.",
          "setuju": "ya"}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (./quickstart setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def serve(config_path: Path, threads: int = 4):
    """The public pages served by waitress on a free loopback port (jobs.serving.Background:
    its close() stops every thread), and their address."""
    from jobs.public import make_server
    from jobs.serving import Background

    served = Background(make_server(config_path, "127.0.0.1", 0, threads=threads), "publik-uji")
    return served, f"http://127.0.0.1:{served.effective_port}"


@pytest.fixture
def public_env(rig):
    with make_env(rig, extra=PUBLIC) as made:
        yield made


@pytest.fixture
def site(public_env):
    server, base = serve(public_env.config_path)
    yield base
    server.close()
    finish_pdfs()  # the receipts' PDFs its forms started (office.letter_pdfs)


class Citizen:
    """A browser without one: its own cookie, the form's token, what it posts."""

    def __init__(self, base: str, address: str | None = None):
        self.base, self.http = base, requests.Session()
        if address:  # behind the office's nginx ([publik] proxy): the client's address
            self.http.headers["X-Forwarded-For"] = address

    def token(self, path: str = "/") -> str:
        return re.search(r'name="token" value="([^"]+)"', self.http.get(self.base + path).text)[1]

    def send(self, fields: dict | None = None, files=(), token: str | None = None, wait: float = 1.05, **headers):
        token = token or self.token()
        time.sleep(wait)
        data = {**FIELDS, **(fields or {}), "token": token}
        return self.http.post(self.base + "/kirim", data=data, files=[("berkas", f) for f in files] or None,
                              headers=headers, allow_redirects=False)

    def aged_token(self, files: Path, seconds: float = 3600) -> str:
        """A form token of this browser signed as if the form had been open `seconds` already:
        a fill time no load on the machine can shorten."""
        from jobs.public.forms import COOKIE, new_token, secret_key

        self.token()  # the browser's cookie
        return new_token(secret_key(files), self.http.cookies[COOKIE], now=time.time() - seconds)

    def status(self, number: str, code: str):
        return self.http.post(self.base + "/status", data={"token": self.token("/status"), "nomor": number,
                                                          "kode": code})


def shot(page, name: str) -> None:
    """Refresh docs/publik/NAME.png only when PENGADUAN_SHOTS=1 asks (README shows them): a test
    run must not change the checkout."""
    if os.environ.get("PENGADUAN_SHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def recorded(response) -> str:
    return re.search(r'<dd class="nomor">([^<]+)</dd>', response.text)[1]


def fill(page, base: str, *, email: str = "", files=()):
    page.goto(base + "/")
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    if email:
        page.get_by_label("Surel (tidak wajib)").fill(email)
    page.get_by_label("Alamat (jalan dan nomor rumah)").fill("Jl. Trikora No. 5")
    page.get_by_label("RT", exact=True).fill("012")
    page.get_by_label("RW", exact=True).fill("003")
    page.get_by_label("Pokok pengaduan").fill("Lampu jalan padam di RT 12")
    page.get_by_label("Isi pengaduan").fill("Lampu jalan di depan masjid padam sejak seminggu.")
    if files:
        page.get_by_label(re.compile("^Foto atau berkas PDF")).set_input_files(files=list(files))
    page.get_by_label(re.compile("^Saya menyetujui")).check()


def test_a_citizen_sends_photos_by_the_form_and_the_sekretaris_gets_the_routing_mail(public_env, site, browser):
    env = public_env
    page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})  # a phone
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    citizen = env.cast.citizens[0][1]
    fill(page, site, email=citizen, files=[
        {"name": "lampu padam.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        {"name": "tiang.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "surat RT.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    shot(page, "formulir")
    time.sleep(1.1)
    page.get_by_role("button", name="Kirim").click()
    page.get_by_role("heading", name="Pengaduan Anda telah kami terima").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "diterima")
    number, code = page.locator("dd.nomor").all_inner_texts()
    row = env.complaint(number)
    assert row["channel"] == "web" and row["access_code"] == code and row["phone"] == "+6281234567890"
    assert row["email"] == citizen and row["address"] == "Jl. Trikora No. 5, RT 012/RW 003"
    from office.access import receipt_facts

    assert page.get_by_text(receipt_facts(env.office, row)["due"]).is_visible()  # the SOP's standard times
    finish_pdfs()  # its PDF, made after the commit by the PDF job the form started
    with page.expect_download() as receipt:
        page.get_by_role("button", name="Unduh tanda terima (PDF)").click()
    saved = Path(receipt.value.path()).read_bytes()
    assert saved.startswith(b"%PDF") or saved.startswith(b"PK")  # PDF, or Word without LibreOffice
    files = env.office.book.attachments.of(row["id"])
    assert [f["filename"] for f in files] == ["lampu padam.jpg", "tiang.png", "surat RT.pdf"]
    assert [Path(f["path"]).read_bytes() for f in files] == [JPEG, PNG, PDF]
    assert all(Path(f["path"]).name not in ("lampu padam.jpg", "tiang.png") for f in files)

    env.cycle()  # the daemon sends what the form queued
    routing = env.routing("sekretaris", number, 2)
    assert routing is not None and "Lampu jalan padam di RT 12" in routing.text
    assert "formulir daring" in routing.text  # the channel, as the book's words say it
    assert any(e["text"].startswith("3 lampiran disimpan") for e in env.office.book.events.of(row["id"]))
    [ack] = [m for m in env.inbox(citizen) if m.subject.startswith("Tanda Terima Pengaduan")]
    assert number in ack.subject and code in ack.text
    assert any("formulir" in e["text"] for e in env.office.book.events.of(row["id"]))
    page.close()


def test_the_status_page_follows_the_complaint_to_the_delivered_answer(public_env, site, browser):
    env = public_env
    citizen = Citizen(site)
    name, address, _, _ = env.cast.citizens[1]
    sent = citizen.send({"nama": "Budi Santoso", "surel": address, "pokok": "Surat pengantar lambat",
                         "isi": "Sudah tiga hari belum selesai."})
    assert sent.status_code == 200
    number = recorded(sent)
    code = env.complaint(number)["access_code"]
    page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})

    def look() -> str:
        page.goto(site + "/status")
        page.get_by_label("Nomor pengaduan").fill(number)
        page.get_by_label("Kode akses").fill(code.lower()[:3] + "-" + code.lower()[3:])  # as people type it
        page.get_by_role("button", name="Lihat status").click()
        page.get_by_role("heading", name=f"Pengaduan {number}").wait_for()
        text = page.locator("main").inner_text()
        for private in ("Budi", address, "Surat pengantar lambat", "tiga hari", "0812", "Trikora"):
            assert private not in page.content(), private  # no personal data, no pokok, no text
        return text

    env.cycle()
    assert "Langkah 2 dari" in look() and "sedang diklarifikasi" in look()
    through(env, number, ("sekretaris", 2, "Sudah dikonfirmasi ke kelurahan.\nSeksi: Pelayanan Umum"))
    assert "Langkah 3 dari" in look()
    through(env, number, ("camat", 3, "Tetapkan waktu layanan satu hari kerja."),
            ("sekretaris", 4, "Surat pengantar Bapak telah diselesaikan."), ("camat", "4a", "Setuju"))
    text = look()
    assert "Surat jawaban nomor" in text and "sudah siap" in text
    through(env, number, ("jfu", 5, "Jawaban telah dikirim melalui surel."))
    row = env.complaint(number)
    assert row["state"] == "answered"
    text = look()
    shot(page, "status")
    assert "Jawaban telah disampaikan" in text and "telah dikirim ke alamat surel" in text and "PUAS" in text
    # The complainant gives their word through their own channel: a reply to the delivery mail.
    from jobs.demo import reply_to

    [delivery] = [m for m in env.inbox(address) if m.subject.startswith("Jawaban atas Pengaduan")]
    env.rig.send(reply_to(delivery, (name, address), "PUAS\nTerima kasih."))
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "closed" and row["satisfaction"] == "puas"
    assert "Penanganan pengaduan telah selesai." in look()
    page.close()


def test_wrong_access_codes_are_limited_per_address_and_per_number(rig):
    import datetime as dt

    with make_env(rig, extra="[publik]\nmin_seconds = 0\nproxy = true\n") as env:
        server, base = serve(env.config_path)
        try:
            numbers = [recorded(Citizen(base, f"192.0.2.{i}").send({"pokok": f"Hal {i}"}, wait=0)) for i in (1, 2)]
            codes = [env.complaint(n)["access_code"] for n in numbers]
            wrong = "AAAAAA" if "AAAAAA" not in codes else "BBBBBB"
            # Per address: five wrong codes from one address, on any numbers, lock that address only.
            guesser = Citizen(base, "203.0.113.9")
            for i in range(5):
                answer = guesser.status(f"PGD/1999/{i:04d}" if i else numbers[1], wrong)
                assert answer.status_code == 404 and "tidak cocok" in answer.text  # unknown numbers: the same words
            locked = guesser.status(numbers[0], codes[0])
            assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.text
            assert "Keadaan" not in locked.text
            assert Citizen(base, "198.51.100.5").status(numbers[0], codes[0]).status_code == 200
            # Per number: five wrong codes for one complaint from five addresses lock that complaint.
            for i in range(1, 5):  # with the guesser's one, five
                assert Citizen(base, f"198.51.100.{10 + i}").status(numbers[1], wrong).status_code == 404
            shown = Citizen(base, "198.51.100.99").status(numbers[1], codes[1])
            assert shown.status_code == 429 and "Keadaan" not in shown.text
            assert Citizen(base, "198.51.100.99").status(numbers[0], codes[0]).status_code == 200
            xss = Citizen(base, "198.51.100.98").status("<script>alert(1)</script>", wrong)
            assert "<script>alert(1)</script>" not in xss.text and "&lt;script&gt;" in xss.text
        finally:
            server.close()
        staff = env.office.staff.email
        since = utcnow() - dt.timedelta(hours=1)
        told = env.office.book.outbox.count_to(staff, "kode_akses_salah", since)
        held = [d for d in env.office.book.digest.pending() if d["kind"] == "kode_akses_salah"]
        assert told == 1 and len(held) == 1  # once at once, the second in the hour's digest
        counts = refusal_counts(env.office, utcnow().replace(year=2000))
        assert counts["kode_salah"] == 10 and counts["ditahan"] == 2


def test_each_abuse_rule_refuses_with_an_indonesian_page_and_is_counted(rig):
    # The minimum fill time is ten minutes here, so a form posted at once is refused however slow
    # the machine is; the forms meant to pass carry a token signed an hour ago (the rule's other
    # side, without a sleep that a loaded machine can stretch or shrink).
    slow = PUBLIC.replace("min_seconds = 1", "min_seconds = 600")
    with make_env(rig, extra=slow) as env:
        server, site = serve(env.config_path)
        try:
            _each_abuse_rule(env, site)
        finally:
            server.close()


def _each_abuse_rule(env, site: str) -> None:
    files = env.config.files

    def aged(fields: dict | None = None, **kwargs):
        citizen = Citizen(site)
        return citizen.send(fields, token=citizen.aged_token(files), wait=0, **kwargs)

    before = len(env.office.book.complaints.listed())
    robot = Citizen(site)
    refused = robot.send({"situs": "http://spam.example"}, token=robot.aged_token(files), wait=0)  # the honeypot
    assert refused.status_code == 400 and "tidak dapat kami terima" in refused.text
    quick = robot.send(wait=0)
    assert quick.status_code == 400 and "terlalu cepat" in quick.text
    assert 'value="Siti Aminah"' in quick.text  # a quick person gets the form back, filled in
    first = aged({"pokok": "Sampah menumpuk", "isi": "Sampah di pasar menumpuk."})
    assert first.status_code == 200
    again = aged({"pokok": "Sampah  menumpuk", "isi": "sampah di pasar menumpuk."})
    assert again.status_code == 409 and "telah kami terima sebelumnya" in again.text  # a duplicate
    big = b"\xff\xd8\xff" + b"\x00" * (env.config.intake.max_attachment_bytes + 10)
    assert aged(files=[("besar.jpg", big, "image/jpeg")]).status_code == 413
    many = aged(files=[(f"f{i}.png", PNG, "image/png") for i in range(4)])
    assert many.status_code == 413 and "Paling banyak 3" in many.text
    html = aged(files=[("foto.jpg", b"<html><script>alert(1)</script>", "image/jpeg")])
    assert html.status_code == 413 and "bukan foto" in html.text
    assert len(env.office.book.complaints.listed()) == before + 1
    counts = refusal_counts(env.office, utcnow().replace(year=2000))
    assert counts["umpan"] == 1 and counts["terlalu_cepat"] == 1 and counts["ganda"] == 1 and counts["berkas"] == 3
    for response in (refused, quick, again, many, html):
        assert "<html lang=\"id\">" in response.text and "Traceback" not in response.text


def test_the_per_address_and_global_limits_hold(rig):
    with make_env(rig, extra="[publik]\nmin_seconds = 0\nper_address = 2\nper_hour = 3\nproxy = true\n") as env:
        server, base = serve(env.config_path)
        try:
            one = Citizen(base, "203.0.113.7")
            assert one.send({"pokok": "Satu"}, wait=0).status_code == 200
            assert one.send({"pokok": "Dua"}, wait=0).status_code == 200
            third = one.send({"pokok": "Tiga"}, wait=0)
            assert third.status_code == 429 and "jaringan Anda" in third.text
            assert Citizen(base, "198.51.100.1").send({"pokok": "Empat"}, wait=0).status_code == 200
            busy = Citizen(base, "198.51.100.2").send({"pokok": "Lima"}, wait=0)
            assert busy.status_code == 429 and "sedang sibuk" in busy.text
            counts = refusal_counts(env.office, utcnow().replace(year=2000))
            assert counts == {"batas_alamat": 1, "batas_umum": 1}
            assert len(env.office.book.complaints.listed()) == 3
        finally:
            server.close()


def test_markup_from_citizens_is_text_and_file_names_are_data(public_env, site, browser):
    env = public_env
    page = browser.new_page(locale="id-ID")
    page.on("dialog", lambda dialog: pytest.fail(f"citizen markup ran: {dialog.message}"))
    page.goto(site + "/")
    page.get_by_label("Nama", exact=True).fill("<img src=x onerror=alert(1)>")
    page.get_by_label("Pokok pengaduan").fill("<script>alert(2)</script>")
    page.get_by_label(re.compile("^Foto atau berkas PDF")).set_input_files(
        files=[{"name": "<svg onload=alert(3)>.jpg", "mimeType": "image/jpeg", "buffer": b"<svg onload=alert(3)>"}])
    time.sleep(1.1)
    page.get_by_role("button", name="Kirim").click()  # fields missing: the form again, with the file refused
    page.get_by_text("Periksa kembali isian yang ditandai.").wait_for()
    assert page.get_by_text("<svg onload=alert(3)>.jpg bukan foto", exact=False).is_visible()
    assert page.locator("img[src=x]").count() == 0 and page.locator("svg").count() == 0
    assert page.get_by_label("Nama", exact=True).input_value() == "<img src=x onerror=alert(1)>"
    page.close()
    sent = Citizen(site).send({"nama": "<b>Andi</b>", "pokok": "<script>alert(4)</script>"},
                              files=[("../../../etc/passwd.jpg", JPEG, "image/jpeg")])
    assert sent.status_code == 200 and "<script>" not in sent.text and "<b>" not in sent.text
    row = env.complaint(recorded(sent))
    [stored] = env.office.book.attachments.of(row["id"])
    path = Path(stored["path"])
    assert path.read_bytes() == JPEG and path.parent.parent.parent.name == "lampiran"  # under the office's name
    assert stored["filename"] == "../../../etc/passwd.jpg" and path.suffix in (".jpg", ".jpeg", ".jpe")


def test_forms_from_another_site_or_another_browser_are_refused(public_env, site, browser):
    env = public_env
    before = len(env.office.book.complaints.listed())
    # Another page posts the form to us: it cannot read this browser's cookie or any token of it.
    attacker = Citizen(site)
    stolen = attacker.token()
    victim = Citizen(site)
    victim.http.get(site + "/")
    time.sleep(1.1)
    forged = victim.http.post(site + "/kirim", data={**FIELDS, "token": stolen})
    assert forged.status_code == 400 and "Formulir kedaluwarsa" in forged.text
    assert requests.post(site + "/kirim", data={**FIELDS, "token": stolen}).status_code == 400  # no cookie
    assert victim.send(Origin="http://penipu.test").status_code == 400  # a browser names the other site
    page = browser.new_page(locale="id-ID")
    page.goto(site + "/")  # this browser has its cookie now; another site's page posts to us
    page.set_content(f'<form method="post" action="{site}/kirim">' + "".join(
        f'<input name="{k}" value="{v}">' for k, v in {**FIELDS, "token": stolen}.items()) +
        '<button type="submit">kirim</button></form>')
    page.get_by_role("button", name="kirim").click()
    page.get_by_role("heading", name="Formulir kedaluwarsa").wait_for()
    page.close()
    assert len(env.office.book.complaints.listed()) == before
    assert refusal_counts(env.office, utcnow().replace(year=2000))["token"] == 4


def test_a_form_sent_twice_is_one_complaint_and_its_receipt_is_its_browsers_only(public_env, site):
    env = public_env
    citizen = Citizen(site)
    token = citizen.token()
    first, second = citizen.send(token=token), citizen.send(token=token, wait=0)
    assert first.status_code == second.status_code == 200 and recorded(first) == recorded(second)
    assert len(env.office.book.complaints.listed()) == 1
    finish_pdfs()
    receipt = citizen.http.post(site + "/tanda-terima", data={"token": token})
    assert receipt.status_code == 200 and receipt.headers["Content-Disposition"].startswith("attachment")
    other = Citizen(site)
    other.http.get(site + "/")
    assert other.http.post(site + "/tanda-terima", data={"token": token}).status_code == 403


def test_the_public_pages_reach_nothing_of_the_desk(public_env, site):
    import subprocess
    import sys

    from office.desk import add_user

    add_user(public_env.office, "rina", "staf", "sandi-rahasia-123", utcnow())
    for path in ("/masuk", "/buku", "/catat", "/pengaduan/PGD/2026/0001", "/berkas/1", "/surat-keluar",
                 "/static/meja.css", "/pengguna"):
        response = requests.get(site + path, allow_redirects=False)
        assert response.status_code == 404 and "Tidak ditemukan" in response.text, path
    assert requests.post(site + "/masuk", data={"nama": "rina", "sandi": "sandi-rahasia-123"}).status_code in (404, 405)
    from jobs.public import create_app

    rules = {r.rule for r in create_app(public_env.config_path).url_map.iter_rules()}
    assert rules == {"/", "/kirim", "/tanda-terima", "/status", "/static/<path:filename>"}
    imported = subprocess.run([sys.executable, "-c", "import sys, jobs.public, jobs.public.pages; "
                               "print(any(m.startswith('jobs.web') for m in sys.modules))"],
                              capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert imported.stdout.strip() == "False", imported.stderr


def test_the_form_works_from_the_keyboard(public_env, site, browser):
    page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"
    page.get_by_label("Nama", exact=True).focus()
    for text in ("Siti", "081234567890", "", "Jl. Trikora 5", "1", "2", "Jalan rusak", "Jalan di RT 1 berlubang."):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the file input
    page.keyboard.press("Space")  # the consent box
    time.sleep(1.1)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Pengaduan Anda telah kami terima").wait_for()
    page.close()


def test_a_bounded_load_loses_nothing_and_records_nothing_twice(rig):
    import os
    from concurrent.futures import ThreadPoolExecutor

    total, clients = int(os.environ.get("PUBLIK_BEBAN", "500")), 20
    with make_env(rig, extra="[publik]\nmin_seconds = 0\nper_address = 1000\nper_hour = 100000\nproxy = true\n") as env:
        server, base = serve(env.config_path, threads=8)
        try:
            def client(index: int) -> list[str]:
                me = Citizen(base, f"10.0.0.{index + 1}")
                numbers = []
                for n in range(index, total, clients):
                    token = me.token()
                    fields = {"pokok": f"Pengaduan beban {n}", "isi": f"Isi pengaduan nomor {n}.", "telepon": f"0813{n:08d}"}
                    response = me.send(fields, files=[("foto.png", PNG, "image/png")], token=token, wait=0)
                    assert response.status_code == 200, response.text[:300]
                    numbers.append(recorded(response))
                    if n % 10 == 0:  # a double click: the same form again
                        assert recorded(me.send(fields, token=token, wait=0)) == numbers[-1]
                return numbers

            with ThreadPoolExecutor(clients) as pool:
                numbers = [n for batch in pool.map(client, range(clients)) for n in batch]
        finally:
            server.close()
        assert len(numbers) == len(set(numbers)) == total
        rows = env.office.book.complaints.listed()
        assert sorted(r["number"] for r in rows) == sorted(numbers)
        assert sorted(r["subject"] for r in rows) == sorted(f"Pengaduan beban {n}" for n in range(total))
        assert all(len(env.office.book.attachments.of(r["id"])) == 1 and r["held_at"] is None for r in rows)
        accepted = env.office.book._all("SELECT complaint_id FROM public_requests WHERE outcome = 'diterima'")
        assert sorted(a["complaint_id"] for a in accepted) == sorted(r["id"] for r in rows)  # one row each
        import datetime as dt

        sekretaris = env.official("sekretaris")[1]  # each routed once: one task mail each, in the outbox
        assert env.office.book.outbox.count_to(sekretaris, "tugas", utcnow() - dt.timedelta(hours=1)) == total


def test_periksa_and_the_monthly_recap_count_the_refused_forms(public_env, site):
    import datetime as dt

    from jobs.doctor import run_checks
    from office.public_intake import recap_line

    env = public_env
    Citizen(site).send({"situs": "http://spam.example"})
    Citizen(site).send()
    [line] = [c for c in run_checks(env.config) if c.name == "formulir publik"]
    assert line.ok and line.detail == "30 hari terakhir: 1 pengaduan diterima; 1 ditolak (isian umpan terisi 1)"
    today = utcnow().astimezone(env.config.clock.tz).date()
    text = recap_line(env.office, today.replace(day=1), today + dt.timedelta(days=1))
    assert "Formulir pengaduan daring: 1 pengaduan diterima; 1 ditolak (isian umpan terisi 1)." in text


def test_the_daemon_serves_the_public_pages_when_enabled(public_env):
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = public_env.config_path.read_text().replace("[publik]\n", f"[publik]\nenabled = true\nport = {port}\n")
    public_env.config_path.write_text(text)
    daemon = subprocess.Popen([str(Path(sys.executable).parent / "pengaduan"), "--config", str(public_env.config_path),
                               "jalankan"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, deadline = 0, time.monotonic() + 30
        while time.monotonic() < deadline and status != 200:
            try:
                status = requests.get(f"http://127.0.0.1:{port}/status", timeout=5).status_code
            except requests.ConnectionError:
                time.sleep(0.2)
        assert status == 200, "the daemon did not serve the public pages"
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, stderr


def test_an_administrators_mistake_in_publik_is_one_line_and_exit_2(public_env):
    from tests.test_cli import pengaduan

    path = public_env.config_path
    original = path.read_text()
    for wrong, said in (("max_foto = 2\n", "mungkin maksud Anda 'max_photos'"),
                        ("per_hour = 0\n", "per_hour: harus bilangan bulat paling kecil 1"),
                        ("port = 70000\n", "70000 bukan nomor port")):
        path.write_text(original.replace("[publik]\n", "[publik]\n" + wrong))
        result = pengaduan("--config", str(path), "publik")
        assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr, result.stderr
    path.write_text(original)
    from office.config import load_config

    assert load_config(path).publik.min_seconds == 1
    assert load_config(path).publik.per_hour == 100 and load_config(path).publik.enabled is False


def test_form_tokens_phone_numbers_and_file_kinds():
    from intake.sms_gateway import is_mobile, normal_phone
    from jobs.public.forms import form_id, new_token, token_age
    from office.public_intake import check_form, file_kind

    key, browser = b"k" * 32, "b" * 32
    token = new_token(key, browser, now=1000)
    assert token_age(key, token, browser, now=1004) == 4
    assert token_age(key, token, "c" * 32, now=1004) is None  # another browser's cookie
    assert token_age(b"x" * 32, token, browser, now=1004) is None  # another key (the desk's, say)
    assert token_age(key, token, browser, now=1000 + 5 * 3600) is None  # open too long
    assert token_age(key, token.replace(".", ".0", 1), browser, now=1004) is None  # its time altered
    assert token_age(key, token, None) is None and form_id(token).count(".") == 1
    assert [normal_phone(p) for p in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456789")] == \
        ["+6281234567890"] * 3 + ["+628123456789"]
    assert not is_mobile(normal_phone("021 555 1234")) and normal_phone("0812") is None
    assert file_kind(JPEG)[0] == "image/jpeg" and file_kind(PNG)[0] == "image/png" and file_kind(PDF)[0] == "application/pdf"
    assert file_kind(b"<html>") is None and file_kind(b"MZ\x90\x00") is None
    complaint, errors = check_form({**FIELDS, "setuju": ""})
    assert complaint is None and set(errors) == {"setuju"}
    complaint, errors = check_form({**FIELDS, "rt": "12a", "surel": "bukan-surel", "isi": " "})
    assert set(errors) == {"rt", "surel", "isi"}


def test_the_form_takes_only_a_number_the_offices_sms_gateway_can_reach():
    """The form and the SMS gateway once had a normaliser each: the form took a 14-digit
    "mobile" number that no SMS ever reaches, and refused 0812/3456/7890 that SMS reads."""
    from intake.sms_gateway import is_mobile, normal_phone
    from office.public_intake import check_form

    for written in ("0812/3456/7890", "0812-3456-7890", "+62 812 3456 789"):
        complaint, errors = check_form({**FIELDS, "telepon": written})
        assert "telepon" not in errors and complaint is not None, written
        assert is_mobile(complaint.phone) and complaint.phone == normal_phone(written)
    for written in ("08123456789012", "0541 123456", "0812"):
        complaint, errors = check_form({**FIELDS, "telepon": written})
        assert complaint is None and "Nomor HP tidak valid" in errors["telepon"], written


def test_a_repeat_from_the_form_is_flagged_for_the_sekretaris_as_a_mail_is(public_env, site):
    env = public_env
    body = "Lampu jalan di Jl. Trikora RT 12 padam sejak seminggu, jalan gelap pada malam hari."
    recorded(Citizen(site).send({"pokok": "Lampu jalan padam", "isi": body}))
    second = recorded(Citizen(site).send({"nama": "Tetangga", "telepon": "0813 1111 2222",
                                          "pokok": "Lampu jalan Trikora mati", "isi": "Masih padam: " + body}))
    flagged = [e["text"] for e in env.office.book.events.of(env.complaint(second)["id"]) if e["kind"] == "kemungkinan_berulang"]
    assert flagged and "Kemungkinan pengaduan berulang" in flagged[0]
    env.cycle()
    routing = " ".join(env.routing("sekretaris", second, 2).text.split())
    assert flagged[0] in routing and "Gabung: <nomor pengaduan>" in routing  # the Sekretaris may join them


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_pages_colours_meet_wcag_aa_contrast():
    from templates import TEMPLATES

    css = (TEMPLATES / "publik" / "static" / "publik.css").read_text()
    pairs = {("#1a1a1a", "#fff"): 4.5, ("#0b4f8a", "#fff"): 4.5, ("#a4001d", "#fdf2f4"): 4.5,
             ("#3d3d3d", "#fff"): 4.5, ("#1a1a1a", "#f2f5f8"): 4.5, ("#595959", "#fff"): 3.0,  # field borders
             ("#b35c00", "#fff"): 3.0, ("#ffd27a", "#0b4f8a"): 3.0}  # focus outlines
    for (fg, bg), least in pairs.items():
        assert fg in css and bg in css, (fg, bg)
        full = [c if len(c) == 7 else "#" + "".join(x * 2 for x in c[1:]) for c in (fg, bg)]
        assert _contrast(*full) >= least, (fg, bg, _contrast(*full))


def test_odd_requests_get_an_indonesian_page_never_a_500(public_env, site):
    citizen = Citizen(site)
    token = citizen.token()
    odd = [citizen.http.get(site + "/kirim"), citizen.http.post(site + "/status", data={"nomor": "x"}),
           citizen.http.post(site + "/kirim", data=b"--x\r\nrusak", headers={"Content-Type": "multipart/form-data; boundary=x"}),
           citizen.http.post(site + "/kirim", data={**FIELDS, "token": token, "isi": "a" * 3_000_000}),
           citizen.http.post(site + "/kirim", data={**FIELDS, "token": token, "nama": "\x00\u202e" * 50}),
           citizen.http.post(site + "/tanda-terima", data={"token": "1.2.3"})]
    for response in odd:
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
        assert '<html lang="id">' in response.text and "Traceback" not in response.text
    assert len(public_env.office.book.complaints.listed()) == 0


def test_pengaduan_publik_serves_the_pages(public_env):
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = subprocess.Popen([str(Path(sys.executable).parent / "pengaduan"), "--config", str(public_env.config_path),
                               "publik", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, deadline = 0, time.monotonic() + 30
        while time.monotonic() < deadline and status != 200:
            try:
                status = requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code
            except requests.ConnectionError:
                time.sleep(0.2)
        assert status == 200
    finally:
        served.terminate()
        stdout, _ = served.communicate(timeout=30)
    assert f"Laman pengaduan publik berjalan di http://127.0.0.1:{port}/" in stdout


def test_without_email_the_status_page_says_where_to_collect_the_answer(public_env, site):
    from office.commands import dispatch_letter, record_feedback

    env = public_env
    citizen = Citizen(site)
    number = recorded(citizen.send({"pokok": "Drainase tersumbat", "isi": "Drainase di gang 7 tersumbat."}))
    code = env.complaint(number)["access_code"]
    env.cycle()
    through(env, number, ("sekretaris", 2, "Sudah dicek.\nSeksi: Pemerintahan"), ("camat", 3, "Bersihkan minggu ini."),
            ("sekretaris", 4, "Drainase akan dibersihkan minggu ini."), ("camat", "4a", "Setuju"))
    letter = env.complaint(number)["letter_number"]
    shown = citizen.status(number, code).text
    assert f"Surat jawaban nomor {letter} sudah siap dan dapat diambil di Loket Pengaduan" in " ".join(shown.split())
    dispatch_letter(env.office, number, "langsung", "Diambil sendiri", "rina", utcnow())
    assert "telah diserahkan langsung pada" in citizen.status(number, code).text
    record_feedback(env.office, number, "PUAS", "rina", utcnow())  # told at the counter
    assert "Penanganan pengaduan telah selesai." in citizen.status(number, code).text


def test_the_receipt_and_acknowledgement_name_the_status_page_and_ask_no_signature(rig):
    from docx import Document

    from office.public_intake import RECEIPT_BY
    from office.receipts import write_receipt

    extra = PUBLIC.replace("[publik]\n", "[publik]\nenabled = true\nurl = \"https://pengaduan.contoh.go.id/\"\n")
    with make_env(rig, extra=extra) as env:
        server, base = serve(env.config_path)
        try:
            citizen = env.cast.citizens[0][1]
            number = recorded(Citizen(base).send({"surel": citizen, "pokok": "Jalan berlubang"}))
        finally:
            server.close()
        code = env.complaint(number)["access_code"]
        env.cycle()
        ack = " ".join(env.inbox(citizen)[-1].text.split())
        assert "laman Cek Status https://pengaduan.contoh.go.id/status" in ack and code in ack
        made = write_receipt(env.office, env.complaint(number), RECEIPT_BY, utcnow())  # as /tanda-terima does
        docx = next(p for p in made if p.suffix == ".docx")
        text = " ".join(p.text for p in Document(str(docx)).paragraphs)
        assert "https://pengaduan.contoh.go.id/status" in text
        assert "sah tanpa tanda tangan" in text and "Yang menerima" not in text  # nobody signs a web form
        routing = " ".join(env.routing("sekretaris", number, 2).text.split())
        assert "Telepon pengadu : +6281234567890" in routing  # the Sekretaris can call back


def test_the_desk_counts_failed_logins_by_nginxs_forwarded_address_only_behind_a_proxy(rig):
    """waitress drops X-Forwarded-For unless told otherwise: behind nginx ([web] proxy) every failed
    login would be nginx's own, and one guesser would lock the whole office out."""
    from jobs.web import serve_in_background

    for proxy, seen in ((False, "127.0.0.1"), (True, "203.0.113.7")):
        with make_env(rig, extra=f"[web]\nproxy = {'true' if proxy else 'false'}\n") as env:
            server = serve_in_background(env.config_path, "127.0.0.1", 0)
            try:
                http, base = requests.Session(), f"http://127.0.0.1:{server.effective_port}"
                form = http.get(base + "/masuk").text
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
                http.post(base + "/masuk", data={"csrf_token": csrf, "nama": "tamu", "sandi": "salah"},
                          headers={"X-Forwarded-For": "203.0.113.7"})
            finally:
                server.close()  # jobs.serving.Background: the server and its threads stopped
            failed = [a for a in env.office.book.audit.log() if a["action"] == "meja-gagal-masuk"]
            assert failed and failed[-1]["detail"] == seen
