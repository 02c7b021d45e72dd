"""Letter commands: the office key, verification, dispatch and PDFs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jobs.cli.common import CannotRun, Command, Group, emitted, load_config_or_fail, open_office, refusals, send_now

if TYPE_CHECKING:
    from office.keys import Letter


def date_words(iso_date: str) -> str:
    """A seal's ISO date as a letter writes it ("7 Desember 2026"); the text as it is when not a date."""
    import datetime as dt

    from office.plain import date_words

    try:
        return date_words(dt.date.fromisoformat(iso_date))
    except ValueError:
        return iso_date


@click.group(cls=Group, help="Kunci segel elektronik kantor (Ed25519) untuk surat jawaban.")
def kunci() -> None:
    pass


@kunci.command("buat", help="Buat kunci segel kantor (sekali); kunci publiknya dicetak untuk diumumkan.")
@click.pass_context
def kunci_buat(ctx) -> None:
    from office.keys import make_seal_key

    path = load_config_or_fail(ctx).letters.key  # the key needs no book
    try:
        public = make_seal_key(path)
    except FileExistsError:
        raise click.ClickException(f"Kunci sudah ada di {path}; kunci lama tidak ditimpa.") from None
    click.echo(f"Kunci segel dibuat: {path} (hanya dapat dibaca akun layanan).")
    click.echo("Umumkan kunci publik berikut (misalnya di laman kantor) agar surat dapat diperiksa:")
    click.echo(public)


@kunci.command("tampil", help="Cetak kunci publik kantor untuk diumumkan.")
@click.pass_context
def kunci_tampil(ctx) -> None:
    from office.keys import public_key_text

    path = load_config_or_fail(ctx).letters.key
    if not path.exists():
        raise click.ClickException(f"Belum ada kunci di {path}; buat dengan: pengaduan kunci buat")
    click.echo(public_key_text(path))


def _known_keys(ctx, extra: tuple[Path, ...]) -> dict:
    from office.config import ConfigError, config_path, load_config
    from office.keys import known_keys

    try:
        given = ctx.find_root().obj["config"]
        cfg = load_config(config_path(given[0] if given else None))
    except ConfigError:
        cfg = None  # verifying needs only a public key, not the office's configuration
    return known_keys(cfg, [p.read_text() for p in extra])


@click.command(cls=Command, help="Periksa keaslian surat jawaban (.docx, .pdf, atau teks kode QR), tanpa internet.")
@click.argument("target", metavar="BERKAS|KODE")
@click.option("--kunci", "key_files", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Berkas kunci publik kantor penerbit (bila bukan kantor ini).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def verifikasi(ctx, target: str, key_files, as_json: bool) -> None:
    from office.keys import UNREADABLE, check_seal, filed_copy, signs_outside, verify_letter

    if not target.strip():
        raise CannotRun("Sebutkan berkas surat (.docx atau .pdf) atau teks kode verifikasinya.")
    keys = _known_keys(ctx, key_files)
    office = None
    try:
        office = open_office(ctx)
    except click.ClickException:
        pass  # checking needs only a public key, not this office's book
    path = Path(target)
    is_code = "PGD1|" in target  # the seal's own text (letters.seal.PREFIX), slashes and all
    looks_like_file = not is_code and (path.suffix.lower() in (".docx", ".pdf", ".doc", ".odt") or "/" in target)
    if path.is_dir():
        raise CannotRun(f"{target} adalah folder; sebutkan berkas suratnya.")
    filed = filed_copy(path, office) if office and not is_code and path.is_file() else None
    if filed is not None:  # a wet-signed scan or a TTE-signed PDF the office filed: known by its SHA-256
        _say_filed_copy(filed, as_json)
        ctx.exit(0)
    if not is_code and path.exists():
        try:
            verdict = verify_letter(path, keys, office)
        except UNREADABLE as exc:
            raise CannotRun(f"{target} tidak dapat dibaca sebagai surat .docx atau .pdf ({exc}); keasliannya "
                            f"tidak dapat diperiksa.") from None
    elif looks_like_file:
        raise CannotRun(f"Berkas {target} tidak ada.")
    else:
        verdict = check_seal(target, keys)
        if verdict.seal:
            verdict.checked.append("hanya kode yang diperiksa; isi surat memerlukan berkasnya")
    if verdict.seal is None and office and not is_code and signs_outside(office):
        # This office files signed copies: a file that is neither sealed nor one of them is not its letter.
        click.echo("TIDAK COCOK: berkas ini bukan surat bersegel kantor dan bukan salinan arsip surat bertanda "
                   "tangan mana pun (SHA-256 tidak tercatat).")
        ctx.exit(1)
    if verdict.seal is None:  # nothing to check against: not a verdict on the letter
        raise CannotRun("Tidak dapat diperiksa: " + "; ".join(verdict.problems or ["kode verifikasi tidak ditemukan"]))
    if as_json:
        click.echo(json.dumps({"valid": verdict.valid, "intact": verdict.valid, "problems": verdict.problems,
                               "checked": verdict.checked, "letter": asdict(verdict.seal)},
                              ensure_ascii=False, indent=2))
    else:
        s = verdict.seal
        click.echo(f"Surat nomor {s.number}, tanggal {date_words(s.date)}, kepada {s.addressee}.")
        click.echo("Yang diperiksa:")
        for line in verdict.checked:
            click.echo(f"  ✓ {line}")
        for line in verdict.problems:
            click.echo(f"  ✗ {line}")
        click.echo("UTUH: segel elektronik kantor cocok dengan isi surat; surat tidak diubah sejak disegel."
                   if verdict.valid else "TIDAK UTUH: surat ini tidak sama dengan yang disegel kantor (lihat di atas).")
    ctx.exit(0 if verdict.valid else 1)


def _say_filed_copy(letter: Letter, as_json: bool) -> None:
    words = {"basah": "basah", "tte": "tte"}.get(letter.signing, letter.signing)
    if as_json:
        click.echo(json.dumps({"valid": True, "intact": True, "filed_copy": True, "number": letter.number,
                               "signing": letter.signing, "sha256": letter.signed_sha256,
                               "void": bool(letter.void)}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Salinan arsip surat nomor {letter.number} ({words}): SHA-256 berkas ini sama dengan salinan "
               f"bertanda tangan yang diarsipkan kantor.")
    if letter.void:
        click.echo("Catatan: surat ini kemudian dibatalkan dan diganti.")


@click.group(cls=Group, invoke_without_command=True, help="Surat jawaban: menunggu pengiriman, cetak, kirim.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.pass_context
def surat(ctx, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from office.lookups import letters_to_send

    office = open_office(ctx)
    rows = []
    for letter, complaint in letters_to_send(office):
        rows.append({"number": letter.number, "complaint": complaint.number, "issued_at": letter.issued_at,
                     "addressee": complaint.name, "email": complaint.email, "address": complaint.address,
                     "docx": letter.path, "pdf": letter.pdf_path})
    if emitted(rows, as_json, "Tidak ada surat yang menunggu pengiriman."):
        return
    click.echo("Surat menunggu pengiriman:")
    for r in rows:
        via = f"surel {r['email']}" if r["email"] else "tanpa surel"
        click.echo(f"  {r['number']}  pengaduan {r['complaint']}  kepada {r['addressee'] or '-'} ({via})")
    printable = [r for r in rows if not r["email"]]
    if printable:
        click.echo("\nSiap dicetak (pengadu tanpa alamat surel; sampaikan lewat pos atau langsung):")
        for r in printable:
            click.echo(f"  {r['number']}  {r['addressee'] or '-'}, {r['address'] or 'alamat tidak dicatat'}")
            click.echo(f"      {r['pdf'] or r['docx']}")


@surat.command("kirim", help="Catat pengiriman surat (langkah penyampaian selesai); dengan --cara surel sistem mengirimkannya.")
@click.argument("number", metavar="NOMOR")
@click.option("--cara", type=click.Choice(["surel", "pos", "langsung", "email"]), required=True,
              help="Cara penyampaian (email: nama lama untuk surel).")
@click.option("--catatan", default="", help="Keterangan, misalnya nomor resi pos atau nama penerima.")
@click.option("--petugas", default=None)
@click.pass_context
def surat_kirim(ctx, number: str, cara: str, catatan: str, petugas: str | None) -> None:
    import getpass

    from office.commands import DELIVERY_WAYS, dispatch_letter
    from office.plain import utcnow

    cara = "email" if cara == "surel" else cara  # the book's word for it
    office = open_office(ctx)
    now = utcnow()
    with refusals():
        letter, row = dispatch_letter(office, number, cara, catatan, petugas or getpass.getuser(), now)
    if letter.kind in ("jawaban", "pelimpahan"):
        click.echo(f"Pengiriman surat {letter.number} dicatat ({DELIVERY_WAYS[cara]}); "
                   f"pengaduan {row.number} selesai.")
    else:
        click.echo(f"Pengiriman surat {letter.number} dicatat ({DELIVERY_WAYS[cara]}).")
    send_now(office, now)


@surat.command("pdf", help="Buat PDF untuk surat yang belum memilikinya (memerlukan LibreOffice).")
@click.pass_context
def surat_pdf(ctx) -> None:
    from office.letter_pdfs import make_pdfs
    from office.plain import libreoffice

    if libreoffice() is None:
        raise click.ClickException("LibreOffice tidak terpasang; surat tetap tersedia dalam format Word.")
    click.echo(f"{make_pdfs(open_office(ctx))} PDF dibuat.")
