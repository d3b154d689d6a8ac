"""Printouts brought to meetings: the network page, Direktørforum's agenda and the report print
without navigation or buttons, and the agenda puts each case on a page of its own.

Chromium renders the print stylesheet (emulated print media) and prints a real PDF.
"""

import re

import pytest

from tests.e2e.support import needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

# Elements that are rendered at all (display: none leaves no box).
SHOWN = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => el.outerHTML.slice(0, 80))"""


def print_view(page, path: str) -> None:
    page.goto(path)
    page.emulate_media(media="print")


def assert_no_screen_furniture(page) -> None:
    for selector in ["header", "nav", "footer", "button", ".btn", "form", ".skip-link"]:
        shown = page.evaluate(SHOWN, selector)
        assert not shown, f"{page.url} prints {selector}: {shown}"
    assert page.get_by_role("heading", level=1).is_visible()


def pdf_pages(page) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", page.pdf(format="A4")))


def test_the_network_page_prints_without_navigation_or_buttons(browse_as, municipality):
    page = browse_as("leader")
    print_view(page, f"/netvaerk/{municipality.welfare.pk}/")
    assert_no_screen_furniture(page)
    # What the meeting needs stays: participants and meetings, and a wide table is not cut off.
    assert page.get_by_role("table", name="Kernedeltagere").is_visible()
    overflow = page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].map((b) => getComputedStyle(b).overflowX)"
    )
    assert set(overflow) == {"visible"}


def test_the_agenda_prints_one_case_per_page(browse_as, municipality):
    page = browse_as("direktoer")
    cases = "&".join(f"sag={network.pk}" for network in municipality.waiting)
    print_view(page, f"/direktoerforum/dagsorden/?{cases}")
    assert_no_screen_furniture(page)
    breaks = page.locator(".agenda-case").evaluate_all(
        "(cases) => cases.map((c) => getComputedStyle(c).breakBefore)"
    )
    assert breaks == ["auto", "page"]
    assert pdf_pages(page) >= 2


def test_the_report_prints_its_figures_without_the_filter_or_downloads(browse_as, municipality):
    page = browse_as("administrator")
    print_view(page, "/rapporter/")
    assert_no_screen_furniture(page)
    assert not page.get_by_role("heading", name="Afgræns rapporten").is_visible()
    assert not page.get_by_role("heading", name="Hent tallene til Excel").is_visible()
    assert page.get_by_role("heading", name="Forsinkede netværk").is_visible()
    assert page.locator("figure svg").first.is_visible()
