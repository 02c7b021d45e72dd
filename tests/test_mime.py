"""intake.mime builds the very tree the standard parser builds, whatever the bytes.

The fast structure split must never change what intake reads: for every message the tree
(headers, payload strings, preamble, epilogue, defects) equals the standard parser's with
line ends kept. Well-formed messages must take the fast path (else the speed is gone
silently); everything odd must reach the standard parser.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import random
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import mime
from intake.parse import parse_message
from tests.hostile import cases

CORPUS = [p.read_bytes() for p in sorted((Path(__file__).parent / "corpus").glob("*.eml"))]
HOSTILE = [raw for _, raw, _ in cases(big=False)]
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def standard(raw: bytes):
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="ascii", errors="surrogateescape", newline="")
    return email.parser.Parser(policy=email.policy.compat32).parse(stream)


def tree(msg) -> tuple:
    payload = msg._payload
    return (msg._headers, msg.get_unixfrom(), msg.preamble, msg.epilogue, [type(d).__name__ for d in msg.defects],
            msg.get_default_type(), [tree(p) for p in payload] if isinstance(payload, list) else payload)


def fast(raw: bytes) -> bool:
    """Whether `raw` takes the fast path (no fallback to the standard parser)."""
    text = raw.decode("ascii", "surrogateescape")
    if mime.BARE_CR.search(text):
        return False
    try:
        mime._message(text, 0, len(text), chop=False)
    except mime.Unusual:
        return False
    return True


def complaint(i: int, *, lf: bool = False, photo: bool = False, html: bool = False, forward: bool = False,
              preamble: str | None = None, epilogue: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Warga {i} <warga{i}@warga.test>"
    msg["To"] = "pengaduan@kecamatan.test"
    msg["Subject"] = f"Jalan rusak {i}"
    msg.set_content(f"Jalan di RT {i} rusak.\n\n--\nWarga {i}\n")
    if html:
        msg.add_alternative(f"<p>Jalan di RT {i} rusak.</p>", subtype="html")
    if photo:
        msg.add_attachment(random.Random(i).randbytes(3000), maintype="image", subtype="jpeg", filename="foto.jpg")
    if forward:
        inner = EmailMessage()
        inner["From"] = "Asal <asal@warga.test>"
        inner["Subject"] = "Keluhan asli"
        inner.set_content("Isi keluhan asli.\n")
        msg.add_attachment(inner)
    if preamble is not None:
        msg.preamble = preamble
    if epilogue is not None:
        msg.epilogue = epilogue
    raw = msg.as_bytes(policy=email.policy.SMTP)
    return raw.replace(b"\r\n", b"\n") if lf else raw


WELL_FORMED = [complaint(i, lf=lf, photo=photo, html=html, forward=forward, preamble=pre, epilogue=epi)
               for i, (lf, photo, html, forward, pre, epi) in enumerate([
                   (False, False, False, False, None, None), (True, False, False, False, None, None),
                   (False, True, False, False, None, None), (False, True, True, False, None, None),
                   (True, True, True, True, None, None), (False, False, True, True, "Pesan MIME.", "Akhir."),
                   (False, True, False, False, "", ""), (True, True, True, False, "\n", "\n\n")])]


@pytest.mark.parametrize("raw", CORPUS + HOSTILE + WELL_FORMED)
def test_same_tree_as_the_standard_parser(raw):
    assert tree(mime.parse(raw)) == tree(standard(raw))


def test_well_formed_mail_takes_the_fast_path():
    assert all(fast(raw) for raw in WELL_FORMED)
    # The hand-made corpus's ordinary messages too; delivery reports keep the standard parser.
    ordinary = [raw for raw in CORPUS if b"delivery-status" not in raw and b"boundary" in raw]
    assert sum(map(fast, ordinary)) >= len(ordinary) * 0.8


@pytest.mark.parametrize("raw", [
    complaint(1, photo=True).replace(b"\r\n", b"\r", 3),  # a bare CR splits lines for the standard parser
    complaint(2, photo=True).rsplit(b"--", 2)[0],  # no close delimiter
    complaint(3, photo=True).replace(b"Content-Type: multipart/mixed;", b"Content-Type: multipart/digest;"),
    b"From: a@b.test\r\nSubject: x\r\nbukan header\r\n\r\nIsi.",  # a body line among the headers
])
def test_odd_shapes_go_to_the_standard_parser(raw):
    assert not fast(raw)
    assert tree(mime.parse(raw)) == tree(standard(raw))


def test_doubled_delimiters_are_left_to_the_standard_parser():
    raw = complaint(4, photo=True)
    boundary = mime.parse(raw).get_boundary().encode()
    doubled = raw.replace(b"--" + boundary + b"\r\n", b"--" + boundary + b"\r\n--" + boundary + b"\r\n", 1)
    assert not fast(doubled)
    assert tree(mime.parse(doubled)) == tree(standard(doubled))


def test_binary_attachment_keeps_its_crlf_bytes():
    data = b"\x00\x01baris satu\r\nbaris dua\r\n\xff"
    raw = (b"From: Warga <w@warga.test>\r\nTo: pengaduan@kecamatan.test\r\nSubject: Berkas\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
           b"--b1\r\nContent-Type: text/plain\r\n\r\nLihat berkas.\r\n"
           b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
           b"Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\n" + data + b"\r\n--b1--\r\n")
    assert fast(raw)
    assert parse_message(raw).attachments[0].data == data


def test_base64_photo_is_read_whole():
    photo = random.Random(9).randbytes(200_000)
    msg = EmailMessage()
    msg["From"] = "Warga <w@warga.test>"
    msg.set_content("Foto terlampir.")
    msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="foto.jpg")
    raw = msg.as_bytes(policy=email.policy.SMTP)
    assert fast(raw) and base64.b64encode(photo)[:76] in raw
    assert parse_message(raw).attachments[0].data == photo


@FUZZ
@given(st.sampled_from(CORPUS + WELL_FORMED), st.integers(min_value=0, max_value=6000),
       st.sampled_from([b"\r\n", b"\n", b"--", b"\r\n--", b"\r\n\r\n", b"\r", b"-- ", b"--\r\n"]) | st.binary(max_size=12),
       st.integers(min_value=0, max_value=300))
def test_damaged_mail_gives_the_same_tree(seed, at, junk, cut):
    at = min(at, len(seed))
    damaged = seed[:at] + junk + seed[at + cut:]
    assert tree(mime.parse(damaged)) == tree(standard(damaged))
