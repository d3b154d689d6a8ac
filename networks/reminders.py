"""The reminders `manage.py send_reminders` sends, meant for a daily cron job.

Each reminder is recorded in `SentReminder` under a key naming what it was about (the meeting and
its date, the sprint's last day, the ISO week for recurring ones), in the same transaction as its
email is written to the outbox (`networks.tasks`): running the command twice the same day queues
nothing twice, and an email the mail server refused is retried by its task, not by the next run.
What is due for a network of one type is the type's own (its spec's `reminders`, asking its rules:
a sprint ended without conclusion, too few meetings).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks import notifications, rules, selectors, tasks
from networks.dates import iso_week_key
from networks.models import (
    OPEN_STATUSES,
    FollowUp,
    Meeting,
    MeetingStatus,
    Network,
    ReminderKind,
    SentReminder,
    Status,
)


@dataclass
class Reminder:
    kind: ReminderKind
    key: str
    recipient: object
    subject: str
    template: str
    context: dict


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def meetings_tomorrow(today: datetime.date):
    start, end = _day_bounds(today + datetime.timedelta(days=1))
    meetings = (
        Meeting.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            network__status__in=OPEN_STATUSES,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("network", "network__leader")
        .order_by("starts_at")
    )
    for meeting in meetings:
        network = meeting.network
        yield Reminder(
            ReminderKind.MEETING_TOMORROW,
            f"meeting:{meeting.pk}:{timezone.localtime(meeting.starts_at).isoformat()}",
            network.leader,
            _("Påmindelse: “%(title)s” i morgen") % {"title": meeting.title},
            "emails/reminder_meeting.txt",
            {"meeting": meeting, "network": network},
        )


def network_nudges(today: datetime.date):
    """What each type's spec says is due for its open networks today (a sprint ending or ended, a
    meeting plan with too few meetings), to the network's leader."""
    for spec in rules.all_specs():
        for rule in spec.reminders:
            networks = (
                Network.objects.filter(type__code=spec.code, status__in=rule.statuses)
                .select_related("type", "leader")
                .prefetch_related(
                    "participants",
                    Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at", "pk")),
                )
                .order_by("pk")
            )
            for network in networks:
                nudge = rule.due(network, today)
                if nudge is None:
                    continue
                yield Reminder(
                    nudge.kind,
                    nudge.key,
                    network.leader,
                    nudge.subject,
                    nudge.template,
                    {
                        "network": network,
                        "network_url": notifications.absolute_url(network.get_absolute_url()),
                        **nudge.context,
                    },
                )


def follow_ups_due(today: datetime.date):
    """A follow-up that has fallen due and is not answered, to the leader of its concluded network:
    once per follow-up (a run missed on the due day still sends it the next day)."""
    follow_ups = (
        FollowUp.objects.filter(answered_at__isnull=True, due__lte=today, network__status=Status.CONCLUDED)
        .select_related("network", "network__leader")
        .order_by("due", "pk")
    )
    for follow_up in follow_ups:
        network = follow_up.network
        yield Reminder(
            ReminderKind.FOLLOW_UP_DUE,
            f"follow_up:{follow_up.pk}",
            network.leader,
            _("Opfølgning på %(title)s skal besvares") % {"title": network.title},
            "emails/reminder_follow_up.txt",
            {
                "network": network,
                "follow_up": follow_up,
                "follow_up_url": notifications.absolute_url(
                    reverse("networks:follow_up", args=[network.pk, follow_up.pk])
                ),
            },
        )


def direktoerforum_digest(today: datetime.date):
    waiting_days = settings.REMINDER_CASE_WAITING_DAYS
    cases = [
        (network, (today - timezone.localdate(network.submitted_at)).days)
        for network in selectors.direktoerforum_queue()
        if network.submitted_at
    ]
    cases = [(network, days) for network, days in cases if days > waiting_days]
    if not cases:
        return
    for member in notifications.direktoerforum_members():
        own = [(network, days) for network, days in cases if network.leader_id != member.pk]
        if not own:
            continue
        yield Reminder(
            ReminderKind.DIREKTOERFORUM_DIGEST,
            f"digest:{iso_week_key(today)}",
            member,
            ngettext(
                "%(count)d sag har ventet mere end %(days)d dage på Direktørforum",
                "%(count)d sager har ventet mere end %(days)d dage på Direktørforum",
                len(own),
            )
            % {"count": len(own), "days": waiting_days},
            "emails/reminder_digest.txt",
            {
                "cases": [
                    {
                        "network": network,
                        "days": days,
                        "url": notifications.absolute_url(reverse("direktoerforum:case", args=[network.pk])),
                    }
                    for network, days in own
                ],
                "waiting_days": waiting_days,
                "dashboard_url": notifications.absolute_url(reverse("direktoerforum:dashboard")),
            },
        )


SOURCES = (meetings_tomorrow, network_nudges, follow_ups_due, direktoerforum_digest)


def send_due(today: datetime.date | None = None) -> Counter:
    """Send every reminder due `today` that has not been sent before. Returns counts per kind."""
    today = today or timezone.localdate()
    sent: Counter = Counter()
    for source in SOURCES:
        for reminder in source(today):
            if not reminder.recipient.email or not reminder.recipient.is_active:
                continue
            if _send_once(reminder):
                sent[reminder.kind] += 1
    return sent


def _send_once(reminder: Reminder) -> bool:
    """Record the reminder and write its email to the outbox in one transaction: a reminder
    recorded before is skipped (False); the email's sending, and its retries, are the task's."""
    body = render_to_string(
        reminder.template,
        {"recipient": reminder.recipient, "site_url": settings.SITE_URL, **reminder.context},
    )
    try:
        with transaction.atomic():
            SentReminder.objects.create(kind=reminder.kind, key=reminder.key, recipient=reminder.recipient)
            tasks.queue_email(reminder.subject, body, reminder.recipient.email)
    except IntegrityError:
        return False
    return True
