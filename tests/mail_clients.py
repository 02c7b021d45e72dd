"""Replies to a routing email as real mail clients build them: their structure, header labels,
CSS classes, quoting and line wrapping (format=flowed), for the tests that play the SOP by mail.

Each builder takes the routing email (an imap-tools message), the official (name, address) and
the text the official typed, and returns the reply as a message ready for SMTP.
"""

from __future__ import annotations

import html
import textwrap
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

SIGNATURE = ("{name}", "Kecamatan Palaran")


def _head(routing, sender: tuple[str, str], subject_prefix: str = "Re: ") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = routing.reply_to[0] if routing.reply_to else routing.from_
    msg["Subject"] = subject_prefix + " ".join(routing.subject.split())
    msg["Message-ID"] = make_msgid(domain=sender[1].split("@")[1])
    msg["In-Reply-To"] = routing.headers["message-id"][0]
    msg["References"] = routing.headers["message-id"][0]
    return msg


def _lines(routing) -> list[str]:
    return routing.text.replace("\r\n", "\n").split("\n")


def _br(lines: list[str]) -> str:
    return "<br>\n".join(html.escape(ln) for ln in lines)


def flowed(text: str, width: int = 72, delsp: bool = False, quote: str = "") -> str:
    """Text as a format=flowed client sends it (RFC 3676): each long line broken at spaces,
    every line but a paragraph's last ending in a space (with DelSp=yes, the space is an
    extra one the reader removes), lines starting with a space, '>' or 'From ' stuffed."""
    out: list[str] = []
    for line in text.split("\n"):
        if line == "-- ":
            out.append(quote + line)
            continue
        line = line.rstrip(" ")
        if not line:
            out.append(quote.rstrip() if quote else "")
            continue
        wrapped = textwrap.wrap(line, width - len(quote) - 2, break_long_words=False, break_on_hyphens=False)
        # A soft break ends in a space; with DelSp=yes that space is one more, added to be
        # deleted (RFC 3676 4.2), so the space between the words is written before it.
        soft = "  " if delsp else " "
        wrapped = [w + soft for w in wrapped[:-1]] + wrapped[-1:]
        for piece in wrapped:
            if quote and piece.startswith(">"):
                out.append(quote.rstrip() + piece)  # a quoted quote: ">>", one level deeper
                continue
            if not quote and (piece.startswith((" ", ">")) or piece.startswith("From ")):
                piece = " " + piece
            out.append(quote + piece)
    return "\n".join(out)


def gmail(routing, sender: tuple[str, str], typed: str) -> EmailMessage:
    """Gmail (web, Indonesian): multipart/alternative, reply on top, the original quoted in
    div.gmail_quote > blockquote.gmail_quote; the plain part quotes with "> "."""
    msg = _head(routing, sender)
    attribution = f"Pada Sen, 7 Des 2026 pukul 09.15 {routing.from_values.name} <{routing.from_}> menulis:"
    quoted = "\n".join(">" if not ln else "> " + ln for ln in _lines(routing))
    msg.set_content(f"{typed}\n\n{attribution}\n\n{quoted}\n")
    body = "".join(f"<div>{html.escape(ln) or '<br>'}</div>" for ln in typed.split("\n"))
    msg.add_alternative(
        f'<div dir="ltr">{body}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        f"{html.escape(attribution)}<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px "
        f'0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{_br(_lines(routing))}</blockquote></div>\n',
        subtype="html")
    return msg


def outlook_html(routing, sender: tuple[str, str], typed: str, english: bool = False,
                 multipart: bool = False) -> EmailMessage:
    """Outlook on the web / new Outlook (Indonesian or English), HTML only: the reply, an <hr>,
    div#divRplyFwdMsg with the header block, and the original in a sibling div after it. With
    `multipart`, the plain part it writes too: the header lines under a line of underscores."""
    msg = _head(routing, sender, "RE: ")
    labels = ("From", "Sent", "To", "Subject") if english else ("Dari", "Dikirim", "Kepada", "Subjek")
    sent = "Monday, December 7, 2026 9:15 AM" if english else "Senin, 07 Desember 2026 09.15"
    values = (f"{routing.from_values.name} &lt;{routing.from_}&gt;", sent, html.escape(sender[0]),
              html.escape(" ".join(routing.subject.split())))
    header = "<br>\n".join(f"<b>{label}:</b> {value}" for label, value in zip(labels, values))
    typed_html = "".join(f'<div class="elementToProof" style="font-family: Aptos, Calibri, Helvetica, '
                         f'sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">{html.escape(ln) or "<br>"}</div>'
                         for ln in typed.split("\n"))
    msg.set_content(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>'
        f'<body dir="ltr">{typed_html}<div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" '
        f'color="#000000">{header}</font><div>&nbsp;</div></div>'
        '<div class="BodyFragment"><font size="2"><span style="font-size:11pt;"><div class="PlainText">'
        f"{_br(_lines(routing))}</div></span></font></div>\n</body></html>\n", subtype="html")
    if multipart:
        page = msg.get_content()
        plain = "\n".join(f"{label}: {value}" for label, value in zip(labels, (
            f"{routing.from_values.name} <{routing.from_}>", sent, sender[0], " ".join(routing.subject.split()))))
        msg.set_content(f"{typed}\n\n{'_' * 32}\n{plain}\n\n{routing.text}\n")
        msg.add_alternative(page, subtype="html")
    return msg


def outlook_desktop(routing, sender: tuple[str, str], typed: str, english: bool = False,
                    multipart: bool = False) -> EmailMessage:
    """Outlook desktop (Word HTML): the reply in p.MsoNormal, the header block in a div with a
    thin top border, the original as sibling paragraphs after it; HTML only or with the plain
    part Outlook writes (the header lines above the unquoted original)."""
    msg = _head(routing, sender, "RE: ")
    labels = ("From", "Sent", "To", "Subject") if english else ("Dari", "Dikirim", "Kepada", "Subjek")
    sent = "Monday, December 7, 2026 9:15 AM" if english else "Senin, 07 Desember 2026 09.15"
    values = (f"{routing.from_values.name} <{routing.from_}>", sent, sender[0], " ".join(routing.subject.split()))
    head_html = "<br>\n".join(f"<b>{label}:</b> {html.escape(value)}" for label, value in zip(labels, values))
    paragraphs = "".join(f"<p class=MsoNormal>{html.escape(ln) or '<o:p>&nbsp;</o:p>'}<o:p></o:p></p>"
                         for ln in _lines(routing))
    typed_html = "".join(f"<p class=MsoNormal>{html.escape(ln) or '<o:p>&nbsp;</o:p>'}<o:p></o:p></p>"
                         for ln in typed.split("\n"))
    page = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta http-equiv=Content-Type '
            'content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15 (filtered medium)">'
            '<style><!-- p.MsoNormal {margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;} --></style>'
            f'</head><body lang={"EN-US" if english else "IN"} link="#0563C1" vlink="#954F72" '
            f'style="word-wrap:break-word"><div class=WordSection1>{typed_html}'
            '<p class=MsoNormal><o:p>&nbsp;</o:p></p>'
            '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
            f'<p class=MsoNormal>{head_html}<o:p></o:p></p></div><p class=MsoNormal><o:p>&nbsp;</o:p></p>'
            f"{paragraphs}</div></body></html>\n")
    if multipart:
        head = "\n".join(f"{label}: {value}" for label, value in zip(labels, values))
        msg.set_content(f"{typed}\n\n{head}\n\n{routing.text}\n")
        msg.add_alternative(page, subtype="html")
    else:
        msg.set_content(page, subtype="html")
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    return msg


def iphone(routing, sender: tuple[str, str], typed: str) -> EmailMessage:
    """iPhone Mail (Indonesian): multipart/alternative, reply on top, "Dikirim dari iPhone
    saya", the attribution line inside the quotation, blockquote type=cite in HTML."""
    msg = _head(routing, sender)
    attribution = f"Pada 7 Des 2026, pukul 09.15, {routing.from_values.name} <{routing.from_}> menulis:"
    quoted = "\n".join("> " + ln if ln else ">" for ln in [attribution, "", *_lines(routing)])
    msg.set_content(f"{typed}\n\nDikirim dari iPhone saya\n\n{quoted}\n")
    typed_html = "".join(f'<div dir="ltr">{html.escape(ln) or "<br>"}</div>' for ln in typed.split("\n"))
    spans = "<br>".join(f"<span>{html.escape(ln)}</span>" for ln in _lines(routing))
    msg.add_alternative(
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        f'<body dir="auto">{typed_html}<div dir="ltr"><br id="lineBreakAtBeginningOfSignature">'
        '<div dir="ltr">Dikirim dari iPhone saya</div><div dir="ltr"><br><blockquote type="cite">'
        f"{html.escape(attribution)}<br><br></blockquote></div>"
        f'<blockquote type="cite"><div dir="ltr">{spans}</div></blockquote></div></body></html>\n',
        subtype="html")
    return msg


def _flowed_part(msg: EmailMessage, text: str, delsp: bool) -> None:
    """The text as a format=flowed text/plain part, sent 8bit as these clients send it."""
    msg.set_content(text, charset="utf-8", cte="8bit")
    msg.set_param("format", "flowed")
    if delsp:
        msg.set_param("delsp", "yes")


def thunderbird(routing, sender: tuple[str, str], typed: str, delsp: bool = False,
                below: bool = True) -> EmailMessage:
    """Thunderbird (Indonesian): text/plain, format=flowed at 72 columns, the quote header
    "Pada <tanggal> <waktu>, <nama> menulis:", the reply below the quote (its default) or above
    it, and its signature under "-- "."""
    msg = _head(routing, sender)
    name = sender[0]
    header = f"Pada 07/12/2026 09.15, {routing.from_values.name} menulis:"
    quote = "\n".join(flowed(ln, quote="> ") if ln else ">" for ln in _lines(routing))
    own = flowed(typed + f"\n\n-- \n{name}\nSekretaris Kecamatan Palaran", delsp=delsp)
    text = f"{header}\n{quote}\n\n{own}\n" if below else f"{own}\n\n{header}\n{quote}\n"
    _flowed_part(msg, text, delsp)
    return msg


def roundcube(routing, sender: tuple[str, str], typed: str, delsp: bool = False) -> EmailMessage:
    """Roundcube (Indonesian), reply above the quote: multipart/alternative, the plain part
    format=flowed with "---" above the signature (Roundcube's separator when the quote
    follows), the HTML part with div#signature and blockquote type=cite."""
    msg = _head(routing, sender)
    name = sender[0]
    intro = f"Pada 2026-12-07 09:15, {routing.from_values.name} menulis:"
    quote = "\n".join(flowed(ln, quote="> ") if ln else ">" for ln in _lines(routing))
    own = flowed(f"{typed}\n\n---\n{name}\nKepala Urusan Umum", delsp=delsp)
    _flowed_part(msg, f"{own}\n\n{intro}\n{quote}\n", delsp)
    typed_html = "".join(f"<p>{html.escape(ln)}</p>" for ln in typed.split("\n") if ln)
    msg.make_alternative()
    msg.add_alternative(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /></head>'
        '<body style="font-size: 10pt; font-family: Verdana,Geneva,sans-serif">\n'
        f'{typed_html}\n<div id="signature">---<br />{html.escape(name)}<br />Kepala Urusan Umum</div>\n'
        f'<p><br /></p>\n<p id="reply-intro">{html.escape(intro)}</p>\n'
        '<blockquote type="cite" style="padding: 0 0.4em; border-left: #1010ff 2px solid; margin: 0">'
        '<!-- html ignored --><!-- head ignored --><!-- meta ignored -->\n'
        '<div class="pre" style="margin: 0; padding: 0; font-family: monospace">'
        f"{_br(_lines(routing))}</div>\n</blockquote>\n</body></html>\n", subtype="html")
    return msg
