"""The three ways an office signs its letters ([letters] signing), each played on the real rig
to a delivered, filed letter: `segel` (image and the office seal), `basah` (printed, signed by
hand and stamped, scanned), `tte` (a certified PAdES signature from the signer's application)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from docx import Document

from jobs.demo import reply_to
from letters.render import letter_text
from tests.conftest import make_env
from tests.test_cli import pengaduan
from tests.test_desk import browser  # noqa: F401, F811  (the Chromium fixture)
from tests.test_sop_over_mail import start, through

ANSWER = "Perbaikan lampu penerangan jalan dijadwalkan pekan ini oleh kelurahan."


def approved(env) -> str:
    """A complaint played to the signer's approval: the letter is numbered (step 5 opens)."""
    number = start(env)
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan"),
            ("camat", 3, "Segera perbaiki lampu."), ("sekretaris", 4, ANSWER), ("camat", "4a", "Setuju"))
    assert env.complaint(number)["letter_number"]
    return number


def delivered_to_citizen(env) -> list:
    return [m for m in env.inbox(env.cast.citizens[0][1]) if "Jawaban atas Pengaduan" in m.subject]


def show(env, number: str) -> dict:
    out = pengaduan("--config", str(env.config_path), "lihat", number, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def with_attachments(msg, *files: tuple[bytes, str, str, str]):
    for data, maintype, subtype, name in files:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def scan_pdf_bytes(text: str = "Hasil pindaian surat bertanda tangan basah") -> bytes:
    """A scanner's PDF: one page holding a picture (made with Pillow, as a scanner would)."""
    return image_pdf(jpeg_bytes(text))


def jpeg_bytes(text: str = "pindaian") -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(page).text((40, 40), text, fill="black")
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=80)
    return out.getvalue()


def image_pdf(jpeg: bytes) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(out, format="PDF", resolution=75.0)
    return out.getvalue()


# segel ---------------------------------------------------------------------------------------
def test_segel_letter_carries_the_corrected_note_and_the_short_seal_code(env):
    number = approved(env)
    row = env.complaint(number)
    text = letter_text(Path(row["letter_path"]).read_bytes())
    note = ("Surat ini dibubuhi tanda tangan elektronik tidak tersertifikasi (PP 71/2019 Pasal 60 ayat (2) huruf b) "
            f"berupa segel kantor Kecamatan Palaran, setelah disetujui penanda tangan. Keasliannya dapat diperiksa "
            f"dengan kunci publik kantor di {env.config.letters.verify_url}. Surat ini tidak ditandatangani dengan "
            f"sertifikat elektronik BSrE.")
    assert note in " ".join(text.split())
    assert "diumumkan kantor" not in text and "PGD1|" not in text and "(lihat kode QR)" in text
    through(env, number, ("jfu", 5, "Disampaikan lewat surel."))
    [mail] = delivered_to_citizen(env)
    letter = env.office.book.letters.current(row["id"])
    pdf = env.directory / "diterima.pdf"
    pdf.write_bytes(next(a.payload for a in mail.attachments if a.filename.endswith(".pdf")))
    checked = pengaduan("--config", str(env.config_path), "verifikasi", str(pdf))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "UTUH" in checked.stdout
    doc = show(env, number)
    assert doc["signing"] == "segel" and doc["signed_file"] is None and letter["signing"] == "segel"


def test_letters_of_earlier_releases_printing_the_whole_code_still_verify(tmp_path, monkeypatch):
    from letters import press
    from letters.pdf import to_pdf
    from letters.seal import make_key, seal
    from letters.verify import verify_docx, verify_pdf
    from tests.test_letters_register_and_seal import HEAD, SIGNER, keys_of, letter

    key = make_key(tmp_path / "k" / "segel.key")
    monkeypatch.setattr(press, "printed_code", lambda text: f"Kode segel elektronik: {text}")
    from letters.render import render_letter

    data = render_letter(letter(), HEAD, SIGNER, sealer=lambda tokens: seal(
        key, number="000.8.3.4/0007/400.02", date="2026-01-06", addressee="Sdr. Siti Aminah", tokens=tokens)).data
    assert "PGD1|" in letter_text(data)
    assert verify_docx(data, keys_of(key)).valid
    docx = tmp_path / "lama.docx"
    docx.write_bytes(data)
    verdict = verify_pdf(to_pdf(docx), keys_of(key))
    assert verdict.valid, verdict.problems


# basah ---------------------------------------------------------------------------------------
@pytest.fixture
def basah(rig):
    with make_env(rig, '[letters]\nsigning = "basah"\n') as made:
        yield made


def test_basah_print_master_goes_to_the_jfu_and_the_scan_reply_is_delivered_and_filed(basah):
    env = basah
    number = approved(env)
    row = env.complaint(number)
    master = Document(str(row["letter_path"]))
    assert not master.inline_shapes, "no signature image, no seal QR on the print master"
    text = letter_text(Path(row["letter_path"]).read_bytes())
    assert row["letter_number"] in text and "PGD1" not in text and "segel" not in text.lower()
    task = env.routing("jfu", number, 5)
    assert "cetak, mintakan tanda tangan dan cap dinas, pindai, lalu balas surel ini dengan hasil pindaian" in \
        " ".join(task.text.split())
    assert [a.filename for a in task.attachments] == [f"surat-jawaban-{row['letter_number'].replace('/', '-')}.docx"]
    # A delivery reply without the scan is not taken: nothing reaches the citizen.
    through(env, number, ("jfu", 5, "Sudah disampaikan."))
    assert env.complaint(number)["step"] == 5 and not delivered_to_citizen(env)
    told = [m for m in env.inbox(env.official("jfu")[1]) if "belum diterima" in m.subject]
    assert told and "tidak melampirkan hasil pindaian" in " ".join(told[0].text.split())
    scan = scan_pdf_bytes()
    env.rig.send(with_attachments(reply_to(task, env.official("jfu"), "Disampaikan, hasil pindaian terlampir."),
                                  (scan, "application", "pdf", "pindaian.pdf")))
    env.cycle()
    row = env.complaint(number)
    assert row["state"] == "answered"
    [mail] = delivered_to_citizen(env)
    [sent] = [a for a in mail.attachments if a.filename.endswith(".pdf")]
    assert sent.payload == scan  # the scan is the letter delivered
    letter = env.office.book.letters.current(row["id"])
    filed = Path(letter["signed_path"])
    assert filed.read_bytes() == scan and filed.parent == Path(row["letter_path"]).parent
    assert filed.stat().st_mode & 0o777 == 0o600
    assert letter["signed_sha256"] == hashlib.sha256(scan).hexdigest() and letter["dispatched_at"]
    doc = show(env, number)
    assert doc["signing"] == "basah"
    assert doc["signed_file"] == {"path": str(filed), "sha256": hashlib.sha256(scan).hexdigest()}
    # `verifikasi` knows the scan by its SHA-256; any other file is not the office's letter.
    checked = pengaduan("--config", str(env.config_path), "verifikasi", str(filed))
    assert checked.returncode == 0 and f"salinan arsip surat nomor {row['letter_number']} (basah)" in \
        checked.stdout.lower()
    other = env.directory / "lain.pdf"
    other.write_bytes(scan_pdf_bytes("Surat lain yang dipindai"))
    refused = pengaduan("--config", str(env.config_path), "verifikasi", str(other))
    assert refused.returncode == 1, refused.stdout + refused.stderr


def test_basah_letter_sent_back_needs_no_scan(basah):
    env = basah
    number = approved(env)
    through(env, number, ("jfu", 5, "Kembalikan: alamat pengadu pada surat keliru"))
    row = env.complaint(number)
    assert (row["state"], row["step"]) == ("open", 4)  # back to its writer, nothing refused
    assert not [m for m in env.inbox(env.official("jfu")[1]) if "belum diterima" in m.subject]


def test_basah_jpeg_scan_becomes_the_pdf_the_citizen_receives(basah):
    env = basah
    number = approved(env)
    task = env.routing("jfu", number, 5)
    photo = jpeg_bytes("Halaman bertanda tangan dan cap dinas")
    env.rig.send(with_attachments(reply_to(task, env.official("jfu"), "Disampaikan."),
                                  (photo, "image", "jpeg", "scan.jpg")))
    env.cycle()
    [mail] = delivered_to_citizen(env)
    [sent] = [a for a in mail.attachments if a.filename.endswith(".pdf")]
    assert sent.payload.startswith(b"%PDF-")
    from letters.verify import pdf_images

    pdf = env.directory / "dari-jpeg.pdf"
    pdf.write_bytes(sent.payload)
    assert len(pdf_images(pdf)) == 1  # the scanned page, as a picture
    letter = env.office.book.letters.current(env.complaint(number)["id"])
    assert Path(letter["signed_path"]).read_bytes() == sent.payload


def test_basah_desk_dispatch_waits_for_the_scan(basah):
    env = basah
    number = approved(env)
    letter = env.office.book.letters.current(env.complaint(number)["id"])
    refused = pengaduan("--config", str(env.config_path), "surat", "kirim", letter["number"], "--cara", "langsung")
    assert refused.returncode != 0 and "hasil pindaian" in refused.stdout + refused.stderr
    from office.signed_copies import upload_signed

    upload_signed(env.office, letter["id"], jpeg_bytes(), "rina", dt.datetime.now(dt.timezone.utc))
    done = pengaduan("--config", str(env.config_path), "surat", "kirim", letter["number"], "--cara", "surel")
    assert done.returncode == 0, done.stdout + done.stderr
    env.cycle()
    [mail] = delivered_to_citizen(env)
    assert next(a for a in mail.attachments if a.filename.endswith(".pdf")).payload == \
        Path(env.office.book.letters.get(letter["id"])["signed_path"]).read_bytes()


# tte -----------------------------------------------------------------------------------------
class Authority:
    """A certificate chain made in the test as a stand-in for BSrE's: a root, an intermediate,
    and signer certificates issued under them."""

    def __init__(self, name: str = "Root CA Uji"):
        from cryptography.hazmat.primitives.asymmetric import ec

        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = self._cert(name, self.root_key, name, self.root_key, ca=True)
        self.inter_key = ec.generate_private_key(ec.SECP256R1())
        self.inter = self._cert(f"{name} Intermediate", self.inter_key, name, self.root_key, ca=True)

    @staticmethod
    def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import NameOID

        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject),
                                            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]))
                   .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer),
                                           x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=ca, crl_sign=ca, encipher_only=False,
                                                decipher_only=False), critical=True))
        return builder.sign(issuer_key, hashes.SHA256())

    def signer(self, name: str):
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        issuer = self.inter.subject.rfc4514_string().split(",")[-1].removeprefix("CN=")
        return key, self._cert(name, key, issuer, self.inter_key, ca=False)

    def root_pem(self, folder: Path) -> Path:
        from cryptography.hazmat.primitives import serialization

        path = folder / "akar-tte.pem"
        path.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        return path

    def sign(self, pdf: bytes, name: str) -> bytes:
        """The PDF signed as PAdES by a certificate of this chain naming `name` (the chain embedded)."""
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key, cert = self.signer(name)
        der = lambda c: asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))  # noqa: E731
        signer = signers.SimpleSigner(
            signing_cert=der(cert), cert_registry=SimpleCertificateStore.from_certs([der(self.inter), der(self.root)]),
            signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
        from concurrent.futures import ThreadPoolExecutor

        def signed() -> bytes:  # pyHanko runs its own event loop: never the browser's thread
            return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                    signers.PdfSignatureMetadata(field_name="TTE", subfilter=SigSeedSubFilter.PADES),
                                    signer=signer).getvalue()
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(signed).result()


@pytest.fixture(scope="module")
def bsre():
    return Authority("BSrE Uji")


@pytest.fixture
def tte(rig, bsre, tmp_path):
    roots = bsre.root_pem(tmp_path)
    with make_env(rig, f'[letters]\nsigning = "tte"\ntte_roots = ["{roots}"]\n') as made:
        yield made


def handed_off(env) -> tuple[str, object, bytes]:
    """A complaint approved in `tte` mode: the signer's mail with the unsigned PDF."""
    number = approved(env)
    [mail] = [m for m in env.inbox(env.official("camat")[1]) if "Mohon tanda tangan elektronik" in m.subject]
    [pdf] = [a.payload for a in mail.attachments if a.filename.endswith(".pdf")]
    return number, mail, pdf


SIGNER = "Muhammad Dahlan"  # the Camat of the test office, "Muhammad Dahlan, S.STP, M.Si" without degrees


def test_tte_pdf_signed_in_the_signers_application_is_delivered_and_filed(tte, bsre):
    env = tte
    number, mail, pdf = handed_off(env)
    row = env.complaint(number)
    letter = env.office.book.letters.current(row["id"])
    placed = env.config.files / "tte" / "keluar" / f"{row['letter_number'].replace('/', '-')}.pdf"
    assert placed.read_bytes() == pdf and letter["unsigned_pdf"] == str(placed)
    assert f"dengan nama {placed.name}" in " ".join(mail.text.split())
    assert not Document(str(row["letter_path"])).inline_shapes  # no image, no seal: the certificate signs
    # The JFU holds the delivery, told the letter is being signed; a delivery reply now is refused.
    task = env.routing("jfu", number, 5)
    assert "sedang ditandatangani secara elektronik (TTE)" in " ".join(task.text.split()) and not task.attachments
    through(env, number, ("jfu", 5, "Sudah disampaikan."))
    assert env.complaint(number)["step"] == 5 and not delivered_to_citizen(env)
    signed = bsre.sign(pdf, SIGNER.upper())
    env.rig.send(with_attachments(reply_to(mail, env.official("camat"), "Sudah saya tandatangani."),
                                  (signed, "application", "pdf", "surat-ttd.pdf")))
    env.cycle()
    letter = env.office.book.letters.current(row["id"])
    assert Path(letter["signed_path"]).read_bytes() == signed
    assert letter["signed_sha256"] == hashlib.sha256(signed).hexdigest()
    # The JFU now receives the signed letter, delivers it, and the citizen gets that very PDF.
    task = env.routing("jfu", number, 5)
    assert [a.payload for a in task.attachments if a.filename.endswith(".pdf")] == [signed]
    through(env, number, ("jfu", 5, "Disampaikan lewat surel."))
    [delivered] = delivered_to_citizen(env)
    assert [a.payload for a in delivered.attachments if a.filename.endswith(".pdf")] == [signed]
    doc = show(env, number)
    assert doc["state"] == "answered" and doc["signing"] == "tte"
    assert doc["signed_file"] == {"path": letter["signed_path"], "sha256": letter["signed_sha256"]}
    checked = pengaduan("--config", str(env.config_path), "verifikasi", letter["signed_path"])
    assert checked.returncode == 0 and "(tte)" in checked.stdout


def refusal_of(env, number: str, address: str) -> str:
    told = [m for m in env.inbox(address) if "belum diterima" in m.subject or "tidak diterima" in m.subject]
    assert told, f"no refusal in {address}"
    return " ".join(told[-1].text.split())


def test_tte_refuses_a_pdf_whose_text_changed_after_approval(tte, bsre):
    from letters.pdf import to_pdf

    env = tte
    number, mail, pdf = handed_off(env)
    row = env.complaint(number)
    changed = Document(row["letter_path"])
    for paragraph in changed.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("pekan ini", "bulan depan")
    docx = env.directory / "diubah.docx"
    changed.save(str(docx))
    signed = bsre.sign(to_pdf(docx).read_bytes(), SIGNER)
    env.rig.send(with_attachments(reply_to(mail, env.official("camat"), "Terlampir."),
                                  (signed, "application", "pdf", "surat.pdf")))
    env.cycle()
    assert env.office.book.letters.current(row["id"])["signed_path"] is None and not delivered_to_citizen(env)
    sentence = f"Isi berkas yang ditandatangani berbeda dengan surat nomor {row['letter_number']} yang disetujui."
    assert sentence in refusal_of(env, number, env.official("camat")[1])
    assert sentence in refusal_of(env, number, env.official("jfu")[1])  # staff: the JFU of the test office


def test_tte_refuses_a_certificate_outside_the_offices_roots(tte):
    env = tte
    number, mail, pdf = handed_off(env)
    stranger = Authority("CA Lain")
    env.rig.send(with_attachments(reply_to(mail, env.official("camat"), "Terlampir."),
                                  (stranger.sign(pdf, SIGNER), "application", "pdf", "surat.pdf")))
    env.cycle()
    assert env.office.book.letters.current(env.complaint(number)["id"])["signed_path"] is None
    assert "tidak berinduk pada sertifikat akar yang dipercaya kantor" in refusal_of(env, number,
                                                                                   env.official("camat")[1])
    assert not delivered_to_citizen(env)


def test_tte_refuses_a_certificate_naming_someone_else_and_then_takes_the_folder(tte, bsre):
    env = tte
    number, mail, pdf = handed_off(env)
    env.rig.send(with_attachments(reply_to(mail, env.official("camat"), "Terlampir."),
                                  (bsre.sign(pdf, "Budi Santoso"), "application", "pdf", "surat.pdf")))
    env.cycle()
    row = env.complaint(number)
    assert env.office.book.letters.current(row["id"])["signed_path"] is None
    assert "atas nama Budi Santoso, bukan penanda tangan surat ini" in refusal_of(env, number,
                                                                                  env.official("camat")[1])
    # The signer's application drops the signed PDF in files/tte/masuk/: the daemon takes it.
    incoming = env.config.files / "tte" / "masuk"
    incoming.mkdir(parents=True, exist_ok=True)
    signed = bsre.sign(pdf, f"Drs. {SIGNER}")
    (incoming / f"{row['letter_number'].replace('/', '-')}_signed.pdf").write_bytes(signed)
    wrong = incoming / "lain.pdf"
    wrong.write_bytes(bsre.sign(pdf, "Budi Santoso"))
    env.cycle()
    letter = env.office.book.letters.current(row["id"])
    assert Path(letter["signed_path"]).read_bytes() == signed
    assert not list(incoming.glob("*.pdf")) and (incoming / "ditolak" / "lain.pdf").exists()
    through(env, number, ("jfu", 5, "Disampaikan."))
    assert [a.payload for m in delivered_to_citizen(env) for a in m.attachments if a.filename.endswith(".pdf")] \
        == [signed]


def test_tte_reply_from_anyone_but_the_signer_is_not_taken(tte, bsre):
    env = tte
    number, mail, pdf = handed_off(env)
    env.rig.send(with_attachments(reply_to(mail, env.official("sekretaris"), "Terlampir."),
                                  (bsre.sign(pdf, SIGNER), "application", "pdf", "surat.pdf")))
    env.cycle()
    assert env.office.book.letters.current(env.complaint(number)["id"])["signed_path"] is None


# The desk ------------------------------------------------------------------------------------
@pytest.fixture
def tte_desk(tte):
    from office.desk import add_user
    from sop.clock import utcnow
    from tests.conftest import served_desk
    from tests.test_desk import PASSWORD

    add_user(tte.office, "camat", "pimpinan", PASSWORD, utcnow())
    with served_desk(tte.config_path) as address:  # stopped with its worker threads
        yield address


def test_the_signer_downloads_the_pdf_for_tte_and_uploads_it_signed_on_the_desk(tte, tte_desk, bsre, browser):  # noqa: F811
    from tests.test_desk import login

    env = tte
    number, _, _ = handed_off(env)
    row = env.complaint(number)
    page = browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
    login(page, tte_desk, "camat")
    page.get_by_role("link", name="Surat Keluar").click()
    section = page.locator("section.surat", has_text=row["letter_number"])
    assert section.get_by_text("Menunggu tanda tangan elektronik (TTE)").is_visible()
    assert not section.get_by_role("button", name="Tandai terkirim").count()  # no delivery before the signature
    with page.expect_download() as download:
        section.get_by_role("link", name="Unduh PDF untuk aplikasi TTE").click()
    unsigned = Path(download.value.path()).read_bytes()
    assert unsigned == Path(env.office.book.letters.current(row["id"])["unsigned_pdf"]).read_bytes()
    # Signed by a certificate naming someone else: refused, with the reason on the page.
    section.get_by_label("PDF bertanda tangan elektronik").set_input_files(
        files=[{"name": "ttd.pdf", "mimeType": "application/pdf", "buffer": bsre.sign(unsigned, "Budi Santoso")}])
    section.get_by_role("button", name="Unggah surat bertanda tangan").click()
    page.get_by_text("atas nama Budi Santoso, bukan penanda tangan surat ini").wait_for()
    signed = bsre.sign(unsigned, SIGNER)
    section = page.locator("section.surat", has_text=row["letter_number"])
    section.get_by_label("PDF bertanda tangan elektronik").set_input_files(
        files=[{"name": "ttd.pdf", "mimeType": "application/pdf", "buffer": signed}])
    section.get_by_role("button", name="Unggah surat bertanda tangan").click()
    page.get_by_text(f"Surat {row['letter_number']} bertanda tangan diarsipkan.").wait_for()
    page.close()
    letter = env.office.book.letters.current(row["id"])
    assert Path(letter["signed_path"]).read_bytes() == signed
    env.cycle()
    through(env, number, ("jfu", 5, "Disampaikan."))
    assert [a.payload for m in delivered_to_citizen(env) for a in m.attachments if a.filename.endswith(".pdf")] \
        == [signed]


# The rules, pure -----------------------------------------------------------------------------
def test_the_certificate_must_name_the_signer_without_degrees_or_honorifics():
    from office.tte import name_key, same_person

    assert name_key("Drs. H. Muhammad Dahlan, S.STP, M.Si") == "muhammad dahlan"
    assert same_person("Muhammad Dahlan, S.STP, M.Si", {"common_name": "MUHAMMAD DAHLAN"})
    assert same_person("Dr. Ir. Siti Aminah, M.T.", {"given_name": "Siti", "surname": "Aminah"})
    assert not same_person("Muhammad Dahlan, S.STP, M.Si", {"common_name": "Muhammad Dahlan Putra"})
    assert not same_person("Muhammad Dahlan", {"common_name": "Budi Santoso", "organization_name": "Muhammad Dahlan"})
    assert not same_person("", {"common_name": ""})


def test_a_scan_becomes_one_pdf_and_anything_else_is_no_scan():
    from office.signing import scan_pdf

    pdf = scan_pdf_bytes()
    assert scan_pdf([b"bukan pindaian", pdf]) == pdf
    joined = scan_pdf([jpeg_bytes("halaman 1"), jpeg_bytes("halaman 2")])
    assert joined is not None and joined.startswith(b"%PDF-") and joined.count(b"/Type /Page\n") + \
        joined.count(b"/Type /Page ") + joined.count(b"/Type /Page/") >= 2
    assert scan_pdf([b"GIF89a", b"PK\x03\x04"]) is None


# periksa -------------------------------------------------------------------------------------
def doctor_line(env, extra_config: str = "") -> tuple[int, str]:
    if extra_config:
        env.config_path.write_text(env.config_path.read_text() + extra_config)
    result = pengaduan("--config", str(env.config_path), "periksa")
    line = next((ln for ln in result.stdout.splitlines() if "cara tanda tangan" in ln), "")
    return result.returncode, line


def test_periksa_checks_the_chosen_modes_settings(rig, tmp_path, bsre):
    with make_env(rig, "[letters]\n") as env:  # segel, without verify_url
        code, line = doctor_line(env)
        assert code == 1 and "✗" in line and "verify_url" in line
    with make_env(rig, '[letters]\nsigning = "tte"\n') as env:
        code, line = doctor_line(env)
        assert code == 1 and "✗" in line and "tte_roots belum diisi" in line
    broken = tmp_path / "rusak.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbukan sertifikat\n-----END CERTIFICATE-----\n")
    with make_env(rig, f'[letters]\nsigning = "tte"\ntte_roots = ["{broken}"]\n') as env:
        code, line = doctor_line(env)
        assert code == 1 and "✗" in line and "tidak dapat dibaca" in line
    with make_env(rig, f'[letters]\nsigning = "tte"\ntte_roots = ["{bsre.root_pem(tmp_path)}"]\n') as env:
        code, line = doctor_line(env)
        assert "✓" in line and "BSrE Uji" in line, line
    with make_env(rig, '[letters]\nsigning = "basah"\n') as env:
        assert "✓" in doctor_line(env)[1]


def test_an_unknown_signing_mode_is_one_line_and_exit_2(rig):
    with make_env(rig) as env:
        env.config_path.write_text(env.config_path.read_text().replace("[letters]\n", '[letters]\nsigning = "kertas"\n'))
        result = pengaduan("--config", str(env.config_path), "periksa")
        assert result.returncode == 2 and "signing" in result.stdout + result.stderr
        assert "segel, basah, tte" in result.stdout + result.stderr


# Every letter the office sends goes through its signing mode ----------------------------------
def print_request(env, number: str) -> object:
    """The print master's request to staff (`basah`) for a letter with no delivery task."""
    [mail] = [m for m in env.inbox(env.official("jfu")[1])
              if "Mohon cetak dan mintakan tanda tangan" in m.subject and number in m.text]
    return mail


def scan_reply(env, request, scan: bytes) -> None:
    env.rig.send(with_attachments(reply_to(request, env.official("jfu"), "Sudah ditandatangani dan dicap."),
                                  (scan, "application", "pdf", "pindaian.pdf")))
    until_filed(env)


def until_filed(env, tries: int = 5) -> None:
    """Run the daemon until the reply just sent has filed a signed copy (the server may deliver
    it a moment after the first run)."""
    import time

    before = len(env.office.book._all("SELECT id FROM letters WHERE signed_path IS NOT NULL"))
    for _ in range(tries):
        env.cycle()
        if len(env.office.book._all("SELECT id FROM letters WHERE signed_path IS NOT NULL")) > before:
            env.cycle()  # what it sent on leaves the outbox
            return
        time.sleep(0.3)


def forwarded(env) -> tuple[str, str]:
    number = start(env)
    dishub = f"dishub@{env.cast.domain}"
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi."),
            ("camat", 3, f"Teruskan: Kepala Dinas Perhubungan Kota Samarinda; {dishub}"))
    env.cycle()  # a reply the server delivered late is taken now
    assert env.complaint(number)["state"] == "forwarded"
    return number, dishub


def pelimpahan_of(env, address: str) -> list:
    return [m for m in env.inbox(address) if "Pelimpahan Pengaduan" in m.subject]


def test_basah_surat_pelimpahan_goes_to_the_body_and_the_complainant_only_as_the_filed_scan(basah):
    env = basah
    number, dishub = forwarded(env)
    citizen = env.cast.citizens[0][1]
    assert not pelimpahan_of(env, dishub) and not pelimpahan_of(env, citizen)  # no unsigned print master leaves
    row = env.complaint(number)
    [letter] = env.office.book.letters.listed(row["id"])
    request = print_request(env, letter["number"])
    assert [a.filename for a in request.attachments] == \
        [f"surat-pelimpahan-{letter['number'].replace('/', '-')}-untuk-dicetak.pdf"]
    assert "mintakan tanda tangan Camat Muhammad Dahlan" in " ".join(request.text.split())
    # A reply without the scan is refused, nothing sent; the scan then goes to both.
    env.rig.send(reply_to(request, env.official("jfu"), "Sudah."))
    env.cycle()
    assert not pelimpahan_of(env, dishub)
    scan = scan_pdf_bytes("Surat pelimpahan bertanda tangan basah")
    scan_reply(env, request, scan)
    [to_body] = pelimpahan_of(env, dishub)
    [to_citizen] = pelimpahan_of(env, citizen)
    for mail in (to_body, to_citizen):
        assert [a.payload for a in mail.attachments if a.filename.startswith("surat-pelimpahan-")] == [scan]
    assert "Yth. Kepala Dinas Perhubungan Kota Samarinda," in to_body.text
    assert "hasil pindaian surat yang ditandatangani dan dicap dinas" in " ".join(to_body.text.split())
    letter = env.office.book.letters.get(letter["id"])
    assert letter["signed_sha256"] == hashlib.sha256(scan).hexdigest() and letter["dispatch_method"] == "email"


def test_tte_surat_pelimpahan_waits_for_the_signers_certified_signature(tte, bsre):
    env = tte
    number, dishub = forwarded(env)
    assert not pelimpahan_of(env, dishub)
    [mail] = [m for m in env.inbox(env.official("camat")[1]) if "Mohon tanda tangan elektronik" in m.subject]
    assert "Surat surat" not in mail.text and "Surat pelimpahan nomor" in " ".join(mail.text.split())
    [pdf] = [a.payload for a in mail.attachments if a.filename.endswith(".pdf")]
    signed = bsre.sign(pdf, SIGNER)
    env.rig.send(with_attachments(reply_to(mail, env.official("camat"), "Terlampir."),
                                  (signed, "application", "pdf", "ttd.pdf")))
    until_filed(env)
    [to_body] = pelimpahan_of(env, dishub)
    [to_citizen] = pelimpahan_of(env, env.cast.citizens[0][1])
    for sent in (to_body, to_citizen):
        assert [a.payload for a in sent.attachments if a.filename.startswith("surat-pelimpahan-")] == [signed]
    assert "bertanda tangan elektronik tersertifikasi" in " ".join(to_body.text.split())


def test_basah_joined_complaints_letter_goes_only_as_its_own_scan(basah):
    env = basah
    env.complain(0)
    env.cycle()
    env.complain(1, subject="Penerangan mati", body="Sudah seminggu gelap, mohon diperbaiki.")
    env.cycle()
    first, second = (r["number"] for r in env.office.book.complaints.listed())
    through(env, second, ("sekretaris", 2, f"Gabung: {first}"))
    through(env, first, ("sekretaris", 2, "Sudah diklarifikasi."), ("camat", 3, "Segera perbaiki."),
            ("sekretaris", 4, ANSWER), ("camat", "4a", "Setuju"))
    joined = env.complaint(second)
    request = print_request(env, joined["letter_number"])  # its own print master, its own request
    task = env.routing("jfu", first, 5)
    env.rig.send(with_attachments(reply_to(task, env.official("jfu"), "Disampaikan."),
                                  (scan_pdf_bytes(), "application", "pdf", "pindaian.pdf")))
    env.cycle()
    other = env.cast.citizens[1][1]
    assert env.complaint(first)["state"] == "answered"
    assert env.complaint(second)["state"] == "linked"  # its print master never went out unsigned
    assert not [m for m in env.inbox(other) if "Jawaban atas Pengaduan" in m.subject]
    own = scan_pdf_bytes("Surat pengadu kedua bertanda tangan basah")
    scan_reply(env, request, own)
    [answer] = [m for m in env.inbox(other) if "Jawaban atas Pengaduan" in m.subject]
    assert [a.payload for a in answer.attachments if a.filename.endswith(".pdf")] == [own]
    assert env.complaint(second)["state"] == "answered"


def test_basah_notice_for_the_print_queue_is_sent_only_once_its_scan_is_filed(basah):
    env = basah
    walk_in = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Darto",
                        "--pokok", "Air PDAM keruh", "--isi", "Air PDAM keruh sejak pekan lalu.")
    assert walk_in.returncode == 0, walk_in.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    env.cycle()
    through(env, number, ("sekretaris", 2, "Lengkapi: alamat rumah pengadu"))
    [notice] = env.office.book.letters.listed(env.complaint(number)["id"])
    assert notice["kind"] == "kelengkapan" and notice["signer_role"] == "sekretaris"
    assert not Document(notice["path"]).inline_shapes  # a print master: no image, no seal
    request = print_request(env, notice["number"])
    assert "mintakan tanda tangan Sekretaris Camat" in " ".join(request.text.split())
    refused = pengaduan("--config", str(env.config_path), "surat", "kirim", notice["number"], "--cara", "pos")
    assert refused.returncode != 0 and "hasil pindaian" in refused.stdout + refused.stderr
    scan = jpeg_bytes("Surat kelengkapan bertanda tangan basah")
    env.rig.send(with_attachments(reply_to(request, env.official("jfu"), "Terlampir."),
                                  (scan, "image", "jpeg", "scan.jpg")))
    until_filed(env)
    filed = env.office.book.letters.get(notice["id"])
    assert filed["signed_path"] and Path(filed["signed_path"]).read_bytes().startswith(b"%PDF-")
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", notice["number"], "--cara", "pos")
    assert sent.returncode == 0, sent.stdout + sent.stderr


def test_tte_notice_is_signed_by_the_official_who_gave_it_and_handed_to_staff_to_print(tte, bsre):
    env = tte
    walk_in = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", "Darto",
                        "--pokok", "Air PDAM keruh", "--isi", "Air PDAM keruh sejak pekan lalu.")
    assert walk_in.returncode == 0, walk_in.stderr
    number = env.office.book.complaints.listed()[-1]["number"]
    env.cycle()
    through(env, number, ("sekretaris", 2, "Lengkapi: alamat rumah pengadu"))
    sekretaris = env.official("sekretaris")
    [mail] = [m for m in env.inbox(sekretaris[1]) if "Mohon tanda tangan elektronik" in m.subject]
    assert not [m for m in env.inbox(env.official("camat")[1]) if "Mohon tanda tangan elektronik" in m.subject]
    [pdf] = [a.payload for a in mail.attachments if a.filename.endswith(".pdf")]
    # The Camat's certificate is not the Sekretaris's signature on this notice.
    wrong = bsre.sign(pdf, SIGNER)
    env.rig.send(with_attachments(reply_to(mail, sekretaris, "Terlampir."), (wrong, "application", "pdf", "a.pdf")))
    env.cycle()
    assert "bukan penanda tangan surat ini" in refusal_of(env, number, sekretaris[1])
    signed = bsre.sign(pdf, sekretaris[0].split(",")[0])
    env.rig.send(with_attachments(reply_to(mail, sekretaris, "Terlampir."), (signed, "application", "pdf", "b.pdf")))
    until_filed(env)
    [ready] = [m for m in env.inbox(env.official("jfu")[1]) if "siap dicetak dan disampaikan" in m.subject]
    assert [a.payload for a in ready.attachments] == [signed]
    notice = env.office.book.letters.listed(env.complaint(number)["id"])[0]
    sent = pengaduan("--config", str(env.config_path), "surat", "kirim", notice["number"], "--cara", "langsung")
    assert sent.returncode == 0, sent.stdout + sent.stderr


def test_basah_undangan_follows_the_invitations_once_its_scan_is_filed(basah):
    env = basah
    number = start(env)
    through(env, number, ("sekretaris", 2, "Sudah diklarifikasi.\nSeksi: Pemerintahan"),
            ("camat", 3, "Rapat: ya, 15-12-2026 09.30"))
    camat = env.official("camat")[1]
    [invitation] = [m for m in env.inbox(camat) if "Undangan rapat dinas" in m.subject]
    assert [a.filename for a in invitation.attachments] == ["undangan-rapat.ics"]
    assert "Surat undangan bernomor menyusul" in " ".join(invitation.text.split())
    [undangan] = [e for e in env.office.book.letters.listed(env.complaint(number)["id"]) if e["kind"] == "undangan"]
    assert not undangan["dispatched_at"]
    scan = scan_pdf_bytes("Undangan bertanda tangan basah")
    scan_reply(env, print_request(env, undangan["number"]), scan)
    for address in (camat, env.cast.sections[0][2]):
        [letter] = [m for m in env.inbox(address) if "Surat undangan rapat dinas nomor" in m.subject]
        assert [a.payload for a in letter.attachments] == [scan]
    assert env.office.book.letters.get(undangan["id"])["dispatched_at"]
