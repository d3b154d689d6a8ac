"""Reads: which networks a user may see, with what the pages and rules need already loaded."""

from django.db.models import Q, QuerySet
from django.http import Http404

from networks import roles
from networks.models import Network


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
