"""The staff desk's commands: serve it (`meja`), and its accounts (`pengguna`)."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from jobs.cli.common import CannotRun, Command, Group, open_office


@contextmanager
def refusals():
    """An account mistake (a taken name, a short password) is the administrator's: exit 2."""
    from office.commands import Refused

    try:
        yield
    except Refused as exc:
        raise CannotRun(str(exc)) from None


@click.command(cls=Command, help="Jalankan meja layanan (halaman web untuk petugas) di jaringan kantor.")
@click.option("--host", default=None, help="Alamat yang didengarkan (bawaan: [web] host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (bawaan: [web] port, 8080).")
@click.pass_context
def meja(ctx, host: str | None, port: int | None) -> None:
    from jobs.problems import port_problem
    from jobs.web import make_server
    from office.lookups import desk_users

    office = open_office(ctx)
    web = office.config.web
    host, port = host or web.host, port or web.port
    if not desk_users(office):
        click.echo("Belum ada pengguna meja layanan; buat dengan: pengaduan pengguna tambah NAMA --peran admin",
                   err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not web.secure_cookies:
        click.echo(f"Peringatan: meja dilayani dengan HTTP biasa di {host}: kata sandi lewat jaringan tanpa sandi. "
                   f"Pasang nginx dengan TLS di depannya (docs/PANDUAN-ADMIN.md).", err=True)
    try:  # the port taken first: nothing says "berjalan" about a desk that cannot start
        server = make_server(office.config.path, host, port)
    except OSError as exc:
        raise CannotRun(port_problem(exc, host, port)) from None
    click.echo(f"Meja layanan berjalan di http://{host}:{port}/ (hentikan dengan Ctrl+C).")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _password(confirm: bool) -> str:
    """The password without echo at a terminal, or the first line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CannotRun("Kata sandi tidak diberikan pada masukan standar.")
        return line
    return click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi" if confirm else False)


@click.group(cls=Group, invoke_without_command=True, help="Akun meja layanan untuk petugas dan pejabat.")
@click.pass_context
def pengguna(ctx) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from office.lookups import desk_users

    office = open_office(ctx)
    users = desk_users(office)
    if not users:
        click.echo("Belum ada pengguna meja layanan.")
    from office.backup import moment_text
    from office.desk import ROLES, person
    from office.lockout import locked_until
    from office.plain import utcnow

    tz = office.config.clock.tz
    locked = locked_until(office, utcnow())
    for u in users:
        made = moment_text(u["created_at"], tz)
        click.echo(f"{u['name']:<24} {ROLES.get(u['role'], u['role']):<13} dibuat {made}"
                   + (f"  {person(u)}" if u["full_name"] else "") + (f"  NIP {u['nip']}" if u["nip"] else "")
                   + (f"  {u['email']}" if u["email"] else "")
                   + (f"  terkunci sampai {moment_text(locked[u['name']].isoformat(), tz)}"
                      if u["name"] in locked else ""))


@pengguna.command("tambah", help="Buat akun; kata sandi diketik tanpa tampil, atau dibaca dari masukan standar.",
                  options_metavar="[OPSI]")
@click.argument("name", metavar="NAMA")
@click.option("--peran", type=click.Choice(["staf", "pimpinan", "admin"]), required=True,
              help="staf: buku, catat, surat keluar, laporan, karantina; pimpinan: buku, surat keluar, laporan, "
                   "delegasi; admin: semuanya, termasuk akun.")
@click.option("--nama-lengkap", default="", help="Nama lengkap dengan gelar (tercantum pada tanda terima dan riwayat).")
@click.option("--nip", default="", help="NIP (18 angka), bila ada.")
@click.option("--jabatan", default="", help="Jabatan, misalnya \"Pengelola Layanan Operasional\".")
@click.option("--surel", default=None,
              help="Alamat surel pejabat pemilik akun (hanya peran pimpinan): akun ini bertindak sebagai pejabat itu "
                   "sendiri, misalnya menyetujui konsep atau mengonfirmasi usulan tindakan.")
@click.pass_context
def pengguna_tambah(ctx, name: str, peran: str, nama_lengkap: str, nip: str, jabatan: str, surel: str | None) -> None:
    from office.desk import add_user
    from office.plain import utcnow

    office = open_office(ctx)
    with refusals():
        add_user(office, name, peran, _password(confirm=True), utcnow(), email=surel, full_name=nama_lengkap, nip=nip,
                 jabatan=jabatan)
    click.echo(f"Pengguna {name.strip().lower()} ({peran}) dibuat." + (f" Atas nama {nama_lengkap.strip()}." if
                                                                       nama_lengkap.strip() else "")
               + (f" Akun ini adalah pejabat {surel}." if surel else ""))


@pengguna.command("hapus", help="Hapus akun; sesi yang masih terbuka ikut berakhir.")
@click.argument("name", metavar="NAMA")
@click.pass_context
def pengguna_hapus(ctx, name: str) -> None:
    import getpass

    from office.desk import remove_user
    from office.plain import utcnow

    office = open_office(ctx)
    with refusals():
        remove_user(office, name, utcnow(), by=getpass.getuser())
    click.echo(f"Pengguna {name} dihapus.")


@pengguna.command("sandi", help="Ganti kata sandi; semua sesi akun itu berakhir.")
@click.argument("name", metavar="NAMA")
@click.pass_context
def pengguna_sandi(ctx, name: str) -> None:
    from office.desk import change_password
    from office.plain import utcnow

    office = open_office(ctx)
    with refusals():
        change_password(office, name, _password(confirm=True), utcnow())
    click.echo(f"Kata sandi {name} diganti; sesi yang terbuka diakhiri.")
