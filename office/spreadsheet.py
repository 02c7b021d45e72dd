"""A streaming XLSX writer for reports and exports: rows of text and numbers, and PNG charts.

openpyxl, even write-only, spends about 20 µs on each cell: a city's export (100,000
complaints, 1.2 million cells) took half a minute. Here a row is one string written to the
zip as it comes, every string is a shared string (type `s`: a citizen's "=HYPERLINK(…)"
is never a formula), and nothing else is held. Each distinct string is made XML-safe once,
when it is first met (letters.safe.xml_text: an export's million cells hold far fewer
distinct texts); None or "" leaves a cell empty.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from letters.safe import xml_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMU_PER_PIXEL = 9525  # at 96 dpi, as Excel and openpyxl place pictures
STYLES = (f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
          '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def clean(value: str) -> str:
    """letters.safe.xml_text, at once for the plain ASCII most cells are."""
    return value if value.isascii() and value.isprintable() else xml_text(value)


def column(index: int) -> str:
    """The letters of a 1-based column: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Sheet:
    def __init__(self, book: Spreadsheet, number: int, title: str):
        self.book, self.number, self.title = book, number, title
        self.rows = 0
        self.pictures: list[tuple[bytes, int, int]] = []  # (png, column, row), 0-based
        self._buffer: list[str] = []
        self._out = book.zip.open(f"xl/worksheets/sheet{number}.xml", "w")
        self._out.write(f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>'.encode())

    def append(self, values) -> None:
        """A row after the last: str as shared text, int and float as numbers, None and "" as nothing.
        (A city's export is 1.2 million cells: the common kinds are told apart by their exact type.)"""
        self.rows += 1
        n = self.rows
        book = self.book
        strings, refs = book.strings, book.columns(len(values))
        cells = []
        for i, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    found = strings.get(value)
                    cells.append(f'<c r="{refs[i]}{n}" t="s"><v>{book.string(value) if found is None else found}'
                                 f'</v></c>')
            elif kind is int or kind is float:
                cells.append(f'<c r="{refs[i]}{n}"><v>{value!r}</v></c>')
            elif value is not None:
                cells.append(self._other(value, f"{refs[i]}{n}"))
        self._buffer.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._buffer) >= 1000:
            self._flush()

    def _other(self, value, ref: str) -> str:
        """A cell of a kind derived from str, int or float (never a bool)."""
        if isinstance(value, str):
            return f'<c r="{ref}" t="s"><v>{self.book.string(str(value))}</v></c>' if value else ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        raise TypeError(f"a report cell holds text or a number, not {type(value).__name__}")

    def add_image(self, png: bytes, anchor: str) -> None:
        """A PNG at its natural size with its top left corner at `anchor` ("A19")."""
        letters = anchor.rstrip("0123456789")
        col = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(letters.upper())))
        self.pictures.append((png, col - 1, int(anchor[len(letters):]) - 1))

    def _flush(self) -> None:
        self._out.write("".join(self._buffer).encode())
        self._buffer.clear()

    def close(self) -> None:
        self._flush()
        tail = "</sheetData>" + ('<drawing r:id="rId1"/>' if self.pictures else "") + "</worksheet>"
        self._out.write(tail.encode())
        self._out.close()


class Spreadsheet:
    """`with Spreadsheet(path) as book: sheet = book.create_sheet("Ringkasan"); sheet.append([...])`.
    Sheets are written one after another: creating one closes the one before."""

    def __init__(self, path: Path | str):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[Sheet] = []
        self.strings: dict[str, int] = {}  # each text as given, its shared string's index
        self._clean: list[str] = []  # the shared strings, XML-safe, by index
        self._columns: list[str] = []

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.zip.close()

    def columns(self, count: int) -> list[str]:
        """The letters of the first `count` columns (at least), by 0-based index."""
        while len(self._columns) < count:
            self._columns.append(column(len(self._columns) + 1))
        return self._columns

    def string(self, text: str) -> int:
        """The shared string's index (each distinct text is stored once, made XML-safe once)."""
        found = self.strings.get(text)
        if found is None:
            found = self.strings[text] = len(self._clean)
            self._clean.append(clean(text))
        return found

    def create_sheet(self, title: str) -> Sheet:
        if self.sheets:
            self.sheets[-1].close()
        self.sheets.append(Sheet(self, len(self.sheets) + 1, title))
        return self.sheets[-1]

    def close(self) -> None:
        if self.sheets:
            self.sheets[-1].close()
        pictures = 0
        for sheet in self.sheets:
            if sheet.pictures:
                pictures = self._drawing(sheet, pictures)
        with self.zip.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'{HEAD}<sst xmlns="{MAIN}" uniqueCount="{len(self._clean)}">'.encode())
            strings = self._clean
            for start in range(0, len(strings), 5000):
                chunk = strings[start:start + 5000]
                out.write("".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in chunk).encode())
            out.write(b"</sst>")
        self._package()
        self.zip.close()

    def _drawing(self, sheet: Sheet, before: int) -> int:
        """The sheet's pictures: the drawing part, its relationships, the PNG files."""
        anchors, rels = [], []
        for i, (png, col, row) in enumerate(sheet.pictures, 1):
            before += 1
            self.zip.writestr(f"xl/media/image{before}.png", png)
            rels.append(f'<Relationship Id="rId{i}" Type="{REL}/image" Target="../media/image{before}.png"/>')
            width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
            cx, cy = width * EMU_PER_PIXEL, height * EMU_PER_PIXEL
            anchors.append(
                f'<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}'
                f'</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{cx}" cy="{cy}"/><xdr:pic><xdr:nvPicPr>'
                f'<xdr:cNvPr id="{i + 1}" name="Gambar {i}"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/>'
                f'</xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId{i}"/><a:stretch><a:fillRect/>'
                f'</a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
                f'</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
                f'</xdr:oneCellAnchor>')
        n = sheet.number
        self.zip.writestr(f"xl/drawings/drawing{n}.xml", HEAD + (
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{REL}">'
            + "".join(anchors) + "</xdr:wsDr>"))
        self.zip.writestr(f"xl/drawings/_rels/drawing{n}.xml.rels",
                          f'{HEAD}<Relationships xmlns="{PACKAGE_REL}">{"".join(rels)}</Relationships>')
        self.zip.writestr(f"xl/worksheets/_rels/sheet{n}.xml.rels",
                          f'{HEAD}<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" Type="{REL}/drawing" '
                          f'Target="../drawings/drawing{n}.xml"/></Relationships>')
        return before

    def _package(self) -> None:
        """The workbook, its relationships, the styles and the content types."""
        kind = "application/vnd.openxmlformats-officedocument"
        sheets = "".join(f'<sheet name={quoteattr(s.title)} sheetId="{s.number}" r:id="rId{s.number}"/>'
                         for s in self.sheets)
        self.zip.writestr("xl/workbook.xml", f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets>'
                                             "</workbook>")
        n = len(self.sheets)
        rels = [f'<Relationship Id="rId{s.number}" Type="{REL}/worksheet" Target="worksheets/sheet{s.number}.xml"/>'
                for s in self.sheets]
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        self.zip.writestr("xl/_rels/workbook.xml.rels", f'{HEAD}<Relationships xmlns="{PACKAGE_REL}">{"".join(rels)}'
                                                        "</Relationships>")
        self.zip.writestr("xl/styles.xml", HEAD + STYLES)
        self.zip.writestr("_rels/.rels", f'{HEAD}<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
                                         f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.spreadsheetml.sheet.main+xml"/>',
                     f'<Override PartName="/xl/styles.xml" ContentType="{kind}.spreadsheetml.styles+xml"/>',
                     f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.spreadsheetml.sharedStrings+xml"/>']
        for s in self.sheets:
            overrides.append(f'<Override PartName="/xl/worksheets/sheet{s.number}.xml" '
                             f'ContentType="{kind}.spreadsheetml.worksheet+xml"/>')
            if s.pictures:
                overrides.append(f'<Override PartName="/xl/drawings/drawing{s.number}.xml" '
                                 f'ContentType="{kind}.drawing+xml"/>')
        self.zip.writestr("[Content_Types].xml", (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
            + "".join(overrides) + "</Types>"))
