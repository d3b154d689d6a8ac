"""Journey 1: a network leader takes a welfare network from idea to conclusion in the browser.

Type guide → register → participants from CSV → the sprint's meetings from the plan helper → start →
minutes and attendance → conclude. Every page on the way, in the state the leader reaches it (empty
forms, forms with errors, pages with findings), passes axe-core and fits the screen, on a desktop
and on a 375 px phone.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import MeetingStatus, Network, Status
from tests.e2e.support import DESKTOP, PHONE, check_page, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

CSV_HEADER = "navn;e-mail;organisation;aktørtype;rolle\n"
CSV_ROWS = [
    "Grethe Hansen;grethe@example.dk;Ældrerådet;Borger;Kernedeltager\n",
    "Ali Demir;ali@example.dk;Frivilligcentret;Frivillig;Kernedeltager\n",
    "Mette Berg;mette@example.dk;Plejecenter Humlehaven;Medarbejder;Kernedeltager\n",
]
CSV_BAD_ROW = ";uden-navn@example.dk;Ældrerådet;Borger;Kernedeltager\n"


def participants_csv(core: int) -> tuple[str, int]:
    """Grethe, Ali and Mette, and more core participants if the type asks for more; a row without a
    name last. Returns the CSV and how many good rows it has."""
    rows = CSV_ROWS + [
        f"Deltager {n};deltager{n}@example.dk;Plejecenter Humlehaven;Medarbejder;Kernedeltager\n"
        for n in range(len(CSV_ROWS), core)
    ]
    return CSV_HEADER + "".join(rows) + CSV_BAD_ROW, len(rows)


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_leader_takes_a_welfare_network_from_the_guide_to_conclusion(browse, leader, welfare_type, viewport):
    # A sprint that starts next week: nothing in this journey depends on which day it runs. Three
    # weeks, or the type's longest sprint if that is shorter.
    sprint_start = timezone.localdate() + datetime.timedelta(days=7)
    sprint_end = sprint_start + datetime.timedelta(days=min(21, welfare_type.sprint_max_days) - 1)
    participants, good_rows = participants_csv(welfare_type.min_core_participants)
    page = browse(leader, viewport=viewport)
    expect(page.get_by_role("heading", name="Du har ingen netværk endnu")).to_be_visible()
    check_page(page, "dashboard without networks")

    # The type guide: a half-answered guide says what is missing, a full one recommends a type.
    page.get_by_role("link", name="Find din netværkstype").click()
    check_page(page, "guide, empty")
    answer(page, "borgernær velfærdsopgave", "Ja")
    page.get_by_role("button", name="Vis forslag").click()
    expect(page.get_by_text("Vælg et svar.").first).to_be_visible()
    check_page(page, "guide with errors")
    answer(page, "på tværs af mange områder", "Nej")
    answer(page, "politisk vision", "Nej")
    answer(page, "viden eller kompetencer", "Nej")
    page.get_by_role("button", name="Vis forslag").click()
    expect(page.get_by_text("Dit tema passer bedst til et velfærdsnetværk.")).to_be_visible()
    check_page(page, "guide with a recommendation")

    # Register: an empty form is refused field by field, then the network is created as a draft.
    page.get_by_role("link", name="Fortsæt med et velfærdsnetværk").click()
    expect(page.get_by_role("heading", name="Registrér et velfærdsnetværk")).to_be_visible()
    check_page(page, "registration, empty")
    page.get_by_role("button", name="Opret netværket").click()
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    check_page(page, "registration with errors")
    page.get_by_label("Titel").fill("Frivillige mod ensomhed")
    page.get_by_label("Tema").fill("Frivillighed")
    page.get_by_label("Formål").fill("Færre ensomme ældre på plejecentrene.")
    page.get_by_label("Plan for sporet “Relationel koordinering”").fill("Et fast møde hver mandag.")
    page.get_by_label("Plan for sporet “Borgerdeltagelse”").fill("Beboerne er med på hvert møde.")
    page.get_by_label("Plan for sporet “Innovation”").fill("Tre små forsøg med frivillige.")
    page.get_by_label("Mandat", exact=True).fill("Aftalt med centerchefen.")
    page.get_by_label("Mandat afklaret").check()
    page.get_by_label("Sprintens første dag").fill(sprint_start.isoformat())
    page.get_by_label("Sprintens sidste dag").fill(sprint_end.isoformat())
    page.get_by_role("button", name="Opret netværket").click()
    expect(page.get_by_role("heading", name="Frivillige mod ensomhed", level=1)).to_be_visible()
    expect(page.get_by_text("er oprettet som kladde")).to_be_visible()
    expect(page.get_by_role("button", name="Start netværket")).to_be_disabled()
    check_page(page, "draft with findings")
    network = Network.objects.get(title="Frivillige mod ensomhed")
    assert network.status == Status.DRAFT

    # Participants from CSV: the preview marks the bad row; only the good rows are added.
    page.get_by_role("link", name="Tilføj mange fra CSV").click()
    check_page(page, "CSV import, empty")
    page.get_by_role("button", name="Vis rækkerne").click()
    expect(page.get_by_label("… eller indsæt rækkerne her")).to_have_attribute("aria-invalid", "true")
    check_page(page, "CSV import with errors")
    page.get_by_label("… eller indsæt rækkerne her").fill(participants)
    page.get_by_role("button", name="Vis rækkerne").click()
    expect(page.get_by_text("Navnet mangler")).to_be_visible()
    check_page(page, "CSV preview with a bad row")
    page.get_by_role("button", name=f"Tilføj {good_rows} deltagere").click()
    expect(page.get_by_role("cell", name="Grethe Hansen", exact=True)).to_be_visible()
    assert network.participants.count() == good_rows

    # The plan helper proposes kick-off, midway and closing inside the sprint; all three are kept.
    page.get_by_role("link", name="Planlægningshjælp", exact=True).click()
    check_page(page, "plan helper")
    page.get_by_label("Sted").fill("Humlehaven")
    page.get_by_role("button", name="Foreslå datoer").click()
    expect(page.get_by_role("group", name="Møde 3")).to_be_visible()
    check_page(page, "plan helper with proposals")
    page.get_by_role("button", name="Gem møderne").click()
    expect(page.get_by_text("3 møder er lagt i kalenderen.")).to_be_visible()
    assert network.meetings.count() == 3

    # Start: everything is in place now.
    check_page(page, "draft ready to start")
    page.get_by_role("button", name="Start netværket").click()
    expect(page.get_by_text("Netværket er startet.")).to_be_visible()
    check_page(page, "active")

    # Minutes and attendance for the kick-off.
    page.get_by_role("link", name="Opstartsmøde", exact=True).click()
    check_page(page, "meeting")
    page.get_by_role("link", name="Referat og fremmøde", exact=True).click()
    check_page(page, "minutes, empty")
    page.get_by_label("Referat").fill("Vi aftalte besøgsvenner på to afdelinger.")
    page.get_by_label("Grethe Hansen").check()
    page.get_by_label("Ali Demir").check()
    page.get_by_label("Mødet er afholdt").check()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("Referat og fremmøde er gemt.")).to_be_visible()
    expect(page.get_by_text("Vi aftalte besøgsvenner på to afdelinger.")).to_be_visible()
    check_page(page, "meeting with minutes")
    kick_off = network.meetings.get(title="Opstartsmøde")
    assert kick_off.status == MeetingStatus.HELD
    assert sorted(p.name for p in kick_off.attendees.all()) == ["Ali Demir", "Grethe Hansen"]

    # Conclude: without a result the form says so at the field; with one the network is concluded.
    page.get_by_role("link", name="Frivillige mod ensomhed").click()
    page.get_by_role("link", name="Afslut netværket").click()
    check_page(page, "conclude, empty")
    page.get_by_role("button", name="Afslut netværket").click()
    expect(page.get_by_label("Resultat", exact=True)).to_have_attribute("aria-invalid", "true")
    check_page(page, "conclude with errors")
    page.get_by_label("Resultat", exact=True).fill("Fast besøgsven til 12 beboere.")
    page.get_by_label("Resultat i sporet “Relationel koordinering”").fill("Mandagsmødet fortsætter.")
    page.get_by_label("Resultat i sporet “Borgerdeltagelse”").fill("Beboerne valgte besøgsvennerne.")
    page.get_by_label("Resultat i sporet “Innovation”").fill("Besøgsvenner er fast praksis.")
    page.get_by_role("button", name="Afslut netværket").click()
    expect(page.get_by_text("Netværket er afsluttet, og resultatet er gemt.")).to_be_visible()
    check_page(page, "concluded")
    network.refresh_from_db()
    assert network.status == Status.CONCLUDED
    assert network.outcome_summary == "Fast besøgsven til 12 beboere."
