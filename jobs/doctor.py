"""`pengaduan periksa` (doctor): check everything an office depends on, each with what to do when it fails."""

from __future__ import annotations

import datetime as dt
import shutil
import smtplib
from pathlib import Path
from zoneinfo import ZoneInfo

from jobs.doctor_desk import Check, desk_checks, placeholder_check
from jobs.public.checks import public_checks
from office.config import Config, ConfigError, load_config
from office.sms_check import sms_gateway_checks


def run_checks(cfg: Config, *, send_test_mail: bool = False) -> list[Check]:
    checks: list[Check] = [Check("konfigurasi", True, f"{cfg.path} terbaca, SOP {cfg.procedure.main_steps} langkah"
                                   + (f" dan {len(cfg.procedure.steps) - cfg.procedure.main_steps} langkah tambahan kantor"
                                      if len(cfg.procedure.steps) > cfg.procedure.main_steps else ""))]
    checks.extend(_imap(cfg))
    checks.extend(_oauth(cfg))
    checks.append(_smtp(cfg, send_test_mail))
    checks.extend(_book(cfg))
    checks.extend(_authentication(cfg))
    checks.append(_templates())
    checks.append(_key(cfg))
    checks.append(_signing(cfg))
    checks.append(_signer(cfg))
    checks.append(_numbering(cfg))
    checks.append(_complaint_desk(cfg))
    checks.append(placeholder_check(cfg))
    checks.extend(desk_checks(cfg))
    checks.append(_office_suite(cfg))
    checks.append(_clock(cfg))
    checks.extend(_disk(cfg))
    checks.extend(Check(*row) for row in public_checks(cfg))  # the public form's pages and refusals
    checks.extend(Check(*row) for row in sms_gateway_checks(cfg.sms))  # the [sms] gateway's folders or database
    return checks


def check_offices(configs: list[Path], *, send_test_mail: bool = False) -> list[tuple[Path, Config | str, list[Check]]]:
    """`periksa --kantor`: each office of a folder, checked at once (a hung server holds up only
    its own office), in the folder's order: its configuration (or why it cannot be read) and its
    checks. Two offices naming one book, files folder or mailbox fail both, with the sentence the
    daemon logs when it refuses them."""
    from concurrent.futures import ThreadPoolExecutor

    from office.city_clashes import clashes, places

    def read(path: Path) -> Config | str:
        try:
            return load_config(path)
        except ConfigError as exc:
            return str(exc)

    loaded = {path: read(path) for path in configs}
    found = clashes({path.name: places(cfg) for path, cfg in loaded.items() if not isinstance(cfg, str)})

    def check(path: Path) -> tuple[Path, Config | str, list[Check]]:
        cfg = loaded[path]
        if isinstance(cfg, str):
            return path, cfg, []
        clash = [Check("kantor lain", False, found[path.name], "beri setiap kantor buku, folder berkas dan "
                                                                 "kotak suratnya sendiri")] if path.name in found else []
        return path, cfg, clash + run_checks(cfg, send_test_mail=send_test_mail)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(check, configs))


def _imap(cfg: Config) -> list[Check]:
    from intake.mailbox import Mailbox

    s = cfg.mailbox
    if "mailbox" in cfg.missing_secrets:
        return [Check("IMAP", False, cfg.missing_secrets["mailbox"],
                      "isi kata sandi kotak surat pada variabel yang disebut, lalu periksa lagi")]
    try:
        with Mailbox(s) as box:
            box.pending_uids()
            folders = {f.name for f in box._box.folder.list()}
            idle = box.can_idle
    except Exception as exc:
        from jobs.problems import mail_problem

        return [Check("IMAP", False, mail_problem(exc, "IMAP", s.host, s.port, s.username),
                      "periksa [mailbox] host, port, security, username, dan kata sandi/OAuth2")]
    out = [Check("IMAP", True, f"masuk ke {s.host}:{s.port} sebagai {s.username}; folder {s.folder} terbaca")]
    missing = [f for f in (s.processed_folder, "Karantina") if f not in folders]
    out.append(Check("folder IMAP", True, "folder Diproses dan Karantina ada" if not missing else
                     f"akan dibuat saat pertama dipakai: {', '.join(missing)}", warning=bool(missing)))
    out.append(Check("IMAP IDLE", idle, "server mendukung IDLE (pengaduan masuk dalam hitungan detik)" if idle
                     else "server tidak mendukung IDLE; pemeriksaan berkala setiap "
                          f"{cfg.poll_seconds} detik", "" if idle else "kurangi [daemon] poll_seconds bila perlu",
                     warning=not idle))
    return out


def _oauth(cfg: Config) -> list[Check]:
    """A provider whose refresh tokens expire within days (a Google app still "in testing")."""
    tokens = cfg.mailbox.tokens
    if tokens is None or tokens.refresh_expires_at is None:
        return []
    left = tokens.refresh_expires_at - dt.datetime.now(dt.timezone.utc)
    if left > dt.timedelta(days=8):
        until = tokens.refresh_expires_at.astimezone(cfg.clock.tz)
        return [Check("token OAuth2", True, f"refresh token berlaku sampai {until:%d-%m-%Y}")]
    return [Check("token OAuth2", False, f"refresh token berakhir dalam {max(0, left.days)} hari "
                                         f"({tokens.refresh_expires_at.astimezone(cfg.clock.tz):%d-%m-%Y %H.%M %Z})",
                  "aplikasi OAuth di Google Cloud masih berstatus \"testing\" (token 7 hari): ubah menjadi "
                  "\"in production\" lalu buat refresh token baru", warning=True)]


def _authentication(cfg: Config, sample: int = 50) -> list[Check]:
    """Whether replies could be checked for DKIM/DMARC: the receiving server already writes
    Authentication-Results on the mail we read, but the office has not asked for the check."""
    if cfg.security.require_authentication:
        return [Check("keaslian balasan", True, f"balasan pejabat wajib lulus DKIM/DMARC menurut "
                                                f"{cfg.security.authserv_id}")]
    from office.authority import authserv_ids
    from office.checkups import recent_raw_paths

    try:
        seen = authserv_ids(recent_raw_paths(cfg, sample))  # periksa never creates nor changes a book
    except Exception:
        return []
    if not seen:
        return [Check("keaslian balasan", False, "balasan pejabat tidak diperiksa DKIM/DMARC, dan server penerima "
                                                 "tidak menulis Authentication-Results pada surel terakhir",
                      "lihat docs/DEPLOY.md (Authentication-Results) agar alamat pejabat tidak dapat dipalsukan",
                      warning=True)]
    ids = ", ".join(sorted(seen))
    return [Check("keaslian balasan", False, f"server penerima menulis Authentication-Results ({ids}), "
                                             "tetapi balasan pejabat belum diperiksa",
                  f"isi [security] require_authentication = true dan authserv_id = \"{sorted(seen)[0]}\"",
                  warning=True)]


def _smtp(cfg: Config, send_test_mail: bool) -> Check:
    import secrets
    from email.message import EmailMessage

    from jobs.outgoing import _connect, envelope_sender

    s = cfg.smtp
    if "smtp" in cfg.missing_secrets:
        return Check("SMTP", False, cfg.missing_secrets["smtp"],
                     "isi kata sandi SMTP pada variabel yang disebut, lalu periksa lagi")
    try:
        with _connect(s) as smtp:
            smtp.noop()
            smtp.ehlo_or_helo_if_needed()
            if smtp.has_extn("auth") and not s.username and not s.tokens:
                # The sample leaves the login commented out: a server that asks for one takes
                # the connection, then refuses every mail (530) once the daemon sends.
                return Check("SMTP", False, f"server {s.host}:{s.port} meminta login (AUTH), tetapi [smtp] username "
                                            f"dan password_env belum diisi; tidak ada surel yang akan terkirim",
                             "isi [smtp] username dan password_env (kata sandi di berkas rahasia), lalu periksa lagi")
            detail = f"tersambung ke {s.host}:{s.port} ({s.security})" + (f" sebagai {s.username}" if s.username else "")
            if send_test_mail:
                staff = cfg.directory.official(cfg.procedure.step(1).role)
                msg = EmailMessage()
                msg["From"] = cfg.mailbox.address
                msg["To"] = staff.email
                msg["Subject"] = "Uji kirim sistem pengaduan"
                msg["Auto-Submitted"] = "auto-generated"
                msg.set_content("Surel ini dikirim oleh `pengaduan periksa --kirim-uji` untuk memeriksa "
                                "pengiriman. Tidak perlu dibalas.")
                # With the return path our mail leaves with (VERP, jobs.outgoing): a server that
                # refuses a sub-addressed envelope sender shows it here, not on a citizen's letter.
                smtp.send_message(msg, from_addr=envelope_sender(cfg.mailbox.address, secrets.token_hex(15)))
                detail += f"; surel uji dikirim ke {staff.email} dengan alamat pengembalian bertanda (VERP)"
    except (OSError, smtplib.SMTPException) as exc:
        from jobs.problems import mail_problem

        return Check("SMTP", False, mail_problem(exc, "SMTP", s.host, s.port, s.username or ""),
                     "periksa [smtp] host, port, security, dan login")
    return Check("SMTP", True, detail)


def _book(cfg: Config) -> list[Check]:
    """The book, opened read-only: a mistyped path is reported, never made into a new book, and
    a book an older release left is named, never migrated here (the daemon does that)."""
    from office.checkups import book_state

    if not cfg.database.is_file():
        return [Check("buku pengaduan", False, f"{cfg.database} tidak ada",
                      "periksa [storage] database; buku baru dibuat hanya dengan `pengaduan siapkan`")]
    try:
        state = book_state(cfg)
    except Exception as exc:
        return [Check("buku pengaduan", False, f"{cfg.database} tidak dapat dibaca: {exc}",
                      "periksa [storage] database dan izin folder, atau pulihkan dari cadangan")]
    applied, known, integrity = state.applied, state.known, state.integrity
    if applied != known:
        return [Check("buku pengaduan", False, f"{cfg.database}: migrasi {applied}/{known}",
                      "jalankan daemon versi ini sekali (systemctl restart pengaduan): bukunya diperbarui"
                      if applied < known else "buku ini dibuat versi yang lebih baru; pasang versi itu")]
    out = [Check("buku pengaduan", integrity == "ok",
                 f"{cfg.database}: migrasi {applied}/{known}, integritas {integrity}",
                 "pulihkan dari cadangan (lihat docs/PANDUAN-ADMIN.md)" if integrity != "ok" else "")]
    for folder in (cfg.database.parent, cfg.files):
        if folder.exists():
            mode = folder.stat().st_mode & 0o777
            private = not mode & 0o077
            out.append(Check(f"izin {folder.name}", private, f"{folder} bermode {mode:o}",
                             "" if private else f"data pribadi: jalankan chmod 700 {folder}", warning=not private))
    return out


def _templates() -> Check:
    from office.checkups import templates_readable

    try:
        count, ok = templates_readable()
    except Exception as exc:
        return Check("templat", False, str(exc), "pasang ulang paket atau perbaiki templat yang disebut")
    return Check("templat", ok, f"{count} templat surel dan templat surat terbaca")


def _signer(cfg: Config) -> Check:
    """A letter's signature block needs the signer's pangkat and NIP (naskah dinas)."""
    role = cfg.letters.signer_role
    signer = cfg.directory.official(role)
    missing = [what for what, value in (("nip", signer.nip), ("rank", signer.rank)) if not value]
    if missing:
        return Check("penanda tangan surat", False, f"[roles.{role}] {signer.name}: belum ada {' dan '.join(missing)}",
                     f"isi {' dan '.join(missing)} pada [roles.{role}]: blok tanda tangan surat memuat pangkat dan NIP")
    return Check("penanda tangan surat", True, f"{signer.title} {signer.name}, {signer.rank}, NIP {signer.nip}")


def _numbering(cfg: Config) -> Check:
    """[letters] numbering: where letter numbers come from, and what is left of a reserved block."""
    ls = cfg.letters
    if ls.numbering == "buku":
        return Check("nomor surat", True, "dari register buku ini (0001 setiap tahun); bila Tata Usaha memberi nomor "
                                          'dari buku agenda kantor, pakai [letters] numbering = "agenda"')
    keeper = cfg.directory.official("agenda")
    detail = f"dari buku agenda surat keluar kantor; pengelola agenda {keeper.name} <{keeper.email}>"
    step = cfg.procedure.numbering_step
    if ls.reserved is None and step is not None:
        return Check("nomor surat", True, f"{detail}, langkah {step.shown} (mutu baku {ls.agenda_time})")
    from office.checkups import letter_numbers_used
    from office.numbers import reserved_left

    used = letter_numbers_used(cfg)  # empty when unreadable: the book's own check reports why
    year = dt.datetime.now(ZoneInfo("Asia/Makassar")).year
    left = reserved_left(cfg, year, used)
    low, high = ls.reserved or (0, 0)
    ok = left >= 10
    return Check("nomor surat", ok, f"{detail}; blok cadangan {low}–{high}: sisa {left} nomor",
                 "" if ok else "minta blok nomor baru kepada Tata Usaha dan ubah [letters] reserved", warning=not ok)
def _complaint_desk(cfg: Config) -> Check:
    """Receipts, acknowledgements, mails and letters publish the complaint handler's telephone
    and hours (UU 25/2009 Pasal 36): a walk-in without email has no other way to ask."""
    desk = cfg.complaint_desk
    missing = [key for key, value in (("phone", desk.phone), ("hours", desk.hours)) if not value]
    if missing:
        return Check("kontak pengelola pengaduan", False, f"[office] belum ada {' dan '.join(missing)}",
                     "isi [office] phone dan hours (misalnya \"Senin–Jumat pukul 07.30–16.00 WITA\"): "
                     "tanda terima dan surel kepada pengadu memuatnya", warning=True)
    return Check("kontak pengelola pengaduan", True, desk.line())


def _office_suite(cfg: Config) -> Check:
    """The citizen receives the letter as a PDF: LibreOffice and Arial-metric fonts must be there."""
    from office.plain import libreoffice

    name = "PDF surat (LibreOffice)"
    if not cfg.letters.pdf:
        return Check(name, True, "[letters] pdf = false: pengadu menerima berkas Word", warning=True)
    if libreoffice() is None:
        return Check(name, False, "LibreOffice tidak terpasang: surat jawaban tidak dapat dikirim sebagai PDF",
                     "pasang paket Debian libreoffice-writer-nogui dan fonts-liberation2 (./quickstart setup)")
    fonts = shutil.which("fc-list")
    if fonts:
        import subprocess

        listed = subprocess.run([fonts, ":family=Liberation Sans"], capture_output=True, text=True).stdout
        if not listed.strip():
            return Check(name, False, "huruf Liberation Sans (setara Arial) tidak terpasang; tata letak PDF bergeser",
                         "pasang paket Debian fonts-liberation2")
    return Check(name, True, f"{libreoffice()} dengan huruf setara Arial")


def _key(cfg: Config) -> Check:
    path = cfg.letters.key
    if path is None or not path.exists():
        return Check("kunci segel", False, "belum ada kunci segel; surat dibuat tanpa segel elektronik",
                     "jalankan: pengaduan kunci buat", warning=True)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return Check("kunci segel", False, f"{path} bermode {mode:o}", f"jalankan: chmod 600 {path}")
    from office.keys import key_name

    return Check("kunci segel", True, f"{path} (kunci {key_name(path)})")


def _signing(cfg: Config) -> Check:
    """The chosen signing mode's settings ([letters] signing): each mode needs its own."""
    ls = cfg.letters
    name = f"cara tanda tangan ({ls.signing})"
    if ls.signing == "segel":
        if not ls.verify_url:
            return Check(name, False, "[letters] verify_url belum diisi: catatan pada surat bersegel harus menyebut "
                                      "tempat kunci publik kantor diumumkan",
                         "umumkan kunci publik (pengaduan kunci tampil) di laman kantor, lalu isi [letters] verify_url "
                         "dengan alamat laman itu")
        return Check(name, True, f"gambar tanda tangan dan segel kantor; kunci publik diumumkan di {ls.verify_url}")
    if ls.signing == "basah":
        try:
            import PIL  # noqa: F401  (a JPEG scan becomes the filed PDF)
        except ImportError:
            return Check(name, False, "Pillow tidak terpasang: hasil pindaian JPEG tidak dapat dijadikan PDF",
                         "pasang ulang paket pengaduan (pip install .)")
        return Check(name, True, "naskah cetak tanpa tanda tangan dan segel; hasil pindaian diarsipkan dan disampaikan")
    return _tte(cfg, name)


def _tte(cfg: Config, name: str) -> Check:
    from office.plain import libreoffice
    from office.tte import load_roots

    try:
        import pyhanko  # noqa: F401  (only this mode needs it: the `pdf` extra)
    except ImportError:
        return Check(name, False, "pyHanko tidak terpasang: tanda tangan elektronik pada PDF yang kembali tidak "
                                  "dapat diperiksa", "pasang: pip install 'pengaduan[pdf]'")
    if not cfg.letters.tte_roots:
        return Check(name, False, "[letters] tte_roots belum diisi: tidak ada sertifikat akar untuk memeriksa TTE",
                     "isi [letters] tte_roots dengan berkas PEM sertifikat akar BSrE (atau PSrE yang dipakai kantor)")
    try:
        roots = load_roots(cfg.letters.tte_roots)
    except ValueError as exc:
        return Check(name, False, f"sertifikat akar TTE tidak dapat dibaca: {exc}",
                     "periksa berkas PEM pada [letters] tte_roots")
    if libreoffice() is None or not shutil.which("pdftotext"):
        return Check(name, False, "PDF untuk aplikasi TTE memerlukan LibreOffice dan pdftotext",
                     "pasang paket Debian libreoffice-writer-nogui dan poppler-utils")
    subjects = "; ".join(root.subject.human_friendly for root in roots)
    return Check(name, True, f"PDF diserahkan ke aplikasi TTE; tanda tangan diperiksa terhadap: {subjects}")


def _clock(cfg: Config) -> Check:
    try:
        ZoneInfo("Asia/Makassar")
    except Exception:
        return Check("zona waktu", False, "data zona waktu Asia/Makassar tidak ada", "pasang paket tzdata")
    now = dt.datetime.now(cfg.clock.tz)
    return Check("zona waktu", True, f"sekarang {now:%d-%m-%Y %H.%M} {now.tzname()} "
                                     f"({'jam kerja' if cfg.clock.is_open(now) else 'di luar jam kerja'})")


def _disk(cfg: Config) -> list[Check]:
    out = []
    for folder in {cfg.files if cfg.files.exists() else cfg.files.parent, cfg.database.parent}:
        if not folder.exists():
            continue
        free = shutil.disk_usage(folder).free
        ok = free > 2**30
        out.append(Check("ruang disk", ok, f"{folder}: {free / 2**30:.1f} GiB bebas",
                         "" if ok else "kosongkan disk atau pindahkan [storage]", warning=not ok))
    return out

