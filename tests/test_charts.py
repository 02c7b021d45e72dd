"""The charts of the Camat's recap and of the city benchmark (office.charts), read back as images:
PNGs of the recap's size whose bars are as long as their values, an empty recap that says so,
and citizen text drawn as one shortened line of plain text."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from PIL import Image

from office import charts
from office.charts import BLUE, GREEN, Series, clean, fit, font, horizontal_bars, line_chart, nice_step, share_bars
from office.reports import Recap
from office.reports import charts as recap_charts


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.convert("RGB").tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def bars(image: Image.Image, colour: str, across: bool) -> list[int]:
    """The length of each bar of a colour: the rows (across) or columns holding it, in runs."""
    width, height = image.size
    grid, target = pixels(image), rgb(colour)
    if across:
        counts = [grid[y * width:(y + 1) * width].count(target) for y in range(height)]
    else:
        counts = [grid[x::width].count(target) for x in range(width)]
    runs: list[int] = []
    for before, count in zip([0, *counts], counts):
        if count and not before:
            runs.append(count)
        elif count:
            runs[-1] = max(runs[-1], count)
    return runs


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels of the box are darker than the grid's light grey: text, axes, bars."""
    return sum(1 for p in pixels(image.crop(box)) if max(p) < 200)


def month(**counts) -> Recap:
    return Recap("Laporan Bulan Mei 2026", dt.date(2026, 5, 1), dt.date(2026, 6, 1), **counts)


STEPS = [{"label": label, "within_standard": share} for label, share in (("2", 0.9), ("3", 0.45), ("4a", None))]


def test_the_recap_draws_three_charts_of_its_size_with_bars_as_long_as_the_counts():
    r = month(total=30, by_channel=Counter({"Loket": 10, "Surel": 20}),
              by_section=Counter({"Seksi Pemerintahan": 4, "Seksi Ekonomi dan Pembangunan": 12, "Seksi Trantib": 8}),
              steps=STEPS)
    drawn = recap_charts(r)
    assert sorted(drawn) == ["langkah", "saluran", "seksi"]
    images = {name: picture(data) for name, data in drawn.items()}
    assert all(image.size == (660, 330) for image in images.values())  # 6 × 3 in at 110 dpi, as before
    surel, loket = bars(images["saluran"], BLUE, across=True)  # the longest first
    assert abs(surel - 2 * loket) <= 2
    twelve, eight, four = bars(images["seksi"], BLUE, across=True)
    assert abs(twelve - 3 * four) <= 2 and abs(eight - 2 * four) <= 2
    ninety, forty_five = bars(images["langkah"], GREEN, across=False)  # step 4a has nothing measured: no bar
    assert abs(ninety - 2 * forty_five) <= 2


def test_a_share_of_one_fills_the_axis_and_a_share_of_zero_draws_no_bar():
    full, half = bars(picture(share_bars("Uji", [("a", 1.0), ("b", 0.0), ("c", 0.5)], axis_label="%")), GREEN, False)
    assert abs(full - 2 * half) <= 2


def test_an_empty_recap_says_so_in_the_plot_area_instead_of_drawing_empty_axes():
    unmeasured = [dict(s, within_standard=None) for s in STEPS]
    drawn = {name: picture(data) for name, data in recap_charts(month(steps=unmeasured)).items()}
    for image in drawn.values():
        assert image.size == (660, 330)
        assert not bars(image, BLUE, True) and not bars(image, GREEN, True)
        assert ink(image, (230, 150, 430, 190)) > 300  # "Belum ada pengaduan", in the middle
    without = picture(horizontal_bars("Pengaduan menurut saluran", []))
    assert ink(without, (230, 150, 430, 190)) > 300
    started = picture(recap_charts(month(total=2, by_channel=Counter({"Surel": 2}), steps=unmeasured))["langkah"])
    assert ink(started, (230, 150, 430, 190)) > 300  # "Belum ada langkah yang selesai"
    blank = Image.new("RGB", (660, 330), "white")
    assert ink(blank, (230, 150, 430, 190)) == 0


def test_a_citizens_label_is_one_shortened_line_of_plain_text_that_never_leaves_the_chart():
    odd = "<b>Seksi</b> 😀 =HYPERLINK(\"http://x\")\n\u202eterbalik " + "sangat panjang " * 500
    assert clean(odd).startswith("<b>Seksi</b> 😀 =HYPERLINK(\"http://x\") terbalik sangat")  # one line, no direction mark
    face = font(13)
    short = fit(clean(odd), face, 200)
    assert short.endswith("…") and face.getlength(short) <= 200 and short.startswith("<b>Seksi</b>")
    assert fit("Surel", face, 200) == "Surel" and fit("Surel", face, 1) == "…"
    image = picture(horizontal_bars("Pengaduan menurut seksi", [(odd, 3), ("Loket", 1)]))
    assert image.size == (660, 330)
    assert ink(image, (0, 0, charts.PAD - 2, 330)) == 0  # nothing ran past the left edge
    three, one = bars(image, BLUE, across=True)
    assert abs(three - 3 * one) <= 2
    below = picture(share_bars("Uji", [(odd, 0.5), ("Langkah 3", 0.5)], axis_label=odd))
    assert below.size == (660, 330) and len(bars(below, GREEN, across=False)) == 2


def test_beyond_twelve_bars_the_rest_are_summed_into_one_last_bar():
    counts = [(f"Kelurahan {n}", 50 - n) for n in range(30)]
    lengths = bars(picture(horizontal_bars("Pengaduan menurut seksi", counts)), BLUE, across=True)
    assert len(lengths) == 12
    assert lengths[-1] > lengths[0]  # 19 offices' complaints together, last


def test_ticks_count_whole_complaints():
    assert [nice_step(top) for top in (0, 1, 3, 7, 42, 570)] == [1, 1, 1, 2, 10, 100]
    assert nice_step(0.3, whole=False) == pytest.approx(0.05)


def test_without_liberation_sans_the_charts_use_pillows_own_font(monkeypatch):
    monkeypatch.setattr(charts, "FONT_FILES", {False: (), True: ()})
    monkeypatch.setattr(charts.shutil, "which", lambda name: None)
    charts.font_file.cache_clear()
    charts.font.cache_clear()
    try:
        assert charts.font_file(False) is None
        image = picture(horizontal_bars("Pengaduan menurut saluran", [("Surel", 2), ("Loket", 1)]))
        assert image.size == (660, 330) and len(bars(image, BLUE, across=True)) == 2
        assert ink(image, (200, 0, 460, 40)) > 200  # the title is written
    finally:
        charts.font_file.cache_clear()
        charts.font.cache_clear()


def test_the_memory_curve_draws_measured_and_projected_points_on_a_log_scale():
    data = line_chart([Series("satu daemon", [(1, 62), (10, 75), (69, 140)], [(300, 408)], BLUE),
                       Series("satu proses per kantor", [(1, 56), (10, 562), (69, 3880)], [(300, 16869)], GREEN)],
                      x_label="jumlah kantor", y_label="memori residen (MB)", size=(660, 385), log_y=True)
    image = picture(data)
    assert image.size == (660, 385)
    for colour in (BLUE, GREEN):  # both lines, smoothed by the scaling down
        assert sum(1 for p in pixels(image) if sum(abs(a - b) for a, b in zip(p, rgb(colour))) < 40) > 300
    assert picture(line_chart([], x_label="x", y_label="y")).size == (660, 385)
