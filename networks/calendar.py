"""Meetings as iCalendar (.ics), for Outlook and other calendars.

Each meeting keeps one UID, so importing the file again updates the event instead of adding a copy;
a cancelled meeting downloaded on its own carries STATUS:CANCELLED so the calendar can remove it.
Times are written in Europe/Copenhagen with the time zone included.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _event(meeting: Meeting, network: Network, stamp: datetime.datetime) -> icalendar.Event:
    zone = timezone.get_default_timezone()
    description = meeting.agenda.strip()
    if description:
        description = _("Dagsorden:") + "\n" + description
    event = icalendar.Event.new(
        uid=meeting_uid(meeting),
        summary=f"{meeting.title} – {network.title}",
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone) if meeting.ends_at else None,
        location=meeting.location or None,
        description=description or None,
        status=_STATUS.get(meeting.status),
        stamp=stamp,
    )
    return event


def _calendar(name: str, events: Iterable[icalendar.Event]) -> bytes:
    cal = icalendar.Calendar.new(prodid=PRODID, name=name)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def network_ics(
    network: Network, meetings: Iterable[Meeting], *, now: datetime.datetime | None = None
) -> bytes:
    """Every non-cancelled meeting of the network in one calendar."""
    stamp = now or timezone.now()
    events = [_event(m, network, stamp) for m in meetings if m.status != MeetingStatus.CANCELLED]
    return _calendar(network.title, events)


def meeting_ics(meeting: Meeting, network: Network, *, now: datetime.datetime | None = None) -> bytes:
    """One meeting, cancelled or not."""
    return _calendar(f"{meeting.title} – {network.title}", [_event(meeting, network, now or timezone.now())])


def filename(text: str) -> str:
    """A file name for the download: letters, digits and dashes (Danish letters spelled out)."""
    spelled = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    cleaned = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in spelled)
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "kalender"
