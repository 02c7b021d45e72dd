"""[letters] signing, verify_url, tte_roots and the tembusan per letter kind (office.config's reader
`r`): how the office signs its letters and who gets a copy of each kind."""

from __future__ import annotations

from letters.seal import SIGNING_MODES


def signing_settings(r) -> dict:
    """[letters] signing ("segel", "basah" or "tte"), where the seal's key is published, and the
    trust roots of certified (TTE) signatures."""
    signing = r.get("letters", "signing", str, "segel", SIGNING_MODES)
    verify_url = r.get("letters", "verify_url", str, "").strip()
    tte_roots = r.get("letters", "tte_roots", list, [])
    if not all(isinstance(p, str) and p.strip() for p in tte_roots):
        r.fail("letters", "tte_roots", "harus berupa daftar path berkas PEM, misalnya [\"kunci/akar-bsre.pem\"]")
    return {"signing": signing, "verify_url": verify_url, "tte_roots": tuple(r.path_of(p) for p in tte_roots)}


TEMBUSAN_KINDS = ("jawaban", "pelimpahan", "kelengkapan", "perpanjangan", "penolakan", "dilimpahkan", "keberatan")


def tembusan_settings(r) -> dict[str, tuple[str, ...]]:
    """[letters.tembusan]: who gets a copy, per letter kind (`jawaban = [...]`, `pelimpahan =
    [...]`; the notices none by default). `[letters] tembusan = [...]`, the earlier single list,
    still works and means the answer's."""
    value = r.data.get("letters", {}).get("tembusan", [])
    if isinstance(value, list):
        value = {"jawaban": value}
    if not isinstance(value, dict):
        r.fail("letters", "tembusan", f"harus berupa daftar atau tabel [letters.tembusan], tertulis {value!r}")
    out = {}
    for kind, names in value.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            r.fail("letters.tembusan", kind, f"harus berupa daftar teks, tertulis {names!r}")
        out[kind] = tuple(names)
    return out
