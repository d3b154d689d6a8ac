"""Phones: every page the journeys reach works at 375 px wide (an iPhone SE or a small Android).

The page itself never scrolls sideways; a wide table scrolls inside its own box, which can be
reached and scrolled from the keyboard. axe-core runs at this width too: some problems (a
scrolling box the keyboard cannot reach) only exist on a small screen.
"""

import pytest

from tests.e2e.support import PHONE, axe_violations, describe, horizontal_overflow, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

# Each .table-responsive whose table is wider than the box: does the box scroll, is it a named,
# focusable region?
WIDE_TABLES = """() => [...document.querySelectorAll(".table-responsive")]
  .filter((box) => box.scrollWidth > box.clientWidth)
  .map((box) => ({
    scrolls: getComputedStyle(box).overflowX === "auto",
    focusable: box.tabIndex === 0,
    named: box.getAttribute("role") === "region"
      && Boolean(box.getAttribute("aria-label") || box.getAttribute("aria-labelledby")),
  }))"""


@pytest.mark.parametrize("persona", ["anonymous", "leader", "direktoer", "administrator"])
def test_every_page_fits_a_375_px_screen(browse_as, pages_for, persona):
    page = browse_as(persona, viewport=PHONE)
    failures = []
    for path in pages_for(persona):
        page.goto(path)
        overflow = horizontal_overflow(page)
        if overflow > 0:
            failures.append(f"{path} scrolls {overflow} px sideways")
        for table in page.evaluate(WIDE_TABLES):
            if not all(table.values()):
                failures.append(f"{path}: a wide table's box {table}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}\n{describe(violations)}")
    assert not failures, "\n".join(failures)


def test_the_menu_wraps_instead_of_hiding_links_on_a_phone(browse_as):
    page = browse_as("administrator", viewport=PHONE)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    for name in ["Forside", "Netværksliste", "Kend din netværkstype", "Direktørforum", "Rapporter"]:
        link = menu.get_by_role("link", name=name, exact=True)
        box = link.bounding_box()
        assert link.is_visible(), name
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    assert menu.get_by_role("button", name="Log ud").is_visible()


def test_a_wide_table_scrolls_inside_its_box_not_the_page(browse_as, municipality):
    page = browse_as("leader", viewport=PHONE)
    page.goto(f"/netvaerk/{municipality.welfare.pk}/")
    box = page.get_by_role("region", name="Kernedeltagere")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth"), "the table should be wider than the box"
    box.focus()  # reached by Tab like any other stop (tabindex="0")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=box.element_handle(), timeout=2000)
    assert horizontal_overflow(page) <= 0
