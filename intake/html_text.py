"""HTML mail -> readable plain text: paragraphs kept, links kept, scripts and styles dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
         "table", "ul", "ol", "pre", "hr"}
SKIP = {"script", "style", "head", "title"}


class _Collector(HTMLParser):
    def __init__(self, quotes: bool = True):
        super().__init__(convert_charrefs=True)
        self.quotes = quotes
        self.link_start = 0
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skipping += 1
        elif tag in BLOCK:
            self.parts.append("\n")
        if tag == "blockquote":
            self.quote_depth += 1
        if tag == "a":
            self.href = dict(attrs).get("href")
            self.link_start = len(self.parts)

    def handle_endtag(self, tag):
        if tag in SKIP and self.skipping:
            self.skipping -= 1
        elif tag in BLOCK:
            self.parts.append("\n")
        if tag == "blockquote" and self.quote_depth:
            self.quote_depth -= 1
        if tag == "a" and self.href:
            shown = "".join(self.parts[self.link_start:])
            target = self.href.removeprefix("mailto:")
            if self.href.startswith(("http://", "https://", "mailto:")) and target not in shown:
                self.parts.append(f" <{self.href}>")
            self.href = None

    def handle_data(self, data):
        if self.skipping:
            return
        data = re.sub(r"\s+", " ", data)
        if self.quote_depth and self.quotes and data.strip():
            # Quoted HTML becomes quoted text, so the reply extractor can drop it.
            data = "> " * self.quote_depth + data.strip()
        self.parts.append(data)


def html_to_text(html: str, quotes: bool = True) -> str:
    """quotes=False leaves blockquote text unmarked, for HTML whose quotation was already cut
    on its structure (intake.reply)."""
    collector = _Collector(quotes)
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # html.parser is lenient, but a text is still better than nothing
        return re.sub(r"<[^>]+>", " ", html)
    text = "".join(collector.parts)
    lines = [ln.strip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
