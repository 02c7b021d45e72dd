"""The quotation of a plain-text reply, found by marking its lines.

Each line is marked as empty (e), quoted (m: it starts with ">"), a forward marker (f), a
splitter (s: the quote header a client writes above the original, "On … wrote:", "Pada …
menulis:", "-----Original Message-----", a "From:" header block; up to six lines long) or
text (t). The quotation is then found in the sequence of markers: text after a splitter with
no quoted lines is the original (Outlook), a run of quoted lines at the end is the quotation
(Gmail, Apple Mail), answers written between quoted lines keep the whole mail (the caller
drops the quoted lines), and a mail that starts with a forward marker is passed on whole.

This is the line-marking method of Mailgun's talon (Apache-2.0), whose corpus is one of our
tests, written again on the standard library with the splitters our corpora need: talon's
own, in the languages it knew, narrowed where they took an answer's lines for a header, and
those of Indonesian clients and of any language's Gmail.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Header names an Indonesian Outlook, Zimbra or phone client writes above a quotation.
HEADER_NAMES = r"Dari|Dikirim|Terkirim|Kepada|Perihal|Subjek|Tanggal|Tembusan|Cc"
# The names of a header block's lines in the languages officials' clients speak.
HEADER_WORDS = (r"From|Van|De|Von|Fra|Från|Od|Dari|Date|Datum|Data|Fecha|Envoyé|Skickat|Sendt|Sent|"
                r"Gesendet|Verzonden|Enviado|Inviato|Wysłano|To|Aan|À|An|Til|Till|Para|A|Do|Kepada|Subject|"
                r"Onderwerp|Objet|Betreff|Emne|Ämne|Asunto|Assunto|Oggetto|Temat|Subjek|Perihal|Cc")

# "On <date>, <name> wrote:" in the languages talon knew, over up to three lines; case matters
# ("on" starting an answer's sentence is not a header).
ON_DATE_SOMEBODY_WROTE = re.compile(
    r"(-*[>]?[ ]?(On|Le|W dniu|Op|Am|På|Den|Vào)[ ].*(,|użytkownik)(.*\n){0,2}.*"
    r"(wrote|sent|a écrit|napisał|schreef|verzond|geschreven|schrieb|skrev|đã viết):?-*)")
# Dutch and German also write "Op/Am <date> schreef/schrieb <name>:".
ON_DATE_WROTE_SOMEBODY = re.compile(r"(-*[>]?[ ]?(Op|Am)[ ].*(.*\n){0,2}.*(schreef|verzond|geschreven|schrieb)[ ]*.*:)")
# A year and a time on the first line, then within three lines a line ending in ":" after an
# address: any language's Gmail ("ср, 30 апр. 2025 г. в 15:19, Nama <a@b>:", "pe 20.
# lokakuuta 2017 klo 17.50 Nama\n<a@b> kirjoitti:").
_DATED_LINE = re.compile(r"(?=[^\n]*(?<!\d)(?:19|20)\d\d(?!\d))(?=[^\n]*(?<!\d)\d{1,2}[:.]\d{2}(?!\d))")
_DATED_HEADERS = [re.compile(r"(?:[^\n]*\n){%d}[^\n]*[:：][ \t]*$" % n, re.MULTILINE) for n in range(3)]


def _dated_address_header(text: str) -> re.Match | None:
    if not _DATED_LINE.match(text):
        return None
    for pattern in _DATED_HEADERS:  # the shortest header that names an address
        found = pattern.match(text)
        if found and re.search(r"\S@\S", found.group()):
            return found
    return None


SPLITTERS: tuple[Callable[[str], re.Match | None], ...] = tuple(p.match for p in (
    # ------Original Message------, ---- Reply Message ----, and in German and Danish
    re.compile(r"\s*-+ *(Original Message|Reply Message|Ursprüngliche Nachricht|Antwort Nachricht|"
               r"Oprindelig meddelelse) *-+", re.IGNORECASE),
    ON_DATE_SOMEBODY_WROTE,
    ON_DATE_WROTE_SOMEBODY,
    # A "From:" or "Date:" line (under Outlook's "____" line too) and another header line
    # within the next three: never a reply's own "Date: …" line alone (an invitation's details)
    re.compile(r"(?:_+\r?\n)?\s*\*?(?:From|Van|De|Von|Fra|Från|Date|Datum|Envoyé|Skickat|Sendt)\*?\s?:\*?[^\n]*"
               r"(?:\n[^\n]*){0,2}?\n\s*\*?(?:" + HEADER_WORDS + r")\*?\s?:", re.IGNORECASE),
    # 02.04.2012 14:20 пользователь "bob@example.com" <bob@xxx.mailgun.org> написал: a date
    # line ending in its address or ":" (never "10/19/2017 @ 9:30" in an answer)
    re.compile(r"(?:\d+/\d+/\d+|\d+\.\d+\.\d+)[^\n]*(?:\n[^\n]*)?\S@\S[^\n]*[:>]\s*$", re.MULTILINE),
    # 2014-10-17 11:28 GMT+03:00 Bob <bob@example.com>:
    re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}\s+GMT.*@", re.DOTALL),
    # Thu, 26 Jun 2014 14:00:51 +0400 Bob <bob@example.com>:
    re.compile(r"\S{3,10}, \d\d? \S{3,10} 20\d\d,? \d\d?:\d\d(:\d\d)?( \S+){3,6}@\S+:"),
    # Sent from Samsung MobileName <address@example.com> wrote:
    re.compile(r"Sent from Samsung .*@.*> wrote"),
    # ---- John Smith wrote ----
    re.compile(r"\s*-+.*wrote *-+", re.IGNORECASE),
    # Polymail: "On <date> John Smith\n\n<\nmailto:John Smith <john@example.com>\n> wrote:"
    re.compile(r"On.*\s{2}<\smailto:.*\s> wrote:", re.IGNORECASE),
    # Gmail, Yahoo, Apple Mail, Thunderbird in Indonesian: "Pada <tanggal>, <nama> <alamat>
    # menulis:", wrapped over up to three lines
    re.compile(r"\s*-*>? ?Pada [^\n]*(?:\n[^\n]*){0,2}?menulis ?:", re.IGNORECASE | re.MULTILINE),
    # Outlook, Zimbra, Android in Indonesian: a "Dari:" line and another header within three lines
    re.compile(r"(?:_+\r?\n)?\s*\*?Dari\*?\s?:\*?[^\n]*(?:\n[^\n]*){0,2}?\n\s*\*?(?:" + HEADER_NAMES
               + r"|Sent|To|Subject|Date)\*?\s?:", re.IGNORECASE | re.MULTILINE),
    re.compile(r"\s*-+ *(?:Pesan Asli|Pesan Balasan) *-+", re.IGNORECASE | re.MULTILINE),
)) + (_dated_address_header,)

# The line a client writes above a forwarded message.
FORWARD = re.compile(r"^-+ *(?:Forwarded message|Pesan (?:yang )?di ?teruskan|Pesan terusan|"
                     r"Message transf[ée]r[ée]|Weitergeleitete Nachricht|Doorgestuurd bericht) *-+\s*$",
                     re.IGNORECASE | re.MULTILINE)
QUOTE_MARK = re.compile(r"^>+ ?")
SPLITTER_MAX_LINES = 6
MAX_LINES = 1000  # a longer mail is read in its first thousand lines
# A link in angle brackets, whose ">" is not a quote mark ("<http://…>").
LINK = re.compile(r"<(http://[^>]*)>")
HIDDEN_LINK = re.compile(r"@@(http://[^>@]*)@@")
PARENTHESIS_LINK = re.compile(r"\(https?://")

# After the last splitter, text lines with no quoted line: the original, as Outlook sends it.
_AFTER_SPLITTER = re.compile(r"(se*)+((t|f)+e*)+")
# A quotation border (a splitter, or at least two quoted lines) up to the last quoted line,
# then only text or nothing.
_QUOTATION = re.compile(r"((?:s|(?:me*){2,}).*me*)[te]*$")
_EMPTY_QUOTATION = re.compile(r"((?:(?:se*)+|(?:me*){2,}))e*")
_INLINE_REPLY = re.compile(r"(?<=m)e*((?:t+e*)+)m")


def splitter(text: str) -> str | None:
    """The quote header at the start of `text` (up to six joined lines), or None."""
    for match in SPLITTERS:
        found = match(text)
        if found:
            return found.group()
    return None


def mark_lines(lines: list[str]) -> str:
    """One marker a line: e, m, f, s or t (see the module's first paragraph)."""
    markers = ["e"] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            markers[i] = "e"
        elif QUOTE_MARK.match(line):
            markers[i] = "m"
        elif FORWARD.match(line):
            markers[i] = "f"
        else:
            header = splitter("\n".join(lines[i:i + SPLITTER_MAX_LINES]))
            if header:
                count = len(header.splitlines())
                for j in range(count):
                    markers[i + j] = "s"
                i += count - 1
            else:
                markers[i] = "t"
        i += 1
    return "".join(markers)


def quotation(lines: list[str], markers: str) -> tuple[int, int] | None:
    """The lines [start, end) that are the quotation, or None when the mail keeps them all."""
    if "s" not in markers and not re.search("(me*){3}", markers):
        markers = markers.replace("m", "t")  # one or two quoted lines without a header are text
    if re.match("[te]*f", markers):
        return None  # a forward: passed on whole
    for inline in _INLINE_REPLY.finditer(markers):
        # Answers between quoted lines, unless the break is a long link wrapped onto its own line.
        if not (PARENTHESIS_LINK.search(lines[inline.start() - 1]) or PARENTHESIS_LINK.match(lines[inline.start()].strip())):
            return None
    found = _AFTER_SPLITTER.search(markers)
    if found:
        return found.start(), len(lines)
    found = _QUOTATION.search(markers) or _EMPTY_QUOTATION.search(markers)
    if found:
        return found.start(1), found.end(1)
    return None


def cut_quotation(text: str) -> str:
    """The text without its quotation (`text` uses "\\n" line ends)."""
    text = _wrap_header(_hide_links(text))
    lines = text.splitlines()[:MAX_LINES]
    cut = quotation(lines, mark_lines(lines))
    if cut is not None:
        lines = lines[:cut[0]] + lines[cut[1]:]
    return HIDDEN_LINK.sub(r"<\1>", "\n".join(lines)).strip()


def _hide_links(text: str) -> str:
    """"<http://…>" as "@@http://…@@", so its ">" is not read as a quote mark (except on a
    quoted line, which stays quoted)."""
    def hide(link: re.Match) -> str:
        line_start = text.rfind("\n", 0, link.start()) + 1
        return link.group() if text[line_start] == ">" else f"@@{link.group(1)}@@"

    return LINK.sub(hide, text)


def _wrap_header(text: str) -> str:
    """"On … wrote:" after text on the same line starts a line of its own."""
    def wrap(header: re.Match) -> str:
        return "\n" + header.group() if header.start() and text[header.start() - 1] != "\n" else header.group()

    return ON_DATE_SOMEBODY_WROTE.sub(wrap, text)
