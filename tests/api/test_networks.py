"""GET/POST /api/v1/networks/ and GET/PATCH/DELETE /api/v1/networks/{id}/."""

import datetime

import pytest

from networks import rules, services
from networks.models import Network, Status, StatusChange
from tests.factories import (
    TRACK_OUTCOMES,
    TRACK_PLANS,
    add_core,
    add_meetings,
    api_url,
    as_user,
    fresh,
    make_user,
    sprint_of,
)

LIST_URL = api_url("networks/")


def detail_url(network):
    return api_url(f"networks/{network.pk}/")


def ids(response):
    return [network["id"] for network in response.json()["results"]]


# --- List -------------------------------------------------------------------------------------


def test_a_leader_lists_only_own_networks(leader_api, draft_welfare, draft_learning, others_welfare):
    response = leader_api.get(LIST_URL)

    assert response.status_code == 200
    assert ids(response) == [draft_learning.pk, draft_welfare.pk]


def test_another_leader_does_not_see_them(api_as, draft_welfare, others_welfare):
    assert ids(api_as("other_leader").get(LIST_URL)) == [others_welfare.pk]


def test_direktoerforum_sees_innovation_networks_from_submission_on(
    direktoer_api, draft_welfare, submitted_innovation, innovation_type, leader
):
    services.network_create(by=leader, type=innovation_type, title="Endnu en kladde", theme="Klima")

    assert ids(direktoer_api.get(LIST_URL)) == [submitted_innovation.pk]


def test_an_administrator_sees_every_network(
    administrator_api, draft_welfare, others_welfare, submitted_innovation
):
    assert ids(administrator_api.get(LIST_URL)) == [
        submitted_innovation.pk,
        others_welfare.pk,
        draft_welfare.pk,
    ]


def test_a_network_in_the_list_has_the_fields_the_issue_names(
    leader_api, leader, draft_welfare, welfare_type
):
    sprint = sprint_of(welfare_type.sprint_max_days)
    services.network_update(network=draft_welfare, by=leader, track_plans=TRACK_PLANS, **sprint)

    (network,) = leader_api.get(LIST_URL).json()["results"]

    assert network == {
        "id": draft_welfare.pk,
        "title": "Frivillige mod ensomhed",
        "theme": "Frivillighed",
        "purpose": "",
        "type": "welfare",
        "status": "draft",
        "leader": "leder",
        "mandate": "",
        "mandate_clarified": False,
        "strategy_reference": "",
        "track_plans": TRACK_PLANS,
        "planned_start": None,
        "planned_end": None,
        "sprint_start": sprint["sprint_start"].isoformat(),
        "sprint_end": sprint["sprint_end"].isoformat(),
        "outcome_summary": "",
        # Written when the network concludes; blank until then.
        "track_outcomes": {"relational_coordination": "", "citizen_participation": "", "innovation": ""},
        # The rules' own findings, as rules.Finding.as_dict() gives them to every other caller.
        "findings": [finding.as_dict() for finding in rules.findings(fresh(draft_welfare))],
    }
    assert [finding["code"] for finding in network["findings"]] == [
        "mandate_not_clarified",
        "too_few_core_participants",
        "no_citizens",
    ]


def test_the_list_filters_by_type_and_status(leader_api, draft_welfare, draft_learning, submitted_innovation):
    assert ids(leader_api.get(LIST_URL, {"type": "welfare"})) == [draft_welfare.pk]
    assert ids(leader_api.get(LIST_URL, {"status": "submitted"})) == [submitted_innovation.pk]
    assert ids(leader_api.get(LIST_URL, {"type": "learning", "status": "draft"})) == [draft_learning.pk]
    assert ids(leader_api.get(LIST_URL, {"type": "learning", "status": "active"})) == []


@pytest.mark.parametrize("query", [{"type": "velfaerd"}, {"status": "kladde"}, {"status": "Draft"}])
def test_an_unknown_filter_value_is_400(leader_api, draft_welfare, query):
    response = leader_api.get(LIST_URL, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_the_list_is_newest_first_and_stable_when_created_at_ties(leader_api, leader, welfare_type):
    networks = [
        services.network_create(by=leader, type=welfare_type, title=f"Netværk {i}", theme="Tema")
        for i in range(3)
    ]
    Network.objects.update(created_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))

    assert ids(leader_api.get(LIST_URL)) == [network.pk for network in reversed(networks)]


def test_the_list_is_paginated_with_limit_and_offset(leader_api, leader, welfare_type):
    networks = [
        services.network_create(by=leader, type=welfare_type, title=f"Netværk {i}", theme="Tema")
        for i in range(3)
    ]

    page = leader_api.get(LIST_URL, {"limit": 2, "offset": 1}).json()

    assert page["count"] == 3
    assert [network["id"] for network in page["results"]] == [networks[1].pk, networks[0].pk]
    assert page["next"] is None
    assert page["previous"].endswith("/api/v1/networks/?limit=2")


def test_a_huge_limit_is_capped_and_a_huge_offset_is_an_empty_page(leader_api, draft_welfare):
    capped = leader_api.get(LIST_URL, {"limit": 10**30})
    beyond = leader_api.get(LIST_URL, {"offset": 10**30})

    assert (capped.status_code, capped.json()["count"], ids(capped)) == (200, 1, [draft_welfare.pk])
    assert (beyond.status_code, ids(beyond)) == (200, [])


def test_the_list_costs_the_same_queries_for_one_network_or_many(
    leader, leader_api, welfare_type, learning_type, django_assert_num_queries
):
    def build(count):
        for i in range(count):
            network = services.network_create(
                by=leader, type=[welfare_type, learning_type][i % 2], title=f"Netværk {i}", theme="Tema"
            )
            add_core(network, 3)
            add_meetings(network, 2)

    build(1)
    # token with its user, the user's groups (for roles), count, the page of networks with their
    # type and leader, their participants, their meetings
    with django_assert_num_queries(6):
        leader_api.get(LIST_URL)
    build(9)
    with django_assert_num_queries(6):
        assert leader_api.get(LIST_URL).json()["count"] == 10


def test_direktoerforums_list_costs_the_same_queries_for_one_case_or_many(
    leader, direktoer_api, innovation_type, django_assert_num_queries
):
    def submit(count):
        for i in range(count):
            network = services.network_create(
                by=leader,
                type=innovation_type,
                title=f"Sag {i}",
                theme="Tema",
                purpose="Formål",
                strategy_reference="Strategi",
            )
            add_core(network, 2)
            services.network_submit(network=network, by=leader)

    submit(1)
    # token with its user, groups, count, the page of cases with type and leader, participants, meetings
    with django_assert_num_queries(6):
        direktoer_api.get(LIST_URL)
    submit(5)
    with django_assert_num_queries(6):
        assert direktoer_api.get(LIST_URL).json()["count"] == 6


# --- Create -----------------------------------------------------------------------------------

WELFARE = {"title": "Frivillige mod ensomhed", "theme": "Frivillighed", "type": "welfare"}


def test_a_leader_creates_a_network_and_becomes_its_leader(leader_api, leader, welfare_type):
    sprint = sprint_of(welfare_type.sprint_max_days)
    response = leader_api.post(LIST_URL, {**WELFARE, "mandate": "Fra centerchefen", **sprint}, format="json")

    assert response.status_code == 201
    network = Network.objects.get(pk=response.json()["id"])
    assert (network.leader, network.type, network.status) == (leader, welfare_type, Status.DRAFT)
    assert (network.sprint_start, network.mandate) == (datetime.date(2027, 3, 1), "Fra centerchefen")
    assert response.json()["leader"] == "leder"
    assert [f["code"] for f in response.json()["findings"]] == [
        "mandate_not_clarified",
        "too_few_core_participants",
        "track_plan_missing",
        "no_citizens",
    ]


def test_creating_is_recorded_in_the_same_history_as_on_a_page(leader_api, leader, welfare_type):
    network_id = leader_api.post(LIST_URL, WELFARE, format="json").json()["id"]

    change = StatusChange.objects.get(network_id=network_id)
    assert (change.from_status, change.to_status, change.changed_by, change.comment) == (
        "",
        Status.DRAFT,
        leader,
        "Oprettet",
    )


def test_an_administrator_may_create_a_network(administrator_api, administrator, welfare_type):
    response = administrator_api.post(LIST_URL, WELFARE, format="json")

    assert response.status_code == 201
    assert response.json()["leader"] == administrator.username


@pytest.mark.parametrize("persona", ["direktoer", "outsider"])
def test_a_user_without_the_leader_role_may_not_create(api_as, welfare_type, persona):
    response = api_as(persona).post(LIST_URL, WELFARE, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Kun netværksledere kan oprette netværk.", "code": "not_leader"}
    assert not Network.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "velfaerd"}, "type"),
        ({"type": None}, "type"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"purpose": "x" * 20_001}, "purpose"),
        ({"mandate_clarified": "måske"}, "mandate_clarified"),
        ({"tracks": ["innovation"]}, "tracks"),
        ({"track_plans": ["innovation"]}, "track_plans"),
        ({"track_plans": {"idræt": "Løb"}}, "track_plans"),
        ({"track_plans": {"innovation": 3}}, "track_plans"),
        ({"track_plans": {"innovation": "x" * 20_001}}, "track_plans"),
        ({"sprint_change_reason": "Mere tid"}, "sprint_change_reason"),
        ({"sprint_start": "2027-02-30"}, "sprint_start"),
        ({"sprint_start": "1. marts 2027"}, "sprint_start"),
        ({"planned_end": "9999-12-31"}, "planned_end"),
        ({"title": "Ensom\x00hed"}, "title"),
        ({"status": None, "farve": "grøn"}, "farve"),
    ],
    ids=[
        "unknown-type",
        "null-type",
        "empty-title",
        "title-201-chars",
        "purpose-20001-chars",
        "not-a-boolean",
        "tracks-is-no-longer-a-field",
        "track-plans-not-an-object",
        "unknown-track",
        "track-plan-not-a-string",
        "track-plan-20001-chars",
        "sprint-change-reason-on-create",
        "no-such-date",
        "not-a-date",
        "date-far-ahead",
        "nul-character",
        "unknown-field",
    ],
)
def test_invalid_data_is_400_on_the_field_and_nothing_is_saved(leader_api, welfare_type, change, field):
    response = leader_api.post(LIST_URL, {**WELFARE, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Network.objects.exists()


def test_a_title_of_200_characters_is_accepted(leader_api, welfare_type):
    assert leader_api.post(LIST_URL, {**WELFARE, "title": "x" * 200}, format="json").status_code == 201


def sprint_body(days: int) -> dict:
    """A welfare network with a sprint of `days` days from 1 March 2027, as JSON sends it."""
    return {**WELFARE, **{field: day.isoformat() for field, day in sprint_of(days).items()}}


def test_a_sprint_of_the_types_maximum_length_is_accepted(leader_api, welfare_type):
    body = sprint_body(welfare_type.sprint_max_days)

    assert leader_api.post(LIST_URL, body, format="json").status_code == 201


def test_a_sprint_one_day_over_the_maximum_is_refused_with_the_rules_message(leader_api, welfare_type):
    most = welfare_type.sprint_max_days
    body = sprint_body(most + 1)

    response = leader_api.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    too_long = Network(type=welfare_type, **sprint_of(most + 1))
    assert response.json() == rules.network_field_errors(too_long)
    assert response.json()["sprint_end"][0].startswith(f"Sprinten må højst vare {most} dage")
    assert not Network.objects.exists()


def test_the_refusal_is_in_english_when_the_client_asks_for_english(leader_api, welfare_type):
    most = welfare_type.sprint_max_days
    body = sprint_body(most + 1)

    response = leader_api.post(LIST_URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 400
    assert response.json()["sprint_end"][0].startswith(f"The sprint may last at most {most} days")
    assert response["Content-Language"] == "en"


def test_the_sites_language_cookie_wins_over_the_header(leader_api, welfare_type):
    most = welfare_type.sprint_max_days
    body = sprint_body(most + 1)
    leader_api.cookies["django_language"] = "da"

    response = leader_api.post(LIST_URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["sprint_end"][0].startswith(f"Sprinten må højst vare {most} dage")
    assert response["Content-Language"] == "da"


def test_a_404_is_in_english_too(leader_api, db):
    assert leader_api.get(api_url("networks/424242/"), HTTP_ACCEPT_LANGUAGE="en").json() == {
        "detail": "Not found."
    }
    assert leader_api.get(api_url("nowhere/"), HTTP_ACCEPT_LANGUAGE="en").json() == {"detail": "Not found."}


def test_a_sprint_ending_on_its_first_day_is_refused(leader_api, welfare_type):
    body = {**WELFARE, "sprint_start": "2027-03-01", "sprint_end": "2027-03-01"}

    response = leader_api.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"sprint_end": ["Sprintens sidste dag skal ligge efter den første."]}


def test_a_planned_end_before_the_start_is_refused(leader_api, learning_type):
    body = {**WELFARE, "type": "learning", "planned_start": "2027-03-01", "planned_end": "2027-02-28"}

    response = leader_api.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "planned_end": ["Den planlagte afslutning skal ligge efter den planlagte start."]
    }


@pytest.mark.parametrize("body", ["{ikke json", "[]", '"titel"', "null", "1e999"], ids=str)
def test_a_body_that_is_not_a_json_object_is_400(leader_api, welfare_type, body):
    response = leader_api.post(LIST_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert not Network.objects.exists()


def test_a_form_encoded_body_is_415(leader_api, welfare_type):
    response = leader_api.post(LIST_URL, WELFARE)

    assert response.status_code == 415


# --- Retrieve ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("leader", 200), ("other_leader", 404), ("direktoer", 404), ("administrator", 200)],
)
def test_who_may_read_a_draft(api_as, draft_innovation, persona, expected):
    response = api_as(persona).get(detail_url(draft_innovation))

    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"detail": "Ikke fundet."}
    else:
        assert response.json()["title"] == "Velfærd med frivillige"


def test_direktoerforum_reads_a_submitted_innovation_network(direktoer_api, submitted_innovation):
    response = direktoer_api.get(detail_url(submitted_innovation))

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"


def test_direktoerforum_never_sees_a_welfare_network(direktoer_api, active_welfare):
    assert direktoer_api.get(detail_url(active_welfare)).status_code == 404


@pytest.mark.parametrize(
    "network_id", ["0", "999999", "9223372036854775807", "99999999999999999999999", "-1", "abc"]
)
def test_an_id_no_network_has_is_a_json_404(leader_api, draft_welfare, network_id):
    response = leader_api.get(api_url(f"networks/{network_id}/"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Ikke fundet."}


def test_a_network_costs_a_fixed_number_of_queries(leader_api, draft_welfare, django_assert_num_queries):
    add_core(draft_welfare, 5)
    add_meetings(draft_welfare, 3)
    # token with its user, groups, the network with type and leader, its participants, its meetings
    with django_assert_num_queries(5):
        assert leader_api.get(detail_url(draft_welfare)).status_code == 200


# --- Update -----------------------------------------------------------------------------------


def test_the_leader_changes_a_draft(leader_api, draft_welfare):
    response = leader_api.patch(
        detail_url(draft_welfare),
        {"mandate": "Aftalt med centerchefen", "mandate_clarified": True},
        format="json",
    )

    assert response.status_code == 200
    network = fresh(draft_welfare)
    assert (network.mandate, network.mandate_clarified) == ("Aftalt med centerchefen", True)
    assert "mandate_not_clarified" not in [f["code"] for f in response.json()["findings"]]


def test_read_only_fields_sent_back_are_ignored(leader_api, draft_welfare):
    network = leader_api.get(detail_url(draft_welfare)).json()
    network.update(title="Nyt navn", status="active", leader="leder2", findings=[])

    response = leader_api.patch(detail_url(draft_welfare), network, format="json")

    assert response.status_code == 200
    assert (fresh(draft_welfare).title, fresh(draft_welfare).status) == ("Nyt navn", Status.DRAFT)


def test_the_type_may_change_while_draft(leader_api, draft_welfare, learning_type):
    response = leader_api.patch(detail_url(draft_welfare), {"type": "learning"}, format="json")

    assert response.status_code == 200
    assert fresh(draft_welfare).type == learning_type


def test_the_type_is_locked_once_active(leader_api, active_welfare):
    response = leader_api.patch(detail_url(active_welfare), {"type": "learning"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Netværkstypen kan kun ændres, mens netværket er en kladde.",
        "code": "type_locked",
        "findings": [],
    }


def test_the_type_is_locked_for_a_draft_sent_back_by_direktoerforum(
    leader_api, submitted_innovation, direktoer, innovation_type
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skarpere formål.")
    response = leader_api.patch(detail_url(submitted_innovation), {"type": "welfare"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Netværkstypen kan ikke ændres, når netværket har været indstillet til Direktørforum."
    )
    assert fresh(submitted_innovation).type == innovation_type


def test_a_sprint_one_day_over_the_maximum_is_refused_on_update_and_nothing_is_half_saved(
    leader_api, draft_welfare, welfare_type
):
    too_long = sprint_of(welfare_type.sprint_max_days + 1)
    response = leader_api.patch(
        detail_url(draft_welfare),
        {"title": "Nyt navn", **{field: day.isoformat() for field, day in too_long.items()}},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["sprint_end"]
    network = fresh(draft_welfare)
    assert (network.title, network.sprint_start) == ("Frivillige mod ensomhed", None)


def test_a_submitted_network_is_read_only(leader_api, submitted_innovation):
    response = leader_api.patch(detail_url(submitted_innovation), {"title": "Nyt navn"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "read_only"
    assert response.json()["detail"].startswith("Netværket er indstillet til Direktørforum")
    assert fresh(submitted_innovation).title == "Velfærd med frivillige"


def test_a_concluded_network_is_read_only(leader_api, leader, active_welfare):
    services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Nye besøgsvenner.", track_outcomes=TRACK_OUTCOMES
    )

    response = leader_api.patch(detail_url(active_welfare), {"title": "Nyt navn"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "Netværket er afsluttet og kan ikke længere ændres."


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_may_change_a_network(api_as, draft_welfare, persona, expected):
    response = api_as(persona).patch(detail_url(draft_welfare), {"title": "Kapret"}, format="json")

    assert response.status_code == expected
    assert fresh(draft_welfare).title == "Frivillige mod ensomhed"


def test_direktoerforum_may_read_but_not_change_a_submitted_case(direktoer_api, submitted_innovation):
    response = direktoer_api.patch(detail_url(submitted_innovation), {"title": "Kapret"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Kun netværkets leder kan gøre dette.", "code": "not_leader"}


def test_put_is_not_offered(leader_api, draft_welfare):
    assert leader_api.put(detail_url(draft_welfare), {"title": "Nyt"}, format="json").status_code == 405


# --- Delete -----------------------------------------------------------------------------------


def test_the_leader_deletes_a_draft(leader_api, draft_welfare):
    response = leader_api.delete(detail_url(draft_welfare))

    assert response.status_code == 204
    assert not Network.objects.filter(pk=draft_welfare.pk).exists()


def test_a_network_that_went_anywhere_cannot_be_deleted(leader_api, submitted_innovation):
    response = leader_api.delete(detail_url(submitted_innovation))

    assert response.status_code == 409
    assert response.json()["code"] == "not_deletable"
    assert Network.objects.filter(pk=submitted_innovation.pk).exists()


def test_a_draft_sent_back_for_changes_cannot_be_deleted(leader_api, submitted_innovation, direktoer):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")

    assert leader_api.delete(detail_url(submitted_innovation)).status_code == 409


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_may_delete(api_as, draft_welfare, persona, expected):
    assert api_as(persona).delete(detail_url(draft_welfare)).status_code == expected
    assert Network.objects.filter(pk=draft_welfare.pk).exists()


def test_a_user_without_any_role_sees_no_networks(db, draft_welfare):
    outsider = make_user("udenfor")

    assert as_user(outsider).get(LIST_URL).json()["count"] == 0
    assert as_user(outsider).get(detail_url(draft_welfare)).status_code == 404
