"""PDFs per second: the letters converted by one LibreOffice start for the whole batch (the
daemon's sweep, letters.pdf.to_pdfs) against the baseline of one `soffice` per letter
(letters.pdf.to_pdf, as the delivery mail does for a letter not converted yet).

Run: python bench/bench_pdf.py [--letters N] [--runs R]
Prints medians with min and max over the runs, the ratio measured in the same run, and the
machine. Not part of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench_letters import letters
from common import machine, summary

from letters.pdf import libreoffice, to_pdf, to_pdfs
from letters.render import Letterhead, Signer, render_letter


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if libreoffice() is None:
        print("LibreOffice is not installed (./quickstart setup installs it)")
        return 1
    head = Letterhead("Pemerintah Kota Samarinda", "Kecamatan Palaran", ("Jalan Contoh Nomor 1",))
    signer = Signer("Camat Palaran", "Muhammad Dahlan, S.STP, M.Si", "198005071999121001")
    sources = [render_letter(d, head, signer).data for d in letters(args.letters)]

    def fresh() -> list[Path]:
        folder = Path(tempfile.mkdtemp(prefix="pgd-bench-pdf-"))
        paths = []
        for i, data in enumerate(sources):
            path = folder / f"surat-{i}.docx"
            path.write_bytes(data)
            paths.append(path)
        return paths

    def per_call() -> None:
        paths = fresh()
        for path in paths:
            to_pdf(path)
        shutil.rmtree(paths[0].parent)

    def batch() -> None:
        paths = fresh()
        assert len(to_pdfs(paths)) == len(paths)
        shutil.rmtree(paths[0].parent)

    rates: dict[str, list[float]] = {"batch": [], "per_call": [], "ratio": []}
    for _ in range(args.runs):
        pair = {}
        for name, job in (("batch", batch), ("per_call", per_call)):
            start = time.perf_counter()
            job()
            pair[name] = args.letters / (time.perf_counter() - start)
            rates[name].append(pair[name])
        rates["ratio"].append(pair["batch"] / pair["per_call"])
    print(f"machine: {machine()}; {args.letters} letters x {args.runs} runs; {libreoffice()}")
    summary("one LibreOffice start per batch (daemon sweep)", rates["batch"], "PDF/s")
    summary("one soffice per letter (baseline)", rates["per_call"], "PDF/s")
    summary("ratio batch / per letter", rates["ratio"], "x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
