"""What went wrong, as one Indonesian sentence for the administrator: a mail server's failure, a busy port.

imaplib, imap_tools and smtplib speak in protocol replies ("NO [AUTHENTICATIONFAILED]",
"(535, b'5.7.8 …')", "[Errno 111] Connection refused"); `periksa`, `jalankan --sekali` and the
log say instead what happened and where to look. Pure: the exception in, the sentence out.
"""

from __future__ import annotations

import smtplib
import socket
import ssl


def _text(exc: BaseException) -> str:
    return str(exc).lower()


def _login_refused(exc: BaseException) -> bool:
    from imap_tools.errors import MailboxLoginError

    if isinstance(exc, (MailboxLoginError, smtplib.SMTPAuthenticationError)):
        return True
    words = _text(exc)
    return any(w in words for w in ("authenticationfailed", "authentication failed", "invalid credentials",
                                    "login failed", "5.7.8"))


def mail_problem(exc: BaseException, what: str, host: str, port: int, username: str = "") -> str:
    """One sentence saying what went wrong talking to the `what` server (IMAP or SMTP) at
    host:port, without a protocol reply or an errno, and what to check."""
    where = f"{host}:{port}"
    if _login_refused(exc):
        who = f" untuk {username}" if username else ""
        return (f"server {what} {where} menolak kata sandi{who}; periksa username dan kata sandi "
                f"(variabel password_env pada berkas rahasia)")
    if isinstance(exc, smtplib.SMTPNotSupportedError) or "auth extension not supported" in _text(exc):
        return (f"server {what} {where} tidak menawarkan login; hapus username dan password_env pada [smtp] "
                f"atau pakai security = \"starttls\"")
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPRecipientsRefused):
        return f"server {what} {where} menolak alamat pengirim atau penerima ({_code(exc)})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"sertifikat server {what} {where} tidak dapat dipercaya ({exc.verify_message}); pasang sertifikat "
                f"yang sah atau isi ca_file")
    if isinstance(exc, ssl.SSLError):
        return (f"sambungan TLS ke server {what} {where} gagal; periksa security (ssl untuk port 993/465, starttls "
                f"untuk 143/587)")
    if isinstance(exc, ConnectionRefusedError):
        return f"server {what} menolak sambungan di {where}; periksa host dan port, dan apakah layanannya berjalan"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"server {what} tidak menjawab di {where}; periksa host, port dan tembok api (firewall)"
    if isinstance(exc, socket.gaierror):
        return f"nama server {what} {host} tidak dikenal; periksa host dan DNS"
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionResetError | EOFError | BrokenPipeError):
        return (f"server {what} {where} memutus sambungan; periksa security (ssl, starttls atau none) dan port, "
                f"lalu coba lagi")
    if isinstance(exc, OSError) and exc.strerror:
        return f"server {what} {where} tidak dapat dihubungi ({exc.strerror})"
    return f"server {what} {where} menjawab tidak seperti yang diharapkan: {_short(exc)}"


def _code(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"kode {code}" if code else _short(exc)


def _short(exc: BaseException) -> str:
    """The server's own words, decoded and on one line, as a last resort."""
    args = getattr(exc, "args", ())
    parts = [a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in args] or [str(exc)]
    return " ".join(" ".join(parts).split())[:200]


def port_problem(exc: OSError, host: str, port: int) -> str:
    """Why the desk cannot listen on host:port, and what to do."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        return (f"Port {port} di {host} sudah dipakai program lain (mungkin layanan pengaduan sendiri, dengan [web] "
                f"enabled = true); pilih port lain dengan --port atau [web] port, atau hentikan program itu "
                f"(lihat: ss -ltnp).")
    if exc.errno == errno.EACCES:
        return (f"Port {port} hanya boleh dipakai root; pakai port 1024 ke atas (bawaan 8080) di belakang nginx "
                f"(docs/PANDUAN-ADMIN.md).")
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
        return f"Alamat {host} bukan alamat komputer ini; pakai 127.0.0.1 (di belakang nginx) atau alamat jaringannya."
    return f"Meja layanan tidak dapat memakai {host}:{port} ({exc.strerror or exc})."
