"""Staff commands: complaints recorded at the desk, actions taken outside email, delegations."""

from __future__ import annotations

import re
from pathlib import Path

import click

from jobs.cli import _Group, _open_office, main


@main.command(help="Catat pengaduan yang datang langsung, lewat telepon atau surat.")
@click.option("--saluran", type=click.Choice(["langsung", "telepon", "surat", "lapor", "email"]),
              required=True, help="Cara pengaduan diterima.")
@click.option("--nama", required=True, help="Nama pengadu.")
@click.option("--surel", default=None, help="Alamat surel pengadu (tanda terima dan jawaban dikirim ke sini).")
@click.option("--telepon", default=None, help="Nomor telepon pengadu.")
@click.option("--alamat", default=None, help="Alamat pengadu (untuk surat jawaban).")
@click.option("--pokok", required=True, help="Pokok pengaduan (satu kalimat).")
@click.option("--isi", default=None, help="Isi pengaduan.")
@click.option("--isi-berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Isi pengaduan dari berkas teks.")
@click.option("--lampiran", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Pindaian atau foto; boleh lebih dari satu.")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def catat(ctx, saluran, nama, surel, telepon, alamat, pokok, isi, isi_berkas, lampiran, petugas) -> None:
    import getpass
    import mimetypes

    from intake.parse import Attachment
    from sop.clock import utcnow
    from jobs.recording import NewComplaint, record_complaint

    if bool(isi) == bool(isi_berkas):
        raise click.UsageError("Isi pengaduan wajib diisi: pakai --isi atau --isi-berkas (salah satu).")
    if surel and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", surel):
        raise click.UsageError(f"Alamat surel tidak valid: {surel}")
    body = isi if isi else isi_berkas.read_text(encoding="utf-8", errors="replace")
    files = tuple(Attachment(filename=p.name, data=p.read_bytes(),
                             content_type=mimetypes.guess_type(p.name)[0] or "application/octet-stream")
                  for p in lampiran)
    office = _open_office(ctx)
    who = petugas or getpass.getuser()
    now = utcnow()
    with office.book.transaction():
        row = record_complaint(office, NewComplaint(
            channel=saluran, name=nama, email=surel.lower() if surel else None, phone=telepon, address=alamat,
            subject=pokok, body=body.strip(), attachments=files, recorded_by=f"petugas {who}",
            note=f"Dicatat oleh petugas {who} (saluran: {saluran})."), now)
    nxt = office.config.procedure.step(row["step"]).role if row["step"] else None
    click.echo(f"Pengaduan dicatat dengan nomor {row['number']}.")
    if nxt:
        click.echo(f"Tugas langkah {row['step']} dikirim kepada {office.config.directory.official(nxt).title}.")
    if not surel:
        click.echo("Pengadu tidak memiliki alamat surel: sampaikan tanda terima secara langsung.")
    _send_now(office, now)


@main.command(help="Catat tindakan pejabat yang dilakukan di luar surel (misalnya keputusan dalam rapat).")
@click.argument("number")
@click.option("--teks", required=True, help="Isi tindakan, seperti balasan pejabat (kata kunci boleh dipakai).")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def langkah(ctx, number: str, teks: str, petugas: str | None) -> None:
    import getpass

    from sop.clock import utcnow

    office = _open_office(ctx)
    now = utcnow()
    who = petugas or getpass.getuser()
    with office.book.transaction():
        row = office.book.complaint(number)
        if row is None:
            raise click.ClickException(f"Pengaduan {number} tidak ada dalam buku.")
        task = office.book.open_task_of(row["id"])
        if row["state"] != "open" or task is None:
            raise click.ClickException(f"Pengaduan {number} tidak sedang menunggu tindakan pejabat.")
        holder = office.holder(task["role"], now)
        row, acted = office.act_for(row, task, teks, f"petugas {who} atas nama {holder.title} {holder.name}", now)
        if not acted:
            raise click.ClickException("Teks tindakan kosong; tidak ada yang dicatat.")
        office.book.add_event(row["id"], now, task["step"], f"petugas {who}", "dicatat_petugas",
                              f"Tindakan langkah {task['step']} dicatat oleh petugas {who} atas nama "
                              f"{holder.title} {holder.name}, di luar surel.")
    click.echo(f"Langkah {task['step']} pengaduan {number} dicatat atas nama {holder.title} {holder.name}.")
    click.echo(f"Status sekarang: {row['state']}, langkah {row['step'] or '-'}.")
    _send_now(office, now)


def _send_now(office, now) -> None:
    """Send what a command queued at once; the daemon's sender retries whatever fails."""
    from jobs.sender import send_due

    try:
        send_due(office.book, office.config.smtp, office.config.mailbox.address, now)
    except Exception as exc:
        click.echo(f"Surel belum terkirim ({exc}); daemon akan mengirimkannya.")


@main.group(cls=_Group, invoke_without_command=True,
            help="Pelaksana tugas (Plt.) atau pelaksana harian (Plh.) suatu peran.")
@click.pass_context
def delegasi(ctx) -> None:
    if ctx.invoked_subcommand is not None:
        return
    office = _open_office(ctx)
    rows = office.book.delegations()
    if not rows:
        click.echo("Belum ada delegasi.")
        return
    for d in rows:
        state = "dicabut" if d["revoked_at"] else ""
        click.echo(f"{d['id']:>3}  {d['form']} {d['role']}: {d['name']} <{d['email']}> "
                   f"{d['starts'][:10]} s.d. {d['ends'][:10]} {state}".rstrip())


@delegasi.command("tambah", help="Tetapkan pelaksana tugas atau harian (Plt./Plh.) untuk suatu peran dalam rentang tanggal.",
                  short_help="Tetapkan pelaksana tugas atau harian untuk suatu peran.")
@click.option("--peran", required=True, help="Peran yang diwakili, misalnya camat.")
@click.option("--bentuk", type=click.Choice(["Plt.", "Plh."]), required=True)
@click.option("--nama", required=True, help="Nama lengkap dengan gelar.")
@click.option("--surel", required=True, help="Alamat surel pelaksana.")
@click.option("--jabatan", required=True, help="Jabatan pelaksana sendiri, misalnya \"Sekretaris Camat\".")
@click.option("--nip", default="")
@click.option("--pangkat", default="")
@click.option("--mulai", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--sampai", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Tanggal terakhir (termasuk).")
@click.pass_context
def delegasi_tambah(ctx, peran, bentuk, nama, surel, jabatan, nip, pangkat, mulai, sampai) -> None:
    import datetime as dt
    import getpass

    from sop.clock import utcnow

    office = _open_office(ctx)
    cfg = office.config
    if peran not in cfg.directory.officials:
        raise click.UsageError(f"Peran '{peran}' tidak ada; pilihan: {', '.join(cfg.directory.officials)}")
    if sampai < mulai:
        raise click.UsageError("--sampai tidak boleh sebelum --mulai.")
    tz = cfg.clock.tz
    starts = dt.datetime.combine(mulai.date(), dt.time(0, 0), tz)
    ends = dt.datetime.combine(sampai.date() + dt.timedelta(days=1), dt.time(0, 0), tz)
    now = utcnow()
    with office.book.transaction():
        did = office.book.add_delegation(role=peran, form=bentuk, name=nama, email=surel.lower(), nip=nip,
                                         rank=pangkat, title=jabatan, starts=starts, ends=ends,
                                         created_by=getpass.getuser(), created_at=now)
        moved = office.reroute(peran, now) if starts <= now < ends else 0
    click.echo(f"Delegasi {did} dicatat: {bentuk} {cfg.directory.official(peran).title} {nama}, "
               f"{mulai:%Y-%m-%d} s.d. {sampai:%Y-%m-%d}.")
    if moved:
        click.echo(f"{moved} tugas yang sedang terbuka dikirim ulang kepada {nama}.")


@delegasi.command("cabut", help="Akhiri delegasi sekarang; tugas terbuka kembali ke pejabat definitif.")
@click.argument("delegation_id", type=int)
@click.pass_context
def delegasi_cabut(ctx, delegation_id: int) -> None:
    from sop.clock import utcnow

    office = _open_office(ctx)
    now = utcnow()
    with office.book.transaction():
        row = next((d for d in office.book.delegations() if d["id"] == delegation_id), None)
        if row is None or not office.book.revoke_delegation(delegation_id, now):
            raise click.ClickException(f"Delegasi {delegation_id} tidak ada atau sudah dicabut.")
        moved = office.reroute(row["role"], now)
    click.echo(f"Delegasi {delegation_id} dicabut." + (f" {moved} tugas dikirim ulang." if moved else ""))


@main.command(help="Lepaskan pengaduan yang ditahan (banjir pengaduan dari satu pengirim) agar diberi tanda "
                   "terima dan diteruskan; tanpa argumen, tampilkan daftar yang ditahan.",
              short_help="Lepaskan pengaduan yang ditahan, atau tampilkan daftarnya.")
@click.argument("numbers", nargs=-1)
@click.option("--pengirim", default=None, help="Lepaskan semua pengaduan yang ditahan dari alamat ini.")
@click.option("--json", "as_json", is_flag=True, help="Daftar dalam JSON.")
@click.option("--petugas", default=None, help="Nama petugas yang melepaskan (bawaan: pengguna sistem).")
@click.pass_context
def lepas(ctx, numbers: tuple[str, ...], pengirim: str | None, as_json: bool, petugas: str | None) -> None:
    import getpass
    import json

    from jobs.recording import release_held
    from sop.clock import utcnow
    from sop.directory import mailbox_of

    office = _open_office(ctx)
    book = office.book
    if not numbers and not pengirim:
        held = book.held_complaints()
        if as_json:
            click.echo(json.dumps([{"number": r["number"], "sender": r["sender"], "subject": r["subject"],
                                    "held_at": r["held_at"]} for r in held], ensure_ascii=False, indent=2))
        elif not held:
            click.echo("Tidak ada pengaduan yang ditahan.")
        for r in held if not as_json else ():
            click.echo(f"{r['number']}  {r['sender']}  {r['subject'][:50]}")
        return
    rows = book.held_complaints(mailbox_of(pengirim)) if pengirim else []
    for number in numbers:
        row = book.complaint(number)
        if row is None or not row["held_at"]:
            raise click.ClickException(f"Pengaduan {number} tidak ada atau tidak sedang ditahan.")
        rows.append(row)
    if not rows:
        raise click.ClickException(f"Tidak ada pengaduan yang ditahan dari {pengirim}.")
    who = f"petugas {petugas or getpass.getuser()}"
    now = utcnow()
    with book.transaction():
        for row in {r["id"]: r for r in rows}.values():
            release_held(office, row, who, now)
            click.echo(f"Pengaduan {row['number']} dilepas dan diteruskan.")
    _send_now(office, now)
