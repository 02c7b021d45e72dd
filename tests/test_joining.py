"""`Gabung:` decided from data: the office hands the engine what the book holds of the named
complaint, and the engine's rule alone says whether the two may be joined (pure, no book)."""

from __future__ import annotations

import datetime as dt

from sop.effects import Case, Join, Notify, Reply
from sop.engine import advance
from sop.joining import JoinTarget, join_refusal, named_by
from sop.procedure import load_procedure
from sop.terms import CLOSED, LINKED, OPEN

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)
SOP = load_procedure()
AT_2 = Case(number="PGD/2026/0009", step=2)


def reply(text: str) -> Reply:
    return Reply(2, "sekretaris@kantor.test", text)


def test_the_office_is_told_which_complaint_a_reply_names_and_only_on_the_waiting_step():
    assert named_by(AT_2, reply("Sama dengan yang kemarin.\nGabung: PGD/2026/0003."), SOP) == ("PGD/2026/0003",)
    assert named_by(AT_2, reply("Klarifikasi.\nSeksi: Pemerintahan"), SOP) == ()
    assert named_by(AT_2, Reply(3, "camat@kantor.test", "Gabung: PGD/2026/0003"), SOP) == ()


def test_the_join_rule_reads_only_the_facts_it_is_given():
    open_main = JoinTarget("PGD/2026/0003", OPEN, linked=False)
    assert join_refusal("PGD/2026/0009", "PGD/2026/0003", open_main) is None
    assert "tidak ada dalam buku" in join_refusal("PGD/2026/0009", "PGD/2026/0404", None)
    assert "dirinya sendiri" in join_refusal("PGD/2026/0009", "PGD/2026/0009",
                                             JoinTarget("PGD/2026/0009", OPEN, linked=False))
    assert "tidak sedang ditangani" in join_refusal("PGD/2026/0009", "PGD/2026/0003",
                                                    JoinTarget("PGD/2026/0003", CLOSED, linked=False))
    assert "sudah digabung" in join_refusal("PGD/2026/0009", "PGD/2026/0003",
                                            JoinTarget("PGD/2026/0003", OPEN, linked=True))


def test_advance_joins_with_the_facts_handed_to_it_and_refuses_without_them():
    text = "Pengaduan yang sama.\nGabung: PGD/2026/0003"
    joined = advance(AT_2, reply(text), NOW, SOP, named={"PGD/2026/0003": JoinTarget("PGD/2026/0003", OPEN, False)})
    assert joined.acted and joined.case.state == LINKED and Join("PGD/2026/0003") in joined.effects
    unknown = advance(AT_2, reply(text), NOW, SOP)
    assert not unknown.acted and unknown.case == AT_2
    [told] = unknown.effects
    assert isinstance(told, Notify) and told.template == "gabung_gagal" and "tidak ada dalam buku" in told.extra["why"]
