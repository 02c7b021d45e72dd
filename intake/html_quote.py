"""The quotation and signature of an HTML reply, found by the structure mail clients write.

Outlook (desktop, on the web, the new Outlook) writes no blockquote: the reply, then an <hr>
(on the web) or a div with a thin top border (desktop), then a header block ("Dari:",
"Dikirim:", "Kepada:", "Subjek:" or "From:", "Sent:", "To:", "Subject:"), and the original as
a sibling after it, not inside it. Everything from that divider on is the quotation. Webmails
put the signature in an element of its own: Roundcube's div#signature, Thunderbird's
div.moz-signature, Outlook's div#Signature, Gmail's div.gmail_signature; it is never part of
an answer.

Pure and on the standard library's HTML parser: the cut is made on the source text, so what
is kept is the writer's markup as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Outlook's header block: its first label, in the languages officials' Outlook speaks.
HEADER_LABEL = re.compile(r"^\s*(Dari|From|Van|De|Von)\s*:", re.IGNORECASE)
HEADER_LABELS = re.compile(r"\b(Dikirim|Terkirim|Sent|Tanggal|Date|Kepada|To|Subjek|Perihal|Subject)\s*:",
                           re.IGNORECASE)
# Outlook desktop's divider: a div with no border but a thin solid top border.
DESKTOP_DIVIDER = re.compile(r"border-top\s*:\s*solid\s+#(E1E1E1|B5C4DF)", re.IGNORECASE)
# Roundcube, Outlook on the web, Outlook for iOS and Android; Thunderbird, Gmail.
SIGNATURE_IDS = {"signature", "Signature", "ms-outlook-mobile-signature"}
SIGNATURE_CLASSES = {"moz-signature", "gmail_signature"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Element:
    start: int  # where its start tag begins in the source
    kind: str  # "outlook", "divider" (a candidate header block) or "signature"
    tag: str
    nesting: int = 1  # its own tag's start tags not yet closed: it ends when none is left
    text: list[str] = field(default_factory=list)
    end: int | None = None  # where its end tag ends


class _Finder(HTMLParser):
    """Offsets of the elements that matter here, on the source text."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.open: list[_Element] = []
        self.found: list[_Element] = []
        self.last_hr: int | None = None
        self.text_since_hr = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "hr":
                self.last_hr, self.text_since_hr = self._offset(), False
            return
        for element in self.open:
            element.nesting += element.tag == tag
        values = dict(attrs)
        kind = None
        if values.get("id") == "divRplyFwdMsg":
            kind = "outlook"
        elif tag == "div" and DESKTOP_DIVIDER.search(values.get("style") or ""):
            kind = "divider"
        elif values.get("id") in SIGNATURE_IDS or SIGNATURE_CLASSES & set((values.get("class") or "").split()):
            kind = "signature"
        if kind:
            start = self._offset()
            if kind == "outlook" and self.last_hr is not None and not self.text_since_hr:
                start = self.last_hr  # the <hr> right above the header block goes with it
            element = _Element(start, kind, tag)
            self.open.append(element)
            self.found.append(element)

    def handle_endtag(self, tag):
        # Counted per tag name, so an unclosed <p> inside never moves where a div ends.
        for element in [e for e in self.open if e.tag == tag]:
            element.nesting -= 1
            if not element.nesting:
                element.end = self.source_end()
                self.open.remove(element)

    def source_end(self) -> int:
        """The offset just past the end tag being handled (getpos is where it begins)."""
        at = self._offset()
        close = self.source.find(">", at)
        return close + 1 if close >= 0 else len(self.source)

    def handle_data(self, data):
        if data.strip():
            self.text_since_hr = True
            for element in self.open:
                element.text.append(data)


def _find(source: str) -> list[_Element]:
    finder = _Finder(source)
    try:
        finder.feed(source)
        finder.close()
    except Exception:  # html.parser is lenient; a page it cannot read keeps its structure unread
        return []
    return finder.found


def _is_header_block(element: _Element) -> bool:
    text = " ".join(" ".join(element.text).split())
    return bool(HEADER_LABEL.match(text)) and len(HEADER_LABELS.findall(text)) >= 2


def cut_html_quote(html: str) -> str | None:
    """The HTML without an Outlook quotation (from its divider to the end) and without its
    signature elements; None when it has neither, so other readers look at it whole."""
    found = _find(html)
    cut = next((e.start for e in found if e.kind in ("outlook", "divider") and _is_header_block(e)), None)
    signatures = [e for e in found if e.kind == "signature" and e.end is not None
                  and (cut is None or e.start < cut)]
    if cut is None and not signatures:
        return None
    kept = html if cut is None else html[:cut]
    for element in sorted(signatures, key=lambda e: e.start, reverse=True):
        kept = kept[:element.start] + kept[element.end:]
    return kept
