"""Bar and line charts as PNG images, drawn with Pillow: data in, PNG bytes out. Pure.

The recap's charts (office.reports.charts) and the city benchmark's memory curve. They were
drawn with matplotlib, which with numpy brought 174 MB to the install for three bar charts.
Labels are citizen and office text: each is drawn as one line of plain text (no markup is
read), shortened with "…" to the room it has, so that it never runs over the chart.
"""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from letters.safe import one_line

# 6 × 3 inches at 110 dpi, the size the recap's charts had in the XLSX and the DOCX.
SIZE = (660, 330)
BLUE, GREEN = "#2f5d8a", "#3c8d5a"
INK, MUTED, AXIS, GRID = "#222222", "#6b6b6b", "#555555", "#e3e3e3"
EMPTY = "Belum ada pengaduan"
PAD = 12
# Liberation Sans comes with LibreOffice (./quickstart setup); any font fontconfig offers
# serves next, and Pillow's own scalable font when a server has none.
FONT_FILES = {
    False: ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    True: ("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
}
LONGEST_LABEL = 200  # characters measured at most: a label is shortened to a line anyway

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def font_file(bold: bool) -> str | None:
    """Liberation Sans's file, or what fontconfig offers for it, or None."""
    for path in FONT_FILES[bold]:
        if Path(path).is_file():
            return path
    if shutil.which("fc-match"):
        pattern = "Liberation Sans:bold" if bold else "Liberation Sans"
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                                   text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found.lower().endswith((".ttf", ".otf")) and Path(found).is_file():
            return found
    return None


@functools.cache
def font(size: int, bold: bool = False) -> Font:
    path = font_file(bold)
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def clean(text: str) -> str:
    """A label as one line: controls and direction marks gone, runs of spaces made one."""
    return " ".join(one_line(str(text)[:LONGEST_LABEL]).split())


def fit(text: str, face: Font, width: float) -> str:
    """The text, or its longest beginning that fits the width with "…" after it."""
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits lies in [low, high)
    while low < high - 1:
        mid = (low + high) // 2
        if face.getlength(text[:mid].rstrip() + "…") <= width:
            low = mid
        else:
            high = mid
    return text[:low].rstrip() + "…" if low else "…"


def height(face: Font) -> int:
    """A line's height in this font (capitals and descenders)."""
    top, bottom = face.getbbox("Ág")[1::2]
    return int(bottom - top)


def text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], value: str, face: Font,
         fill: str = INK, anchor: str = "la") -> None:
    """One line of plain text: Pillow would read a line break as a second line."""
    draw.text(xy, value.replace("\n", " "), font=face, fill=fill, anchor=anchor)


def canvas(size: tuple[int, int], title: str, scale: int = 1) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """A white image with its title centred at the top; the y below the title."""
    image = Image.new("RGB", (size[0] * scale, size[1] * scale), "white")
    draw = ImageDraw.Draw(image)
    if not title:
        return image, draw, PAD * scale
    face = font(16 * scale, bold=True)
    line = fit(clean(title), face, image.width - 2 * PAD * scale)
    text(draw, (image.width / 2, PAD * scale), line, face, anchor="ma")
    return image, draw, PAD * scale + height(face) + 12 * scale


def upright(image: Image.Image, line: str, face: Font, left: float, middle: float) -> None:
    """An axis's label written upwards, its left edge at `left`, centred on `middle`."""
    strip = Image.new("RGBA", (int(face.getlength(line)) + 4, height(face) * 3 // 2), (0, 0, 0, 0))
    text(ImageDraw.Draw(strip), (2, 1), line, face)
    strip = strip.rotate(90, expand=True)
    image.paste(strip, (int(left), int(middle - strip.height / 2)), strip)


def png(image: Image.Image, size: tuple[int, int] | None = None) -> bytes:
    if size and image.size != size:  # drawn larger, so that slanted lines come out smooth
        image = image.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def nice_step(top: float, ticks: int = 6, whole: bool = True) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts 0..top into at most `ticks` parts."""
    if top <= 0:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1, round(step)) if whole else step


def number(value: float) -> str:
    """A whole number as Indonesian writes it: 16.869."""
    return f"{value:,.0f}".replace(",", ".")


def empty_note(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], scale: int = 1,
               message: str = EMPTY) -> None:
    """Why there is nothing to draw, in the middle of the plot area."""
    x0, y0, x1, y1 = box
    face = font(14 * scale)
    text(draw, ((x0 + x1) / 2, (y0 + y1) / 2), fit(clean(message), face, x1 - x0), face, MUTED, anchor="mm")


def horizontal_bars(title: str, counts: Sequence[tuple[str, int]], colour: str = BLUE,
                    size: tuple[int, int] = SIZE, most: int = 12) -> bytes:
    """Counts as horizontal bars, the longest first, labels on the left, whole-number ticks
    below, each count at its bar's end. Beyond `most` bars the rest are summed into one
    last bar, "N lainnya", so that every label stays readable."""
    items = sorted(((clean(label), max(0, int(value))) for label, value in counts), key=lambda kv: -kv[1])
    if len(items) > most:
        rest = items[most - 1:]
        items = items[:most - 1] + [(f"{len(rest)} lainnya", sum(v for _, v in rest))]
    image, draw, top = canvas(size, title)
    tick_face, value_face = font(12), font(12)
    peak = max((v for _, v in items), default=0)
    band = (size[1] - top - PAD - height(tick_face) - 8) / max(1, len(items))
    label_face = font(max(8, min(13, int(band * 0.7))))
    label_room = min(max((label_face.getlength(label) for label, _ in items), default=0), size[0] * 0.35)
    x0 = PAD + label_room + 8
    x1 = size[0] - PAD - value_face.getlength(number(peak)) - 6
    bottom = size[1] - PAD - height(tick_face) - 8
    if not items:
        draw.line([(x0, top), (x0, bottom), (x1, bottom)], fill=AXIS)
        empty_note(draw, (x0, top, x1, bottom))
        return png(image)
    step = nice_step(peak)
    axis_top = step * max(1, math.ceil(peak / step))
    scale = (x1 - x0) / axis_top
    for tick in range(0, int(axis_top) + 1, int(step)):
        x = x0 + tick * scale
        draw.line([(x, top), (x, bottom)], fill=GRID)
        text(draw, (x, bottom + 5), number(tick), tick_face, MUTED, anchor="ma")
    bar = min(band * 0.7, 40)
    for i, (label, value) in enumerate(items):
        middle = top + band * (i + 0.5)
        if value:
            draw.rectangle([x0, middle - bar / 2, x0 + value * scale, middle + bar / 2], fill=colour)
        text(draw, (x0 - 6, middle), fit(label, label_face, label_room), label_face, anchor="rm")
        text(draw, (x0 + value * scale + 4, middle), number(value), value_face, anchor="lm")
    draw.line([(x0, top), (x0, bottom), (x1, bottom)], fill=AXIS)
    return png(image)


def share_bars(title: str, shares: Sequence[tuple[str, float | None]], axis_label: str,
               colour: str = GREEN, size: tuple[int, int] = SIZE, empty: str = EMPTY) -> bytes:
    """Shares (0..1) as vertical bars on a 0–100 % axis, each label under its bar and its
    percentage above it; a share that is None (nothing measured yet) gets "–" and no bar,
    and when every share is None, `empty` says why in the plot area."""
    image, draw, top = canvas(size, title)
    tick_face, value_face = font(12), font(12)
    top += height(value_face) + 6  # a full bar's percentage sits above the axis
    axis_face = font(12)
    axis_text = fit(clean(axis_label), axis_face, size[1] - 2 * PAD)
    x0 = PAD + height(axis_face) + 8 + tick_face.getlength("100") + 6
    x1 = size[0] - PAD
    labels = [clean(label) for label, _ in shares]
    band = (x1 - x0) / max(1, len(labels))
    label_face = next((font(s) for s in (12, 11, 10) if all(font(s).getlength(x) <= band - 6 for x in labels)),
                      font(10))
    bottom = size[1] - PAD - height(label_face) - 8
    scale = (bottom - top) / 100
    for tick in range(0, 101, 20):
        y = bottom - tick * scale
        draw.line([(x0, y), (x1, y)], fill=GRID)
        text(draw, (x0 - 5, y), str(tick), tick_face, MUTED, anchor="rm")
    upright(image, axis_text, axis_face, PAD, (top + bottom) / 2)
    bar = min(band * 0.6, 60)
    nothing = all(share is None for _, share in shares)
    for i, (label, (_, share)) in enumerate(zip(labels, shares)):
        middle = x0 + band * (i + 0.5)
        text(draw, (middle, bottom + 6), fit(label, label_face, band - 6), label_face, anchor="ma")
        if share is None:
            if not nothing:
                text(draw, (middle, bottom - 4), "–", font(14), MUTED, anchor="mb")
            continue
        percent = 100 * min(1.0, max(0.0, share))
        draw.rectangle([middle - bar / 2, bottom - percent * scale, middle + bar / 2, bottom], fill=colour)
        text(draw, (middle, bottom - percent * scale - 3), f"{percent:.0f}%", value_face, anchor="mb")
    draw.line([(x0, top - 4), (x0, bottom), (x1, bottom)], fill=AXIS)
    if nothing:
        empty_note(draw, (x0, top, x1, bottom), message=empty)
    return png(image)


@dataclass(frozen=True)
class Series:
    """A line: measured points joined by a solid line, then projected ones by a dashed line."""
    label: str
    points: Sequence[tuple[float, float]]
    projected: Sequence[tuple[float, float]] = ()
    colour: str = BLUE


def dashed(draw: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float],
           fill: str, width: int, dash: float) -> None:
    (ax, ay), (bx, by) = start, end
    length = math.hypot(bx - ax, by - ay)
    for i in range(int(length // (2 * dash)) + 1):
        a, b = 2 * i * dash / length, min(1.0, (2 * i + 1) * dash / length)
        if a < 1:
            draw.line([(ax + a * (bx - ax), ay + a * (by - ay)), (ax + b * (bx - ax), ay + b * (by - ay))],
                      fill=fill, width=width)


def y_axis(values: list[float], log: bool) -> tuple[float, float, list[float]]:
    """The y axis's range and ticks: powers of ten on a log scale, nice steps from 0 otherwise."""
    if log:
        low = 10 ** math.floor(math.log10(max(min(values), 1e-9)))
        high = 10 ** math.ceil(math.log10(max(values)))
        return low, high, [10 ** k for k in range(round(math.log10(low)), round(math.log10(high)) + 1)]
    step = nice_step(max(values), whole=False)
    high = step * max(1, math.ceil(max(values) / step))
    return 0, high, [step * k for k in range(round(high / step) + 1)]


def line_chart(series: Sequence[Series], x_label: str, y_label: str, title: str = "",
               size: tuple[int, int] = (660, 385), log_y: bool = False) -> bytes:
    """Lines with a marker and the value at each point, a legend, and labelled axes; drawn at
    twice the size and scaled down, so that slanted lines come out smooth."""
    s = 2
    image, draw, top = canvas(size, title, scale=s)
    tick_face, label_face, value_face = font(12 * s), font(12 * s), font(11 * s)
    everything = [p for line in series for p in (*line.points, *line.projected)]
    if not everything:
        empty_note(draw, (0, 0, image.width, image.height), s)
        return png(image, size)
    low, high, ticks = y_axis([y for _, y in everything], log_y)
    x_high = max(x for x, _ in everything)
    x_step = nice_step(x_high, whole=False)
    x_high = x_step * math.ceil(x_high / x_step)
    x0 = PAD * s + height(label_face) + 8 * s + max(tick_face.getlength(number(t)) for t in ticks) + 6 * s
    x1, bottom = image.width - PAD * s, image.height - PAD * s - 2 * height(tick_face) - 14 * s

    def at(x: float, y: float) -> tuple[float, float]:
        share = (math.log10(y) - math.log10(low)) / (math.log10(high) - math.log10(low)) if log_y \
            else (y - low) / (high - low)
        return x0 + x / x_high * (x1 - x0), bottom - share * (bottom - top)

    for tick in ticks:
        y = at(0, tick)[1]
        draw.line([(x0, y), (x1, y)], fill=GRID, width=s)
        text(draw, (x0 - 5 * s, y), number(tick), tick_face, MUTED, anchor="rm")
    for k in range(round(x_high / x_step) + 1):
        x = at(k * x_step, ticks[0])[0]
        text(draw, (x, bottom + 5 * s), number(k * x_step), tick_face, MUTED, anchor="ma")
    text(draw, ((x0 + x1) / 2, image.height - PAD * s), fit(clean(x_label), label_face, x1 - x0), label_face, anchor="md")
    upright(image, fit(clean(y_label), label_face, bottom - top), label_face, PAD * s, (top + bottom) / 2)
    draw.line([(x0, top), (x0, bottom), (x1, bottom)], fill=AXIS, width=s)
    tops = {x: max(y for line in series for px, y in (*line.points, *line.projected) if px == x) for x, _ in everything}
    for line in series:
        points = [at(x, y) for x, y in line.points]
        draw.line(points, fill=line.colour, width=2 * s, joint="curve")
        if points and line.projected:
            for start, end in zip([points[-1], *map(lambda p: at(*p), line.projected)],
                                  [at(*p) for p in line.projected]):
                dashed(draw, start, end, line.colour, 2 * s, 6 * s)
        for x, y in (*line.points, *line.projected):
            px, py = at(x, y)
            r = 3.5 * s
            draw.ellipse([px - r, py - r, px + r, py + r], fill=line.colour if (x, y) in line.points else "white",
                         outline=line.colour, width=s)
            above = y >= tops[x]
            text(draw, (px + 5 * s, py - 5 * s if above else py + 5 * s), number(y), value_face, INK,
                 anchor=("r" if x >= x_high else "l") + ("d" if above else "a"))
    legend(draw, series, (x0 + 10 * s, top + 4 * s), label_face, s)
    return png(image, size)


def legend(draw: ImageDraw.ImageDraw, series: Sequence[Series], corner: tuple[float, float], face: Font,
           s: int) -> None:
    """A box with a short line of each series' colour and its label."""
    row = height(face) + 8 * s
    labels = [clean(line.label) for line in series]
    wide = max(face.getlength(label) for label in labels) + 40 * s
    x, y = corner
    draw.rectangle([x, y, x + wide, y + row * len(series) + 6 * s], fill="white", outline=GRID, width=s)
    for i, (line, label) in enumerate(zip(series, labels)):
        middle = y + 3 * s + row * (i + 0.5)
        draw.line([(x + 8 * s, middle), (x + 28 * s, middle)], fill=line.colour, width=2 * s)
        text(draw, (x + 34 * s, middle), label, face, anchor="lm")
