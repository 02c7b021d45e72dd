"""Text from outside, normalised once at the boundary. Pure.

Whatever a citizen or a mail client sends (a subject, a name, a body, a file name, or what
staff type into `catat`) reaches the book only as text that every later format can hold:
no C0 or C1 control characters but TAB and LF, no characters XML 1.0 forbids (Word, ODF and
XLSX files are XML), no Unicode direction controls (which make "gpj.exe" read "exe.jpg").
A control character once turned a citizen's subject into a paragraph of a sealed letter.
"""

from __future__ import annotations

import re

# Line separators of other systems: CR LF, CR, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR.
NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 controls but TAB and LF, DEL, C1 controls, lone surrogates, and the XML noncharacters.
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BLANKS = re.compile(r"[\t\n]+")
# Anything at all that the functions below would change (one scan of a clean text, in C).
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                     "\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """A text of several lines: line ends become LF, controls and direction marks go."""
    if not UNCLEAN.search(text):  # the common case: one scan, no copy
        return text
    if "\r\n" in text:  # mail's own line ends, the usual reason to be here
        text = text.replace("\r\n", "\n")
        if not UNCLEAN.search(text):
            return text
    return BIDI.sub("", CONTROLS.sub("", NEWLINES.sub("\n", text)))


def clean_line(text: str) -> str:
    """A one-line value (a header, a name): also TAB and line ends become a space."""
    if text.isascii() and text.isprintable():
        return text.strip()
    return BLANKS.sub(" ", clean_text(text)).strip()

