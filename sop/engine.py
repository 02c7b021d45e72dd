"""The SOP engine: a pure `advance(case, event, now)` that says what a step's completion means.

It returns the complaint's new state and the effects to apply (history lines, emails to
queue, a letter to issue, a task to open); the caller applies them all in one transaction.
Which effects follow a step is read from the procedure (`on_done`), never from code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from sop.procedure import Procedure

OPEN, CLOSED, REJECTED = "open", "closed", "rejected"
SYSTEM = "sistem"


@dataclass(frozen=True)
class Case:
    """What the engine needs to know of a complaint."""

    number: str
    state: str = OPEN
    step: int | None = 1
    section: str | None = None
    meeting: bool = False
    has_email: bool = True


# Events -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recorded:
    """Step 1 done by the system: the complaint is in the book."""

    actor: str = SYSTEM
    text: str = ""


@dataclass(frozen=True)
class Reply:
    """A verified reply by the official of the waiting step."""

    step: int
    actor: str
    text: str


# Effects ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Log:
    step: int | None
    actor: str
    kind: str
    text: str


@dataclass(frozen=True)
class Notify:
    """An email to queue: `template` under templates/mail, `to` a role name, 'complainant',
    'section' (the head of the named section) or 'actor' (who just acted)."""

    template: str
    to: str
    step: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpenTask:
    step: int


@dataclass(frozen=True)
class CloseTask:
    step: int
    output: str


@dataclass(frozen=True)
class IssueLetter:
    answer: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    effects: tuple
    acted: bool = True


# Keywords in replies ------------------------------------------------------------------------
KEYWORD_LINE = re.compile(r"^\s*(seksi|rapat)\s*:\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)
YES = {"ya", "iya", "perlu", "yes", "y"}
SECTION_STOPWORDS = {"seksi", "subbagian", "subbag", "sub", "bagian", "kasi", "kasubbag", "dan", "&"}


def split_keywords(text: str, allowed: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Keyword lines the step understands, and the text without them."""
    found: dict[str, str] = {}

    def take(m: re.Match) -> str:
        key = m.group(1).lower()
        if key not in allowed:
            return m.group(0)
        found[key] = m.group(2)
        return ""

    rest = KEYWORD_LINE.sub(take, text)
    rest = re.sub(r"\n{3,}", "\n\n", rest).strip()
    return found, rest


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in SECTION_STOPWORDS}


def match_section(value: str, sections: tuple[str, ...]) -> str | None:
    """The configured section that `value` names: case-insensitive, by any word of its name.

    The section sharing most words wins; a tie or no shared word gives None.
    """
    wanted = _words(value)
    scored = sorted(((len(wanted & _words(name)), name) for name in sections), reverse=True)
    if not scored or scored[0][0] == 0:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


# The engine ---------------------------------------------------------------------------------
ON_DONE_EFFECTS = {
    "acknowledge": lambda case, step, text: [Notify("tanda_terima", "complainant", step.no)] if case.has_email else [],
    "copy_performer": lambda case, step, text: [Notify("salinan_pencatatan", step.role, step.no)],
    "copy_section_head": lambda case, step, text: [Notify("salinan_seksi", "section", step.no)] if case.section else [],
    "issue_letter": lambda case, step, text: [IssueLetter(text)],
    "deliver_letter": lambda case, step, text: [Notify("surat_jawaban", "complainant", step.no)] if case.has_email else [],
}


def advance(case: Case, event, now: dt.datetime, procedure: Procedure,
            sections: tuple[str, ...] = ()) -> Outcome:
    """The new state of `case` after `event`, and the effects that go with it."""
    if case.state != OPEN:
        return Outcome(case, (Log(case.step, getattr(event, "actor", SYSTEM), "diabaikan",
                                  "Pengaduan sudah ditutup; tidak ada perubahan."),), acted=False)
    if isinstance(event, Recorded):
        step = procedure.step(1)
        return _finish(case, step, event.actor, event.text or step.output, now, procedure, [])
    if isinstance(event, Reply):
        if event.step != case.step:
            return Outcome(case, (Log(event.step, event.actor, "diabaikan",
                                      f"Balasan untuk langkah {event.step}, sedangkan langkah yang "
                                      f"ditunggu {case.step}; tidak ada perubahan."),), acted=False)
        step = procedure.step(event.step)
        found, text = split_keywords(event.text, step.keywords)
        if not text and not found:
            return Outcome(case, (Notify("balasan_kosong", "actor", step.no),), acted=False)
        notes: list = []
        if "seksi" in found:
            section = match_section(found["seksi"], sections)
            if section:
                case = replace(case, section=section)
                notes.append(Log(step.no, event.actor, "seksi", f"Seksi terkait: {section}"))
            else:
                notes.append(Log(step.no, event.actor, "catatan",
                                 f"Seksi '{found['seksi']}' tidak dikenali; tidak ada salinan ke seksi."))
        if "rapat" in found:
            meeting = found["rapat"].split()[0].lower() in YES if found["rapat"] else False
            case = replace(case, meeting=meeting)
            notes.append(Log(step.no, event.actor, "rapat",
                             "Perlu rapat dinas (SOP Rapat Dinas)." if meeting else "Tidak perlu rapat dinas."))
        return _finish(case, step, event.actor, text, now, procedure, notes)
    raise TypeError(f"unknown event {event!r}")


def _finish(case, step, actor, text, now, procedure, notes) -> Outcome:
    effects: list = [Log(step.no, actor, "langkah", text), *notes, CloseTask(step.no, text)]
    for name in step.on_done:
        effects.extend(ON_DONE_EFFECTS[name](case, step, text))
    if not step.automatic:
        effects.append(Notify("konfirmasi", "actor", step.no, {"text": text}))
    nxt = procedure.next_step(step.no)
    if nxt is None:
        case = replace(case, state=CLOSED, step=None)
        effects.append(Log(None, SYSTEM, "selesai", "Pengaduan selesai ditangani dan ditutup."))
    else:
        case = replace(case, step=nxt.no)
        effects.append(OpenTask(nxt.no))
    return Outcome(case, tuple(effects))
