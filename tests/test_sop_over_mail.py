"""The SOP engine over the real servers: keywords, delegation, clocks, forgery, other SOPs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from email.message import EmailMessage
from email.utils import make_msgid

from icalendar import Calendar

from jobs.demo import reply_to
from jobs.outgoing import send_outbox
from office.deadlines import check_deadlines
from tests.helpers import start, subjects, through
from tests.test_cli import pengaduan


def test_camat_sends_back_to_the_sekretaris_with_a_reason(sop_env):
    env = sop_env
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi awal.\nSeksi: Pemerintahan"),
            (env.head, 3, "Kembalikan: mohon cek lokasi tepatnya dengan lurah"))
    row = env.complaint(number)
    assert row["step"] == 2 and row["state"] == "open"
    again = env.routing("sekretaris", number, 2)
    assert "dikembalikan untuk diperbaiki" in again.text and "cek lokasi tepatnya" in again.text
    through(env, number, ("sekretaris", 2, "Lokasi: depan SDN 012.\nSeksi: Pemerintahan"))
    assert env.complaint(number)["step"] == 3
    assert "depan SDN 012" in env.routing(env.head, number, 3).text
    events = [e["kind"] for e in env.office.book.events.of(row["id"])]
    assert "dikembalikan" in events


def test_reject_closes_as_rejected_and_tells_the_citizen_politely(sop_env):
    env = sop_env
    number = start(env)
    # The Sekretaris only proposes; the Camat sees the proposal and decides.
    through(env, number, ("sekretaris", 2, "Tolak: jalan provinsi, kewenangan Dinas PUPR Provinsi Kaltim"))
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 3)
    assert not [m for m in env.inbox(env.cast.citizens[0][1]) if "Tindak Lanjut Pengaduan" in m.subject]
    routing = env.routing(env.head, number, 3)
    assert "USUL PENOLAKAN" in routing.text and "Dinas PUPR Provinsi Kaltim" in routing.text
    through(env, number, (env.head, 3, "Tolak: jalan provinsi, kewenangan Dinas PUPR Provinsi Kaltim"))
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("rejected", None)
    told = [m for m in env.inbox(env.cast.citizens[0][1]) if "Tindak Lanjut Pengaduan" in m.subject]
    assert len(told) == 1 and "Dinas PUPR Provinsi Kaltim" in told[0].text and "SP4N-LAPOR!" in told[0].text
    doc = json.loads(pengaduan("--config", str(env.config_path), "show", number, "--json").stdout)
    assert doc["state"] == "rejected" and doc["step"] is None


def test_meeting_with_a_date_sends_calendar_invitations(sop_env):
    env = sop_env
    number = start(env)
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pelayanan Umum"),
            (env.head, 3, "Bahas bersama.\nRapat: ya, 15-12-2026 pukul 09.30"))
    row = env.complaint(number)
    # The meeting comes before the decision: step 3 stays open, the Sekretaris writes nothing yet.
    assert row["meeting"] == 1 and row["step"] == 3 and env.routing("sekretaris", number, 4) is None
    assert any("Rapat dinas telah dijadwalkan" in m.text for m in env.inbox(env.official(env.head)[1])
               if "Tercatat: rapat dijadwalkan (langkah 3 tetap terbuka)" in " ".join(m.subject.split()))
    people = [env.official(env.head)[1], env.official("sekretaris")[1], env.cast.sections[2][2]]
    for address in people:
        [invite] = [m for m in env.inbox(address) if "Undangan rapat dinas" in m.subject]
        [ics] = [a for a in invite.attachments if a.filename.endswith(".ics")]
        event = next(c for c in Calendar.from_ical(ics.payload).walk() if c.name == "VEVENT")
        start_at = event.decoded("dtstart")
        assert start_at == dt.datetime(2026, 12, 15, 9, 30, tzinfo=env.config.clock.tz)
        attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee")}
        assert attendees == set(people)
        assert str(event.get("location")) == env.config.meeting_place
        assert f"Tempat  : {env.config.meeting_place}" in invite.text
    # After the meeting, the Camat replies to the same task with the decision.
    through(env, number, (env.head, 3, "Hasil rapat: perbaikan oleh kelurahan pekan depan."))
    row = env.complaint(number)
    assert row["step"] == 4 and "Hasil rapat" in env.routing("sekretaris", number, 4).text


def test_confidential_complaint_hides_the_complainant_from_the_section(sop_env):
    env = sop_env
    number = start(env)
    through(env, number, ("sekretaris", 2, "Pelapor minta identitas dirahasiakan.\nSeksi: Pemerintahan\nRahasia: ya"))
    kasi = env.cast.sections[0][2]
    [copy] = [m for m in env.inbox(kasi) if number in m.subject]
    citizen_name, citizen_email = env.cast.citizens[0][:2]
    assert "(dirahasiakan)" in copy.text
    assert citizen_name not in copy.text and citizen_email not in copy.text
    assert env.complaint(number)["confidential"] == 1


def test_staff_record_a_decision_taken_in_a_meeting_and_the_official_confirms_it(sop_env):
    from tests.test_proposals import answer_proposal

    env = sop_env
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    result = pengaduan("--config", str(env.config_path), "langkah", number, "--teks",
                       "Diputuskan dalam rapat: perbaikan oleh kelurahan.", "--petugas", "Andi")
    assert result.returncode == 0, result.stderr
    assert env.complaint(number)["step"] == 3  # a proposal until the official's own word
    answer_proposal(env, env.head, number, "Benar")
    row = env.complaint(number)
    assert row["step"] == 4
    events = env.office.book.events.of(row["id"])
    decision = [e for e in events if e["step"] == 3 and e["kind"] == "langkah"][0]
    assert decision["text"] == "Diputuskan dalam rapat: perbaikan oleh kelurahan."
    assert decision["actor"] == env.official(env.head)[1]
    [confirmed] = [e for e in events if e["kind"] == "usulan_dikonfirmasi"]
    assert "petugas Andi" in confirmed["text"] and env.official(env.head)[0] in confirmed["text"]
    assert any("Tercatat: balasan langkah 3" in s for s in subjects(env, env.official(env.head)[1]))


def test_a_plt_camat_receives_open_tasks_acts_and_signs_then_loses_the_role(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    plt = ("Rahmawati, S.Sos", "plt.camat@" + env.cast.domain)
    today = dt.datetime.now(env.config.clock.tz).date()
    added = pengaduan("--config", str(env.config_path), "delegasi", "tambah", "--peran", "camat", "--bentuk",
                      "Plt.", "--nama", plt[0], "--surel", plt[1], "--jabatan", "Sekretaris Camat", "--nip",
                      "198203152006042003", "--mulai", str(today), "--sampai", str(today + dt.timedelta(days=7)))
    assert added.returncode == 0, added.stderr
    assert "dikirim ulang" in added.stdout  # the open step-3 task went to the Plt. at once
    env.cycle()
    routed = [m for m in env.inbox(plt[1]) if f"[{number}] Tugas langkah 3" in " ".join(m.subject.split())]
    assert routed and "Plt. Camat" in routed[0].text
    env.rig.send(reply_to(routed[0], plt, "Setujui perbaikan."))
    env.cycle()
    assert env.complaint(number)["step"] == 4
    through(env, number, ("sekretaris", 4, "Perbaikan dilakukan pekan ini."))
    [approval] = [m for m in env.inbox(plt[1]) if f"[{number}] Tugas langkah 4a" in " ".join(m.subject.split())]
    env.rig.send(reply_to(approval, plt, "Setuju"))  # the Plt. approves what they sign
    env.cycle()
    from letters.render import letter_text

    text = letter_text(open(env.complaint(number)["letter_path"], "rb").read())
    assert "Plt. CAMAT PALARAN" in text and "SEKRETARIS CAMAT," in text and plt[0] in text
    assert "NIP. 198203152006042003" in text

    # After the delegation is revoked, the former Plt. can no longer act.
    ended = pengaduan("--config", str(env.config_path), "delegasi", "cabut", "1")
    assert ended.returncode == 0, ended.stderr
    second = start(env, 1)
    through(env, second, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    old_routing = routed[0]
    forged = reply_to(old_routing, plt, "Saya masih Plt.")
    forged.replace_header("To", env.routing("camat", second, 3).reply_to[0])
    env.rig.send(forged)
    env.cycle()
    assert env.complaint(second)["step"] == 3


def test_forged_sender_changes_nothing_and_the_real_official_is_told(sop_env):
    env = sop_env
    number = start(env)
    env.reply("sekretaris", number, 2, "Putusan palsu.", sender=("Camat Palsu", "camat.palsu@warga.test"))
    env.cycle()
    assert env.complaint(number)["step"] == 2
    warned = [m for m in env.inbox(env.official("sekretaris")[1]) if "tidak diterima" in m.subject]
    assert len(warned) == 1 and "camat.palsu@warga.test" in warned[0].text


def test_dkim_required_replies_need_our_servers_pass(sop_env):
    env = sop_env
    from jobs.demo.mailrig import ReceivingCheck

    ours = f"mx.{env.cast.domain}"
    env.office.config = replace(env.config, security=replace(
        env.config.security, require_authentication=True, authserv_id=ours))
    number = start(env)
    routing = env.routing("sekretaris", number, 2)
    sekretaris = env.official("sekretaris")

    def send(auth_header=None):
        msg = reply_to(routing, sekretaris, "Klarifikasi.\nSeksi: Pemerintahan")
        if auth_header:
            msg["Authentication-Results"] = auth_header
        env.rig.send(msg)
        env.cycle()

    env.rig.checks[env.cast.domain] = ReceivingCheck(ours)  # our server: no valid signature seen
    try:
        send()
        assert env.complaint(number)["step"] == 2
        # The sender writes our server's verdict itself, with a pass hidden in a property:
        # both lie below the hop where our server received the mail.
        send(f"{ours}; spf=pass smtp.mailfrom=x@{env.cast.domain}; dkim=pass header.d={env.cast.domain}")
        send(f'{ours}; spf=pass smtp.mailfrom="dkim=pass header.d={env.cast.domain}"@jahat.test')
        assert env.complaint(number)["step"] == 2
        unmatched = env.office.book.messages.listed("unmatched")
        assert len(unmatched) == 3 and all("keaslian" in m["note"] for m in unmatched)
        env.rig.checks[env.cast.domain] = ReceivingCheck(ours, frozenset({env.cast.domain}))
        send()
        assert env.complaint(number)["step"] == 3
    finally:
        env.rig.checks.pop(env.cast.domain, None)


def test_reply_from_a_phone_with_only_quoted_html_acts(sop_env):
    env = sop_env
    number = start(env)
    routing = env.routing("sekretaris", number, 2)
    msg = EmailMessage()
    msg["From"] = env.official("sekretaris")[1]
    msg["To"] = routing.reply_to[0]
    msg["Subject"] = "Re: " + " ".join(routing.subject.split())
    msg["In-Reply-To"] = routing.headers["message-id"][0]
    msg["Message-ID"] = make_msgid()
    msg.set_content('<div dir="auto">Sudah dicek, benar rusak.<div>Seksi: Pemerintahan</div></div>'
                    '<div class="gmail_quote"><blockquote>Yth. Sekretaris Camat<br>Mohon tindak lanjut</blockquote></div>',
                    subtype="html")
    env.rig.send(msg)
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 3 and row["section"] == "Seksi Pemerintahan"
    [step2] = [e for e in env.office.book.events.of(row["id"]) if e["step"] == 2 and e["kind"] == "langkah"]
    # The quoted routing mail is cut on the HTML's structure, and the history says so.
    assert step2["text"] == "Sudah dicek, benar rusak." and step2["left_out"] == 2
    shown = json.loads(pengaduan("--config", str(env.config_path), "lihat", number, "--json").stdout)
    assert [e["left_out"] for e in shown["events"] if e["kind"] == "langkah" and e["step"] == 2] == [2]
    human = pengaduan("--config", str(env.config_path), "lihat", number).stdout
    assert "2 baris kutipan" in " ".join(human.split())


def test_reminders_before_and_escalation_after_the_due_time(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    task = env.office.book.tasks.current(env.complaint(number)["id"])
    # Play the Camat's ten working days on a controlled clock, from a Monday morning.
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=env.config.clock.tz)
    due = env.config.clock.add(monday, env.config.procedure.step(3).time)
    env.office.book.conn.execute("UPDATE tasks SET opened_at = ?, due_at = ? WHERE id = ?",
                                 (monday.isoformat(), due.astimezone(dt.timezone.utc).isoformat(), task["id"]))
    sent = []
    moment = monday
    while moment < due + dt.timedelta(days=3):
        if check_deadlines(env.office, moment):
            sent.append(moment)
            send_outbox(env.office, moment)
        moment += dt.timedelta(minutes=30)
    camat = subjects(env, env.official("camat")[1])
    staf = subjects(env, env.official("jfu")[1])
    assert len([s for s in camat if "Pengingat" in s]) == 2  # at half and at 90 % of the time
    # The Camat's own step: the Camat is reminded, never told of his own lateness; staff are.
    assert not [s for s in camat if "Melewati batas waktu" in s]
    late_to_staff = [s for s in staf if "Melewati batas waktu" in s]
    assert 2 <= len(late_to_staff) <= 3  # at the due time, then once a working day
    assert all(env.config.clock.is_open(m) for m in sent)
    assert sent[-len(late_to_staff)] >= due
    doc = json.loads(pengaduan("--config", str(env.config_path), "show", number, "--json").stdout)
    step3 = [s for s in doc["steps"] if s["step"] == 3][0]
    assert step3["reminders"] == 2 and step3["escalations"] == len(late_to_staff)


def test_show_reports_each_step_against_its_standard(sop_env):
    env = sop_env
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    doc = json.loads(pengaduan("--config", str(env.config_path), "show", number, "--json").stdout)
    step2 = [s for s in doc["steps"] if s["step"] == 2][0]
    assert step2["standard"] == str(env.config.procedure.step(2).time) and step2["took_minutes"] is not None
    assert step2["standard"] == ("10 menit" if env.head == "camat" else "1 jam")  # each SOP's own standard
    assert step2["within_standard"] is True
    human = pengaduan("--config", str(env.config_path), "show", number).stdout
    assert "sesuai mutu baku" in human


def test_mail_stuck_past_the_give_up_time_alerts_staff(sop_env):
    env = sop_env
    number = start(env)
    from jobs.demo.mailrig import free_port

    broken = replace(env.config, smtp=replace(env.config.smtp, port=free_port()), smtp_give_up_hours=1)
    env.office.config = broken
    env.reply("sekretaris", number, 2, "Klarifikasi.\nSeksi: Pemerintahan")
    env.cycle()  # the confirmation and the Camat's routing cannot leave
    pending = [r for r in env.office.book.outbox.listed() if not r["sent_at"]]
    assert pending
    env.office.config = replace(broken, smtp=env.config.smtp)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    send_outbox(env.office, later)
    assert all(r["gave_up_at"] for r in env.office.book.outbox.listed() if r["id"] in {p["id"] for p in pending})
    alerts = [s for s in subjects(env, env.official("jfu")[1]) if "Surel gagal dikirim" in s]
    # One alert at once; the others of that hour come together in one digest an hour later.
    assert len(alerts) == 1
    from office.notices import send_digests

    assert send_digests(env.office, later + dt.timedelta(minutes=61)) == 1
    send_outbox(env.office, later + dt.timedelta(minutes=61))
    [digest] = [m for m in env.inbox(env.official("jfu")[1]) if "Ringkasan pemberitahuan" in m.subject]
    assert digest.text.count("Surel gagal dikirim") == len(pending) - 1


def test_a_changed_role_directory_keeps_open_tasks_working(env):
    number = start(env)
    new_address = "sekretaris.baru@" + env.cast.domain
    text = env.config_path.read_text().replace(env.official("sekretaris")[1], new_address)
    env.config_path.write_text(text)
    from office.config import load_config

    env.office.config = load_config(env.config_path)
    routing = env.routing("sekretaris", number, 2)  # sent to the former address
    env.rig.send(reply_to(routing, ("Sekretaris Baru", new_address), "Klarifikasi.\nSeksi: Pemerintahan"))
    env.cycle()
    assert env.complaint(number)["step"] == 3


KELURAHAN_SOP = """
[sop]
name = "Pengaduan Kelurahan"
[[steps]]
no = 1
role = "jfu"
activity = "Mencatat pengaduan"
input = "Pengaduan"
output = "Pengaduan tercatat"
time = "1 jam"
automatic = true
on_done = ["acknowledge"]
[[steps]]
no = 2
role = "lurah"
activity = "Lurah menjawab pengaduan"
input = "Pengaduan tercatat"
output = "Jawaban"
time = "3 hari"
instruction = "Balas surel ini dengan jawaban kepada pengadu."
keywords = ["tolak"]
on_done = ["issue_letter", "deliver_letter"]
escalate_to = "lurah"
"""


def test_another_office_sop_with_other_steps_runs_end_to_end(env):
    (env.directory / "sop-kelurahan.toml").write_text(KELURAHAN_SOP)
    lurah = ("Hj. Nurhayati, S.E.", "lurah@" + env.cast.domain)
    text = env.config_path.read_text().replace(  # the test office's [letters] table gains the signer
        "[letters]\n", '[letters]\nsigner_role = "lurah"\nsigner_title = "LURAH RAWA MAKMUR"\n') + (
        f'[roles.lurah]\nname = "{lurah[0]}"\nemail = "{lurah[1]}"\nnip = "197001011990032001"\n'
        '[sop]\nfile = "sop-kelurahan.toml"\n')
    env.config_path.write_text(text)
    from office.config import load_config

    env.office.config = load_config(env.config_path)
    number = start(env)
    routing = [m for m in env.inbox(lurah[1]) if f"[{number}] Tugas langkah 2" in " ".join(m.subject.split())]
    assert routing and "dari 2" in routing[0].text
    env.rig.send(reply_to(routing[0], lurah, "Lampu akan diganti besok pagi."))
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "closed" and row["letter_number"]
    final = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    assert len(final) == 1
    from letters.render import letter_text

    [pdf] = [a for a in final[0].attachments if a.filename.endswith(".pdf")]  # the citizen gets the PDF
    assert pdf.payload.startswith(b"%PDF")
    letter = letter_text(open(row["letter_path"], "rb").read())
    assert "LURAH RAWA MAKMUR," in letter and lurah[0] in letter and "Lampu akan diganti besok pagi." in letter


def test_offices_may_keep_every_complainant_confidential_by_default(sop_env):
    env = sop_env
    env.office.config = replace(env.config, intake=replace(env.config.intake, confidential_by_default=True))
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"))
    [copy] = [m for m in env.inbox(env.cast.sections[0][2]) if number in m.subject]
    assert "(dirahasiakan)" in copy.text and env.cast.citizens[0][1] not in copy.text
    assert env.complaint(number)["confidential"] == 1


def test_a_delegation_that_starts_later_takes_open_tasks_on_its_day(sop_env):
    env = sop_env
    number = start(env)
    plt = ("Plh. Sekretaris", "plh.sekretaris@" + env.cast.domain)
    tz = env.config.clock.tz
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    with env.office.book.transaction():
        env.office.book.delegations.add(role="sekretaris", form="Plh.", name=plt[0], email=plt[1], title="Kasi Pemerintahan",
                                       starts=dt.datetime.combine(tomorrow, dt.time(0), tz),
                                       ends=dt.datetime.combine(tomorrow + dt.timedelta(days=3), dt.time(0), tz),
                                       created_by="uji", created_at=dt.datetime.now(tz))
    check_deadlines(env.office, dt.datetime.now(dt.timezone.utc))  # not yet: nothing moves
    assert env.office.book.tasks.current(env.complaint(number)["id"])["official"] == env.official("sekretaris")[1]
    during = dt.datetime.combine(tomorrow, dt.time(9), tz)
    check_deadlines(env.office, during)
    assert env.office.book.tasks.current(env.complaint(number)["id"])["official"] == plt[1]
    send_outbox(env.office, during)
    assert [m for m in env.inbox(plt[1]) if f"[{number}] Tugas langkah 2" in " ".join(m.subject.split())]
    after = dt.datetime.combine(tomorrow + dt.timedelta(days=4), dt.time(9), tz)
    check_deadlines(env.office, after)  # the period is over: back to the Sekretaris
    assert env.office.book.tasks.current(env.complaint(number)["id"])["official"] == env.official("sekretaris")[1]
