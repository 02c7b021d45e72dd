"""`Gabung: <nomor>`: what the engine must know of the complaint a reply names before it
decides whether the two may be joined. The office looks those facts up first (the complaints
`named_by` a reply) and hands them to `advance`, so the engine never asks the book in the
middle of a decision. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from sop.effects import Case, Reply
from sop.keywords import split_keywords
from sop.procedure import Procedure
from sop.terms import OPEN


@dataclass(frozen=True)
class JoinTarget:
    """What the book holds of a complaint a reply names, as far as joining it goes."""

    number: str
    state: str
    linked: bool  # itself joined to another complaint


def join_number(value: str) -> str:
    """The complaint number a `Gabung:` line names ('' when none)."""
    return value.strip().split()[0].strip(".,;") if value.strip() else ""


def named_by(case: Case, event, procedure: Procedure) -> tuple[str, ...]:
    """The complaint numbers `event` names for the engine to look at: the `Gabung:` of a reply
    to the waiting step (what `advance` would read), else none."""
    if not isinstance(event, Reply) or case.state != OPEN or event.step != case.step:
        return ()
    found, _ = split_keywords(event.text, procedure.step(event.step).keywords)
    return (join_number(found["gabung"]),) if "gabung" in found else ()


def join_refusal(own_number: str, number: str, target: JoinTarget | None) -> str | None:
    """Why complaint `own_number` cannot be joined to complaint `number` (whose facts are
    `target`, None when the book has no such complaint), or None when it can."""
    if target is None:
        return f"pengaduan {number or '(tanpa nomor)'} tidak ada dalam buku"
    if target.number == own_number:
        return "pengaduan tidak dapat digabung dengan dirinya sendiri"
    if target.state != OPEN:
        return f"pengaduan {number} tidak sedang ditangani"
    if target.linked:
        return f"pengaduan {number} sendiri sudah digabung dengan pengaduan lain"
    return None
