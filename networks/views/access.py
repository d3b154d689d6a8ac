"""How the leaders' pages find what a request is about, and who may use them.

`network_page` resolves the network in the URL through `selectors.network_for_user`, so a network
the user may not see is 404 and nobody learns it exists. Pages that change something are for the
network's leader only: others who may see the network (Direktørforum, administrators) get 403.
A network that cannot be changed in its current state sends the leader back to its page with the
reason, in the words of `services`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Literal, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect

from networks import selectors, services
from networks.forms import REFUSED, Refused
from networks.models import Meeting, Network, Participant
from networks.services import DomainError, RoleRefused

T = TypeVar("T")


def network_page(*, lead: bool = False, change: bool = False):
    """Call the view with the network instead of its id.

    lead: only the network's leader may use the page. change: and the network's content must be
    changeable now (which also means lead).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            network = selectors.network_for_user(request.user, pk)
            if change:
                checked = call_service_with_messages(
                    request, lambda: services.network_check_change(network=network, by=request.user)
                )
                if checked is REFUSED:
                    return redirect(network)
            elif lead and network.leader_id != request.user.pk:
                raise PermissionDenied
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
    for participant in network.participants.all():
        if participant.pk == participant_pk:
            participant.network = network
            return participant
    raise Http404


def show_refusal(request, refusal: DomainError) -> None:
    """A refused change as messages: what was refused, then each blocking finding."""
    messages.error(request, refusal.message)
    for finding in refusal.findings:
        messages.error(request, finding.message, extra_tags="finding")


def call_service_with_messages(request, call: Callable[[], T]) -> T | Literal[Refused.REFUSED]:
    """`networks.forms.call_service` for a button with no form: run `call()` and return its
    result; if the service refuses, show the refusal as messages and return `REFUSED`.

    A `ValidationError` is one message, a `RoleRefused` is `PermissionDenied` (403) and any other
    `DomainError` goes through `show_refusal`.
    """
    try:
        return call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        show_refusal(request, exc)
    return REFUSED
