"""Journey 4: journey 1's registration and participant form with the keyboard alone.

No mouse and no clicks: Tab and Shift+Tab move, letters are typed, Space ticks a box, the arrow keys
pick a radio button, Enter follows a link or presses a button. After every key that moves focus,
the focused element must show a visible focus ring (a real outline, not Bootstrap's faint glow)
and be on screen.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import ActorCategory, Network, ParticipantRole, WelfareTrack
from tests.e2e.support import DESKTOP, check_page, needs_chromium
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const label = e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || e.value || "";
  return {
    tag: e.tagName,
    label: label.replace("*", "").trim(),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    element = focused(page)
    assert element["tag"] != "BODY", "focus was lost"
    assert element["outline"] != "none" and element["outlineWidth"] >= 2, f"no visible focus on {element}"
    assert element["onScreen"], f"the focused element is off screen: {element}"
    return element


def tab_to(page, label: str, *, limit: int = 40) -> None:
    """Press Tab until the element labelled `label` has focus, checking the focus ring at every stop."""
    page.wait_for_load_state()  # the stylesheet, with the focus ring, has arrived
    for _ in range(limit):
        page.keyboard.press("Tab")
        if assert_focus_visible(page)["label"] == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def type_date(page, day: datetime.date) -> None:
    """Type a date into the focused date field. Its parts come in the browser's order (day first
    or month first, by the browser's language), so a wrong guess is typed again the other way."""
    page.keyboard.type(day.strftime("%d%m%Y"))
    if page.evaluate("document.activeElement.value") != day.isoformat():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.evaluate("document.activeElement.value") == day.isoformat()


def assert_error_announced(page, label: str, message: str) -> None:
    """The field is marked invalid and its description, which a screen reader reads, is the error."""
    field = page.get_by_label(re.compile(rf"^\s*{label}\*?\s*$"))  # required fields end in an asterisk
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    descriptions = [page.locator(f"#{id_}").inner_text() for id_ in described_by]
    assert any(message in text for text in descriptions), descriptions


def test_leader_registers_a_network_and_adds_participants_with_the_keyboard_alone(site, new_context, leader):
    sprint_start = timezone.localdate() + datetime.timedelta(days=14)
    sprint_end = sprint_start + datetime.timedelta(days=13)
    page = new_context(viewport=DESKTOP).new_page()

    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_label("Brugernavn")).to_be_focused()  # the login form focuses it itself
    assert_focus_visible(page)
    page.keyboard.type(leader.username)
    tab_to(page, "Adgangskode")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mine netværk")).to_be_visible()

    # The skip link is the first stop and jumps past the menu.
    page.wait_for_load_state()
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["label"] == "Gå til indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    tab_to(page, "Registrér et netværk", limit=3)
    page.keyboard.press("Enter")

    # The type: Tab reaches the radio group, the arrow key moves to the next type.
    expect(page.get_by_role("heading", name="Registrér et netværk")).to_be_visible()
    tab_to(page, "Innovationsnetværk")
    page.keyboard.press("ArrowDown")
    assert assert_focus_visible(page)["label"] == "Velfærdsnetværk"
    tab_to(page, "Fortsæt")
    page.keyboard.press("Enter")

    # Submitting the empty form: the errors are announced at their fields.
    expect(page.get_by_role("heading", name="Registrér et velfærdsnetværk")).to_be_visible()
    tab_to(page, "Opret netværket")
    page.keyboard.press("Enter")
    assert_error_announced(page, "Titel", "Giv netværket en titel.")
    assert_error_announced(page, "Tema", "Skriv netværkets tema.")
    check_page(page, "registration with errors, reached by keyboard")

    tab_to(page, "Titel")
    page.keyboard.type("Frivillige mod ensomhed")
    tab_to(page, "Tema")
    page.keyboard.type("Frivillighed")
    tab_to(page, "Plan for sporet “Borgerdeltagelse”")
    page.keyboard.type("Beboerne er med hele vejen.")
    tab_to(page, "Mandat afklaret")
    page.keyboard.press("Space")
    tab_to(page, "Sprintens første dag")
    type_date(page, sprint_start)
    tab_to(page, "Sprintens sidste dag")
    type_date(page, sprint_end)
    tab_to(page, "Opret netværket")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Frivillige mod ensomhed", level=1)).to_be_visible()

    # Participants, one at a time: first an empty form, then two people.
    tab_to(page, "Tilføj deltager")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tilføj deltager")).to_be_visible()
    tab_to(page, "Gem")
    page.keyboard.press("Enter")
    assert_error_announced(page, "Navn", "Skriv deltagerens navn.")
    check_page(page, "participant form with errors, reached by keyboard")

    tab_to(page, "Navn")
    page.keyboard.type("Grethe Hansen")
    tab_to(page, "E-mail")
    page.keyboard.type("grethe@example.dk")
    tab_to(page, "Aktørtype")
    page.keyboard.type("Borger")  # a closed list picks the option its first letters match
    assert page.evaluate("document.activeElement.value") == ActorCategory.CITIZEN
    tab_to(page, "Gem og tilføj endnu en")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Grethe Hansen").first).to_be_visible()

    tab_to(page, "Navn")
    page.keyboard.type("Ali Demir")
    tab_to(page, "Kernedeltager")
    page.keyboard.press("ArrowDown")
    assert assert_focus_visible(page)["label"] == "Perifer deltager"
    tab_to(page, "Gem")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Frivillige mod ensomhed", level=1)).to_be_visible()

    network = Network.objects.get(title="Frivillige mod ensomhed")
    assert (network.sprint_start, network.sprint_end) == (sprint_start, sprint_end)
    assert network.mandate_clarified
    assert network.track_plans[WelfareTrack.CITIZEN_PARTICIPATION] == "Beboerne er med hele vejen."
    assert {(p.name, p.actor_category, p.role) for p in network.participants.all()} == {
        ("Grethe Hansen", ActorCategory.CITIZEN, ParticipantRole.CORE),
        ("Ali Demir", ActorCategory.EMPLOYEE, ParticipantRole.PERIPHERAL),
    }
