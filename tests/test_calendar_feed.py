"""The calendar to subscribe to: the page with the user's own address, and the feed Outlook fetches
from it without a session. Every feed is read back by two independent parsers (icalendar and
vobject), so a file only one of them reads right fails."""

import datetime

import icalendar
import pytest
import time_machine
import vobject
from django.test import Client

from networks import services
from networks.models import CalendarFeed, Meeting, MeetingStatus, Network, Participant
from tests.factories import add_meetings, assert_sent_to_login, at

# The clock for every test: meetings from 12 months back and all ahead are in the feed.
TODAY = datetime.date(2027, 1, 20)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


def feed_url(user) -> str:
    return CalendarFeed.of(user).get_absolute_url()


def fetch(url, **headers):
    """The feed as a calendar fetches it: a fresh client with no session."""
    return Client().get(url, **headers)


def read_by_both(content: bytes) -> tuple[list, list]:
    """The events as icalendar and as vobject read them, in the file's order."""
    by_icalendar = icalendar.Calendar.from_ical(content)
    by_vobject = vobject.readOne(content.decode())
    return list(by_icalendar.walk("VEVENT")), list(getattr(by_vobject, "vevent_list", []))


def uids(content: bytes) -> list[str]:
    by_icalendar, by_vobject = read_by_both(content)
    found = [str(e["UID"]) for e in by_icalendar]
    assert found == [e.uid.value for e in by_vobject]
    return found


@pytest.fixture
def meetings(leader, draft_learning):
    planned = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Kortlægning af frivillige",
        starts_at=at(datetime.date(2027, 2, 3), 9),
        ends_at=at(datetime.date(2027, 2, 3), 11),
        location="Rådhuset, lokale 1",
        agenda="1. Velkomst\n2. Hvem ved hvad?",
    )
    cancelled = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Aflyst møde",
        starts_at=at(datetime.date(2027, 3, 3), 9),
        status=MeetingStatus.CANCELLED,
    )
    return planned, cancelled


# --- The feed ------------------------------------------------------------------------------------


def test_the_feed_holds_the_leaders_meetings_the_cancelled_one_marked(leader, meetings):
    planned, cancelled = meetings
    response = fetch(feed_url(leader))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    by_icalendar, by_vobject = read_by_both(response.content)
    assert [str(e["STATUS"]) for e in by_icalendar] == ["CONFIRMED", "CANCELLED"]
    assert [e.status.value for e in by_vobject] == ["CONFIRMED", "CANCELLED"]
    assert [e.summary.value for e in by_vobject] == [
        "Kortlægning af frivillige – Hvem er de frivillige?",
        "Aflyst møde – Hvem er de frivillige?",
    ]
    assert by_vobject[0].location.value == "Rådhuset, lokale 1"


def test_the_feed_is_named_for_outlook_and_asks_to_be_fetched_every_hour(leader, meetings):
    content = fetch(feed_url(leader)).content
    parsed = icalendar.Calendar.from_ical(content)
    assert str(parsed["X-WR-CALNAME"]) == "Netværk – Lene Leder"
    assert parsed["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=1)
    assert parsed["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    by_vobject = vobject.readOne(content.decode())
    assert by_vobject.contents["x-wr-calname"][0].value == "Netværk – Lene Leder"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in content
    assert b"X-PUBLISHED-TTL:PT1H" in content


def test_uids_are_the_downloads_and_stay_the_same_across_fetches(leader, draft_learning, meetings):
    planned, cancelled = meetings
    url = feed_url(leader)
    first, second = fetch(url), fetch(url)
    assert uids(first.content) == [
        f"moede-{planned.pk}@netvaerk.albertslund.dk",
        f"moede-{cancelled.pk}@netvaerk.albertslund.dk",
    ]
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    download = Client()
    download.force_login(leader)
    network_file = download.get(f"/netvaerk/{draft_learning.pk}/kalender.ics").content
    assert uids(network_file) == uids(first.content)


def test_the_sequence_grows_when_a_meeting_moves(leader, meetings):
    planned, _cancelled = meetings
    url = feed_url(leader)
    before = fetch(url)
    (event, _), (vevent, _) = read_by_both(before.content)
    assert event["SEQUENCE"] == 0 and vevent.sequence.value == "0"
    moved_at = datetime.datetime(2027, 1, 21, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moved_at, tick=False):
        services.meeting_update(
            meeting=planned,
            by=leader,
            starts_at=at(datetime.date(2027, 2, 4), 9),
            ends_at=at(datetime.date(2027, 2, 4), 11),
        )
        after = fetch(url)
    (event, _), (vevent, _) = read_by_both(after.content)
    assert event["SEQUENCE"] == 1 and vevent.sequence.value == "1"
    assert event["DTSTART"].dt == at(datetime.date(2027, 2, 4), 9)
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == "Thu, 21 Jan 2027 08:00:00 GMT"


def test_meetings_from_twelve_months_back_are_in_and_older_ones_out(leader, draft_learning):
    in_window, too_old = (
        Meeting.objects.create(network=draft_learning, title=title, starts_at=at(day, 9))
        for title, day in (
            ("Et år siden", datetime.date(2026, 1, 21)),
            ("For gammelt", datetime.date(2026, 1, 19)),
        )
    )
    assert uids(fetch(feed_url(leader)).content) == [f"moede-{in_window.pk}@netvaerk.albertslund.dk"]


# --- Conditional GET and caching -----------------------------------------------------------------


def test_an_unchanged_feed_answers_304_to_its_etag(leader, meetings):
    url = feed_url(leader)
    first = fetch(url)
    again = fetch(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert fetch(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_an_unchanged_feed_answers_304_since_its_last_modified(leader, meetings):
    url = feed_url(leader)
    last_modified = fetch(url)["Last-Modified"]
    assert fetch(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    one_second_before = datetime.datetime.strptime(
        last_modified, "%a, %d %b %Y %H:%M:%S GMT"
    ) - datetime.timedelta(seconds=1)
    earlier = one_second_before.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert fetch(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_head_request_gets_the_headers_without_the_calendar(leader, meetings):
    url = feed_url(leader)
    response = Client().head(url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == fetch(url)["ETag"]


def test_the_feed_is_private_cacheable_for_an_hour_and_sends_no_referrer(leader, meetings):
    response = fetch(feed_url(leader))
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_feed_needs_no_session_and_sets_no_cookie(leader, meetings):
    client = Client()
    response = client.get(feed_url(leader))
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert client.cookies == {}


# --- The secret ----------------------------------------------------------------------------------


def test_renewing_kills_the_old_address_and_the_new_one_works(leader, login, meetings):
    old = feed_url(leader)
    client = login("leader")
    response = client.post("/kalender/", follow=True)
    assert "Kalenderens adresse er fornyet." in response.content.decode()
    new = feed_url(leader)
    assert new != old
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    assert new in response.content.decode()


def test_an_unknown_secret_is_404(db):
    assert fetch("/kalender/" + "a" * 43 + ".ics").status_code == 404
    assert fetch("/kalender/kort.ics").status_code == 404


def test_a_refused_feed_address_is_logged_without_its_secret(leader, caplog):
    # A renewed or mistyped secret may be one character from a live one: the log names the route.
    secret = "b" * 43
    with caplog.at_level("INFO", logger="netvaerk.security"):
        assert fetch(f"/kalender/{secret}.ics").status_code == 404
    refused = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert refused and "path=/kalender/….ics" in refused[0]
    assert secret not in caplog.text


def test_an_inactive_users_feed_is_404(leader, meetings):
    url = feed_url(leader)
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    assert fetch(url).status_code == 404


def test_the_secret_opens_nothing_but_the_feed(leader, draft_learning, meetings):
    client = Client()
    assert client.get(feed_url(leader)).status_code == 200
    assert_sent_to_login(client.get(f"/netvaerk/{draft_learning.pk}/"))
    assert_sent_to_login(client.get("/kalender/"))
    assert fetch(feed_url(leader)).status_code == 200
    assert Client().post(feed_url(leader)).status_code == 405


def test_the_secret_is_long_and_random(leader, other_leader):
    first, second = CalendarFeed.of(leader).secret, CalendarFeed.of(other_leader).secret
    assert len(first) == len(second) == 43
    assert first != second


# --- What is not in it ---------------------------------------------------------------------------


def test_another_leaders_meetings_are_absent(leader, other_leader, learning_type, meetings):
    theirs = services.network_create(
        by=other_leader, type=learning_type, title="Andres netværk", theme="Andet"
    )
    (their_meeting,) = add_meetings(theirs, 1)
    mine = uids(fetch(feed_url(leader)).content)
    assert f"moede-{their_meeting.pk}@netvaerk.albertslund.dk" not in mine
    assert uids(fetch(feed_url(other_leader)).content) == [
        f"moede-{their_meeting.pk}@netvaerk.albertslund.dk"
    ]


def test_no_participants_name_or_email_is_in_the_feed(leader, draft_learning, meetings):
    planned, _ = meetings
    participant = Participant.objects.create(
        network=draft_learning, name="Xenia Særpræg-Ulvsgaard", email="xenia.saerpraeg@example.dk"
    )
    planned.attendees.add(participant)
    body = fetch(feed_url(leader)).content.decode()
    assert "Xenia" not in body
    assert "Ulvsgaard" not in body
    assert "xenia.saerpraeg" not in body
    assert "example.dk" not in body


def test_a_title_with_line_breaks_and_control_characters_still_gives_a_valid_feed(leader, draft_learning):
    # Stored past the forms' checks (an import, an old row): the feed must still parse. Every kind
    # of line break (here \r\n and the vertical tab) becomes a space, other control characters go
    # (the bell; not NUL, which PostgreSQL refuses to store).
    Meeting.objects.create(
        network=draft_learning,
        title="Møde\r\nom\x0bfrivillige\x07",
        starts_at=at(datetime.date(2027, 2, 1), 9),
        location="Lokale\n2",
        agenda="Punkt 1\r\nPunkt 2\x1b",
    )
    (event,), (vevent,) = read_by_both(fetch(feed_url(leader)).content)
    assert str(event["SUMMARY"]) == "Møde om frivillige – Hvem er de frivillige?"
    assert vevent.summary.value == "Møde om frivillige – Hvem er de frivillige?"
    assert vevent.location.value == "Lokale 2"


# --- Direktørforum -------------------------------------------------------------------------------


@pytest.fixture
def board_decisions(direktoer, submit_on):
    """Two cases decided at Direktørforum's meeting on 14 January 2027."""
    approved = submit_on("Frivillige i nattevagten", datetime.date(2027, 1, 4))
    rejected = submit_on("Robotter i hjemmeplejen", datetime.date(2027, 1, 5))
    meeting_day = datetime.date(2027, 1, 14)
    with time_machine.travel(at(meeting_day, 15), tick=False):
        services.network_approve(network=approved, by=direktoer, meeting_date=meeting_day)
        services.network_reject(network=rejected, by=direktoer, comment="Ikke nu.", meeting_date=meeting_day)
    return approved, rejected


def test_a_direktoerforum_member_sees_the_boards_meeting_date_with_its_cases(direktoer, board_decisions):
    (event,), (vevent,) = read_by_both(fetch(feed_url(direktoer)).content)
    assert str(event["UID"]) == "direktoerforum-20270114@netvaerk.albertslund.dk"
    assert event["DTSTART"].dt == datetime.date(2027, 1, 14)
    assert vevent.dtstart.value == datetime.date(2027, 1, 14)
    assert vevent.summary.value == "Direktørforum: møde"
    assert "Frivillige i nattevagten" in vevent.description.value
    assert "Robotter i hjemmeplejen" in vevent.description.value
    # Two cases on the day: the event was changed once after the first.
    assert event["SEQUENCE"] == 1


def test_a_case_title_with_line_breaks_still_gives_a_valid_board_event(direktoer, board_decisions):
    approved, _rejected = board_decisions
    Network.objects.filter(pk=approved.pk).update(title="Frivillige\r\ni\x07nattevagten")
    (event,), (vevent,) = read_by_both(fetch(feed_url(direktoer)).content)
    assert "– Frivillige inattevagten: " in vevent.description.value
    assert str(event["DESCRIPTION"]) == vevent.description.value


def test_a_leader_without_the_role_does_not_see_the_boards_dates(leader, board_decisions):
    assert uids(fetch(feed_url(leader)).content) == []


# --- Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_the_feed_costs_the_same_queries_for_1_and_30_meetings(
    count, leader, draft_learning, django_assert_num_queries
):
    add_meetings(draft_learning, count, first=datetime.date(2027, 2, 1))
    url = feed_url(leader)
    # the feed with its user, the user's groups (Direktørforum?), the meetings with their network,
    # and the meetings' revisions grouped in one query over their history
    with django_assert_num_queries(4):
        assert fetch(url).status_code == 200


def test_a_direktoerforum_members_feed_asks_once_for_the_boards_decisions(
    direktoer, board_decisions, django_assert_num_queries
):
    url = feed_url(direktoer)
    # the feed with its user, the user's groups, the meetings (none), the decisions with their network
    with django_assert_num_queries(4):
        assert fetch(url).status_code == 200


# --- The page ------------------------------------------------------------------------------------


def test_the_page_shows_the_absolute_address_and_the_outlook_steps(leader, login, settings):
    settings.SITE_URL = "https://netvaerk.albertslund.dk"
    response = login("leader").get("/kalender/")
    page = response.content.decode()
    assert f'value="https://netvaerk.albertslund.dk{feed_url(leader)}"' in page
    assert "Abonner fra internettet" in page
    assert "Fra internettet" in page
    assert '<label class="form-label" for="kalender-adresse">' in page


def test_the_first_visit_makes_the_feed_and_later_visits_keep_it(leader, login):
    client = login("leader")
    assert not CalendarFeed.objects.filter(user=leader).exists()
    client.get("/kalender/")
    secret = CalendarFeed.objects.get(user=leader).secret
    client.get("/kalender/")
    assert CalendarFeed.objects.get(user=leader).secret == secret


def test_the_page_needs_a_login(client, db):
    assert_sent_to_login(client.get("/kalender/"))


def test_the_page_refuses_other_methods(login):
    assert login("leader").delete("/kalender/").status_code == 405


def test_the_page_costs_a_fixed_number_of_queries(login, django_assert_num_queries):
    client = login("leader")
    client.get("/kalender/")
    # session, user, groups (the menu), the feed
    with django_assert_num_queries(4):
        assert client.get("/kalender/").status_code == 200
