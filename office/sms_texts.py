"""What the office says by SMS, one short Indonesian text per event, written for one 160-character
GSM 7-bit message where the facts allow (the gateway splits a longer one). Pure: each text is
made from plain facts and passed through intake.sms_gateway.gsm7, so that no character of a
name or a reason forces UCS-2; tests/test_sms.py checks every text's characters."""

from __future__ import annotations

from typing import Callable

from intake.sms_gateway import gsm7

SKM_WORDS = {1: "tidak baik", 2: "kurang baik", 3: "baik", 4: "sangat baik"}
FEEDBACK_HOW = "Balas PUAS, TIDAK PUAS: alasan, atau nilai 1-4."


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _ack(f: dict) -> str:
    return (f"{f['office']}: pengaduan Anda dicatat no. {f['number']}, kode akses {f['code']}. Jawaban paling "
            f"lambat {f['due']}. Cek status: kirim STATUS {f['number']} {f['code']}")


def _ask(f: dict) -> str:
    return (f"{f['office']}: untuk pengaduan {f['number']} mohon lengkapi: {_short(f['what'])}. Balas SMS ini "
            f"dengan keterangannya.")


def _extended(f: dict) -> str:
    return (f"{f['office']}: penanganan pengaduan {f['number']} diperpanjang {f['days']} hari kerja "
            f"({_short(f['reason'], 80)}). Jawaban paling lambat {f['due']}.")


def _forwarded(f: dict) -> str:
    return (f"{f['office']}: pengaduan {f['number']} dilimpahkan kepada {_short(f['body'], 80)} yang berwenang. "
            f"Tanggapannya kami teruskan kepada Anda.")


def _ready(f: dict) -> str:
    return f"{f['office']}: jawaban pengaduan {f['number']} sudah siap. {f['how']}"


def _delivered(f: dict) -> str:
    where = "dikirim ke surel Anda" if f.get("by_email") else "disampaikan"
    return f"{f['office']}: jawaban pengaduan {f['number']} telah {where}. Puas? {FEEDBACK_HOW}"


def _judged(f: dict) -> str:
    if f.get("verdict") == "tidak_puas":
        return (f"{f['office']}: keberatan Anda atas jawaban {f['number']} dicatat dan ditelaah kembali. "
                f"Kami kabari hasilnya.")
    rating = f" (nilai {f['rating']}: {SKM_WORDS[f['rating']]})" if f.get("rating") in SKM_WORDS else ""
    return f"{f['office']}: terima kasih, tanggapan puas{rating} atas jawaban {f['number']} dicatat. Pengaduan selesai."


def _objection_closed(f: dict) -> str:
    return f"{f['office']}: keberatan atas jawaban {f['number']} telah diputuskan: {_short(f['reason'], 100)}."


def _rejected(f: dict) -> str:
    return f"{f['office']}: pengaduan {f['number']} tidak dapat ditindaklanjuti: {_short(f['reason'], 100)}."


def _lapsed(f: dict) -> str:
    return f"{f['office']}: pengaduan {f['number']} ditutup karena keterangan yang diminta tidak kami terima."


def _status(f: dict) -> str:
    return f"{f['office']}: {f['number']} {f['state']}. Jawaban paling lambat {f['due']}."


def _help(f: dict) -> str:
    return (f"{f['office']}: untuk menyampaikan pengaduan kirim ADUAN spasi isi pengaduan. Cek status: "
            f"STATUS nomor kode.")


# The event (the engine's template name where it has one) -> its text.
TEXTS: dict[str, Callable[[dict], str]] = {
    "tanda_terima": _ack,
    "permintaan_kelengkapan": _ask,
    "perpanjangan": _extended,
    "pelimpahan": _forwarded,
    "jawaban_siap": _ready,
    "surat_jawaban": _delivered,
    "tanggapan_diterima": _judged,
    "keberatan_ditutup": _objection_closed,
    "penolakan": _rejected,
    "ditutup_tanpa_kelengkapan": _lapsed,
    "status": _status,
    "bantuan": _help,
}


def render_sms(event: str, facts: dict) -> str | None:
    """The SMS for `event`, or None when the office says nothing by SMS about it."""
    make = TEXTS.get(event)
    return gsm7(make(facts)).strip() if make else None
