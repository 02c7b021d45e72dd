"""The undangan rapat dinas (SOP Rapat Dinas) a `Rapat:` with a date produces: a numbered
naskah signed a.n. the head, with the time, place, agenda and participants by jabatan. Its
body (`inviting`) is one of the letter press's bodies (letters.render.NOTICE_BODIES)."""

from __future__ import annotations

from letters.model import LetterData

KIND = "undangan"
HAL = "Undangan Rapat Dinas"


def invitation_lines(day: str, hour: str, place: str, number: str, participants: list[str]) -> str:
    """The undangan's particulars, one per line (the letter's "answer" text, as the press lays
    out its points): hari/tanggal, pukul, tempat, acara, peserta."""
    return "\n".join((f"- hari, tanggal: {day};", f"- pukul: {hour} s.d. selesai;", f"- tempat: {place};",
                      f"- acara: pembahasan pengaduan {number};", f"- peserta: {', '.join(participants)}."))


def addressees(jabatan: list[str]) -> str:
    """The undangan's "Yth." line: the invitees by jabatan ("A, B, dan C")."""
    if len(jabatan) <= 2:
        return " dan ".join(jabatan)
    return f"{', '.join(jabatan[:-1])}, dan {jabatan[-1]}"


def inviting(letter: LetterData, subject: str, points: list[str]) -> dict:
    """The body of an undangan rapat dinas about one complaint."""
    return {
        "opening": (f"Dalam rangka menindaklanjuti pengaduan nomor {letter.complaint_number} perihal "
                    f"{subject[:1].lower() + subject[1:]}, dengan ini kami mengundang Bapak/Ibu untuk menghadiri "
                    f"rapat dinas (SOP Rapat Dinas) yang akan dilaksanakan pada:"),
        "answer": points,
        "recourse": "Mengingat pentingnya acara tersebut, kami mohon Bapak/Ibu hadir tepat pada waktunya.",
        "closing": "Demikian undangan ini kami sampaikan. Atas perhatian dan kehadiran Bapak/Ibu, kami ucapkan "
                   "terima kasih.",
    }

