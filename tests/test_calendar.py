"""Meetings as .ics: the whole network's calendar and one meeting, parsed back with icalendar."""

import datetime
import zoneinfo

import icalendar
import pytest

from networks import calendar, services
from networks.models import MeetingStatus
from tests.factories import add_meetings, assert_sent_to_login

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def meetings(leader, draft_learning):
    first = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Kortlægning: hvem er de frivillige?",
        starts_at=datetime.datetime(2027, 1, 31, 9, 0, tzinfo=CPH),
        ends_at=datetime.datetime(2027, 1, 31, 11, 30, tzinfo=CPH),
        location="Rådhuset, lokale 1",
        agenda="1. Velkomst\n2. Hvem ved hvad?",
    )
    summer = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Sommermøde",
        starts_at=datetime.datetime(2027, 6, 30, 14, 0, tzinfo=CPH),
    )
    cancelled = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Aflyst møde",
        starts_at=datetime.datetime(2027, 3, 3, 9, 0, tzinfo=CPH),
        status=MeetingStatus.CANCELLED,
    )
    return first, summer, cancelled


def events(content: bytes):
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_the_network_calendar_holds_every_meeting_that_is_not_cancelled(draft_learning, meetings):
    first, summer, _cancelled = meetings
    draft_learning.refresh_from_db()
    content = calendar.network_ics(draft_learning, draft_learning.meetings.all())
    parsed = icalendar.Calendar.from_ical(content)
    assert str(parsed["X-WR-CALNAME"]) == "Hvem er de frivillige?"
    found = events(content)
    assert [str(e["UID"]) for e in found] == [
        f"moede-{first.pk}@netvaerk.albertslund.dk",
        f"moede-{summer.pk}@netvaerk.albertslund.dk",
    ]
    event = found[0]
    assert str(event["SUMMARY"]) == "Kortlægning: hvem er de frivillige? – Hvem er de frivillige?"
    assert event.start == datetime.datetime(2027, 1, 31, 9, 0, tzinfo=CPH)
    assert event.end == datetime.datetime(2027, 1, 31, 11, 30, tzinfo=CPH)
    assert str(event["LOCATION"]) == "Rådhuset, lokale 1"
    assert str(event["DESCRIPTION"]) == "Dagsorden:\n1. Velkomst\n2. Hvem ved hvad?"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_carry_the_copenhagen_zone_across_summer_time(draft_learning, meetings):
    content = calendar.network_ics(draft_learning, draft_learning.meetings.all())
    summer = events(content)[1]
    assert summer.start.utcoffset() == datetime.timedelta(hours=2)
    assert "DTSTART;TZID=Europe/Copenhagen:20270630T140000" in content.decode()
    assert "BEGIN:VTIMEZONE" in content.decode()


def test_a_meeting_without_an_end_has_no_end_in_the_calendar(draft_learning, meetings):
    summer = events(calendar.network_ics(draft_learning, draft_learning.meetings.all()))[1]
    assert "DTEND" not in summer


def test_a_cancelled_meeting_downloaded_alone_is_marked_cancelled(draft_learning, meetings):
    cancelled = meetings[2]
    (event,) = events(calendar.meeting_ics(cancelled, draft_learning))
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"moede-{cancelled.pk}@netvaerk.albertslund.dk"


def test_the_stamp_is_the_time_of_download(draft_learning, meetings):
    now = datetime.datetime(2027, 1, 2, 8, 0, tzinfo=datetime.UTC)
    (event,) = events(calendar.meeting_ics(meetings[0], draft_learning, now=now))
    assert event["DTSTAMP"].dt == now


def test_file_names_spell_out_danish_letters():
    assert (
        calendar.filename("Frivillige mod ensomhed på plejecentrene")
        == "frivillige-mod-ensomhed-paa-plejecentrene"
    )
    assert calendar.filename("Ældre & øvrige") == "aeldre-oevrige"
    assert calendar.filename("!!!") == "kalender"


# --- The downloads --------------------------------------------------------------------------------


@pytest.fixture
def url(draft_learning):
    return f"/netvaerk/{draft_learning.pk}/kalender.ics"


def test_the_leader_downloads_the_network_calendar(login, url, meetings):
    response = login("leader").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hvem-er-de-frivillige.ics"'
    assert len(events(response.content)) == 2


def test_one_meeting_downloads_as_its_own_file(login, draft_learning, meetings):
    first = meetings[0]
    response = login("leader").get(f"/netvaerk/{draft_learning.pk}/moeder/{first.pk}/kalender.ics")
    assert response.status_code == 200
    (event,) = events(response.content)
    assert str(event["UID"]) == f"moede-{first.pk}@netvaerk.albertslund.dk"


def test_an_administrator_may_download_any_network_calendar(login, administrator, url, meetings):
    assert login("administrator").get(url).status_code == 200


def test_direktoerforum_downloads_a_submitted_networks_calendar(login, direktoer, submitted_innovation):
    response = login("direktoer").get(f"/netvaerk/{submitted_innovation.pk}/kalender.ics")
    assert response.status_code == 200
    assert events(response.content) == []


@pytest.mark.parametrize("persona", ["other_leader", "direktoer"])
def test_someone_who_may_not_see_the_network_gets_404(login, url, persona, other_leader, direktoer):
    assert login(persona).get(url).status_code == 404


def test_a_meeting_of_another_network_is_404(login, url, leader, draft_welfare, draft_learning):
    (other,) = add_meetings(draft_welfare, 1)
    assert (
        login("leader").get(f"/netvaerk/{draft_learning.pk}/moeder/{other.pk}/kalender.ics").status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client, url):
    assert_sent_to_login(client.get(url))


def test_it_rejects_post(login, url):
    assert login("leader").post(url).status_code == 405


def test_query_count_does_not_grow_with_meetings(login, url, draft_learning, django_assert_num_queries):
    add_meetings(draft_learning, 5, first=datetime.date(2027, 1, 4))
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    meeting = draft_learning.meetings.first()
    with django_assert_num_queries(6):
        assert (
            client.get(f"/netvaerk/{draft_learning.pk}/moeder/{meeting.pk}/kalender.ics").status_code == 200
        )
