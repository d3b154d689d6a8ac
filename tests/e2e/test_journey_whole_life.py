"""Journeys 5–7: what happens to a network after it has started, in the browser of the person who
does it.

A leader asks Direktørforum to change the approved purpose, and Direktørforum refuses a rejection
without a reason, then approves; a leader answers a follow-up months after the network concluded;
a leader moves a running sprint's last day, which needs a reason. Dates are relative to today: the
live server runs on the real clock, and only the setup travels in time.
"""

import datetime

import pytest
import time_machine
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from playwright.sync_api import expect

from networks import services
from networks.models import ActorCategory, ChangeRequestStatus, FollowUp, ParticipantRole, Status
from tests.e2e.support import check_page, needs_chromium
from tests.factories import (
    add_core,
    approved_innovation_with_plan,
    at,
    fresh,
    outcomes_per_track,
    ready_to_start,
)

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

APPROVED_PURPOSE = "Tænk velfærd og frivillighed forfra."
NEW_PURPOSE = "Tænk velfærd og frivillighed forfra – sammen med borgerne i Hyldagerparken."
WHY = "Borgerne i Hyldagerparken har bedt om at være med fra begyndelsen."
WELFARE = "Frivillige mod ensomhed på plejecentrene"


def danish_date(day: datetime.date) -> str:
    with translation.override("da"):
        return date_filter(day, "j. F Y")


def assert_error_on(page, field, message: str) -> None:
    """The field (or, for radio buttons, the fieldset around them) is marked invalid, and the
    description a screen reader reads with it holds `message`."""
    handle = field.element_handle()
    described_by = page.evaluate(
        """(field) => {
          const holder = field.hasAttribute("aria-describedby")
            ? field : field.closest("fieldset[aria-describedby]");
          return holder ? holder.getAttribute("aria-describedby") : "";
        }""",
        handle,
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    descriptions = [page.locator(f"#{id_}").inner_text() for id_ in described_by.split()]
    assert any(message in text for text in descriptions), descriptions


def about(page):
    return page.get_by_role("region", name="Om netværket")


def change_requests(page):
    return page.get_by_role("region", name="Ændringsanmodninger", exact=True)


# --- A change request, asked for and decided ---------------------------------------------------


def test_leader_asks_to_change_the_purpose_and_direktoerforum_decides(
    browse, leader, direktoer, innovation_type
):
    network = approved_innovation_with_plan(leader, direktoer, innovation_type)
    title = network.title
    leader_page = browse(leader)
    df_page = browse(direktoer)

    # The approved purpose cannot be edited on the form; the form says why.
    leader_page.get_by_role("link", name=title).first.click()
    expect(leader_page.get_by_role("heading", name=title, level=1)).to_be_visible()
    leader_page.get_by_role("link", name="Redigér netværket").click()
    purpose = leader_page.get_by_label("Formål", exact=True)
    expect(purpose).to_be_disabled()
    expect(purpose).to_have_value(APPROVED_PURPOSE)
    description = purpose.get_attribute("aria-describedby").split()
    notes = [leader_page.locator(f"#{id_}").inner_text() for id_ in description]
    assert any("Godkendt af Direktørforum; ændres ved en ændringsanmodning." in n for n in notes), notes
    expect(leader_page.get_by_role("note")).to_contain_text("kan ikke ændres her")
    check_page(leader_page, "edit form with the approved content locked")

    # Back on the network page, the leader asks for the change.
    leader_page.get_by_role("link", name="Fortryd").click()
    leader_page.get_by_role("link", name="Anmod om ændring…").click()
    expect(leader_page.get_by_role("heading", name=f"Anmod om ændring af “{title}”")).to_be_visible()
    check_page(leader_page, "change request form")
    leader_page.get_by_label("Formål", exact=True).fill(NEW_PURPOSE)
    leader_page.get_by_label("Begrundelse").fill(WHY)
    leader_page.get_by_role("button", name="Send til Direktørforum").click()
    expect(leader_page.get_by_text("Ændringsanmodningen er sendt til Direktørforum.")).to_be_visible()
    expect(change_requests(leader_page)).to_contain_text("Afventer Direktørforums beslutning")
    expect(change_requests(leader_page)).to_contain_text(WHY)
    # Until Direktørforum decides, the network keeps what was approved.
    expect(about(leader_page)).to_contain_text(APPROVED_PURPOSE)
    expect(about(leader_page)).not_to_contain_text(NEW_PURPOSE)
    check_page(leader_page, "network with a change request waiting")

    # Direktørforum finds it in the queue and sees the purpose before and after.
    df_page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Direktørforum").click()
    queue = df_page.get_by_role("region", name="Ændringsanmodninger, der venter på beslutning").first
    expect(queue.get_by_role("link", name=title)).to_be_visible()
    expect(queue).to_contain_text("1 felt")
    check_page(df_page, "Direktørforum's queue with a change request")
    queue.get_by_role("link", name=title).click()
    expect(df_page.get_by_role("heading", name=f"Ændringsanmodning: “{title}”", level=1)).to_be_visible()
    row = df_page.get_by_role("row").filter(has=df_page.get_by_role("rowheader", name="Formål"))
    expect(row.get_by_role("cell")).to_have_text([APPROVED_PURPOSE, NEW_PURPOSE])
    expect(df_page.get_by_text(WHY)).to_be_visible()
    check_page(df_page, "change request case")

    # Rejecting without a reason is refused at the reason field, and nothing is decided.
    df_page.get_by_label("Afvis ændringen").check()
    df_page.get_by_role("button", name="Registrér beslutningen").click()
    assert_error_on(
        df_page, df_page.get_by_label("Begrundelse"), "Skriv en begrundelse; den sendes til netværkslederen."
    )
    expect(df_page.get_by_text("Afventer Direktørforums beslutning")).to_be_visible()
    check_page(df_page, "rejection without a reason")
    change_request = network.change_requests.get()
    assert change_request.status == ChangeRequestStatus.PENDING
    assert fresh(network).purpose == APPROVED_PURPOSE

    # Direktørforum approves.
    df_page.get_by_label("Godkend ændringen").check()
    df_page.get_by_role("button", name="Registrér beslutningen").click()
    expect(df_page.get_by_text("Beslutningen er registreret: godkendt.")).to_be_visible()
    expect(df_page.get_by_role("button", name="Registrér beslutningen")).to_have_count(0)
    check_page(df_page, "approved change request")

    # The leader sees the new purpose, and the request approved.
    leader_page.reload()
    expect(about(leader_page)).to_contain_text(NEW_PURPOSE)
    requests = change_requests(leader_page)
    expect(requests.locator(".badge")).to_have_text("Godkendt")
    expect(requests).to_contain_text("godkendt af Dorte Direktør den")
    check_page(leader_page, "network after the approved change")
    assert fresh(network).purpose == NEW_PURPOSE


# --- A follow-up, answered ----------------------------------------------------------------------


@pytest.fixture
def concluded_welfare(leader, welfare_type):
    """A welfare network whose sprint ran some months ago and which concluded the day after it
    ended, so its follow-up fell due a while ago."""
    today = timezone.localdate()
    sprint_start = today - datetime.timedelta(days=150)
    network = services.network_create(
        by=leader,
        type=welfare_type,
        title=WELFARE,
        theme="Frivillighed",
        sprint_start=sprint_start,
        sprint_end=sprint_start + datetime.timedelta(days=20),
    )
    ready_to_start(network)
    with time_machine.travel(at(sprint_start, 9), tick=False):
        services.network_start(network=network, by=leader)
    with time_machine.travel(at(network.sprint_end + datetime.timedelta(days=1)), tick=False):
        services.network_conclude(
            network=fresh(network),
            by=leader,
            outcome_summary="Nye besøgsvenner på plejecentret.",
            **outcomes_per_track(network),
        )
    network = fresh(network)
    assert network.status == Status.CONCLUDED
    follow_up = network.follow_ups.get()
    assert follow_up.due < today
    return network


def test_leader_answers_a_follow_up_that_fell_due(browse, leader, concluded_welfare):
    network = concluded_welfare
    follow_up = network.follow_ups.get()
    page = browse(leader)

    # The start page asks for it.
    due = page.get_by_role("region", name="Opfølgninger")
    link = due.get_by_role("link", name=f"“{WELFARE}”: opfølgning efter 3 måneder")
    expect(link).to_be_visible()
    expect(due).to_contain_text(f"skal besvares, forfaldt den {danish_date(follow_up.due)}")
    check_page(page, "start page with a follow-up due")
    link.click()
    expect(page.get_by_role("heading", name="Opfølgning efter 3 måneder", level=1)).to_be_visible()
    expect(page.get_by_text("Status: skal besvares")).to_be_visible()
    check_page(page, "follow-up form")

    # Nothing answered: the question is marked, in Danish.
    page.get_by_role("button", name="Gem svarene").click()
    assert_error_on(page, page.get_by_label("Ja", exact=True), "Vælg et svar.")
    check_page(page, "follow-up without answers")

    # Partly in operation, but without an owner: the owner is asked for.
    page.get_by_label("Delvist", exact=True).check()
    page.get_by_role("button", name="Gem svarene").click()
    assert_error_on(
        page,
        page.get_by_label("Hvem ejer løsningen i driften?"),
        "Skriv, hvem der ejer løsningen, når den er helt eller delvist i drift.",
    )
    expect(page.get_by_label("Delvist", exact=True)).to_be_checked()
    assert not FollowUp.objects.get(pk=follow_up.pk).is_answered

    page.get_by_label("Hvem ejer løsningen i driften?").fill("Plejecenter Hyldagerhus")
    page.get_by_role("button", name="Gem svarene").click()
    expect(page.get_by_text("Tak. Opfølgningen er besvaret.")).to_be_visible()
    expect(page.get_by_role("heading", name=WELFARE, level=1)).to_be_visible()
    follow_ups = page.get_by_role("region", name="Opfølgninger")
    expect(follow_ups).to_contain_text("Status: besvaret")
    expect(follow_ups).to_contain_text("Plejecenter Hyldagerhus")
    check_page(page, "network page with the follow-up answered")

    # The follow-up page now shows the answers, read-only.
    follow_ups.get_by_role("link", name="Opfølgning efter 3 måneder").click()
    expect(page.get_by_role("heading", name="Svar")).to_be_visible()
    expect(page.get_by_text("Status: besvaret")).to_be_visible()
    answers = page.locator("dl")
    questions = ["Er den nye løsning i drift?", "Hvem ejer løsningen i driften?"]
    expect(answers.locator("dt")).to_have_text(questions)
    expect(answers.locator("dd")).to_have_text(["Delvist", "Plejecenter Hyldagerhus"])
    expect(page.get_by_role("button", name="Gem svarene")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    check_page(page, "answered follow-up")

    follow_up.refresh_from_db()
    assert follow_up.answers == {"in_operation": "partly", "owner": "Plejecenter Hyldagerhus"}


# --- A running sprint moved, with a reason ------------------------------------------------------


@pytest.fixture
def active_welfare_now(leader, welfare_type):
    today = timezone.localdate()
    network = services.network_create(
        by=leader,
        type=welfare_type,
        title=WELFARE,
        theme="Frivillighed",
        sprint_start=today - datetime.timedelta(days=3),
        sprint_end=today + datetime.timedelta(days=17),
    )
    ready_to_start(network)
    add_core(network, 1, category=ActorCategory.CITIZEN, role=ParticipantRole.PERIPHERAL)
    return services.network_start(network=network, by=leader)


def test_leader_moves_the_sprints_last_day_with_a_reason(browse, leader, active_welfare_now):
    network = active_welfare_now
    old_end = network.sprint_end
    new_end = old_end + datetime.timedelta(days=3)
    reason = "Borgerne kan først mødes efter efterårsferien."
    page = browse(leader)

    page.get_by_role("link", name=WELFARE).first.click()
    page.get_by_role("link", name="Redigér netværket").click()
    check_page(page, "edit form of a running sprint")
    page.get_by_label("Sprintens sidste dag", exact=True).fill(new_end.isoformat())
    page.get_by_role("button", name="Gem ændringerne").click()
    reason_field = page.get_by_label("Hvorfor flyttes sprintens sidste dag?")
    assert_error_on(page, reason_field, "Skriv, hvorfor sprintens sidste dag flyttes")
    check_page(page, "sprint moved without a reason")
    assert fresh(network).sprint_end == old_end

    reason_field.fill(reason)
    page.get_by_role("button", name="Gem ændringerne").click()
    expect(page.get_by_text("Ændringerne er gemt.")).to_be_visible()
    moved = about(page).get_by_text("Sprinten er flyttet")
    expect(moved).to_contain_text(
        f"sidste dag fra den {danish_date(old_end)} til den {danish_date(new_end)} – {reason} – af Lene Leder"
    )
    expect(about(page)).to_contain_text(f"{danish_date(network.sprint_start)} – {danish_date(new_end)}")
    check_page(page, "network with the sprint moved")
    assert fresh(network).sprint_end == new_end
