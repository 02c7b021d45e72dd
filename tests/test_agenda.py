"""Letter numbers from the office's one agenda surat keluar ([letters] numbering = "agenda"):
the agenda keeper gives each letter its number by mail or on the desk, checked first; a
reserved block numbers without asking until it runs out; the printable agenda surat keluar."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import subprocess
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import main
from jobs.demo import find_routing, reply_to, write_config
from letters.render import letter_text
from office.agenda import waiting_letters
from office.agenda_book import agenda_rows
from office.apply import act
from office.base import Actor
from office.commands import record_desk_complaint
from office.desk import add_user
from sop.book import Book
from sop.clock import utcnow
from sop.engine import Reply
from tests.conftest import make_env, served_desk
from tests.test_desk import PASSWORD, browser, login  # noqa: F401 (browser: the module-scoped Chromium fixture)

_keepers = itertools.count(1)


def agenda_config(extra: str = "") -> str:
    """Agenda numbering, with the TU staff who keeps the buku agenda (a mailbox of its own per test)."""
    return ('[letters]\nnumbering = "agenda"\n' + extra +
            f'[roles.agenda]\nname = "Sri Wahyuni"\nemail = "agenda{next(_keepers)}@tu.test"\n')


@pytest.fixture
def agenda_env(rig):
    with make_env(rig, extra=agenda_config()) as made:
        yield made


def keeper(env) -> tuple[str, str]:
    official = env.config.directory.official("agenda")
    return official.name, official.email


def subject(msg) -> str:
    return " ".join(msg.subject.split())


def to_approval(env, index: int = 0) -> str:
    """A complaint played by mail through steps 2, 3, 4 and the signer's Setuju (4a)."""
    env.complain(index)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    env.reply("sekretaris", number, 2, "Sudah diklarifikasi: kabel putus.\nSeksi: Pemerintahan")
    env.cycle()
    env.reply(env.head, number, 3, "Koordinasikan dengan Dinas PUPR.\nRapat: tidak")
    env.cycle()
    env.reply("sekretaris", number, 4, "Perbaikan kabel telah dijadwalkan bersama Dinas PUPR.")
    env.cycle()
    env.reply(env.head, number, "4a", "Setuju")
    env.cycle()
    return number


def keeper_reply(env, number: str, text: str):
    routing = find_routing(env.rig, keeper(env)[1], number, "4b")
    assert routing is not None, "no request for a number at step 4b"
    env.rig.send(reply_to(routing, keeper(env), text))
    env.cycle()
    return routing


def test_agenda_keeper_numbers_the_answer_by_mail_and_it_is_delivered_and_filed(agenda_env):
    env = agenda_env
    number = to_approval(env)
    row = env.complaint(number)
    # Approved, not numbered: the letter waits at 4b for the keeper; nothing reached the JFU yet.
    assert row["letter_number"] is None and env.config.procedure.label(row["step"]) == "4b"
    assert env.office.book.letters.listed() == []
    assert find_routing(env.rig, env.official("jfu")[1], number, 5) is None
    routing = find_routing(env.rig, keeper(env)[1], number, "4b")
    assert "Mohon nomor surat keluar" in subject(routing)
    text = " ".join(routing.text.split())
    assert "Hal : Jawaban Pengaduan" in text and "Kode klasifikasi : 000.8.3.4" in text
    assert f"Nomor pengaduan : {number}" in text and "Kepada : Sdr. Siti Aminah" in text
    assert "lampu jalan" not in routing.text.lower()  # the keeper gets the letter's particulars, not the complaint

    keeper_reply(env, number, "Nomor: 000.8.3.4/0958/400.02")
    row = env.complaint(number)
    assert row["letter_number"] == "000.8.3.4/0958/400.02"
    [letter] = env.office.book.letters.listed()
    assert letter["number"] == "000.8.3.4/0958/400.02" and letter["seal"]
    body = letter_text(open(letter["path"], "rb").read())
    assert "000.8.3.4/0958/400.02" in body and "bahwa perbaikan kabel telah dijadwalkan" in body
    routing5 = env.routing("jfu", number, 5)
    assert routing5 is not None and any(a.filename.endswith(".pdf") or a.filename.endswith(".docx")
                                        for a in routing5.attachments)
    env.reply("jfu", number, 5, "Disampaikan melalui surel.")
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "answered"
    [letter] = env.office.book.letters.listed()
    assert letter["dispatched_at"] and letter["dispatch_method"] == "email"
    delivered = [m for m in env.inbox(env.cast.citizens[0][1]) if m.subject.startswith("Jawaban atas Pengaduan")]
    assert delivered and "000.8.3.4/0958/400.02" in delivered[0].text
    # Filed: the dossier beside the letter holds the delivery record under the keeper's number.
    dossier = json.loads((Path(letter["path"]).parent / "pengaduan.json").read_text())
    assert dossier["letter_number"] == "000.8.3.4/0958/400.02"
    assert any(x["dispatch_method"] == "email" for x in dossier["letters"])
    assert any("Nomor: 000.8.3.4/0958/400.02" in e["text"] for e in env.office.book.events.of(row["id"]))
    # The keeper numbers letters; the lembar disposisi never lists them among "Diteruskan kepada".
    from docx import Document

    sheet = Document(str(Path(letter["path"]).parent / "lembar-disposisi.docx"))
    form = " ".join(cell.text for table in sheet.tables[1:2] for r in table.rows for cell in r.cells)
    assert "Diteruskan kepada" in form and "Agenda" not in form


def test_a_used_or_malformed_number_is_refused_with_a_sentence_and_nothing_is_issued(agenda_env):
    env = agenda_env
    first = to_approval(env, 0)
    keeper_reply(env, first, "Nomor: 000.8.3.4/0958/400.02")
    second = to_approval(env, 1)

    keeper_reply(env, second, "Nomor: 000.8.3.4/0958/400.02")  # the same number twice
    assert env.complaint(second)["letter_number"] is None
    [told] = [m for m in env.inbox(keeper(env)[1]) if "Nomor surat tidak diterima" in subject(m)]
    assert "sudah dipakai" in told.text

    keeper_reply(env, second, "Nomor: 0959/400.02/xx")  # not the office's pattern
    assert env.complaint(second)["letter_number"] is None
    told = [m for m in env.inbox(keeper(env)[1]) if "Nomor surat tidak diterima" in subject(m)]
    assert len(told) == 2 and "tidak sesuai pola" in told[-1].text
    assert len(env.office.book.letters.listed()) == 1

    # Quoted text never gives a number: a reply with no line of its own, only the routing mail
    # below it (quoted, and as Outlook copies it, unquoted under its header block), gives none.
    routing = find_routing(env.rig, keeper(env)[1], second, "4b")
    outlook = f"\n\nFrom: {env.cast.office}\nSent: Senin\nTo: {keeper(env)[1]}\nSubject: {subject(routing)}\n\n{routing.text}"
    env.rig.send(reply_to(routing, keeper(env), outlook))
    env.cycle()
    assert env.complaint(second)["letter_number"] is None and len(env.office.book.letters.listed()) == 1

    keeper_reply(env, second, "Nomor: 000.8.3.4/0959/400.02")
    assert env.complaint(second)["letter_number"] == "000.8.3.4/0959/400.02"


def request_mail(env, number: str):
    found = [m for m in env.inbox(keeper(env)[1]) if subject(m).startswith(f"[{number}] Mohon nomor surat keluar")]
    return found[-1] if found else None


def test_a_reserved_block_numbers_without_asking_and_its_end_stops_numbering_until_the_keeper_gives_one(rig):
    with make_env(rig, extra=agenda_config('reserved = "1200-1200"\n')) as env:
        first = to_approval(env, 0)
        # No keeper's step: the block's number is taken at the approval, and the JFU gets the letter.
        assert env.complaint(first)["letter_number"] == "000.8.3.4/1200/400.02"
        assert env.routing("jfu", first, 5) is not None
        assert env.inbox(keeper(env)[1]) == []

        second = to_approval(env, 1)
        row = env.complaint(second)
        assert row["letter_number"] is None and env.config.procedure.label(row["step"]) == "5"
        assert env.routing("jfu", second, 5) is None  # the delivery step waits for the letter
        staff = [m for m in env.inbox(env.official("jfu")[1]) if "Blok nomor surat cadangan habis" in subject(m)]
        assert len(staff) == 1 and "1200–1200" in staff[0].text and "sudah habis" in staff[0].text
        asked = request_mail(env, second)
        assert asked is not None and "sudah habis" in asked.text
        [waiting] = waiting_letters(env.office)
        assert waiting["complaint"] == second and waiting["kind"] == "jawaban"

        env.rig.send(reply_to(asked, keeper(env), "Nomor: 000.8.3.4/1377/400.02"))
        env.cycle()
        assert env.complaint(second)["letter_number"] == "000.8.3.4/1377/400.02"
        assert waiting_letters(env.office) == []
        routing5 = env.routing("jfu", second, 5)
        assert routing5 is not None and "000.8.3.4/1377/400.02" in routing5.text
        env.reply("jfu", second, 5, "Disampaikan melalui surel.")
        env.cycle()
        assert env.complaint(second)["state"] == "answered"


def test_a_pelimpahan_waits_for_its_number_and_goes_to_the_competent_body_once_given(agenda_env):
    env = agenda_env
    env.complain(0)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    env.reply("sekretaris", number, 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan")
    env.cycle()
    env.reply(env.head, number, 3, "Teruskan: Dinas PUPR Kota Samarinda; pupr@dinas.test")
    env.cycle()
    assert env.office.book.letters.listed() == [] and env.inbox("pupr@dinas.test") == []
    citizen = env.cast.citizens[0][1]
    assert not [m for m in env.inbox(citizen) if "Pelimpahan Pengaduan" in m.subject]  # told with the letter
    asked = request_mail(env, number)
    assert "Kepala Dinas PUPR Kota Samarinda" in " ".join(asked.text.split())  # addressed to the jabatan
    assert "Pelimpahan Pengaduan" in asked.text
    # A stranger answering the keeper's request mail gives no number.
    env.rig.send(reply_to(asked, ("Orang Lain", "orang@luar.test"), "Nomor: 000.8.3.4/0990/400.02"))
    env.cycle()
    assert env.office.book.letters.listed() == []
    env.rig.send(reply_to(asked, keeper(env), "Nomor: 000.8.3.4/0991/400.02"))
    env.cycle()
    [letter] = env.office.book.letters.listed()
    assert letter["number"] == "000.8.3.4/0991/400.02" and letter["kind"] == "pelimpahan" and letter["dispatched_at"]
    [sent] = env.inbox("pupr@dinas.test")
    assert "000.8.3.4/0991/400.02" in sent.text
    # The complainant, named in its tembusan, gets the numbered letter's copy with their notice.
    [told] = [m for m in env.inbox(citizen) if "Pelimpahan Pengaduan" in m.subject]
    [copy] = [a for a in told.attachments if a.filename.startswith("surat-pelimpahan-")]
    assert copy.filename == "surat-pelimpahan-000.8.3.4-0991-400.02.pdf" and copy.payload[:5] == b"%PDF-"
    assert copy.payload == [a for a in sent.attachments if a.filename == copy.filename][0].payload


@pytest.fixture
def agenda_desk(agenda_env):
    """The desk of the agenda office on a free loopback port, with a staff and a leader account."""
    for name, role in (("rina", "staf"), ("camat", "pimpinan")):
        add_user(agenda_env.office, name, role, PASSWORD, utcnow())
    with served_desk(agenda_env.config_path) as address:
        yield address


def test_staff_give_the_number_on_the_desk_and_a_wrong_one_is_refused_there(agenda_env, agenda_desk,
                                                                             browser):  # noqa: F811
    env = agenda_env
    number = to_approval(env)
    page = browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
    login(page, agenda_desk)
    page.get_by_role("link", name="Surat Keluar").click()
    waiting = page.locator("section.menunggu-nomor", has_text=number)
    assert waiting.get_by_text("kode klasifikasi 000.8.3.4").is_visible()
    # A form posted without the page's CSRF token does nothing.
    forged = page.request.post(f"{agenda_desk}/surat-keluar/nomor",
                               form={"surat": "langkah-1", "nomor": "000.8.3.4/0700/400.02"})
    assert forged.status == 400 and env.office.book.letters.listed() == []

    waiting.get_by_label("Nomor dari buku agenda").fill("957")
    waiting.get_by_role("button", name="Beri nomor").click()
    page.get_by_role("alert").get_by_text("tidak sesuai pola").wait_for()
    assert env.office.book.letters.listed() == []

    waiting = page.locator("section.menunggu-nomor", has_text=number)
    waiting.get_by_label("Nomor dari buku agenda").fill("000.8.3.4/0960/400.02")
    waiting.get_by_role("button", name="Beri nomor").click()
    page.get_by_text(f"Surat jawaban {number} diberi nomor 000.8.3.4/0960/400.02.").wait_for()
    assert env.complaint(number)["letter_number"] == "000.8.3.4/0960/400.02"
    assert page.locator("section.surat", has_text="000.8.3.4/0960/400.02").is_visible()  # now awaiting dispatch
    page.close()
    env.cycle()
    assert env.routing("jfu", number, 5) is not None
    # A leader may look at the page but gives no number.
    viewer = browser.new_page(locale="id-ID")
    login(viewer, agenda_desk, "camat")
    viewer.goto(f"{agenda_desk}/surat-keluar")
    assert viewer.get_by_role("button", name="Beri nomor").count() == 0
    viewer.close()


# Ports nobody listens on: the commands below speak neither IMAP nor SMTP.
NO_SERVER = types.SimpleNamespace(imap_port=9, smtp_port=9)


def cli(config, *args):
    return CliRunner().invoke(main, ["--config", str(config), *args])


def official_acts(env, number: str, text: str, now) -> None:
    """The holder of the complaint's open step acts, as their routing mail's reply would (in-process)."""
    with env.office.book.transaction():
        row = env.office.book.complaints.by_number(number)
        task = env.office.book.tasks.current(row["id"])
        holder = env.office.holder(task["role"], now)
        act(env.office, row, Reply(task["step"], holder.email, text), now, actor=Actor.of(task, holder.email))


def test_the_agenda_surat_keluar_prints_a4_landscape_with_its_header_row_on_every_page(env, tmp_path):
    from openpyxl import load_workbook

    now = utcnow()
    for i in range(60):  # sixty walk-ins refused by the Camat: sixty numbered letters, two pages or more
        row = record_desk_complaint(env.office, channel="langsung", name=f"Warga Nomor {i + 1}", subject="Jalan rusak",
                                    body="Jalan di depan rumah rusak.", officer="rina", now=now)
        official_acts(env, row["number"], "Sudah diklarifikasi.", now)
        official_acts(env, row["number"], "Tolak: kewenangan Dinas PUPR.", now)
    month = now.astimezone(env.config.clock.tz)
    done = cli(env.config_path, "agenda", "--bulan", f"{month:%m-%Y}", "--keluar", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert "60 surat" in done.output
    xlsx = tmp_path / f"agenda-surat-keluar-{month:%Y-%m}.xlsx"
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[5]]
    assert header == ["No. urut", "Nomor surat", "Tanggal", "Kepada", "Hal", "Lampiran", "Nomor pengaduan",
                      "Cara kirim", "Paraf"]
    assert ws.print_title_rows == "$5:$5"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"  # A4
    first = [c.value for c in ws[6]]
    assert first[:2] == ["1", "000.8.3.4/0001/400.02"] and first[3] == "Sdr. Warga Nomor 1"
    assert first[4] == "Tindak Lanjut Pengaduan" and first[5] == "-"  # a rejection's hal and first[8] in (None, "")
    again = cli(env.config_path, "agenda", "--bulan", f"{month:%m-%Y}", "--keluar", str(tmp_path))
    assert again.exit_code == 2 and "--timpa" in again.output  # an existing file is kept
    # The desk's download for a role that may not see a confidential complainant leaves the name out.
    first_complaint = env.office.book.complaints.by_number(first[6])
    with env.office.book.transaction():
        env.office.book.complaints.update(first_complaint["id"], confidential=1)
    hidden = agenda_rows(env.office, month.year, month.month, hide_confidential=True)
    assert hidden[0][3] == "(dirahasiakan)" and hidden[1][3] == "Sdr. Warga Nomor 2"

    pdf = tmp_path / f"agenda-surat-keluar-{month:%Y-%m}.pdf"
    if shutil.which("pdftotext") is None or not pdf.exists():
        pytest.skip("LibreOffice or pdftotext is not installed")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert "Nomor surat" in page and "Kepada" in page and "Paraf" in page, page  # the header row on each page
    assert "AGENDA SURAT KELUAR" in pages[0] and "000.8.3.4/0060/400.02" in pages[-1]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape


def test_periksa_names_a_missing_agenda_keeper_and_warns_of_a_reserved_block_near_its_end(tmp_path):
    path = write_config(tmp_path, NO_SERVER, extra='[letters]\nnumbering = "agenda"\n')
    Book(tmp_path / "data" / "pengaduan.db").close()
    checked = cli(path, "periksa")
    assert checked.exit_code == 2 and "[roles.agenda]" in checked.output and "Traceback" not in checked.output

    path.write_text(path.read_text() + 'reserved = "1200-1205"\n' + agenda_config().split("\n", 2)[2])
    checked = cli(path, "periksa")
    line = next(ln for ln in checked.output.splitlines() if "nomor surat" in ln)
    assert "sisa 6 nomor" in line and "Sri Wahyuni" in line
    assert "minta blok nomor baru" in checked.output


def test_each_letter_kind_takes_its_own_kode_klasifikasi_and_wrong_numbering_keys_are_named(tmp_path):
    from office.config import ConfigError, load_config

    table = ('[letters]\nnumbering = "agenda"\n[letters.classification]\npelimpahan = "000.8.3.5"\n'
             'kelengkapan = "000.8.3.6"\n' + agenda_config().split("\n", 2)[2])
    cfg = load_config(write_config(tmp_path, NO_SERVER, extra=table))
    assert cfg.letter_number(2026, 7) == "000.8.3.4/0007/400.02"  # a kind not named keeps today's code
    assert cfg.letter_number(2026, 7, "pelimpahan") == "000.8.3.5/0007/400.02"
    assert cfg.letter_number(2026, 7, "dilimpahkan") == "000.8.3.5/0007/400.02"  # the notice of forwarding
    assert cfg.letter_number(2026, 7, "kelengkapan") == "000.8.3.6/0007/400.02"
    assert [s.shown for s in cfg.procedure.walk()] == ["1", "2", "3", "4", "4a", "4b", "5"]
    assert cfg.procedure.numbering_step.role == "agenda" and cfg.procedure.numbering_step.time.amount == 1

    plain = load_config(write_config(tmp_path, NO_SERVER))  # no key: this book's register, as before
    assert plain.letters.numbering == "buku" and plain.procedure.numbering_step is None
    for extra, said in (('[letters]\nnumbering = "tu"\n', "harus salah satu dari: buku, agenda"),
                        ('[letters]\nreserved = "1200-1299"\n', 'hanya berlaku bila numbering = "agenda"'),
                        ('[letters]\nnumbering = "agenda"\nreserved = "1299-1200"\n' + agenda_config().split("\n", 2)[2],
                         "rentang nomor urut"),
                        ('[letters.classification]\njawaban = "pelayanan"\n', "angka bertitik"),
                        ('[letters.classification]\nundangan = "000.8.3.4"\nbalasan = "000.8.3.4"\n',
                         "kunci 'balasan' tidak dikenal")):
        with pytest.raises(ConfigError, match=said):
            load_config(write_config(tmp_path, NO_SERVER, extra=extra))


def test_the_keepers_number_line_and_the_offices_pattern():
    from office.numbers import number_pattern, parse_given
    from office.settings import LetterSettings

    assert parse_given("Terima kasih.\nNomor: 000.8.3.4/1234/400.02.\nSalam") == "000.8.3.4/1234/400.02"
    assert parse_given("nomor surat : 000.8.3.4/1234/400.02") == "000.8.3.4/1234/400.02"
    assert parse_given('Balas dengan satu baris, misalnya "Nomor: 000.8.3.4/1234/400.02".') == ""
    pattern = number_pattern(LetterSettings())
    assert pattern.fullmatch("000.8.3.4/1234/400.02") and pattern.fullmatch("100.3/7/400.02")
    assert not pattern.fullmatch("000.8.3.4/1234/400.03") and not pattern.fullmatch("000.8.3.4/12a/400.02")
    with_year = number_pattern(LetterSettings(number_format="{kode_klasifikasi}/{nomor_urut:04d}/{kode_unit}/{tahun}"))
    assert with_year.fullmatch("000.8.3.4/0001/400.02/2026") and not with_year.fullmatch("000.8.3.4/0001/400.02/26")


def test_a_notice_to_a_complainant_without_email_waits_for_its_own_number(agenda_env):
    env = agenda_env
    row = record_desk_complaint(env.office, channel="langsung", name="Ibu Ratna", subject="Drainase tersumbat",
                                body="Saluran di RT 4 tersumbat.", officer="rina", now=utcnow())
    env.cycle()
    env.reply("sekretaris", row["number"], 2, "Lengkapi: alamat lengkap lokasi saluran")
    env.cycle()
    assert env.office.book.letters.listed() == []
    asked = request_mail(env, row["number"])
    assert asked is not None and "Permohonan Kelengkapan Pengaduan" in asked.text
    [waiting] = waiting_letters(env.office)
    assert waiting["kind"] == "kelengkapan" and waiting["addressee"] == "Ibu Ratna"  # "Ibu" typed by staff is the sapaan
    env.rig.send(reply_to(asked, keeper(env), "Nomor: 000.8.3.4/0971/400.02"))
    env.cycle()
    [letter] = env.office.book.letters.listed()
    assert (letter["number"], letter["kind"]) == ("000.8.3.4/0971/400.02", "kelengkapan")
    assert "alamat lengkap lokasi saluran" in letter_text(open(letter["path"], "rb").read())
    assert waiting_letters(env.office) == []
    # The keeper's second answer to the same request changes nothing.
    env.rig.send(reply_to(asked, keeper(env), "Nomor: 000.8.3.4/0972/400.02"))
    env.cycle()
    assert len(env.office.book.letters.listed()) == 1


def test_an_undangan_waits_for_its_number_and_follows_the_invitations(agenda_env):
    env = agenda_env
    env.complain(0)
    env.cycle()
    number = env.office.book.complaints.listed()[-1]["number"]
    env.reply("sekretaris", number, 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan")
    env.cycle()
    env.reply(env.head, number, 3, "Perlu dibahas.\nRapat: ya, 15-12-2026 09.30")
    env.cycle()
    camat = env.official(env.head)[1]
    [invitation] = [m for m in env.inbox(camat) if "Undangan rapat dinas" in m.subject]
    assert [a.filename for a in invitation.attachments] == ["undangan-rapat.ics"]
    assert "Surat undangan bernomor menyusul" in " ".join(invitation.text.split())
    asked = request_mail(env, number)
    assert asked is not None and "Undangan Rapat Dinas" in asked.text
    assert "Kepada           : Camat Palaran dan Kepala Seksi Pemerintahan" in asked.text
    env.rig.send(reply_to(asked, keeper(env), "Nomor: 000.8.3.4/0993/400.02"))
    env.cycle()
    [letter] = env.office.book.letters.listed()
    assert (letter["number"], letter["kind"]) == ("000.8.3.4/0993/400.02", "undangan") and letter["dispatched_at"]
    for address in (camat, env.cast.sections[0][2]):
        [mail] = [m for m in env.inbox(address) if "Surat undangan rapat dinas nomor 000.8.3.4/0993/400.02" in subject(m)]
        assert [a.filename for a in mail.attachments] == ["surat-undangan-000.8.3.4-0993-400.02.pdf"]


def test_a_letter_waiting_off_the_step_path_has_the_keepers_standard_time_reminder_and_lateness(agenda_env):
    from office.deadlines import check_deadlines
    from sop.book import parse_iso

    env = agenda_env
    row = record_desk_complaint(env.office, channel="langsung", name="Darto", subject="Drainase tersumbat",
                                body="Saluran di RT 4 tersumbat.", officer="rina", now=utcnow())
    env.cycle()
    env.reply("sekretaris", row["number"], 2, "Lengkapi: alamat lengkap lokasi saluran")
    env.cycle()
    [request] = env.office.book.numbers.open_requests()
    requested, due = parse_iso(request["requested_at"]), parse_iso(request["due_at"])
    assert due == env.config.clock.add(requested, env.config.procedure.numbering_step.time)  # 1 jam kerja
    assert "mutu baku 1 jam" in " ".join(request_mail(env, row["number"]).text.split())
    [shown] = waiting_letters(env.office)
    assert shown["due"]  # the desk shows its due time too

    def mails(kind: str) -> list[dict]:
        return [m for m in env.office.book.outbox.listed(row["id"]) if m["kind"] == kind]

    asked = len(mails("permintaan_nomor"))
    check_deadlines(env.office, due - dt.timedelta(minutes=5))
    [reminder] = mails("permintaan_nomor")[asked:]
    assert reminder["subject"].startswith(f"[{row['number']}] Pengingat: Mohon nomor surat keluar")
    assert json.loads(reminder["recipients"]) == [keeper(env)[1]]
    check_deadlines(env.office, due + dt.timedelta(minutes=1))
    late = mails("nomor_terlambat")
    assert {r for m in late for r in json.loads(m["recipients"])} == {env.official("jfu")[1]} | (
        {env.config.directory.official(env.config.procedure.numbering_step.escalate_to).email}
        if env.config.procedure.numbering_step.escalate_to else set())
    assert any(e["kind"] == "terlambat" and "menunggu nomor" in e["text"]
               for e in env.office.book.events.of(row["id"]))
    check_deadlines(env.office, due + dt.timedelta(minutes=2))  # once a working day, not at every sweep
    assert len(mails("nomor_terlambat")) == len(late)
