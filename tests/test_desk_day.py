"""A staff member's whole day at the desk, in Debian's Chromium driven by Playwright, on a desktop
screen and on a 390 px phone, without any command: a burst from one sender held and released,
the quarantine read and handled, a repeat joined, a walk-in with a file too large refused with
the form kept and then recorded with its section, confidentiality, date received and LAPOR!
number, the letter marked sent, and the complainant's satisfaction recorded by choice. No page
scrolls sideways on the phone. The office is real: Dovecot and SMTP on loopback, a real book.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import pytest

from sop.clock import utcnow
from tests import test_desk
from tests.conftest import make_env
from tests.test_desk import PNG, login, required
from tests.test_sop_over_mail import through

browser = test_desk.browser  # Chromium; the served desk is conftest's `desk`

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FLOOD = "banjir@warga.test"


@pytest.fixture
def env(rig):
    """An office that holds a third complaint within the hour from one sender, and takes files of
    at most 1 MB, 2 MB together (the desk then takes requests of at most 3 MB)."""
    with make_env(rig, extra="[intake]\nhold_after = 2\nmax_attachment_mb = 1\nmax_message_mb = 2\n") as made:
        yield made


WIDER = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
           .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits(page) -> None:
    """No sideways scrolling: the page is no wider than the screen (else the widest elements are named)."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (page.url, page.evaluate(WIDER))


def fill_walk_in(page, name: str, subject: str, body: str) -> None:
    """The walk-in form's required fields, typed, and the complainant's identity kept confidential."""
    page.get_by_label(required("Nama")).fill(name)
    page.get_by_label(required("Pokok")).fill(subject)
    page.get_by_label(required("Isi")).fill(body)
    page.get_by_label("Rahasiakan identitas pengadu").check()


def typed_is_kept(page, name: str, body: str) -> None:
    """The form came back with what was typed (only a file is chosen again)."""
    assert page.get_by_label(required("Nama")).input_value() == name
    assert page.get_by_label(required("Isi")).input_value() == body
    assert page.get_by_label("Rahasiakan identitas pengadu").is_checked()


def raw_mail(name: str, address: str, subject: str, body: str, to: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = formataddr((name, address)), to, subject
    msg["Message-ID"] = make_msgid(domain="warga.test")
    msg.set_content(body)
    return msg.as_bytes()


def morning_mail(env) -> None:
    """What the night brought: a burst from one sender, a repeat about one place, and three
    messages the daemon failed on until it quarantined them."""
    from office.arrivals import quarantine

    for i in range(4):
        env.complain(0, address=FLOOD, name="Pengirim Banyak", subject=f"Keluhan nomor {i + 1}",
                     body=f"Keluhan ke-{i + 1} tentang pelayanan kelurahan.")
    place = "Lampu jalan padam di Jalan Mangga RT 12 RW 03 sejak seminggu."
    env.complain(1, subject="Lampu jalan padam di Jalan Mangga", body=place)
    env.cycle()
    env.complain(0, address="tetangga@warga.test", name="Tetangga", subject="Lampu di Jalan Mangga masih padam",
                 body=place)
    env.cycle()
    now = utcnow()
    for subject, body in (("Jalan berlubang di RT 05", "Jalan di depan sekolah berlubang besar."),
                          ("Saluran air tersumbat", "Saluran di gang 7 tersumbat sampah."),
                          ("Promo pinjaman cepat", "Dapatkan pinjaman tanpa agunan!")):
        raw = raw_mail("Warga Resah", "resah@warga.test", subject, body, env.cast.office)
        for _ in range(env.config.intake.quarantine_after):
            quarantine(env.office, raw, "RuntimeError: basis data sedang dipindahkan", now)


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "ponsel"])
def test_a_staff_member_plays_the_whole_day_without_a_command(env, desk, browser, screen):
    morning_mail(env)
    page = browser.new_page(locale="id-ID", viewport=screen)
    login(page, desk)
    fits(page)
    release_the_burst(env, page)
    handle_the_quarantine(env, page)
    join_the_repeat(env, page)
    number = record_a_walk_in(env, page, desk)
    send_the_letter_and_record_satisfaction(env, page, number)
    page.close()


def test_a_walk_in_over_the_whole_request_limit_gets_the_form_back_with_what_was_typed(env, desk, browser):
    page = browser.new_page(locale="id-ID", viewport=DESKTOP)
    login(page, desk)
    page.goto(desk + "/catat")
    fill_walk_in(page, "Yohanes Lado", "Drainase meluap di RT 12", "Setiap hujan drainase meluap ke rumah warga.")
    big = b"\xff\xd8\xff" + b"\0" * (4 * 2**20)  # 4 MB: over the desk's 3 MB for a whole request
    page.get_by_label("Lampiran (foto, pindaian surat)").set_input_files(
        files=[{"name": "pindaian.jpg", "mimeType": "image/jpeg", "buffer": big}])
    with page.expect_response(lambda r: r.url.endswith("/catat") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Simpan").click()
    assert answer.value.status == 413
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("Lampiran terlalu besar") and "batas 2 MB" in alert and "belum dicatat" in alert
    typed_is_kept(page, "Yohanes Lado", "Setiap hujan drainase meluap ke rumah warga.")
    assert not env.office.book.complaints.listed()
    # Chosen again small enough, the same form records the complaint.
    page.get_by_label("Lampiran (foto, pindaian surat)").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Pengaduan dicatat dengan nomor").wait_for()
    assert len(env.office.book.complaints.listed()) == 1
    page.close()


def test_what_was_typed_before_the_session_ended_is_back_on_the_form_after_logging_in(env, desk, browser):
    from tests.test_desk import PASSWORD

    page = browser.new_page(locale="id-ID", viewport=DESKTOP)
    login(page, desk)
    page.goto(desk + "/catat")
    fill_walk_in(page, "Maria Goreti", "Air PDAM tidak mengalir", "Sudah tiga hari air PDAM tidak mengalir di RT 04.")
    # The working day passes while the form is open: the session goes idle on the server.
    long_ago = (utcnow() - dt.timedelta(hours=11)).isoformat()
    with env.office.book.transaction():
        env.office.book.conn.execute("UPDATE desk_sessions SET seen_at = ?", (long_ago,))
    page.get_by_role("button", name="Simpan").click()
    page.get_by_label("Nama pengguna").wait_for()
    assert "/masuk" in page.url and "Maria" not in page.url and "PDAM" not in page.url  # never in the URL
    assert "PDAM" not in str(page.context.cookies())  # nor in the cookie
    page.get_by_label("Nama pengguna").fill("rina")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/catat")
    assert "Isian Anda dikembalikan" in page.get_by_role("alert").first.inner_text()
    typed_is_kept(page, "Maria Goreti", "Sudah tiga hari air PDAM tidak mengalir di RT 04.")
    assert not env.office.book.complaints.listed()  # nothing recorded until staff save again
    page.reload()  # handed back once
    assert page.get_by_label(required("Nama")).input_value() == ""
    page.close()


def release_the_burst(env, page) -> None:
    held = env.office.book.complaints.held()
    assert len(held) == 2
    counts = page.get_by_role("list", name="Jumlah menurut status")
    assert "2 Ditahan" in counts.inner_text() and "3 Karantina" in counts.inner_text()
    counts.get_by_role("link", name="Ditahan").click()
    fits(page)
    assert page.get_by_text("Menampilkan 1–2 dari 2 pengaduan").is_visible()
    page.get_by_role("link", name=held[0]["number"]).click()
    fits(page)
    assert page.get_by_role("heading", name="Pengaduan ditahan").is_visible()
    page.get_by_role("button", name="Lepaskan semua dari pengirim ini (2)").click()
    page.get_by_text("2 pengaduan dilepas dan diteruskan seperti biasa").wait_for()
    assert env.office.book.complaints.held() == []
    for row in held:
        task = env.office.book.tasks.current(row["id"])
        assert task and task["step"] == 2  # acknowledged and with the Sekretaris now
    assert any(a["action"] == "meja-lepas" for a in env.office.book.audit.log())


def handle_the_quarantine(env, page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Karantina").click()
    fits(page)
    for subject, button, said in (("Jalan berlubang di RT 05", "Proses ulang", "Pesan diproses ulang"),
                                  ("Saluran air tersumbat", "Jadikan pengaduan", "Pesan dijadikan pengaduan"),
                                  ("Promo pinjaman cepat", "Abaikan", "Pesan diabaikan")):
        page.get_by_role("link", name=subject).click()
        fits(page)
        assert page.get_by_text("RuntimeError: basis data sedang dipindahkan").is_visible()
        page.get_by_role("button", name=button).click()
        page.get_by_text(said).wait_for()
        if button == "Jadikan pengaduan":
            page.get_by_role("navigation").get_by_role("link", name="Karantina").click()
    assert page.get_by_text("Tidak ada pesan di karantina.").is_visible()
    subjects = {r["subject"] for r in env.office.book.complaints.listed()}
    assert {"Jalan berlubang di RT 05", "Saluran air tersumbat"} <= subjects
    assert "Promo pinjaman cepat" not in subjects
    actions = [a["action"] for a in env.office.book.audit.log()]
    for done in ("meja-karantina-baca", "meja-karantina-proses-ulang", "meja-karantina-jadikan-pengaduan",
                 "meja-karantina-abaikan"):
        assert done in actions


def join_the_repeat(env, page) -> None:
    first, repeat = [r for r in env.office.book.complaints.listed() if "Mangga" in r["subject"]]
    page.get_by_role("navigation").get_by_role("link", name="Buku Pengaduan").click()
    page.get_by_label("Cari").fill("mangga")
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_role("link", name=repeat["number"]).click()
    fits(page)
    page.get_by_role("button", name=f"Gabung dengan {first['number']}").click()
    page.get_by_text(f"Pengaduan {repeat['number']} digabung dengan {first['number']}").wait_for()
    assert env.complaint(repeat["number"])["state"] == "linked"
    assert page.get_by_role("link", name=first["number"]).first.is_visible()


def record_a_walk_in(env, page, desk) -> str:
    count = len(env.office.book.complaints.listed())
    page.get_by_role("navigation").get_by_role("link", name="Catat Pengaduan").click()
    fits(page)
    page.get_by_label(required("Nama")).fill("Yohanes Lado")
    page.get_by_label("Saluran").select_option("surat")
    yesterday = (utcnow().astimezone(env.config.clock.tz) - dt.timedelta(days=1)).replace(hour=9, minute=30)
    page.get_by_label("Diterima kantor").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Nomor pelacakan SP4N-LAPOR! (bila ada)").fill("LPR-2026-0042")
    page.get_by_label("Alamat (untuk surat jawaban)").fill("Jl. Trikora RT 12, Palaran")
    page.get_by_label(required("Pokok")).fill("Drainase meluap di RT 12")
    page.get_by_label(required("Isi")).fill("Setiap hujan drainase meluap ke rumah warga.")
    page.get_by_label("Seksi terkait (bila sudah jelas)").select_option("Seksi Pelayanan Umum")
    page.get_by_label("Rahasiakan identitas pengadu").check()
    big = b"\xff\xd8\xff" + b"\0" * (3 * 2**19)  # 1.5 MB, over the office's 1 MB per file
    page.get_by_label("Lampiran (foto, pindaian surat)").set_input_files(
        files=[{"name": "foto-besar.jpg", "mimeType": "image/jpeg", "buffer": big}])
    page.get_by_role("button", name="Simpan").click()
    alert = page.get_by_role("alert")
    assert "foto-besar.jpg melebihi batas 1 MB" in alert.inner_text() and "belum dicatat" in alert.inner_text()
    assert len(env.office.book.complaints.listed()) == count  # nothing recorded under a green message
    fits(page)
    # What was typed is still there: only the file is chosen again.
    typed_is_kept(page, "Yohanes Lado", "Setiap hujan drainase meluap ke rumah warga.")
    assert page.get_by_label("Nomor pelacakan SP4N-LAPOR! (bila ada)").input_value() == "LPR-2026-0042"
    assert page.get_by_label("Seksi terkait (bila sudah jelas)").input_value() == "Seksi Pelayanan Umum"
    page.get_by_label("Lampiran (foto, pindaian surat)").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Pengaduan dicatat dengan nomor").wait_for()
    fits(page)
    assert page.get_by_role("button", name="Cetak").is_visible()  # the page prints as it is
    number = page.locator("h1").inner_text().removeprefix("Pengaduan ").strip()
    row = env.complaint(number)
    assert (row["section"], row["confidential"], row["lapor_id"], row["channel"]) == \
        ("Seksi Pelayanan Umum", 1, "LPR-2026-0042", "surat")
    received = dt.datetime.fromisoformat(row["received_at"]).astimezone(env.config.clock.tz)
    assert received.replace(second=0) == yesterday.replace(second=0, microsecond=0)
    assert yesterday.strftime("%d-%m-%Y 09.30 WITA") in page.get_by_role("main").inner_text()
    assert len(env.office.book.attachments.of(row["id"])) == 1
    return number


def send_the_letter_and_record_satisfaction(env, page, number: str) -> None:
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi dengan ketua RT."),
            ("camat", 3, "Tindak lanjuti bersama kelurahan."),
            ("sekretaris", 4, "Drainase akan dikeruk minggu ini oleh kelurahan."), ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    assert row["letter_number"]
    page.get_by_role("navigation").get_by_role("link", name="Surat Keluar").click()
    fits(page)
    section = page.locator("section.surat", has_text=row["letter_number"])
    section.get_by_label("Cara").select_option("pos")
    section.get_by_label("Catatan (nomor resi, nama penerima)").fill("Resi RR123456789ID")
    section.get_by_role("button", name="Tandai terkirim").click()
    page.get_by_text(f"Pengiriman surat {row['letter_number']} dicatat.").wait_for()
    assert env.complaint(number)["state"] == "answered"

    page.goto(page.url.split("/surat-keluar")[0] + f"/pengaduan/{number}")
    fits(page)
    page.get_by_label("TIDAK PUAS", exact=True).check()
    page.get_by_role("button", name="Simpan tanggapan").click()
    assert "Tulis alasan pengadu tidak puas." in page.get_by_role("alert").inner_text()  # a reason is asked
    assert env.complaint(number)["state"] == "answered"
    page.get_by_label("Nilai (skala SKM)").check()
    page.get_by_label("Nilai", exact=True).select_option("4")
    page.get_by_role("button", name="Simpan tanggapan").click()
    page.get_by_text("Tanggapan pengadu dicatat.").wait_for()
    row = env.complaint(number)
    assert (row["state"], row["satisfaction"], row["rating"]) == ("closed", "puas", 4)
    summary = page.locator("dl.ringkas").inner_text()
    assert "Puas; nilai 4 dari 4" in summary
    fits(page)
