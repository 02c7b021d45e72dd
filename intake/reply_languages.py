"""The reply parsers' language tables, taught Indonesian.

mail-parser-reply keeps its quote headers and signatures per language in a table; talon keeps
its splitter lines ("On … wrote:", "From: … Sent: …", "-----Original Message-----") and its
forward marker as module patterns. Both learn here what Indonesian clients write: Gmail's
"Pada … menulis:", Outlook's "Dari: … Dikirim: … Kepada: … Perihal:", Zimbra's "Terkirim:",
"-----Pesan Asli-----", "---------- Pesan terusan ----------".
"""

from __future__ import annotations

import re
import sys
from functools import cache
from types import ModuleType

from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE
from mailparser_reply.parser import EmailMessage

# Header names an Indonesian Outlook, Zimbra or phone client writes above a quotation.
HEADER_NAMES = r"Dari|Dikirim|Terkirim|Kepada|Perihal|Subjek|Tanggal|Tembusan|Cc"

MAIL_LANGUAGES.setdefault("id", {
    # Gmail in Indonesian: "Pada Sen, 6 Jan 2025 pukul 09.00 Nama <a@b> menulis:"
    "wrote_header": r"^(" + QUOTED_MATCH_INCLUDE + r"Pada\s(?:.+?\s?.+?)\s?menulis:)$",
    # Outlook, Zimbra and phones in Indonesian: a "Dari:" line, then other header lines (a
    # reply's own "Kepada: …" or "Tanggal: …" lines do not start a quotation)
    "from_header": r"(^" + QUOTED_MATCH_INCLUDE + r"[* ]*Dari:[ *]*.*(?:\n" + QUOTED_MATCH_INCLUDE
                   + r"[* ]*(?:" + HEADER_NAMES + r"|Date|Sent|To|Subject):[ *]*.*){1,}(?:\n.*){,1})",
    "disclaimers": [r"Pernyataan:", r"PERHATIAN:", r"Disclaimer:"],
    "signatures": ["Salam,", "Salam hormat", "Hormat saya", "Hormat kami", "Terima kasih,", "Wassalam"],
    "sent_from": "Dikirim dari|Sent from my|Get Outlook for",
})

# Every language mail-parser-reply knows, ours first: officials forward and reply from clients
# set to any language.
LANGUAGES = ["id", "en", *sorted(set(MAIL_LANGUAGES) - {"id", "en"})]

# talon's splitters, in the `regex` dialect talon matches them with (at a line's start, over up
# to six joined lines).
TALON_SPLITTERS = (
    # Gmail, Yahoo, Apple Mail, Thunderbird: "Pada <tanggal>, <nama> <alamat> menulis:",
    # wrapped over up to three lines
    r"\s*-*>? ?Pada [^\n]*(?:\n[^\n]*){0,2}?menulis ?:",
    # Outlook, Zimbra, Android: a "Dari:" line and another header within the next three lines
    r"(?:_+\r?\n)?\s*\*?Dari\*?\s?:\*?[^\n]*(?:\n[^\n]*){0,2}?\n\s*\*?(?:" + HEADER_NAMES
    + r"|Sent|To|Subject|Date)\*?\s?:",
    r"\s*-+ *(?:Pesan Asli|Pesan Balasan) *-+",
    # Any language's Gmail-style header: a line naming a year and a time, ending in ":" within
    # three lines, with an address ("ср, 30 апр. 2025 г. в 15:19, Nama <a@b>:", "pe 20.
    # lokakuuta 2017 klo 17.50 Nama\n<a@b> kirjoitti:"). The lookbehind reads back to the
    # match's start only.
    r"(?=[^\n]*(?<!\d)(?:19|20)\d\d(?!\d))(?=[^\n]*(?<!\d)\d{1,2}[:.]\d{2}(?!\d))"
    r"(?:[^\n]*\n){0,2}?[^\n]*[:：][ \t]*$(?<=\S@\S[\s\S]*)",
)
# Two of talon's splitters take a reply's own lines for a quote header: "Date: …" alone (an
# invitation's details) and a date followed anywhere in six lines by "@" ("10/19/2017 @ 9:30").
# They are replaced by the shapes clients write: a header line followed by another within three
# lines, and a date line ending in its address or ":" ("02.04.2012 14:20 … <bob@…> написал:").
HEADER_WORDS = (r"From|Van|De|Von|Fra|Från|Od|Dari|Date|Datum|Data|Fecha|Envoyé|Skickat|Sendt|Sent|"
                r"Gesendet|Verzonden|Enviado|Inviato|Wysłano|To|Aan|À|An|Til|Till|Para|A|Do|Kepada|Subject|"
                r"Onderwerp|Objet|Betreff|Emne|Ämne|Asunto|Assunto|Oggetto|Temat|Subjek|Perihal|Cc")
TALON_REPLACED = {
    "RE_FROM_COLON_OR_DATE_COLON":
        r"(?:_+\r?\n)?\s*\*?(?:From|Van|De|Von|Fra|Från|Date|Datum|Envoyé|Skickat|Sendt)\*?\s?:\*?[^\n]*"
        r"(?:\n[^\n]*){0,2}?\n\s*\*?(?:" + HEADER_WORDS + r")\*?\s?:",
    "DATE_ADDRESS": r"(?:\d+/\d+/\d+|\d+\.\d+\.\d+)[^\n]*(?:\n[^\n]*)?\S@\S[^\n]*[:>]\s*$",
}
TALON_FORWARD = (r"^-+ *(?:Forwarded message|Pesan (?:yang )?di ?teruskan|Pesan terusan|"
                 r"Message transf[ée]r[ée]|Weitergeleitete Nachricht|Doorgestuurd bericht) *-+\s*$")


@cache
def quote_headers() -> re.Pattern:
    """mail-parser-reply's quote headers of every language, as one pattern."""
    return EmailMessage(text="", languages=LANGUAGES).HEADER_REGEX


@cache
def talon_quotations() -> ModuleType:
    """talon's quotation module, loaded on first use and taught the Indonesian splitters."""
    # talon's package init imports its scikit-learn signature classifier, which we do not use
    # (intake.signature strips signatures by rule); marking it absent takes the path talon
    # provides for installations without it, and saves 0.6 s at every start.
    sys.modules.setdefault("talon.signature", None)  # type: ignore[arg-type]
    import regex
    from talon import quotations

    quotations.register_xpath_extensions()
    patterns = quotations.SPLITTER_PATTERNS
    for i, pattern in enumerate(patterns):
        if pattern is quotations.RE_FROM_COLON_OR_DATE_COLON:
            patterns[i] = regex.compile(TALON_REPLACED["RE_FROM_COLON_OR_DATE_COLON"], regex.IGNORECASE)
        elif pattern.pattern.startswith(r"(\d+/\d+/\d+|\d+\.\d+\.\d+)"):
            patterns[i] = regex.compile(TALON_REPLACED["DATE_ADDRESS"], regex.MULTILINE)
    patterns.extend(regex.compile(p, regex.IGNORECASE | regex.MULTILINE) for p in TALON_SPLITTERS)
    quotations.RE_FWD = regex.compile(TALON_FORWARD, regex.IGNORECASE | regex.MULTILINE)
    return quotations
