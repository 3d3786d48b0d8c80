"""A guardian opens the board report for a half-year, reads its figures and downloads the PDF."""

import io
import os
from datetime import date

import pypdfium2
import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from speakup.organisations.roles import Role
from tests.browser.conftest import (
    assert_accessible,
    assert_charts_fit_the_screen,
    assert_fits_the_screen,
    fill_date,
    sign_in,
)
from tests.reporting.board_report_fixtures import PUBLISHED, UNPUBLISHED, half_year_of_cases
from tests.reporting.factories import london

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def february_2027_ticking():
    """Today is 10 February 2027, with the clock running (the browser waits on real time)."""
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=True):
        yield


def rendered_pages(pdf_bytes: bytes, folder) -> list:
    """Each page as a PNG in `folder` (kept for a person to look at: SPEAKUP_KEEP_PDF_PAGES=dir),
    and as a greyscale image for the test."""
    folder = os.environ.get("SPEAKUP_KEEP_PDF_PAGES") or folder
    images = []
    for number, pdf_page in enumerate(pypdfium2.PdfDocument(pdf_bytes), start=1):
        image = pdf_page.render(scale=1).to_pil()
        image.save(f"{folder}/board-report-page-{number}.png")
        images.append(image.convert("L"))
    return images


def ink(image) -> float:
    """The share of the page that is not white paper."""
    dark = sum(count for level, count in enumerate(image.histogram()) if level < 200)
    return dark / (image.width * image.height)


def test_guardian_produces_the_board_report_and_downloads_the_pdf(
    page, organisation, other_organisation, person_with_role, february_2027_ticking, tmp_path
):
    half_year_of_cases(organisation, other_organisation)
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    sign_in(page, guardian, two_factor=True)

    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Board reports")).to_be_visible()
    assert_accessible(page)

    # Her own dates: April to September 2026.
    fill_date(page, "Start date", date(2026, 4, 1))
    fill_date(page, "End date", date(2026, 9, 30))
    page.get_by_role("button", name="Show the report").click()
    expect(
        page.get_by_role("heading", name=f"Freedom to Speak Up board report: {organisation.name}")
    ).to_be_visible()
    body = page.locator("main").inner_text()
    assert "1 April 2026 to 30 September 2026" in body
    assert "Alex Leader" in body  # an accountable leader holding cases
    assert PUBLISHED in body and UNPUBLISHED not in body
    assert "Cases raised in the period\n12" in body or "Cases raised in the period\t12" in body
    trend = page.get_by_role("table", name="Cases raised by quarter")
    expect(trend.get_by_role("row", name="Total 12")).to_be_visible()
    assert_accessible(page)

    # On a phone the page is no wider than the screen: a table too wide for it scrolls inside
    # its own box, which can then be focused and scrolled from the keyboard.
    desktop = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    assert_fits_the_screen(page, 375)
    expect(page.locator(".speakup-table-scroll[tabindex='0']")).not_to_have_count(0)
    # Each chart is drawn for the phone and fits it, its words as big as on a computer (a chart
    # 460 pixels wide ran off the screen in a box that scrolled with no sign that it did).
    assert_charts_fit_the_screen(page, 375)
    assert_accessible(page)
    page.set_viewport_size(desktop)
    # A table that fits adds no stop to the tab order.
    expect(
        page.get_by_role("region", name="Cases raised by quarter", exact=True)
    ).not_to_have_attribute("tabindex", "0")
    trend = page.get_by_role("img", name="Cases raised by quarter.")
    expect(trend).to_have_js_property("naturalWidth", 560)  # the computer's drawing

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this report as a PDF").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"ftsu-board-report-{organisation.ods_code}-2026-04-01-to-2026-09-30.pdf"
    )
    pdf = PdfReader(io.BytesIO(download.path().read_bytes()))
    assert len(pdf.pages) >= 2
    first = pdf.pages[0].extract_text()
    assert "Freedom to Speak Up board report" in first
    assert "1 April 2026 to 30 September 2026" in first
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Cases raised in the period 12" in " ".join(text.split())
    assert "Alex Leader" in text
    assert UNPUBLISHED not in text
    # The period and the page number are on every page.
    for number, pdf_page in enumerate(pdf.pages, start=1):
        page_text = pdf_page.extract_text()
        assert "Period: 1 April 2026 to 30 September 2026" in page_text
        assert f"Page {number} of {len(pdf.pages)}" in page_text
    # Rendered as a reader sees them: A4 portrait, every page printed on, none covered in ink.
    images = rendered_pages(download.path().read_bytes(), tmp_path)
    for image in images:
        assert abs(image.height / image.width - 297 / 210) < 0.01
        assert 0.002 < ink(image) < 0.3
    assert max(ink(image) for image in images[1:]) > ink(images[0])  # charts and tables after
    assert_accessible(page)
