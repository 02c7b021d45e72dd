"""`periksa`'s checks of what an administrator fills in by hand: the sample's placeholder values
left in the configuration, and the staff desk (its accounts, its port, its settings behind nginx
with TLS)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from office.config import Config


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # not fatal: reported, but the office can run


# What the sample configuration (pengaduan siapkan) leaves for the office to replace: names
# with "Contoh", the reserved .test domain (RFC 2606: never a real mailbox), a zero telephone.
PLACEHOLDERS = (re.compile(r"\bContoh\b"), re.compile(r"[@.][a-z0-9-]+\.test\b", re.I), re.compile(r"\b0{6}\b"))
SETTING = re.compile(r'^\s*([A-Za-z_][\w-]*)\s*=\s*(".*?"|\'.*?\'|\[.*\])')


def placeholders(text: str) -> list[str]:
    """The settings of a configuration's text that still hold a sample value, as
    "[section] key (baris N)". Comments are not settings; they keep their examples."""
    found, table = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = header[1]
            continue
        setting = SETTING.match(line)
        if setting and any(p.search(setting[2]) for p in PLACEHOLDERS):
            found.append(f"[{table}] {setting[1]} (baris {number})")
    return found


def placeholder_check(cfg: Config) -> Check:
    try:
        left = placeholders(cfg.path.read_text(encoding="utf-8"))
    except OSError:
        left = []
    if not left:
        return Check("isian contoh", True, "tidak ada isian contoh yang tersisa")
    shown = ", ".join(left[:6]) + (f" dan {len(left) - 6} lainnya" if len(left) > 6 else "")
    return Check("isian contoh", False, f"masih berisi nilai contoh dari berkas sampel: {shown}",
                 "ganti dengan nama, alamat, surel dan telepon kantor yang sebenarnya: nilai itu tampil pada surat, "
                 "tanda terima dan meja layanan", warning=True)


def desk_checks(cfg: Config) -> list[Check]:
    """The staff desk: its accounts, its port, and its settings for nginx with TLS."""
    web = cfg.web
    where = f"{web.host}:{web.port}"
    from office.checkups import desk_roles

    roles = desk_roles(cfg)
    if roles is None:
        return []  # the book's own check says why it cannot be read
    mode = ("dijalankan di dalam daemon ([web] enabled = true)" if web.enabled
            else "tidak di dalam daemon ([web] enabled = false); `pengaduan meja` menjalankannya tersendiri")
    if not roles:
        out = [Check("akun meja layanan", False, f"belum ada akun; meja {mode}",
                     "buat akun: sudo -u pengaduan pengaduan --config BERKAS pengguna tambah NAMA --peran admin",
                     warning=not web.enabled)]
    else:
        counts = ", ".join(f"{roles.count(r)} {r}" for r in ("admin", "staf", "pimpinan") if r in roles)
        out = [Check("akun meja layanan", "admin" in roles, f"{len(roles)} akun ({counts}); meja {mode}",
                     "buat satu akun admin untuk mengelola akun lain: pengguna tambah NAMA --peran admin",
                     warning=True)]
    out.append(_desk_port(web.host, web.port, where))
    out.extend(_desk_tls(web))
    return out


def _desk_port(host: str, port: int, where: str) -> Check:
    """Whether the desk's port is free, or already answered by a desk, or held by another program."""
    import socket
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/masuk",
                                    timeout=3) as page:
            if b"csrf_token" in page.read(65536):
                return Check("port meja layanan", True, f"meja layanan menjawab di {where}")
    except Exception:
        pass
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return Check("port meja layanan", False, f"port {where} dipakai program lain ({exc.strerror})",
                         "pilih port lain pada [web] port, atau hentikan program yang memakainya (ss -ltnp)")
    return Check("port meja layanan", True, f"port {where} bebas untuk meja layanan")


def _desk_tls(web) -> list[Check]:
    loopback = web.host in ("127.0.0.1", "localhost", "::1")
    if not loopback and not web.secure_cookies:
        return [Check("meja layanan dan TLS", False, f"meja didengarkan di {web.host} tanpa TLS: kata sandi dan sesi "
                                                     "lewat jaringan tanpa sandi",
                      "pasang nginx dengan TLS di depan meja (docs/PANDUAN-ADMIN.md): [web] host = \"127.0.0.1\", "
                      "proxy = true, secure_cookies = true", warning=True)]
    if web.proxy and not web.secure_cookies:
        return [Check("meja layanan dan TLS", False, "[web] proxy = true tetapi secure_cookies = false: cookie sesi "
                                                     "juga dikirim tanpa TLS",
                      "di belakang nginx dengan TLS isi [web] secure_cookies = true", warning=True)]
    if web.secure_cookies and not web.proxy:
        return [Check("meja layanan dan TLS", False, "[web] secure_cookies = true tanpa proxy = true: batas percobaan "
                                                     "masuk menghitung alamat nginx, bukan alamat petugas",
                      "di belakang nginx isi [web] proxy = true", warning=True)]
    detail = ("di belakang nginx dengan TLS (proxy, secure_cookies)" if web.proxy
              else "hanya di komputer ini (127.0.0.1), tanpa nginx")
    return [Check("meja layanan dan TLS", True, detail)]
