"""The built-in demo: the whole SOP over real mail servers on this machine.

Starts Dovecot and an SMTP server on loopback, writes a demo configuration, sends two
complaints from citizens, then plays each official: it reads the routing email in that
official's own mailbox and answers it with a reply, as a mail app would. The daemon runs a
cycle after each round. It ends with the book and the signed letters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import struct
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from imap_tools import AND, MailBoxUnencrypted

from jobs.demo.mailrig import MailRig
from jobs.demo.web import WEB_CITIZEN, WEB_FEEDBACK, WEB_SCRIPT, send_web_complaint

DOMAIN = "kecamatan.test"
PASSWORD = "rahasia-demo"


@dataclass(frozen=True)
class Cast:
    """The people of a demo office; tests make one per test with its own mail domain."""

    domain: str = DOMAIN
    head: str = "camat"  # "lurah": a kelurahan on the shipped kelurahan SOP

    @property
    def office(self) -> str:
        return f"pengaduan@{self.domain}"

    @property
    def officials(self) -> dict[str, tuple[str, str]]:
        head = ("Muhammad Dahlan, S.STP, M.Si", f"camat@{self.domain}") if self.head == "camat" else \
            ("Hj. Nurhayati, S.E.", f"lurah@{self.domain}")
        return {
            self.head: head,
            "sekretaris": ("Rahmawati, S.Sos", f"sekretaris@{self.domain}"),
            "jfu": ("Andi Saputra", f"staf@{self.domain}"),
        }

    @property
    def sections(self) -> tuple[tuple[str, str, str], ...]:
        return (
            ("Seksi Pemerintahan", "Hendra Wijaya, S.IP", f"kasi.pemerintahan@{self.domain}"),
            ("Seksi Ketenteraman dan Ketertiban Umum", "Yusuf Ramadhan, S.H.", f"kasi.trantib@{self.domain}"),
            ("Seksi Pelayanan Umum", "Dewi Lestari, S.AP", f"kasi.pelayanan@{self.domain}"),
        )

    @property
    def citizens(self) -> tuple[tuple[str, str, str, str], ...]:
        if self.domain == DOMAIN:
            return CITIZENS
        return tuple((name, addr.replace("warga.test", "warga." + self.domain), subject, body)
                     for name, addr, subject, body in CITIZENS)



CITIZENS = (
    ("Siti Aminah", "siti.aminah@warga.test", "Lampu jalan padam di RT 12 Rawa Makmur",
     "Selamat pagi,\n\nSudah dua minggu lampu jalan di RT 12 Kelurahan Rawa Makmur padam. "
     "Jalan menjadi gelap dan rawan pada malam hari. Mohon segera ditindaklanjuti.\n\n"
     "Terima kasih,\nSiti Aminah"),
    ("Budi Santoso", "budi.santoso@warga.test", "Pelayanan surat pengantar lambat",
     "Yth. Bapak/Ibu,\n\nSaya mengurus surat pengantar di kantor kelurahan Handil Bakti tetapi "
     "sudah tiga hari belum selesai tanpa penjelasan. Mohon kejelasan prosedur dan waktunya.\n\n"
     "Hormat saya,\nBudi Santoso"),
)

# What each official answers, per complaint (by index) and step.
SCRIPT: dict[int, tuple[str, ...]] = {
    2: ("Sudah diklarifikasi dengan Lurah Rawa Makmur: tiga titik lampu jalan di RT 12 padam "
        "karena kabel putus.\nSeksi: Pemerintahan",
        "Sudah dikonfirmasi ke Kelurahan Handil Bakti: berkas tertahan karena petugas cuti.\n"
        "Seksi: Pelayanan Umum\nSapaan: Bapak"),
    3: ("Koordinasikan dengan Dinas PUPR untuk perbaikan kabel dalam 7 hari kerja.\nRapat: tidak",
        "Tegur petugas dan tetapkan waktu layanan surat pengantar paling lama 1 hari kerja.\nRapat: ya"),
    4: ("Perbaikan kabel lampu jalan di RT 12 Kelurahan Rawa Makmur telah dikoordinasikan dengan "
        "Dinas PUPR Kota Samarinda dan dijadwalkan selesai paling lambat 7 (tujuh) hari kerja.\n\n"
        "Kelurahan Rawa Makmur akan memantau pelaksanaannya dan melaporkan hasilnya kepada Camat.",
        "Surat pengantar Bapak telah diselesaikan dan dapat diambil di Kantor Kelurahan Handil Bakti.\n\n"
        "Kami telah menetapkan bahwa surat pengantar diselesaikan paling lama 1 (satu) hari kerja "
        "sejak berkas lengkap diterima."),
    6: ("Setuju", "Setuju.\nMohon dipantau pelaksanaannya."),  # step 4a: the Camat approves the konsep
    5: ("Jawaban telah dikirim melalui surel dan salinannya diarsipkan.",
        "Jawaban telah dikirim melalui surel; pengadu juga dihubungi melalui telepon."),
}
SCRIPT = {step: (*texts, WEB_SCRIPT[step]) for step, texts in SCRIPT.items()}  # the web-form complainant's


KEEPER = "Sri Wahyuni"  # the demo office's agenda keeper (TU)
FIRST_AGENDA_NUMBER = 958  # the agenda's next serial: the seed SOP itself carries 0957


def signature_png(width: int = 320, height: int = 110) -> bytes:
    """A small handwritten-looking stroke as a PNG, drawn without any imaging library."""
    pixels = [[0] * width for _ in range(height)]
    for i in range(4000):
        t = i / 4000
        x = int(20 + t * (width - 40))
        y = int(height / 2 + 28 * math.sin(t * 13) * (1 - t * 0.6) + 10 * math.sin(t * 41))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if 0 <= x + dx < width and 0 <= y + dy < height:
                    pixels[y + dy][x + dx] = 255
    return _png(pixels, (20, 30, 110))


def emblem_png(width: int = 120, height: int = 140) -> bytes:
    """A placeholder for the lambang daerah: a plain shield outline (an office sets its own)."""
    pixels = [[0] * width for _ in range(height)]
    for y in range(height):
        # Straight sides for the upper 60 %, then curving to a point at the bottom.
        curve = max(0.0, (y - height * 0.6) / (height * 0.4))
        half = (width / 2 - 6) * math.cos(curve * math.pi / 2)
        for x in range(width):
            edge = abs(abs(x - width / 2) - half) < 3 or (y < 4 and abs(x - width / 2) <= half)
            inner = abs(x - width / 2) < half - 10 and 12 < y < height * 0.45 and (x + y) % 14 < 3
            if edge or inner:
                pixels[y][x] = 255
    return _png(pixels, (0, 0, 0))


def _png(pixels: list[list[int]], colour: tuple[int, int, int]) -> bytes:
    """An RGBA PNG of one colour whose alpha is `pixels`."""
    width = len(pixels[0])
    height = len(pixels)
    raw = b"".join(b"\x00" + bytes(v for p in row for v in (*colour, p)) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _storage_and_mail(rig: MailRig, office: str) -> list[str]:
    """The book, files and mail servers of a demo or test office: the rig's, on loopback."""
    return ["[storage]", 'database = "data/pengaduan.db"', 'files = "data/files"', 'outbox = "data/surat-keluar"',
            "[mailbox]", 'host = "127.0.0.1"', f"port = {rig.imap_port}", 'security = "none"',
            f'username = "{office}"', f'password = "{PASSWORD}"', f'address = "{office}"',
            "[smtp]", 'host = "127.0.0.1"', f"port = {rig.smtp_port}", 'security = "none"']


def write_config(directory: Path, rig: MailRig, signature: Path | None = None,
                 cast: Cast = Cast(), extra: str = "", emblem: Path | None = None,
                 monthly_reports: bool = False, agenda: bool = False) -> Path:
    """The configuration of a demo or test office on the rig. The monthly recap mail is off
    unless asked for: on the first working day of a month it would join every test's mail.
    `agenda`: letter numbers come from the office's agenda, given by its keeper (the demo's way)."""
    office = cast.office
    kelurahan = cast.head == "lurah"
    lines = [
        "[office]",
        'name = "Kelurahan Rawa Makmur"' if kelurahan else 'name = "Kecamatan Palaran"',
        # A kelurahan's kop has three tiers: the kota, its kecamatan, the kelurahan.
        'parent = ["Pemerintah Kota Samarinda", "Kecamatan Palaran"]' if kelurahan
        else 'parent = "Pemerintah Kota Samarinda"',
        'address = "Jalan Contoh Nomor 1, Kelurahan Rawa Makmur, Kecamatan Palaran, Kota Samarinda, '
        'Kalimantan Timur 75253"',
        f'contact = "Telepon (0541) 000000, Surel {office}"',
        'phone = "(0541) 000000"',
        'counter = "Loket Pengaduan"',
        'hours = "Senin–Jumat pukul 07.30–16.00 WITA"',
        *([f'emblem = "{emblem}"'] if emblem else []),
        *_storage_and_mail(rig, office),
    ]
    for role, (name, email) in cast.officials.items():
        lines += [f"[roles.{role}]", f'name = "{name}"', f'email = "{email}"']
        if role in (cast.head, "sekretaris"):
            lines.append('nip = "198005071999121001"' if role == cast.head else 'nip = "198203152006042003"')
        if role == "sekretaris" and kelurahan:
            lines.append('title = "Sekretaris Kelurahan"')
        if role == cast.head:
            lines.append('rank = "Pembina Tk. I (IV/b)"')
            if signature:
                lines.append(f'signature = "{signature}"')
    for name, head, email in cast.sections:
        lines += ["[[roles.sections]]", f'name = "{name}"', f'head = "{head}"', f'email = "{email}"']
    if agenda:  # the TU staff who keeps the buku agenda surat keluar
        lines += ["[roles.agenda]", f'name = "{KEEPER}"', f'email = "agenda@{cast.domain}"']
    lines += ["[reports]", f"monthly = {'true' if monthly_reports else 'false'}"]
    if kelurahan:  # the SOP that ships for kelurahan, signed by the Lurah
        lines += ["[sop]", 'file = "kelurahan.toml"']
    if kelurahan or agenda:
        lines += ["[letters]"] + (['signer = "lurah"'] if kelurahan else []) + (['numbering = "agenda"'] if agenda else [])
    if "[letters]" not in extra:  # where the sealed letters' note says the office key is published
        lines += [*([] if kelurahan or agenda else ["[letters]"]), f'verify_url = "https://{office.split("@")[1]}/kunci-segel"']
    path = directory / "pengaduan.toml"
    path.write_text("\n".join(lines) + "\n" + extra)
    path.chmod(0o600)
    return path



def complaint_message(name: str, address: str, subject: str, body: str,
                      to: str = Cast().office) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((name, address))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="warga.test")
    msg.set_content(body)
    return msg


def inbox(rig: MailRig, address: str, password: str = PASSWORD):
    """All messages in a user's INBOX, oldest first (imap-tools MailMessage objects)."""
    with MailBoxUnencrypted("127.0.0.1", rig.imap_port).login(address, password) as box:
        return list(box.fetch(AND(all=True), mark_seen=False))


def find_routing(rig: MailRig, address: str, number: str, step: int | str):
    """The routing email for `number`'s step in the official's mailbox, or None."""
    marker = f"[{number}] Tugas langkah {step} "
    found = [m for m in inbox(rig, address) if " ".join(m.subject.split()).startswith(marker)]
    return found[-1] if found else None


def reply_to(routing, sender: tuple[str, str], text: str) -> EmailMessage:
    """A reply as a mail app writes it: to the Reply-To, threaded, original quoted below."""
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = routing.reply_to[0] if routing.reply_to else routing.from_
    msg["Subject"] = "Re: " + " ".join(routing.subject.split())
    msg["Message-ID"] = make_msgid(domain=sender[1].split("@")[1])
    msg["In-Reply-To"] = routing.headers["message-id"][0]
    msg["References"] = routing.headers["message-id"][0]
    quoted = "\n".join("> " + ln for ln in routing.text.splitlines())
    msg.set_content(f"{text}\n\nSalam,\n{sender[0]}\n\nPada {routing.date_str}, "
                    f"{routing.from_} menulis:\n{quoted}\n")
    return msg


def _play_steps(rig: MailRig, office, numbers: list[str], echo, *, first: int = 0,
                own: dict[int, str] | None = None) -> None:
    """Each official answers each routing email by real SMTP; the daemon runs after each round.
    `first`: letters numbered before these; `own`: a step's answer other than the script's."""
    from jobs.daemon import run_once

    cfg = office.config
    for step in (s.no for s in cfg.procedure.walk()[1:]):  # in the SOP's order: 2, 3, 4, the approval 4a, 5
        official = cfg.directory.official(cfg.procedure.step(step).role)
        for index, number in enumerate(numbers):
            label = cfg.procedure.label(step)
            routing = find_routing(rig, official.email, number, label)
            if routing is None:
                raise RuntimeError(f"surel tugas langkah {label} untuk {number} tidak ditemukan")
            year = dt.datetime.now(cfg.clock.tz).year
            text = (cfg.letter_number(year, FIRST_AGENDA_NUMBER + first + index) if cfg.procedure.step(step).numbers
                    else (own or {}).get(step) or SCRIPT[step][index])  # the keeper numbers from the agenda
            rig.send(reply_to(routing, (official.name, official.email),
                              f"Nomor: {text}" if cfg.procedure.step(step).numbers else text))
        run_once(office)
        echo(f"Langkah {cfg.procedure.label(step)}: {official.title} membalas surel tugas; "
             f"{cfg.procedure.step(step).output.lower()}.")


FEEDBACK = ("PUAS\nTerima kasih, lampu sudah menyala lagi.", "4")  # PUAS, and a rating on the SKM scale


def _citizens_answer(rig: MailRig, office, echo) -> None:
    """Each citizen replies to the delivery mail with their word on the answer."""
    from jobs.daemon import run_once

    for (name, address, _, _), text in zip((*Cast().citizens, WEB_CITIZEN), (*FEEDBACK, WEB_FEEDBACK)):
        [delivery] = [m for m in inbox(rig, address) if m.subject.startswith("Jawaban atas Pengaduan")]
        rig.send(reply_to(delivery, (name, address), text))
        echo(f"Warga {name} membalas surel jawaban: {text.splitlines()[0]}")
    run_once(office)


def _show_results(console, rig: MailRig, office, docs: list[dict], echo) -> None:
    from rich.table import Table

    table = Table(title=f"Buku Pengaduan {office.config.office_name}")
    for column in ("Nomor", "Pengadu", "Pokok", "Seksi", "Status", "Surat jawaban"):
        table.add_column(column, no_wrap=column in ("Nomor", "Surat jawaban"))
    for d in docs:
        table.add_row(d["number"], d["complainant"]["name"], d["subject"], d["section"] or "-",
                      {"closed": "selesai"}.get(d["state"], d["state"]), d["letter_number"] or "-")
    console.print(table)
    for d in docs:
        echo(f"Surat jawaban {d['letter_number']} (bertanda tangan dan bersegel): {d['letter']}")
    command = sys.argv[0] if Path(sys.argv[0]).name == "pengaduan" else "pengaduan"
    echo(f"Periksa keasliannya: {command} --config {office.config.path} verifikasi {docs[0]['letter']}")
    for _, address, _, _ in (*Cast().citizens, WEB_CITIZEN):
        echo(f"Kotak masuk {address}: " + "; ".join(m.subject for m in inbox(rig, address)))
    echo(f"Salinan surat untuk staf: {office.config.outbox}")


DESK_USER = "petugas"  # a staf: the demo shows the desk as front-office staff see it
DESK_ADMIN = "admin"  # beside it, the account that manages accounts and sees everything
DESK_PASSWORD = "peragaan-2026"  # the demo's accounts: the demo's book is thrown away with its folder
DEMO_READER = "peragaan"  # who reads the demo's book in its access trail
DESK_ACCOUNTS = f"staf: {DESK_USER}, admin: {DESK_ADMIN}; kata sandi keduanya {DESK_PASSWORD}"


def run_demo(directory: Path | None = None, *, echo=print) -> dict:
    """The whole SOP on local mail servers: two complaints, every official's reply by mail,
    two signed and sealed letters. Returns the folder and the complaints' JSON."""
    from rich.console import Console

    from jobs.daemon import run_once
    from office.config import load_config
    from office.keys import make_seal_key
    from office.opening import close_office, open_office
    from office.plain import utcnow
    from office.reading import read_book

    console = Console()
    directory = Path(directory or tempfile.mkdtemp(prefix="pengaduan-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    from jobs.demo.smsrig import SmsRig, available

    sms = SmsRig(directory / "sms") if available() else None  # Debian's gammu-smsd, when installed
    with MailRig(password=PASSWORD) as rig, sms or contextlib.nullcontext():
        signature = directory / "ttd-camat.png"
        signature.write_bytes(signature_png())
        emblem = directory / "lambang-contoh.png"  # a placeholder: the office sets its lambang daerah
        emblem.write_bytes(emblem_png())
        make_seal_key(directory / "data" / "files" / "kunci" / "segel-kantor.key")
        cfg = load_config(write_config(directory, rig, signature, emblem=emblem, agenda=True,
                                       extra=sms.config_lines() if sms else ""))
        office = open_office(cfg, create=True)
        console.rule("[bold]Peragaan pengaduan: SOP Penanganan Pengaduan Pelayanan Publik")
        echo(f"Server surel lokal: IMAP 127.0.0.1:{rig.imap_port}, SMTP 127.0.0.1:{rig.smtp_port}")
        for name, address, subject, body in Cast().citizens:
            rig.send(complaint_message(name, address, subject, body))
            echo(f"Warga {name} <{address}> mengirim pengaduan: {subject}")
        run_once(office)
        send_web_complaint(office, utcnow(), echo)  # beside the email ones: a citizen on the public form
        run_once(office)
        numbers = [d["number"] for d in read_book(office, DEMO_READER, utcnow())]
        echo(f"Langkah 1: tercatat dalam buku pengaduan sebagai {', '.join(numbers)}; tanda terima "
             f"dikirim kepada pengadu, tugas dikirim kepada Sekretaris.")
        _play_steps(rig, office, numbers, echo)
        _citizens_answer(rig, office, echo)
        docs = read_book(office, DEMO_READER, utcnow())
        _show_results(console, rig, office, docs, echo)
        if sms:  # one complainant beside them who only has a phone: by SMS from ADUAN to PUAS
            from jobs.demo.sms_citizen import play_sms_citizen

            by_sms = play_sms_citizen(office, sms, echo, lambda number, own: _play_steps(
                rig, office, [number], echo, first=len(docs), own=own))
        from office.desk import add_user

        add_user(office, DESK_USER, "staf", DESK_PASSWORD, utcnow())
        add_user(office, DESK_ADMIN, "admin", DESK_PASSWORD, utcnow())
        echo(f"Konfigurasi dan buku pengaduan peragaan: {directory}")
        echo(f"Selesai dalam {time.monotonic() - started:.1f} detik.")
        close_office(office)
        return {"directory": directory, "complaints": docs, "config": cfg.path, "sms": by_sms if sms else None}
