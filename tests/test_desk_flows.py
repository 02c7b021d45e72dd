"""The desk's first screen, its search, its accounts and its messages, against the desk served
by waitress on loopback over a real office (Dovecot and SMTP on loopback, a real book), read
as a browser gets them (tests.test_desk.Client) and, for the phone, in Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

from office.desk import set_profile
from sop.clock import utcnow
from tests import test_desk
from tests.test_desk import PASSWORD, Client, login
from tests.test_desk_day import fits
from tests.test_sop_over_mail import through

browser = test_desk.browser  # Chromium; the served desk is conftest's `desk`


def text_of(html: str) -> str:
    """A page's words as a reader sees them (tags out, entities and blanks as the browser shows them)."""
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def book(env, *rows: tuple[str, str], start: int = 1) -> None:
    """Complaints written straight into the book (subject, body), open at step 2."""
    now = utcnow()
    with env.office.book.transaction():
        for i, (subject, body) in enumerate(rows, start=start):
            env.office.book.complaints.add(number=f"PGD/2026/{i:04d}", state="open", step=2, channel="langsung",
                                          received_at=now - dt.timedelta(minutes=len(rows) - i), name=f"Warga {i}",
                                          subject=subject, body=body, confidential=0, pokok=subject)


def found(client: Client, words: str) -> tuple[list[str], str]:
    """The numbers the book lists for `words`, and the page's text."""
    _, _, page = client.get("/buku?" + urllib.parse.urlencode({"cari": words}))
    return re.findall(r'href="/pengaduan/([^"]+)"', page), text_of(page)


def test_text_in_a_link_never_shows_as_a_message_of_the_desk(env, desk):
    """A link carrying words (?galat=, ?dicatat=) shows nothing of them: messages after an
    action come from the server, kept with the session."""
    book(env, ("Lampu padam", "Lampu jalan padam."))
    staf = Client(desk)
    assert staf.login() == 302
    bait = "Sesi Anda habis. Hubungi admin di WA 0812 dan kirim kata sandi Anda."
    for path in ("/surat-keluar", "/pengaduan/PGD/2026/0001", "/buku", "/catat"):
        for key in ("galat", "dicatat", "pesan"):
            _, _, page = staf.get(f"{path}?{key}={urllib.parse.quote(bait)}")
            assert "Sesi Anda habis" not in page, (path, key)
    # A message the server set is shown once, on the next page of that session only.
    token = staf.csrf("/pengaduan/PGD/2026/0001")
    staf.post("/pengaduan/PGD/2026/0001/lapor", {"csrf_token": token, "nomor": "LPR-77"})
    other = Client(desk)
    assert other.login() == 302
    assert "LPR-77 disimpan" not in other.get("/buku")[2]
    assert "Nomor pelacakan SP4N-LAPOR! LPR-77 disimpan." in staf.get("/pengaduan/PGD/2026/0001")[2]
    assert "LPR-77 disimpan" not in staf.get("/pengaduan/PGD/2026/0001")[2]


def test_a_typo_is_one_edit_away():
    from sop.book.search import one_edit

    for typo, word in (("sampha", "sampah"), ("wraga", "warga"), ("bantuas", "bantuan"), ("lmapu", "lampu"),
                       ("jalann", "jalan"), ("jaln", "jalan")):
        assert word in one_edit(typo), typo


def test_search_finds_short_numbers_spelling_variants_and_offers_a_mended_query(env, desk):
    book(env, ("Antrean panjang di loket KTP", "Warga mengantre sejak pagi."),
         ("Pungutan liar di kelurahan", "Petugas meminta uang untuk surat pengantar."),
         ("Sampah menumpuk", "Sampah di gang 3 tidak diangkut."))
    staf = Client(desk)
    assert staf.login() == 302
    assert found(staf, "3")[0] == ["PGD/2026/0003"]  # a short number is the register's serial (and "gang 3")
    assert found(staf, "antrian")[0] == ["PGD/2026/0001"]  # antri/antre
    assert found(staf, "pungli")[0] == ["PGD/2026/0002"]  # pungli: pungutan liar
    numbers, page = found(staf, "sampha")
    assert numbers == [] and "Mungkin maksud Anda: sampah" in page
    assert found(staf, "sampah")[0] == ["PGD/2026/0003"]
    numbers, page = found(staf, "tidakadakatainidimanapun")
    assert numbers == [] and "Mungkin maksud Anda" not in page
    admin = Client(desk)  # outside [web] identity_roles: still finds a complaint that is not confidential by name
    assert admin.login("admin") == 302
    assert found(admin, "Warga 2")[0] == ["PGD/2026/0002"]


def test_the_first_screen_counts_each_state_and_the_list_pages_and_sorts(env, desk, monkeypatch):
    book(env, *[(f"Pengaduan ke-{i}", "Jalan rusak.") for i in range(1, 61)])
    with env.office.book.transaction():
        env.office.book.complaints.update(env.complaint("PGD/2026/0007")["id"], held_at="2026-01-01T00:00:00+00:00")
        env.office.book.complaints.update(env.complaint("PGD/2026/0008")["id"], state="answered", step=None)
    staf = Client(desk)
    assert staf.login() == 302
    page = text_of(staf.get("/buku")[2])
    for count in ("58 Dalam proses", "1 Ditahan", "1 Menunggu tanggapan pengadu", "0 Karantina", "0 Surat menunggu"):
        assert count in page, count
    assert "Menampilkan 1–50 dari 60 pengaduan" in page and "Lebih lama »" in page and "« Terbaru" not in page
    _, _, second = staf.get("/buku?halaman=2")
    assert "Menampilkan 51–60 dari 60 pengaduan" in text_of(second) and "« Terbaru" in second
    assert re.findall(r'href="/pengaduan/([^"]+)"', second)[-1] == "PGD/2026/0001"
    from sop.book import search

    monkeypatch.setattr(search, "FLIP", 10)  # a page near the end, read from the other end: the same page
    flipped = staf.get("/buku?halaman=2")[2]
    assert re.findall(r'href="/pengaduan/([^"]+)"', flipped) == re.findall(r'href="/pengaduan/([^"]+)"', second)
    _, _, held = staf.get("/buku?status=held")
    assert re.findall(r'href="/pengaduan/([^"]+)"', held) == ["PGD/2026/0007"]
    assert "menunggu diperiksa staf" in held
    _, _, oldest = staf.get("/buku?urut=nomor&arah=naik")
    assert re.findall(r'href="/pengaduan/([^"]+)"', oldest)[0] == "PGD/2026/0001"
    _, _, page = staf.get("/buku?status=open")
    assert "Dalam proses, langkah 2" in text_of(page) and "Sekretaris Camat" in text_of(page)  # who holds it


def test_an_official_with_an_account_sees_what_waits_for_them(env, desk):
    from office.desk import add_user

    add_user(env.office, "rahmawati", "pimpinan", PASSWORD, utcnow(), email=env.official("sekretaris")[1])
    env.complain(0)
    env.cycle()  # by mail: its step 2 task waits for the Sekretaris
    sekretaris = Client(desk)
    assert sekretaris.login("rahmawati") == 302
    _, _, page = sekretaris.get("/buku")
    assert "Menunggu saya" in page
    mine = re.findall(r'href="/pengaduan/([^"]+)"', sekretaris.get("/buku?saya=1")[2])
    assert mine == [env.office.book.complaints.listed()[-1]["number"]]
    staf = Client(desk)
    assert staf.login() == 302
    assert "Menunggu saya" not in staf.get("/buku")[2]
    assert re.findall(r'href="/pengaduan/([^"]+)"', staf.get("/buku?saya=1")[2]) == []


def test_the_complaint_page_names_people_and_steps_as_the_office_does(env, desk):
    set_profile(env.office, "rina", "Rina Wati, A.Md.", "199203142019032004", "Pengadministrasi Umum", utcnow())
    staf = Client(desk)
    assert staf.login() == 302
    token = staf.csrf("/catat")
    status, location, _ = staf.post("/catat", {"csrf_token": token, "nama": "Siti", "saluran": "telepon",
                                               "pokok": "Lampu padam", "isi": "Lampu jalan padam di RT 12."})
    assert status == 302
    number = urllib.parse.unquote(location.split("/pengaduan/")[1].split("?")[0])
    env.cycle()
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan"))
    page = text_of(staf.get(f"/pengaduan/{number}")[2])
    sekretaris_name, sekretaris_address = env.official("sekretaris")
    assert sekretaris_address not in page and env.official("camat")[1] not in page
    assert f"Sekretaris Camat {sekretaris_name}" in page
    assert "petugas Rina Wati, A.Md. (Pengadministrasi Umum)" in page and "petugas rina" not in page
    assert "saluran telepon" in page and re.search(r"\d\d-\d\d-\d{4} \d\d\.\d\d WITA", page)
    assert "Cetak" in page and "Keluar akun" in page and "(Staf)" in page
    assert env.complaint(number)["recorded_by"] == "petugas Rina Wati, A.Md. (Pengadministrasi Umum)"
    from docx import Document

    from office.receipts import receipt_files

    [docx] = [p for p in receipt_files(env.office, env.complaint(number)) if p.suffix == ".docx"]
    doc = Document(str(docx))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "Rina Wati, A.Md." in text and "NIP. 199203142019032004" in text and "Pengadministrasi Umum" in text
    assert "rina\n" not in text


def test_a_proposal_shows_what_it_will_do_and_an_unknown_section_is_refused(env, desk):
    env.complain(0)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    staf = Client(desk)
    assert staf.login() == 302
    token = staf.csrf(f"/pengaduan/{number}")
    status, location, _ = staf.post(f"/pengaduan/{number}/catatan", {"csrf_token": token, "jenis": "tindakan",
                                                                    "teks": "Diklarifikasi lewat telepon.\nSeksi: Ekonomi"})
    assert status == 302
    page = text_of(staf.get(location)[2])
    assert "Seksi 'Ekonomi' tidak dikenali; pilihan: Seksi Pemerintahan" in page
    assert not env.office.book.proposals.of(env.complaint(number)["id"])
    status, _, page = staf.post(f"/pengaduan/{number}/catatan", {
        "csrf_token": token, "jenis": "tindakan", "teks": "Diklarifikasi lewat telepon.\nSeksi: Pemerintahan\n"
                                                          "Perpanjang: 3 hari"})
    words = text_of(page)
    assert status == 200 and "Periksa usulan tindakan sebelum disimpan" in words
    camat = env.official("camat")[0]
    assert "langkah 2 selesai atas nama Sekretaris Camat" in words and f"langkah 3 oleh Camat {camat}, batas" in words
    assert "Kata kunci dikenali: Seksi: Pemerintahan" in words and "Perpanjang: 3 hari" in words  # not for step 2
    assert not env.office.book.proposals.of(env.complaint(number)["id"])  # nothing saved yet
    staf.post(f"/pengaduan/{number}/catatan", {"csrf_token": token, "jenis": "tindakan", "yakin": "1",
                                              "teks": "Diklarifikasi lewat telepon.\nSeksi: Pemerintahan"})
    assert len(env.office.book.proposals.of(env.complaint(number)["id"])) == 1


def test_accounts_change_their_password_and_an_administrator_resets_and_unlocks(env, desk):
    for _ in range(5):
        assert Client(desk).login("rina", "salah-sandi-0000") == 401
    assert Client(desk).login("rina") == 401  # locked for this account from this address
    assert Client(desk).login("camat") == 302  # another person at the same front-desk computer is not
    admin = Client(desk)
    assert admin.login("admin") == 302
    rina = env.office.book.accounts.user("rina")
    listed = text_of(admin.get("/pengguna")[2])
    # Only the locked account offers "Buka kunci", and says until when it is locked, in office time.
    assert "Buka kunci rina" in listed and "Buka kunci camat" not in listed and "Buka kunci admin" not in listed
    assert re.search(r"Terkunci sampai \d\d-\d\d-\d{4} \d\d\.\d\d WITA", listed)
    assert test_desk.user_created_wita(env, "camat") in listed
    token = admin.csrf("/pengguna")
    admin.post(f"/pengguna/{rina['id']}/ubah", {"csrf_token": token, "ubah": "buka"})
    unlocked = admin.get("/pengguna")[2]
    assert "Kunci akun rina dibuka" in unlocked and "Buka kunci" not in unlocked and "Terkunci" not in unlocked
    staf = Client(desk)
    assert staf.login("rina") == 302  # unlocked at once
    token = staf.csrf("/akun")
    status, _, page = staf.post("/akun", {"csrf_token": token, "sandi_lama": "salah-sandi-0000",
                                          "sandi_baru": "sandi-baru-rina-1", "sandi_ulang": "sandi-baru-rina-1"})
    assert status == 400 and "Kata sandi sekarang salah" in page
    status, location, _ = staf.post("/akun", {"csrf_token": token, "sandi_lama": PASSWORD,
                                              "sandi_baru": "sandi-baru-rina-1", "sandi_ulang": "sandi-baru-rina-1"})
    assert status == 302 and "/masuk" in location
    assert Client(desk).login("rina", "sandi-baru-rina-1") == 302
    admin.post(f"/pengguna/{rina['id']}/ubah", {"csrf_token": admin.csrf("/pengguna"), "ubah": "sandi",
                                                "sandi": "sandi-setel-ulang"})
    assert Client(desk).login("rina", "sandi-setel-ulang") == 302
    staf = Client(desk)
    assert staf.login("rina", "sandi-setel-ulang") == 302
    target = env.office.book.accounts.user("admin")
    for what in ({"ubah": "sandi", "sandi": "sandi-penyusup-1"}, {"ubah": "buka"}, {"ubah": "data", "nama_lengkap": "X"}):
        assert staf.post(f"/pengguna/{target['id']}/ubah", {"csrf_token": staf.csrf("/akun"), **what})[0] == 403
    assert Client(desk).login("admin", "sandi-penyusup-1") == 401  # staff reset nobody's password
    actions = {a["action"] for a in env.office.book.audit.log()}
    assert {"pengguna-buka-kunci", "pengguna-sandi"} <= actions
    status, _, page = Client(desk).post("/masuk", {"csrf_token": Client(desk).csrf("/masuk"), "nama": "x", "sandi": "y"})
    assert status in (400, 401)


def test_every_page_fits_a_phone(env, desk, browser):
    book(env, ("Lampu padam di RT 12", "Lampu jalan padam sejak lama di depan masjid Al-Ikhlas RT 12."))
    for name in ("rina", "admin", "camat"):
        page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})
        login(page, desk, name)
        for path in ("/buku", "/buku?status=open&urut=batas", "/catat", "/surat-keluar", "/delegasi", "/pengguna",
                     "/akun", "/karantina", "/pengaduan/PGD/2026/0001"):
            page.goto(desk + path)
            fits(page)
        page.goto(desk + "/buku")
        # Each card names its fields (the received and due times no longer look alike), and the filters fold away.
        labels = page.evaluate("[...document.querySelectorAll('table.buku td')].map("
                               "td => getComputedStyle(td, '::before').content)")
        assert '"Diterima: "' in labels and '"Batas waktu: "' in labels
        assert not page.get_by_label("Status", exact=True).is_visible()
        page.get_by_text("Saring dan urutkan").click()
        assert page.get_by_label("Status", exact=True).is_visible()
        page.close()
