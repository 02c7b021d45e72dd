"""Demo and test cities: several offices on the rig, each configuration in one folder."""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path

from jobs.demo import Cast, signature_png, write_config
from jobs.demo.mailrig import MailRig

STORAGE = ("data/pengaduan.db", "data/files", "data/surat-keluar")


def write_office(rig: MailRig, kantor: Path, key: str, *, head: str = "camat", extra: str = "",
                 imap_port: int | None = None, smtp_port: int | None = None, name: str | None = None) -> Cast:
    """An office on the rig whose configuration is `kantor/<key>.toml`, its book and files in a
    folder of its own (absolute paths, so the configuration may live anywhere); its mail domain
    is `<key>.test`. `imap_port`/`smtp_port` point it at another server (a hung one, say)."""
    from office.opening import new_book

    cast = Cast(domain=f"{key}.test", head=head)
    folder = Path(tempfile.mkdtemp(prefix=f"pgd-{key}-"))
    signature = folder / "ttd.png"
    signature.write_bytes(signature_png())
    text = write_config(folder, rig, signature, cast, extra=extra).read_text()
    if name:
        default = "Kelurahan Rawa Makmur" if head == "lurah" else "Kecamatan Palaran"
        text = text.replace(f'name = "{default}"', f'name = "{name}"', 1)
    for relative in STORAGE:
        text = text.replace(f'"{relative}"', f'"{folder / relative}"')
    if imap_port:
        text = text.replace(f"port = {rig.imap_port}", f"port = {imap_port}")
    if smtp_port:
        text = text.replace(f"port = {rig.smtp_port}", f"port = {smtp_port}")
    new_book(folder / "data" / "pengaduan.db")
    path = kantor / f"{key}.toml"
    path.write_text(text)
    path.chmod(0o600)
    return cast


class BlackHole:
    """A server that accepts TCP connections and never says a word (a hung mail server)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


CITY = (("kec-palaran", "camat", "Kecamatan Palaran"), ("kel-rawa-makmur", "lurah", "Kelurahan Rawa Makmur"),
        ("kel-bukuan", "lurah", "Kelurahan Bukuan"))


def run_city_demo(directory: Path | None = None, *, echo=print) -> Path:
    """A small city on local mail servers: a kecamatan and two kelurahan in one daemon, one
    complaint to each, each acknowledged and routed by its own office; then the city's recap."""
    import time

    from jobs.daemon import run_forever
    from jobs.demo import PASSWORD, complaint_message, inbox
    from office.city import city_recap, write_city_xlsx
    from office.plain import WITA, utcnow
    from office.reports import period

    directory = Path(directory or tempfile.mkdtemp(prefix="pengaduan-kota-"))
    kantor = directory / "kantor"
    kantor.mkdir(parents=True, exist_ok=True)
    with MailRig(password=PASSWORD) as rig:
        casts = [write_office(rig, kantor, key, head=head, name=name, extra="[daemon]\npoll_seconds = 1\n")
                 for key, head, name in CITY]
        echo(f"Kota peragaan: {len(casts)} kantor dalam {kantor} (satu daemon: pengaduan jalankan --kantor)")
        stop = threading.Event()
        daemon = threading.Thread(target=run_forever, args=([],), kwargs={"folder": kantor, "stop": stop}, daemon=True)
        daemon.start()
        try:
            for cast in casts:
                name, address, subject, body = cast.citizens[0]
                rig.send(complaint_message(name, address, subject, body, to=cast.office))
                echo(f"Warga {name} mengirim pengaduan kepada {cast.office}: {subject}")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not all(inbox(rig, c.citizens[0][1]) for c in casts):
                time.sleep(0.3)
            for cast in casts:
                got = inbox(rig, cast.citizens[0][1])
                echo(f"{cast.office}: tanda terima {'diterima' if got else 'belum diterima'}"
                     + (f" ({' '.join(got[0].subject.split())})" if got else ""))
        finally:
            stop.set()
            daemon.join(timeout=60)
    now = utcnow()
    month = now.astimezone(WITA)
    title, start, end = period((month.year, month.month))
    from jobs.city import office_configs

    city = city_recap(office_configs(kantor), title, start, end, now)
    target = directory / f"laporan-pengaduan-kota-{month:%Y%m}.xlsx"
    write_city_xlsx(city, target)
    for name, r in city.offices:
        echo(f"{name}: {r.total} pengaduan")
    echo(f"Rekap kota ({len(city.offices)} kantor, {city.totals.total if city.totals else 0} pengaduan): {target}")
    return directory
