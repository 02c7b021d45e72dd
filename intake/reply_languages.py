"""mail-parser-reply's language table, taught Indonesian.

mail-parser-reply keeps its quote headers and signatures per language in a table, which
learns here what Indonesian clients write: Gmail's "Pada … menulis:", Outlook's "Dari: …
Dikirim: … Kepada: … Perihal:", Zimbra's "Terkirim:". The library's table is read, never
changed: our entry stands beside it in TABLES. Our own splitters, for the line marking, are in
intake.quote_text.
"""

from __future__ import annotations

import re
from functools import cache

from mailparser_reply.constants import GENERIC_MAIL_SEPARATOR, MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE

from intake.quote_text import HEADER_NAMES

# What Indonesian clients write, as an entry of the table's shape.
INDONESIAN = {
    # Gmail in Indonesian: "Pada Sen, 6 Jan 2025 pukul 09.00 Nama <a@b> menulis:"
    "wrote_header": r"^(" + QUOTED_MATCH_INCLUDE + r"Pada\s(?:.+?\s?.+?)\s?menulis:)$",
    # Outlook, Zimbra and phones in Indonesian: a "Dari:" line, then other header lines (a
    # reply's own "Kepada: …" or "Tanggal: …" lines do not start a quotation)
    "from_header": r"(^" + QUOTED_MATCH_INCLUDE + r"[* ]*Dari:[ *]*.*(?:\n" + QUOTED_MATCH_INCLUDE
                   + r"[* ]*(?:" + HEADER_NAMES + r"|Date|Sent|To|Subject):[ *]*.*){1,}(?:\n.*){,1})",
    "disclaimers": [r"Pernyataan:", r"PERHATIAN:", r"Disclaimer:"],
    "signatures": ["Salam,", "Salam hormat", "Hormat saya", "Hormat kami", "Terima kasih,", "Wassalam"],
    "sent_from": "Dikirim dari|Sent from my|Get Outlook for",
}
# Every language mail-parser-reply knows and ours, ours first: officials forward and reply
# from clients set to any language. The library's own table is read, never changed.
TABLES: dict[str, dict] = {"id": INDONESIAN, **{k: v for k, v in MAIL_LANGUAGES.items() if k != "id" and v}}
LANGUAGES = ["id", "en", *sorted(set(TABLES) - {"id", "en"})]


def _entries(key: str) -> list[str]:
    """Each language's pattern for `key` (a list of them joined), in LANGUAGES' order."""
    found = []
    for language in LANGUAGES:
        value = TABLES[language].get(key)
        value = "|".join(value) if isinstance(value, list) else value
        if value:
            found.append(value)
    return found


@cache
def quote_headers() -> re.Pattern:
    """The quote headers of every language ("On … wrote:", "Von: … Gesendet: …", "Pada …
    menulis:"), as one pattern, built as mail-parser-reply builds its own."""
    headers = _entries("wrote_header") + _entries("from_header") + [f"({GENERIC_MAIL_SEPARATOR})"]
    return re.compile("|".join(headers), re.MULTILINE | re.IGNORECASE)
