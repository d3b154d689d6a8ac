"""Registering a network at /netvaerk/ny/ and editing it at /netvaerk/<id>/rediger/."""

import pytest

from networks.models import Network, Status
from tests.factories import assert_sent_to_login, sprint_of

NEW = "/netvaerk/ny/"


TRACK_PLAN_FIELDS = {"track_plans_relational_coordination", "track_plans_citizen_participation",
                     "track_plans_innovation"}  # fmt: skip


def field_names(page):
    return {name for name in ("title", "theme", "purpose", "strategy_reference", *TRACK_PLAN_FIELDS,
                              "mandate", "mandate_clarified", "planned_start", "planned_end", "sprint_start",
                              "sprint_end", "outcome_summary", "sprint_change_reason")
            if f'name="{name}"' in page}  # fmt: skip


# --- Choosing the type ----------------------------------------------------------------------------


def test_without_a_type_the_leader_chooses_one_first(login, leader, network_types):
    page = login("leader").get(NEW).content.decode()
    assert "Vælg først netværkstypen" in page
    assert page.count('type="radio" class="form-check-input"  name="type"') == 3
    assert 'name="title"' not in page


def test_an_unknown_type_is_refused_on_the_type_field(login, leader, network_types):
    page = login("leader").get(NEW, {"type": "hemmelig"}).content.decode()
    assert "Vælg en af de tre netværkstyper." in page
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "innovation",
            {"title", "theme", "purpose", "strategy_reference", "mandate", "mandate_clarified",
             "planned_start", "planned_end"},
        ),
        ("welfare", {"title", "theme", "purpose", *TRACK_PLAN_FIELDS, "mandate", "mandate_clarified",
                     "sprint_start", "sprint_end"}),
        ("learning", {"title", "theme", "purpose", "mandate", "mandate_clarified", "planned_start",
                      "planned_end"}),
    ],
)  # fmt: skip
def test_the_type_in_the_query_preselects_it_and_only_its_fields_are_asked(
    login, leader, network_types, code, expected
):
    page = login("leader").get(NEW, {"type": code}).content.decode()
    assert field_names(page) == expected


def test_help_text_comes_from_the_type(login, leader, network_types):
    network_types["welfare"].sprint_max_days = 21
    network_types["welfare"].save()
    page = login("leader").get(NEW, {"type": "welfare"}).content.decode()
    assert "Sprinten må højst vare 21 dage, første og sidste dag medregnet." in page
    learning = login("leader").get(NEW, {"type": "learning"}).content.decode()
    plan = network_types["learning"]
    assert f"Et netværk af denne type varer normalt ca. {plan.plan_months} måneder fra start." in learning
    assert f"Planen skal rumme {plan.min_meetings}–{plan.max_meetings} netværksmøder." in learning


def test_every_field_has_a_label(login, leader, network_types):
    page = login("leader").get(NEW, {"type": "welfare"}).content.decode()
    for name in ("title", "theme", "purpose", "mandate", "mandate_clarified", "sprint_start", "sprint_end"):
        assert f'for="id_{name}"' in page
    for name in TRACK_PLAN_FIELDS:
        assert f'for="id_{name}"' in page
    assert "Plan for sporet “Relationel koordinering”" in page
    assert "Plan for sporet “Borgerdeltagelse”" in page
    assert "Plan for sporet “Innovation”" in page


# --- Registering ----------------------------------------------------------------------------------


def sprint_fields(days: int) -> dict[str, str]:
    """A sprint of `days` days from 1 March 2027, as the form posts it."""
    return {field: day.isoformat() for field, day in sprint_of(days).items()}


def test_registering_a_welfare_network_creates_a_draft_and_shows_it(login, leader, network_types):
    longest = sprint_of(network_types["welfare"].sprint_max_days)
    response = login("leader").post(
        f"{NEW}?type=welfare",
        {
            "title": " Frivillige mod ensomhed ",
            "theme": "Frivillighed",
            "track_plans_citizen_participation": " Beboerne er med hele vejen. ",
            "track_plans_innovation": "Tre forsøg.",
            **sprint_fields(network_types["welfare"].sprint_max_days),
        },
    )
    network = Network.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/netvaerk/{network.pk}/"
    assert (network.title, network.leader, network.status) == (
        "Frivillige mod ensomhed",
        leader,
        Status.DRAFT,
    )
    # A track left empty is blank, and blocks the start until it is described.
    assert network.track_plans == {
        "relational_coordination": "",
        "citizen_participation": "Beboerne er med hele vejen.",
        "innovation": "Tre forsøg.",
    }
    assert (network.sprint_start, network.sprint_end) == (longest["sprint_start"], longest["sprint_end"])
    page = login("leader").get(response["Location"]).content.decode()
    assert "“Frivillige mod ensomhed” er oprettet som kladde." in page


def test_a_sprint_one_day_over_the_maximum_is_refused_on_the_last_day_field_and_nothing_is_saved(
    login, leader, network_types
):
    most = network_types["welfare"].sprint_max_days
    last_day = sprint_of(most)["sprint_end"]
    response = login("leader").post(
        f"{NEW}?type=welfare", {"title": "Sprint", "theme": "Tema", **sprint_fields(most + 1)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Sprinten må højst vare {most} dage, første og sidste dag medregnet; den valgte varer {most + 1} "
        f"dage. Flyt den sidste dag til senest {last_day:%d.%m.%Y}." in page
    )
    assert 'id="id_sprint_end_error"' in page
    # The error is tied to the field: marked invalid and described by the message.
    assert 'aria-invalid="true" aria-describedby="id_sprint_end_helptext id_sprint_end_error"' in page
    assert not Network.objects.exists()


def test_a_planned_end_before_the_start_is_refused_on_that_field(login, leader, network_types):
    page = (
        login("leader")
        .post(
            f"{NEW}?type=learning",
            {"title": "L", "theme": "T", "planned_start": "2027-03-01", "planned_end": "2027-02-01"},
        )
        .content.decode()
    )
    assert "Den planlagte afslutning skal ligge efter den planlagte start." in page
    assert 'id="id_planned_end_error"' in page
    assert not Network.objects.exists()


def test_missing_title_and_theme_get_danish_messages(login, leader, network_types):
    page = login("leader").post(f"{NEW}?type=learning", {"title": "  "}).content.decode()
    assert "Giv netværket en titel." in page
    assert "Skriv netværkets tema." in page


def test_a_nonsense_date_gets_a_danish_message_not_a_500(login, leader, network_types):
    response = login("leader").post(
        f"{NEW}?type=welfare", {"title": "T", "theme": "T", "sprint_start": "31.02.2027"}
    )
    assert response.status_code == 200
    assert "Indtast en gyldig dato." in response.content.decode()


def test_a_blank_track_plan_shows_as_a_blocking_finding_on_the_network_page(login, leader, network_types):
    response = login("leader").post(
        f"{NEW}?type=welfare", {"title": "T", "theme": "T", "track_plans_innovation": "Tre forsøg."}
    )
    page = login("leader").get(response["Location"]).content.decode()
    assert (
        "Beskriv, hvordan netværket arbejder i sporene “Relationel koordinering” og “Borgerdeltagelse”, "
        "før netværket starter." in page
    )


@pytest.mark.parametrize("persona", ["direktoer", "outsider"])
def test_only_leaders_and_administrators_may_register(login, network_types, persona, direktoer, outsider):
    assert login(persona).get(NEW).status_code == 403
    assert login(persona).post(f"{NEW}?type=welfare", {"title": "T", "theme": "T"}).status_code == 403
    assert not Network.objects.exists()


def test_an_administrator_may_register_a_network_of_their_own(login, administrator, network_types):
    assert login("administrator").get(NEW, {"type": "learning"}).status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    assert_sent_to_login(client.get(NEW))


def test_register_rejects_put(login, leader):
    assert login("leader").put(NEW).status_code == 405


def test_register_query_count(login, leader, network_types, django_assert_num_queries):
    client = login("leader")
    # session, user, user's groups (may they register?), network types
    with django_assert_num_queries(4):
        assert client.get(NEW, {"type": "welfare"}).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(NEW).status_code == 200


# --- Editing --------------------------------------------------------------------------------------


@pytest.fixture
def edit_url(draft_welfare):
    return f"/netvaerk/{draft_welfare.pk}/rediger/"


def test_the_edit_form_shows_the_current_values(login, edit_url):
    page = login("leader").get(edit_url).content.decode()
    assert 'value="Frivillige mod ensomhed"' in page
    assert 'name="sprint_end"' in page and 'name="planned_end"' not in page


def test_editing_saves_and_returns_to_the_network(login, edit_url, draft_welfare):
    response = login("leader").post(
        edit_url,
        {"title": "Nyt navn", "theme": "Frivillighed", "mandate": "Fra chefen", "mandate_clarified": "on"},
    )
    assert response.status_code == 302
    draft_welfare.refresh_from_db()
    assert (draft_welfare.title, draft_welfare.mandate_clarified) == ("Nyt navn", True)
    assert [str(m) for m in response.wsgi_request._messages] == ["Ændringerne er gemt."]


def test_a_submitted_network_cannot_be_edited_and_the_leader_is_told_why(login, submitted_innovation):
    url = f"/netvaerk/{submitted_innovation.pk}/rediger/"
    for response in (login("leader").get(url), login("leader").post(url, {"title": "X", "theme": "Y"})):
        assert response.status_code == 302
        assert response["Location"] == f"/netvaerk/{submitted_innovation.pk}/"
        assert [str(m) for m in response.wsgi_request._messages][-1] == (
            "Netværket er indstillet til Direktørforum og kan ikke ændres, før der er truffet en beslutning."
        )
    submitted_innovation.refresh_from_db()
    assert submitted_innovation.title == "Velfærd med frivillige"


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_edit(
    login, edit_url, draft_welfare, persona, status, other_leader, direktoer, administrator
):
    assert login(persona).get(edit_url).status_code == status
    assert login(persona).post(edit_url, {"title": "X", "theme": "Y"}).status_code == status
    draft_welfare.refresh_from_db()
    assert draft_welfare.title == "Frivillige mod ensomhed"


def test_direktoerforum_sees_a_submitted_case_but_may_not_edit_it(login, direktoer, submitted_innovation):
    assert login("direktoer").get(f"/netvaerk/{submitted_innovation.pk}/rediger/").status_code == 403


def test_edit_sends_anonymous_to_login(client, edit_url):
    assert_sent_to_login(client.get(edit_url))


def test_edit_rejects_delete(login, edit_url):
    assert login("leader").delete(edit_url).status_code == 405


def test_edit_query_count(login, edit_url, django_assert_num_queries):
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(edit_url).status_code == 200


def test_a_date_in_year_9999_is_refused_on_its_field(login, leader, network_types):
    response = login("leader").post(
        f"{NEW}?type=learning", {"title": "T", "theme": "T", "planned_start": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "Angiv en dato mellem 1900 og 2999." in response.content.decode()
    assert not Network.objects.exists()
