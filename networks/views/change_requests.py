"""Change requests: the leader asks Direktørforum to change what it approved, and Direktørforum
decides.

The leader's section on the network page and the form to ask; Direktørforum's case page for one
change request. Who may ask or decide, and what may change, is `services.change_request_check_*`
and `rules.APPROVED_CONTENT`; these views only show their answers.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from networks import roles, selectors, services
from networks.choices import APPROVED_STATUSES
from networks.forms import ChangeRequestDecisionForm, ChangeRequestForm
from networks.models import ChangeRequest, ChangeRequestStatus, Network, Status
from networks.views.access import network_page
from networks.views.helpers import REFUSED, call_service, call_service_with_messages, record_decision


def days_waiting(change_request: ChangeRequest, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localdate(change_request.requested_at)).days


def section(network: Network, user) -> dict | None:
    """The network page's "Ændringsanmodninger": only for networks Direktørforum approved (no
    query for any other)."""
    if not network.type.requires_approval or network.status not in (*APPROVED_STATUSES, Status.CANCELLED):
        return None
    requests = [
        {"change_request": change_request, "fields": selectors.change_request_rows(change_request)}
        for change_request in selectors.change_requests_of(network)
    ]
    can_request = network.leader_id == user.pk and services.allows(
        services.change_request_check_create, network=network, by=user
    )
    return {"rows": requests, "can_request": can_request}


@require_http_methods(["GET", "POST"])
@network_page(lead=True)
def change_request_create(request, network):
    checked = call_service_with_messages(
        request, lambda: services.change_request_check_create(network=network, by=request.user)
    )
    if checked is REFUSED:
        return redirect(network)
    form = ChangeRequestForm(request.POST if request.method == "POST" else None, network=network)
    if form.is_bound and form.is_valid():
        created = call_service(
            form,
            lambda: services.change_request_create(
                network=network, by=request.user, changes=form.changes(), reason=form.cleaned_data["reason"]
            ),
            refusal_fields={"change_request_pending": "reason"},
        )
        if created is not REFUSED:
            messages.success(
                request,
                _(
                    "Ændringsanmodningen er sendt til Direktørforum. "
                    "Du får besked, når der er truffet en beslutning."
                ),
            )
            return redirect(network)
    return render(request, "networks/change_request_form.html", {"form": form, "network": network})


def _refusal_note(refusal: services.DomainError | None, change_request: ChangeRequest) -> str:
    """The note in place of the decision form: a role refusal in the service's words; a request
    no longer waiting only says how it was decided (shown on the page already)."""
    if refusal is None:
        return ""
    if isinstance(refusal, services.RoleRefused):
        return refusal.message
    return _("Ændringsanmodningen venter ikke længere på en beslutning; den er %(status)s.") % {
        "status": change_request.get_status_display().lower()
    }


DECIDERS = {
    ChangeRequestStatus.APPROVED: services.change_request_approve,
    ChangeRequestStatus.REJECTED: services.change_request_reject,
}


@require_http_methods(["GET", "POST"])
def change_request_case(request, pk):
    if not roles.uses_direktoerforum_workspace(request.user):
        raise PermissionDenied(_("Kun Direktørforum og administratorer har adgang til denne side."))
    change_request = selectors.change_request_for_user(request.user, pk)
    network = change_request.network
    form = ChangeRequestDecisionForm(request.POST if request.method == "POST" else None)
    refusal = services.refusal_of(
        services.change_request_check_decide, change_request=change_request, by=request.user
    )
    if request.method == "POST":
        if isinstance(refusal, services.RoleRefused):
            raise PermissionDenied(refusal.message)
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            response = record_decision(
                request,
                form,
                lambda: DECIDERS[outcome](
                    change_request=change_request, by=request.user, comment=form.cleaned_data["comment"]
                ),
                outcome_label=ChangeRequestStatus(outcome).label,
                back=reverse("direktoerforum:change_request", args=[change_request.pk]),
            )
            if response is not None:
                return response
    pending = change_request.status == ChangeRequestStatus.PENDING
    return render(
        request,
        "networks/direktoerforum/change_request.html",
        {
            "change_request": change_request,
            "network": network,
            # Waiting: what the network holds now against what is proposed; decided: as it was.
            "fields": selectors.change_request_rows(change_request, current=network if pending else None),
            "pending": pending,
            "days_waiting": days_waiting(change_request),
            "form": form,
            "refusal": _refusal_note(refusal, change_request),
        },
    )
