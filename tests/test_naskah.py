"""Every naskah the office files, as the Sekretariat prints it: rendered through the real path
(the rig, the book, the Word files the office keeps), converted to PDF by LibreOffice and read
back with pdftotext -layout. The kop is whole on every kind, and each kind has its own parts:
the opening sentence and numbered points of the answer, the KONSEP mark and paraf box, the
surat pelimpahan's addressee, enclosures and tembusan, the lembar disposisi's form."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from letters.model import LetterData, Letterhead, Signer
from letters.pdf import libreoffice, to_pdfs
from letters.render import addressee_of_body, agency_of, in_sentence, letter_text, numbered, render_letter
from office.disposition import disposition_sheet
from office.receipts import receipt_docx
from tests.conftest import make_env
from tests.test_attacks import start
from tests.test_cli import pengaduan
from tests.test_sop_over_mail import through

needs_libreoffice = pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
CLARIFIED = ("sekretaris", 2, "Klarifikasi.\nSeksi: Pemerintahan")
TEMBUSAN = ('[letters.tembusan]\njawaban = ["Wali Kota Samarinda"]\n'
            'pelimpahan = ["Inspektur Kota Samarinda"]\n')
KOP_GRID = [round(cm * 567) for cm in (2.6, 10.8, 2.6)]


def printed(folder: Path, docs: dict[str, bytes | Path]) -> dict[str, str]:
    """Each document as LibreOffice prints it, read back with pdftotext -layout."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, doc in docs.items():
        paths[name] = folder / f"{name}.docx"
        paths[name].write_bytes(doc.read_bytes() if isinstance(doc, Path) else doc)
    made = to_pdfs(list(paths.values()))
    assert len(made) == len(paths)
    return {name: subprocess.run(["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"], capture_output=True,
                                 check=True, text=True).stdout for name, path in paths.items()}


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_kop_whole(text: str, *tiers: str) -> None:
    """Each kop line on one printed line: the text column is wide, not squeezed to 5 cm."""
    lines = text.splitlines()
    for tier in ("PEMERINTAH KOTA SAMARINDA", *tiers):
        assert any(tier in line for line in lines[:12]), (tier, lines[:12])
    assert any("Jalan Contoh Nomor 1, Kelurahan Rawa Makmur," in line for line in lines[:12]), lines[:12]


def assert_fixed_grid(data: bytes) -> None:
    """The kop table has a fixed layout and its grid widths written out."""
    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    kop = doc.tables[0]._tbl
    assert kop.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert [int(c.get(qn("w:w"))) for c in kop.tblGrid.findall(qn("w:gridCol"))] == KOP_GRID
    assert all(b.get(qn("w:val")) == "nil" for b in kop.tblPr.find(qn("w:tblBorders")))


# --- pure parts of the wording ---------------------------------------------------------------

def test_the_perihal_continues_the_sentence_in_lower_case_unless_it_is_a_name():
    assert in_sentence("Lampu jalan padam di RT 12") == "lampu jalan padam di RT 12"
    assert in_sentence("Drainase tersumbat") == "drainase tersumbat"
    assert in_sentence("Jalan berlubang") == "jalan berlubang" and in_sentence("Ibu hamil antre") == "ibu hamil antre"
    for kept in ("PJU mati di Jalan Poros", "Dinas PUPR lambat", "Jalan Nangka berlubang", "eKTP belum jadi",
                 "Kelurahan Rawa Makmur tutup", "3 titik lampu padam", "Samarinda banjir", "Jalan 10 rusak"):
        assert in_sentence(kept) == kept


def test_two_or_more_points_are_numbered_unless_typed_as_a_list():
    assert numbered(["Satu."]) == ["Satu."]
    assert numbered(["Satu.", "Dua."]) == ["1. Satu.", "2. Dua."]
    assert numbered(["Hasilnya:", "a. Satu.", "b. Dua."]) == ["Hasilnya:", "a. Satu.", "b. Dua."]


def test_a_surat_pelimpahan_is_addressed_to_the_jabatan():
    assert addressee_of_body("Kepala Dinas Perhubungan Kota Samarinda") == "Kepala Dinas Perhubungan Kota Samarinda"
    assert addressee_of_body("Dinas Perhubungan Kota Samarinda") == "Kepala Dinas Perhubungan Kota Samarinda"
    assert addressee_of_body("Kelurahan Rawa Makmur") == "Lurah Rawa Makmur"
    assert addressee_of_body("PT PLN (Persero) ULP Samarinda Seberang") == "Pimpinan PT PLN (Persero) ULP Samarinda Seberang"
    assert agency_of("Kepala Dinas Perhubungan Kota Samarinda") == "Dinas Perhubungan Kota Samarinda"


def _letter(answer: str, **kw) -> str:
    data = LetterData(number="1", date=dt.date(2026, 12, 7), place="Samarinda", hal="Jawaban Pengaduan",
                      addressee="Sdr. Budi", addressee_place="Samarinda", complaint_number="PGD/2026/0001",
                      complaint_date=dt.date(2026, 12, 1), complaint_subject="Lampu jalan padam", channel="langsung",
                      answer=answer, **kw)
    return flat(letter_text(render_letter(data, Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran"),
                                          Signer("CAMAT PALARAN", "Muhammad Dahlan")).data))


def test_the_opening_sentence_takes_the_form_of_its_points_and_enclosures():
    lead = ("Menindaklanjuti pengaduan Saudara yang disampaikan secara langsung di kantor kami pada tanggal "
            "1 Desember 2026 dan tercatat dengan nomor PGD/2026/0001, perihal lampu jalan padam, ")
    one = _letter("Lampu telah diperbaiki pada 5 Desember 2026.")
    assert lead + "dengan ini kami sampaikan bahwa lampu telah diperbaiki pada 5 Desember 2026." in one
    assert "sebagai berikut" not in one and "yang tercatat" not in one
    two = _letter("Lampu telah diperbaiki.\n\nKelurahan memantau.", attachments=2)
    assert lead + "bersama ini kami sampaikan hal-hal sebagai berikut: 1. Lampu telah diperbaiki. 2. Kelurahan" in two
    assert "Lampiran : 2 (dua) berkas" in _letter("x", attachments=2)


def test_list_points_hang_under_their_text():
    data = LetterData(number="1", date=dt.date(2026, 12, 7), place="Samarinda", hal="Jawaban Pengaduan",
                      addressee="Sdr. Budi", addressee_place="Samarinda", complaint_number="PGD/2026/0001",
                      complaint_date=dt.date(2026, 12, 1), complaint_subject="Lampu", channel="email",
                      answer="Lampu diperbaiki.\n\nKelurahan memantau.")
    doc = Document(io.BytesIO(render_letter(data, Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran"),
                                            Signer("CAMAT PALARAN", "Muhammad Dahlan")).data))
    [point] = [p for p in doc.paragraphs if p.text.startswith("2. ")]
    fmt = point.paragraph_format
    assert round(fmt.left_indent.cm, 2) == 1.85 and round(fmt.first_line_indent.cm, 2) == -0.6


def test_tembusan_per_letter_kind_and_the_old_single_list(rig):
    with make_env(rig, extra=TEMBUSAN) as env:
        ls = env.config.letters
        assert ls.tembusan_of("jawaban") == ("Wali Kota Samarinda",)
        assert ls.tembusan_of("pelimpahan") == ("Inspektur Kota Samarinda",)
        assert ls.tembusan_of("kelengkapan") == ls.tembusan_of("penolakan") == ()
    with make_env(rig, extra='[letters]\ntembusan = ["Lurah Rawa Makmur"]\n') as env:
        assert env.config.letters.tembusan_of("jawaban") == ("Lurah Rawa Makmur",)
        assert env.config.letters.tembusan_of("perpanjangan") == ()


# --- every kind, printed ---------------------------------------------------------------------

@needs_libreoffice
def test_the_answer_its_konsep_and_the_disposition_sheet_print_whole(rig, tmp_path):
    with make_env(rig, extra=TEMBUSAN) as env:
        number = start(env)
        through(env, number, CLARIFIED, ("camat", 3, "Perbaiki lampu jalan."),
                ("sekretaris", 4, "Lampu jalan di RT 12 telah diperbaiki pada 10 Desember 2026.\n\n"
                                  "Terima kasih atas laporan Bapak."))
        konsep_mail = env.routing("camat", number, "4a")
        # The approver sees that the konsep says "Bapak" while the letter says "Saudara".
        assert "konsep memakai 'Bapak' tetapi sapaan surat 'Saudara'" in flat(konsep_mail.text)
        [konsep] = [a.payload for a in konsep_mail.attachments if a.filename.endswith(".docx")]
        through(env, number, ("camat", "4a", "Setuju"))
        row = env.complaint(number)
        sheet = disposition_sheet(env.office, row)
        answer_docx = Path(row["letter_path"]).read_bytes()
        out = printed(tmp_path, {"konsep": konsep, "jawaban": answer_docx, "disposisi": sheet})

    for name, data in (("konsep", konsep), ("jawaban", answer_docx), ("disposisi", sheet)):
        assert_fixed_grid(data)
        assert_kop_whole(out[name], "KECAMATAN PALARAN")
    answer = flat(out["jawaban"])
    assert ("Menindaklanjuti pengaduan Saudara yang disampaikan melalui surat elektronik (surel) pada tanggal" in answer
            and "perihal lampu jalan" in answer and "dengan ini kami sampaikan hal-hal sebagai berikut: 1. Lampu jalan"
            in answer and "2. Terima kasih" in answer)
    assert "Tembusan: Wali Kota Samarinda" in answer and "di Samarinda" in answer and "KONSEP" not in answer
    # The date and the signature block start at the same left edge.
    lines = out["jawaban"].splitlines()
    date_col = next(line.index("Samarinda,") for line in lines if "Samarinda, " in line and "Nomor" in line)
    sign_col = next(line.index("CAMAT PALARAN,") for line in lines if "CAMAT PALARAN," in line)
    assert abs(date_col - sign_col) <= 2, (date_col, sign_col)

    konsep_text = out["konsep"].splitlines()
    assert "KONSEP" in konsep_text[0] and konsep_text[0].index("KONSEP") > 60  # bold, at the top right
    assert "Paraf: Sekretaris Camat" in flat(out["konsep"]) and "tgl" in flat(out["konsep"])

    form = flat(out["disposisi"])
    for part in ("LEMBAR DISPOSISI", "Surat/Pengaduan dari", "Nomor agenda", number, "Tanggal diterima",
                 "☒ Biasa", "☐ Segera", "☐ Rahasia", "Hal",
                 "Diteruskan kepada Sdr.", "☒ Sekretaris Camat", "Kepala Seksi Pemerintahan",
                 "Dengan hormat harap", "☐ Tanggapan dan saran", "☒ Proses lebih lanjut", "☒ Koordinasikan",
                 "Catatan", "Perbaiki lampu jalan.", "Paraf", "Riwayat tindak lanjut"):
        assert part in form, part
    assert form.index("Paraf") < form.index("Riwayat tindak lanjut")
    history = Document(io.BytesIO(sheet)).tables[-1]._tbl
    assert [int(c.get(qn("w:w"))) for c in history.tblGrid.findall(qn("w:gridCol"))] == [
        round(cm * 567) for cm in (3.2, 3.5, 3.3, 6.0)]


def _walk_in(env, name: str, pokok: str) -> str:
    result = pengaduan("--config", str(env.config_path), "catat", "--saluran", "langsung", "--nama", name,
                       "--pokok", pokok, "--isi", f"{pokok}.")
    assert result.returncode == 0, result.stderr
    return env.office.book.complaints.listed()[-1]["number"]


@needs_libreoffice
def test_notices_rejection_and_tanda_terima_print_whole_without_the_answers_tembusan(rig, tmp_path):
    with make_env(rig, extra=TEMBUSAN) as env:
        asked = _walk_in(env, "Bu Sari", "Air PDAM keruh")
        through(env, asked, ("sekretaris", 2, "Lengkapi: alamat rumah pengadu"))
        late = _walk_in(env, "Pak Darto", "Jalan tol rusak")
        through(env, late, CLARIFIED, ("camat", 3, "Perpanjang: 3 hari kerja, menunggu alat berat dari Dinas PUPR"),
                ("camat", 3, "Tolak: jalan tol adalah kewenangan badan usaha jalan tol"))
        letters = {entry["kind"] if entry["kind"] != "jawaban" else "penolakan": Path(entry["path"]).read_bytes()
                   for entry in env.office.book.letters.listed()}
        row = env.complaint(late)
        receipt = receipt_docx(env.office, row, "Andi Saputra", dt.datetime.now(dt.timezone.utc))
        out = printed(tmp_path, {**letters, "tanda_terima": receipt})

    assert set(letters) == {"kelengkapan", "perpanjangan", "penolakan"}
    for name in (*letters, "tanda_terima"):
        assert_kop_whole(out[name], "KECAMATAN PALARAN")
        text = flat(out[name])
        assert "Wali Kota" not in text and "Tembusan" not in text, name  # the answer's tembusan only
    for name in letters:
        assert_fixed_grid(letters[name])
        assert "di Samarinda" in flat(out[name]) and "di Tempat" not in flat(out[name])
    assert "bahwa kami memerlukan keterangan mengenai alamat rumah pengadu" in flat(out["kelengkapan"])
    assert "perihal air PDAM keruh" in flat(out["kelengkapan"])
    assert "hari kerja dengan alasan menunggu alat berat" in flat(out["perpanjangan"])
    rejection = flat(out["penolakan"])
    assert "Hal : Tindak Lanjut Pengaduan" in rejection
    # One well-formed sentence: the reason joins the opening, nothing repeated.
    assert ("dengan ini kami sampaikan bahwa pengaduan tersebut tidak dapat kami tindak lanjuti karena jalan tol "
            "adalah kewenangan badan usaha jalan tol.") in rejection
    assert "telah kami pelajari" not in rejection and rejection.count("kami sampaikan bahwa") == 1
    # The extension gives the date the answer reaches them (the steps after the decision added).
    extended = flat(out["perpanjangan"])
    assert "Jawaban atas pengaduan tersebut kami sampaikan paling lambat" in extended
    assert "Keputusan tindak lanjut" not in extended
    assert_fixed_grid(receipt)


@needs_libreoffice
def test_a_surat_pelimpahan_goes_to_the_jabatan_and_its_copy_to_the_complainant(rig, tmp_path):
    with make_env(rig, extra=TEMBUSAN) as env:
        number = start(env, 1)
        assert pengaduan("--config", str(env.config_path), "nomor-lapor", number, "LAP-2026-77").returncode == 0
        dishub = f"dishub@{env.cast.domain}"
        through(env, number, ("sekretaris", 2, "Klarifikasi.\nSapaan: Bapak"),
                ("camat", 3, f"Teruskan: Kepala Dinas Perhubungan Kota Samarinda; {dishub}\n"
                             "Mohon ditindaklanjuti."))
        [letter] = env.office.book.letters.listed(env.complaint(number)["id"])
        assert env.complaint(number)["forwarded_to"] == "Dinas Perhubungan Kota Samarinda"
        letter_docx = Path(letter["path"]).read_bytes()
        citizen = env.cast.citizens[1]
        [told] = [m for m in env.inbox(citizen[1]) if "Pelimpahan Pengaduan" in m.subject]
        [copy] = [a for a in told.attachments if a.filename.startswith("surat-pelimpahan-")]
        staff = [m for m in env.inbox(env.official("jfu")[1]) if "SP4N-LAPOR!" in m.subject]
        out = printed(tmp_path, {"pelimpahan": letter_docx})

    assert copy.filename.endswith(".pdf") and copy.payload[:5] == b"%PDF-"  # the tembusan reaches its holder
    assert len(staff) == 1 and "teruskan juga di SP4N-LAPOR! (nomor LAP-2026-77)" in flat(staff[0].text)
    assert_fixed_grid(letter_docx)
    assert_kop_whole(out["pelimpahan"], "KECAMATAN PALARAN")
    text = flat(out["pelimpahan"])
    assert "Yth. Kepala Dinas Perhubungan Kota Samarinda di Samarinda" in text and "Pimpinan" not in text
    assert "Lampiran : 1 (satu) berkas" in text and "Hal : Pelimpahan Pengaduan" in text
    assert "kewenangan Dinas Perhubungan Kota Samarinda" in text and "perihal pelayanan surat pengantar" in text
    assert f"Tembusan: 1. Inspektur Kota Samarinda; 2. Bapak {citizen[0]} (pengadu)." in text


@needs_libreoffice
def test_a_kelurahan_kop_has_three_tiers_and_the_laporan_its_whole_kop(rig, tmp_path):
    with make_env(rig, head="lurah") as env:
        assert env.config.letterhead.tiers == ("Pemerintah Kota Samarinda", "Kecamatan Palaran")
        number = start(env)
        sheet = disposition_sheet(env.office, env.complaint(number))
        month = dt.datetime.now(env.config.clock.tz).strftime("%m-%Y")
        made = pengaduan("--config", str(env.config_path), "laporan", "--bulan", month, "--keluar", str(tmp_path))
        assert made.returncode == 0, made.stderr
        [laporan] = tmp_path.glob("laporan-pengaduan-*.docx")
        out = printed(tmp_path / "pdf", {"disposisi": sheet, "laporan": laporan})
    lines = out["disposisi"].splitlines()[:12]
    assert_kop_whole(out["disposisi"], "KECAMATAN PALARAN", "KELURAHAN RAWA MAKMUR")
    order = [next(i for i, line in enumerate(lines) if tier in line)
             for tier in ("PEMERINTAH KOTA SAMARINDA", "KECAMATAN PALARAN", "KELURAHAN RAWA MAKMUR")]
    assert order == sorted(order)
    assert_kop_whole(out["laporan"], "KECAMATAN PALARAN", "KELURAHAN RAWA MAKMUR")
    assert_fixed_grid(laporan.read_bytes())  # the laporan's own folder outlives the office


def test_a_kop_parent_or_tembusan_of_the_wrong_shape_is_named_with_its_line(rig, tmp_path):
    from office.config import load_config
    from office.settings import ConfigError

    with make_env(rig) as env:
        text = env.config_path.read_text()
    for old, new, where in (('parent = "Pemerintah Kota Samarinda"', "parent = []", "[office] parent"),
                            ('parent = "Pemerintah Kota Samarinda"', 'parent = ["Pemerintah Kota Samarinda", 3]',
                             "[office] parent"),
                            ("[reports]", '[letters.tembusan]\npelimpahan = "Wali Kota"\n[reports]',
                             "[letters.tembusan] pelimpahan"),
                            ("[reports]", '[letters.tembusan]\npengadu = ["Wali Kota"]\n[reports]',
                             "[letters.tembusan] pengadu")):
        path = tmp_path / "pengaduan.toml"
        path.write_text(text.replace(old, new, 1))
        with pytest.raises(ConfigError) as err:
            load_config(path)
        assert where in str(err.value) and "baris" in str(err.value), str(err.value)


def test_a_complainant_without_email_gets_the_pelimpahan_copy_as_the_notices_enclosure(rig):
    with make_env(rig, extra=TEMBUSAN) as env:
        number = _walk_in(env, "Darto", "Lampu lalu lintas mati")
        through(env, number, CLARIFIED, ("camat", 3, f"Teruskan: Dinas Perhubungan Kota Samarinda; "
                                                     f"dishub@{env.cast.domain}"))
        letters = {entry["kind"]: entry for entry in env.office.book.letters.listed(env.complaint(number)["id"])}
        forwarding = flat(letter_text(Path(letters["pelimpahan"]["path"])))
        notice = flat(letter_text(Path(letters["dilimpahkan"]["path"])))
        waiting = [entry["kind"] for entry in env.office.book.letters.awaiting_dispatch()]
    assert "Yth. Kepala Dinas Perhubungan Kota Samarinda" in forwarding and "Sdr. Darto (pengadu)" in forwarding
    assert "Lampiran : 1 (satu) berkas" in notice and "Salinan surat pelimpahan tersebut kami lampirkan." in notice
    assert "kewenangan Dinas Perhubungan Kota Samarinda" in notice and "Inspektur" not in notice
    assert waiting == ["dilimpahkan"]  # the print queue: the notice, with the copy to enclose


@needs_libreoffice
def test_the_undangan_and_the_notices_of_forwarding_and_objection_print_whole(rig, tmp_path):
    with make_env(rig, extra=TEMBUSAN) as env:
        met = start(env, 0)
        through(env, met, CLARIFIED, ("camat", 3, "Perlu dibahas.\nRapat: ya, 15-12-2026 09.30"))
        gone = _walk_in(env, "Pak Darto", "Lampu lalu lintas mati")
        through(env, gone, CLARIFIED, ("camat", 3, f"Teruskan: Dinas Perhubungan Kota Samarinda; "
                                                   f"dishub@{env.cast.domain}"))
        objected = _walk_in(env, "Bu Sari", "Lampu jalan padam")
        through(env, objected, CLARIFIED, ("camat", 3, "Perbaiki."), ("sekretaris", 4, "Lampu diganti besok."),
                ("camat", "4a", "Setuju"), ("jfu", 5, "Disampaikan langsung kepada pengadu."))
        said = pengaduan("--config", str(env.config_path), "tanggapan", objected, "--teks", "TIDAK PUAS: masih padam")
        assert said.returncode == 0, said.stdout + said.stderr
        through(env, objected, ("camat", "5a", "Tutup: lampu sudah menyala sejak kemarin menurut petugas PJU"))
        letters = {entry["kind"]: entry for entry in env.office.book.letters.listed() if entry["kind"] in
                   ("undangan", "dilimpahkan", "keberatan")}
        docs = {kind: Path(entry["path"]).read_bytes() for kind, entry in letters.items()}
        out = printed(tmp_path, docs)

    assert set(docs) == {"undangan", "dilimpahkan", "keberatan"}
    for kind, data in docs.items():
        assert_fixed_grid(data)
        assert_kop_whole(out[kind], "KECAMATAN PALARAN")
        text = flat(out[kind])
        assert letters[kind]["number"] in text and "Demikian" in text, kind
        assert "Wali Kota" not in text and "Inspektur" not in text, kind  # no answer's or pelimpahan's tembusan
    undangan = flat(out["undangan"])
    assert "Hal : Undangan Rapat Dinas" in undangan and "Yth. Camat Palaran dan Kepala Seksi Pemerintahan" in undangan
    assert "acara: pembahasan pengaduan" in undangan and "a.n. CAMAT PALARAN" in undangan
    forwarded = flat(out["dilimpahkan"])
    assert "Yth. Bapak Darto" in forwarded and "Lampiran : 1 (satu) berkas" in forwarded
    assert "kewenangan Dinas Perhubungan Kota Samarinda" in forwarded
    decided = flat(out["keberatan"])
    assert "Yth. Ibu Sari" in decided and "Hal : Keputusan atas Keberatan" in decided
    assert "lampu sudah menyala sejak kemarin" in decided
