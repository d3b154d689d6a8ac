"""How the leaders' pages find what a request is about, and who may use them.

`network_page` resolves the network in the URL through `selectors.network_for_user`, so a network
the user may not see is 404 and nobody learns it exists. Pages that change something ask the
services' checks: others who may see the network (Direktørforum, administrators) get 403, and a
network that cannot be changed in its current state sends the leader back to its page with the
reason, in the words of `services`.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from networks import selectors, services
from networks.models import Meeting, Network, Participant
from networks.views.helpers import REFUSED, call_service_with_messages


def network_page(*, lead: bool = False, change: bool = False):
    """Call the view with the network instead of its id.

    lead: only the network's leader may use the page (`services.network_check_lead`). change: the
    leader may change the network's content now (`services.network_check_change`).
    """
    check = services.network_check_change if change else services.network_check_lead if lead else None

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            network = selectors.network_for_user(request.user, pk)
            if check is not None:
                checked = call_service_with_messages(request, lambda: check(network=network, by=request.user))
                if checked is REFUSED:
                    return redirect(network)
            return view(request, network, *args, **kwargs)

        return wrapper

    return decorator


def meeting_of(network: Network, meeting_pk: int) -> Meeting:
    """The network's meeting, from the rows already loaded with the network."""
    for meeting in network.meetings.all():
        if meeting.pk == meeting_pk:
            meeting.network = network
            return meeting
    raise Http404


def participant_of(network: Network, participant_pk: int) -> Participant:
    """The network's participant, from the rows already loaded with the network."""
    for participant in network.participants.all():
        if participant.pk == participant_pk:
            participant.network = network
            return participant
    raise Http404
