"""A city's roll-up: every office's recap of a period, read from its own book while its daemon
runs (read-only), and the city's totals, which are the sums of the offices' recaps."""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from office.base import Office
from office.config import load_config
from office.reports import STEP_HEADER, Recap, StepTimes, append_text_row, recap, step_cells
from office.spreadsheet import Spreadsheet
from sop.book import Book


@dataclass
class CityRecap:
    title: str
    offices: list[tuple[str, Recap]] = field(default_factory=list)  # (office name, its recap)
    totals: Recap | None = None
    problems: list[str] = field(default_factory=list)  # offices whose book could not be read


def read_offices(configs: list[Path], problems: list[str]) -> Iterator[Office]:
    """Each office with its book opened read-only (while its daemon runs), closed after use; an
    office whose configuration or book cannot be read is named in `problems` and skipped."""
    from office.settings import ConfigError
    from sop.book.store import BookError

    for path in configs:
        try:
            cfg = load_config(path)
            book = Book(cfg.database, readonly=True)
        except (ConfigError, BookError, OSError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        try:
            yield Office(cfg, book)
        finally:
            book.close()


def city_recap(configs: list[Path], title: str, start: dt.date, end: dt.date, now: dt.datetime) -> CityRecap:
    """Each office's recap, from its book opened read-only, and the city's totals."""
    city = CityRecap(title)
    for office in read_offices(configs, city.problems):
        city.offices.append((office.config.office_name, recap(office, title, start, end, now)))
    city.totals = merge(title, start, end, [r for _, r in city.offices])
    return city


def merge(title: str, start: dt.date, end: dt.date, recaps: list[Recap]) -> Recap:
    """The sum of several offices' recaps: counts added, each step's times pooled (so the city's
    median and share within standard are those of all its offices' steps together)."""
    out = Recap(title, start, end)
    for r in recaps:
        out.total += r.total
        out.objections += r.objections
        for mine, theirs in ((out.by_channel, r.by_channel), (out.by_section, r.by_section),
                             (out.by_state, r.by_state), (out.by_satisfaction, r.by_satisfaction)):
            mine.update(theirs)
        out.late.extend(r.late)
        for label, times in r.times.items():
            pooled = out.times.setdefault(label, StepTimes())
            pooled.seconds.extend(times.seconds)
            pooled.within += times.within
    for label, times in out.times.items():
        times.seconds = array("q", sorted(times.seconds))
        out.steps.append({"step": label, "label": label, "role": "", "standard": "", **times.figures()})
    return out


def _share(r: Recap) -> float | None:
    done = sum(len(times.seconds) for times in r.times.values())
    return sum(times.within for times in r.times.values()) / done if done else None


def write_city_xlsx(city: CityRecap, path: Path) -> None:
    """The roll-up as a workbook: the city's sheet (its totals and a line per office), then a
    sheet per office."""
    with Spreadsheet(path) as wb:
        _city_sheets(wb, city)


def _city_sheets(wb: Spreadsheet, city: CityRecap) -> None:
    ws = wb.create_sheet("Kota")
    totals = city.totals or Recap(city.title, dt.date.today(), dt.date.today())
    append_text_row(ws, [f"Rekap pengaduan seluruh kantor {city.title}"])
    append_text_row(ws, ["Kantor", "Jumlah pengaduan", "Terlambat", "Sesuai mutu baku (%)", "Puas", "Tidak puas",
                         "Keberatan"])
    for name, r in [*city.offices, ("Jumlah kota", totals)]:
        share = _share(r)
        append_text_row(ws, [name, r.total, len(r.late), round(100 * share, 1) if share is not None else None,
                             r.by_satisfaction.get("puas", 0), r.by_satisfaction.get("tidak puas", 0), r.objections])
    append_text_row(ws, [])
    append_text_row(ws, ["Langkah SOP (kota)", "Selesai", "Nilai tengah (median, menit)", "Sesuai mutu baku (%)"])
    for s in totals.steps:
        append_text_row(ws, [s["label"], s["done"],
                             round(s["median_minutes"], 1) if s["median_minutes"] is not None else None,
                             round(100 * s["within_standard"], 1) if s["within_standard"] is not None else None])
    for label, counts in (("Saluran", totals.by_channel), ("Status", totals.by_state),
                          ("Kepuasan pengadu", totals.by_satisfaction)):
        append_text_row(ws, [])
        append_text_row(ws, [label, "Jumlah"])
        for key, value in Counter(counts).most_common():
            append_text_row(ws, [key, value])
    for problem in city.problems:
        append_text_row(ws, ["Tidak terbaca", problem])
    used: set[str] = {"Kota"}
    for name, r in city.offices:
        sheet = wb.create_sheet(_sheet_name(name, used))
        append_text_row(sheet, [f"{name}: rekap pengaduan {city.title}"])
        append_text_row(sheet, ["Jumlah pengaduan", r.total])
        append_text_row(sheet, ["Keberatan (tidak puas)", r.objections])
        append_text_row(sheet, STEP_HEADER)
        for step in r.steps:
            append_text_row(sheet, step_cells(step))
        append_text_row(sheet, ["Terlambat", len(r.late)])


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    base = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "Kantor"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate)
    return candidate


def city_statistics(configs: list[Path], name: str, year: int, now: dt.datetime) -> dict:
    """A year's publishable statistics of the whole city: every office's counts added and their
    days to an answer pooled, before the small counts are hidden."""
    from office.statistics import days_to_answer, statistics_of

    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    recaps, days = [], []
    for office in read_offices(configs, []):
        recaps.append(recap(office, f"Tahun {year}", start, end, now))
        days.extend(days_to_answer(office, start, end))
    return statistics_of(name, merge(f"Tahun {year}", start, end, recaps), days, tahun=year,
                         jumlah_kantor=len(recaps))
