"""Meetings as .ics: the whole network's calendar and one meeting, each parsed back by two independent
parsers (icalendar and vobject), so a file only one of them reads right fails."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
import vobject
from django.db import connection

from networks import calendar, services
from networks.models import Meeting, MeetingStatus, Network
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


def test_the_network_calendar_holds_every_meeting_the_cancelled_one_marked(draft_learning, meetings):
    first, summer, cancelled = meetings
    draft_learning.refresh_from_db()
    content = calendar.network_ics(draft_learning, draft_learning.meetings.all())
    parsed = icalendar.Calendar.from_ical(content)
    assert str(parsed["X-WR-CALNAME"]) == "Hvem er de frivillige?"
    found = events(content)
    assert [(str(e["UID"]), str(e["STATUS"])) for e in found] == [
        (f"moede-{first.pk}@netvaerk.albertslund.dk", "CONFIRMED"),
        (f"moede-{cancelled.pk}@netvaerk.albertslund.dk", "CANCELLED"),
        (f"moede-{summer.pk}@netvaerk.albertslund.dk", "CONFIRMED"),
    ]
    event = found[0]
    assert str(event["SUMMARY"]) == "Kortlægning: hvem er de frivillige? – Hvem er de frivillige?"
    assert event.start == datetime.datetime(2027, 1, 31, 9, 0, tzinfo=CPH)
    assert event.end == datetime.datetime(2027, 1, 31, 11, 30, tzinfo=CPH)
    assert str(event["LOCATION"]) == "Rådhuset, lokale 1"
    assert str(event["DESCRIPTION"]) == "Dagsorden:\n1. Velkomst\n2. Hvem ved hvad?"


def test_a_held_meeting_is_confirmed(draft_learning, meetings):
    first = meetings[0]
    Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.HELD)
    first.refresh_from_db()
    (event,) = events(calendar.meeting_ics(first, draft_learning))
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_are_written_in_utc_without_a_time_zone_to_misread(draft_learning, meetings):
    text = calendar.network_ics(draft_learning, draft_learning.meetings.all()).decode()
    # 14:00 in Copenhagen's summer time and 9:00 in its winter time.
    assert "DTSTART:20270630T120000Z" in text
    assert "DTSTART:20270131T080000Z" in text
    assert "DTEND:20270131T103000Z" in text
    assert "VTIMEZONE" not in text
    assert "TZID" not in text


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
    assert len(events(response.content)) == 3


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
    # session, user, groups, network with type and leader, participants, meetings, and the meetings'
    # revisions (SEQUENCE, LAST-MODIFIED) grouped in one query over their history
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    meeting = draft_learning.meetings.first()
    with django_assert_num_queries(7):
        assert (
            client.get(f"/netvaerk/{draft_learning.pk}/moeder/{meeting.pk}/kalender.ics").status_code == 200
        )


def test_a_network_without_meetings_asks_for_no_revisions(login, url, django_assert_num_queries):
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


# --- Read alike by two parsers --------------------------------------------------------------------


def read_by_both(content: bytes) -> tuple[list, list]:
    """The events as icalendar and as vobject read them, in the file's order."""
    by_vobject = vobject.readOne(content.decode())
    return events(content), list(by_vobject.vevent_list)


# Each side of both daylight-saving changes in 2027 (29 March and 31 October), and the hour that
# happens twice on 31 October: 02:30 summer time (fold=0) and, an hour later, 02:30 winter time.
AROUND_THE_CHANGES = [
    datetime.datetime(2027, 3, 27, 10, 0, tzinfo=CPH),
    datetime.datetime(2027, 3, 29, 10, 0, tzinfo=CPH),
    datetime.datetime(2027, 10, 30, 10, 0, tzinfo=CPH),
    datetime.datetime(2027, 10, 31, 2, 30, tzinfo=CPH),
    datetime.datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=CPH),
    datetime.datetime(2027, 11, 1, 10, 0, tzinfo=CPH),
]


def test_both_parsers_read_each_meeting_at_its_copenhagen_time_across_the_changes(draft_learning):
    for n, starts in enumerate(AROUND_THE_CHANGES):
        Meeting.objects.create(
            network=draft_learning,
            title=f"Møde {n}",
            starts_at=starts,
            # One hour of real time (adding to the local time would cross the change on 31 October).
            ends_at=starts.astimezone(datetime.UTC) + datetime.timedelta(hours=1),
        )
    content = calendar.network_ics(draft_learning, draft_learning.meetings.all())
    by_icalendar, by_vobject = read_by_both(content)
    assert len(by_icalendar) == len(by_vobject) == len(AROUND_THE_CHANGES)
    for expected, ical_event, vobject_event in zip(AROUND_THE_CHANGES, by_icalendar, by_vobject, strict=True):
        for start, end in [
            (ical_event.start, ical_event.end),
            (vobject_event.dtstart.value, vobject_event.dtend.value),
        ]:
            # (An aware comparison across zones is never equal in the hour that happens twice.)
            assert start.astimezone(datetime.UTC) == expected.astimezone(datetime.UTC)
            assert end - start == datetime.timedelta(hours=1)
            # The same wall-clock time and offset in Copenhagen as the meeting was planned for.
            local = start.astimezone(CPH)
            assert (local.replace(tzinfo=None), local.utcoffset()) == (
                expected.replace(tzinfo=None),
                expected.utcoffset(),
            )
    # The two 02:30 meetings of 31 October are an hour apart, not the same time.
    assert by_icalendar[4].start - by_icalendar[3].start == datetime.timedelta(hours=1)


def test_the_calendar_is_the_same_calendar_on_every_download(login, url, draft_learning, meetings):
    with time_machine.travel(datetime.datetime(2027, 1, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        client = login("leader")
        first = icalendar.Calendar.from_ical(client.get(url).content)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 8, 10, tzinfo=datetime.UTC), tick=False):
        second = icalendar.Calendar.from_ical(client.get(url).content)
    for prop in ["UID", "PRODID", "X-WR-CALNAME", "NAME"]:
        assert str(first[prop]) == str(second[prop])
    assert str(first["UID"]) == f"kalender-netvaerk-{draft_learning.pk}@netvaerk.albertslund.dk"
    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [str(e["UID"]) for e in second.walk("VEVENT")]
    # Only the stamp says when it was downloaded.
    assert [e["DTSTAMP"].dt for e in second.walk("VEVENT")] == [
        datetime.datetime(2027, 1, 2, 8, 10, tzinfo=datetime.UTC)
    ] * 3


def test_one_meetings_calendar_keeps_its_own_identity(login, draft_learning, meetings):
    first = meetings[0]
    client = login("leader")
    meeting_url = f"/netvaerk/{draft_learning.pk}/moeder/{first.pk}/kalender.ics"
    uids = {str(icalendar.Calendar.from_ical(client.get(meeting_url).content)["UID"]) for _ in range(2)}
    assert uids == {f"kalender-moede-{first.pk}@netvaerk.albertslund.dk"}


def test_the_sequence_grows_and_last_modified_moves_when_a_meeting_changes(leader, draft_learning, meetings):
    first = meetings[0]
    # iCalendar counts whole seconds.
    created_at = Meeting.history.filter(id=first.pk).get().history_date.replace(microsecond=0)
    (ical_event,), (vobject_event,) = read_by_both(calendar.meeting_ics(first, draft_learning))
    assert ical_event["SEQUENCE"] == 0
    assert vobject_event.sequence.value == "0"
    assert ical_event["LAST-MODIFIED"].dt == created_at
    assert vobject_event.last_modified.value == created_at

    edited_at = datetime.datetime(2027, 1, 20, 13, 45, tzinfo=datetime.UTC)
    with time_machine.travel(edited_at, tick=False):
        services.meeting_update(meeting=first, by=leader, location="Rådhuset, lokale 2")
    first.refresh_from_db()
    (ical_event,), (vobject_event,) = read_by_both(calendar.meeting_ics(first, draft_learning))
    assert ical_event["SEQUENCE"] == 1
    assert vobject_event.sequence.value == "1"
    assert ical_event["LAST-MODIFIED"].dt == edited_at
    assert vobject_event.last_modified.value == edited_at

    services.meeting_update(meeting=first, by=leader, location="Rådhuset, lokale 3")
    (ical_event,) = events(calendar.network_ics(draft_learning, [first]))
    assert ical_event["SEQUENCE"] == 2


def test_cancelling_a_meeting_marks_it_cancelled_with_a_higher_sequence(login, url, leader, meetings):
    first = meetings[0]
    client = login("leader")
    before = events(client.get(url).content)[0]
    services.meeting_update(meeting=first, by=leader, status=MeetingStatus.CANCELLED)
    after = events(client.get(url).content)[0]
    assert (str(before["STATUS"]), str(after["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_a_meeting_without_a_history_has_sequence_zero_and_no_last_modified(draft_learning, meetings):
    first = meetings[0]
    Meeting.history.filter(id=first.pk).delete()
    (ical_event,) = events(calendar.meeting_ics(first, draft_learning))
    assert ical_event["SEQUENCE"] == 0
    assert "LAST-MODIFIED" not in ical_event


# --- Any stored text ------------------------------------------------------------------------------

# PostgreSQL cannot store NUL in text, SQLite can; every other control character both can.
CONTROLS = "\x07\x1b\x7f" + ("\x00" if connection.vendor == "sqlite" else "")
NASTY_TITLE = f'A\nB{CONTROLS};,\\ "citat" æøå 😀'
NASTY_AGENDA = f"1. Velkomst;\r\n2. A, B og C\\D{CONTROLS}\r3. " + "Lang tekst med ÆØÅ " * 30


def without_controls(text: str) -> str:
    for control in CONTROLS:
        text = text.replace(control, "")
    return text


@pytest.fixture
def nasty(draft_learning, meetings):
    """A network and a meeting whose stored texts hold line breaks, commas, semicolons, backslashes,
    control characters and long runs of Danish letters, written past the forms' validation."""
    first = meetings[0]
    Network.objects.filter(pk=draft_learning.pk).update(title=NASTY_TITLE + " netværk")
    Meeting.objects.filter(pk=first.pk).update(
        title=NASTY_TITLE + " Ø" * 80, location=NASTY_TITLE, agenda=NASTY_AGENDA
    )
    return first


@pytest.mark.parametrize("download", ["network", "meeting"])
def test_any_stored_text_downloads_and_reads_back_alike(login, draft_learning, nasty, download):
    path = f"/netvaerk/{draft_learning.pk}/kalender.ics"
    if download == "meeting":
        path = f"/netvaerk/{draft_learning.pk}/moeder/{nasty.pk}/kalender.ics"
    response = login("leader").get(path)
    assert response.status_code == 200

    # Every content line folded at 75 octets, every line ended by CRLF, nothing left unescaped.
    assert response.content.endswith(b"\r\n")
    for line in response.content.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        assert b"\n" not in line and b"\r" not in line
        assert not any(byte < 0x20 and byte != 0x09 for byte in line)

    # A line break in a one-line text reads as a space; in the agenda it stays a line break.
    title = without_controls(NASTY_TITLE).replace("\n", " ")
    summary = f"{title}{' Ø' * 80} – {title} netværk"
    agenda = "Dagsorden:\n" + without_controls(NASTY_AGENDA).replace("\r\n", "\n").replace("\r", "\n").strip()
    by_icalendar, by_vobject = read_by_both(response.content)
    ical_event = by_icalendar[0]
    vobject_event = by_vobject[0]
    assert str(ical_event["SUMMARY"]) == vobject_event.summary.value == summary
    assert str(ical_event["LOCATION"]) == vobject_event.location.value == title
    assert str(ical_event["DESCRIPTION"]) == vobject_event.description.value == agenda
    calendar_name = summary if download == "meeting" else f"{title} netværk"
    # icalendar hands the calendar's name back as written (escaped); vobject unescapes it.
    escaped_name = icalendar.vText(calendar_name).to_ical().decode()
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]) == escaped_name
    assert vobject.readOne(response.content.decode()).contents["x-wr-calname"][0].value == calendar_name


# One awkward thing alone as the whole text; NUL only where the database can store it.
ALONE = ["\\", "\n", ";", ",", "\r\n\r\n", " ", "Ø" * 200] + list(CONTROLS)


@pytest.mark.parametrize("text", ALONE)
def test_a_title_of_only_one_awkward_thing_still_downloads(login, draft_learning, meetings, text):
    first = meetings[0]
    Meeting.objects.filter(pk=first.pk).update(title=text, location=text, agenda=text)
    Network.objects.filter(pk=draft_learning.pk).update(title=text)
    client = login("leader")
    for path in [
        f"/netvaerk/{draft_learning.pk}/kalender.ics",
        f"/netvaerk/{draft_learning.pk}/moeder/{first.pk}/kalender.ics",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        by_icalendar, by_vobject = read_by_both(response.content)
        assert len(by_icalendar) == len(by_vobject) >= 1
