"""What each file format we write can hold: the last guard at the sink, whatever the source.

Text reaching a letter, a report or a calendar file has been normalised at intake already
(intake.text); these functions make sure of it where the file is written, so that a value
from any path (an old book, a configuration, a future channel) can never add a paragraph to
a letter, break an XML file, or become a formula in a spreadsheet. Pure.
"""

from __future__ import annotations

import re

# Everything XML 1.0 forbids, and every other control character but TAB (a tab stop in
# Word): in a letter's run, docxtpl reads \a as a new paragraph, \n as a line break, \f as
# a page break.
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")
# Direction controls reorder what a reader sees; never in a document we sign.
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def one_line(value: str) -> str:
    """A value for one run of a document: controls but TAB become spaces, direction marks go."""
    if value.isascii() and value.isprintable():
        return value
    return BIDI.sub("", UNSAFE.sub(" ", value))


def plain(value):
    """`one_line` over every string of a nested context (dicts, lists, tuples)."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def xml_text(value: str) -> str:
    """A value for an XML file that keeps line ends (a report's cell): only LF and TAB stay."""
    return BIDI.sub("", re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", " ", value))


def spreadsheet_text(value: str) -> str:
    """A cell that a spreadsheet must show as text, never run (OWASP CSV injection): a value
    that starts like a formula gets a leading apostrophe, as spreadsheet users type it."""
    value = xml_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value
