"""Plain names the edges use from the layers below: the moment now and the book's ISO text read
back, the words staff read for states and channels, a date as a letter writes it, a line of
desk text cleaned, the book search's filters, a file handed in at the desk, where LibreOffice
is installed (None when it is not: letters stay Word files), a report's file written whole or
not at all.

Re-exported here, unchanged, so that `jobs/` imports `office/` alone (tests/test_architecture.py):
what the command line, the daemon and the desk do with the book goes through the office's
functions; these are values, pure helpers and a file writer that knows no book.
"""

from __future__ import annotations

from intake.parse import Attachment
from intake.text import clean_line
from letters.dates import tanggal as date_words
from letters.pdf import libreoffice
from sop.book import parse_iso
from sop.book.search import CONTROL, ORDER, Filters
from sop.clock import WITA, utcnow
from sop.files import write_atomically
from sop.terms import CHANNEL_WORDS, SATISFACTION_WORDS, state_words

__all__ = ["CHANNEL_WORDS", "CONTROL", "ORDER", "SATISFACTION_WORDS", "WITA", "Attachment", "Filters", "clean_line",
           "date_words", "libreoffice", "parse_iso", "state_words", "utcnow",
           "write_atomically"]
