"""A generated corpus of hostile and broken mail, each case with the outcome intake must reach.

Deterministic (seeded), built in memory: nothing here is a file from the outside world.
Each case is (name, raw bytes, expected kind), the kind being what the book records.
"""

from __future__ import annotations

import base64
import io
import random
import zipfile

OFFICE = "pengaduan@kecamatan.test"


def _msg(headers: dict[str, str] | list[tuple[str, str]], body: bytes | str, *, raw_headers: bytes = b"") -> bytes:
    items = headers.items() if isinstance(headers, dict) else headers
    head = "".join(f"{k}: {v}\r\n" for k, v in items).encode("utf-8", "surrogateescape") + raw_headers
    body = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    return head + b"\r\n" + body


def _base(i: int, **extra) -> dict[str, str]:
    return {"From": f"Warga {i} <warga{i}@hostile.test>", "To": OFFICE, "Subject": f"Uji {i}",
            "Message-ID": f"<hostile-{i}@hostile.test>", **extra}


def cases(big: bool = True) -> list[tuple[str, bytes, str]]:
    rng = random.Random(2026)
    out: list[tuple[str, bytes, str]] = []
    n = iter(range(1, 100_000))

    def add(name: str, raw: bytes, kind: str = "complaint") -> None:
        out.append((f"{len(out) + 1:03d}-{name}", raw, kind))

    # Broken MIME boundaries.
    for variant in range(12):
        i = next(n)
        b = f"B{variant}"
        bodies = [
            f"--{b}\r\nContent-Type: text/plain\r\n\r\nTanpa penutup.\r\n",
            f"--X{b}\r\nContent-Type: text/plain\r\n\r\nBatas salah.\r\n--X{b}--\r\n",
            f"Teks sebelum batas --{b} di tengah baris.\r\n--{b}--\r\n",
            f"--{b}\r\n--{b}\r\n--{b}--\r\n--{b}--\r\n",
            f"--{b}\r\nContent-Type: multipart/mixed; boundary={b}\r\n\r\n--{b}\r\n\r\nrekursif\r\n--{b}--\r\n",
            "",
        ]
        add(f"mime-batas-{variant}", _msg(_base(i, **{"MIME-Version": "1.0",
                                                      "Content-Type": f'multipart/mixed; boundary="{b}"'}),
                                          bodies[variant % len(bodies)]))
    for variant, ctype in enumerate(['multipart/mixed; boundary=""', "multipart/alternative",
                                     'multipart/mixed; boundary="a b c d e f g h i j k l m n o p q r s t u v w x y z '
                                     '0 1 2 3 4 5 6 7 8 9 a b c d e f"',
                                     "multipart/", "text/plain; charset=", "; ; ;", "multipart/mixed; boundary=\x00"]):
        add(f"mime-tipe-{variant}", _msg(_base(next(n), **{"Content-Type": ctype}), "Isi.\r\n"))

    # Deep nesting.
    for depth in (10, 50, 100):
        body = "Isi terdalam.\r\n"
        ctype = "text/plain"
        for level in range(depth):
            body = f"--L{level}\r\nContent-Type: {ctype}\r\n\r\n{body}\r\n--L{level}--\r\n"
            ctype = f'multipart/mixed; boundary="L{level}"'
        add(f"bersarang-{depth}", _msg(_base(next(n), **{"MIME-Version": "1.0", "Content-Type": ctype}), body))
    inner = _msg(_base(next(n)), "Pesan terdalam.\r\n")
    for _ in range(60):
        inner = _msg(_base(next(n), **{"Content-Type": "message/rfc822"}), inner)
    add("rfc822-bersarang-60", inner)

    # Size: a 50 MB body, ten thousand attachments, a zip and a decompression bomb.
    if big:
        add("isi-50mb", _msg(_base(next(n)), ("Jalan rusak. " * 4_000_000)[:50 * 2**20]))
        parts = "".join(f"--M\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
                        f"filename=\"f{k}.txt\"\r\n\r\n{k}\r\n" for k in range(10_000))
        add("lampiran-10000", _msg(_base(next(n), **{"MIME-Version": "1.0",
                                                     "Content-Type": 'multipart/mixed; boundary="M"'}),
                                   f"--M\r\nContent-Type: text/plain\r\n\r\nBanyak lampiran.\r\n{parts}--M--\r\n"))
    for label, size in (("zip", 1000), ("bom-zip", 200 * 2**20 if big else 2**20)):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("nol.bin", b"\0" * size)
        data = base64.encodebytes(buf.getvalue()).decode()
        add(label, _msg(_base(next(n), **{"MIME-Version": "1.0", "Content-Type": 'multipart/mixed; boundary="Z"'}),
                        f"--Z\r\nContent-Type: text/plain\r\n\r\nArsip terlampir.\r\n--Z\r\nContent-Type: application/zip\r\n"
                        f"Content-Disposition: attachment; filename=\"{label}.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                        f"{data}--Z--\r\n"))

    # NUL bytes and invalid UTF-8.
    for variant in range(8):
        i = next(n)
        raw = _msg(_base(i), "Teks\x00dengan\x00NUL\r\n".encode() * (variant + 1))
        if variant % 2:
            raw = raw.replace(b"Subject: Uji", b"Subject: U\x00ji", 1)
        add(f"nul-{variant}", raw)
    for variant in range(40):
        i = next(n)
        junk = bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 40)))
        field = rng.choice([b"Subject", b"From", b"To", b"Content-Type", b"Content-Disposition"])
        headers = [(k, v) for k, v in _base(i).items() if k.encode() != field]
        value = junk if field != b"From" else b"W\xffarga <warga" + str(i).encode() + b"@hostile.test>"
        add(f"utf8-rusak-{variant}", _msg(headers, "Isi.\r\n", raw_headers=field + b": " + value + b"\r\n"))

    # Huge headers.
    add("subjek-1mb", _msg(_base(next(n), Subject="A" * 2**20), "Isi.\r\n"))
    many = [(f"X-Pad-{k}", "x" * 100) for k in range(10_000)]
    add("header-1mb", _msg([*_base(next(n)).items(), *many], "Isi.\r\n"))
    add("kata-tersandi-1000", _msg(_base(next(n), Subject=" ".join(["=?utf-8?b?SmFsYW4=?="] * 1000)), "Isi.\r\n"))

    # Attachment names that must never become paths.
    names = ["../../../../etc/passwd", "/etc/shadow", "..\\..\\windows\\system32\\cmd.exe", "C:\\boot.ini",
             "CON", "NUL.txt", "aux.pdf", "COM1", "LPT9.doc", "prn", "a" * 400 + ".pdf", ".", "..", "",
             "\u202egpj.exe", "laporan\u202efdp.scr", "nama\r\nBcc: x@evil.test.pdf", "berkas\x00.pdf",
             "~/.ssh/authorized_keys", "%2e%2e%2fetc%2fpasswd", "😀.png", "....//....//x", "con.",
             "file:///etc/passwd", "\\\\server\\share\\x", "dir/", "a/b/c/d/e.txt", " ", "-rf", "*"]
    for k, name in enumerate(names):
        encoded = name.replace("\\", "\\\\").replace('"', '\\"')
        add(f"nama-lampiran-{k}", _msg(_base(next(n), **{"MIME-Version": "1.0",
                                                         "Content-Type": 'multipart/mixed; boundary="N"'}),
                                       f"--N\r\nContent-Type: text/plain\r\n\r\nLampiran.\r\n--N\r\nContent-Type: "
                                       f"application/octet-stream\r\nContent-Disposition: attachment; "
                                       f"filename=\"{encoded}\"\r\n\r\nisi\r\n--N--\r\n"))

    # Direction overrides and injection attempts in headers.
    for k, subject in enumerate(["\u202eexe.pdf pengaduan", "Jalan \u2066rusak\u2069", "=?utf-8?q?Halo=0D=0ABcc:_x@evil.test?=",
                                 "=?utf-8?b?SGFsbw0KVG86IHhAZXZpbC50ZXN0?=", "{{ 7*7 }} {% raw %}", "<script>alert(1)</script>",
                                 "'; DROP TABLE complaints; --", "${jndi:ldap://x}", "\u200f\u200eRTL", "%s%s%s%n"]):
        add(f"injeksi-{k}", _msg(_base(next(n), Subject=subject), f"Isi {subject}\r\n"))
    for k, name in enumerate(["Budi\r\nBcc: korban@evil.test", "=?utf-8?q?Budi=0ABcc:_x@evil.test?=", "\u202eidub",
                              "<script>", "{{ config }}"]):
        add(f"nama-injeksi-{k}", _msg([("From", f"{name} <nama{k}@hostile.test>"),
                                       *((a, b) for a, b in _base(next(n)).items() if a != "From")], "Isi.\r\n"))

    # Charsets.
    for k, charset in enumerate(["utf-7", "utf-16", "utf-16-le", "utf-32", "cp1252", "x-unknown", "", "binary",
                                 "iso-2022-jp", "gb2312", "big5", "koi8-r", "latin-9", "us-ascii", "unicode-1-1-utf-7",
                                 "utf8", "UTF-8; format=flowed", "\"utf-8\"", "windows-874", "tis-620"]):
        body = ("Pengaduan tentang jalan — rusak " + "é" * k).encode("utf-8")
        add(f"charset-{k}", _msg(_base(next(n), **{"Content-Type": f"text/plain; charset={charset}",
                                                   "Content-Transfer-Encoding": "8bit"}), body))
    for k, cte in enumerate(["base64", "quoted-printable", "x-uuencode", "7bit", "bogus"]):
        add(f"cte-rusak-{k}", _msg(_base(next(n), **{"Content-Transfer-Encoding": cte}), "=ZZ!!not valid%%\r\n===\r\n"))

    # Machines: auto-replies and broken bounces.
    for k, (header, value) in enumerate([("Auto-Submitted", "auto-replied"), ("Auto-Submitted", "auto-generated"),
                                          ("X-Autoreply", "yes"), ("Precedence", "bulk"), ("Precedence", "junk"),
                                          ("List-Id", "<daftar.hostile.test>"), ("Auto-Submitted", "AUTO-REPLIED"),
                                          ("Precedence", "list"), ("X-Autorespond", "1"), ("Auto-Submitted", "auto-notified")]):
        add(f"otomatis-{k}", _msg(_base(next(n), **{header: value}), "Balasan otomatis.\r\n"), "auto")
    for k in range(10):
        headers = _base(next(n), **{"Content-Type": 'multipart/report; report-type=delivery-status; boundary="R"'})
        if k % 2:
            headers["From"] = "MAILER-DAEMON@hostile.test"
        body = "--R\r\nContent-Type: text/plain\r\n\r\nGagal.\r\n" + ("--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                                                                        "Message-ID: <tidak-dikenal@x>\r\n" if k % 3 else "")
        # A report is a bounce only from a mail system; one a person wrote is kept, not acted on.
        add(f"pantulan-rusak-{k}", _msg(headers, body), "bounce" if k % 2 else "auto")

    # Random garbage, and random mutations of a good message.
    for k in range(60):
        add(f"acak-{k}", _msg(_base(next(n)), bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))))
    good = _msg(_base(0, **{"MIME-Version": "1.0", "Content-Type": 'multipart/alternative; boundary="G"'}),
                "--G\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nJalan rusak.\r\n--G\r\nContent-Type: text/html\r\n\r\n"
                "<p>Jalan <b>rusak</b></p>\r\n--G--\r\n")
    body_start = good.index(b"\r\n\r\n") + 4
    for k in range(70):
        raw = bytearray(good)
        for _ in range(rng.randrange(1, 20)):
            at = rng.randrange(body_start, len(raw))
            raw[at:at + rng.randrange(1, 8)] = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 8)))
        add(f"mutasi-{k}", bytes(raw).replace(b"<hostile-0@", f"<mutasi-{k}@".encode(), 1))
    # The same Message-ID twice: one entry.
    for k in range(5):
        i = next(n)
        add(f"ganda-{k}-a", _msg(_base(i), "Pertama.\r\n"))
        add(f"ganda-{k}-b", _msg(_base(i, Subject="Isi lain, Message-ID sama"), "Kedua.\r\n"), "duplicate")
    return out
