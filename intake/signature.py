"""A reply's signature: the lines after its own words that are not part of the answer.

Two layers. strip_signature removes what is never the writer's text: the "-- " block, a
mailing-list or disclaimer footer or a signature below a divider (Roundcube's "---" too),
device lines ("Dikirim dari iPhone saya", "Sent from my BlackBerry", "Dapatkan Outlook untuk
Android"), a trailing "-Nama" line, and a valediction with the name, position, NIP and
telephone lines under it ("Hormat kami,\nBudi", "Salam,", "Regards,", "Pozdrawiam,", in every
language mail-parser-reply knows). strip_closing also removes a closing of thanks ("Terima
kasih,\nBudi") and a courtesy line above the answer ("Terima kasih." then "Setuju."): what a
step's action and a letter's text are made of. A line that reads as text is never taken for a
signature, so a real one-line answer is never dropped.
"""

from __future__ import annotations

import re

from intake.reply_languages import TABLES

# Words that close a letter and never carry its content.
_VALEDICTIONS = [
    r"salam( hormat| sejahtera| hangat)?", r"hormat (saya|kami)", r"wassalam\w*( \S+){0,4}", r"ttd\.?",
    r"(best |kind |warm |warmest |with )?regards", r"best", r"all the best", r"cheers", r"sincerely",
    r"yours( truly| sincerely| faithfully)?", r"cordialement", r"bien (à vous|cordialement)",
    r"saludos( cordiales)?", r"atentamente", r"un saludo", r"cordiali saluti", r"distinti saluti",
    r"met vriendelijke groet(en)?", r"groet(en|jes)?", r"pozdrawiam", r"z powa(ż|z)aniem",
    r"(mit )?(freundlichen|besten|herzlichen|liebe|viele|beste)? ?gr(ü|ue)(ß|ss)(e|en)?", r"lg|vg|mfg",
    r"atenciosamente", r"abraços?", r"s pozdravem", r"с уважением", r"с наилучшими пожеланиями",
]
_GRATITUDE = [
    r"terima ?kasih( banyak| atas perhatian(nya)?| atas kerja ?samanya)?", r"makasih", r"trims",
    r"thanks?( again| a lot| so much)?", r"thank you( very much| so much)?", r"many thanks", r"thx",
    r"danke( schön| sehr)?", r"merci( beaucoup)?", r"gracias", r"muchas gracias", r"grazie( mille)?",
    r"obrigad[oa]", r"bedankt", r"dank u( wel)?", r"tak", r"děkuji", r"děkujeme", r"спасибо",
]
# mail-parser-reply's closings of every language, those of thanks left to _GRATITUDE.
_TABLE = [s.rstrip(",.") for lang in TABLES.values() for s in lang.get("signatures") or []
          if not re.search(r"thank|kasih|tak|dank|děkuj|gracias|감사|고맙|谢谢|kontakt", s, re.IGNORECASE)]


def _line(words: list[str]) -> re.Pattern:
    return re.compile(r"^\s*(" + "|".join(words) + r")\s*[,.!:;，]*\s*$", re.IGNORECASE)


VALEDICTION = _line(_VALEDICTIONS + _TABLE)
GRATITUDE = _line(_GRATITUDE)

_SENT_FROM = "|".join(lang["sent_from"] for lang in TABLES.values() if lang.get("sent_from"))
# The lines a device or mail app adds below the text, in the languages officials' phones speak.
DEVICE = re.compile(
    r"^\s*("
    r"(sent|dikirim|terkirim|sent with|sent via|sent using) (from|dari|with|via|menggunakan|using) (my |the )?"
    r"(iphone|ipad|android|blackberry|samsung|galaxy|huawei|xiaomi|oppo|vivo|realme|mobile|ponsel|"
    r"mail for windows|surel untuk windows|email untuk windows|typeapp|outlook|yahoo|gmail|aol|"
    r"protonmail|proton|bluemail|spark|mymail|zoho|tutanota|airmail|sparrow|newton)[^\n]{0,60}|"
    r"sent from my( \S+){1,4}|dikirim dari ( ?\S+){1,6} saya\.?|"
    r"(get|dapatkan|unduh|download|obtenir|télécharger|obtener|descargar|scarica|baixe|holen sie sich|hent) "
    r"outlook (for|untuk|pour|para|per|für|til) \w+[^\n]{0,80}|"
    r"outlook (for|für|voor|per) \w+ (herunterladen|downloaden|scaricare)[^\n]{0,80}|"
    r"(von meinem|gesendet von meinem|gesendet mit|envoyé de mon|envoyé depuis mon|envoyé à partir de|"
    r"enviado desde mi|enviado do meu|enviado de meu|inviato da|verzonden (vanaf|met) mijn|"
    r"verstuurd vanaf mijn|skickat från min|sendt fra min|wysłane z|wysłano z|отправлено с)[^\n]{0,60}|"
    r"(" + _SENT_FROM + r") ?([\w.<>:/ ]+|(\w+ ){1,3})"
    r")\s*$", re.IGNORECASE)

DELIMITER = re.compile(r"^-- ?$")
# A divider line; "---" alone is Roundcube's signature separator when the reply is written
# above the quotation (a "-- " there would hide the quotation in the reader's client).
DIVIDER = re.compile(r"^\s*(([-_=*—]\s*){5,}|---\s*)$")
HYPHEN_NAME = re.compile(r"^\s*-{1,2}\s?[A-Z][\w.'’]*(\s[A-Z][\w.'’]*){0,3}\s*$")
# What a line of a signature block reads like: a name, a position, an office, a number.
SIGNATURE_LINE = re.compile(
    r"^\s*(\S+\s?){1,8}$|\b(NIP|HP|Telp|Tel|Phone|Mobile|WA|Fax)\b|@|https?://|\+?\d[\d ()-]{6,}", re.IGNORECASE)
FOOTER_WORDS = re.compile(r"mailing list|unsubscribe|listinfo|berhenti berlangganan|https?://|@|"
                          r"disclaimer|pernyataan|perhatian|confidential|rahasia|intended recipient|"
                          r"penerima yang (dituju|dimaksud)", re.IGNORECASE)


def strip_signature(text: str) -> str:
    """The text without what was added below it (see the module's first list)."""
    lines = _cut_footer(_cut_delimiter(text.split("\n")))
    lines = _cut_closing(lines, VALEDICTION, leading=False)
    while True:  # a device line and a -Name line may follow one another
        cut = _trim_blank(_cut_device(_cut_hyphen_name(_trim_blank(lines))))
        if len(cut) == len(lines):
            return "\n".join(cut)
        lines = cut


def strip_closing(text: str) -> str:
    """The answer: the text without a closing of thanks and the lines under it, nor a courtesy
    line above it. A reply that is only a courtesy becomes ''."""
    lines = _cut_closing(text.split("\n"), VALEDICTION, leading=True)
    return "\n".join(_cut_closing(lines, GRATITUDE, leading=True))


def _cut_delimiter(lines: list[str]) -> list[str]:
    """The signature delimiter "-- " on its own line, and everything after it."""
    for i, line in enumerate(lines):
        if DELIMITER.match(line) and i > 0:
            return lines[:i]
    return lines


def _cut_footer(lines: list[str]) -> list[str]:
    """A divider near the end with nothing, a short list or disclaimer footer, or a signature
    block (name, position) below it."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 12), -1):
        if not DIVIDER.match(lines[i]):
            continue
        tail = [ln for ln in lines[i + 1:] if ln.strip()]
        if not tail or (len(tail) <= 6 and (FOOTER_WORDS.search("\n".join(tail))
                                            or all(_signature_line(ln) for ln in tail))):
            return lines[:i]
    return lines


def _cut_closing(lines: list[str], closing: re.Pattern, leading: bool) -> list[str]:
    """A closing line and the signature lines under it. As the text's first line (leading)
    it is a courtesy before the answer, so only that line goes, unless all under it is a name."""
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    for i in content:
        if not closing.match(lines[i]):
            continue
        tail = [ln for ln in lines[i + 1:] if ln.strip()]
        signature = len(tail) <= 8 and all(_signature_line(ln) for ln in tail)
        if i != content[0]:
            if signature:
                return lines[:i]
            continue
        if not leading:  # a valediction is never content: with only a signature under it, it goes
            if signature:
                return lines[:i]
            continue
        if not tail or _name_like(tail) or (signature and lines[i].rstrip().endswith(",")):
            return lines[:i]
        return lines[:i] + lines[i + 1:]
    return lines


def _signature_line(line: str) -> bool:
    return len(line.strip()) <= 72 and bool(SIGNATURE_LINE.search(line)) \
        and not line.rstrip().endswith((".", "?", ":"))


def _name_like(tail: list[str]) -> bool:
    """One line of two to four capitalised words: a name rather than an answer ("Setuju")."""
    return len(tail) == 1 and bool(re.fullmatch(r"\s*[A-Z][\w.'’]*(\s[A-Z][\w.'’]*){1,3}\s*", tail[0]))


def _cut_hyphen_name(lines: list[str]) -> list[str]:
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(content) > 1 and HYPHEN_NAME.match(lines[content[-1]]) \
            and not lines[content[-2]].lstrip().startswith("-"):
        return lines[:content[-1]]
    return lines


def _cut_device(lines: list[str]) -> list[str]:
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    if content and DEVICE.match(lines[content[-1]]):
        return lines[:content[-1]]
    return lines


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
