"""Reads: which networks a user may see, and what the pages and rules need of them.

The selectors load a network with its type and leader. A page that shows one network's people and
meetings adds `.with_related()`; a list that shows findings or progress but not the people asks
`with_rule_facts` for what the rules need, in two grouped queries.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Length, Trim, TruncDate
from django.http import Http404

from networks import roles
from networks.models import Decision, Meeting, MeetingStatus, Network, Participant, ParticipantRole, Status
from networks.rules import RuleFacts


def networks_visible_to(user) -> QuerySet[Network]:
    """Administrators see every network; Direktørforum members also see every innovation network
    from its first submission on; everyone else sees the networks they lead."""
    networks = Network.objects.select_related("type", "leader")
    if roles.is_administrator(user):
        return networks
    visible = Q(leader=user)
    if roles.is_direktoerforum(user):
        visible |= Q(type__requires_approval=True, submission_round__gt=0)
    return networks.filter(visible)


def network_for_user(user, pk) -> Network:
    """The network if the user may see it; otherwise 404, so nobody learns that it exists."""
    try:
        return networks_visible_to(user).with_related().get(pk=pk)
    except (Network.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def with_rule_facts(networks: Iterable[Network]) -> list[Network]:
    """The networks, each with what the rules need of its participants and meetings, in two grouped
    queries: for lists of networks whose findings or progress are shown but not their people.

    The same facts as `RuleFacts.from_rows` gives from the rows (tests hold the two equal); at 50
    networks a page this reads ~250 small tuples instead of ~1,000 participants as model objects.
    """
    networks = list(networks)
    ids = [network.pk for network in networks]
    core = defaultdict(int)
    categories = defaultdict(set)
    committed = set()
    groups = (
        Participant.objects.filter(network_id__in=ids, left_on__isnull=True)
        .values_list("network_id", "role", "actor_category")
        # A commitment counts when it is more than spaces. (`RuleFacts.from_rows` strips all white
        # space; forms, the API and the import strip it before a commitment is stored, so the two
        # agree on everything the app can store. A regex here made SQLite call Python per row.)
        .annotate(n=Count("pk"), committed=Max(Length(Trim("commitment"))))
        .order_by()
    )
    for network_id, role, category, n, with_commitment in groups:
        categories[network_id].add(category)
        if role == ParticipantRole.CORE:
            core[network_id] += n
        if with_commitment:
            committed.add(network_id)
    days = defaultdict(list)
    meetings = (
        Meeting.objects.filter(network_id__in=ids)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("network_id", TruncDate("starts_at"))  # the local day, as timezone.localdate
        .order_by("network_id", "starts_at")
    )
    for network_id, day in meetings:
        days[network_id].append(day)
    for network in networks:
        network.rule_facts = RuleFacts(
            core_count=core[network.pk],
            categories=frozenset(categories[network.pk]),
            has_commitment=network.pk in committed,
            meeting_days=tuple(days[network.pk]),
        )
    return networks


# --- Direktørforum ----------------------------------------------------------------------------


def _with_submitted_at(networks: QuerySet[Network]) -> QuerySet[Network]:
    return networks.annotate(
        submitted_at=Max("status_changes__changed_at", filter=Q(status_changes__to_status=Status.SUBMITTED))
    )


def direktoerforum_queue() -> QuerySet[Network]:
    """Innovation networks waiting for a decision, the longest-waiting first."""
    return _with_submitted_at(
        Network.objects.select_related("type", "leader").filter(
            type__requires_approval=True, status=Status.SUBMITTED
        )
    ).order_by("submitted_at", "pk")


def direktoerforum_cases(ids) -> QuerySet[Network]:
    """The waiting cases among `ids`, in queue order, with their people (for the meeting agenda)."""
    return direktoerforum_queue().filter(pk__in=ids).with_related()


def direktoerforum_portfolio() -> QuerySet[Network]:
    """Approved and running innovation networks."""
    return (
        Network.objects.select_related("type", "leader")
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
