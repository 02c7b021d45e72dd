"""Only the right official, from the right address, through the right routing email, moves a
complaint; anything else changes nothing and is kept in the book as unmatched."""

from __future__ import annotations


def _start(env, index=0):
    env.complain(index)
    env.cycle()
    return env.office.book.complaints.listed()[-1]["number"]


def _unmatched(env):
    return env.office.book.messages.listed("unmatched")


def test_valid_token_from_another_address_changes_nothing(env):
    number = _start(env)
    env.reply("sekretaris", number, 2, "Saya bukan sekretaris.", sender=("Penyusup", env.cast.citizens[1][1]))
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 2
    [note] = _unmatched(env)
    assert "bukan pejabat" in note["note"] and note["complaint_id"] == row["id"]
    assert not [e for e in env.office.book.events.of(row["id"]) if e["step"] == 2]


def test_forged_camat_with_token_of_the_sekretaris_task_changes_nothing(env):
    number = _start(env)
    env.reply("sekretaris", number, 2, "Langsung saya putuskan.", sender=env.official("camat"))
    env.cycle()
    assert env.complaint(number)["step"] == 2
    assert len(_unmatched(env)) == 1


def test_reply_to_a_finished_task_changes_nothing(env):
    number = _start(env)
    routing = env.reply("sekretaris", number, 2, "Klarifikasi pertama.\nSeksi: Pemerintahan")
    env.cycle()
    assert env.complaint(number)["step"] == 3
    from jobs.demo import reply_to

    env.rig.send(reply_to(routing, env.official("sekretaris"), "Klarifikasi kedua, terlambat."))
    env.cycle()
    row = env.complaint(number)
    assert row["step"] == 3
    texts = [e["text"] for e in env.office.book.events.of(row["id"]) if e["kind"] == "langkah"]
    assert "Klarifikasi kedua, terlambat." not in texts
    assert "sudah selesai" in _unmatched(env)[0]["note"]
    told = [m for m in env.inbox(env.official("sekretaris")[1]) if "tidak diterima" in m.subject]
    assert len(told) == 1 and "sudah selesai" in told[0].text


def test_token_of_one_complaint_cannot_act_on_another(env):
    first = _start(env, 0)
    second = _start(env, 1)
    routing = env.routing("sekretaris", first, 2)
    token = routing.reply_to[0]
    env.send(env.official("sekretaris")[1], token, f"Re: [{second}] Tugas langkah 2",
             "Untuk pengaduan kedua.\nSeksi: Pemerintahan")
    env.cycle()
    # The token names the first complaint's task, whatever the subject says.
    assert env.complaint(second)["step"] == 2
    assert env.complaint(first)["step"] == 3


def test_subject_with_a_number_alone_never_acts(env):
    number = _start(env)
    env.send(env.official("sekretaris")[1], env.cast.office, f"Re: [{number}] Tugas langkah 2 (Sekretaris Camat)",
             "Seksi: Pemerintahan")
    env.cycle()
    assert env.complaint(number)["step"] == 2


def test_unknown_token_is_kept_as_unmatched(env):
    _start(env)
    env.send(env.official("camat")[1], f"pengaduan+{'z' * 20}@{env.cast.domain}", "Re: tugas", "Setuju.")
    env.cycle()
    [note] = _unmatched(env)
    assert "tidak cocok" in note["note"]


def test_out_of_office_reply_of_an_official_does_not_act(env):
    number = _start(env)
    routing = env.routing("sekretaris", number, 2)
    env.send(env.official("sekretaris")[1], routing.reply_to[0], "Balasan otomatis: sedang cuti",
             "Saya sedang cuti sampai Senin.", Auto_Submitted="auto-replied",
             In_Reply_To=routing.headers["message-id"][0])
    env.cycle()
    assert env.complaint(number)["step"] == 2
    assert len(env.office.book.messages.listed("auto")) == 1


def test_empty_reply_keeps_the_task_open_and_asks_again(env):
    number = _start(env)
    env.reply("sekretaris", number, 2, "")
    env.cycle()
    assert env.complaint(number)["step"] == 2
    subjects = [" ".join(m.subject.split()) for m in env.inbox(env.official("sekretaris")[1])]
    assert any("Mohon tuliskan isi balasan" in s for s in subjects)
    # The same task still acts on a proper reply afterwards.
    env.reply("sekretaris", number, 2, "Klarifikasi lengkap.")
    env.cycle()
    assert env.complaint(number)["step"] == 3


def test_citizen_reply_to_the_acknowledgement_is_added_to_the_complaint(env):
    number = _start(env)
    citizen = env.cast.citizens[0]
    [ack] = env.inbox(citizen[1])
    from jobs.demo import reply_to

    env.rig.send(reply_to(ack, (citizen[0], citizen[1]), "Tambahan: lokasinya di depan masjid."))
    env.cycle()
    row = env.complaint(number)
    extra = [e for e in env.office.book.events.of(row["id"]) if e["kind"] == "tambahan"]
    assert extra and extra[0]["text"] == "Tambahan: lokasinya di depan masjid."
    assert len(env.office.book.complaints.listed()) == 1 and row["step"] == 2


def test_a_forged_camat_without_a_token_moves_nothing(env):
    number = _start(env)
    env.send(env.official("camat")[1], env.cast.office, f"Keputusan untuk {number}",
             "Seksi: Pemerintahan\nRapat: ya\nTolak: tidak perlu")
    env.cycle()
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 2)
    assert not [e for e in env.office.book.events.of(row["id"]) if e["step"] in (2, 3) and e["kind"] != "tambahan"]
