"""A configuration file that is not valid TOML, said as an administrator can fix it: the line
and what is wrong there in Indonesian, instead of tomllib's "Illegal character '\\n' (at line
54, column 26)" or "Invalid value (at end of document)". Pure."""

from __future__ import annotations

import re

# tomllib's message (its beginning) and what it means for someone editing the file by hand.
MEANINGS = (
    ("Illegal character '\\n'", "tanda kutip tidak ditutup sebelum akhir baris"),
    ("Unterminated string", "tanda kutip tidak ditutup"),
    ("Expected '\"'", "tanda kutip tidak ditutup"),
    ("Expected \"'\"", "tanda kutip tidak ditutup"),
    ("Illegal character", "ada karakter yang tidak boleh ada di sini"),
    ("Invalid value", "nilainya tidak sah: teks diapit tanda kutip (\"…\"), angka tanpa kutip, ya/tidak ditulis "
                      "true/false"),
    ("Expected '=' after a key", "sesudah nama kunci harus ada tanda ="),
    ("Expected ']' at the end of a table", "nama bagian tidak ditutup dengan ]"),
    ("Expected newline or end of document", "ada tulisan berlebih sesudah nilai (komentar diawali #)"),
    ("Cannot overwrite a value", "kunci yang sama ditulis dua kali"),
    ("Cannot declare", "bagian yang sama ditulis dua kali"),
    ("Unclosed array", "daftar yang dibuka dengan [ tidak ditutup dengan ]"),
    ("Unclosed inline table", "tanda { tidak ditutup dengan }"),
)
WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problem(text: str, message: str) -> str:
    """"baris N: <what is wrong>" for tomllib's `message` about `text`."""
    meaning = next((words for start, words in MEANINGS if message.startswith(start)), "penulisan TOML salah")
    found = WHERE.search(message)
    if not found and message.startswith("Invalid value") and _likely_line(text, "[") is not None:
        meaning = "daftar yang dibuka dengan [ tidak ditutup dengan ]"  # tomllib meets the end inside it
    line = int(found[1]) if found else _likely_line(text, meaning)
    shown = f"baris {line}: " if line else ""
    if line and 0 < line <= len(text.splitlines()):
        quoted = text.splitlines()[line - 1].strip()
        if quoted:
            shown += f"{meaning} (`{quoted[:80]}`)"
            return shown
    return shown + meaning


def _likely_line(text: str, meaning: str) -> int | None:
    """Where a mistake that tomllib finds only at the end of the document most likely is."""
    lines = text.splitlines()
    if "dua kali" in meaning:
        return _repeated_key(lines)
    if "tanda kutip" in meaning:
        for number, line in enumerate(lines, start=1):
            body = line.split("#", 1)[0] if line.count('"') < 2 else line
            if (body.count('"') - body.count('\\"')) % 2 or body.count('"""') % 2 or body.count("'") % 2:
                return number
    if "[" in meaning or "{" in meaning:
        opened = [n for n, line in enumerate(lines, start=1)
                  if re.search(r"=\s*[\[{]", line) and line.count("[") + line.count("{") >
                  line.count("]") + line.count("}")]
        return opened[-1] if opened else None
    return None


def _repeated_key(lines: list[str]) -> int | None:
    seen: set[tuple[str, str]] = set()
    table = ""
    for number, line in enumerate(lines, start=1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]", line)
        if header:
            table = header[1]
            if line.lstrip().startswith("[[") is False and ("[", table) in seen:
                return number
            seen.add(("[", table))
            continue
        key = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*=", line)
        if key:
            if (table, key[1]) in seen:
                return number
            seen.add((table, key[1]))
    return None
