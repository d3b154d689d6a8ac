"""Meetings: plan one, edit, cancel, minutes and attendance, mark held, and the plan helper."""

import datetime
import zoneinfo

import pytest

from networks import rules, services
from networks.models import Meeting, MeetingStatus, Network, NetworkType
from tests.factories import add_core, add_meetings, assert_sent_to_login

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
WHO_MAY_NOT_CHANGE = [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]


def meeting_data(**overrides):
    data = {
        "title": "Netværksmøde",
        "day": "2027-02-01",
        "start_time": "09:00",
        "end_time": "11:00",
        "location": "Rådhuset",
        "agenda": "Velkomst",
        "status": "planned",
    }
    return {**data, **overrides}


@pytest.fixture
def new_url(draft_learning):
    return f"/netvaerk/{draft_learning.pk}/moeder/ny/"


@pytest.fixture
def meeting(leader, draft_learning):
    return services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Første møde",
        starts_at=datetime.datetime(2027, 2, 1, 9, 0, tzinfo=CPH),
        ends_at=datetime.datetime(2027, 2, 1, 11, 0, tzinfo=CPH),
        agenda="1. Velkomst",
    )


def url_of(meeting, action=""):
    return f"/netvaerk/{meeting.network_id}/moeder/{meeting.pk}/{action}"


# --- Planning one meeting -------------------------------------------------------------------------


def test_the_new_meeting_form_labels_its_fields(login, new_url):
    page = login("leader").get(new_url).content.decode()
    for name in ("title", "day", "start_time", "end_time", "location", "agenda", "status"):
        assert f'for="id_{name}"' in page


def test_a_new_meeting_is_saved_in_copenhagen_time(login, new_url, draft_learning):
    response = login("leader").post(new_url, meeting_data())
    assert response.status_code == 302
    assert response["Location"] == f"/netvaerk/{draft_learning.pk}/#moeder"
    saved = Meeting.objects.get()
    assert saved.starts_at == datetime.datetime(2027, 2, 1, 9, 0, tzinfo=CPH)
    assert saved.ends_at == datetime.datetime(2027, 2, 1, 11, 0, tzinfo=CPH)
    assert (saved.title, saved.location, saved.status) == ("Netværksmøde", "Rådhuset", "planned")
    assert [str(m) for m in response.wsgi_request._messages] == ["Mødet “Netværksmøde” er gemt."]


def test_an_end_before_the_start_is_refused_on_the_end_time(login, new_url):
    page = login("leader").post(new_url, meeting_data(end_time="08:00")).content.decode()
    assert "Mødet skal slutte, efter det er startet." in page
    assert 'id="id_end_time_error"' in page
    assert not Meeting.objects.exists()


def test_missing_date_and_time_get_danish_messages(login, new_url):
    page = login("leader").post(new_url, meeting_data(day="", start_time="")).content.decode()
    assert "Vælg mødets dato." in page and "Skriv, hvornår mødet starter." in page


def test_a_learning_meeting_over_the_maximum_is_refused_on_the_status_field(login, new_url, draft_learning):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most)
    page = login("leader").post(new_url, meeting_data()).content.decode()
    message = rules.meeting_plan_error(draft_learning.type, most + 1)
    assert message.startswith(f"Mødeplanen kan højst have {most} netværksmøder for ")
    assert message.endswith("(aflyste tæller ikke). Aflys et andet møde først, eller gem dette som aflyst.")
    assert message in page
    assert 'id="id_status_error"' in page
    assert draft_learning.meetings.count() == most


def test_a_meeting_over_the_maximum_may_be_saved_as_cancelled(login, new_url, draft_learning):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most)
    assert login("leader").post(new_url, meeting_data(status="cancelled")).status_code == 302
    assert draft_learning.meetings.count() == most + 1


@pytest.mark.parametrize(("persona", "status"), WHO_MAY_NOT_CHANGE)
def test_only_the_leader_may_plan_a_meeting(login, new_url, persona, status):
    assert login(persona).get(new_url).status_code == status
    assert login(persona).post(new_url, meeting_data()).status_code == status
    assert not Meeting.objects.exists()


def test_new_meeting_sends_anonymous_to_login(client, new_url):
    assert_sent_to_login(client.get(new_url))


def test_new_meeting_rejects_put(login, new_url):
    assert login("leader").put(new_url).status_code == 405


# --- The meeting page, editing, cancelling, holding ----------------------------------------------


def test_the_meeting_page_shows_agenda_minutes_and_attendance(login, meeting):
    page = login("leader").get(url_of(meeting)).content.decode()
    assert "Første møde" in page and "1. Velkomst" in page
    assert "Intet referat endnu." in page and "Fremmødet er ikke registreret." in page
    assert "Markér som afholdt" in page and "Aflys mødet" in page


def test_an_administrator_reads_the_meeting_page_without_buttons(login, administrator, meeting):
    page = login("administrator").get(url_of(meeting)).content.decode()
    assert "Første møde" in page
    assert "Aflys mødet" not in page and "Redigér mødet" not in page


@pytest.mark.parametrize("persona", ["other_leader", "direktoer"])
def test_the_meeting_page_is_404_for_those_who_may_not_see_the_network(login, meeting, persona):
    assert login(persona).get(url_of(meeting)).status_code == 404


def test_the_meeting_page_sends_anonymous_to_login(client, meeting):
    assert_sent_to_login(client.get(url_of(meeting)))


def test_the_meeting_page_rejects_post(login, meeting):
    assert login("leader").post(url_of(meeting)).status_code == 405


def test_editing_a_meeting_shows_and_saves_its_values(login, meeting):
    client = login("leader")
    page = client.get(url_of(meeting, "rediger/")).content.decode()
    assert 'value="2027-02-01"' in page and 'value="09:00"' in page
    response = client.post(url_of(meeting, "rediger/"), meeting_data(title="Flyttet", day="2027-02-08"))
    assert response["Location"] == url_of(meeting)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.starts_at) == ("Flyttet", datetime.datetime(2027, 2, 8, 9, 0, tzinfo=CPH))


def test_restoring_a_cancelled_meeting_into_a_full_plan_is_refused_on_status(login, draft_learning):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most)
    (cancelled,) = add_meetings(draft_learning, 1, status=MeetingStatus.CANCELLED)
    page = (
        login("leader").post(url_of(cancelled, "rediger/"), meeting_data(status="planned")).content.decode()
    )
    assert rules.meeting_plan_error(draft_learning.type, most + 1) in page
    cancelled.refresh_from_db()
    assert cancelled.status == MeetingStatus.CANCELLED


@pytest.mark.parametrize(("persona", "status"), WHO_MAY_NOT_CHANGE)
def test_only_the_leader_may_edit_a_meeting(login, meeting, persona, status):
    assert login(persona).get(url_of(meeting, "rediger/")).status_code == status


def test_a_meeting_of_another_network_is_404(login, meeting, draft_welfare):
    assert (
        login("leader").get(f"/netvaerk/{draft_welfare.pk}/moeder/{meeting.pk}/rediger/").status_code == 404
    )


def test_cancelling_and_holding_are_buttons_that_post(login, meeting):
    client = login("leader")
    assert client.get(url_of(meeting, "aflys/")).status_code == 405
    assert client.get(url_of(meeting, "afholdt/")).status_code == 405
    response = client.post(url_of(meeting, "afholdt/"))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert [str(m) for m in response.wsgi_request._messages] == ["“Første møde” er markeret som afholdt."]
    client.post(url_of(meeting, "aflys/"))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


@pytest.mark.parametrize(("persona", "status"), WHO_MAY_NOT_CHANGE)
def test_only_the_leader_may_cancel_a_meeting(login, meeting, persona, status):
    assert login(persona).post(url_of(meeting, "aflys/")).status_code == status
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_cancel_sends_anonymous_to_login(client, meeting):
    assert_sent_to_login(client.post(url_of(meeting, "aflys/")))


# --- Minutes and attendance ----------------------------------------------------------------------


def test_minutes_and_attendance_are_saved_and_the_meeting_marked_held(login, meeting, draft_learning):
    present, absent = add_core(draft_learning, 2)
    response = login("leader").post(
        url_of(meeting, "referat/"),
        {"minutes": "Vi aftalte at kortlægge.", "attendees": [present.pk], "held": "on"},
    )
    assert response["Location"] == url_of(meeting)
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi aftalte at kortlægge."
    assert list(meeting.attendees.all()) == [present]
    assert meeting.status == MeetingStatus.HELD
    page = login("leader").get(url_of(meeting)).content.decode()
    assert present.name in page and absent.name not in page


def test_someone_from_another_network_cannot_be_marked_present(login, meeting, draft_welfare):
    add_core(meeting.network, 1)
    (stranger,) = add_core(draft_welfare, 1)
    page = login("leader").post(url_of(meeting, "referat/"), {"attendees": [stranger.pk]}).content.decode()
    assert "Marker en gyldig valgmulighed." in page
    assert not meeting.attendees.exists()


def test_a_network_without_participants_has_no_attendance_to_tick(login, meeting):
    page = login("leader").get(url_of(meeting, "referat/")).content.decode()
    assert 'name="attendees"' not in page
    assert login("leader").post(url_of(meeting, "referat/"), {"minutes": "Kort møde"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Kort møde"


@pytest.mark.parametrize(("persona", "status"), WHO_MAY_NOT_CHANGE)
def test_only_the_leader_may_write_minutes(login, meeting, persona, status):
    assert login(persona).post(url_of(meeting, "referat/"), {"minutes": "x"}).status_code == status


def test_minutes_reject_put(login, meeting):
    assert login("leader").put(url_of(meeting, "referat/")).status_code == 405


# --- The plan helper ------------------------------------------------------------------------------


def plan_url(network):
    return f"/netvaerk/{network.pk}/moeder/planlaeg/"


def plan_post(rows):
    data = {
        "moede-TOTAL_FORMS": str(len(rows)),
        "moede-INITIAL_FORMS": str(len(rows)),
        "moede-MIN_NUM_FORMS": "0",
        "moede-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"moede-{index}-{key}": value for key, value in row.items()})
    return data


def row(day, title="Netværksmøde", include=True):
    values = {"title": title, "day": day, "start_time": "09:00", "end_time": "11:00", "location": ""}
    if include:
        values["include"] = "on"
    return values


def test_the_helper_asks_for_the_start_count_and_time(login, draft_learning):
    page = login("leader").get(plan_url(draft_learning)).content.decode()
    assert 'for="id_start"' in page and 'for="id_count"' in page and 'for="id_start_time"' in page
    assert f"Møderne fordeles over ca. {draft_learning.type.plan_months} måneder fra denne dato." in page
    assert 'name="moede-TOTAL_FORMS"' not in page


@pytest.fixture
def four_to_five_meetings_over_six_months(draft_learning):
    """The learning type's plan as these dates were worked out by hand for, whatever
    fixtures/network_types.json says (tests/test_planning.py checks the arithmetic itself)."""
    NetworkType.objects.filter(pk=draft_learning.type_id).update(
        min_meetings=4, max_meetings=5, plan_months=6
    )
    return draft_learning


def test_the_helper_proposes_five_dates_from_january_31st(login, four_to_five_meetings_over_six_months):
    draft_learning = four_to_five_meetings_over_six_months
    page = (
        login("leader")
        .get(
            plan_url(draft_learning),
            {"foreslaa": "1", "start": "2027-01-31", "count": "5", "start_time": "10:00"},
        )
        .content.decode()
    )
    for day in ("2027-02-01", "2027-03-17", "2027-04-30", "2027-06-16", "2027-07-30"):
        assert f'value="{day}"' in page
    assert 'value="Netværksmøde 5"' in page
    assert not Meeting.objects.exists()


def test_a_count_outside_the_types_limits_is_refused(login, draft_learning):
    too_many = str(draft_learning.type.max_meetings + 1)
    page = (
        login("leader")
        .get(
            plan_url(draft_learning),
            {"foreslaa": "1", "start": "2027-01-31", "count": too_many, "start_time": "10:00"},
        )
        .content.decode()
    )
    assert "Marker en gyldig valgmulighed." in page
    assert 'name="moede-TOTAL_FORMS"' not in page


def test_saving_the_adjusted_plan_saves_every_kept_meeting(login, draft_learning):
    rows = [
        row("2027-02-01"),
        row("2027-03-15", title="Flyttet"),
        row("2027-04-30", include=False),
        row("2027-06-16"),
    ]
    response = login("leader").post(plan_url(draft_learning), plan_post(rows))
    assert response.status_code == 302
    assert [(m.title, m.starts_at.date()) for m in draft_learning.meetings.all()] == [
        ("Netværksmøde", datetime.date(2027, 2, 1)),
        ("Flyttet", datetime.date(2027, 3, 15)),
        ("Netværksmøde", datetime.date(2027, 6, 16)),
    ]
    assert [str(m) for m in response.wsgi_request._messages] == ["3 møder er lagt i kalenderen."]


def test_a_plan_that_would_take_a_learning_network_past_the_maximum_saves_nothing(login, draft_learning):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most - 1)
    response = login("leader").post(
        plan_url(draft_learning), plan_post([row("2027-08-01"), row("2027-08-15")])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert rules.meeting_plan_error(draft_learning.type, most + 1) in page
    assert 'id="id_moede-1-include_error"' in page  # on the second row, the one that does not fit
    assert draft_learning.meetings.count() == most - 1


def test_a_kept_row_needs_title_date_and_time_and_nothing_is_saved_until_it_has_them(login, draft_learning):
    rows = [row("2027-02-01"), {"include": "on", "title": "", "day": "", "start_time": ""}]
    page = login("leader").post(plan_url(draft_learning), plan_post(rows)).content.decode()
    assert "Giv mødet en titel." in page and "Vælg mødets dato." in page
    assert not Meeting.objects.exists()


def test_keeping_no_row_is_refused(login, draft_learning):
    page = (
        login("leader").post(plan_url(draft_learning), plan_post([row("2027-02-01", include=False)])).content
    )
    assert "Vælg mindst ét møde at gemme." in page.decode()


def test_a_full_learning_plan_says_so_with_the_rules_message(login, draft_learning):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most)
    page = login("leader").get(plan_url(draft_learning)).content.decode()
    assert "Mødeplanen er fuld, så hjælpen har ikke flere møder at foreslå." in page
    assert rules.meeting_plan_error(draft_learning.type, most + 1) in page
    assert 'name="start"' not in page


def test_a_welfare_network_without_a_sprint_is_asked_to_set_it_first(login, draft_welfare):
    page = login("leader").get(plan_url(draft_welfare)).content.decode()
    assert "Fastlæg sprintens første og sidste dag under “Redigér netværket” først." in page


def test_a_welfare_network_gets_three_meetings_inside_its_28_day_sprint(login, draft_welfare):
    Network.objects.filter(pk=draft_welfare.pk).update(
        sprint_start=datetime.date(2027, 3, 1), sprint_end=datetime.date(2027, 3, 28)
    )
    page = (
        login("leader")
        .get(plan_url(draft_welfare), {"foreslaa": "1", "start_time": "13:00"})
        .content.decode()
    )
    assert 'name="start"' not in page  # the sprint decides the dates
    for title, day in (
        ("Opstartsmøde", "2027-03-01"),
        ("Midtvejsmøde", "2027-03-15"),
        ("Afslutningsmøde", "2027-03-26"),
    ):
        assert f'value="{title}"' in page and f'value="{day}"' in page


def test_an_innovation_network_plans_its_meetings_one_at_a_time(login, draft_innovation):
    page = login("leader").get(plan_url(draft_innovation)).content.decode()
    assert "Planlægningshjælpen findes ikke for innovationsnetværk. Planlæg møderne ét ad gangen." in page


@pytest.mark.parametrize(("persona", "status"), WHO_MAY_NOT_CHANGE)
def test_only_the_leader_may_use_the_plan_helper(login, draft_learning, persona, status):
    assert login(persona).get(plan_url(draft_learning)).status_code == status
    assert login(persona).post(plan_url(draft_learning), plan_post([row("2027-02-01")])).status_code == status
    assert not Meeting.objects.exists()


def test_the_plan_helper_sends_anonymous_to_login(client, draft_learning):
    assert_sent_to_login(client.get(plan_url(draft_learning)))


def test_the_plan_helper_rejects_put(login, draft_learning):
    assert login("leader").put(plan_url(draft_learning)).status_code == 405


# --- Query counts ---------------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_meetings_or_participants(
    login, draft_learning, meeting, django_assert_num_queries
):
    add_meetings(draft_learning, 3, first=datetime.date(2027, 3, 1))
    add_core(draft_learning, 10)
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    for url in (
        f"/netvaerk/{draft_learning.pk}/moeder/ny/",
        url_of(meeting, "rediger/"),
        plan_url(draft_learning),
    ):
        with django_assert_num_queries(6):
            assert client.get(url).status_code == 200
    with django_assert_num_queries(6):
        client.get(
            plan_url(draft_learning),
            {"foreslaa": "1", "start": "2027-01-31", "count": "1", "start_time": "9:00"},
        )
    # ... and the meeting's attendees
    with django_assert_num_queries(7):
        assert client.get(url_of(meeting)).status_code == 200
    # ... the attendees (ticked) and the network's participants (the checkboxes)
    with django_assert_num_queries(8):
        assert client.get(url_of(meeting, "referat/")).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_far_outside_the_apps_lifetime_is_refused_not_a_500(login, new_url, draft_learning, day):
    response = login("leader").post(new_url, meeting_data(day=day, start_time="00:30"))
    assert response.status_code == 200
    assert "Angiv en dato mellem 1900 og 2999." in response.content.decode()
    page = (
        login("leader")
        .get(plan_url(draft_learning), {"foreslaa": "1", "start": day, "count": "5", "start_time": "10:00"})
        .content.decode()
    )
    assert "Angiv en dato mellem 1900 og 2999." in page
    assert not Meeting.objects.exists()
