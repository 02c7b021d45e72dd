"""A walk-in's tanda terima at the desk, in Debian's Chromium: the request that records the
walk-in writes the receipt's Word file and returns; LibreOffice never runs inside a desk
request (under twenty staff the walk-in had taken a minute while each request converted its
receipt). The receipt's PDF is made after the commit by the PDF job: the complaint's page says
"PDF sedang dibuat" and looks again by itself until it can offer the PDF."""

from __future__ import annotations

import subprocess
import threading

from tests.test_desk import browser, login, record_walk_in  # noqa: F401, F811  (the Chromium fixture)


def subprocesses_in_requests(monkeypatch) -> list:
    """Every subprocess a desk request (a waitress worker thread) starts, listed and made to fail."""
    caught: list = []
    start = subprocess.Popen.__init__

    def guarded(self, args, *rest, **options):
        if threading.current_thread().name.startswith("waitress-"):
            caught.append(args)
            raise AssertionError(f"subprocess inside a desk request: {args}")
        start(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)
    return caught


def test_a_walk_in_is_recorded_without_libreoffice_and_its_receipt_pdf_arrives(env, desk, browser, monkeypatch):  # noqa: F811
    caught = subprocesses_in_requests(monkeypatch)
    page = browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
    login(page, desk)
    number = record_walk_in(page, desk, name="Yohanes Lado", subject="Saluran air tersumbat di RT 7",
                            body="Saluran air di depan sekolah tersumbat sejak hujan kemarin.")
    assert page.get_by_role("link", name="Tanda terima (Word)").is_visible()  # the Word file at once
    assert page.get_by_text("PDF sedang dibuat").is_visible()
    # The page looks again by itself (HTTP Refresh) until the PDF job has made it.
    pdf_link = page.get_by_role("link", name="Tanda terima (PDF, untuk dicetak)")
    pdf_link.wait_for(timeout=120_000)
    assert not page.get_by_text("PDF sedang dibuat").count()
    response = page.context.request.get(desk + pdf_link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    from tests.helpers import pdf_text

    text = " ".join(pdf_text(response.body()).split())
    assert number in text and "TANDA TERIMA PENGADUAN" in text and "Yohanes Lado" in text
    assert caught == []
    page.close()
