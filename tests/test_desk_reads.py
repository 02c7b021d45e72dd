"""Every file the desk hands out is recorded in the access trail with who took it, through the
office's read functions (office.downloads): a complaint's attachment, its letter, the unsigned
PDF for TTE, a walk-in's receipt. A file that is not there is answered 404 and recorded nowhere."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from tests.test_desk import Client
from tests.test_desk_attacks import answered, download, letter_text
from tests.test_sop_over_mail import through

NAME = "Budi Santoso"


def _trail(env) -> list[tuple[str, str, str, str]]:
    return [(a["who"], a["action"], a["subject"], a["detail"]) for a in env.office.book.audit.log()
            if a["action"].startswith("meja-unduh")]


def _complaint_with_a_file(env) -> tuple[str, dict]:
    msg = EmailMessage()
    msg["From"], msg["To"] = formataddr((NAME, f"budi@warga.{env.cast.domain}")), env.cast.office
    msg["Subject"], msg["Message-ID"] = "Saluran air tersumbat", make_msgid()
    msg.set_content("Saluran air di depan rumah kami tersumbat sejak seminggu.")
    msg.add_attachment(b"foto saluran", maintype="text", subtype="plain", filename="saluran.txt")
    env.rig.send(msg)
    env.cycle()
    row = env.office.book.complaints.listed()[-1]
    stored = next(a for a in env.office.book.attachments.of(row["id"], None) if a["filename"] == "saluran.txt")
    return row["number"], stored


def test_every_file_the_desk_hands_out_is_in_the_access_trail_with_who_took_it(env, desk):
    number, stored = _complaint_with_a_file(env)
    staf = Client(desk)
    assert staf.login("rina") == 302
    assert download(staf, f"/berkas/{stored['id']}") == b"foto saluran"
    assert staf.get("/berkas/999999")[0] == 404 and staf.get("/surat/999999.docx")[0] == 404
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    letter = answered(env, number)
    assert NAME in letter_text(download(staf, f"/surat/{letter['id']}.docx"))
    assert _trail(env) == [("rina", "meja-unduh-berkas", number, "saluran.txt"),
                           ("rina", "meja-unduh-surat", letter["number"], "docx")]


def test_a_walk_in_receipt_handed_out_is_in_the_access_trail(env, desk):
    admin = Client(desk)
    assert admin.login("admin") == 302
    status, location, _ = admin.post("/catat", {
        "csrf_token": admin.csrf("/catat"), "nama": NAME, "saluran": "langsung", "telepon": "0812-1111-2222",
        "pokok": "Lampu jalan padam", "isi": "Lampu jalan di gang kami padam."})
    assert status == 302, location
    number = env.office.book.complaints.listed()[-1]["number"]
    assert NAME in letter_text(download(admin, f"/pengaduan/{number}/tanda-terima.docx"))
    assert admin.get(f"/pengaduan/{number}/tanda-terima.odt")[0] == 404
    assert _trail(env) == [("admin", "meja-unduh-tanda-terima", number, "docx")]
