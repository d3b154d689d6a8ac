"""Email to the people a change concerns, through the outbox.

Services call these inside their own transaction: each message becomes an `OutgoingEmail`
row and a `networks.tasks.send_email` task in the same transaction as the change, so a change that
rolls back sends nothing and a mail server that is down delays the email instead of losing it.
Texts are templates under templates/emails/; links are absolute from SITE_URL. Every message goes
out through `send_one`, which keeps its subject on one line whatever a stored title holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from networks import roles, selectors, tasks
from networks.models import ChangeRequest, Decision, Network
from networks.text import one_line


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(subject: str, template: str, context: dict, recipients: Iterable[str]) -> int:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return 0
    body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    # One message per recipient, so nobody sees who else received it.
    for address in recipients:
        tasks.queue_email(subject, body, address)
    return len(recipients)


def send_one(subject: str, body: str, address: str) -> int:
    # A subject is one header line: Django refuses a line break in it (BadHeaderError), and a title
    # stored with one would otherwise stop the e-mail.
    return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)


def direktoerforum_members():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.DIREKTOERFORUM)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def network_submitted(network: Network) -> int:
    """Tell Direktørforum's members that a case waits for them (the leader is never told of their own)."""
    members = direktoerforum_members().exclude(pk=network.leader_id)
    return _send(
        _("Ny sag til Direktørforum: %(title)s") % {"title": network.title},
        "emails/network_submitted.txt",
        {
            "network": network,
            "leader_name": roles.display_name(network.leader),
            "case_url": absolute_url(reverse("direktoerforum:case", args=[network.pk])),
        },
        (member.email for member in members),
    )


def decision_made(decision: Decision) -> int:
    """Tell the leader what Direktørforum decided, with the comment."""
    network = decision.network
    return _send(
        _("Direktørforums beslutning om “%(title)s”: %(outcome)s")
        % {"title": network.title, "outcome": decision.get_outcome_display().lower()},
        "emails/decision_made.txt",
        {
            "network": network,
            "decision": decision,
            "decided_by_name": roles.display_name(decision.decided_by),
            "network_url": absolute_url(network.get_absolute_url()),
        },
        [network.leader.email],
    )


def change_request_submitted(change_request: ChangeRequest) -> int:
    """Tell Direktørforum's members that a change request waits for them (never the leader)."""
    network = change_request.network
    members = direktoerforum_members().exclude(pk=network.leader_id)
    return _send(
        _("Ændringsanmodning til Direktørforum: %(title)s") % {"title": network.title},
        "emails/change_request_submitted.txt",
        {
            "network": network,
            "change_request": change_request,
            "changes": selectors.change_request_rows(change_request),
            "leader_name": roles.display_name(network.leader),
            "case_url": absolute_url(reverse("direktoerforum:change_request", args=[change_request.pk])),
        },
        (member.email for member in members),
    )


def change_request_decided(change_request: ChangeRequest) -> int:
    """Tell the leader what Direktørforum decided about the change request, with the comment."""
    network = change_request.network
    return _send(
        _("Direktørforums beslutning om ændringsanmodningen for %(title)s: %(outcome)s")
        % {"title": network.title, "outcome": change_request.get_status_display().lower()},
        "emails/change_request_decided.txt",
        {
            "network": network,
            "change_request": change_request,
            "changes": selectors.change_request_rows(change_request),
            "decided_by_name": roles.display_name(change_request.decided_by),
            "network_url": absolute_url(network.get_absolute_url()),
        },
        [network.leader.email],
    )


def network_concluded(network: Network) -> int:
    """Tell Direktørforum's members what came of an innovation network they approved, when it
    concludes (its leader, if a member, wrote the summary and is not told)."""
    members = direktoerforum_members().exclude(pk=network.leader_id)
    return _send(
        _("Afsluttet: %(title)s") % {"title": network.title},
        "emails/network_concluded.txt",
        {
            "network": network,
            "leader_name": roles.display_name(network.leader),
            "follow_ups": list(network.follow_ups.all()),
            "case_url": absolute_url(reverse("direktoerforum:case", args=[network.pk])),
        },
        (member.email for member in members),
    )
