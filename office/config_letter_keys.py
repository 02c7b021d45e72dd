"""[letters], [letters.tembusan] and [letters.classification] declared once
(office.config_declared): how letters are numbered, signed and copied. Read by office.config's
`_letters` and its helpers in office.config_letters and office.config_numbering."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from letters.seal import SIGNING_MODES
from office.config_declared import key as setting  # `key` is also a key of [letters]

CODE = "000.8.3.4"  # the kode klasifikasi of complaints' letters (Permendagri 83/2022)


@dataclass(frozen=True, kw_only=True)
class LettersTable:
    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the office's letters: numbers, signer, signing; see \"Letter numbers\" and \"How letters are signed\""
    numbering: str = setting(
        "buku", choices=("buku", "agenda"), example="agenda", shown=True,
        comment='nomor surat dari buku agenda surat keluar kantor, diberikan [roles.agenda] melalui balasan "Nomor: …" '
                'atau meja layanan; "buku": register buku ini (0001 setiap tahun, bawaan bila kunci ini tidak ada)',
        doc='where a letter\'s number comes from: `"buku"`, this book\'s own register, or `"agenda"`, the office\'s '
            "agenda surat keluar kept by `[roles.agenda]`; `pengaduan siapkan` writes `agenda` into the sample")
    agenda_time: str = setting("1 jam", comment="mutu baku langkah pemberian nomor (4b)",
                               doc="the standard time of the keeper's step 4b")
    reserved: str | None = setting(None, example="1200-1299",
                                   comment="blok nomor cadangan layanan pengaduan: dipakai tanpa meminta nomor",
                                   doc="with `agenda`: the block of serials reserved for the complaint desk, taken "
                                       "without asking the keeper")
    signer: str | None = setting(
        None, aliases=("signer_role",), example="camat", default_doc='`"camat"` when that role exists',
        comment='penanda tangan surat: "camat" (bawaan) atau "sekretaris" (a.n. Camat); bila bukan penulis jawaban, '
                "ia menyetujui konsepnya lebih dulu",
        doc='the role that signs the letters, or `"sekretaris"` to sign "a.n." the head; earlier name `signer_role`')
    head: str | None = setting(None, example="camat", default_doc="`camat` (or `lurah`) when that role exists",
                               comment="kepala kantor, yang atas namanya surat ditandatangani",
                               doc="the head of the office, on whose behalf another signer signs")
    signer_title: str | None = setting(None, example="CAMAT PALARAN", default_doc="the head's title, e.g. CAMAT PALARAN",
                                       comment="jabatan penanda tangan pada blok tanda tangan",
                                       doc="the signer's title in the signature block")
    on_behalf_of: str | None = setting(None, example="CAMAT PALARAN", default_doc="the head's title when another signs",
                                       comment='baris "a.n." di atas jabatan penanda tangan',
                                       doc='the "a.n." line above another signer\'s title')
    classification: str | dict = setting(CODE, kind=object,
                                         comment="kode klasifikasi arsip (semua jenis surat); per jenis: lihat di bawah",
                                         doc="the kode klasifikasi of every letter kind, or per kind as "
                                             "`[letters.classification]`")
    unit: str = setting("400.02", comment="kode unit", doc="the unit code in the number")
    number_format: str = setting("{kode_klasifikasi}/{nomor_urut:04d}/{kode_unit}", comment="bentuk nomor surat",
                                 doc="the letter number's format")
    place: str = setting("Samarinda", comment="tempat pada tanggal surat", doc="the place before the letter's date")
    addressee_place: str = setting("", example="Tempat", default_doc="`place`",
                                   comment='"di …" bagi pengadu tanpa alamat pos; bawaan: place',
                                   doc='the "di …" line for a complainant without postal address (`"Tempat"` if the office '
                                       "prefers)")
    sifat: str = setting("Biasa", comment="sifat surat", doc="the letter's sifat")
    hal: str = setting("Jawaban Pengaduan", comment="hal surat jawaban", doc="the answer's hal")
    tembusan: tuple[str, ...] | dict = setting((), kind=object, example=("Lurah Rawa Makmur",),
                                               comment="nama lama untuk [letters.tembusan] jawaban",
                                               doc="the earlier single list: `[letters.tembusan] jawaban`")
    signing: str = setting(
        "segel", choices=SIGNING_MODES,
        comment='cara tanda tangan: "segel" (gambar tanda tangan dan segel kantor), "basah" (dicetak, ditandatangani, '
                'dicap dinas, dipindai) atau "tte" (tanda tangan elektronik tersertifikasi di aplikasi TTE penanda '
                "tangan)",
        doc='`"segel"`, `"basah"` or `"tte"`: see "How letters are signed"')
    verify_url: str = setting("", example="https://palaran.samarindakota.go.id/kunci-segel",
                              comment='wajib untuk "segel": laman tempat kunci publik kantor diumumkan (pengaduan kunci tampil)',
                              doc="where the office publishes its seal's public key")
    tte_roots: tuple[Path, ...] = setting((), example=("kunci/akar-bsre.pem",),
                                          comment='wajib untuk "tte": sertifikat akar (PEM) penerbit sertifikat TTE',
                                          doc="the PEM trust roots a returned TTE signature must chain to")
    signing_note: str | None = setting(None, example="Surat ini ditandatangani secara elektronik.",
                                       default_doc="the signing mode's sentence", comment="catatan di bawah tanda tangan",
                                       doc="the note under the signature")
    template: Path | None = setting(None, example="surat-kantor.docx", default_doc="the shipped template",
                                    comment="templat Word surat jawaban", doc="the Word template of letters")
    paper: str = setting("A4", choices=("A4", "F4"), comment="A4 | F4", doc="`A4` or `F4`")
    key: Path | None = setting(None, example="data/files/kunci/segel-kantor.key",
                               default_doc="`kunci/segel-kantor.key` under `[storage] files`",
                               comment="kunci segel Ed25519 kantor", doc="the office's Ed25519 seal key")
    trusted_keys: tuple[str, ...] = setting((), example=("…",), comment="kunci publik lama yang masih diterima verifikasi",
                                            doc="earlier public keys still accepted by `verifikasi`")
    pdf: bool = setting(True, comment="false: warga menerima berkas Word, bukan PDF",
                        doc="`false` sends citizens the Word file instead of the PDF")
    pades_certificate: Path | None = setting(None, example="kunci/kantor.p12",
                                             comment="sertifikat PKCS#12 untuk tanda tangan PAdES pada PDF",
                                             doc="a PKCS#12 certificate for a PAdES signature on the PDF")
    pades_password_env: str | None = setting(None, example="PENGADUAN_PADES_PASSWORD",
                                             comment="variabel lingkungan berisi kata sandi sertifikat",
                                             doc="the variable holding the certificate's password")
    pades_password: str | None = setting(None, secret="now", example="...", comment="kata sandi sertifikat di berkas ini",
                                         doc="the certificate's password in the file itself")


@dataclass(frozen=True, kw_only=True)
class TembusanTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "penerima tembusan per jenis surat; bawaan: tidak ada (arsip kantor bukan tembusan)"
    DOC: ClassVar[str] = ("who gets a copy, per letter kind; none by default (the office's archive copy is not a "
                          "tembusan); the earlier `[letters] tembusan = [...]` still works and means `jawaban`")
    jawaban: tuple[str, ...] = setting((), example=("Lurah Rawa Makmur",), comment="surat jawaban", doc="the answer")
    pelimpahan: tuple[str, ...] = setting((), example=("Wali Kota Samarinda",),
                                          comment="pengadu selalu ditambahkan sebagai tembusan surat pelimpahan",
                                          doc="the surat pelimpahan; the complainant is always added")
    kelengkapan: tuple[str, ...] = setting((), comment="permintaan kelengkapan", doc="the request for more")
    perpanjangan: tuple[str, ...] = setting((), comment="pemberitahuan perpanjangan", doc="the notice of extension")
    penolakan: tuple[str, ...] = setting((), comment="pemberitahuan penolakan", doc="the notice of rejection")
    dilimpahkan: tuple[str, ...] = setting((), comment="pemberitahuan pelimpahan kepada pengadu",
                                           doc="the notice of forwarding to the complainant")
    keberatan: tuple[str, ...] = setting((), comment="keputusan atas keberatan", doc="the decision on an objection")


OTHERS = "`jawaban`'s code, else `\"000.8.3.4\"`"  # a kind not named (LetterSettings.code_for)


@dataclass(frozen=True, kw_only=True)
class LetterCodes:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "kode klasifikasi per jenis surat (menggantikan classification di atas)"
    DOC: ClassVar[str] = ("the kode klasifikasi per letter kind, instead of `[letters] classification`; see "
                          "\"Letter numbers\"")
    jawaban: str = setting(CODE, comment="surat jawaban", doc="the answer")
    pelimpahan: str = setting(CODE, default_doc=OTHERS,
                              comment="surat pelimpahan (juga pemberitahuannya kepada pengadu)",
                              doc="the surat pelimpahan and its notice to the complainant")
    kelengkapan: str = setting(CODE, default_doc=OTHERS, comment="permintaan kelengkapan",
                               doc="the request for more")
    perpanjangan: str = setting(CODE, default_doc=OTHERS, comment="pemberitahuan perpanjangan",
                                doc="the notice of extension")
    keberatan: str = setting(CODE, default_doc=OTHERS, comment="keputusan atas keberatan",
                             doc="the decision on an objection")
    undangan: str = setting(CODE, default_doc=OTHERS,
                            comment="undangan rapat (kini surel kalender tanpa nomor)",
                            doc="the meeting invitation (today a calendar mail without number)")
