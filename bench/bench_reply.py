"""Reply extraction's cost per reply: our extractor (our HTML structure cut and line marking,
mail-parser-reply's headers of every language, our signature rules) against mail-parser-reply
alone with every language it knows, on the same texts: every case of the labelled corpora in
tests/replycorpus, as an official's reply arrives (an .eml parsed first; an HTML body
flattened and kept).

Also printed: the one-time cost of importing the reply reader (the daemon pays it once, at
start) and how many cases each gets right, so the speed is read beside what it buys.

Run: python bench/bench_reply.py [--rounds N] [--runs R]
Prints medians with min and max over the runs and the ratio measured in the same run. Not part
of the test suite; no figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import machine, summary
from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage

from intake.html_text import html_to_text
from intake.parse import parse_message
from intake.reply import extract_reply

ROOT = Path(__file__).resolve().parent.parent / "tests" / "replycorpus"
LANGUAGES = ["en", *sorted(set(MAIL_LANGUAGES) - {"en"})]


def cases() -> list[tuple[str, str, str]]:
    """(text, html, expected) for every labelled case."""
    found = []
    for folder in sorted(p for p in ROOT.iterdir() if (p / "cases.json").exists()):
        for case in json.loads((folder / "cases.json").read_text(encoding="utf-8")):
            data = (folder / case["input"]).read_bytes()
            if case["format"] == "eml":
                msg = parse_message(data)
                found.append((msg.text, msg.html, case["expected"]))
            elif case["format"] == "html":
                html = data.decode("utf-8", "replace")
                found.append((html_to_text(html), html, case["expected"]))
            else:
                found.append((data.decode("utf-8", "replace"), "", case["expected"]))
    return found


def ours(text: str, html: str) -> str:
    return extract_reply(text, html)


def mail_parser_reply(text: str, html: str) -> str:
    replies = EmailMessage(text=text, languages=LANGUAGES).read().replies  # as shipped: no Indonesian
    return replies[0].body if replies else ""


def same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def load_time() -> float:
    """Seconds to import the reply reader, in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import intake.reply; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent.parent)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpora per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus = cases()
    ours(corpus[0][0], corpus[0][1])  # patterns compiled before the clock starts
    mail_parser_reply(corpus[0][0], corpus[0][1])
    costs: dict[str, list[float]] = {"ours": [], "mpr": [], "ratio": []}
    for _ in range(args.runs):
        pair = {}
        for name, extract in (("ours", ours), ("mpr", mail_parser_reply)):
            start = time.perf_counter()
            for _ in range(args.rounds):
                for text, html, _expected in corpus:
                    extract(text, html)
            pair[name] = (time.perf_counter() - start) * 1000 / (args.rounds * len(corpus))
            costs[name].append(pair[name])
        costs["ratio"].append(pair["ours"] / pair["mpr"])
    right = {name: sum(same(extract(t, h), e) for t, h, e in corpus)
             for name, extract in (("ours", ours), ("mpr", mail_parser_reply))}
    loads = [load_time() for _ in range(3)]
    print(f"machine: {machine()}; {len(corpus)} replies x {args.rounds} rounds x {args.runs} runs")
    summary(f"ours (structure, line marks, rules), {right['ours']}/{len(corpus)} right", costs["ours"], "ms")
    summary(f"mail-parser-reply alone, every language, {right['mpr']}/{len(corpus)} right", costs["mpr"], "ms")
    summary("ratio ours / mail-parser-reply (cost per reply)", costs["ratio"], "x")
    summary("importing the reply reader once (fresh interpreter)", loads, "s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
