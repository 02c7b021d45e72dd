"""Staff commands: complaints recorded at the desk, actions taken outside email, delegations."""

from __future__ import annotations

import re
from pathlib import Path

import click

from jobs.cli.common import DATE, Command, Group, open_office, refusals, send_now


@click.command(cls=Command, help="Catat pengaduan yang disampaikan secara langsung, melalui telepon, atau melalui surat.")
@click.option("--saluran", type=click.Choice(["langsung", "telepon", "surat", "lapor", "surel", "email"]),
              required=True, help="Cara pengaduan diterima (email: nama lama untuk surel).")
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

    from office.commands import record_desk_complaint
    from office.plain import Attachment, utcnow

    saluran = "email" if saluran == "surel" else saluran  # the book's word for it
    if bool(isi) == bool(isi_berkas):
        raise click.UsageError("Isi pengaduan wajib diisi: pakai --isi atau --isi-berkas (salah satu).")
    if surel and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", surel):
        raise click.UsageError(f"Alamat surel tidak valid: {surel}")
    body = isi if isi else isi_berkas.read_text(encoding="utf-8", errors="replace")
    files = tuple(Attachment(filename=p.name, data=p.read_bytes(),
                             content_type=mimetypes.guess_type(p.name)[0] or "application/octet-stream")
                  for p in lampiran)
    office = open_office(ctx)
    now = utcnow()
    with refusals():
        row = record_desk_complaint(office, channel=saluran, name=nama, email=surel, phone=telepon, address=alamat,
                                    subject=pokok, body=body, files=files, officer=petugas or getpass.getuser(),
                                    now=now)
    from office.letter_pdfs import make_pdfs
    from office.receipts import receipt_files, write_receipt

    nxt = office.config.procedure.step(row.step).role if row.step else None
    click.echo(f"Pengaduan dicatat dengan nomor {row.number}.")
    write_receipt(office, row, petugas or getpass.getuser(), now)
    make_pdfs(office)  # the receipt's PDF, by the PDF job, after the commit
    receipt = receipt_files(office, row)
    click.echo("Tanda terima untuk pengadu (cetak dan serahkan): " + ", ".join(str(p) for p in receipt))
    if nxt:
        shown = office.config.procedure.label(row.step)
        click.echo(f"Tugas langkah {shown} dikirim kepada {office.config.directory.official(nxt).title}.")
    if not surel:
        click.echo("Pengadu tidak memiliki alamat surel: sampaikan tanda terima secara langsung.")
    send_now(office, now)


@click.command(cls=Command, help="Catat usulan tindakan pejabat yang dilakukan di luar surel (misalnya keputusan dalam "
                                 "rapat): berlaku setelah pejabat itu sendiri mengonfirmasinya. Tanpa --teks, tampilkan "
                                 "usulan pengaduan NOMOR; dengan --batal ID, batalkan usulan.",
               short_help="Catat usulan tindakan pejabat, tampilkan, atau batalkan usulan.")
@click.argument("number", metavar="[NOMOR]", required=False)
@click.option("--teks", default=None, help="Isi tindakan, seperti balasan pejabat (kata kunci boleh dipakai).")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.option("--batal", "cancel_id", type=int, default=None, metavar="ID",
              help="Batalkan usulan nomor ID yang masih menunggu konfirmasi (administrator).")
@click.pass_context
def langkah(ctx, number: str | None, teks: str | None, petugas: str | None, cancel_id: int | None) -> None:
    import getpass

    from office import proposals
    from office.plain import utcnow

    if cancel_id is not None and (number or teks):
        raise click.UsageError("--batal ID dipakai tanpa NOMOR dan tanpa --teks.")
    if cancel_id is None and not number:
        raise click.UsageError("Sebutkan NOMOR pengaduan, atau --batal ID.")
    office = open_office(ctx)
    now = utcnow()
    with refusals():
        if cancel_id is not None:
            proposals.cancel(office, cancel_id, petugas or getpass.getuser(), now)
            click.echo(f"Usulan {cancel_id} dibatalkan; tidak ada perubahan pada langkah pengaduan.")
            return
        assert number is not None  # without --batal, NOMOR is required (checked above)
        if teks is None:
            _list_proposals(office, number)
            return
        done = proposals.propose_action(office, number, teks, petugas or getpass.getuser(), now)
    click.echo(f"Usulan {done.id}: tindakan langkah {done.step} pengaduan {number} dicatat atas nama {done.holder.title} "
               f"{done.holder.name} dan dikirim kepadanya untuk dikonfirmasi.")
    click.echo("Tindakan berlaku setelah pejabat membalas \"Benar\" atau mengonfirmasinya di meja layanan; sampai "
               "itu, langkah dan batas waktunya tidak berubah.")
    send_now(office, now)


def _list_proposals(office, number: str) -> None:
    from office.commands import Refused
    from office.lookups import complaint
    from office.proposals import STATE_WORDS, listed

    row = complaint(office, number)
    if row is None:
        raise Refused(f"Pengaduan {number} tidak ada dalam buku.")
    found = listed(office, row)
    if not found:
        click.echo(f"Tidak ada usulan tindakan untuk {number}.")
    for p, state in found:
        click.echo(f"{p['id']:>4}  langkah {office.config.procedure.label(p['step'])}  {STATE_WORDS[state]}  "
                   f"{p['recorded_by']}: {p['text'][:60]}")


@click.command(cls=Command, help="Catat keterangan tambahan dari pengadu (misalnya yang disampaikan lewat telepon).")
@click.argument("number", metavar="NOMOR")
@click.option("--teks", required=True, help="Keterangan tambahan dari pengadu.")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def tambahan(ctx, number: str, teks: str, petugas: str | None) -> None:
    import getpass

    from office.commands import record_addition
    from office.plain import utcnow

    office = open_office(ctx)
    now = utcnow()
    with refusals():
        record_addition(office, number, teks, petugas or getpass.getuser(), now)
    click.echo(f"Keterangan tambahan untuk {number} dicatat dan diteruskan kepada pejabat yang menanganinya.")
    send_now(office, now)


@click.command(cls=Command, help="Catat tanggapan pengadu atas jawaban yang disampaikan kepada petugas: PUAS, "
                                 "TIDAK PUAS: <alasan>, atau nilai 1 sampai 4.")
@click.argument("number", metavar="NOMOR")
@click.option("--teks", required=True, help='Tanggapan pengadu, misalnya "PUAS" atau "TIDAK PUAS: lampu masih mati".')
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def tanggapan(ctx, number: str, teks: str, petugas: str | None) -> None:
    import getpass

    from office.commands import record_feedback
    from office.plain import state_words, utcnow

    office = open_office(ctx)
    now = utcnow()
    with refusals():
        row = record_feedback(office, number, teks, petugas or getpass.getuser(), now)
    click.echo(f"Tanggapan pengadu atas {number} dicatat; status sekarang: {state_words(row.state)}.")
    send_now(office, now)


@click.command(cls=Command, help="Gabungkan pengaduan ULANGAN dengan pengaduan UTAMA yang masih ditangani: satu "
                                 "penanganan, setiap pengadu menerima jawabannya.")
@click.argument("main", metavar="UTAMA")
@click.argument("repeat", metavar="ULANGAN")
@click.option("--petugas", default=None, help="Nama petugas yang mencatat (bawaan: pengguna sistem).")
@click.pass_context
def gabung(ctx, main: str, repeat: str, petugas: str | None) -> None:
    import getpass

    from office.commands import join
    from office.plain import utcnow

    office = open_office(ctx)
    now = utcnow()
    with refusals():
        join(office, main, repeat, petugas or getpass.getuser(), now)
    click.echo(f"Pengaduan {repeat} digabung dengan {main}; keduanya dijawab bersama.")
    send_now(office, now)


@click.group(cls=Group, invoke_without_command=True,
            help="Pelaksana tugas (Plt.) atau pelaksana harian (Plh.) suatu peran.")
@click.pass_context
def delegasi(ctx) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from office.lookups import delegations

    office = open_office(ctx)
    rows = delegations(office)
    if not rows:
        click.echo("Belum ada delegasi.")
        return
    for d in rows:  # the office's own first and last day
        state = "dicabut" if d["revoked_at"] else ""
        click.echo(f"{d['id']:>3}  {d['form']} {d['role']}: {d['name']} <{d['email']}> "
                   f"{d['first']:%d-%m-%Y} s.d. {d['last']:%d-%m-%Y} {state}".rstrip())


@delegasi.command("tambah", help="Tetapkan pelaksana tugas atau harian (Plt./Plh.) untuk suatu peran dalam rentang tanggal.",
                  short_help="Tetapkan pelaksana tugas atau harian untuk suatu peran.")
@click.option("--peran", required=True, help="Peran yang diwakili, misalnya camat.")
@click.option("--bentuk", type=click.Choice(["Plt.", "Plh."]), required=True)
@click.option("--nama", required=True, help="Nama lengkap dengan gelar.")
@click.option("--surel", required=True, help="Alamat surel pelaksana.")
@click.option("--jabatan", required=True, help="Jabatan pelaksana sendiri, misalnya \"Sekretaris Camat\".")
@click.option("--nip", default="")
@click.option("--pangkat", default="")
@click.option("--mulai", type=DATE, metavar="DD-MM-YYYY", required=True, help="Tanggal pertama.")
@click.option("--sampai", type=DATE, metavar="DD-MM-YYYY", required=True, help="Tanggal terakhir (termasuk).")
@click.pass_context
def delegasi_tambah(ctx, peran, bentuk, nama, surel, jabatan, nip, pangkat, mulai, sampai) -> None:
    import getpass

    from office.commands import add_delegation
    from office.plain import utcnow

    office = open_office(ctx)
    with refusals():
        did, moved = add_delegation(office, role=peran, form=bentuk, name=nama, email=surel, title=jabatan, nip=nip,
                                    rank=pangkat, first_day=mulai, last_day=sampai,
                                    created_by=getpass.getuser(), now=utcnow())
    click.echo(f"Delegasi {did} dicatat: {bentuk} {office.config.directory.official(peran).title} {nama}, "
               f"{mulai:%Y-%m-%d} s.d. {sampai:%Y-%m-%d}.")
    if moved:
        click.echo(f"{moved} tugas yang sedang terbuka dikirim ulang kepada {nama}.")


@delegasi.command("cabut", help="Akhiri delegasi sekarang; tugas terbuka kembali ke pejabat definitif.")
@click.argument("delegation_id", metavar="ID", type=int)
@click.pass_context
def delegasi_cabut(ctx, delegation_id: int) -> None:
    from office.commands import revoke_delegation
    from office.plain import utcnow

    office = open_office(ctx)
    with refusals():
        moved = revoke_delegation(office, delegation_id, utcnow())
    click.echo(f"Delegasi {delegation_id} dicabut." + (f" {moved} tugas dikirim ulang." if moved else ""))


@click.command(cls=Command, help="Lepaskan pengaduan yang ditahan (banjir pengaduan dari satu pengirim) agar diberi tanda "
                   "terima dan diteruskan; tanpa argumen, tampilkan daftar yang ditahan.",
              short_help="Lepaskan pengaduan yang ditahan, atau tampilkan daftarnya.")
@click.argument("numbers", metavar="[NOMOR]...", nargs=-1)
@click.option("--pengirim", default=None, help="Lepaskan semua pengaduan yang ditahan dari alamat ini.")
@click.option("--json", "as_json", is_flag=True, help="Daftar dalam JSON.")
@click.option("--petugas", default=None, help="Nama petugas yang melepaskan (bawaan: pengguna sistem).")
@click.pass_context
def lepas(ctx, numbers: tuple[str, ...], pengirim: str | None, as_json: bool, petugas: str | None) -> None:
    import getpass
    import json

    from office.commands import release
    from office.lookups import held as held_complaints
    from office.plain import utcnow

    office = open_office(ctx)
    if not numbers and not pengirim:
        held = held_complaints(office)
        if as_json:
            click.echo(json.dumps([{"number": r.number, "sender": r.sender, "subject": r.subject,
                                    "held_at": r.held_at} for r in held], ensure_ascii=False, indent=2))
        elif not held:
            click.echo("Tidak ada pengaduan yang ditahan.")
        for r in held if not as_json else ():
            click.echo(f"{r.number}  {r.sender}  {r.subject[:50]}")
        return
    now = utcnow()
    with refusals():
        released = release(office, numbers, pengirim, petugas or getpass.getuser(), now)
    for row in released:
        click.echo(f"Pengaduan {row.number} dilepas dan diteruskan.")
    send_now(office, now)
