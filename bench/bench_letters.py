"""Letters per second: our sealed letter (the letter press, Ed25519 seal, QR) against the
baseline of rendering the same letter with docxtpl alone, loading the template each time.

Run: python bench/bench_letters.py [--letters N] [--runs R]
Prints medians with min and max over the runs, the ratio measured in the same run, and the
machine. Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

from common import machine
from docxtpl import DocxTemplate

from jobs.demo import signature_png
from letters.render import DEFAULT_TEMPLATE, LetterData, Letterhead, Signer, letter_context, render_letter
from letters.seal import Ed25519PrivateKey, seal


def letters(n: int) -> list[LetterData]:
    return [LetterData(
        number=f"000.8.3.4/{i + 1:04d}/400.02", date=dt.date(2026, 1, 6), place="Samarinda",
        hal="Jawaban Pengaduan", addressee=f"Bapak/Ibu Warga Nomor {i}", addressee_place="Tempat",
        complaint_number=f"PGD/2026/{i + 1:04d}", complaint_date=dt.date(2026, 1, 3),
        complaint_subject="Lampu jalan padam di RT 12", channel="email",
        answer="Perbaikan kabel lampu jalan telah dikoordinasikan dengan Dinas PUPR.\n\n"
               "Kelurahan akan memantau pelaksanaannya dan melaporkan hasilnya.",
        tembusan=("Arsip",), signing_note="Disegel secara elektronik oleh kantor.") for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    signature = Path(tempfile.mkdtemp()) / "ttd.png"
    signature.write_bytes(signature_png())
    head = Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran", ("Jl. Contoh No. 1",))
    signer = Signer("Camat Palaran", "Muhammad Dahlan, S.STP, M.Si", "198005071999121001", signature_image=signature)
    key = Ed25519PrivateKey.generate()
    batch = letters(args.letters)

    def ours() -> None:
        for data in batch:
            render_letter(data, head, signer, sealer=lambda tokens, d=data: seal(
                key, number=d.number, date=d.date.isoformat(), addressee=d.addressee, tokens=tokens))

    def baseline() -> None:
        from docx.shared import Cm
        from docxtpl import InlineImage

        for data in batch:
            tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
            context = letter_context(data, head, signer)
            context.update(emblem=None, signature=InlineImage(tpl, str(signature), height=Cm(2)),
                           seal_qr="", seal_text="")
            tpl.render(context, autoescape=True)
            tpl.save(io.BytesIO())

    ours(), baseline()  # warm up imports and caches
    rates = {"ours": [], "baseline": [], "ratio": []}
    for _ in range(args.runs):
        pair = {}
        for name, job in (("ours", ours), ("baseline", baseline)):
            start = time.perf_counter()
            job()
            pair[name] = args.letters / (time.perf_counter() - start)
            rates[name].append(pair[name])
        rates["ratio"].append(pair["ours"] / pair["baseline"])
    print(f"machine: {machine()}; {args.letters} letters x {args.runs} runs")
    for name, label in (("ours", "sealed letter (QR + Ed25519)"), ("baseline", "docxtpl, template loaded per letter"),
                        ("ratio", "ratio ours / baseline")):
        values = rates[name]
        unit = "" if name == "ratio" else " letters/s"
        print(f"{label:40s} median {statistics.median(values):7.2f}{unit}  "
              f"(min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
