"""The services' checks: "may this user do this now?", answered once.

Each `network_check_<action>` raises the refusal its service gives (the service calls it on the
locked row), so pages, the admin and the API that ask it offer exactly what the service allows.
For each check: the cases it allows, and each refusal with its Danish message and code. What the
rules block is not part of a check: pages show those findings next to the button.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from networks import roles, services
from networks.services import DomainError, RoleRefused
from tests.factories import COPENHAGEN, add_meetings, ready_to_start

NOT_LEADER = "Kun netværkets leder kan gøre dette."
NOT_ADMINISTRATOR = "Kun administratorer kan gøre dette i administrationen."
NOT_DELETABLE = "Kun en kladde, der aldrig har været indstillet, kan slettes. Annullér netværket i stedet."
SUBMITTED_READ_ONLY = (
    "Netværket er indstillet til Direktørforum og kan ikke ændres, før der er truffet en beslutning."
)


def refused(check, **kwargs) -> tuple[type, str, str]:
    """The refusal's kind, message and code."""
    with pytest.raises(DomainError) as caught:
        check(**kwargs)
    return type(caught.value), caught.value.message, caught.value.code


@pytest.fixture
def returned_draft(submitted_innovation, direktoer):
    """A draft again after Direktørforum asked for changes: it has been before Direktørforum."""
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skarpere formål.")
    submitted_innovation.refresh_from_db()
    return submitted_innovation


@pytest.fixture
def cancelled_draft(draft_welfare, leader):
    """Cancelled without ever being submitted."""
    return services.network_cancel(network=draft_welfare, by=leader, comment="Droppet.")


@pytest.fixture
def running_learning(draft_learning, leader):
    ready_to_start(draft_learning)
    add_meetings(draft_learning, draft_learning.type.min_meetings)
    return services.network_start(network=draft_learning, by=leader)


# --- What each check allows -----------------------------------------------------------------------

ALLOWED = {
    "leaders may register networks": (services.network_check_create, None, "leader"),
    "administrators may register networks": (services.network_check_create, None, "administrator"),
    "the leader leads their network": (services.network_check_lead, "draft_welfare", "leader"),
    "the leader changes a draft": (services.network_check_change, "draft_welfare", "leader"),
    "the leader changes a running network": (services.network_check_change, "running_learning", "leader"),
    "the leader changes the type of a draft": (services.network_check_type_change, "draft_welfare", "leader"),
    "the leader deletes a draft that never went anywhere": (
        services.network_check_delete,
        "draft_welfare",
        "leader",
    ),
    "the leader submits an innovation draft": (services.network_check_submit, "draft_innovation", "leader"),
    "a member of Direktørforum decides a submitted case": (
        services.network_check_decide,
        "submitted_innovation",
        "direktoer",
    ),
    # The state allows it; what the rules still block is shown beside the button.
    "the leader starts a draft that needs no approval": (
        services.network_check_start,
        "draft_welfare",
        "leader",
    ),
    "the leader concludes a running network": (services.network_check_conclude, "running_learning", "leader"),
    "the leader cancels an open network": (services.network_check_cancel, "submitted_innovation", "leader"),
    "an administrator cancels an open network": (
        services.network_check_cancel,
        "submitted_innovation",
        "administrator",
    ),
    "an administrator changes an editable network in the admin": (
        services.network_check_admin_change,
        "draft_welfare",
        "administrator",
    ),
    "an administrator deletes a draft that never went anywhere in the admin": (
        services.network_check_admin_delete,
        "draft_welfare",
        "administrator",
    ),
}


@pytest.mark.parametrize(("the_check", "state", "persona"), ALLOWED.values(), ids=ALLOWED.keys())
def test_the_check_allows(request, network_types, the_check, state, persona):
    by = request.getfixturevalue(persona)
    if state is None:
        the_check(by=by)
    else:
        the_check(network=request.getfixturevalue(state), by=by)


def test_the_leader_may_start_an_approved_innovation_network(decided_case, leader):
    services.network_check_start(network=decided_case.network, by=leader)


# --- What each check refuses, in the service's words --------------------------------------------

ONLY_DIREKTOERFORUM = "Kun medlemmer af Direktørforum kan træffe beslutning om innovationsnetværk."
ONLY_LEADER_OR_ADMINISTRATOR = "Kun netværkets leder eller en administrator kan annullere netværket."

REFUSED = {
    # create
    "Direktørforum does not register networks": (
        services.network_check_create,
        None,
        "direktoer",
        (RoleRefused, "Kun netværksledere kan oprette netværk.", "not_leader"),
    ),
    "a user without a role does not register networks": (
        services.network_check_create,
        None,
        "outsider",
        (RoleRefused, "Kun netværksledere kan oprette netværk.", "not_leader"),
    ),
    # lead
    "another leader does not lead the network": (
        services.network_check_lead,
        "draft_welfare",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "an administrator does not lead the network": (
        services.network_check_lead,
        "draft_welfare",
        "administrator",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    # change: the network's fields, participants and meeting plan
    "another leader does not change the network": (
        services.network_check_change,
        "draft_welfare",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a submitted network does not change": (
        services.network_check_change,
        "submitted_innovation",
        "leader",
        (DomainError, SUBMITTED_READ_ONLY, "read_only"),
    ),
    "a cancelled network does not change": (
        services.network_check_change,
        "cancelled_draft",
        "leader",
        (DomainError, "Netværket er annulleret og kan ikke længere ændres.", "read_only"),
    ),
    # type change
    "another leader does not change the type": (
        services.network_check_type_change,
        "draft_welfare",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a running network keeps its type": (
        services.network_check_type_change,
        "running_learning",
        "leader",
        (DomainError, "Netværkstypen kan kun ændres, mens netværket er en kladde.", "type_locked"),
    ),
    "a draft that has been before Direktørforum keeps its type": (
        services.network_check_type_change,
        "returned_draft",
        "leader",
        (
            DomainError,
            "Netværkstypen kan ikke ændres, når netværket har været indstillet til Direktørforum.",
            "type_locked",
        ),
    ),
    # delete
    "another leader does not delete the draft": (
        services.network_check_delete,
        "draft_welfare",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "an administrator deletes only in the admin": (
        services.network_check_delete,
        "draft_welfare",
        "administrator",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a draft sent back by Direktørforum is not deleted": (
        services.network_check_delete,
        "returned_draft",
        "leader",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
    "a cancelled network is not deleted": (
        services.network_check_delete,
        "cancelled_draft",
        "leader",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
    "a submitted network is not deleted": (
        services.network_check_delete,
        "submitted_innovation",
        "leader",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
    # submit
    "another leader does not submit": (
        services.network_check_submit,
        "draft_innovation",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a welfare network is not submitted": (
        services.network_check_submit,
        "draft_welfare",
        "leader",
        (
            DomainError,
            "Kun innovationsnetværk indstilles til Direktørforum; dette netværk kan startes direkte.",
            "approval_not_required",
        ),
    ),
    "a submitted network is not submitted again": (
        services.network_check_submit,
        "submitted_innovation",
        "leader",
        (
            DomainError,
            "Netværket kan kun indstilles fra kladde; det er indstillet til Direktørforum.",
            "wrong_status",
        ),
    ),
    # decide
    "the leader does not decide": (
        services.network_check_decide,
        "submitted_innovation",
        "leader",
        (RoleRefused, ONLY_DIREKTOERFORUM, "not_direktoerforum"),
    ),
    "an administrator does not decide": (
        services.network_check_decide,
        "submitted_innovation",
        "administrator",
        (RoleRefused, ONLY_DIREKTOERFORUM, "not_direktoerforum"),
    ),
    # start
    "another leader does not start": (
        services.network_check_start,
        "draft_welfare",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a running network is not started again": (
        services.network_check_start,
        "running_learning",
        "leader",
        (DomainError, "Netværket kan ikke startes; det er aktivt.", "wrong_status"),
    ),
    # conclude
    "another leader does not conclude": (
        services.network_check_conclude,
        "running_learning",
        "other_leader",
        (RoleRefused, NOT_LEADER, "not_leader"),
    ),
    "a draft is not concluded": (
        services.network_check_conclude,
        "draft_welfare",
        "leader",
        (DomainError, "Kun et aktivt netværk kan afsluttes; dette er en kladde.", "wrong_status"),
    ),
    # cancel
    "another leader does not cancel": (
        services.network_check_cancel,
        "submitted_innovation",
        "other_leader",
        (RoleRefused, ONLY_LEADER_OR_ADMINISTRATOR, "not_leader"),
    ),
    "Direktørforum does not cancel": (
        services.network_check_cancel,
        "submitted_innovation",
        "direktoer",
        (RoleRefused, ONLY_LEADER_OR_ADMINISTRATOR, "not_leader"),
    ),
    "a cancelled network is not cancelled again": (
        services.network_check_cancel,
        "cancelled_draft",
        "leader",
        (DomainError, "Netværket er allerede annulleret.", "wrong_status"),
    ),
    # the admin site
    "the leader does not change the network in the admin": (
        services.network_check_admin_change,
        "draft_welfare",
        "leader",
        (RoleRefused, NOT_ADMINISTRATOR, "not_administrator"),
    ),
    "a submitted network is read-only in the admin too": (
        services.network_check_admin_change,
        "submitted_innovation",
        "administrator",
        (DomainError, SUBMITTED_READ_ONLY, "read_only"),
    ),
    "the leader does not delete in the admin": (
        services.network_check_admin_delete,
        "draft_welfare",
        "leader",
        (RoleRefused, NOT_ADMINISTRATOR, "not_administrator"),
    ),
    "the admin does not delete a draft sent back by Direktørforum": (
        services.network_check_admin_delete,
        "returned_draft",
        "administrator",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
    "the admin does not delete a cancelled network": (
        services.network_check_admin_delete,
        "cancelled_draft",
        "administrator",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
    "the admin does not delete a submitted network": (
        services.network_check_admin_delete,
        "submitted_innovation",
        "administrator",
        (DomainError, NOT_DELETABLE, "not_deletable"),
    ),
}


@pytest.mark.parametrize(("the_check", "state", "persona", "refusal"), REFUSED.values(), ids=REFUSED.keys())
def test_the_check_refuses(request, network_types, the_check, state, persona, refusal):
    by = request.getfixturevalue(persona)
    if state is None:
        assert refused(the_check, by=by) == refusal
    else:
        assert refused(the_check, network=request.getfixturevalue(state), by=by) == refusal


def test_a_member_of_direktoerforum_does_not_decide_a_case_they_lead(submitted_innovation, leader):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    member = User.objects.get(pk=leader.pk)  # roles are read once per user object
    assert refused(services.network_check_decide, network=submitted_innovation, by=member) == (
        RoleRefused,
        "Du leder selv netværket og kan derfor ikke træffe beslutning om det.",
        "conflict_of_interest",
    )


def test_a_decided_case_says_who_decided_it_and_when(
    time_machine, submitted_innovation, direktoer, direktoer2
):
    time_machine.move_to(datetime.datetime(2027, 2, 3, 10, 15, tzinfo=COPENHAGEN), tick=False)
    services.network_approve(network=submitted_innovation, by=direktoer2)
    submitted_innovation.refresh_from_db()
    assert refused(services.network_check_decide, network=submitted_innovation, by=direktoer) == (
        DomainError,
        "Der er allerede truffet en beslutning om denne indstilling: "
        "godkendt af Dan Direktør den 3. februar 2027 kl. 10.15.",
        "already_decided",
    )


def test_a_case_cancelled_before_a_decision_is_not_waiting(submitted_innovation, leader, direktoer):
    services.network_cancel(network=submitted_innovation, by=leader, comment="Droppet.")
    submitted_innovation.refresh_from_db()
    assert refused(services.network_check_decide, network=submitted_innovation, by=direktoer) == (
        DomainError,
        "Netværket er ikke indstillet til Direktørforum; det er annulleret.",
        "not_submitted",
    )


@pytest.mark.parametrize("state", ["draft_innovation", "submitted_innovation"])
def test_an_innovation_network_waits_for_the_approval_and_says_what_blocks(request, leader, state):
    with pytest.raises(DomainError) as caught:
        services.network_check_start(network=request.getfixturevalue(state), by=leader)
    assert (caught.value.message, caught.value.code) == (
        "Direktørforum skal godkende netværket, før det kan starte.",
        "wrong_status",
    )
    assert "approval_required" in {finding.code for finding in caught.value.findings}


# --- Asking a check -----------------------------------------------------------------------------


def test_refusal_of_gives_the_refusal_and_allows_says_yes_or_no(draft_welfare, leader, other_leader):
    assert services.refusal_of(services.network_check_change, network=draft_welfare, by=leader) is None
    assert services.allows(services.network_check_change, network=draft_welfare, by=leader)
    refusal = services.refusal_of(services.network_check_change, network=draft_welfare, by=other_leader)
    assert (type(refusal), refusal.message, refusal.code) == (RoleRefused, NOT_LEADER, "not_leader")
    assert not services.allows(services.network_check_change, network=draft_welfare, by=other_leader)


# --- The services say what their checks say ----------------------------------------------------


@pytest.mark.parametrize(
    ("service", "the_check", "persona", "kwargs"),
    [
        (services.network_submit, services.network_check_submit, "leader", {}),
        (services.network_start, services.network_check_start, "leader", {}),
        (services.network_conclude, services.network_check_conclude, "leader", {}),
        (services.network_cancel, services.network_check_cancel, "other_leader", {"comment": "Nej."}),
        (services.network_approve, services.network_check_decide, "leader", {}),
        (services.network_delete, services.network_check_delete, "other_leader", {}),
        (services.network_admin_delete, services.network_check_admin_delete, "administrator", {}),
        (services.participant_add, services.network_check_change, "leader", {"name": "Bo"}),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_service_refuses_with_its_checks_words(
    request, submitted_innovation, service, the_check, persona, kwargs
):
    by = request.getfixturevalue(persona)
    expected = refused(the_check, network=submitted_innovation, by=by)
    assert refused(service, network=submitted_innovation, by=by, **kwargs) == expected
