"""Data only: the default SOP, the email templates and the Word letter template.

Being a package lets the files install with the code; TEMPLATES is where they are.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent
