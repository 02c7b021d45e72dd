"""A real mail system on loopback for the demo and the tests.

Dovecot serves IMAP and LMTP from its own configuration in a private folder; an aiosmtpd
server accepts SMTP and hands every message to Dovecot's LMTP listener before answering,
so a 250 from our SMTP server means the message is already in the recipient's INBOX.
Nothing here is used by the daemon itself: it only talks to whatever servers the
configuration names.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path

log = logging.getLogger(__name__)

DEBIAN_PACKAGES = ("dovecot-imapd", "dovecot-lmtpd")


def ensure_installed() -> None:
    """Install Dovecot from Debian's packages when it is missing (idempotent)."""
    if shutil.which("dovecot") and Path("/usr/lib/dovecot/lmtp").exists():
        return
    if os.geteuid() != 0:
        raise RuntimeError(
            "Dovecot is not installed and this user cannot install it; run as root or "
            "`apt-get install " + " ".join(DEBIAN_PACKAGES) + "`"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *DEBIAN_PACKAGES],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DOVECOT_CONF = """\
protocols = imap lmtp
listen = 127.0.0.1
# A city on one rig: every office holds an IDLE connection beside its polling one.
default_process_limit = 2000
default_client_limit = 10000
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 0
mail_uid = {user}
mail_gid = {group}
mail_location = maildir:{base}/mail/%Ld/%Ln
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
# IDLE learns of new mail through inotify; when a long test run has used up the kernel's
# inotify instances, Dovecot falls back to looking every mailbox_idle_check_interval (30 s).
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
{passdb}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={base}/mail/%Ld/%Ln allow_all_users=yes
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@localhost
}}
"""


@dataclass(frozen=True)
class ReceivingCheck:
    """What an office's receiving server does with a DKIM milter: it writes a Received header
    for the hop and, above it, its own Authentication-Results verdict. `signed` are the
    sender domains whose mail carries a valid signature on this rig."""

    authserv_id: str
    signed: frozenset[str] = frozenset()


class _LmtpRelay:
    """aiosmtpd handler: deliver each message through LMTP before accepting it."""

    def __init__(self, lmtp_port: int, checks: dict[str, ReceivingCheck]):
        self.lmtp_port = lmtp_port
        self.checks = checks

    def _stamped(self, envelope) -> bytes:
        """The message as the recipient domain's receiving server passes it on."""
        domain = (envelope.rcpt_tos[0].rpartition("@")[2].lower() if envelope.rcpt_tos else "")
        check = self.checks.get(domain)
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        if check is None:
            return content
        from email.parser import BytesHeaderParser
        from email.utils import formatdate, parseaddr

        sender = parseaddr(str(BytesHeaderParser().parsebytes(content).get("From", "")))[1].lower()
        sender_domain = sender.rpartition("@")[2]
        client = f"smtp.{(envelope.mail_from or 'x@tanpa-pengirim.test').rpartition('@')[2]}"
        result = (f"dkim=pass header.d={sender_domain}" if sender_domain in check.signed
                  else "dkim=none")
        stamp = (f"Authentication-Results: {check.authserv_id}; {result}\r\n"
                 f"Received: from {client} ({client} [192.0.2.25])\r\n"
                 f"\tby {check.authserv_id} with ESMTP; {formatdate()}\r\n")
        return stamp.encode() + content

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        try:
            with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
                refused = lmtp.sendmail(envelope.mail_from, envelope.rcpt_tos, self._stamped(envelope))
        except smtplib.SMTPRecipientsRefused:
            return "550 5.1.1 No such user here"
        except (OSError, smtplib.SMTPException) as exc:
            return f"451 4.3.0 Delivery failed: {exc}"
        if refused:
            return "550 5.1.1 Some recipients refused: " + ", ".join(sorted(refused))
        return "250 2.0.0 Delivered"


@dataclass
class MailRig:
    """Dovecot + an SMTP front end on loopback, all under one private folder."""

    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pgd-", dir="/tmp")))
    imap_port: int = field(default_factory=free_port)
    lmtp_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    # Every address on the rig is a mailbox with this password: test users need no setup,
    # and Dovecot's passwd-file, reread at most once a second, cannot lag behind a test.
    password: str = "secret"
    # With tls: a private CA signs a certificate for 127.0.0.1; IMAP offers STARTTLS on
    # imap_port and implicit TLS on imaps_port. ca_file is what a client must trust.
    tls: bool = False
    imaps_port: int = field(default_factory=free_port)
    # With oauth_url: logins are XOAUTH2 tokens checked at this introspection endpoint.
    oauth_url: str | None = None
    # Per recipient domain: a receiving server that checks DKIM (ReceivingCheck).
    checks: dict = field(default_factory=dict)
    _smtp = None

    @property
    def conf(self) -> Path:
        return self.base / "dovecot.conf"

    def start(self) -> "MailRig":
        ensure_installed()
        account = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
        import grp

        group = grp.getgrgid(account.pw_gid).gr_name
        os.chmod(self.base, 0o755)
        for sub in ("run", "state", "mail"):
            (self.base / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            os.chown(self.base / "mail", account.pw_uid, account.pw_gid)
        ssl_conf = "ssl = no"
        if self.tls:
            self._make_certificates()
            ssl_conf = f"ssl = yes\nssl_cert = <{self.base}/cert.pem\nssl_key = <{self.base}/key.pem"
        passdb = f"  driver = static\n  args = password={self.password}"
        if self.oauth_url:
            (self.base / "oauth2.conf").write_text(
                f"introspection_mode = post\nintrospection_url = {self.oauth_url}\n"
                "username_attribute = username\nactive_attribute = active\nactive_value = true\n")
            passdb = f"  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {self.base}/oauth2.conf"
        self.conf.write_text(DOVECOT_CONF.format(
            base=self.base, user=account.pw_name, group=group, passdb=passdb, ssl=ssl_conf,
            imap_port=self.imap_port, imaps_port=self.imaps_port if self.tls else 0, lmtp_port=self.lmtp_port,
        ))
        self.start_dovecot()
        from aiosmtpd.controller import Controller

        self._smtp = Controller(_LmtpRelay(self.lmtp_port, self.checks), hostname="127.0.0.1", port=self.smtp_port)
        self._smtp.start()
        log.info("mail rig up: IMAP %s, SMTP %s, folder %s", self.imap_port, self.smtp_port, self.base)
        return self

    @property
    def ca_file(self) -> Path:
        return self.base / "ca.pem"

    def _make_certificates(self) -> None:
        import datetime as dt
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = dt.datetime.now(dt.timezone.utc)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pengaduan test CA")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.SubjectAlternativeName([
                    x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        pem = serialization.Encoding.PEM
        self.ca_file.write_bytes(ca.public_bytes(pem))
        (self.base / "cert.pem").write_bytes(cert.public_bytes(pem))
        (self.base / "key.pem").write_bytes(key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        os.chmod(self.base / "key.pem", 0o600)

    def start_dovecot(self) -> None:
        subprocess.run(["dovecot", "-c", str(self.conf)], check=True)
        self._wait_for_port(self.imap_port)
        if self.tls:
            self._wait_for_port(self.imaps_port)
        self._wait_for_port(self.lmtp_port)

    def stop_dovecot(self) -> None:
        """Stop Dovecot (the tests use this to play a server outage); SMTP stays up."""
        if self.conf.exists():
            subprocess.run(["doveadm", "-c", str(self.conf), "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # doveadm stop returns before the listeners close; wait so ports can be reused.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._port_open(self.imap_port):
                time.sleep(0.05)

    def doveadm(self, *args: str) -> str:
        return subprocess.run(["doveadm", "-c", str(self.conf), *args], check=True,
                              capture_output=True, text=True).stdout

    def stop(self) -> None:
        if self._smtp is not None:
            self._smtp.stop()
            self._smtp = None
        self.stop_dovecot()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def send(self, message, envelope_from: str | None = None) -> None:
        """Submit an email.message.EmailMessage through the rig's SMTP server; `envelope_from`
        "" is the null return path of a delivery report."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port) as smtp:
            if envelope_from is None:
                smtp.send_message(message)
            else:
                to = [a for _, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))]
                smtp.sendmail(envelope_from, to, message.as_bytes())

    @staticmethod
    def _port_open(port: int) -> bool:
        with socket.socket() as s:
            s.settimeout(0.2)
            return s.connect_ex(("127.0.0.1", port)) == 0

    def _wait_for_port(self, port: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._port_open(port):
                return
            time.sleep(0.05)
        log_file = self.base / "dovecot.log"
        detail = log_file.read_text()[-2000:] if log_file.exists() else ""
        raise RuntimeError(f"Dovecot did not open port {port} in {timeout} s\n{detail}")

    def __enter__(self) -> "MailRig":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()
