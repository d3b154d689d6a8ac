"""The calendar page in a browser: it passes axe-core, the copy button appears (the script runs
under the Content-Security-Policy), and renewing shows a new address with the confirmation."""

import pytest
from playwright.sync_api import expect

from networks.models import CalendarFeed
from tests.e2e.support import check_page, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_the_calendar_page_is_accessible_and_renews_the_address(browse, leader):
    page = browse(leader)
    page.goto("/kalender/")
    check_page(page)
    address = page.get_by_label("Adresse til at abonnere på")
    old = address.input_value()
    assert old.endswith(CalendarFeed.objects.get(user=leader).get_absolute_url())
    # Shown only when the page's own script ran: no inline script is needed for it.
    expect(page.get_by_role("button", name="Kopiér adressen")).to_be_visible()

    page.get_by_role("button", name="Forny adressen").click()
    expect(page.get_by_role("status").filter(has_text="Kalenderens adresse er fornyet.")).to_be_visible()
    assert address.input_value() != old
    assert address.input_value().endswith(CalendarFeed.objects.get(user=leader).get_absolute_url())
    check_page(page, "after renewing")
