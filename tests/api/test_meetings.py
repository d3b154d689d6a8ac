"""GET/POST /api/v1/networks/{id}/meetings/ and GET/PATCH/DELETE /api/v1/meetings/{id}/."""

import datetime

import pytest

from networks import rules, services
from networks.models import Meeting, MeetingStatus
from tests.factories import TRACK_OUTCOMES, add_core, add_meetings, api_url, at


def list_url(network):
    return api_url(f"networks/{network.pk}/meetings/")


def detail_url(meeting):
    return api_url(f"meetings/{meeting.pk}/")


KICK_OFF = {
    "title": "Opstart",
    "starts_at": "2027-03-02T09:00:00+01:00",
    "ends_at": "2027-03-02T11:00:00+01:00",
}


@pytest.fixture
def meeting(draft_welfare):
    (meeting,) = add_meetings(draft_welfare, 1, first=datetime.date(2027, 3, 2))
    return meeting


# --- List -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"), [("leader", 200), ("other_leader", 404), ("administrator", 200)]
)
def test_who_may_list_the_meetings(api_as, draft_welfare, meeting, persona, expected):
    response = api_as(persona).get(list_url(draft_welfare))

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["results"] == [
            {
                "id": meeting.pk,
                "network": draft_welfare.pk,
                "title": "Netværksmøde 1",
                "starts_at": "2027-03-02T09:00:00+01:00",
                "ends_at": "2027-03-02T11:00:00+01:00",
                "location": "",
                "agenda": "",
                "minutes": "",
                "status": "planned",
                "attendees": [],
            }
        ]


def test_direktoerforum_sees_the_meetings_of_a_submitted_case(direktoer_api, submitted_innovation):
    add_meetings(submitted_innovation, 2)

    assert direktoer_api.get(list_url(submitted_innovation)).json()["count"] == 2


def test_the_meeting_list_costs_the_same_queries_for_few_or_many(
    leader_api, draft_learning, django_assert_num_queries
):
    def add(count):
        participants = add_core(draft_learning, 2)
        for meeting in add_meetings(draft_learning, count):
            meeting.attendees.set(participants)

    add(1)
    # token with its user, groups, the network with type and leader, its participants, its meetings;
    # then the attendees of the page's meetings (the page is cut from the meetings already loaded)
    with django_assert_num_queries(6):
        leader_api.get(list_url(draft_learning))
    add(4)
    with django_assert_num_queries(6):
        page = leader_api.get(list_url(draft_learning)).json()
    assert page["count"] == 5
    assert all(len(meeting["attendees"]) in (2, 4) for meeting in page["results"])


# --- Plan a meeting -----------------------------------------------------------------------------


def test_the_leader_plans_a_meeting_with_attendees(leader_api, draft_welfare):
    grethe, ali = add_core(draft_welfare, 2)

    response = leader_api.post(
        list_url(draft_welfare), {**KICK_OFF, "attendees": [grethe.pk, ali.pk]}, format="json"
    )

    assert response.status_code == 201
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.starts_at == at(datetime.date(2027, 3, 2), 9)
    assert set(meeting.attendees.all()) == {grethe, ali}
    assert sorted(response.json()["attendees"]) == sorted([grethe.pk, ali.pk])


def test_an_attendee_from_another_network_is_400(leader_api, draft_welfare, others_welfare):
    (stranger,) = add_core(others_welfare, 1)

    response = leader_api.post(
        list_url(draft_welfare), {**KICK_OFF, "attendees": [stranger.pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"attendees": [f'Ugyldig primærnøgle "{stranger.pk}" - objektet findes ikke.']}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": "i morgen"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:30:00Z"}, "starts_at"),
        ({"ends_at": "2027-03-02T08:00:00+01:00"}, "ends_at"),
        ({"ends_at": "2027-03-02T09:00:00+01:00"}, "ends_at"),
        ({"status": "postponed"}, "status"),
        ({"attendees": "alle"}, "attendees"),
        ({"attendees": [1.5]}, "attendees"),
        ({"attendees": [10**30]}, "attendees"),
        ({"location": "x" * 201}, "location"),
        ({"minutes": "x" * 20_001}, "minutes"),
        ({"network": 1, "room": "B"}, "room"),
    ],
    ids=[
        "empty-title",
        "no-start",
        "not-a-time",
        "far-future",
        "ends-before-start",
        "ends-at-start",
        "unknown-status",
        "attendees-not-a-list",
        "attendee-not-an-id",
        "attendee-id-too-big",
        "location-too-long",
        "minutes-too-long",
        "unknown-field",
    ],
)
def test_invalid_meeting_data_is_400(leader_api, draft_welfare, change, field):
    response = leader_api.post(list_url(draft_welfare), {**KICK_OFF, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Meeting.objects.exists()


def test_a_meeting_ending_before_it_starts_gets_the_models_message(leader_api, draft_welfare):
    response = leader_api.post(
        list_url(draft_welfare), {**KICK_OFF, "ends_at": "2027-03-02T08:00:00+01:00"}, format="json"
    )

    assert response.json() == {"ends_at": ["Mødet skal slutte, efter det er startet."]}


def test_the_last_allowed_learning_meeting_is_accepted(leader_api, draft_learning, learning_type):
    add_meetings(draft_learning, learning_type.max_meetings - 1)

    assert leader_api.post(list_url(draft_learning), KICK_OFF, format="json").status_code == 201


def test_a_learning_meeting_over_the_maximum_is_refused_on_its_status(
    leader_api, draft_learning, learning_type
):
    most = learning_type.max_meetings
    add_meetings(draft_learning, most)

    response = leader_api.post(list_url(draft_learning), KICK_OFF, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": [rules.meeting_plan_error(draft_learning.type, most + 1)]}
    assert response.json()["status"][0].startswith(f"Mødeplanen kan højst have {most} netværksmøder")
    assert draft_learning.meetings.count() == most


def test_a_learning_meeting_over_the_maximum_may_be_saved_as_cancelled(
    leader_api, draft_learning, learning_type
):
    add_meetings(draft_learning, learning_type.max_meetings)

    response = leader_api.post(list_url(draft_learning), {**KICK_OFF, "status": "cancelled"}, format="json")

    assert response.status_code == 201


def test_a_cancelled_meeting_cannot_be_revived_over_the_maximum(leader_api, draft_learning, learning_type):
    add_meetings(draft_learning, learning_type.max_meetings)
    (cancelled,) = add_meetings(draft_learning, 1, status=MeetingStatus.CANCELLED)

    response = leader_api.patch(detail_url(cancelled), {"status": "planned"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    cancelled.refresh_from_db()
    assert cancelled.status == MeetingStatus.CANCELLED


def test_a_submitted_case_takes_no_new_meetings(leader_api, submitted_innovation):
    response = leader_api.post(list_url(submitted_innovation), KICK_OFF, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "read_only"


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_plans_meetings(api_as, draft_welfare, persona, expected):
    assert api_as(persona).post(list_url(draft_welfare), KICK_OFF, format="json").status_code == expected
    assert not Meeting.objects.exists()


def test_direktoerforum_plans_no_meetings(direktoer_api, submitted_innovation):
    assert direktoer_api.post(list_url(submitted_innovation), KICK_OFF, format="json").status_code == 403


# --- One meeting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("leader", 200), ("other_leader", 404), ("direktoer", 404), ("administrator", 200)],
)
def test_who_may_read_a_meeting(api_as, meeting, persona, expected):
    assert api_as(persona).get(detail_url(meeting)).status_code == expected


def test_the_leader_records_minutes_and_who_came(leader_api, draft_welfare, meeting):
    grethe, ali = add_core(draft_welfare, 2)

    response = leader_api.patch(
        detail_url(meeting),
        {"status": "held", "minutes": "Vi aftalte besøgsruter.", "attendees": [grethe.pk]},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attendees"]) == ("held", [grethe.pk])
    meeting.refresh_from_db()
    assert (meeting.minutes, list(meeting.attendees.all())) == ("Vi aftalte besøgsruter.", [grethe])


def test_leaving_out_attendees_keeps_them_and_an_empty_list_clears_them(leader_api, draft_welfare, meeting):
    participants = add_core(draft_welfare, 2)
    meeting.attendees.set(participants)

    kept = leader_api.patch(detail_url(meeting), {"location": "Rådhuset"}, format="json")
    cleared = leader_api.patch(detail_url(meeting), {"attendees": []}, format="json")

    assert len(kept.json()["attendees"]) == 2
    assert cleared.json()["attendees"] == []


def test_an_attendee_from_another_network_is_400_on_update(leader_api, meeting, others_welfare):
    (stranger,) = add_core(others_welfare, 1)

    response = leader_api.patch(detail_url(meeting), {"attendees": [stranger.pk]}, format="json")

    assert response.status_code == 400
    assert not meeting.attendees.exists()


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_changes_a_meeting(api_as, meeting, persona, expected):
    assert api_as(persona).patch(detail_url(meeting), {"title": "X"}, format="json").status_code == expected
    meeting.refresh_from_db()
    assert meeting.title == "Netværksmøde 1"


def test_the_leader_deletes_a_meeting(leader_api, meeting):
    assert leader_api.delete(detail_url(meeting)).status_code == 204
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_deletes_a_meeting(api_as, meeting, persona, expected):
    assert api_as(persona).delete(detail_url(meeting)).status_code == expected
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_meetings_of_a_concluded_network_cannot_be_deleted(leader_api, leader, active_welfare):
    (meeting,) = add_meetings(active_welfare, 1, first=datetime.date(2027, 3, 10))
    services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Færdig.", track_outcomes=TRACK_OUTCOMES
    )

    assert leader_api.delete(detail_url(meeting)).status_code == 409
    assert Meeting.objects.filter(pk=meeting.pk).exists()
