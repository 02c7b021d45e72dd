"""The Camat's recap (laporan) and the book export (ekspor): figures from the book, written as
XLSX (office.spreadsheet) and DOCX (python-docx) with charts (office.charts), and a plain-text summary."""

from __future__ import annotations

import csv
import datetime as dt
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from letters.dates import tanggal
from letters.naskah import Signature
from letters.safe import FORMULA_START, spreadsheet_text
from office.base import Office
from office.durations import minutes_text, standard_words  # noqa: F401 (minutes_text: the desk's too)
from office.laporan import write_laporan
from office.spreadsheet import Spreadsheet
from sop.book import parse_iso
from sop.files import write_atomically
from sop.terms import CHANNEL_WORDS, SATISFACTION_WORDS, STATE_WORDS


@dataclass
class Recap:
    title: str
    start: dt.date
    end: dt.date  # exclusive
    total: int = 0
    by_channel: Counter = field(default_factory=Counter)
    by_section: Counter = field(default_factory=Counter)
    by_state: Counter = field(default_factory=Counter)
    by_satisfaction: Counter = field(default_factory=Counter)  # puas, tidak puas, tidak menanggapi
    ratings: Counter = field(default_factory=Counter)  # the SKM rating (1–4) the complainants gave
    objections: int = 0  # complaints whose complainant objected (TIDAK PUAS)
    steps: list[dict] = field(default_factory=list)  # per SOP step: done, median minutes, share within standard
    late: list[dict] = field(default_factory=list)  # late tasks and who held them
    late_more: int = 0  # late tasks beyond those in `late` (figures kept for the page list LATE_LISTED)
    times: dict[str, StepTimes] = field(default_factory=dict)  # per step label

    @property
    def late_count(self) -> int:
        return len(self.late) + self.late_more


@dataclass
class StepTimes:
    """The done tasks of one step: the seconds each took, sorted (an array of machine integers: a
    city's month holds millions), and how many were within standard."""

    seconds: array = field(default_factory=lambda: array("q"))
    within: int = 0

    def figures(self) -> dict:
        """How many were done, the median minutes, the share within standard (None when none was done)."""
        done = len(self.seconds)
        middle = (self.seconds[(done - 1) // 2] + self.seconds[done // 2]) / 2 if done else None
        return {"done": done, "median_minutes": middle / 60 if middle is not None else None,
                "within_standard": self.within / done if done else None}


def period(month: tuple[int, int] | str | None = None, year: int | None = None, start: dt.date | None = None,
           end: dt.date | None = None) -> tuple[str, dt.date, dt.date]:
    """The title and the [first, after-last) dates of a recap: a month ((year, month), or
    "YYYY-MM"), a year, or a range of days; ValueError with a sentence for the person."""
    from letters.dates import MONTHS

    chosen = [x for x in (month, year, start or end) if x]
    if len(chosen) != 1:
        raise ValueError("sebutkan salah satu: --bulan, --tahun, atau --dari dan --sampai")
    if month:
        y, m = (int(x) for x in month.split("-")) if isinstance(month, str) else month
        if not 1 <= m <= 12:
            raise ValueError(f"bulan {m} tidak ada; tulis MM-YYYY, misalnya 03-2026")
        first = dt.date(y, m, 1)
        return f"Bulan {MONTHS[m - 1]} {y}", first, (first + dt.timedelta(days=32)).replace(day=1)
    if year:
        return f"Tahun {year}", dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    if start and end:
        if end < start:
            raise ValueError(f"--sampai ({tanggal(end)}) sebelum --dari ({tanggal(start)}); tukar keduanya")
        return f"{tanggal(start)} s.d. {tanggal(end)}", start, end + dt.timedelta(days=1)
    if start or end:
        raise ValueError("--dari dan --sampai harus diisi keduanya")
    raise ValueError("sebutkan --bulan, --tahun, atau --dari dan --sampai")


def _track(items, label: str, progress: bool, total: int | None = None):
    if not progress:
        return items
    from rich.progress import track

    return track(items, description=label, total=total, transient=True)


def recap(office: Office, title: str, start: dt.date, end: dt.date, now: dt.datetime,
          progress: bool = False) -> Recap:
    """The recap of complaints received in [start, end): counts, per-step times, the late ones.
    Counted and timed in the book, a query each (a city's month is 100,000 complaints and half
    a million tasks: bench/bench_reports.py). `progress` is kept for callers; nothing here is
    long enough to need a bar any more."""
    cfg = office.config
    lo = dt.datetime.combine(start, dt.time(0), cfg.clock.tz)
    hi = dt.datetime.combine(end, dt.time(0), cfg.clock.tz)
    out = Recap(title, start, end)
    book = office.book
    _count(out, book.reports.counts_received(lo, hi))
    objection = cfg.procedure.objection_step
    out.objections = book.reports.complaints_with_step(objection.no, lo, hi) if objection is not None else 0
    _time_steps(out, cfg, book.reports.step_times(lo, hi))
    out.late = late_items(cfg, book.reports.late_tasks(lo, hi, now))
    return out


def _count(out: Recap, groups: list[tuple]) -> None:
    """The month's counts from the book's groups (channel, section, state, satisfaction, rating, n)."""
    for channel, section, state, satisfaction, rating, count in groups:
        out.total += count
        out.by_channel[CHANNEL_WORDS.get(channel, channel)] += count
        out.by_section[section or "(belum ditentukan)"] += count
        out.by_state[STATE_WORDS.get(state, state)] += count
        if satisfaction:
            out.by_satisfaction[SATISFACTION_WORDS.get(satisfaction, satisfaction)] += count
        if rating:
            out.ratings[int(rating)] += count


def _time_steps(out: Recap, cfg, grouped: list[tuple]) -> None:
    """Per SOP step, in walking order: how many were done, their median time, the share within
    standard, from the book's rows (step, done, within standard, "seconds,seconds,…")."""
    done = {step: StepTimes(array("q", sorted(map(int, seconds.split(",")))), within or 0)
            for step, _, within, seconds in grouped if seconds}
    for step in in_order(cfg.procedure):
        if step.automatic:
            continue
        times = out.times[step.shown] = done.get(step.no, StepTimes())
        out.steps.append({"step": step.no, "label": step.shown, "role": cfg.directory.official(step.role).title,
                          "standard": standard_words(cfg, step.time), **times.figures()})


def late_items(cfg, tasks) -> list[dict]:
    """The late steps as a recap lists them, the holder named by title (a city's month has tens
    of thousands: each step's label and each role's title are looked up once)."""
    tz = cfg.clock.tz
    titles = {role: official.title for role, official in cfg.directory.officials.items()}
    labels: dict[int, str] = {}
    out = []
    for number, step, role, email, due_at, done_at in tasks:
        label = labels.get(step)
        if label is None:
            label = labels[step] = cfg.procedure.label(step)
        if role not in titles:
            titles[role] = cfg.directory.official(role).title
        out.append({"number": number, "step": step, "label": label, "official": titles[role], "email": email,
                    "due_at": parse_iso(due_at).astimezone(tz),
                    "done_at": parse_iso(done_at).astimezone(tz) if done_at else None})
    return out


def mean_rating(r: Recap) -> float | None:
    """The mean SKM rating (1–4) of the complainants who gave one, or None."""
    given = sum(r.ratings.values())
    return sum(value * count for value, count in r.ratings.items()) / given if given else None


def decimal(value: float, places: int = 1) -> str:
    """A number as Indonesian writes it: a decimal comma, a dot between thousands (1.234,5)."""
    return f"{value:,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def in_order(procedure) -> list:
    """The steps as a complaint walks them (2, 3, 4, the approval 4a, 5), then any not reached."""
    walked = procedure.walk()
    return walked + [s for s in procedure.steps if s not in walked]


def summary_text(r: Recap) -> str:
    """The recap as lines for the terminal."""
    lines = [f"Rekap pengaduan {r.title}", f"Jumlah pengaduan: {r.total}"]
    for label, counts in (("Saluran", r.by_channel), ("Seksi", r.by_section), ("Status", r.by_state),
                          ("Kepuasan pengadu", r.by_satisfaction)):
        lines.append(f"{label}: " + (", ".join(f"{k} {v}" for k, v in counts.most_common()) or "-"))
    lines.append(f"Keberatan (tidak puas): {r.objections}")
    mean = mean_rating(r)
    if mean is not None:
        lines.append(f"Nilai kepuasan (1–4): rata-rata {decimal(mean, 2)} dari {sum(r.ratings.values())} penilaian")
    lines.append("Waktu per langkah (nilai tengah (median); sesuai mutu baku):")
    for s in r.steps:
        share = f"{round(100 * s['within_standard'])}%" if s["within_standard"] is not None else "-"
        lines.append(f"  Langkah {s['label']} ({s['role']}, mutu baku {s['standard']}): "
                     f"{s['done']} selesai, nilai tengah {minutes_text(s['median_minutes'])}, sesuai {share}")
    lines.append(f"Terlambat: {len(r.late)}")
    for item in r.late[:LATE_LISTED]:
        lines.append(f"  {item['number']} langkah {item['label']} ({item['official']} {item['email']}), "
                     f"batas {item['due_at']:%d-%m-%Y %H.%M}")
    if len(r.late) > LATE_LISTED:
        lines.append(f"  ... dan {len(r.late) - LATE_LISTED} lainnya (daftar lengkap: lembar Terlambat berkas XLSX)")
        lines += [f"  {label}, {official} {email}: {count} terlambat" for (label, official, email), count in late_by_holder(r)]
    return "\n".join(lines)


# The late steps listed one by one in the summary and the DOCX; beyond this, they are counted by
# step and holder, and the XLSX keeps the whole list. A city's month can hold tens of thousands:
# one line each made the naskah dinas hundreds of pages and its PDF took minutes.
LATE_LISTED = 100


def late_by_holder(r: Recap) -> list[tuple[tuple[str, str, str], int]]:
    """The late steps counted by (step, the holder's title, their address), most first."""
    return Counter((item["label"], item["official"], item["email"]) for item in r.late).most_common()


def charts(r: Recap) -> dict[str, bytes]:
    """The recap's charts as PNG images (office.charts), by name."""
    from office.charts import EMPTY, horizontal_bars, share_bars

    return {
        "saluran": horizontal_bars("Pengaduan menurut saluran", r.by_channel.most_common()),
        "seksi": horizontal_bars("Pengaduan menurut seksi", r.by_section.most_common()),
        "langkah": share_bars("Ketepatan waktu per langkah SOP",
                              [(f"Langkah {s['label']}", s["within_standard"]) for s in r.steps],
                              axis_label="% sesuai mutu baku",
                              empty=EMPTY if not r.total else "Belum ada langkah yang selesai"),
    }


def append_text_row(ws, values: list) -> None:
    """A row of a report's sheet (office.spreadsheet): its strings are text cells (type `s`),
    never formulas, and hold no character XML forbids: a citizen's subject "=HYPERLINK(…)"
    stays words (letters.safe, applied by the sheet to each distinct text once)."""
    ws.append(values)


# What starts a value that could be read as a formula, in a row joined by "|" (the tab and line
# ends are not printable, so the row's printable check finds them; a false alarm, "a|=b" inside
# one value, only sends the row the slow way).
_FORMULA_AFTER_BAR = tuple("|" + c for c in FORMULA_START if c.isprintable())


def _csv_row(row: list) -> list:
    """A row with each text made safe (_csv), at once for a row of plain ASCII text that holds no formula."""
    try:
        joined = "|" + "|".join(row)
    except TypeError:  # a number in the row: each value the slow way
        joined = "\n"
    if joined.isascii() and joined.isprintable() and not any(start in joined for start in _FORMULA_AFTER_BAR):
        return row
    return [_csv(v) if isinstance(v, str) else v for v in row]


def _csv(value: str) -> str:
    """letters.safe.spreadsheet_text, at once for plain ASCII that cannot start a formula."""
    if value.isascii() and value.isprintable() and not value.startswith(FORMULA_START):
        return value
    return spreadsheet_text(value)


STEP_HEADER = ["Langkah", "Pelaksana", "Mutu baku", "Selesai", "Nilai tengah (median, menit)", "Sesuai mutu baku (%)"]


def step_cells(s: dict) -> list:
    """A step's row of a recap workbook (STEP_HEADER's columns)."""
    return [s["label"], s["role"], s["standard"], s["done"],
            round(s["median_minutes"], 1) if s["median_minutes"] is not None else None,
            round(100 * s["within_standard"], 1) if s["within_standard"] is not None else None]


def write_xlsx(r: Recap, path: Path, pictures: dict[str, bytes]) -> None:
    """The recap as a workbook: summary, SOP steps, late steps, charts."""
    with Spreadsheet(path) as wb:
        _recap_sheets(wb, r, pictures)


def _recap_sheets(wb: Spreadsheet, r: Recap, pictures: dict[str, bytes]) -> None:
    ws = wb.create_sheet("Ringkasan")
    append_text_row(ws, [f"Rekap pengaduan {r.title}"])
    append_text_row(ws, ["Jumlah pengaduan", r.total])
    for label, counts in (("Saluran", r.by_channel), ("Seksi", r.by_section), ("Status", r.by_state),
                          ("Kepuasan pengadu", r.by_satisfaction)):
        append_text_row(ws, [])
        append_text_row(ws, [label, "Jumlah"])
        for key, value in counts.most_common():
            append_text_row(ws, [key, value])
    append_text_row(ws, [])
    append_text_row(ws, ["Keberatan (tidak puas)", r.objections])
    if r.ratings:
        append_text_row(ws, [])
        append_text_row(ws, ["Nilai kepuasan (1–4)", "Jumlah"])
        for value in sorted(r.ratings):
            append_text_row(ws, [f"Nilai {value}", r.ratings[value]])
        append_text_row(ws, ["Rata-rata nilai", round(mean_rating(r) or 0, 2)])
    steps = wb.create_sheet("Langkah SOP")
    append_text_row(steps, STEP_HEADER)
    for s in r.steps:
        append_text_row(steps, step_cells(s))
    late = wb.create_sheet("Terlambat")
    append_text_row(late, ["Nomor", "Langkah", "Pejabat", "Surel", "Batas waktu", "Selesai"])
    for item in r.late:
        append_text_row(late, [item["number"], item["step"], item["official"], item["email"], _stamp(item["due_at"]),
                               _stamp(item["done_at"]) if item["done_at"] else "belum"])
    sheet = wb.create_sheet("Grafik")
    for i, png in enumerate(pictures.values()):
        sheet.add_image(png, f"A{1 + 18 * i}")


def report_signature(office: Office, now: dt.datetime) -> Signature:
    """Who signs the recap: the Sekretaris, who keeps the book for the head (else the head)."""
    cfg = office.config
    role = "sekretaris" if "sekretaris" in cfg.directory.officials else cfg.letters.signer_role
    holder = office.holder(role, now)
    title = holder.title.upper()
    if holder.delegation:
        title = f"{holder.delegation.split()[0]} {title}"
    return Signature(place_date=f"{cfg.letters.place}, {tanggal(now.astimezone(cfg.clock.tz).date())}",
                     title=title, name=holder.name, rank=holder.rank, nip=holder.nip)


def write_docx(r: Recap, path: Path, pictures: dict[str, bytes], office: Office, now: dt.datetime) -> None:
    """The recap as a naskah dinas laporan (office.laporan): kop, A-F sections, signature; A4 or F4."""
    write_laporan(r, path, pictures, office, now, report_signature(office, now))


# A moment as an Indonesian office writes it, with its zone named (WITA): never UTC.
STAMP = "%d-%m-%Y %H.%M %Z"

BOOK_COLUMNS = ("Nomor", "Tanggal diterima", "Nama", "Kontak", "Saluran", "Ringkasan", "Seksi",
                "Tindak lanjut", "Tanggal dijawab", "Nomor surat", "Disampaikan", "Nomor LAPOR!")


def book_rows(office: Office, progress: bool = False) -> Iterator[list]:
    """The book in the columns of the paper buku pengaduan, row by row (a city's book is never
    held twice in memory): the complaints, the decisions and the letters read with one query each."""
    tz = office.config.clock.tz
    decision_step = next((s.no for s in office.config.procedure.steps if s.keywords and "rapat" in s.keywords), None)
    decisions = office.book.reports.first_event_texts("langkah", decision_step)
    letters = office.book.reports.current_letters()
    parse = dt.datetime.fromisoformat
    total = office.book.complaints.count() if progress else None
    for row in _track(office.book.reports.complaints_for_export(), "Mengekspor buku", progress, total):
        complaint_id, number, received, name, email, phone, address, channel, subject, section, lapor_id = row
        letter = letters.get(complaint_id)
        delivered = issued = letter_number = ""
        if letter:
            letter_number, issued_at, dispatched_at, method = letter
            issued = _day(parse(issued_at).astimezone(tz))
            delivered = f"{_day(parse(dispatched_at).astimezone(tz))} ({method})" if dispatched_at else ""
        yield [number, _stamp(parse(received).astimezone(tz)), name,
               ", ".join(x for x in (email, phone, address) if x), CHANNEL_WORDS.get(channel, channel), subject,
               section or "", decisions.get(complaint_id, ""), issued, letter_number, delivered, lapor_id or ""]


def _day(moment: dt.datetime) -> str:
    """%d-%m-%Y without strftime (a hundred thousand rows)."""
    return f"{moment.day:02d}-{moment.month:02d}-{moment.year:04d}"


def _stamp(moment: dt.datetime) -> str:
    """STAMP (%d-%m-%Y %H.%M %Z) without strftime."""
    return f"{_day(moment)} {moment.hour:02d}.{moment.minute:02d} {moment.tzname()}"


EXPORT_TYPES = (".csv", ".xlsx")


def export_book(office: Office, path: Path, progress: bool = False, *, overwrite: bool = False) -> int:
    """The book in the paper book's columns, as CSV or XLSX (by the file's suffix), written
    atomically; an existing file is kept unless `overwrite`."""
    if path.suffix.lower() not in EXPORT_TYPES:
        raise ValueError(f"jenis berkas {path.suffix or '(tanpa akhiran)'} tidak didukung; pakai .csv atau .xlsx")
    written = 0

    def rows() -> Iterator[list]:
        nonlocal written
        for row in book_rows(office, progress):
            written += 1
            yield row

    def xlsx(target: Path) -> None:
        with Spreadsheet(target) as wb:
            ws = wb.create_sheet("Buku Pengaduan")
            append_text_row(ws, list(BOOK_COLUMNS))
            for row in rows():
                append_text_row(ws, row)

    def csv_file(target: Path) -> None:
        with target.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM lets Excel read UTF-8
            writer = csv.writer(f)
            writer.writerow(BOOK_COLUMNS)
            writer.writerows(map(_csv_row, rows()))

    write_atomically(path, xlsx if path.suffix.lower() == ".xlsx" else csv_file, overwrite=overwrite)
    return written
