"""[letters] signing, verify_url, tte_roots and the tembusan per letter kind, from the declared
[letters] table (office.config_letter_keys) read by office.config's reader `r`: how the office
signs its letters and who gets a copy of each kind."""

from __future__ import annotations

from office.config_letter_keys import LettersTable


def signing_settings(r, table: LettersTable) -> dict:
    """[letters] signing ("segel", "basah" or "tte"), where the seal's key is published, and the
    trust roots of certified (TTE) signatures."""
    if not all(isinstance(p, str) and p.strip() for p in table.tte_roots):
        r.fail("letters", "tte_roots", "harus berupa daftar path berkas PEM, misalnya [\"kunci/akar-bsre.pem\"]")
    return {"signing": table.signing, "verify_url": table.verify_url.strip(),
            "tte_roots": tuple(r.path_of(str(p)) for p in table.tte_roots)}


def tembusan_settings(r, table: LettersTable) -> dict[str, tuple[str, ...]]:
    """[letters.tembusan]: who gets a copy, per letter kind (`jawaban = [...]`, `pelimpahan =
    [...]`; the notices none by default). `[letters] tembusan = [...]`, the earlier single list,
    still works and means the answer's."""
    value = table.tembusan
    if isinstance(value, tuple):
        value = {"jawaban": value}
    if not isinstance(value, dict):
        r.fail("letters", "tembusan", f"harus berupa daftar atau tabel [letters.tembusan], tertulis {value!r}")
    out = {}
    for kind, names in value.items():
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            r.fail("letters.tembusan", kind, f"harus berupa daftar teks, tertulis {names!r}")
        out[kind] = tuple(names)
    return out
