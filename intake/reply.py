"""The new text of a reply: quoted original, quote headers and signature removed.

An official's reply is a step's action and, at step 4, the text of a signed letter, so a wrong
cut either loses an answer or signs a quotation. The stages:

0. intake.html_quote cuts, in HTML, Outlook's quotation (an <hr> or a bordered div, its header
   block, the original as a sibling after it) and webmails' signature elements.
1. intake.html_quote then cuts the element that holds the quotation (Gmail's gmail_quote,
   Zimbra's divider, the outer blockquote of Apple Mail, Thunderbird and Yahoo, Outlook's
   older dividers, a "From:" block), and the HTML is read as text.
2. intake.quote_text finds the quotation in the text by marking each line as text, quote,
   quote header or forward marker and matching the sequence (the method of Mailgun's talon,
   whose corpus is a test, with our own splitters, Indonesian ones among them). It keeps a
   forwarded message and answers written between quoted lines.
3. The quote headers of every language mail-parser-reply knows (taught Indonesian in
   intake.reply_languages) cut what has no splitter of ours.
4. Our clean-up: quoted lines left between answers, the header line that introduced them, a
   sign-off, device lines ("Dikirim dari iPhone saya"), "-Nama" lines and list footers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intake.html_quote import cut_html_quote, cut_quoted_block
from intake.html_text import html_to_text
from intake.quote_text import cut_quotation
from intake.reply_languages import quote_headers
from intake.signature import strip_closing, strip_signature
from intake.text import clean_text

# A forward cut by mail-parser-reply's header patterns would lose what the official passes
# on; the forward markers of intake.quote_text's languages keep the message whole.
FORWARD = re.compile(r"^\s*(-{2,}\s*(Forwarded message|Pesan (yang )?di ?teruskan|Pesan terusan|"
                     r"Message transféré|Weitergeleitete Nachricht|Doorgestuurd bericht)\s*-{2,}|"
                     r"Begin forwarded message:|Awal pesan yang diteruskan:)\s*$",
                     re.IGNORECASE | re.MULTILINE)
QUOTED = re.compile(r"^\s*>")


@dataclass(frozen=True)
class Extracted:
    text: str  # what the writer wrote: no quotation, quote headers, device lines or "-- " block
    answer: str  # the text without its closing ("Salam,\nBudi"): a step's action, a letter's text
    lines: int  # non-blank lines of the mail as it arrived

    def left_out(self, kept: str) -> int:
        """How many lines of the mail are not in `kept` (the text or the answer)."""
        return max(0, self.lines - _count(kept))


def read_reply(text: str, html: str = "") -> Extracted:
    """The reply's own words, its answer and how many lines were left out.

    html is the mail's HTML body when its text was made from it: the quotation is then cut on
    the HTML's structure before it is flattened."""
    source = _plain(text)
    if html:  # Outlook's quotation and webmails' signature elements, by their structure
        html = cut_html_quote(html) or html
    body = _from_html(html) if html else _from_text(source)
    body = _tidy(strip_signature(_drop_interleaved_quotes(body)))
    return Extracted(body, _tidy(strip_closing(body)), _count(source))


def extract_reply(text: str, html: str = "") -> str:
    """The reply's own words (its closing kept), or '' when it has none."""
    return read_reply(text, html).text


def extract_answer(text: str, html: str = "") -> str:
    """The reply's answer: its own words without the closing, '' when only a courtesy."""
    return read_reply(text, html).answer


def _plain(text: str) -> str:
    return clean_text(text.replace("\r\n", "\n")).replace("\u00a0", " ")


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(ln.rstrip() for ln in text.split("\n"))).strip()


def _from_html(html: str) -> str:
    """The HTML reply with its quotation cut on its structure, then read as text."""
    cut = cut_quoted_block(html)
    text = _plain(html_to_text(cut, quotes=False)) if cut is not None else ""
    if not text.strip():  # no quoting element, or nothing but one: the text decides
        text = _plain(html_to_text(html, quotes=False))
    return _from_text(text)


def _from_text(text: str) -> str:
    """The text above its quotation: its line markers, then every language's headers."""
    body = cut_quotation(text)
    if FORWARD.search(body):
        return body  # a forward is passed on whole: its headers are its content
    header = quote_headers().search(body)
    if header is None:
        return body
    if _answers_between_quotes(body[header.end():]):
        # Written below or between the quoted lines: only the header goes here, the quoted
        # lines go in _drop_interleaved_quotes.
        return body[:header.start()] + body[header.end():]
    return body[:header.start()]


def _answers_between_quotes(text: str) -> bool:
    """Unquoted text after quoted lines: a bottom post or an answer written between quotes.

    Only when the quotation starts with quoted lines: an original that follows its header
    unquoted (Outlook) is all quotation, its own "> " lines (our routing mail quotes the
    complaint) included."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines or not QUOTED.match(lines[0]):
        return False
    return any(not QUOTED.match(ln) for ln in lines)
def _drop_interleaved_quotes(text: str) -> str:
    """Answers written between quoted lines are kept; the quoted lines, and the header line
    ("On … wrote:") that introduced the first of them, are not."""
    lines = text.split("\n")
    content = [ln for ln in lines if ln.strip()]
    if sum(1 for ln in content if QUOTED.match(ln)) < 3 and not QUOTED.match(content[-1] if content else "") \
            and not any(_introduces_quote(ln) for ln in lines):
        return text  # one or two lines starting with ">" within the text are text (">>> link <<<")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if QUOTED.match(line):
            continue
        following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
        if QUOTED.match(following) and _introduces_quote(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def _introduces_quote(line: str) -> bool:
    """A line ending in ':' that names a time, an address or the writer (the header of the
    quote below it), unlike an answer that ends in a colon ("Something like:")."""
    line = line.strip()
    return line.endswith(":") and bool(re.search(r"\d{1,2}[:.]\d{2}|@|\bwrote\b|\bmenulis\b", line))


def _count(text: str) -> int:
    return sum(1 for ln in text.split("\n") if ln.strip())

