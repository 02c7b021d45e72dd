"""The new text of an official's reply: quoted original and signature removed.

Uses mail-parser-reply, taught Indonesian quote headers and signatures here ("Pada …
menulis:", "Dari:/Dikirim:/Kepada:/Perihal:", "Dikirim dari …", "Salam,").
"""

from __future__ import annotations

import re

from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE
from mailparser_reply.parser import EmailMessage

MAIL_LANGUAGES.setdefault("id", {
    # Gmail in Indonesian: "Pada Sen, 6 Jan 2025 pukul 09.00 Nama <a@b> menulis:"
    "wrote_header": r"^(" + QUOTED_MATCH_INCLUDE + r"Pada\s(?:.+?\s?.+?)\s?menulis:)$",
    # Outlook in Indonesian
    "from_header": r"((?:(?:^|\n|\n" + QUOTED_MATCH_INCLUDE
                   + r")[* ]*(?:Dari|Dikirim|Kepada|Perihal|Subjek|Tanggal|Tembusan|Cc):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
    "disclaimers": [r"Pernyataan:", r"PERHATIAN:", r"Disclaimer:"],
    "signatures": ["Salam,", "Salam hormat", "Hormat saya", "Hormat kami", "Terima kasih,", "Wassalam"],
    "sent_from": "Dikirim dari|Sent from my|Get Outlook for",
})

# Every language mail-parser-reply knows (its quote headers and signatures), ours first:
# officials forward and reply from clients set to any language.
LANGUAGES = ["id", "en", *sorted(set(MAIL_LANGUAGES) - {"id", "en"})]

SEPARATOR = re.compile(r"^-{3,}\s*(Pesan Asli|Original Message|Pesan yang Diteruskan|Forwarded message)\s*-{3,}",
                       re.IGNORECASE | re.MULTILINE)


# A line that is only a sign-off starts the signature, even as the reply's first line.
SIGN_OFF = re.compile(r"^\s*(salam( hormat)?|hormat (saya|kami)|wassalam\w*|terima ?kasih|regards|"
                      r"best regards|kind regards|thanks|thank you|cheers)\s*[,.!]?\s*$",
                      re.IGNORECASE | re.MULTILINE)


def extract_reply(text: str) -> str:
    """The reply's own words, or '' when it says nothing new."""
    text = text.replace("\r\n", "\n")
    cut = SEPARATOR.search(text)
    if cut:
        text = text[:cut.start()]
    try:
        replies = EmailMessage(text=text, languages=LANGUAGES, keep_hyphen_lists=True).read().replies
        latest = replies[0].body if replies else ""
    except Exception:  # the parser is a heuristic; never lose a reply to it
        latest = text
    sign_off = SIGN_OFF.search(latest)
    if sign_off:
        latest = latest[:sign_off.start()]
    lines = [ln for ln in latest.split("\n") if not ln.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
