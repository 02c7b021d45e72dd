"""[publik]: the public complaint form and status page (jobs/public): where it listens, and
the limits that keep robots and floods out without any outside service (office/public_intake.py).
Read by office.config's reader `r`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from office.config_declared import key, port_number, read_declared


@dataclass(frozen=True)
class PublicSettings:
    """[publik], declared once (office.config_declared): its keys, types and defaults."""

    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "laman pengaduan publik untuk warga: Formulir Pengaduan dan Cek Status"
    DOC: ClassVar[str] = "the public complaint pages; see \"The public complaint form and status page\""
    enabled: bool = key(False, comment="true: daemon `jalankan` sekaligus menjalankannya (atau: pengaduan publik)",
                        doc="serve the public form inside the daemon")
    host: str = key("127.0.0.1", comment="dari internet hanya melalui nginx dengan TLS (docs/DEPLOY.md)",
                    doc="where it listens; reached from the internet only through nginx with TLS")
    port: int = key(8090, check=port_number, comment="port laman publik", doc="its port")
    proxy: bool = key(False, comment="true di belakang nginx: alamat warga dari X-Forwarded-For (batas kiriman)",
                      doc="behind nginx: the client's address from its X-Forwarded-For (the limits)")
    secure_cookies: bool = key(False, comment="true bila diakses melalui https",
                               doc="behind TLS: the form's cookie never travels in clear")
    max_photos: int = key(3, least=0, comment="foto atau PDF per pengaduan (batas ukuran: [intake])",
                          doc="photos or PDFs one complaint may carry")
    min_seconds: int = key(3, least=0, comment="formulir yang terkirim lebih cepat dari ini sejak dibuka ditolak (robot)",
                           doc="a form sent sooner after it was served is a robot's")
    per_address: int = key(5, least=1, comment="kiriman per jam dari satu alamat jaringan",
                           doc="forms an hour from one network address")
    per_hour: int = key(100, least=1, comment="pengaduan per jam dari formulir, dari semua alamat",
                        doc="complaints an hour the form records, from everywhere")
    url: str = key("", example="https://pengaduan.contoh.go.id",
                   comment="alamat laman ini; disebut pada tanda terima (Cek Status)",
                   doc="the pages' public address (https://…), which every receipt and acknowledgement then names "
                       "beside STATUS by mail")


def public_settings(r) -> PublicSettings:
    """[publik]; a number out of its range is the administrator's mistake, named with its line
    (read_declared); so is an address that is not a web page's."""
    settings = read_declared(r, "publik", PublicSettings)
    url = settings.url.strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        r.fail("publik", "url", f"alamat laman harus diawali https://, tertulis {url!r}")
    return replace(settings, url=url)
