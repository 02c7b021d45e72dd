"""Any code point a citizen or an official can write, in a subject, a name or an answer, goes
through the whole path (mail -> book -> five steps -> sealed letter) and the letter opens,
verifies, and holds no paragraph that was not in the official's answer or the template."""

from __future__ import annotations

import base64
import datetime as dt
import io
import shutil
import tempfile
from dataclasses import replace
from email.header import Header
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from letters.safe import one_line

# Every code point but lone surrogates (which no encoding on the wire can carry): controls,
# line and paragraph separators, direction marks, noncharacters, astral planes.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
ANSWER = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck),
                max_examples=min(settings.default.max_examples, 150))


def _raw(sender: tuple[str, str], to: str, subject: str, body: str, in_reply_to: str | None = None) -> bytes:
    """A message as an attacker writes it by hand: encoded words and a base64 body carry
    what a mail library would refuse to put in a header."""
    head = (f"From: {Header(sender[0], 'utf-8').encode()} <{sender[1]}>\r\nTo: {to}\r\n"
            f"Subject: {Header(subject, 'utf-8').encode()}\r\n"
            f"Message-ID: <{base64.b32encode(bytes(str(dt.datetime.now().timestamp()), 'ascii')).decode()}"
            f".{id(body)}@warga.test>\r\nMIME-Version: 1.0\r\n")
    if in_reply_to:
        head += f"In-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\n"
    head += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    return head.encode() + base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")


@pytest.fixture(scope="module")
def office(rig):
    from jobs.demo import signature_png, write_config
    from letters.seal import make_key
    from office.base import Office
    from office.config import load_config
    from sop.book import Book

    folder = Path(tempfile.mkdtemp(prefix="pgd-fuzz-letter-"))
    signature = folder / "ttd.png"
    signature.write_bytes(signature_png())
    path = write_config(folder, rig, signature)
    make_key(folder / "data" / "files" / "kunci" / "segel-kantor.key")
    cfg = load_config(path)
    # One sender writes every example: no flood limits here (tests/test_attacks.py has them).
    # No PDF of each konsep: LibreOffice takes a second a letter (its own test is below).
    cfg = replace(cfg, intake=replace(cfg.intake, hold_after=0, ack_per_hour=10**6),
                  letters=replace(cfg.letters, pdf=False))
    office = Office(cfg, Book(cfg.database))
    yield office
    office.book.close()
    shutil.rmtree(folder, ignore_errors=True)


def _play(office, subject: str, name: str, answer: str) -> dict:
    """A complaint by mail, then each official's reply by mail; the complaint's row at the end."""
    from office.arrivals import process_raw

    cfg = office.config
    now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)
    process_raw(office, _raw((name, "warga.fuzz@warga.test"), cfg.mailbox.address, subject, "Isi."), now)
    row = office.book.complaints.listed()[-1]
    replies = {2: "Klarifikasi.\nSeksi: Pemerintahan", 3: "Diputuskan.", 4: answer, 6: "Setuju",
               5: "Diserahkan langsung."}
    local, _, domain = cfg.mailbox.address.partition("@")
    for step, text in replies.items():
        task = office.book.tasks.current(row["id"])
        if task is None or task["step"] != step:
            break
        official = cfg.directory.official(task["role"])
        process_raw(office, _raw((official.name, official.email), f"{local}+{task['token']}@{domain}",
                                 f"Re: tugas {step}", text, task["message_id"]), now)
        row = office.book.complaints.get(row["id"])
    return row


def _paragraph_count(path: str) -> int:
    from docx import Document

    return len(Document(path).paragraphs)


@pytest.fixture(scope="module")
def baseline(office) -> int:
    """Paragraphs of a plain letter whose answer is one paragraph."""
    row = _play(office, "Jalan rusak", "Budi", "Jawaban satu paragraf.")
    return _paragraph_count(row["letter_path"])


@FUZZ
@given(subject=ANY_TEXT, name=ANY_TEXT, answer=ANSWER)
@example(subject="", name="", answer="%_} {_{ tanda kurung Jinja tetap teks")  # docxtpl's marks: found by this test
@example(subject="", name="¡¡", answer="0")  # a name of marks only: found by this test
def test_any_text_in_subject_name_and_answer_makes_a_letter_with_only_the_answers_paragraphs(
        office, baseline, subject, name, answer):
    from docx import Document

    from letters.render import answer_paragraphs, answer_points
    from letters.seal import key_id
    from letters.verify import verify_docx

    row = _play(office, subject, name, answer)
    recorded = [e["text"] for e in office.book.events.of(row["id"]) if e["kind"] == "langkah" and e["step"] == 4]
    if not row["letter_path"]:  # an answer with nothing but quotes or blanks: the Sekretaris is asked again
        assert not recorded and row["step"] == 4 and not row["draft"]
        return
    data = Path(row["letter_path"]).read_bytes()
    doc = Document(io.BytesIO(data))
    # One point joins the opening sentence ("… dengan ini kami sampaikan bahwa …"); two or more
    # follow "sebagai berikut:" as numbered paragraphs of their own (letters.render).
    ending, points = answer_points(answer_paragraphs(recorded[-1]))
    assert len(doc.paragraphs) == baseline + len(points)
    texts = [p.text for p in doc.paragraphs]
    assert any(t.endswith(one_line(ending)) for t in texts)
    assert all(one_line(p) in texts for p in points)
    key = office.seal_key().public_key()
    assert verify_docx(data, {key_id(key): key}).valid


def test_a_letter_full_of_control_characters_converts_with_libreoffice(office, tmp_path):
    from letters.pdf import to_pdf

    nasty = "".join(chr(c) for c in range(0x20)) + "\u2028\u2029\u202e\ufffe\uffff\x85\x9f"
    row = _play(office, f"Subjek {nasty}", f"Nama {nasty}", f"Jawaban {nasty}\n\nParagraf {nasty}")
    copy = tmp_path / "surat.docx"
    copy.write_bytes(Path(row["letter_path"]).read_bytes())
    assert to_pdf(copy).stat().st_size > 0
