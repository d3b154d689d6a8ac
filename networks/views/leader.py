"""Pages for network leaders (and the read-only views others get of the networks they may see)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from networks import roles, rules, selectors
from networks.models import Status


@require_GET
def home(request):
    networks = list(selectors.networks_visible_to(request.user).order_by("status", "title"))
    rows = [(network, rules.findings(network), rules.progress(network)) for network in networks]
    open_rows = [
        row for row in rows if row[0].status not in (Status.CONCLUDED, Status.CANCELLED, Status.REJECTED)
    ]
    closed_rows = [row for row in rows if row not in open_rows]
    return render(
        request,
        "networks/home.html",
        {
            "open_rows": open_rows,
            "closed_rows": closed_rows,
            "is_administrator": roles.is_administrator(request.user),
            "is_direktoerforum": roles.is_direktoerforum(request.user),
        },
    )


@require_GET
def network_detail(request, pk):
    network = selectors.network_for_user(request.user, pk)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "findings": rules.findings(network),
            "progress": rules.progress(network),
            "decisions": network.decisions.select_related("decided_by"),
            "status_changes": network.status_changes.select_related("changed_by"),
        },
    )
