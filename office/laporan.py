"""The recap as a naskah dinas laporan (Permendagri 1/2023's usual outline): A. Pendahuluan,
B. Pelaksanaan, C. Hasil, D. Permasalahan dan Tindak Lanjut, E. Simpulan dan Saran,
F. Penutup; black bold headings numbered with capital letters, officials named by jabatan and
name only (a naskah carries no e-mail address), standard times in working days."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path

from letters.dates import tanggal
from letters.naskah import Signature, naskah, sign
from letters.naskah import title as document_title
from letters.safe import one_line
from office.base import Office
from office.durations import minutes_text, standard_words

# The rule the complaint handling rests on, beside the office's own SOP.
BASIS = ("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 62 Tahun 2018 tentang "
         "Pedoman Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional")
SECTIONS = ("PENDAHULUAN", "PELAKSANAAN", "HASIL", "PERMASALAHAN DAN TINDAK LANJUT", "SIMPULAN DAN SARAN", "PENUTUP")
LATE_LISTED = 100  # beyond this the late steps are counted by step and holder (the XLSX lists each)


def write_laporan(r, path: Path, pictures: dict[str, bytes], office: Office, now: dt.datetime,
                  signature: Signature) -> None:
    """The recap as a naskah laporan, A4 or F4, signed by the Sekretaris; with "Mengetahui"
    by the head when the laporan goes beyond the office (`[reports] to`)."""
    cfg = office.config
    doc = naskah(cfg.letterhead, cfg.letters.paper)
    # The kop names the office; the title does not repeat it.
    document_title(doc, "LAPORAN", "PENANGANAN PENGADUAN PELAYANAN PUBLIK", r.title.upper())
    letters = iter("ABCDEF")
    section_heading(doc, next(letters), SECTIONS[0])
    _introduction(doc, r, office)
    section_heading(doc, next(letters), SECTIONS[1])
    _execution(doc, r, office)
    section_heading(doc, next(letters), SECTIONS[2])
    _results(doc, r, pictures)
    section_heading(doc, next(letters), SECTIONS[3])
    _problems(doc, r, office)
    section_heading(doc, next(letters), SECTIONS[4])
    _conclusion(doc, r)
    section_heading(doc, next(letters), SECTIONS[5])
    doc.add_paragraph("Demikian laporan ini disampaikan untuk dipergunakan sebagaimana mestinya.")
    doc.add_paragraph()
    if cfg.reports_to:
        _acknowledged(doc, office, signature, now)
    else:
        sign(doc, signature)
    doc.save(str(path))


def section_heading(doc, letter: str, text: str) -> None:
    """A numbered heading of the naskah: "A. PENDAHULUAN", black, bold, Arial 12 (never Word's
    blue Heading style)."""
    from docx.shared import Pt, RGBColor

    p = doc.add_paragraph()
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(6)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(f"{letter}. {text}")
    run.bold = True
    run.font.name, run.font.size = "Arial", Pt(12)
    run.font.color.rgb = RGBColor(0, 0, 0)


def _point(doc, text: str) -> None:
    """A numbered or lettered point under a heading, indented."""
    from docx.shared import Cm

    p = doc.add_paragraph(one_line(text))
    p.paragraph_format.left_indent = Cm(0.6)


def _introduction(doc, r, office: Office) -> None:
    cfg = office.config
    sop = f"Standar Operasional Prosedur {cfg.procedure.name} {cfg.office_name}"
    sop += f" Nomor {cfg.procedure.number}" if cfg.procedure.number else ""
    _point(doc, "1. Dasar:")
    _point(doc, f"a. {BASIS};")
    _point(doc, f"b. {sop}.")
    _point(doc, f"2. Maksud dan tujuan: melaporkan penanganan pengaduan pelayanan publik yang diterima "
                f"{cfg.office_name} pada {r.title[:1].lower() + r.title[1:]}, sebagai bahan evaluasi pimpinan.")


def _execution(doc, r, office: Office) -> None:
    cfg = office.config
    decision = next((s for s in cfg.procedure.steps if s.keywords and "rapat" in s.keywords), None)
    standard = f", dengan mutu baku keputusan tindak lanjut {standard_words(cfg, decision.time)}" if decision else ""
    channels = ", ".join(f"{k} {v}" for k, v in r.by_channel.most_common()) or "-"
    _point(doc, f"1. Pengaduan dicatat dalam buku pengaduan dan ditangani menurut SOP{standard}; setiap langkah "
                f"disampaikan kepada pejabat pelaksananya melalui surel dan dicatat waktunya.")
    _point(doc, f"2. Jumlah pengaduan yang diterima: {r.total} (menurut saluran: {channels}).")


def _results(doc, r, pictures: dict[str, bytes]) -> None:
    from docx.shared import Cm

    for i, (label, counts) in enumerate((("Menurut seksi", r.by_section), ("Menurut status", r.by_state)), 1):
        _point(doc, f"{i}. {label}: " + (", ".join(f"{k} {v}" for k, v in counts.most_common()) or "-") + ".")
    satisfaction = ", ".join(f"{k} {v}" for k, v in r.by_satisfaction.most_common()) or "belum ada tanggapan"
    _point(doc, f"3. Kepuasan pengadu atas jawaban: {satisfaction}; keberatan (tidak puas): {r.objections}.")
    _point(doc, "4. Waktu penyelesaian per langkah SOP:")
    _steps_table(doc, r)
    for name in ("saluran", "seksi", "langkah"):
        doc.add_picture(io.BytesIO(pictures[name]), width=Cm(15))


def _steps_table(doc, r) -> None:
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Langkah", "Pelaksana", "Mutu baku", "Nilai tengah (median)",
                                                "Sesuai mutu baku")):
        cell.text = text
    for s in r.steps:
        share = f"{s['within_standard']:.0%}" if s["within_standard"] is not None else "-"
        for cell, text in zip(table.add_row().cells, (s["label"], s["role"], s["standard"],
                                                      minutes_text(s["median_minutes"]), share)):
            cell.text = one_line(text)


def late_lines(r, office: Office) -> list[str]:
    """The late steps as the laporan names them: jabatan and name, never an address; beyond
    LATE_LISTED, counted by step and holder."""
    names = {o.email: o.name for o in office.config.directory.officials.values()}

    def holder(item: dict) -> str:
        name = names.get(item["email"], "")
        return f"{item['official']}, {name}" if name else item["official"]

    if len(r.late) > LATE_LISTED:
        counted = Counter((item["label"], holder(item)) for item in r.late).most_common()
        return [f"langkah {label} ({who}): {count} kali terlambat" for (label, who), count in counted]
    return [f"{item['number']} langkah {item['label']} ({holder(item)}), batas {tanggal(item['due_at'].date())} "
            f"pukul {item['due_at']:%H.%M}" + ("" if item["done_at"] else ", belum selesai") for item in r.late]


def _problems(doc, r, office: Office) -> None:
    if not r.late:
        _point(doc, "Tidak ada langkah yang melewati mutu bakunya.")
        return
    _point(doc, f"1. Permasalahan: {len(r.late)} langkah melewati mutu bakunya:")
    for line in late_lines(r, office):
        _point(doc, f"- {line};")
    _point(doc, "2. Tindak lanjut: pejabat pelaksana diingatkan sebelum batas waktu, dan atasan yang ditetapkan "
                "dalam SOP diberi tahu setiap hari kerja selama langkah itu terlambat.")


def _conclusion(doc, r) -> None:
    done = sum(s["done"] for s in r.steps)
    within = sum(round(s["done"] * s["within_standard"]) for s in r.steps if s["within_standard"] is not None)
    finished = (f"{done} langkah SOP telah diselesaikan, {within / done:.0%} di antaranya dalam mutu baku" if done
                else "belum ada langkah SOP yang diselesaikan")
    _point(doc, f"1. Simpulan: dari {r.total} pengaduan yang diterima, {finished}.")
    advice = ("pejabat pelaksana langkah yang terlambat agar menyelesaikan tugasnya dalam mutu baku, dan "
              "penyebab keterlambatan dibahas dalam rapat dinas." if r.late
              else "penanganan pengaduan agar dipertahankan sesuai SOP.")
    _point(doc, f"2. Saran: {advice}")


def _acknowledged(doc, office: Office, signer: Signature, now: dt.datetime) -> None:
    """Two signature columns: "Mengetahui, CAMAT …" at the left, the Sekretaris at the right."""
    from docx.shared import Cm, Pt

    cfg = office.config
    head = office.holder(cfg.letters.head_role, now)
    block = doc.add_table(rows=1, cols=2)
    block.autofit = False
    left, right = block.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    columns = ((left, ["", "Mengetahui,", cfg.letters.head_title + ",", head.name, head.rank,
                       f"NIP. {head.nip}" if head.nip else ""]),
               (right, [signer.place_date, "", signer.title + ",", signer.name, signer.rank,
                        f"NIP. {signer.nip}" if signer.nip else ""]))
    for cell, lines in columns:
        for i, text in enumerate(lines):
            if i > 3 and not text:
                continue
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(48 if i == 2 else 0)
            p.paragraph_format.keep_with_next = True
            p.add_run(one_line(text)).bold = i == 3
