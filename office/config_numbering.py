"""[letters] numbering, reserved, agenda_time and classification (the declared [letters] table,
office.config_letter_keys, read by office.config's reader `r`):
where an outgoing letter's number comes from, and its kode klasifikasi per kind."""

from __future__ import annotations

import re

from office.config_letter_keys import CODE, LettersTable
from sop.directory import Directory
from sop.procedure import Duration


def plain_code(r, table: LettersTable) -> str:
    """[letters] classification as one code for every kind (a table is read by numbering_settings)."""
    code = table.classification
    if isinstance(code, dict):
        return code.get("jawaban", CODE)
    if not isinstance(code, str):
        r.fail("letters", "classification", f"harus berupa teks, tertulis {code!r}")
    return code


def numbering_settings(r, table: LettersTable, directory: Directory) -> dict:
    """[letters] numbering, reserved, agenda_time and classification: where numbers come from."""
    numbering, block = table.numbering, table.reserved
    if numbering == "agenda" and "agenda" not in directory.officials:
        r.fail("letters", "numbering", 'numbering = "agenda" memerlukan bagian [roles.agenda] (nama dan surel '
                                       'petugas TU yang memegang buku agenda surat keluar)')
    reserved = None
    if block is not None:
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", block)
        if m is None or int(m.group(1)) < 1 or int(m.group(1)) > int(m.group(2)):
            return r.fail("letters", "reserved", f'harus berupa rentang nomor urut, misalnya "1200-1299"; tertulis {block!r}')
        if numbering != "agenda":
            r.fail("letters", "reserved", 'hanya berlaku bila numbering = "agenda"')
        reserved = (int(m.group(1)), int(m.group(2)))
    try:
        agenda_time = Duration.parse(table.agenda_time)
    except ValueError as exc:
        r.fail("letters", "agenda_time", str(exc))
    codes = table.classification
    if isinstance(codes, dict):
        for kind, code in codes.items():
            if not isinstance(code, str) or not re.fullmatch(r"\d+(\.\d+)*", code):
                r.fail("letters.classification", kind, f"kode klasifikasi harus berupa angka bertitik, misalnya "
                                                       f'"000.8.3.4"; tertulis {code!r}')
        return dict(numbering=numbering, reserved=reserved, agenda_time=agenda_time, codes=tuple(codes.items()))
    return dict(numbering=numbering, reserved=reserved, agenda_time=agenda_time)
