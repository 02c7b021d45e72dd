"""Attacks on the staff desk served by waitress on loopback, over a real office (Dovecot and SMTP
on loopback, a real book): a confidential complainant's identity stays hidden from a role without
it ([web] identity_roles) in search, on the page, in the history and in downloads; the login
page sends nobody elsewhere; parallel guesses do not outrun the login limit; control characters
in the search box find nothing instead of failing.
"""

from __future__ import annotations

import threading
import urllib.parse
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import pytest

from office.desk import FAILURES, add_user
from sop.clock import utcnow
from tests.conftest import make_env
from tests.test_desk import PASSWORD, Client
from tests.test_sop_over_mail import through

NAME = "Sulastri Wibowo"
PHONE = "081234567890"
FILE = "KTP-Sulastri-Wibowo.txt"
# What finds the confidential complaint only through its complainant: the name, a part of it, a
# prefix, the phone number (whole and a prefix), the address.
IDENTITY_WORDS = ("Sulastri", "Wibowo", "Sulas", "sulastri wibowo", PHONE, "0812345", "sulastri.wibowo", "KTP")


@pytest.fixture
def env(rig):
    """An office whose staf do not see a confidential complainant: only the pimpinan does."""
    with make_env(rig, extra='[web]\nidentity_roles = ["pimpinan"]\n') as made:
        yield made


@pytest.fixture
def desk(env):
    """The desk on a free loopback port with as many threads as an office might give it."""
    from tests.conftest import served_desk

    now = utcnow()
    for name, role in (("rina", "staf"), ("camat", "pimpinan"), ("admin", "admin")):
        add_user(env.office, name, role, PASSWORD, now)
    with served_desk(env.config_path, threads=8) as address:
        yield address


def confidential_complaint(env) -> str:
    """A complaint by mail that names its complainant in the subject, the text (with a phone
    number) and a file name; the Sekretaris marks it `Rahasia: ya` by the routing mail."""
    address = f"sulastri.wibowo@warga.{env.cast.domain}"
    msg = EmailMessage()
    msg["From"], msg["To"] = formataddr((NAME, address)), env.cast.office
    msg["Subject"], msg["Message-ID"] = "Pungutan liar di kantor kelurahan (Sulastri)", make_msgid()
    msg.set_content(f"Saya {NAME}, nomor HP {PHONE}. Petugas loket meminta uang untuk surat pengantar.\n\n"
                    f"Hormat saya,\n{NAME}")
    msg.add_attachment(f"KTP {NAME}".encode(), maintype="text", subtype="plain", filename=FILE)
    env.rig.send(msg)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    through(env, number, ("sekretaris", 2, f"Pelapor {NAME} minta identitas dirahasiakan.\nSeksi: Pemerintahan\n"
                                           "Rahasia: ya\nPokok: Dugaan pungutan liar pada layanan surat pengantar"))
    assert env.complaint(number)["confidential"] == 1
    return number


def answered(env, number: str) -> dict:
    """The complaint taken to its signed letter; the letter's row."""
    through(env, number, ("camat", 3, "Periksa petugas loket."),
            ("sekretaris", 4, "Petugas loket telah diperiksa dan ditegur."), ("camat", "4a", "Setuju"))
    return env.office.book.letters.by_number(env.complaint(number)["letter_number"])


def download(client: Client, path: str) -> bytes:
    """A file from the desk, as bytes (Client reads pages as text)."""
    import urllib.request

    with client.opener.open(urllib.request.Request(client.base + path)) as response:
        assert response.status == 200, path
        return response.read()


def letter_text(data: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def search(client: Client, words: str) -> tuple[int, str]:
    status, _, body = client.get("/buku?" + urllib.parse.urlencode({"cari": words}))
    return status, body


def test_a_role_without_identity_finds_a_confidential_complaint_only_by_what_it_is_shown(env, desk):
    number = confidential_complaint(env)
    env.complain(0)  # Siti Aminah, not confidential
    env.cycle()
    other = env.office.book.complaints.listed()[-1]["number"]
    staf = Client(desk)
    assert staf.login("rina") == 302
    for words in IDENTITY_WORDS:
        status, body = search(staf, words)
        assert status == 200 and number not in body, words  # no oracle that spells a name
    for words in ("pungutan", "surat pengantar", "loket", number):  # what the page shows it
        status, body = search(staf, words)
        assert status == 200 and number in body, words
    assert other in search(staf, "Aminah")[1]  # a complaint that is not confidential: full search

    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    for words in IDENTITY_WORDS[:5]:
        assert number in search(pimpinan, words)[1], words


def test_neither_the_count_nor_a_suggestion_tells_a_role_without_identity_a_confidential_name(env, desk):
    """The result count and 'Mungkin maksud Anda' are oracles too: for such a reader they count
    and offer only what the reader is shown."""
    number = confidential_complaint(env)
    staf = Client(desk)
    assert staf.login("rina") == 302
    for typo in ("Sulastry", "Wibowa", "Sulastrri"):
        status, body = search(staf, typo)
        assert status == 200 and "Mungkin maksud Anda" not in body and number not in body, typo
    status, body = search(staf, "Sulastri")
    assert "Tidak ada pengaduan yang cocok." in body and "Menampilkan" not in body
    status, body = search(staf, "pungutan")
    assert "dari 1 pengaduan" in body
    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    assert "Mungkin maksud Anda: <a" in search(pimpinan, "Sulastry")[1]  # a reader who may see the name


def test_a_role_without_identity_sees_no_name_or_file_name_on_the_page_or_in_the_history(env, desk):
    number = confidential_complaint(env)
    row = env.complaint(number)
    [stored] = env.office.book.attachments.of(row["id"])
    assert stored["filename"] == FILE
    staf = Client(desk)
    assert staf.login("rina") == 302
    status, _, page = staf.get(f"/pengaduan/{number}")
    assert status == 200
    for secret in ("Sulastri", "Wibowo", PHONE, "sulastri.wibowo", "KTP"):
        assert secret.lower() not in page.lower(), secret
    assert page.count("lampiran-1.txt") == 2  # in the file list and in the history line
    assert "Dugaan pungutan liar pada layanan surat pengantar" in page
    assert "Petugas loket meminta uang" in page  # the text itself, redacted
    assert staf.get(f"/berkas/{stored['id']}")[0] == 403

    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    page = pimpinan.get(f"/pengaduan/{number}")[2]
    assert NAME in page and FILE in page and PHONE in page
    assert NAME in download(pimpinan, f"/berkas/{stored['id']}").decode()


def test_a_confidential_complaints_letter_is_refused_to_a_role_without_identity_and_audited(env, desk):
    number = confidential_complaint(env)
    letter = answered(env, number)
    staf = Client(desk)
    assert staf.login("rina") == 302
    assert staf.get(f"/surat/{letter['id']}.docx")[0] == 403
    refused = [a for a in env.office.book.audit.log() if a["action"] == "meja-unduh-ditolak"]
    assert refused and all(a["who"] == "rina" and a["subject"] == number for a in refused)
    assert any(letter["number"] in a["detail"] and "docx" in a["detail"] for a in refused)

    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    assert NAME in letter_text(download(pimpinan, f"/surat/{letter['id']}.docx"))  # what staf were refused
    from tests.test_cli import pengaduan

    trail = pengaduan("--config", str(env.config_path), "jejak-akses")
    assert trail.returncode == 0 and "meja-unduh-ditolak" in trail.stdout


def test_a_walk_in_receipt_of_a_confidential_complaint_is_refused_to_a_role_without_identity(env, desk):
    admin = Client(desk)  # records walk-ins, and does not see a confidential complainant
    assert admin.login("admin") == 302
    status, location, _ = admin.post("/catat", {
        "csrf_token": admin.csrf("/catat"), "nama": NAME, "saluran": "langsung", "telepon": PHONE,
        "pokok": "Pungutan liar di loket", "isi": f"Saya {NAME} dimintai uang di loket."})
    assert status == 302, location
    number = env.office.book.complaints.listed()[-1]["number"]
    assert NAME in letter_text(download(admin, f"/pengaduan/{number}/tanda-terima.docx"))  # not confidential yet
    env.cycle()
    through(env, number, ("sekretaris", 2, "Rahasia: ya\nSeksi: Pemerintahan\nPokok: Pungutan liar di loket"))
    assert admin.get(f"/pengaduan/{number}/tanda-terima.docx")[0] == 403
    assert admin.get(f"/pengaduan/{number}/tanda-terima.pdf")[0] == 403
    refused = [a for a in env.office.book.audit.log() if a["action"] == "meja-unduh-ditolak"]
    assert [a["detail"] for a in refused] == ["tanda terima docx", "tanda terima pdf"]
    staf = Client(desk)
    assert staf.login("rina") == 302
    assert staf.get(f"/pengaduan/{number}/tanda-terima.docx")[0] == 403


@pytest.mark.parametrize("elsewhere", [
    "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/\t\t/evil.example/",
    "/\\evil.example/", "/\\/evil.example/", "\t//evil.example/", "/\x00/evil.example/", "//evil.example/",
    "https://evil.example/", "///evil.example/", "/\u3000/evil.example/", "/%09/evil.example/x\t",
])
def test_the_login_page_sends_nobody_to_another_site(env, desk, elsewhere):
    status, location = Client(desk).login_to("camat", then=elsewhere)
    assert status == 302 and location.endswith("/buku") and "evil" not in location


def test_the_login_page_still_returns_to_a_page_of_the_desk(env, desk):
    for path in ("/surat-keluar", "/buku?status=late&cari=lampu", "/pengaduan/PGD/2026/0000001"):
        status, location = Client(desk).login_to("camat", then=path)
        assert status == 302 and location.endswith(path)


def test_parallel_guesses_check_no_more_passwords_than_the_limit(env, desk):
    guessers = [Client(desk) for _ in range(24)]
    tokens = [g.csrf("/masuk") for g in guessers]
    start = threading.Barrier(len(guessers))
    answers: list[tuple[int, str]] = []

    def guess(client: Client, token: str) -> None:
        start.wait()
        status, _, body = client.post("/masuk", {"csrf_token": token, "nama": "rina", "sandi": "salah-sandi-0000"})
        answers.append((status, body))

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(guessers, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 24 and all(status == 401 for status, _ in answers)
    checked = env.office.book.conn.execute("SELECT count(*) FROM desk_logins WHERE name = 'rina'").fetchone()[0]
    assert checked <= FAILURES  # each attempt that reached the password hash has its row
    assert sum("kata sandi salah" in body for _, body in answers) == checked
    right = Client(desk)
    status, _, body = right.post("/masuk", {"csrf_token": right.csrf("/masuk"), "nama": "rina", "sandi": PASSWORD})
    assert status == 401 and "Terlalu banyak percobaan" in body  # the right password waits out the window
    assert env.office.book.conn.execute("SELECT count(*) FROM desk_logins WHERE name = 'rina'").fetchone()[0] \
        == checked


@pytest.mark.parametrize("words", ["\x00", "a\x00b", "lampu\x00", "\x01", "\x1b[31m", "\x7f", "\x85",
                                   "lampu\tjalan", "\x0b", "\x00\x00\x00"])
def test_a_control_character_in_the_search_box_finds_nothing(env, desk, words):
    env.complain(0)
    env.cycle()
    staf = Client(desk)
    assert staf.login("rina") == 302
    status, body = search(staf, words)
    assert status == 200 and "Tidak ada pengaduan yang cocok." in body
    status, body = search(staf, "lampu")
    assert status == 200 and env.office.book.complaints.listed()[-1]["number"] in body


# The pure parts ---------------------------------------------------------------------------------
def test_a_query_with_a_control_character_or_without_words_is_no_query():
    from sop.book.search import fts_query

    assert fts_query("a\x00b") == fts_query("\x1b") == fts_query('" "') == ""
    assert fts_query('lampu "padam') == '{number name subject body} : ("lampu"* AND """padam"*)'


def test_a_hit_is_kept_only_when_the_query_matches_the_shown_text():
    from sop.book.records import Complaint
    from sop.book.search import fts_query, shown_matches

    blank = dict.fromkeys(Complaint.columns())
    rows = [Complaint(**{**blank, "id": 1, "number": "PGD/2026/0000001", "body": "Jalan rusak di depan rumah Sulástri."}),
            Complaint(**{**blank, "id": 2, "number": "PGD/2026/0000002", "body": "Jalan rusak, kata [dirahasiakan]."})]

    def visible(row):
        return {"number": row.number, "body": row.body}

    assert shown_matches(fts_query("sulastri"), rows, visible) == {1}  # the index's own tokenizer
    assert shown_matches(fts_query("jalan rus"), rows, visible) == {1, 2}
    assert shown_matches(fts_query("0000002"), rows, visible) == {2}


def test_the_office_names_a_confidential_complaints_files_in_the_list_and_the_history():
    from office.views import _renamed, office_names

    files = [{"id": 7, "purpose": "pengaduan", "path": "/x/ab-001.pdf", "content_type": "application/pdf",
              "filename": "KTP-Sulastri.pdf"},
             {"id": 8, "purpose": "pengaduan", "path": None, "content_type": "application/zip",
              "filename": "Sulastri, jahat.exe"},
             {"id": 9, "purpose": "bukti_kirim", "path": "/x/bukti-pengiriman-1.png", "content_type": "image/png",
              "filename": "bukti-pengiriman-1.png"}]
    names = office_names(files)
    assert names == {7: "lampiran-1.pdf", 8: "lampiran-2.zip"}
    given = sorted(((f["filename"], names[f["id"]]) for f in files if f["id"] in names), key=lambda p: -len(p[0]))
    line = "1 lampiran disimpan: KTP-Sulastri.pdf; tidak disimpan: Sulastri, jahat.exe (melebihi batas)."
    assert _renamed(line, given) == "1 lampiran disimpan: lampiran-1.pdf; tidak disimpan: lampiran-2.zip (melebihi batas)."


def test_a_search_without_identity_reads_past_the_left_out_hits_to_fill_its_page(env, monkeypatch):
    import datetime as dt

    from office.desk import book_page
    from sop.book import search
    from sop.book.search import Filters

    now = dt.datetime.now(dt.timezone.utc)
    with env.office.book.transaction():
        for i in range(1, 131):  # the oldest two open to all, then 128 confidential ones of one person
            env.office.book.complaints.add(
                number=f"PGD/2026/{i:04d}", state="open", step=2, channel="langsung", received_at=now,
                name="Sulastri Wibowo" if i > 2 else f"Sulastri Warga {i}", subject="Jalan rusak",
                body="Jalan rusak. Hormat saya, Sulastri Wibowo." if i > 2 else "Jalan rusak.",
                confidential=int(i > 2), pokok="Jalan rusak")
    staf = {"name": "rina", "role": "staf"}

    def found(words: str, limit: int = 51) -> list[str]:
        return [d["number"] for d in book_page(env.office, Filters(text=words), staf, now, limit=limit)]

    assert found("sulastri") == ["PGD/2026/0002", "PGD/2026/0001"]  # 128 left out on the way
    assert len(found("jalan rusak")) == 51 and found("jalan rusak", 200)[-1] == "PGD/2026/0001"
    monkeypatch.setattr(search, "LEFT_OUT", 40)  # a word naming very many: the search stops reading
    assert found("sulastri") == []


def test_the_surat_keluar_page_hides_a_confidential_complainant_from_a_role_without_identity(env, desk):
    number = confidential_complaint(env)
    answered(env, number)
    assert any(entry["complaint_id"] == env.complaint(number)["id"]
               for entry in env.office.book.letters.awaiting_dispatch())
    staf = Client(desk)
    assert staf.login("rina") == 302
    status, _, page = staf.get("/surat-keluar")
    assert status == 200 and number in page
    for secret in ("Sulastri", "Wibowo", "sulastri.wibowo"):
        assert secret.lower() not in page.lower(), secret
    assert "pengadu dirahasiakan" in page

    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    assert "sulastri.wibowo" in pimpinan.get("/surat-keluar")[2]


def test_a_proposal_on_a_confidential_complaint_is_shown_redacted_to_a_role_without_identity(env, desk):
    number = confidential_complaint(env)
    staf = Client(desk)
    assert staf.login("rina") == 302
    token = staf.csrf(f"/pengaduan/{number}")
    status, _, _ = staf.post(f"/pengaduan/{number}/catatan", {"csrf_token": token, "jenis": "tindakan", "yakin": "1",
                                                             "teks": f"Panggil {NAME} ({PHONE}) untuk klarifikasi."})
    assert status == 302
    assert env.office.book.proposals.of(env.complaint(number)["id"])  # recorded as a proposal
    page = staf.get(f"/pengaduan/{number}")[2]
    assert "untuk klarifikasi" in page
    for secret in ("Sulastri", "Wibowo", PHONE):
        assert secret.lower() not in page.lower(), secret

    pimpinan = Client(desk)
    assert pimpinan.login("camat") == 302
    assert f"Panggil {NAME}" in pimpinan.get(f"/pengaduan/{number}")[2]
