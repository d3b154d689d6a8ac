"""Reads: which networks a user may see, with what the pages and rules need already loaded."""

from django.db.models import Max, Q, QuerySet
from django.http import Http404

from networks import roles
from networks.models import Decision, Network, Status


def networks_visible_to(user) -> QuerySet[Network]:
    """Administrators see every network; Direktørforum members also see every innovation network
    from its first submission on; everyone else sees the networks they lead."""
    networks = Network.objects.with_related()
    if roles.is_administrator(user):
        return networks
    visible = Q(leader=user)
    if roles.is_direktoerforum(user):
        visible |= Q(type__requires_approval=True, submission_round__gt=0)
    return networks.filter(visible)


def network_for_user(user, pk) -> Network:
    """The network if the user may see it; otherwise 404, so nobody learns that it exists."""
    try:
        return networks_visible_to(user).get(pk=pk)
    except (Network.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Direktørforum ----------------------------------------------------------------------------


def _with_submitted_at(networks: QuerySet[Network]) -> QuerySet[Network]:
    return networks.annotate(
        submitted_at=Max("status_changes__changed_at", filter=Q(status_changes__to_status=Status.SUBMITTED))
    )


def direktoerforum_queue() -> QuerySet[Network]:
    """Innovation networks waiting for a decision, the longest-waiting first."""
    return _with_submitted_at(
        Network.objects.with_related().filter(type__requires_approval=True, status=Status.SUBMITTED)
    ).order_by("submitted_at", "pk")


def direktoerforum_cases(ids) -> QuerySet[Network]:
    """The waiting cases among `ids`, in queue order (for the meeting agenda)."""
    return direktoerforum_queue().filter(pk__in=ids)


def direktoerforum_portfolio() -> QuerySet[Network]:
    """Approved and running innovation networks."""
    return (
        Network.objects.with_related()
        .filter(type__requires_approval=True, status__in=[Status.APPROVED, Status.ACTIVE])
        .order_by("status", "title")
    )


def recent_decisions(limit: int = 20) -> QuerySet[Decision]:
    return Decision.objects.select_related("network", "network__type", "decided_by").order_by(
        "-decided_at", "-pk"
    )[:limit]


def case_history(network: Network):
    """Every round before Direktørforum: the decisions and the status changes, oldest first."""
    return (
        network.decisions.select_related("decided_by").order_by("decided_at", "pk"),
        network.status_changes.select_related("changed_by").order_by("changed_at", "pk"),
    )
