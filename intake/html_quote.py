"""The quotation and signature of an HTML reply, found by the structure mail clients write.

Outlook (desktop, on the web, the new Outlook) writes no blockquote: the reply, then an <hr>
(on the web) or a div with a thin top border (desktop), then a header block ("Dari:",
"Dikirim:", "Kepada:", "Subjek:" or "From:", "Sent:", "To:", "Subject:"), and the original as
a sibling after it, not inside it. Everything from that divider on is the quotation. Webmails
put the signature in an element of its own: Roundcube's div#signature, Thunderbird's
div.moz-signature, Outlook's div#Signature, Gmail's div.gmail_signature; it is never part of
an answer.

Pure, on intake.html_tree (the standard library's HTML parser): the cut is made on the source
text, so what is kept is the writer's markup as it was.
"""

from __future__ import annotations

import re
from itertools import islice

from intake import html_tree

# Outlook's header block: its first label, in the languages officials' Outlook speaks.
HEADER_LABEL = re.compile(r"^\s*(Dari|From|Van|De|Von)\s*:", re.IGNORECASE)
HEADER_LABELS = re.compile(r"\b(Dikirim|Terkirim|Sent|Tanggal|Date|Kepada|To|Subjek|Perihal|Subject)\s*:",
                           re.IGNORECASE)
# Outlook desktop's divider: a div with no border but a thin solid top border.
DESKTOP_DIVIDER = re.compile(r"border-top\s*:\s*solid\s+#(E1E1E1|B5C4DF)", re.IGNORECASE)
# Roundcube, Outlook on the web, Outlook for iOS and Android; Thunderbird, Gmail.
SIGNATURE_IDS = {"signature", "Signature", "ms-outlook-mobile-signature"}
SIGNATURE_CLASSES = {"moz-signature", "gmail_signature"}


def _kind(element: html_tree.Element) -> str | None:
    """"outlook" (its header block), "divider" (Outlook desktop's, a candidate), "signature"."""
    if element.attrs.get("id") == "divRplyFwdMsg":
        return "outlook"
    if element.tag == "div" and DESKTOP_DIVIDER.search(element.attrs.get("style") or ""):
        return "divider"
    if element.tag not in html_tree.VOID and (element.attrs.get("id") in SIGNATURE_IDS
                                              or SIGNATURE_CLASSES & element.classes()):
        return "signature"
    return None


def _is_header_block(element: html_tree.Element) -> bool:
    text = " ".join(element.text_content(" ").split())
    return bool(HEADER_LABEL.match(text)) and len(HEADER_LABELS.findall(text)) >= 2


def cut_html_quote(html: str) -> str | None:
    """The HTML without an Outlook quotation (from its divider to the end) and without its
    signature elements; None when it has neither, so other readers look at it whole."""
    root = html_tree.parse(html)
    if root is None:
        return None
    cut = None
    for element in root.iter():
        kind = _kind(element)
        if kind in ("outlook", "divider") and _is_header_block(element):
            # the <hr> right above Outlook on the web's header block goes with it
            cut = element.rule_above if kind == "outlook" and element.rule_above is not None else element.start
            break
    signatures = [e for e in root.iter(into=lambda e: _kind(e) != "signature")
                  if _kind(e) == "signature" and e.end is not None and (cut is None or e.start < cut)]
    if cut is None and not signatures:
        return None
    kept = html if cut is None else html[:cut]
    for element in reversed(signatures):  # from the end, so the offsets before stay right
        kept = kept[:element.start] + kept[element.end:]
    return kept


# What a client writes above a forwarded message: a forward keeps its quotation.
FORWARD_START = re.compile(r"\s*-+ *(Forwarded message|Pesan (yang )?di ?teruskan|Pesan terusan|Message transf[ée]r[ée]|"
                           r"Weitergeleitete Nachricht|Doorgestuurd bericht) *-+", re.IGNORECASE)
# Outlook 2007 to 2013 (international and American) and Windows Mail: the divider's exact style.
OUTLOOK_DIVIDERS = {
    "border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0cm 0cm 0cm",
    "border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0in 0in 0in",
    "border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm",
    "border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in",
    "padding-top: 5px; border-top-color: rgb(229, 229, 229); border-top-width: 1px; border-top-style: solid;",
}
HEADER_START = ("From:", "Date:")


def cut_quoted_block(html: str) -> str | None:
    """The HTML without the element that holds its quotation, by the first of the clients'
    shapes it has (Gmail's div.gmail_quote, Zimbra's divider, the last outer blockquote of
    Apple Mail, Thunderbird and Yahoo, Outlook's divider and what follows it, Outlook for
    Mac's quoted section, a block starting "From:"); None when it has none. The text left
    is then read for quote headers and quoted lines (intake.quote_text)."""
    root = html_tree.parse(html)
    if root is None:
        return None
    for find in (_gmail_quote, _zimbra_divider, _blockquote, _outlook_divider, _outlook_mac, _header_block):
        cut = find(root)
        if cut is not None:
            return html[:cut[0]] + html[cut[1]:]
    return None


Span = tuple[int, int]


def _removed(element: html_tree.Element) -> Span:
    """The element with its tail."""
    return element.start, element.after if element.after is not None else element.start


def _with_following(element: html_tree.Element) -> Span:
    """The element and everything after it in its parent."""
    parent = element.parent
    return element.start, parent.inner_end if parent is not None and parent.inner_end is not None else element.start


def _gmail_quote(root: html_tree.Element) -> Span | None:
    quote = next((e for e in root.iter() if e.tag == "div" and "gmail_quote" in e.classes()), None)
    if quote is None or FORWARD_START.match(html_tree.text_starts(quote, 64)[quote]):
        return None
    return _removed(quote)


def _zimbra_divider(root: html_tree.Element) -> Span | None:
    divider = next((e for e in root.iter() if e.tag == "hr" and e.attrs.get("data-marker") == "__DIVIDER__"), None)
    return _removed(divider) if divider else None


def _blockquote(root: html_tree.Element) -> Span | None:
    """The last blockquote not inside another (Gmail's own blockquote is left to _gmail_quote)."""
    outer = [e for e in root.iter(into=lambda e: e.tag != "blockquote")
             if e.tag == "blockquote" and e.attrs.get("class") != "gmail_quote"]
    return _removed(outer[-1]) if outer else None


def _outlook_divider(root: html_tree.Element) -> Span | None:
    for element in root.iter():
        if element.tag == "div" and element.attrs.get("style") in OUTLOOK_DIVIDERS:
            parent = element.parent
            if parent is not None and parent.parent is not None and parent.children[0] is element:
                element = parent  # Outlook 2010 wraps the divider and the header block in a div
            return _with_following(element)
        outer = _outlook_2003(element) if element.tag == "hr" else None
        if outer is not None:
            return _with_following(outer)
    return None


def _outlook_2003(hr: html_tree.Element) -> html_tree.Element | None:
    """The outer div of div > div.MsoNormal (centred) > font > span > hr (size 3, full width,
    centred), Outlook 2003's divider."""
    chain = list(islice(hr.ancestors(), 4))
    if len(chain) < 4 or [e.tag for e in chain] != ["span", "font", "div", "div"]:
        return None
    centred = chain[2].attrs
    shape = (hr.attrs.get("size"), hr.attrs.get("width"), hr.attrs.get("align"), hr.attrs.get("tabindex"),
             centred.get("class"), centred.get("align"), centred.get("style"))
    return chain[3] if shape == ("3", "100%", "center", "-1", "MsoNormal", "center", "text-align:center") else None


def _outlook_mac(root: html_tree.Element) -> Span | None:
    section = next((e for e in root.iter() if e.attrs.get("id") == "OLK_SRC_BODY_SECTION"), None)
    return _removed(section) if section else None


def _header_block(root: html_tree.Element) -> Span | None:
    """The div whose text starts with "From:" or "Date:" and what follows it, unless it is
    all the mail; else a "From:" right after an element (an <hr>) and what follows it."""
    starts = html_tree.text_starts(root)
    blocks = [e for e in root.iter() if e is not root and starts[e].startswith(HEADER_START)]
    if blocks:
        div = next((e for e in [blocks[-1], *blocks[-1].ancestors()] if e.tag == "div"), None)
        if div is None:
            return None
        holder = div.parent
        if not (holder is not None and holder is html_tree.body(root) and len(html_tree.element_children(holder)) == 1):
            return _with_following(div)
    after = next((e for e in root.iter() if e is not root and e.tail.startswith(HEADER_START)), None)
    if after is None or FORWARD_START.match(after.parent.text if after.parent else ""):
        return None
    return _with_following(after)
