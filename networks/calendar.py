"""Meetings as iCalendar (.ics), for Outlook and other calendars.

What a calendar needs to update an event instead of adding a copy, and to be read alike everywhere:

- Times are written in UTC (`DTSTART:20270315T080000Z`) and the file holds no VTIMEZONE. A
  hand-made or generated VTIMEZONE has to be read right by every client, and some read one wrongly
  (summer meetings an hour off); an instant in UTC means the same to all of them, and each calendar
  shows it in its own user's zone, which for this municipality's users is Europe/Copenhagen.
- Identity is stable: each meeting keeps one UID; the calendar itself has a fixed UID, name and
  PRODID, so a second download is the same calendar. SEQUENCE counts the meeting's recorded changes
  and LAST-MODIFIED is the time of its latest one (both from the audit trail,
  `selectors.meeting_revisions`), so a calendar takes a changed meeting over the copy it holds.
- A cancelled meeting stays in the file with STATUS:CANCELLED, so a calendar that imported it
  removes it; planned and held meetings are CONFIRMED.
- A subscribed feed (`feed_ics`, one per user, fetched by Outlook every hour) is built from the
  same events: the same meeting has the same UID in a downloaded file and in the feed. Its DTSTAMP
  is the time of the feed's latest change, not the time of the request, so two fetches of an
  unchanged feed are byte for byte the same and its ETag holds. A Direktørforum meeting date is one
  all-day event with the cases decided that day; its SEQUENCE grows with each case added.
- Every text goes through `_line`/`_lines` (control characters dropped) and into a property that
  icalendar escapes and folds at 75 octets; nothing is written by hand.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import selectors
from networks.models import Meeting, MeetingStatus, Network

PRODID = "-//Albertslund Kommune//Netværk//DA"
UID_DOMAIN = "netvaerk.albertslund.dk"
_STATUS = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    return f"moede-{meeting.pk}@{UID_DOMAIN}"


def network_calendar_uid(network: Network) -> str:
    return f"kalender-netvaerk-{network.pk}@{UID_DOMAIN}"


def meeting_calendar_uid(meeting: Meeting) -> str:
    return f"kalender-moede-{meeting.pk}@{UID_DOMAIN}"


def _without_controls(text: str) -> str:
    return "".join(ch for ch in text if ch == "\t" or unicodedata.category(ch) != "Cc")


def _lines(text: str) -> str:
    """Text of several lines (the agenda): every kind of line break becomes one "\\n", which
    icalendar writes as the escaped `\\n` a calendar reads as a line break; other control
    characters, which no calendar shows and some parsers refuse, are dropped."""
    return "\n".join(_without_controls(line) for line in text.splitlines())


def _line(text: str) -> str:
    """Text of one line (a title, a place): a line break becomes a space, so "Møde\\nom frivillige"
    reads "Møde om frivillige"; other control characters are dropped."""
    return " ".join(_without_controls(line) for line in text.splitlines())


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _event(
    meeting: Meeting,
    network: Network,
    revision: selectors.MeetingRevision,
    stamp: datetime.datetime,
) -> icalendar.Event:
    description = _lines(meeting.agenda).strip()
    if description:
        description = _("Dagsorden:") + "\n" + description
    return icalendar.Event.new(
        uid=meeting_uid(meeting),
        summary=_line(f"{meeting.title} – {network.title}"),
        start=_utc(meeting.starts_at),
        end=_utc(meeting.ends_at) if meeting.ends_at else None,
        location=_line(meeting.location) or None,
        description=description or None,
        status=_STATUS.get(meeting.status),
        sequence=revision.changes,
        last_modified=_utc(revision.last_changed_at) if revision.last_changed_at else None,
        stamp=_utc(stamp),
    )


def _calendar(
    uid: str, name: str, events: Iterable[icalendar.Event], *, refresh: datetime.timedelta | None = None
) -> bytes:
    cal = icalendar.Calendar.new(prodid=PRODID, uid=uid)
    # Set as text, so icalendar escapes them (given to `Calendar.new` they are written unescaped).
    cal["NAME"] = icalendar.vText(_line(name))
    cal["X-WR-CALNAME"] = icalendar.vText(_line(name))
    if refresh is not None:
        # How often a subscribed calendar should fetch again: REFRESH-INTERVAL (RFC 7986) for
        # most, X-PUBLISHED-TTL for Outlook.
        cal.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: without vDuration it would be written "1:00:00".
        cal.add("X-PUBLISHED-TTL", icalendar.vDuration(refresh))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def network_ics(
    network: Network, meetings: Iterable[Meeting], *, now: datetime.datetime | None = None
) -> bytes:
    """Every meeting of the network in one calendar, the cancelled ones marked so."""
    meetings = list(meetings)
    revisions = selectors.meeting_revisions(meetings)
    stamp = now or timezone.now()
    events = [_event(m, network, revisions[m.pk], stamp) for m in meetings]
    return _calendar(network_calendar_uid(network), network.title, events)


def meeting_ics(meeting: Meeting, network: Network, *, now: datetime.datetime | None = None) -> bytes:
    """One meeting, cancelled or not."""
    revision = selectors.meeting_revisions([meeting])[meeting.pk]
    event = _event(meeting, network, revision, now or timezone.now())
    return _calendar(meeting_calendar_uid(meeting), f"{meeting.title} – {network.title}", [event])


# --- The subscribed feed -----------------------------------------------------------------------

FEED_REFRESH = datetime.timedelta(hours=1)


def feed_uid(user) -> str:
    return f"kalender-bruger-{user.pk}@{UID_DOMAIN}"


def board_meeting_uid(day: datetime.date) -> str:
    return f"direktoerforum-{day:%Y%m%d}@{UID_DOMAIN}"


@dataclass(frozen=True)
class BoardMeeting:
    """One Direktørforum meeting date and the cases decided on it (titles and outcome, no people)."""

    day: datetime.date
    cases: tuple[tuple[str, str], ...]
    last_changed_at: datetime.datetime


def board_meetings(decisions: Iterable) -> list[BoardMeeting]:
    """Decisions (with their network, ordered by meeting date) grouped by meeting date."""
    by_day: dict[datetime.date, list] = {}
    for decision in decisions:
        by_day.setdefault(decision.meeting_date, []).append(decision)
    return [
        BoardMeeting(
            day=day,
            cases=tuple((d.network.title, str(d.get_outcome_display())) for d in day_decisions),
            last_changed_at=max(d.decided_at for d in day_decisions),
        )
        for day, day_decisions in by_day.items()
    ]


def _board_event(board: BoardMeeting, stamp: datetime.datetime) -> icalendar.Event:
    description = (
        _("Sager:") + "\n" + "\n".join(f"– {_line(title)}: {outcome}" for title, outcome in board.cases)
    )
    return icalendar.Event.new(
        uid=board_meeting_uid(board.day),
        summary=_("Direktørforum: møde"),
        start=board.day,
        end=board.day + datetime.timedelta(days=1),
        description=description,
        status="CONFIRMED",
        # Decisions are never changed or deleted, so a case more on the day is the only change.
        sequence=len(board.cases) - 1,
        last_modified=_utc(board.last_changed_at),
        stamp=_utc(stamp),
    )


def feed_last_modified(
    meetings: Iterable[Meeting],
    revisions: dict[int, selectors.MeetingRevision],
    boards: Iterable[BoardMeeting],
    since: datetime.datetime,
) -> datetime.datetime:
    """The feed's latest change: a meeting's, a board meeting's, or `since` (the feed's own
    renewal), whichever is last."""
    moments = [since]
    moments += [revisions[m.pk].last_changed_at for m in meetings if revisions[m.pk].last_changed_at]
    moments += [board.last_changed_at for board in boards]
    return max(moments)


def feed_ics(
    *,
    user,
    name: str,
    meetings: Iterable[Meeting],
    boards: Iterable[BoardMeeting],
    since: datetime.datetime,
) -> tuple[bytes, datetime.datetime]:
    """A user's subscribed calendar and the time of its latest change.

    `meetings` come with their network (`select_related`); each is the same event as in the
    network's downloaded file, so the UIDs agree.
    """
    meetings = list(meetings)
    boards = list(boards)
    revisions = selectors.meeting_revisions(meetings)
    stamp = feed_last_modified(meetings, revisions, boards, since)
    events = [_event(m, m.network, revisions[m.pk], stamp) for m in meetings]
    events += [_board_event(board, stamp) for board in boards]
    content = _calendar(feed_uid(user), name, events, refresh=FEED_REFRESH)
    return content, stamp


def filename(text: str) -> str:
    """A file name for the download: letters, digits and dashes (Danish letters spelled out)."""
    spelled = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    cleaned = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in spelled)
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "kalender"
