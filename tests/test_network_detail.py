"""The network page at /netvaerk/<id>/: status, next step, checklist, findings, timeline, people, meetings."""

import datetime
import re

import pytest
import time_machine

from networks import services
from networks.models import ActorCategory, MeetingStatus, Network
from tests.factories import add_core, add_meetings, assert_sent_to_login, ready_to_start, sprint_of

MARCH_10 = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def url(draft_welfare):
    return draft_welfare.get_absolute_url()


def heading_levels(page):
    return [int(level) for level in re.findall(r"<h([1-6])\b", page)]


def test_the_leader_sees_status_progress_and_the_next_step(login, url):
    page = login("leader").get(url).content.decode()
    assert "Frivillige mod ensomhed" in page
    assert "Velfærdsnetværk" in page and "Kladde" in page
    assert "0 af 6 trin" in page
    assert "Næste skridt" in page
    assert "Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter." in page


def test_the_checklist_marks_what_is_done_and_says_what_to_do_about_the_rest(login, url, draft_welfare):
    Network.objects.filter(pk=draft_welfare.pk).update(mandate_clarified=True)
    page = login("leader").get(url).content.decode()
    assert "Tjekliste: 1 af 6 trin" in page
    assert '<span class="visually-hidden">Klaret: </span>Mandatet er afklaret' in page
    sprint = "Fastlæg sprintens første og sidste dag, før netværket starter."
    assert f'<span class="visually-hidden">Mangler: </span>{sprint}' in page


def test_every_finding_has_an_icon_and_a_word_not_only_a_colour(login, url, leader, draft_welfare):
    page = login("leader").get(url).content.decode()
    assert '<span class="finding-icon" aria-hidden="true">✖</span><span><strong>Mangler:</strong>' in page
    assert "<strong>Advarsel:</strong> Inddrag borgere løbende" in page


@time_machine.travel(MARCH_10)
def test_the_timeline_marks_today_and_the_days_left_of_a_running_sprint(login, leader, draft_welfare, url):
    days = draft_welfare.type.sprint_max_days  # the longest sprint the type allows, from 1 March
    Network.objects.filter(pk=draft_welfare.pk).update(**sprint_of(days))
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)):
        services.network_start(network=ready_to_start(draft_welfare), by=leader)
    page = login("leader").get(url).content.decode()
    assert 'class="timeline-step step-current" aria-current="step"' in page
    assert "I dag, 10. marts 2027" in page
    assert f"{days - 9} dage tilbage af sprinten, i dag medregnet (dag 10 af {days})." in page
    assert "Opstart: rammer, mandat og deltagere" in page and "Afslutning og resultat" in page


def test_participants_are_grouped_core_and_peripheral_with_their_categories(
    login, leader, draft_welfare, url
):
    services.participant_add(network=draft_welfare, by=leader, name="Grethe", actor_category="citizen")
    services.participant_add(
        network=draft_welfare,
        by=leader,
        name="Ældre Sagen",
        actor_category="interest_organisation",
        role="peripheral",
    )
    left = services.participant_add(network=draft_welfare, by=leader, name="Poul", actor_category="volunteer")
    services.participant_mark_left(participant=left, by=leader, left_on=datetime.date(2027, 2, 1))
    response = login("leader").get(url)
    page = response.content.decode()
    assert [p.name for p in response.context["core"]] == ["Grethe"]
    assert [p.name for p in response.context["peripheral"]] == ["Ældre Sagen"]
    assert [p.name for p in response.context["former"]] == ["Poul"]
    assert "Kernedeltagere" in page and "Perifere deltagere" in page and "Udtrådte" in page
    assert "Borger (1)" in page and "Interesseorganisation (1)" in page
    assert "Frivillig (1)" not in page  # those who left are not counted


def test_meetings_are_listed_with_their_status_and_a_calendar_link(login, draft_welfare, url):
    add_meetings(draft_welfare, 2)
    page = login("leader").get(url).content.decode()
    assert "Netværksmøde 1" in page and "Netværksmøde 2" in page
    assert f'href="/netvaerk/{draft_welfare.pk}/kalender.ics"' in page


def test_a_learning_network_shows_its_meeting_count_against_the_types_limits(login, draft_learning):
    fewest, most = draft_learning.type.min_meetings, draft_learning.type.max_meetings
    add_meetings(draft_learning, fewest - 1)
    page = login("leader").get(draft_learning.get_absolute_url()).content.decode()
    assert (
        f"{fewest - 1} netværksmøder i planen (aflyste tæller ikke); typen skal have {fewest}–{most}." in page
    )


def test_an_empty_network_points_to_the_plan_helper(login, url):
    page = login("leader").get(url).content.decode()
    assert "Der er ikke planlagt nogen møder endnu." in page
    assert "Lad planlægningshjælpen foreslå datoer." in page


def test_the_history_shows_each_status_change(login, url):
    page = login("leader").get(url).content.decode()
    assert "Forløb" in page and "Kladde (Lene Leder) – Oprettet" in page


def test_the_page_has_one_h1_and_headings_in_order(login, url, draft_welfare):
    add_core(draft_welfare, 2)
    page = login("leader").get(url).content.decode()
    levels = heading_levels(page)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))


def test_direktoerforum_sees_a_submitted_case_with_its_decisions_and_no_buttons(
    login, direktoer, submitted_innovation, leader
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    services.network_submit(network=submitted_innovation, by=leader)
    page = login("direktoer").get(submitted_innovation.get_absolute_url()).content.decode()
    assert "Runde 1: Ændringer ønsket" in page
    assert "Skærp formålet." in page
    assert (
        "Redigér netværket" not in page and "Annullér netværket" not in page and "Start netværket" not in page
    )


def test_an_administrator_reads_it_without_buttons(login, administrator, url):
    page = login("administrator").get(url).content.decode()
    assert "Frivillige mod ensomhed" in page
    assert "Tilføj deltager" not in page and "Redigér netværket" not in page


@pytest.mark.parametrize("persona", ["other_leader", "direktoer"])
def test_someone_who_may_not_see_it_gets_404(login, url, persona):
    assert login(persona).get(url).status_code == 404


def test_a_missing_network_is_404(login, leader):
    assert login("leader").get("/netvaerk/999999/").status_code == 404


def test_anonymous_is_sent_to_login(client, url):
    assert_sent_to_login(client.get(url))


def test_it_rejects_post(login, url):
    assert login("leader").post(url).status_code == 405


@pytest.mark.parametrize("size", [1, 6])
def test_query_count_does_not_grow_with_participants_or_meetings(
    login, draft_welfare, url, django_assert_num_queries, size
):
    add_core(draft_welfare, size)
    add_meetings(draft_welfare, size)
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings, decisions, status
    # changes (the audit trail, "Historik", is a page of its own)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("held", [1, 5])
def test_the_citizens_attendance_is_read_once_however_many_rules_ask(
    login, draft_welfare, url, django_assert_num_queries, held
):
    # The welfare rule "a citizen attended a held meeting" is asked by the findings, the progress,
    # the checklist and the next step; the page reads the attendance once for all of them.
    citizen = add_core(draft_welfare, 1, category=ActorCategory.CITIZEN)[0]
    for meeting in add_meetings(draft_welfare, held, status=MeetingStatus.HELD):
        meeting.attendees.set([citizen])
    client = login("leader")
    # the 8 above and one query for who attended the held meetings
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "Inddrag borgere løbende" not in page


# --- Accessibility groundwork on every leader page ------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/netvaerk/",
        "/netvaerk/guide/?complex=ja&political=nej&citizen_near=nej&knowledge=nej",
        "/netvaerk/ny/",
        "/netvaerk/ny/?type=welfare",
        "{net}",
        "{net}rediger/",
        "{net}deltagere/ny/",
        "{net}deltagere/import/",
        "{net}deltagere/{participant}/rediger/",
        "{net}moeder/ny/",
        "{net}moeder/planlaeg/?foreslaa=1&start=2027-01-31&count=5&start_time=09:00",
        "{net}moeder/{meeting}/",
        "{net}moeder/{meeting}/referat/",
        "{net}annuller/",
    ],
)
def test_every_page_has_one_h1_headings_in_order_and_a_label_for_every_field(
    login, leader, draft_learning, path
):
    (participant,) = add_core(draft_learning, 1)
    (meeting,) = add_meetings(draft_learning, 1)
    url = path.format(net=draft_learning.get_absolute_url(), participant=participant.pk, meeting=meeting.pk)
    response = login("leader").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="da">' in page
    levels = heading_levels(page)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    visible_field = r'<(?:input|select|textarea)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"'
    fields = re.findall(visible_field, page)
    for field_id in fields:
        assert f'for="{field_id}"' in page, field_id


def test_about_the_network_shows_the_plan_and_the_outcome_for_each_track(login, leader, draft_welfare, url):
    Network.objects.filter(pk=draft_welfare.pk).update(
        track_plans={"relational_coordination": "Et fast møde hver mandag.", "innovation": "Tre forsøg."},
        track_outcomes={"innovation": "Ét forsøg er blevet fast praksis."},
    )

    page = " ".join(login("leader").get(url).content.decode().split())

    assert "Sporet “Relationel koordinering”</dt>" in page
    assert '<span class="fw-semibold">Plan:</span> Et fast møde hver mandag.' in page
    assert '<span class="fw-semibold">Plan:</span> –' in page  # citizen participation: no plan yet
    assert '<span class="fw-semibold">Resultat:</span> Ét forsøg er blevet fast praksis.' in page
    assert ">Spor</dt>" not in page


def test_a_learning_network_has_no_tracks(login, draft_learning):
    page = login("leader").get(draft_learning.get_absolute_url()).content.decode()

    assert "Sporet “" not in page
