"""WCAG 2.1 AA in a real browser: axe-core on every page the journeys reach, each persona's pages
with networks in every state (dashboards with findings, empty forms), forms with errors, and the
things axe cannot judge alone: errors announced at their fields, findings told by icon and word.

The journeys (test_journey_*.py) run the same checks at every step they take.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, axe_violations, describe, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

PERSONAS = ["anonymous", "leader", "direktoer", "administrator"]

# Every field marked invalid must say why where a screen reader looks: its own description or,
# for a group of radio buttons or checkboxes, the description of the fieldset around it.
UNANNOUNCED_ERRORS = """() => {
  const problems = [];
  const invalid = [...document.querySelectorAll('[aria-invalid="true"]')];
  for (const field of invalid) {
    const holder = field.hasAttribute("aria-describedby")
      ? field
      : field.closest("fieldset[aria-describedby]");
    const ids = holder ? holder.getAttribute("aria-describedby").split(/\\s+/) : [];
    const errors = ids
      .map((id) => document.getElementById(id))
      .filter((el) => el && el.matches(".invalid-feedback"));
    if (!errors.length || !errors.every((el) => el.innerText.trim())) {
      problems.push(field.name || field.id);
    }
  }
  for (const message of document.querySelectorAll(".invalid-feedback")) {
    if (!document.querySelector(`[aria-describedby~="${message.id}"]`)) {
      problems.push("unreferenced " + message.id);
    }
  }
  return {invalid: invalid.length, problems};
}"""


def assert_errors_announced(page) -> None:
    result = page.evaluate(UNANNOUNCED_ERRORS)
    assert result["invalid"], f"{page.url}: no field is marked aria-invalid"
    assert not result["problems"], f"{page.url}: errors not announced for {result['problems']}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_has_no_wcag_violations(browse_as, pages_for, persona):
    page = browse_as(persona)
    failures = []
    for path in pages_for(persona):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}\n{describe(violations)}")
    assert not failures, "axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(failures)


def test_forms_with_errors_announce_them_and_have_no_wcag_violations(browse_as, municipality):
    m = municipality
    page = browse_as("leader")
    # (page, a field to empty first or None, the button that submits or None)
    forms = [
        ("/netvaerk/ny/?type=", None, None),  # the type chooser, submitted without a choice
        (f"/netvaerk/{m.draft.pk}/rediger/", "Titel", "Gem ændringerne"),
        (f"/netvaerk/{m.welfare.pk}/deltagere/ny/", None, "Gem"),
        (f"/netvaerk/{m.learning.pk}/moeder/ny/", "Titel", "Gem mødet"),
        (f"/netvaerk/{m.learning.pk}/moeder/planlaeg/", "Første møde", "Foreslå datoer"),
        (f"/netvaerk/{m.learning.pk}/afslut/", None, "Afslut netværket"),
    ]
    for path, field, button in forms:
        page.goto(path)
        if field:
            page.get_by_label(re.compile(rf"^\s*{field}\*?\s*$")).fill("")
        if button:
            page.get_by_role("button", name=button, exact=True).click()
            page.wait_for_load_state()
        assert_errors_announced(page)
        assert_accessible(page, "with errors")


def test_a_decision_without_a_choice_is_announced_at_the_field(browse_as, municipality):
    page = browse_as("direktoer")
    page.goto(f"/direktoerforum/sag/{municipality.waiting[1].pk}/")
    page.get_by_role("button", name="Registrér beslutningen").click()
    expect(page.get_by_text("Vælg en beslutning.")).to_be_visible()
    assert_errors_announced(page)
    assert_accessible(page, "decision with errors")


def test_a_failed_login_is_announced(browse_as, leader):
    page = browse_as("anonymous")
    page.goto("/accounts/login/")
    page.get_by_label("Brugernavn").fill(leader.username)
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "after a failed login")


def test_findings_are_told_by_icon_and_word_not_colour_alone(browse_as, municipality):
    page = browse_as("leader")
    for path in ["/", f"/netvaerk/{municipality.draft.pk}/"]:
        page.goto(path)
        findings = page.locator(".findings .finding")
        assert findings.count() > 0
        for finding in findings.all():
            icon = finding.locator(".finding-icon").inner_text()
            text = finding.inner_text()
            assert (icon, text.split()[1]) in {("✖", "Mangler:"), ("⚠", "Advarsel:")}, text
        # Statuses are words on their badges, not colours.
        for badge in page.locator(".badge").all():
            assert badge.inner_text().strip()
