"""The procedure as data: an office's SOP loaded from a TOML file and validated.

The engine reads steps, performers, standard times and what a step's completion causes
from here; nothing about any particular office is written in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from sop.keywords import KEYWORDS
from templates import TEMPLATES

DEFAULT_SOP = TEMPLATES / "sop" / "palaran.toml"

# What a step's completion may cause; each name is implemented once in the engine.
ON_DONE = ("acknowledge", "copy_performer", "copy_section_head", "draft_letter", "issue_letter", "deliver_letter")
# The role name an approval step may use for "whoever signs the letters" ([letters] signer).
SIGNER = "signer"
# The role that gives outgoing letters their numbers from the office's agenda ([letters] numbering).
AGENDA = "agenda"
AGENDA_INSTRUCTION = """Surat di bawah telah disetujui penanda tangan dan menunggu nomor dari buku agenda \
surat keluar kantor. Catat surat ini dalam buku agenda, lalu balas surel ini dengan satu baris:
Nomor: <nomor surat sesuai buku agenda>
Surat kemudian diberi nomor dan tanggal hari ini, dibubuhi tanda tangan dan segel, lalu diteruskan. \
Nomor yang sudah dipakai atau tidak sesuai pola nomor surat kantor ditolak."""
REJECT_MODES = ("close", "propose")
MEETING_ROLES_EXTRA = ("section",)  # meeting_with may name the related section's head
UNITS = {"menit": "minutes", "jam": "hours", "hari": "days"}


class SopError(ValueError):
    """The SOP file is wrong; the message names the file, the line and the key."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # minutes | hours | days

    @classmethod
    def parse(cls, text: str) -> "Duration":
        m = re.fullmatch(r"\s*(?:maksimal\s+)?(\d+)\s*(menit|jam|hari)\s*", text, re.IGNORECASE)
        if not m:
            raise ValueError(f"waktu tidak dikenal: {text!r} (contoh: '30 menit', '1 jam', '10 hari')")
        return cls(int(m.group(1)), UNITS[m.group(2).lower()])

    def __str__(self) -> str:
        word = {v: k for k, v in UNITS.items()}[self.unit]
        return f"{self.amount} {word}"


@dataclass(frozen=True)
class Step:
    no: int
    role: str
    activity: str
    input: str
    output: str
    time: Duration
    automatic: bool = False
    instruction: str = ""
    keywords: tuple[str, ...] = ()
    on_done: tuple[str, ...] = ()
    attach_letter: bool = False
    escalate_to: str | None = None
    note: str = ""
    next: int | None = None  # the step after this one; default no + 1, 0 ends the procedure
    meeting_with: tuple[str, ...] = ()  # who gets the invitation when `Rapat:` names a date
    label: str = ""  # how people read the step's number ("4a" for an office's addition); default `no`
    addition: bool = False  # added by the office, not in the SOP's own text
    approval: bool = False  # the signer approves the konsep the step before wrote (skipped when they wrote it)
    back: int | None = None  # where `Kembalikan:` sends the complaint (default: the step before)
    reject: str = "close"  # `Tolak:` closes the complaint, or (propose) goes to the next step as a proposal
    max_extension: Duration | None = None  # how far `Perpanjang:` may move the step's deadline, in all
    objection: bool = False  # opened by a complainant's TIDAK PUAS after the answer (keberatan)
    numbers: bool = False  # the agenda keeper gives the approved letter its number (with_agenda)

    @property
    def shown(self) -> str:
        return self.label or str(self.no)


@dataclass(frozen=True)
class Procedure:
    name: str
    number: str
    steps: tuple[Step, ...]
    source: str

    def step(self, no: int) -> Step:
        return self.steps[no - 1]

    def next_step(self, no: int) -> Step | None:
        nxt = self.step(no).next
        if nxt == 0:
            return None
        if nxt is None:
            return self.steps[no] if no < len(self.steps) else None
        return self.step(nxt)

    def previous_step(self, no: int) -> Step:
        """Where `Kembalikan:` sends a complaint: the step the SOP names (`back`), else the step
        whose output this step received."""
        if self.step(no).back:
            return self.step(self.step(no).back)  # type: ignore[arg-type]
        return next((s for s in self.steps if s.no != no and getattr(self.next_step(s.no), "no", None) == no),
                    self.step(max(1, no - 1)))

    def walk(self) -> list[Step]:
        """The steps in the order a complaint takes them (1, 2, 3, 4, the approval 4a, 5),
        following `next`; steps only reached otherwise (an objection) are not in it."""
        walked: list[Step] = []
        step: Step | None = self.step(1)
        while step is not None and step not in walked:
            walked.append(step)
            step = self.next_step(step.no)
        return walked

    def label(self, no: int | None) -> str:
        """A step's number as people read it ("4a"), or "-" for none."""
        return self.step(no).shown if no else "-"

    @property
    def objection_step(self) -> Step | None:
        """The step a TIDAK PUAS opens; with one, a delivered answer waits for the complainant's word."""
        return next((s for s in self.steps if s.objection), None)

    @property
    def delivery_step(self) -> Step | None:
        """The step that delivers the office's letter to the complainant (the JFU's, step 5)."""
        return next((s for s in self.steps if "deliver_letter" in s.on_done), None)

    @property
    def main_steps(self) -> int:
        """How many steps the SOP's own text has (additions of the office not counted)."""
        return sum(1 for s in self.steps if not s.addition)

    def with_signer(self, role: str) -> "Procedure":
        """The procedure with the approval steps' `signer` role resolved to the office's signer."""
        steps = tuple(replace(s, role=role) if s.role == SIGNER else s for s in self.steps)
        return replace(self, steps=steps)

    def with_agenda(self, time: Duration) -> "Procedure":
        """The procedure with the office's numbering step after each approval step ("4b" after
        "4a"): the approved letter waits for the number the agenda keeper gives from the office's
        one agenda surat keluar, and is issued then instead of at the approval."""
        steps = list(self.steps)
        for s in self.steps:
            if not (s.approval and "issue_letter" in s.on_done):
                continue
            after = self.next_step(s.no)
            label = s.shown[:-1] + chr(ord(s.shown[-1]) + 1) if s.shown[-1].isalpha() else f"{s.shown}b"
            steps.append(Step(
                no=len(steps) + 1, role=AGENDA, label=label, addition=True, numbers=True, time=time,
                activity="Pengelola agenda surat keluar memberi nomor surat dari buku agenda surat keluar kantor",
                input=s.output, output="Surat bernomor, bertanda tangan, dan bersegel",
                instruction=AGENDA_INSTRUCTION, on_done=("issue_letter",), escalate_to=s.escalate_to,
                next=after.no if after else 0))
            steps[s.no - 1] = replace(s, on_done=tuple(x for x in s.on_done if x != "issue_letter"), next=len(steps))
        return replace(self, steps=tuple(steps))

    @property
    def numbering_step(self) -> Step | None:
        """The agenda keeper's step, when the office numbers letters from its agenda."""
        return next((s for s in self.steps if s.numbers), None)

    @property
    def roles(self) -> set[str]:
        return ({s.role for s in self.steps} | {s.escalate_to for s in self.steps if s.escalate_to}
                | {r for s in self.steps for r in s.meeting_with if r not in MEETING_ROLES_EXTRA})


def load_procedure(path: Path | str | None = None) -> Procedure:
    path = Path(path) if path else DEFAULT_SOP
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SopError(f"{path}: {exc}") from None
    return parse_procedure(data, text, str(path))


def _line_of_step(text: str, index: int) -> int:
    """The line where the index-th [[steps]] table starts, for error messages."""
    seen = -1
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip() == "[[steps]]":
            seen += 1
            if seen == index:
                return lineno
    return 0


def parse_procedure(data: dict, text: str = "", source: str = "<sop>") -> Procedure:
    head = data.get("sop", {})
    raw_steps = data.get("steps")
    if not raw_steps:
        raise SopError(f"{source}: tidak ada [[steps]]: SOP memerlukan paling sedikit satu langkah")
    steps = [_parse_step(i, raw, f"{source}, baris {_line_of_step(text, i)} (langkah ke-{i + 1})")
             for i, raw in enumerate(raw_steps)]
    _check_links(steps, text, source)
    return Procedure(name=head.get("name", ""), number=head.get("number", ""),
                     steps=tuple(steps), source=source)


def _parse_step(i: int, raw: dict, where: str) -> Step:
    unknown = set(raw) - set(Step.__dataclass_fields__)
    if unknown:
        raise SopError(f"{where}: kunci tidak dikenal: {', '.join(sorted(unknown))}")
    for key in ("no", "role", "activity", "input", "output", "time"):
        if key not in raw:
            raise SopError(f"{where}: kunci '{key}' wajib diisi")
    if raw["no"] != i + 1:
        raise SopError(f"{where}: 'no' harus {i + 1}, tertulis {raw['no']!r}")
    try:
        duration = Duration.parse(str(raw["time"]))
        extension = Duration.parse(str(raw["max_extension"])) if raw.get("max_extension") else None
    except ValueError as exc:
        raise SopError(f"{where}: {exc}") from None
    if raw.get("reject", "close") not in REJECT_MODES:
        raise SopError(f"{where}: 'reject' harus salah satu dari: {', '.join(REJECT_MODES)}")
    for key, known in (("on_done", ON_DONE), ("keywords", KEYWORDS)):
        bad = [v for v in raw.get(key, []) if v not in known]
        if bad:
            raise SopError(f"{where}: '{key}' tidak dikenal: {', '.join(bad)}; "
                           f"yang tersedia: {', '.join(known)}")
    if not raw.get("automatic") and not raw.get("instruction"):
        raise SopError(f"{where}: langkah yang dibalas pejabat memerlukan 'instruction'")
    return Step(
        no=raw["no"], role=raw["role"], activity=raw["activity"], input=raw["input"],
        output=raw["output"], time=duration, automatic=bool(raw.get("automatic", False)),
        instruction=raw.get("instruction", ""), keywords=tuple(raw.get("keywords", ())),
        on_done=tuple(raw.get("on_done", ())), attach_letter=bool(raw.get("attach_letter", False)),
        escalate_to=raw.get("escalate_to"), note=raw.get("note", ""),
        next=raw.get("next"), meeting_with=tuple(raw.get("meeting_with", ())),
        label=str(raw.get("label", "")), addition=bool(raw.get("addition", False)),
        approval=bool(raw.get("approval", False)), back=raw.get("back"), reject=raw.get("reject", "close"),
        max_extension=extension, objection=bool(raw.get("objection", False)),
        numbers=bool(raw.get("numbers", False)),
    )


def _check_links(steps: list[Step], text: str, source: str) -> None:
    """What no single step can check: where `next` and `back` lead, and which step is automatic."""
    numbers = {s.no for s in steps}
    for st in steps:
        where = f"{source}, baris {_line_of_step(text, st.no - 1)} (langkah ke-{st.no})"
        if st.next not in (None, 0) and st.next not in numbers:
            raise SopError(f"{where}: 'next' menunjuk langkah {st.next} yang tidak ada")
        if st.back is not None and st.back not in numbers:
            raise SopError(f"{where}: 'back' menunjuk langkah {st.back} yang tidak ada")
        if st.approval and not {"setuju", "perbaiki"} <= set(st.keywords):
            raise SopError(f"{where}: langkah persetujuan memerlukan kata kunci 'setuju' dan 'perbaiki'")
        if ("kembalikan" in st.keywords or "perbaiki" in st.keywords) and st.no > 1:
            back = ([steps[st.back - 1]] if st.back else [s for s in steps if (s.next or s.no + 1) == st.no]
                    or [steps[st.no - 2]])
            if back[0].automatic:
                raise SopError(f"{where}: 'kembalikan' tidak dapat mengembalikan ke langkah otomatis")
    if not steps[0].automatic:
        raise SopError(f"{source}: langkah 1 harus 'automatic = true' (pencatatan oleh sistem)")
    if any(s.automatic for s in steps[1:]):
        raise SopError(f"{source}: hanya langkah 1 yang boleh 'automatic'")
