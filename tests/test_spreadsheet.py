"""The streaming XLSX writer of reports and exports (office.spreadsheet), read back by openpyxl,
and the recap's late steps at a city's scale."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_a_written_workbook_reads_back_as_text_numbers_and_pictures(tmp_path):
    from office.spreadsheet import Spreadsheet, column

    assert [column(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    path = tmp_path / "uji.xlsx"
    with Spreadsheet(path) as book:
        sheet = book.create_sheet("Ringkasan & \"Rekap\"")
        sheet.append(["=HYPERLINK(\"http://x\")", 7, 12.5, None, "", "  a < b & c\nbaris dua"])
        sheet.append([])
        sheet.append(["=HYPERLINK(\"http://x\")", "007"])
        pictures = book.create_sheet("Grafik")
        pictures.add_image(png(60, 30), "A1")
        pictures.add_image(png(40, 20), "B19")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan & \"Rekap\"", "Grafik"]
    rows = [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]
    assert rows[0] == ["=HYPERLINK(\"http://x\")", 7, 12.5, None, None, "  a < b & c\nbaris dua"]
    assert all(v is None for v in rows[1]) and rows[2][:2] == ["=HYPERLINK(\"http://x\")", "007"]
    assert wb.worksheets[0]["A1"].data_type == "s" and b"<f>" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    images = wb["Grafik"]._images
    assert [(i.width, i.height) for i in images] == [(60, 30), (40, 20)]
    assert [(i.anchor._from.col, i.anchor._from.row) for i in images] == [(0, 0), (1, 18)]
    assert len(zipfile.ZipFile(path).read("xl/sharedStrings.xml").split(b"<si>")) == 1 + 3  # each text once


def test_a_month_with_many_late_steps_counts_them_by_holder_in_the_letter_and_lists_them_in_the_workbook(env, tmp_path):
    from docx import Document

    from office.reports import LATE_LISTED, Recap, summary_text, write_docx, write_xlsx

    r = Recap("Bulan Oktober 2026", dt.date(2026, 10, 1), dt.date(2026, 11, 1), total=500)
    due = dt.datetime(2026, 10, 5, 10, tzinfo=env.config.clock.tz)
    for i in range(LATE_LISTED + 50):
        camat = i % 3 == 0
        r.late.append({"number": f"PGD/2026/{i:04d}", "step": 3 if camat else 2, "label": "3" if camat else "2",
                       "official": "Camat" if camat else "Sekretaris Camat",
                       "email": "camat@x.test" if camat else "sekretaris@x.test", "due_at": due, "done_at": None})
    write_xlsx(r, tmp_path / "rekap.xlsx", {})
    listed = list(load_workbook(tmp_path / "rekap.xlsx")["Terlambat"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in listed] == [item["number"] for item in r.late]  # every one, in order
    pictures = {name: png(200, 100) for name in ("saluran", "seksi", "langkah")}
    write_docx(r, tmp_path / "rekap.docx", pictures, env.office, due)
    doc = Document(str(tmp_path / "rekap.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{LATE_LISTED + 50} langkah melewati mutu bakunya" in text and "PGD/2026/0001" not in text
    # Counted by step and holder, named by jabatan: a naskah laporan carries no email address.
    counts = [p.text.strip("-;. ") for p in doc.paragraphs if "kali terlambat" in p.text]
    assert counts == ["langkah 2 (Sekretaris Camat): 100 kali terlambat", "langkah 3 (Camat): 50 kali terlambat"]
    assert "@" not in text
    summary = summary_text(r)
    assert summary.count("PGD/2026/") == LATE_LISTED and "dan 50 lainnya" in summary


def test_an_export_row_of_plain_text_passes_at_once_and_any_formula_is_still_disarmed():
    from office.reports import _csv_row

    plain = ["PGD/2026/0001", "05-10-2026 10.00 WITA", "Warga", "w@warga.test, RT 01", "a-b", "x=y"]
    assert _csv_row(plain) is plain
    assert _csv_row(["a", "=HYPERLINK(\"x\")"]) == ["a", "'=HYPERLINK(\"x\")"]
    assert _csv_row(["-1", 2]) == ["'-1", 2]  # a number in the row: each text checked alone
    assert _csv_row(["a|=b", "@c"]) == ["a|=b", "'@c"]
    assert _csv_row(["Bu Sári", "+62"]) == ["Bu Sári", "'+62"]
    assert _csv_row(["a\tb", "\x07x"]) == ["a\tb", " x"]
