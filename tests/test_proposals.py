"""Nobody records an official's decision for them: what staff record in an official's name is a
proposal until that official says `Benar` (by mail, or at the desk logged in as themselves); the
konsep is approved only by the signer; an administrator may only cancel a proposal. Each attack
runs against the real rig (Dovecot and SMTP on loopback), the real book, and the desk served by
waitress in Debian's Chromium."""

from __future__ import annotations

import json

from click.testing import CliRunner
from docx import Document

from jobs.cli import main
from jobs.demo import reply_to
from office.proposals import answer_word
from tests import test_desk
from tests.test_desk import PASSWORD, Client, login
from tests.test_sop_over_mail import start, through

browser = test_desk.browser  # Chromium; the served desk is conftest's `desk`

SIGNED = "setelah disetujui penanda tangan"


def cli(env, *args, input=None):
    """The command line in-process, on the test's office."""
    return CliRunner().invoke(main, ["--config", str(env.config_path), *args], input=input)


def proposal_mail(env, role: str, number: str):
    """The newest proposal mail about `number` in the official's mailbox."""
    found = [m for m in env.inbox(env.official(role)[1])
             if " ".join(m.subject.split()).startswith(f"[{number}] Mohon konfirmasi: tindakan langkah")]
    assert found, f"no proposal mail for {number} in {role}'s mailbox"
    return found[-1]


def answer_proposal(env, role: str, number: str, word: str, sender: tuple[str, str] | None = None) -> None:
    """The official (or `sender`) replies to the proposal's mail by real SMTP; the daemon runs."""
    env.rig.send(reply_to(proposal_mail(env, role, number), sender or env.official(role), word))
    env.cycle()


def to_approval(env) -> str:
    """A complaint by mail, walked by the officials' own replies to the approval step (4a)."""
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Tindak lanjuti."),
            ("sekretaris", 4, "Lampu jalan di RT 12 diperbaiki minggu ini."))
    assert env.office.config.procedure.label(env.complaint(number)["step"]) == "4a"
    return number


def letter_text(path: str) -> str:
    doc = Document(path)
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(p.text for p in [*doc.paragraphs, *(p for c in cells for p in c.paragraphs)])


def test_staff_cannot_approve_a_konsep_at_the_desk_nor_from_the_shell(env, desk, browser):
    number = to_approval(env)
    page = browser.new_page(locale="id-ID")
    login(page, desk)  # rina, staf
    page.goto(f"{desk}/pengaduan/{number}")
    page.get_by_label("Jenis catatan").select_option("tindakan")
    page.get_by_label("Teks").fill("Setuju")
    page.get_by_role("button", name="Simpan catatan").click()
    assert "hanya dapat diberikan oleh penanda tangan sendiri" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="Setuju").count() == 0  # staff see no approval buttons
    page.close()
    refused = cli(env, "langkah", number, "--teks", "Setuju", "--petugas", "Andi")
    assert refused.exit_code == 1 and "penanda tangan sendiri" in refused.output
    env.cycle()
    row = env.complaint(number)
    assert env.office.config.procedure.label(row["step"]) == "4a"
    assert row["letter_number"] is None and env.office.book.letters.listed(row["id"]) == []
    assert not env.office.book.proposals.of(row["id"])


def test_a_decision_staff_record_waits_for_the_camats_own_benar(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    row = env.complaint(number)
    task = env.office.book.tasks.current(row["id"])
    wrong = cli(env, "langkah", number, "--teks", "Tolak: bukan kewenangan kecamatan", "--petugas", "Andi")
    assert wrong.exit_code == 0, wrong.output
    answer_proposal(env, "camat", number, "Bukan")
    recorded = cli(env, "langkah", number, "--teks", "Diputuskan dalam rapat: perbaikan oleh kelurahan.",
                   "--petugas", "Andi")
    assert recorded.exit_code == 0 and "Benar" in recorded.output
    # Until the Camat's own word nothing moves: the same step, holder, task and due time.
    assert env.complaint(number)["step"] == 3 and env.office.book.tasks.current(row["id"]) == task
    mail = proposal_mail(env, "camat", number)
    assert mail.text.split("\n", 2)[2].startswith("Tindakan berikut dicatat atas nama Bapak/Ibu oleh petugas Andi")
    assert "perbaikan oleh kelurahan" in mail.text and "Benar" in mail.text and "Bukan" in mail.text
    # The token in hand, someone else says Benar in the Camat's place: nothing happens.
    answer_proposal(env, "camat", number, "Benar", sender=("Camat Palsu", "penipu@" + env.cast.domain))
    answer_proposal(env, "camat", number, "Benar", sender=env.official("sekretaris"))
    assert env.complaint(number)["step"] == 3
    assert [m["kind"] for m in env.office.book.messages.listed()][-2:] == ["unmatched", "unmatched"]
    answer_proposal(env, "camat", number, "Benar")
    row = env.complaint(number)
    assert row["state"] == "open" and row["step"] == 4  # closed as if the Camat had replied to the routing mail
    events = env.office.book.events.of(row["id"])
    [decision] = [e for e in events if e["step"] == 3 and e["kind"] == "langkah"]
    assert decision["text"] == "Diputuskan dalam rapat: perbaikan oleh kelurahan."
    assert decision["actor"] == env.official("camat")[1]
    [confirmed] = [e for e in events if e["kind"] == "usulan_dikonfirmasi"]
    assert "petugas Andi" in confirmed["text"] and env.official("camat")[0] in confirmed["text"]
    [discarded] = [e for e in events if e["kind"] == "usulan_ditolak"]
    assert "petugas Andi" in discarded["text"]
    states = [p["state"] for p in env.office.book.proposals.of(row["id"])]
    assert states == ["ditolak", "dikonfirmasi"]
    assert env.routing("sekretaris", number, 4) is not None


def test_a_proposal_overtaken_by_the_officials_own_mail_does_nothing(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    assert cli(env, "langkah", number, "--teks", "Tolak: bukan kewenangan kecamatan").exit_code == 0
    through(env, number, ("camat", 3, "Tindak lanjuti bersama kelurahan."))
    answer_proposal(env, "camat", number, "Benar")
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 4)  # the stale proposal did not reject it
    assert env.office.book.messages.listed()[-1]["kind"] == "unmatched"
    told = [m for m in env.inbox(env.official("camat")[1]) if "tidak diterima" in m.subject]
    assert told and "tidak berlaku lagi" in told[-1].text


def test_the_signers_own_desk_account_approves_the_konsep(env, desk, browser):
    number = to_approval(env)
    made = cli(env, "pengguna", "tambah", "dahlan", "--peran", "pimpinan", "--surel", env.official("camat")[1],
               input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    staff = Client(desk)
    assert staff.login() == 302
    token = staff.csrf(f"/pengaduan/{number}")
    assert staff.post(f"/pengaduan/{number}/tindakan", {"csrf_token": token, "teks": "Setuju"})[0] == 403
    boss = Client(desk)  # a pimpinan account that is nobody's own
    assert boss.login("camat") == 302
    token = boss.csrf(f"/pengaduan/{number}")
    assert boss.post(f"/pengaduan/{number}/tindakan", {"csrf_token": token, "teks": "Setuju"})[0] == 403
    assert env.complaint(number)["letter_number"] is None

    page = browser.new_page(locale="id-ID")
    login(page, desk, "dahlan")
    page.goto(f"{desk}/pengaduan/{number}")
    assert page.get_by_text("Lampu jalan di RT 12 diperbaiki minggu ini.").first.is_visible()  # the konsep
    page.get_by_role("button", name="Setuju").click()
    page.get_by_text("Catatan disimpan dalam riwayat.").wait_for()
    row = env.complaint(number)
    assert row["letter_number"] and env.office.config.procedure.label(row["step"]) == "5"
    [approval] = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "langkah" and e["step"] == 6]
    assert approval["actor"].endswith("melalui meja layanan") and env.official("camat")[0] in approval["actor"]
    assert SIGNED in letter_text(row["letter_path"])
    page.close()


def test_staff_propose_at_the_desk_and_the_camat_confirms_there_as_himself(env, desk, browser):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    assert cli(env, "pengguna", "tambah", "dahlan", "--peran", "pimpinan", "--surel", env.official("camat")[1],
               input=PASSWORD + "\n").exit_code == 0
    page = browser.new_page(locale="id-ID")
    login(page, desk)  # rina, staf
    page.goto(f"{desk}/pengaduan/{number}")
    page.get_by_label("Jenis catatan").select_option("tindakan")
    page.get_by_label("Teks").fill("Perbaikan oleh kelurahan, diputuskan lewat telepon.")
    page.get_by_role("button", name="Simpan catatan").click()
    page.get_by_role("button", name="Simpan usulan dan kirim ke pejabat").click()  # after what it will do
    row = page.get_by_role("row", name="Perbaikan oleh kelurahan")
    assert "Menunggu konfirmasi pejabat" in row.inner_text() and "petugas rina" in row.inner_text()
    assert row.get_by_role("button", name="Benar").count() == 0  # nobody but the Camat confirms
    [proposal] = env.office.book.proposals.of(env.complaint(number)["id"])
    staff = Client(desk)
    assert staff.login() == 302
    token = staff.csrf(f"/pengaduan/{number}")
    assert staff.post(f"/pengaduan/{number}/usulan/{proposal['id']}",
                      {"csrf_token": token, "keputusan": "benar"})[0] == 403
    assert env.complaint(number)["step"] == 3
    page.close()

    page = browser.new_page(locale="id-ID")
    login(page, desk, "dahlan")
    page.goto(f"{desk}/pengaduan/{number}")
    page.get_by_role("row", name="Perbaikan oleh kelurahan").get_by_role("button", name="Benar").click()
    page.get_by_text("Catatan disimpan dalam riwayat.").wait_for()
    assert "Dikonfirmasi pejabat" in page.get_by_role("row", name="Perbaikan oleh kelurahan").inner_text()
    row = env.complaint(number)
    assert row["step"] == 4
    [confirmed] = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "usulan_dikonfirmasi"]
    assert "petugas rina" in confirmed["text"] and "melalui meja layanan" in confirmed["text"]
    page.close()


def test_the_leak_check_knows_proposal_tokens(env):
    """tests/leaks.py fails a test whose office mails a waiting proposal's token to anyone else."""
    from letters.mail import Rendered
    from office.notices import queue
    from office.proposals import propose_action
    from sop.clock import utcnow
    from tests.leaks import token_leaks

    number = start(env)
    propose_action(env.office, number, "Klarifikasi.", "Andi", utcnow())
    [proposal] = env.office.book.proposals.of(env.complaint(number)["id"])
    assert token_leaks(env.office.book, env.config) == []  # its own mail went to the Sekretaris only
    with env.office.book.transaction():
        queue(env.office, None, "uji_bocor", [("Orang Lain", "lain@luar.test")],
              Rendered(subject="uji", body=f"token {proposal['token']}\n"), utcnow())
    assert any("proposal" in line for line in token_leaks(env.office.book, env.config))
    with env.office.book.transaction():
        env.office.book.conn.execute("DELETE FROM outbox WHERE kind = 'uji_bocor'")


def test_a_letter_whose_approval_staff_entered_does_not_claim_the_signers(env):
    """A book from an earlier release may hold an approval a member of staff entered: a letter
    issued on it says it was sealed, never that the signer approved it."""
    from office.issuing import issue_letter
    from sop.clock import utcnow

    number = to_approval(env)
    row = env.complaint(number)
    now = utcnow()
    with env.office.book.transaction():
        env.office.book.events.add(row["id"], now, 6, "petugas Andi atas nama Camat", "langkah",
                                  "Konsep jawaban disetujui.")
        issued = issue_letter(env.office, row, row["draft"], now)
    text = letter_text(issued["letter_path"])
    assert "berupa segel kantor Kecamatan Palaran. Keasliannya" in " ".join(text.split()) and SIGNED not in text


def test_an_administrator_cancels_a_proposal_from_the_shell(env):
    number = start(env)
    assert cli(env, "langkah", number, "--teks", "Klarifikasi.\nSeksi: Pemerintahan").exit_code == 0
    [proposal] = env.office.book.proposals.of(env.complaint(number)["id"])
    assert cli(env, "langkah", "--batal", str(proposal["id"]), number).exit_code == 2  # one or the other
    cancelled = cli(env, "langkah", "--batal", str(proposal["id"]), "--petugas", "admin")
    assert cancelled.exit_code == 0, cancelled.output
    assert "dibatalkan" in cancelled.output
    again = cli(env, "langkah", "--batal", str(proposal["id"]))
    assert again.exit_code == 1 and "sudah dibatalkan" in again.output
    answer_proposal(env, "sekretaris", number, "Benar")  # too late: nothing acts
    row = env.complaint(number)
    assert row["step"] == 2 and row["section"] is None
    assert env.office.book.proposals.get(proposal["id"])["state"] == "dibatalkan"
    assert any(e["kind"] == "usulan_dibatalkan" and "administrator admin" in e["text"]
               for e in env.office.book.events.of(row["id"]))
    shown = json.loads(cli(env, "show", number, "--json").output)
    assert shown["step"] == 2


def test_only_benar_or_bukan_at_the_start_of_the_reply_decides():
    assert answer_word("Benar\n\nSalam,\nDahlan") == "benar"
    assert answer_word("bukan.") == "bukan"
    assert answer_word("BENAR, silakan dijalankan") == "benar"
    assert answer_word("Saya kira benar") == ""
    assert answer_word("") == ""
