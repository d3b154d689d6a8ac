"""State changes. Every write to a network, its participants, meetings and decisions goes through here.

Each service runs in one transaction, re-reads the network row with `select_for_update()` so two
people acting at once are serialised, checks the actor's role and the network's state, asks
`networks.rules`, saves, and records the change. A refusal is a `DomainError` (a `RoleRefused`
when the actor's role may not), carrying the blocking findings: pages turn it into a message,
the API into 409 (403 for a role).

The role and state part of each service is a check, `network_check_<action>`, which the service
calls on the locked row: pages, the admin and the API ask the same check before they offer an
action, so there is one answer to "may this user do this now?".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import notifications, roles, rules
from networks.dates import long_datetime
from networks.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Decision,
    DecisionOutcome,
    Meeting,
    Network,
    NetworkType,
    Participant,
    Status,
    StatusChange,
)


class DomainError(Exception):
    """A refused change: a Danish message, a stable code and the findings that blocked it."""

    def __init__(self, message: str, *, code: str, findings: Sequence[rules.Finding] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.findings = list(findings)


class RoleRefused(DomainError):
    """The actor's role does not allow the change (403, where a state or rule refusal is 409)."""


# --- Helpers ----------------------------------------------------------------------------------


def _locked(network: Network) -> Network:
    return Network.objects.select_for_update().select_related("type", "leader").get(pk=network.pk)


def _require_leader(network: Network, by) -> None:
    if network.leader_id != by.pk:
        raise RoleRefused(_("Kun netværkets leder kan gøre dette."), code="not_leader")


def _require_editable(network: Network) -> None:
    if network.status in EDITABLE_STATUSES:
        return
    if network.status == Status.SUBMITTED:
        message = _(
            "Netværket er indstillet til Direktørforum og kan ikke ændres, før der er truffet en beslutning."
        )
    else:
        message = _("Netværket er %(status)s og kan ikke længere ændres.") % {"status": network.status_text}
    raise DomainError(message, code="read_only")


def _require_type_changeable(network: Network) -> None:
    if network.status != Status.DRAFT:
        raise DomainError(_("Netværkstypen kan kun ændres, mens netværket er en kladde."), code="type_locked")
    if network.submission_round:
        # A draft Direktørforum sent back is still its case: another type would start without approval.
        raise DomainError(
            _("Netværkstypen kan ikke ændres, når netværket har været indstillet til Direktørforum."),
            code="type_locked",
        )


def _require_deletable(network: Network) -> None:
    """Only a draft that never went anywhere: anything with a history is cancelled instead."""
    if network.status != Status.DRAFT or network.submission_round:
        raise DomainError(
            _("Kun en kladde, der aldrig har været indstillet, kan slettes. Annullér netværket i stedet."),
            code="not_deletable",
        )


def _already_decided(network: Network) -> DomainError:
    decision = network.decisions.select_related("decided_by").filter(round=network.submission_round).first()
    if decision is None:
        return DomainError(
            _("Netværket er ikke indstillet til Direktørforum; det er %(status)s.")
            % {"status": network.status_text},
            code="not_submitted",
        )
    return DomainError(
        _("Der er allerede truffet en beslutning om denne indstilling: %(outcome)s af %(by)s den %(at)s.")
        % {
            "outcome": decision.get_outcome_display().lower(),
            "by": roles.display_name(decision.decided_by),
            "at": long_datetime(decision.decided_at),
        },
        code="already_decided",
    )


def _refuse_if_blocked(network: Network, action: rules.Action, message: str) -> None:
    blockers = rules.blocking(network, action)
    if blockers:
        raise DomainError(message, code="blocked", findings=blockers)


def _move(network: Network, *, to: str, by, comment: str = "", fields: Iterable[str] = ()) -> Network:
    from_status = network.status
    network.status = to
    network.save(update_fields=["status", "updated_at", *fields])
    StatusChange.objects.create(
        network=network, from_status=from_status, to_status=to, changed_by=by, comment=comment
    )
    return network


def _assign(instance, fields: dict, allowed: Iterable[str]) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown or read-only fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)
    return list(fields)


NETWORK_FIELDS = (
    "title",
    "theme",
    "purpose",
    "mandate",
    "mandate_clarified",
    "strategy_reference",
    "tracks",
    "planned_start",
    "planned_end",
    "sprint_start",
    "sprint_end",
    "outcome_summary",
)
PARTICIPANT_FIELDS = (
    "name",
    "email",
    "organisation",
    "actor_category",
    "role",
    "joined_on",
    "left_on",
    "commitment",
)
MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "agenda", "minutes", "status")


# --- Checks: may `by` do this now? --------------------------------------------------------------
#
# Each check raises the refusal its service would give, without changing anything; the service
# calls the same check on the row it has locked. Pages ask before they offer a link, a button or a
# form, the admin before it allows a change, so every place gives the answer the service gives.
# What the rules block (`rules.blocking`) is not part of a check: pages show those findings next
# to the button instead of hiding it.


def refusal_of(check: Callable[..., None], /, **kwargs) -> DomainError | None:
    """The refusal `check(**kwargs)` gives now, or None if it allows."""
    try:
        check(**kwargs)
    except DomainError as exc:
        return exc
    return None


def allows(check: Callable[..., None], /, **kwargs) -> bool:
    """Whether `check(**kwargs)` allows now: `services.allows(services.network_check_cancel, ...)`."""
    return refusal_of(check, **kwargs) is None


def network_check_create(*, by) -> None:
    """Leaders and administrators register networks."""
    if not (roles.is_leader(by) or roles.is_administrator(by)):
        raise RoleRefused(_("Kun netværksledere kan oprette netværk."), code="not_leader")


def network_check_lead(*, network: Network, by) -> None:
    """Only the network's leader works on it: its lifecycle buttons and the pages that change it."""
    _require_leader(network, by)


def network_check_change(*, network: Network, by) -> None:
    """The leader changes the network's content (its fields, participants and meeting plan) while
    it is a draft, approved or active."""
    _require_leader(network, by)
    _require_editable(network)


def network_check_type_change(*, network: Network, by) -> None:
    """Another type only for a draft that has never been before Direktørforum."""
    network_check_change(network=network, by=by)
    _require_type_changeable(network)


def network_check_delete(*, network: Network, by) -> None:
    """The leader deletes a draft that never went anywhere."""
    _require_leader(network, by)
    _require_deletable(network)


def network_check_submit(*, network: Network, by) -> None:
    """The leader submits an innovation network to Direktørforum from draft."""
    _require_leader(network, by)
    if not network.type.requires_approval:
        raise DomainError(
            _("Kun innovationsnetværk indstilles til Direktørforum; dette netværk kan startes direkte."),
            code="approval_not_required",
        )
    if network.status != Status.DRAFT:
        raise DomainError(
            _("Netværket kan kun indstilles fra kladde; det er %(status)s.")
            % {"status": network.status_text},
            code="wrong_status",
        )


def network_check_decide(*, network: Network, by) -> None:
    """A member of Direktørforum decides a submitted case, never one they lead themselves.

    A case no longer waiting says which decision was made, by whom and when (one extra query)."""
    if not roles.is_direktoerforum(by):
        raise RoleRefused(
            _("Kun medlemmer af Direktørforum kan træffe beslutning om innovationsnetværk."),
            code="not_direktoerforum",
        )
    if network.leader_id == by.pk:
        raise RoleRefused(
            _("Du leder selv netværket og kan derfor ikke træffe beslutning om det."),
            code="conflict_of_interest",
        )
    if network.status != Status.SUBMITTED:
        raise _already_decided(network)


def network_check_start(*, network: Network, by) -> None:
    """The leader starts a draft, or an innovation network once Direktørforum has approved it."""
    _require_leader(network, by)
    startable_from = Status.APPROVED if network.type.requires_approval else Status.DRAFT
    if network.status != startable_from:
        if network.type.requires_approval and network.status in (Status.DRAFT, Status.SUBMITTED):
            message = _("Direktørforum skal godkende netværket, før det kan starte.")
        else:
            message = _("Netværket kan ikke startes; det er %(status)s.") % {"status": network.status_text}
        raise DomainError(message, code="wrong_status", findings=rules.blocking(network, rules.Action.START))


def network_check_conclude(*, network: Network, by) -> None:
    """The leader concludes an active network."""
    _require_leader(network, by)
    if network.status != Status.ACTIVE:
        raise DomainError(
            _("Kun et aktivt netværk kan afsluttes; dette er %(status)s.") % {"status": network.status_text},
            code="wrong_status",
        )


def network_check_cancel(*, network: Network, by) -> None:
    """The leader or an administrator cancels an open network."""
    if network.leader_id != by.pk and not roles.is_administrator(by):
        raise RoleRefused(
            _("Kun netværkets leder eller en administrator kan annullere netværket."),
            code="not_leader",
        )
    if network.status not in OPEN_STATUSES:
        raise DomainError(
            _("Netværket er allerede %(status)s.") % {"status": network.status_text},
            code="wrong_status",
        )


# The admin site: an administrator maintains a network they do not lead, on the same terms as its
# leader on the pages (the same private rules, so the two cannot drift apart).


def _require_administrator(by) -> None:
    if not roles.is_administrator(by):
        raise RoleRefused(
            _("Kun administratorer kan gøre dette i administrationen."), code="not_administrator"
        )


def network_check_admin_change(*, network: Network, by) -> None:
    """An administrator changes a network's content in the admin while the leader could."""
    _require_administrator(by)
    _require_editable(network)


def network_check_admin_delete(*, network: Network, by) -> None:
    """An administrator deletes in the admin only what its leader could delete: a draft that never
    went anywhere."""
    _require_administrator(by)
    _require_deletable(network)


# --- Networks ---------------------------------------------------------------------------------


@transaction.atomic
def network_create(*, by, type: NetworkType, **fields) -> Network:
    network_check_create(by=by)
    network = Network(type=type, leader=by, status=Status.DRAFT)
    _assign(network, fields, NETWORK_FIELDS)
    network.full_clean()
    network.save()
    StatusChange.objects.create(
        network=network, from_status="", to_status=Status.DRAFT, changed_by=by, comment=_("Oprettet")
    )
    return network


@transaction.atomic
def network_update(*, network: Network, by, type: NetworkType | None = None, **fields) -> Network:
    network = _locked(network)
    network_check_change(network=network, by=by)
    changed = _assign(network, fields, NETWORK_FIELDS)
    if type is not None and type.pk != network.type_id:
        network_check_type_change(network=network, by=by)
        network.type = type
        changed.append("type")
    network.full_clean()
    network.save(update_fields=[*changed, "updated_at"])
    return network


@transaction.atomic
def network_delete(*, network: Network, by) -> None:
    """A draft that never went anywhere may be deleted; anything with a history is cancelled instead."""
    network = _locked(network)
    network_check_delete(network=network, by=by)
    _delete(network)


@transaction.atomic
def network_admin_delete(*, network: Network, by) -> None:
    """`network_delete` for an administrator in the admin site: the same rule about what may go."""
    network = _locked(network)
    network_check_admin_delete(network=network, by=by)
    _delete(network)


def _delete(network: Network) -> None:
    network.status_changes.all().delete()
    network.delete()


@transaction.atomic
def network_submit(*, network: Network, by, comment: str = "") -> Network:
    network = _locked(network)
    network_check_submit(network=network, by=by)
    _refuse_if_blocked(network, rules.Action.SUBMIT, _("Netværket kan ikke indstilles endnu. Ret først:"))
    network.submission_round += 1
    _move(network, to=Status.SUBMITTED, by=by, comment=comment, fields=["submission_round"])
    notifications.after_commit(notifications.network_submitted, network)
    return network


_DECISION_TARGET = {
    DecisionOutcome.APPROVED: Status.APPROVED,
    DecisionOutcome.REJECTED: Status.REJECTED,
    DecisionOutcome.CHANGES_REQUESTED: Status.DRAFT,
}


@transaction.atomic
def _decide(
    *, network: Network, by, outcome: str, comment: str, meeting_date: datetime.date | None
) -> Decision:
    network = _locked(network)
    network_check_decide(network=network, by=by)
    comment = (comment or "").strip()
    if outcome != DecisionOutcome.APPROVED and not comment:
        raise DomainError(_("Skriv en begrundelse; den sendes til netværkslederen."), code="comment_required")
    try:
        # A savepoint, so a lost race on the one-decision-per-round constraint leaves the outer
        # transaction usable for reading the decision that won.
        with transaction.atomic():
            decision = Decision.objects.create(
                network=network,
                round=network.submission_round,
                outcome=outcome,
                comment=comment,
                decided_by=by,
                meeting_date=meeting_date,
            )
    except IntegrityError:
        raise _already_decided(network) from None
    _move(network, to=_DECISION_TARGET[outcome], by=by, comment=comment)
    notifications.after_commit(notifications.decision_made, decision)
    return decision


def network_approve(
    *, network: Network, by, comment: str = "", meeting_date: datetime.date | None = None
) -> Decision:
    return _decide(
        network=network,
        by=by,
        outcome=DecisionOutcome.APPROVED,
        comment=comment,
        meeting_date=meeting_date,
    )


def network_reject(
    *, network: Network, by, comment: str, meeting_date: datetime.date | None = None
) -> Decision:
    return _decide(
        network=network,
        by=by,
        outcome=DecisionOutcome.REJECTED,
        comment=comment,
        meeting_date=meeting_date,
    )


def network_request_changes(
    *, network: Network, by, comment: str, meeting_date: datetime.date | None = None
) -> Decision:
    return _decide(
        network=network,
        by=by,
        outcome=DecisionOutcome.CHANGES_REQUESTED,
        comment=comment,
        meeting_date=meeting_date,
    )


@transaction.atomic
def network_start(*, network: Network, by, comment: str = "") -> Network:
    network = _locked(network)
    network_check_start(network=network, by=by)
    _refuse_if_blocked(network, rules.Action.START, _("Netværket kan ikke starte endnu. Ret først:"))
    network.started_at = timezone.now()
    return _move(network, to=Status.ACTIVE, by=by, comment=comment, fields=["started_at"])


@transaction.atomic
def network_conclude(
    *, network: Network, by, outcome_summary: str | None = None, comment: str = ""
) -> Network:
    network = _locked(network)
    network_check_conclude(network=network, by=by)
    fields = ["concluded_at"]
    if outcome_summary is not None:
        network.outcome_summary = outcome_summary.strip()
        fields.append("outcome_summary")
    _refuse_if_blocked(network, rules.Action.CONCLUDE, _("Netværket kan ikke afsluttes endnu. Ret først:"))
    network.concluded_at = timezone.now()
    return _move(network, to=Status.CONCLUDED, by=by, comment=comment, fields=fields)


@transaction.atomic
def network_cancel(*, network: Network, by, comment: str) -> Network:
    network = _locked(network)
    network_check_cancel(network=network, by=by)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Skriv, hvorfor netværket annulleres."), code="comment_required")
    return _move(network, to=Status.CANCELLED, by=by, comment=comment)


# --- Participants -----------------------------------------------------------------------------


@transaction.atomic
def participant_add(*, network: Network, by, **fields) -> Participant:
    network = _locked(network)
    network_check_change(network=network, by=by)
    participant = Participant(network=network)
    _assign(participant, fields, PARTICIPANT_FIELDS)
    if participant.joined_on is None:
        participant.joined_on = timezone.localdate()
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, by, **fields) -> Participant:
    network = _locked(participant.network)
    network_check_change(network=network, by=by)
    participant = Participant.objects.select_for_update().get(pk=participant.pk, network=network)
    changed = _assign(participant, fields, PARTICIPANT_FIELDS)
    participant.full_clean()
    participant.save(update_fields=changed)
    return participant


def participant_mark_left(
    *, participant: Participant, by, left_on: datetime.date | None = None
) -> Participant:
    return participant_update(participant=participant, by=by, left_on=left_on or timezone.localdate())


@transaction.atomic
def participant_delete(*, participant: Participant, by) -> None:
    network = _locked(participant.network)
    network_check_change(network=network, by=by)
    participant.delete()


# --- Meetings ---------------------------------------------------------------------------------


def _check_attendees(network: Network, attendees: Iterable[Participant] | None) -> list[Participant]:
    attendees = list(attendees or [])
    if any(p.network_id != network.pk for p in attendees):
        raise DomainError(_("Fremmødte skal være deltagere i netværket."), code="attendee_not_participant")
    return attendees


@transaction.atomic
def meeting_create(
    *, network: Network, by, attendees: Iterable[Participant] | None = None, **fields
) -> Meeting:
    # The network row lock serialises concurrent additions, so two people cannot both add the
    # meeting that takes a learning network past its maximum.
    network = _locked(network)
    network_check_change(network=network, by=by)
    attendees = _check_attendees(network, attendees)
    meeting = Meeting(network=network)
    _assign(meeting, fields, MEETING_FIELDS)
    meeting.full_clean()
    meeting.save()
    if attendees:
        meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, by, attendees: Iterable[Participant] | None = None, **fields
) -> Meeting:
    network = _locked(meeting.network)
    network_check_change(network=network, by=by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, network=network)
    meeting.network = network
    changed = _assign(meeting, fields, MEETING_FIELDS)
    meeting.full_clean()
    meeting.save(update_fields=changed)
    if attendees is not None:
        meeting.attendees.set(_check_attendees(network, attendees))
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, by) -> None:
    network = _locked(meeting.network)
    network_check_change(network=network, by=by)
    meeting.delete()


# --- Changes that span several rows ----------------------------------------------------------


class RowRefused(DomainError):
    """One row of a bulk change could not be saved, so none was. `index` is the row (from 0);
    `error` is the row's `ValidationError`, with messages keyed by field."""

    def __init__(self, *, index: int, error):
        messages = [str(m) for m in error.messages] if hasattr(error, "messages") else [str(error)]
        super().__init__(
            _("Række %(row)d kan ikke gemmes, så intet er gemt: %(errors)s")
            % {"row": index + 1, "errors": " ".join(messages)},
            code="row_invalid",
        )
        self.index = index
        self.error = error


def _each_row(rows: Sequence[Mapping], save) -> list:
    saved = []
    for index, row in enumerate(rows):
        try:
            saved.append(save(**row))
        except ValidationError as exc:
            raise RowRefused(index=index, error=exc) from exc
    return saved


@transaction.atomic
def participant_add_many(*, network: Network, by, rows: Sequence[Mapping]) -> list[Participant]:
    """Add several participants (a CSV import) in one transaction: all of them, or none."""
    network = _locked(network)
    network_check_change(network=network, by=by)
    return _each_row(rows, lambda **row: participant_add(network=network, by=by, **row))


@transaction.atomic
def meeting_create_many(*, network: Network, by, meetings: Sequence[Mapping]) -> list[Meeting]:
    """Save a meeting plan in one transaction: all of its meetings, or none.

    Each meeting is checked as `meeting_create` checks it, against the ones saved before it, so a
    plan that would take a learning network past its maximum is refused at the meeting that does.
    """
    network = _locked(network)
    network_check_change(network=network, by=by)
    return _each_row(meetings, lambda **row: meeting_create(network=network, by=by, **row))


@transaction.atomic
def network_conclude_with_commitments(
    *,
    network: Network,
    by,
    outcome_summary: str | None = None,
    commitments: Mapping[int, str] | None = None,
    comment: str = "",
) -> Network:
    """Conclude the network and record what each participant commits to put into practice.

    One transaction: if the network cannot be concluded, none of the commitments is saved either.
    `commitments` maps participant ids of this network to their commitment.
    """
    locked = _locked(network)
    network_check_conclude(network=locked, by=by)
    commitments = dict(commitments or {})
    if commitments:
        rows = Participant.objects.select_for_update().filter(network=locked, pk__in=commitments)
        participants = {p.pk: p for p in rows}
        if set(commitments) - set(participants):
            raise DomainError(
                _("Forpligtelser kan kun noteres for netværkets egne deltagere."), code="not_participant"
            )
        others = [name for name in PARTICIPANT_FIELDS if name != "commitment"]
        for pk, text in commitments.items():
            participant = participants[pk]
            text = (text or "").strip()
            if participant.commitment != text:
                participant.commitment = text
                participant.full_clean(exclude=[*others, "network"])
                participant.save(update_fields=["commitment"])
    return network_conclude(network=locked, by=by, outcome_summary=outcome_summary, comment=comment)
