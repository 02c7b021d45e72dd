"""Data only: the default SOP, the email templates and the Word letter template.

Being a package lets the files install with the code; TEMPLATES is where they are. May
import: the standard library only.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent
