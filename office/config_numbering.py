"""[letters] numbering, reserved, agenda_time and classification (office.config's reader `r`):
where an outgoing letter's number comes from, and its kode klasifikasi per kind."""

from __future__ import annotations

import re

from sop.directory import Directory
from sop.procedure import Duration


def plain_code(r) -> str:
    """[letters] classification as one code for every kind (a table is read by numbering_settings)."""
    table = r.data.get("letters", {}).get("classification")
    if isinstance(table, dict):
        return table.get("jawaban", "000.8.3.4")
    return r.get("letters", "classification", str, "000.8.3.4")


def numbering_settings(r, directory: Directory) -> dict:
    """[letters] numbering, reserved, agenda_time and classification: where numbers come from."""
    numbering = r.get("letters", "numbering", str, "buku", ("buku", "agenda"))
    if numbering == "agenda" and "agenda" not in directory.officials:
        r.fail("letters", "numbering", 'numbering = "agenda" memerlukan bagian [roles.agenda] (nama dan surel '
                                       'petugas TU yang memegang buku agenda surat keluar)')
    block = r.get("letters", "reserved", str, None)
    reserved = None
    if block is not None:
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", block)
        if m is None or int(m.group(1)) < 1 or int(m.group(1)) > int(m.group(2)):
            return r.fail("letters", "reserved", f'harus berupa rentang nomor urut, misalnya "1200-1299"; tertulis {block!r}')
        if numbering != "agenda":
            r.fail("letters", "reserved", 'hanya berlaku bila numbering = "agenda"')
        reserved = (int(m.group(1)), int(m.group(2)))
    try:
        agenda_time = Duration.parse(r.get("letters", "agenda_time", str, "1 jam"))
    except ValueError as exc:
        r.fail("letters", "agenda_time", str(exc))
    raw = r.data.get("letters", {}).get("classification", "000.8.3.4")
    if isinstance(raw, dict):
        for kind, code in raw.items():
            if not isinstance(code, str) or not re.fullmatch(r"\d+(\.\d+)*", code):
                r.fail("letters.classification", kind, f"kode klasifikasi harus berupa angka bertitik, misalnya "
                                                       f'"000.8.3.4"; tertulis {code!r}')
        return dict(numbering=numbering, reserved=reserved, agenda_time=agenda_time, codes=tuple(raw.items()))
    return dict(numbering=numbering, reserved=reserved, agenda_time=agenda_time)
