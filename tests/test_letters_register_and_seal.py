"""The letter register, the seal and its verification, dispatch and filing, PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from letters.render import LetterData, Letterhead, Signer, _cells, letter_text, render_letter
from letters.seal import content_tokens, key_id, make_key, seal
from letters.verify import verify_docx, verify_pdf
from office.issuing import issue_letter
from sop.book import Book
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import start, through

HEAD = Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran", ("Jl. Contoh No. 1",))
SIGNER = Signer("Camat Palaran", "Muhammad Dahlan, S.STP, M.Si", "198005071999121001")


def letter(**changes) -> LetterData:
    base = dict(number="000.8.3.4/0007/400.02", date=dt.date(2026, 1, 6), place="Samarinda",
                hal="Jawaban Pengaduan", addressee="Bapak/Ibu Siti Aminah", addressee_place="Tempat",
                complaint_number="PGD/2026/0001", complaint_date=dt.date(2026, 1, 3),
                complaint_subject="Lampu jalan padam", channel="email",
                answer="Perbaikan kabel dijadwalkan pekan ini.\n\nKelurahan akan memantau.",
                signing_note="Disegel secara elektronik.")
    return LetterData(**(base | changes))


@pytest.fixture
def key(tmp_path):
    return make_key(tmp_path / "kunci" / "segel.key")


def sealed(key, data: LetterData) -> bytes:
    return render_letter(data, HEAD, SIGNER, sealer=lambda tokens: seal(
        key, number=data.number, date=data.date.isoformat(), addressee=data.addressee, tokens=tokens)).data


def keys_of(*private):
    return {key_id(k.public_key()): k.public_key() for k in private}


def test_key_files_are_private_and_never_overwritten(tmp_path, key):
    path = tmp_path / "kunci" / "segel.key"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert path.with_suffix(".pub").read_text().startswith(key_id(key.public_key()) + ":")
    with pytest.raises(FileExistsError):
        make_key(path)


def test_a_sealed_letter_verifies(key):
    verdict = verify_docx(sealed(key, letter()), keys_of(key))
    assert verdict.valid, verdict.problems
    assert verdict.seal.number == "000.8.3.4/0007/400.02" and verdict.seal.addressee == "Bapak/Ibu Siti Aminah"
    assert verdict.seal.date == "2026-01-06"


def _edit(data: bytes, old: str, new: str) -> bytes:
    doc = Document(io.BytesIO(data))
    hits = 0
    cells = [c for c in _cells(doc) if "PGD1-" not in c.text]  # the seal itself stays as it was
    for paragraph in [*doc.paragraphs, *(p for c in cells for p in c.paragraphs)]:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                hits += 1
    assert hits
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_changed_text_is_detected(key):
    tampered = _edit(sealed(key, letter()), "dijadwalkan pekan ini", "tidak dijadwalkan")
    verdict = verify_docx(tampered, keys_of(key))
    assert not verdict.valid and verdict.problems == ["isi surat telah diubah setelah disegel"]


def test_a_changed_number_on_the_letter_is_named(key):
    tampered = _edit(sealed(key, letter()), "000.8.3.4/0007/400.02", "000.8.3.4/0008/400.02")
    problems = verify_docx(tampered, keys_of(key)).problems
    assert "nomor surat pada dokumen (000.8.3.4/0008/400.02) berbeda dengan nomor pada kode verifikasi " \
           "(000.8.3.4/0007/400.02)" in problems


def test_a_seal_swapped_in_from_another_letter_is_detected(key):
    mine = Document(io.BytesIO(sealed(key, letter())))
    other = Document(io.BytesIO(sealed(key, letter(number="000.8.3.4/0009/400.02", answer="Lain."))))
    mine_cell = next(c for c in _cells(mine) if "PGD1-" in c.text)
    other_cell = next(c for c in _cells(other) if "PGD1-" in c.text)
    mine_cell._tc.getparent().replace(mine_cell._tc, other_cell._tc)  # text and QR drawing both
    out = io.BytesIO()
    mine.save(out)
    problems = verify_docx(out.getvalue(), keys_of(key)).problems
    # The printed code is the other letter's; the QR picture the cell points to is this one's.
    assert problems == ["kode QR pada surat tidak sesuai dengan kode verifikasi tertulis"]


def test_a_qr_image_that_does_not_carry_the_printed_code_is_detected(key):
    data = sealed(key, letter())
    other = Document(io.BytesIO(sealed(key, letter(number="000.8.3.4/0009/400.02"))))
    other_png = next(r.target_part.blob for r in other.part.rels.values() if "image" in r.reltype)
    doc = Document(io.BytesIO(data))
    qr_part = next(r.target_part for r in doc.part.rels.values() if "image" in r.reltype)
    qr_part._blob = other_png
    out = io.BytesIO()
    doc.save(out)
    assert "kode QR pada surat tidak sesuai dengan kode verifikasi tertulis" in verify_docx(out.getvalue(), keys_of(key)).problems


def test_a_letter_sealed_with_another_key_is_unknown(tmp_path, key):
    stranger = make_key(tmp_path / "lain" / "k.key")
    verdict = verify_docx(sealed(stranger, letter()), keys_of(key))
    assert not verdict.valid and "tidak dikenal" in verdict.problems[0]


def test_an_unsealed_letter_says_so(key):
    data = render_letter(letter(), HEAD, SIGNER).data
    assert verify_docx(data, keys_of(key)).problems == ["surat ini tidak memuat kode verifikasi (tidak disegel)"]
    assert "PGD1|" not in letter_text(data)


def test_serials_restart_each_year_in_wita(env):
    number = start(env)
    row = env.complaint(number)
    office = env.office
    tz = env.config.clock.tz
    moments = [dt.datetime(2026, 12, 31, 23, 58, tzinfo=tz), dt.datetime(2026, 12, 31, 23, 59, tzinfo=tz),
               dt.datetime(2027, 1, 1, 0, 1, tzinfo=tz)]  # 00:01 WITA is still 2026 in UTC
    numbers = []
    for moment in moments:
        with office.book.transaction():
            numbers.append(issue_letter(office, office.book.complaints.get(row["id"]), "Jawaban.", moment)["letter_number"])
    assert numbers == ["000.8.3.4/0001/400.02", "000.8.3.4/0002/400.02", "000.8.3.4/0001/400.02"]
    assert [(r["year"], r["number"]) for r in office.book.letters.listed()] == [
        (2026, "000.8.3.4/0001/400.02"), (2026, "000.8.3.4/0002/400.02"), (2027, "000.8.3.4/0001/400.02")]
    # Earlier letters of the complaint are void, their numbers kept.
    letters = office.book.letters.listed(row["id"])
    assert [entry["void"] for entry in letters] == [1, 1, 0]


CONCURRENT = """
import sys
from sop.book import Book
book = Book(sys.argv[1])
for _ in range(40):
    with book.transaction():
        print(book.numbers.next_serial("surat-keluar", 2026), flush=True)
"""


def test_two_processes_never_take_the_same_number(tmp_path):
    path = tmp_path / "buku.db"
    Book(path).close()
    runs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(path)], stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    taken = [int(n) for p in runs for n in p.communicate(timeout=60)[0].split()]
    assert all(p.returncode == 0 for p in runs)
    assert sorted(taken) == list(range(1, 81))


def test_the_office_verifies_its_letters_and_knows_void_ones(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
            ("sekretaris", 4, "Jawaban pertama."), ("camat", "4a", "Setuju"))
    first = env.complaint(number)
    ok = pengaduan("--config", str(env.config_path), "verifikasi", first["letter_path"])
    assert ok.returncode == 0 and "UTUH:" in ok.stdout and "tercatat dalam agenda" in ok.stdout
    assert "TIDAK UTUH" not in ok.stdout and "Yang diperiksa" in ok.stdout
    code = env.office.book.letters.by_number(first["letter_number"])["seal"]
    by_code = pengaduan("--config", str(env.config_path), "verifikasi", code, "--json")
    assert json.loads(by_code.stdout)["valid"] is True
    kept = env.directory / "surat-pertama.docx"
    shutil.copy(first["letter_path"], kept)
    # The JFU sends it back; the Sekretaris corrects; a new number, the first one void.
    through(env, number, ("jfu", 5, "Kembalikan: alamat pengadu salah tulis"), ("sekretaris", 4, "Jawaban yang diperbaiki."),
            ("camat", "4a", "Setuju"))
    second = env.complaint(number)
    assert second["letter_number"] != first["letter_number"]
    void = pengaduan("--config", str(env.config_path), "verifikasi", str(kept))
    assert void.returncode == 1 and "telah dibatalkan" in void.stdout and "TIDAK UTUH" in void.stdout
    assert len(list(env.config.outbox.glob("*.docx"))) == 1  # the void copy left the staff folder
    assert "bahwa jawaban yang diperbaiki." in letter_text(Path(second["letter_path"]).read_bytes())


def test_dispatch_by_post_is_recorded_and_filed(env, tmp_path):
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "surat", "--nama", "Pak Darto",
                       "--alamat", "Jl. Pelita 7, Bukuan", "--pokok", "Drainase", "--isi", "Drainase tersumbat.")
    assert result.returncode == 0, result.stderr
    [row] = env.office.book.complaints.listed()
    number = row["number"]
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Bersihkan."),
            ("sekretaris", 4, "Drainase dibersihkan besok."), ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    listing = pengaduan("--config", str(env.config_path), "surat")
    assert row["letter_number"] in listing.stdout and "Siap dicetak" in listing.stdout
    assert "Jl. Pelita 7, Bukuan" in listing.stdout
    text = letter_text(Path(row["letter_path"]).read_bytes())
    assert "Yth. Bapak Darto" in text and "Sdr." not in text  # "Pak" typed by staff is the sapaan
    assert "Jl. Pelita 7, Bukuan" in text and "melalui surat" in text
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", row["letter_number"], "--cara", "pos",
                     "--catatan", "Resi RR123456789ID")
    assert sent.returncode == 0, sent.stderr
    row = env.complaint(number)
    assert row["state"] == "answered"  # delivered; the complainant may still say PUAS or TIDAK PUAS
    entry = env.office.book.letters.by_number(row["letter_number"])
    assert entry["dispatch_method"] == "pos" and "RR123456789ID" in entry["dispatch_note"]
    dossier = json.loads((Path(row["letter_path"]).parent / "pengaduan.json").read_text())
    assert dossier["state"] == "answered" and dossier["letters"][0]["dispatch_method"] == "pos"
    assert any(e["kind"] == "langkah" and e["step"] == 5 for e in dossier["events"])
    again = pengaduan("--config", str(env.config_path), "surat", "kirim", row["letter_number"], "--cara", "pos")
    assert again.returncode != 0 and "sudah tercatat dikirim" in again.stderr


def test_dispatch_by_hand_to_a_complainant_with_email_sends_no_mail_and_is_recorded_once(env):
    env.complain(0)
    env.cycle()
    [row] = env.office.book.complaints.listed()
    number = row["number"]
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
            ("sekretaris", 4, "Lampu diperbaiki besok."), ("camat", "4a", "Setuju"))
    citizen = env.cast.citizens[0][1]
    before = len(env.inbox(citizen))
    # The complaint's own number names the letter too.
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", number, "--cara", "langsung",
                     "--catatan", "Diterima Bu Siti di kantor")
    assert sent.returncode == 0, sent.stderr
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "answered"
    assert len(env.inbox(citizen)) == before  # handed over: no letter by email
    assert not [m for m in env.office.book.outbox.listed(row["id"]) if m["kind"] == "surat_jawaban"]
    entry = env.office.book.letters.by_number(row["letter_number"])
    assert entry["dispatch_method"] == "langsung" and "Bu Siti" in entry["dispatch_note"]


def test_signing_on_behalf_and_f4_paper(env):
    from letters.render import letter_text as text_of

    env.office.config = replace(env.config, letters=replace(
        env.config.letters, signer_role="sekretaris", signer_title="SEKRETARIS CAMAT",
        on_behalf_of="CAMAT PALARAN", paper="F4"))
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
            ("sekretaris", 4, "Jawaban."), ("camat", "4a", "Setuju"))
    path = Path(env.complaint(number)["letter_path"])
    text = text_of(path.read_bytes())
    assert "a.n. CAMAT PALARAN" in text and "SEKRETARIS CAMAT," in text
    assert env.official("sekretaris")[0] in text
    section = Document(str(path)).sections[0]
    assert round(section.page_height.cm, 1) == 33.0


def test_pdf_copies_verify_render_and_carry_a_pades_signature(env, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from office.letter_pdfs import make_pdfs

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kecamatan Palaran (uji)")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    p12 = tmp_path / "kantor.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"kantor", key, cert, None, serialization.BestAvailableEncryption(b"rahasia")))
    env.office.config = replace(env.config, letters=replace(env.config.letters, pades_certificate=p12,
                                                             pades_password="rahasia"))
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."),
            ("sekretaris", 4, "Perbaikan dilakukan pekan ini oleh kelurahan bersama warga."), ("camat", "4a", "Setuju"))
    make_pdfs(env.office)  # the daemon's cycle ran it already: made once, never again
    assert make_pdfs(env.office) == 0
    entry = env.office.book.letters.by_number(env.complaint(number)["letter_number"])
    pdf = Path(entry["pdf_path"])
    keys = {key_id(env.office.seal_key().public_key()): env.office.seal_key().public_key()}
    verdict = verify_pdf(pdf, keys)
    assert verdict.valid, verdict.problems
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    with pdf.open("rb") as f:
        [signature] = PdfFileReader(f).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    png = tmp_path / "surat"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(png)], check=True)
    assert png.with_suffix(".png").stat().st_size > 10_000


def test_files_sent_with_the_answer_are_the_letters_enclosures(env):
    number = start(env)
    through(env, number, ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan"), ("camat", 3, "Perbaiki."))
    from jobs.demo import reply_to

    routing = env.routing("sekretaris", number, 4)
    answer = reply_to(routing, env.official("sekretaris"), "Jadwal perbaikan terlampir.")
    answer.add_attachment(b"%PDF-1.4 jadwal", maintype="application", subtype="pdf", filename="jadwal/perbaikan.pdf")
    env.rig.send(answer)
    env.cycle()
    # The signer sees the enclosure with the konsep, and approves both.
    approval = env.routing("camat", number, "4a")
    assert "jadwal_perbaikan.pdf" in [a.filename for a in approval.attachments]
    through(env, number, ("camat", "4a", "Setuju"))
    row = env.complaint(number)
    assert "1 (satu) berkas" in letter_text(Path(row["letter_path"]).read_bytes())
    through(env, number, ("jfu", 5, "Disampaikan."))
    [final] = [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]
    names = sorted(a.filename for a in final.attachments)
    assert names == ["jadwal_perbaikan.pdf", f"surat-jawaban-{row['letter_number'].replace('/', '-')}.pdf"]
    enclosure = next(a for a in final.attachments if a.filename == "jadwal_perbaikan.pdf")
    assert enclosure.payload == b"%PDF-1.4 jadwal"


def test_sealed_letters_carry_the_emblem_left_in_the_kop_one_seal_line_and_page_numbers(key, tmp_path):
    from jobs.demo import signature_png
    from letters.seal import FOOTER_HINT, VERIFY_HINT

    emblem = tmp_path / "lambang.png"
    emblem.write_bytes(signature_png(120, 140))
    head = Letterhead(HEAD.parent, HEAD.name, HEAD.lines, emblem=emblem)
    long_answer = "\n\n".join(f"Paragraf jawaban ke-{i} yang cukup panjang untuk memenuhi halaman surat. " * 4
                               for i in range(12))
    data = render_letter(replace(letter(), answer=long_answer), head, SIGNER, sealer=lambda tokens: seal(
        key, number="000.8.3.4/0007/400.02", date="2026-01-06", addressee="Sdr. Siti Aminah", tokens=tokens)).data
    doc = Document(io.BytesIO(data))
    kop = doc.tables[0]
    assert kop.rows[0].cells[0]._tc.xpath(".//pic:pic"), "the emblem sits in the kop's left cell"
    assert HEAD.name.upper() in kop.rows[0].cells[1].text
    assert len(doc.inline_shapes) == 2  # the emblem in the kop and the QR code
    assert FOOTER_HINT not in "\n".join(p.text for p in doc.sections[0].footer.paragraphs)
    assert sum(VERIFY_HINT in p.text for t in doc.tables for c in t._cells for p in c.paragraphs) == 1
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.header._element.xpath(".//w:fldSimple[@w:instr='PAGE']")
    assert verify_docx(data, keys_of(key)).valid
    # In the PDF: two pages, the number on the second only, the seal still verifying.
    docx = tmp_path / "surat.docx"
    docx.write_bytes(data)
    from letters.pdf import to_pdf
    from letters.verify import verify_pdf

    pdf = to_pdf(docx)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2 and re.search(r"-\s*2\s*-", pages[1]) and not re.search(r"-\s*1\s*-", pages[0])
    closing = next(i for i, p in enumerate(pages) if "Demikian kami sampaikan" in p)
    assert SIGNER.name in pages[closing] and "NIP" in pages[closing]  # the closing keeps the signature
    assert verify_pdf(pdf, keys_of(key)).valid


def test_kunci_commands_make_and_print_the_office_key(tmp_path, rig):
    from jobs.demo import write_config

    config = write_config(tmp_path, rig)
    made = pengaduan("--config", str(config), "kunci", "buat")
    assert made.returncode == 0, made.stderr
    public = made.stdout.strip().splitlines()[-1]
    assert pengaduan("--config", str(config), "kunci", "tampil").stdout.strip() == public
    again = pengaduan("--config", str(config), "kunci", "buat")
    assert again.returncode != 0 and "tidak ditimpa" in again.stderr
    key_file = tmp_path / "data" / "files" / "kunci" / "segel-kantor.key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_rolled_back_letter_never_reaches_the_staff_folder_and_a_lost_copy_comes_back(env):
    from office.issuing import outbox_name, sync_staff_folder

    number = start(env)
    row = env.complaint(number)
    with pytest.raises(RuntimeError):
        with env.office.book.transaction():
            issue_letter(env.office, env.office.book.complaints.get(row["id"]), "Jawaban.", dt.datetime.now(dt.timezone.utc))
            raise RuntimeError("the process fails before the commit")
    assert not list(env.config.outbox.glob("*.docx")) and env.office.book.letters.listed() == []
    with env.office.book.transaction():
        issued = issue_letter(env.office, env.office.book.complaints.get(row["id"]), "Jawaban.",
                              dt.datetime.now(dt.timezone.utc))
    [copy] = env.config.outbox.glob("*.docx")
    assert copy.name == outbox_name(dt.datetime.now(env.config.clock.tz).year, issued["letter_number"])
    copy.unlink()  # as if the process died between the commit and the copy
    assert sync_staff_folder(env.office) == 1 and copy.exists()
    assert sync_staff_folder(env.office) == 0


def _docxtpl_letter(data: LetterData, head: Letterhead, signer: Signer) -> bytes:
    """The same letter rendered the slow, plain way: docxtpl loading the template."""
    from docxtpl import DocxTemplate

    from letters.render import DEFAULT_TEMPLATE, letter_context

    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    context = letter_context(data, head, signer)
    context.update(emblem=None, signature=None, seal_qr="", seal_text="", verify_footer="")
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@pytest.mark.parametrize("answer", [
    "Perbaikan kabel dijadwalkan pekan ini.\n\nKelurahan akan memantau.",
    "Baris dengan\ttab, {{ office.name }}, {% raw %}, <w:t>markup</w:t> & \"kutip\" tetap teks.\n\n"
    "Paragraf kedua\ndengan baris baru di tengah.",
    "Satu paragraf saja, panjang " + "sekali " * 300,
])
def test_the_press_prints_the_letter_docxtpl_would_and_it_verifies(key, answer):
    from letters.render import body_text

    data = letter(answer=answer, tembusan=("Lurah Bukuan", "Arsip"), attachments=2)
    ours = sealed(key, data)
    verdict = verify_docx(ours, keys_of(key))
    assert verdict.valid, verdict.problems
    plain = _docxtpl_letter(data, HEAD, SIGNER)

    def lines(docx: bytes) -> list[str]:  # every line of text, less the seal's
        return [ln for ln in letter_text(docx).splitlines() if ln.strip() and "|" not in ln and "verifikasi" not in ln
                and "Kode segel" not in ln]

    assert lines(ours) == lines(plain)
    assert content_tokens(body_text(Document(io.BytesIO(ours)))) == content_tokens(
        body_text(Document(io.BytesIO(plain))))
    assert lines(render_letter(data, HEAD, SIGNER).data) == lines(plain)
    assert "{{ office.name }}" in letter_text(ours) or "{{" not in answer


def test_the_qr_code_reads_back_as_the_printed_code(key):
    import zlib

    import zxingcpp

    doc = Document(io.BytesIO(sealed(key, letter())))
    [png] = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    raw = zlib.decompress(png[png.index(b"IDAT") + 4:png.index(b"IEND") - 8])
    pixels = b"".join(raw[y * (width + 1) + 1:(y + 1) * (width + 1)] for y in range(height))
    found = zxingcpp.read_barcode(memoryview(pixels).cast("B", (height, width)))
    printed = next(c.text for c in _cells(doc) if "PGD1-" in c.text)
    # The letter prints a short code (review L8); the QR carries the whole seal it names.
    assert found is not None and found.text.startswith("PGD1|")
    assert printed.strip() == f"Kode segel: PGD1-…-{hashlib.sha256(found.text.encode()).hexdigest()[-8:]} (lihat kode QR)"
