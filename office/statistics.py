"""Statistics fit to publish (UU 25/2009 Pasal 37(3)(j)): counts of a year's complaints by
channel, section and state, the median days to an answer, the share of steps within their
standard time. No names, addresses, contacts, free text or numbers; a count below
`SMALLEST` is shown as "<3", so that no cell points at a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from pathlib import Path

from office.base import Office
from office.reports import recap
from sop.files import write_atomically

SMALLEST = 3  # counts below this are suppressed


def _cell(count: int) -> int | str:
    return count if count >= SMALLEST or count == 0 else f"<{SMALLEST}"


def year_statistics(office: Office, year: int, now: dt.datetime) -> dict:
    """The year's statistics as plain data (what `statistik` writes)."""
    return period_statistics(office, f"Tahun {year}", dt.date(year, 1, 1), dt.date(year + 1, 1, 1), now,
                             tahun=year)


def period_statistics(office: Office, title: str, start: dt.date, end: dt.date, now: dt.datetime,
                      **label) -> dict:
    """The statistics of complaints received in [start, end) (a year; a month for the archive)."""
    r = recap(office, title, start, end, now)
    return statistics_of(office.config.office_name, r, days_to_answer(office, start, end), **label)


def days_to_answer(office: Office, start: dt.date, end: dt.date) -> list[float]:
    """Days from receipt to the answer's delivery (answered_at), or to the closing of a book kept
    before it, of the complaints received in [start, end)."""
    tz = office.config.clock.tz
    lo = dt.datetime.combine(start, dt.time(0), tz)
    hi = dt.datetime.combine(end, dt.time(0), tz)
    return [seconds / 86400 for seconds in office.book.reports.seconds_to_answer(lo, hi)]


def statistics_of(name: str, r, days: list[float], **label) -> dict:
    """A recap (an office's, or a city's sum) as publishable statistics: no cell points at a person."""
    title = r.title
    return {
        "kantor": name,
        **label,
        "periode": title,
        "jumlah_pengaduan": _cell(r.total),
        "menurut_saluran": {k: _cell(v) for k, v in sorted(r.by_channel.items())},
        "menurut_seksi": {k: _cell(v) for k, v in sorted(r.by_section.items())},
        "menurut_status": {k: _cell(v) for k, v in sorted(r.by_state.items())},
        "kepuasan_pengadu": {k: _cell(v) for k, v in sorted(r.by_satisfaction.items())},
        "keberatan": _cell(r.objections),
        "median_hari_sampai_selesai": round(statistics.median(days), 1) if len(days) >= SMALLEST else None,
        # Steps as people read them ("4a"), in the order a complaint walks them (reports.in_order).
        "langkah_sop": [{"langkah": s["label"], "pelaksana": s["role"], "mutu_baku": s["standard"],
                         "selesai": _cell(s["done"]),
                         "persen_sesuai_mutu_baku": round(100 * s["within_standard"]) if s["done"] >= SMALLEST
                         and s["within_standard"] is not None else None}
                        for s in r.steps],
        "catatan": f"Angka di bawah {SMALLEST} ditulis '<{SMALLEST}' agar tidak menunjuk seseorang. Tidak memuat "
                   f"nama, alamat, kontak, isi pengaduan, atau nomor pengaduan.",
    }


def _shown(value) -> object:
    """A figure as a published table shows it: "-" where it is suppressed (None), never "None"."""
    return "-" if value is None else value


def write_statistics(stats: dict, stem: Path, *, overwrite: bool = False) -> list[Path]:
    """The statistics as JSON (for a website) and CSV (for a spreadsheet), written atomically."""
    json_path, csv_path = stem.with_suffix(".json"), stem.with_suffix(".csv")

    def as_json(path: Path) -> None:
        path.write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def as_csv(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(["bagian", "butir", "nilai"])
            writer.writerow(["jumlah", "pengaduan", stats["jumlah_pengaduan"]])
            writer.writerow(["jumlah", "keberatan", stats["keberatan"]])
            for part in ("menurut_saluran", "menurut_seksi", "menurut_status", "kepuasan_pengadu"):
                for key, value in stats[part].items():
                    writer.writerow([part.replace("_", " "), key, value])
            writer.writerow(["waktu", "nilai tengah (median) hari sampai selesai",
                             _shown(stats["median_hari_sampai_selesai"])])
            for s in stats["langkah_sop"]:
                share = s["persen_sesuai_mutu_baku"]
                writer.writerow(["langkah SOP", f"{s['langkah']} ({s['pelaksana']}, {s['mutu_baku']})",
                                 f"{s['selesai']} selesai; " + ("-" if share is None else f"{share}%")
                                 + " sesuai mutu baku"])

    write_atomically(json_path, as_json, overwrite=overwrite)
    write_atomically(csv_path, as_csv, overwrite=overwrite)
    return [json_path, csv_path]
