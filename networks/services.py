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

import copy
import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import notifications, roles, rules
from networks.dates import add_months, long_date, long_datetime
from networks.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    ChangeRequest,
    ChangeRequestStatus,
    Decision,
    DecisionOutcome,
    FollowUp,
    Meeting,
    Network,
    NetworkType,
    Participant,
    SprintChange,
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


def _check_texts(instance, *names: str) -> None:
    """The model's own checks of the text fields `names` (length, line breaks, control characters:
    `networks.text`), as `full_clean` raises them, keyed by field, before anything is saved. For the
    records a service writes without a form of their own; no query (no relations, no constraints)."""
    others = [field.name for field in instance._meta.concrete_fields if field.name not in names]
    instance.full_clean(exclude=others, validate_unique=False, validate_constraints=False)


def _move(network: Network, *, to: str, by, comment: str = "", fields: Iterable[str] = ()) -> Network:
    change = StatusChange(
        network=network, from_status=network.status, to_status=to, changed_by=by, comment=comment
    )
    _check_texts(change, "comment")
    network.status = to
    network.save(update_fields=["status", "updated_at", *fields])
    change.save()
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
    "track_plans",
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
    "no_commitment_reason",
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
def network_update(
    *,
    network: Network,
    by,
    type: NetworkType | None = None,
    sprint_change_reason: str = "",
    **fields,
) -> Network:
    """Change a network's content. `sprint_change_reason`: why a running sprint's last day moves."""
    network = _locked(network)
    network_check_change(network=network, by=by)
    # What Direktørforum approved changes only through a change request it decides. (Another type
    # is refused below, in the words of the type check, for every network past its first draft.)
    refuse_approved_content_changes(network, fields)
    sprint_before = (network.sprint_start, network.sprint_end)
    changed = _assign(network, fields, NETWORK_FIELDS)
    if type is not None and type.pk != network.type_id:
        network_check_type_change(network=network, by=by)
        network.type = type
        changed.append("type")
    # A running sprint: its first day is fixed, its last day moves only with a reason.
    sprint_move = sprint_change_for(network, *sprint_before, reason=sprint_change_reason, by=by)
    network.full_clean()
    network.save(update_fields=[*changed, "updated_at"])
    if sprint_move is not None:
        sprint_move.save()
    return network


def sprint_change_for(network: Network, old_start, old_end, *, reason: str, by) -> SprintChange | None:
    """The record of a running sprint's last day moving from `old_end` to the network's (unsaved)
    `sprint_end`, to save in the same transaction as the network, or None when it does not move;
    refused as `rules.sprint_change_errors` says. The reason also goes with the network's history
    row, so the audit trail shows why. `network_update` and the admin ask this."""
    errors = rules.sprint_change_errors(network, old_start, old_end, reason)
    if errors:
        raise DomainError(
            _("Sprinten kan ikke ændres sådan, mens netværket kører. Ret først:"),
            code=errors[0].code,
            findings=errors,
        )
    if network.status != Status.ACTIVE or not old_end or network.sprint_end == old_end:
        return None
    reason = reason.strip()
    sprint_change = SprintChange(
        network=network, previous_end=old_end, new_end=network.sprint_end, reason=reason, changed_by=by
    )
    try:
        _check_texts(sprint_change, "reason")
    except ValidationError as exc:
        # Asked for as `sprint_change_reason` next to the network's own fields.
        raise ValidationError({"sprint_change_reason": exc.message_dict["reason"]}) from None
    network._change_reason = reason
    return sprint_change


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
    notifications.network_submitted(network)
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
    decision = Decision(
        network=network,
        round=network.submission_round,
        outcome=outcome,
        comment=comment,
        decided_by=by,
        meeting_date=meeting_date,
    )
    _check_texts(decision, "comment")
    try:
        # A savepoint, so a lost race on the one-decision-per-round constraint leaves the outer
        # transaction usable for reading the decision that won.
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise _already_decided(network) from None
    _move(network, to=_DECISION_TARGET[outcome], by=by, comment=comment)
    notifications.decision_made(decision)
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


# --- Change requests --------------------------------------------------------------------------
#
# Once Direktørforum has approved a network, what it approved (`rules.APPROVED_CONTENT`) changes
# only through a change request: the leader proposes new values and says why, a member of
# Direktørforum approves or rejects it, and an approved request is applied to the network in the
# same transaction. The network keeps its status (and keeps running) meanwhile. Both the request
# and the decision are traced in the network's "Forløb" as a status change that keeps the status.


def _field_label(name: str) -> str:
    return str(Network._meta.get_field(name).verbose_name)


def _labels(names: Iterable[str]) -> str:
    labels = [_field_label(name) for name in names]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s og %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def approved_content_locked(network: Network, new_values: Mapping) -> DomainError | None:
    """The refusal for changing approved content in place, or None if `new_values` may be saved.

    The message names the fields; a finding per field lets a form put it on the field."""
    locked = rules.approved_content_changes(network, new_values)
    if not locked:
        return None
    message = _(
        "Direktørforum har godkendt netværkets %(fields)s, og det kan ikke ændres her. "
        "Anmod i stedet Direktørforum om en ændring (“Anmod om ændring…” på netværkets side)."
    ) % {"fields": _labels(locked)}
    if any(name in ("planned_start", "planned_end") for name in locked):
        message += " " + _("Den planlagte periode kan flyttes højst %(days)d dage uden Direktørforum.") % {
            "days": network.type.duration_tolerance_days
        }
    per_field = _("Godkendt af Direktørforum: anmod om en ændring i stedet.")
    findings = [rules.base.blocks("approved_content_locked", per_field, field=name) for name in locked]
    return DomainError(message, code="approved_content_locked", findings=findings)


def refuse_approved_content_changes(network: Network, new_values: Mapping) -> None:
    refusal = approved_content_locked(network, new_values)
    if refusal is not None:
        raise refusal


def _parsed_change(name: str, value):
    """A proposed value as the network's field holds it; `ValidationError` if it cannot be one."""
    if name == "type":
        code = getattr(value, "code", value)
        network_type = NetworkType.objects.filter(code=code).first() if isinstance(code, str) else None
        if network_type is None:
            raise ValidationError(_("Vælg en af netværkstyperne."), code="invalid")
        if not network_type.requires_approval:
            raise ValidationError(
                _(
                    "Et godkendt netværk kan kun skifte til en type, som Direktørforum også godkender. "
                    "Annullér netværket, og opret et nyt af den ønskede type."
                ),
                code="invalid",
            )
        return network_type
    if name in ("planned_start", "planned_end"):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValidationError(_("Angiv datoen som ÅÅÅÅ-MM-DD."), code="invalid")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Skriv værdien som tekst."), code="invalid")
    return value.strip()


def _as_json(name: str, value):
    if name == "type":
        return value.code
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _with_changes(network: Network, values: Mapping) -> Network:
    """A copy of the network with `values` applied and checked as a save would check it
    (`full_clean`), and the type's rules for the changed fields: `ValidationError` if it would be
    invalid, keyed by field."""
    proposed = copy.copy(network)
    for name, value in values.items():
        setattr(proposed, name, value)
    proposed.full_clean()
    # What had to be there when Direktørforum approved (a purpose, a strategy) must stay there.
    errors = {}
    for finding in rules.all_findings(proposed):
        if finding.blocks and finding.field in values:
            errors.setdefault(finding.field, []).append(finding.message)
    if errors:
        raise ValidationError(errors)
    return proposed


def _trace(network: Network, *, by, comment: str) -> None:
    """A line in the network's "Forløb" that keeps its status."""
    StatusChange.objects.create(
        network=network, from_status=network.status, to_status=network.status, changed_by=by, comment=comment
    )


def _pending_change_request_error() -> DomainError:
    return DomainError(
        _(
            "Netværket har allerede en ændringsanmodning, der venter på Direktørforums beslutning. "
            "Vent på beslutningen, før du anmoder om en ny ændring."
        ),
        code="change_request_pending",
    )


def change_request_check_create(*, network: Network, by) -> None:
    """The leader of an approved or running network that Direktørforum approved asks for a
    change; one request waits at a time (one query)."""
    _require_leader(network, by)
    if not network.type.requires_approval:
        raise DomainError(
            _("Netværkstypen kræver ikke Direktørforums godkendelse; ret netværket direkte."),
            code="approval_not_required",
        )
    if network.status not in (Status.APPROVED, Status.ACTIVE):
        raise DomainError(
            _("Der kan kun anmodes om ændringer, mens netværket er godkendt eller aktivt; det er %(status)s.")
            % {"status": network.status_text},
            code="wrong_status",
        )
    if network.change_requests.filter(status=ChangeRequestStatus.PENDING).exists():
        raise _pending_change_request_error()


@transaction.atomic
def change_request_create(*, network: Network, by, changes: Mapping, reason: str) -> ChangeRequest:
    """Propose new values for approved content. Each value is checked as the field would check
    it, on a copy of the network; nothing changes on the network until Direktørforum approves."""
    network = _locked(network)
    change_request_check_create(network=network, by=by)
    if not isinstance(changes, Mapping):
        raise ValidationError({"changes": [_("Angiv ændringerne som felt og ny værdi.")]})
    unknown = sorted(str(name) for name in changes if name not in rules.APPROVED_CONTENT)
    if unknown:
        raise ValidationError(
            {
                "changes": [
                    _("Kun det, Direktørforum har godkendt, kan ændres (%(allowed)s). Ukendt: %(unknown)s.")
                    % {"allowed": ", ".join(rules.APPROVED_CONTENT), "unknown": ", ".join(unknown)}
                ]
            }
        )
    errors: dict[str, list] = {}
    values = {}
    for name, value in changes.items():
        try:
            values[name] = _parsed_change(name, value)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if not rules.content_differs(network, name, values[name]):
            errors[name] = [_("Det er det samme som nu; skriv det, det skal ændres til.")]
    if not changes:
        errors["changes"] = [_("Angiv mindst én ændring.")]
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = [_("Skriv, hvorfor ændringen er nødvendig; Direktørforum læser begrundelsen.")]
    if errors:
        raise ValidationError(errors)
    _with_changes(network, values)
    change_request = ChangeRequest(
        network=network,
        changes={name: _as_json(name, value) for name, value in values.items()},
        previous={name: _as_json(name, getattr(network, name)) for name in values},
        reason=reason,
        requested_by=by,
    )
    _check_texts(change_request, "reason")
    try:
        # A savepoint: the one-pending-request constraint is the last word if a check was passed by.
        with transaction.atomic():
            change_request.save()
    except IntegrityError:
        raise _pending_change_request_error() from None
    _trace(
        network,
        by=by,
        comment=_("Ændringsanmodning sendt til Direktørforum (%(fields)s): %(reason)s")
        % {"fields": _labels(values), "reason": reason},
    )
    notifications.change_request_submitted(change_request)
    return change_request


def _change_request_already_decided(change_request: ChangeRequest) -> DomainError:
    return DomainError(
        _("Der er allerede truffet en beslutning om ændringsanmodningen: %(outcome)s af %(by)s den %(at)s.")
        % {
            "outcome": change_request.get_status_display().lower(),
            "by": roles.display_name(change_request.decided_by),
            "at": long_datetime(change_request.decided_at),
        },
        code="already_decided",
    )


def change_request_check_decide(*, change_request: ChangeRequest, by) -> None:
    """A member of Direktørforum decides a waiting change request, never one on a network they lead."""
    if not roles.is_direktoerforum(by):
        raise RoleRefused(
            _("Kun medlemmer af Direktørforum kan beslutte ændringsanmodninger."),
            code="not_direktoerforum",
        )
    if change_request.network.leader_id == by.pk:
        raise RoleRefused(
            _("Du leder selv netværket og kan derfor ikke beslutte ændringsanmodningen."),
            code="conflict_of_interest",
        )
    if change_request.status != ChangeRequestStatus.PENDING:
        raise _change_request_already_decided(change_request)


@transaction.atomic
def _decide_change_request(*, change_request: ChangeRequest, by, status: str, comment: str) -> ChangeRequest:
    # The network first, then the request, in the order `change_request_create` locks them, so a
    # decision and a new request cannot deadlock; the loser of two decisions reads the winner's.
    network = _locked(change_request.network)
    change_request = (
        # Only the request's own row: its decider is an outer join, which PostgreSQL cannot lock.
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=change_request.pk)
    )
    change_request.network = network
    change_request_check_decide(change_request=change_request, by=by)
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if status == ChangeRequestStatus.REJECTED and not comment:
        raise DomainError(_("Skriv en begrundelse; den sendes til netværkslederen."), code="comment_required")
    change_request.comment = comment
    _check_texts(change_request, "comment")
    if status == ChangeRequestStatus.APPROVED:
        values = {name: _parsed_change(name, value) for name, value in change_request.changes.items()}
        try:
            _with_changes(network, values)
        except ValidationError as exc:
            raise DomainError(
                _(
                    "Ændringen kan ikke gennemføres, fordi netværket så ville være ugyldigt: %(errors)s "
                    "Afvis ændringsanmodningen, og bed netværkslederen om en ny."
                )
                % {"errors": " ".join(exc.messages)},
                code="change_request_invalid",
            ) from exc
        for name, value in values.items():
            setattr(network, name, value)
        network.save(update_fields=[*values, "updated_at"])
    change_request.status = status
    change_request.decided_by = by
    change_request.decided_at = timezone.now()
    change_request.comment = comment
    change_request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    trace = _("Ændringsanmodning %(outcome)s af Direktørforum (%(fields)s)") % {
        "outcome": change_request.get_status_display().lower(),
        "fields": _labels(change_request.changes),
    }
    _trace(network, by=by, comment=f"{trace}: {comment}" if comment else f"{trace}.")
    notifications.change_request_decided(change_request)
    return change_request


def change_request_approve(*, change_request: ChangeRequest, by, comment: str = "") -> ChangeRequest:
    """Approve the change and apply it to the network, in one transaction."""
    return _decide_change_request(
        change_request=change_request, by=by, status=ChangeRequestStatus.APPROVED, comment=comment
    )


def change_request_reject(*, change_request: ChangeRequest, by, comment: str) -> ChangeRequest:
    """Reject the change, saying why; the network stays as approved."""
    return _decide_change_request(
        change_request=change_request, by=by, status=ChangeRequestStatus.REJECTED, comment=comment
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
    *,
    network: Network,
    by,
    outcome_summary: str | None = None,
    track_outcomes: Mapping[str, str] | None = None,
    comment: str = "",
) -> Network:
    """`track_outcomes`: a welfare network's outcome per track (None keeps the stored ones)."""
    network = _locked(network)
    network_check_conclude(network=network, by=by)
    fields = ["concluded_at"]
    if outcome_summary is not None:
        network.outcome_summary = outcome_summary.strip()
        _check_texts(network, "outcome_summary")
        fields.append("outcome_summary")
    if track_outcomes is not None:
        message = rules.track_texts_error(dict(track_outcomes))
        if message:
            raise ValidationError({"track_outcomes": [message]})
        network.track_outcomes = {track: text.strip() for track, text in track_outcomes.items()}
        fields.append("track_outcomes")
    _refuse_if_blocked(network, rules.Action.CONCLUDE, _("Netværket kan ikke afsluttes endnu. Ret først:"))
    network.concluded_at = timezone.now()
    _move(network, to=Status.CONCLUDED, by=by, comment=comment, fields=fields)
    _plan_follow_ups(network)
    if network.type.requires_approval:
        notifications.network_concluded(network)
    return network


@transaction.atomic
def network_cancel(*, network: Network, by, comment: str) -> Network:
    network = _locked(network)
    network_check_cancel(network=network, by=by)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Skriv, hvorfor netværket annulleres."), code="comment_required")
    return _move(network, to=Status.CANCELLED, by=by, comment=comment)


# --- Follow-ups -------------------------------------------------------------------------------


def _plan_follow_ups(network: Network) -> None:
    """One follow-up per month count in the type's `follow_up_months`, counted from the local day
    the network concluded (31 August + 3 months is 30 November)."""
    concluded_on = timezone.localdate(network.concluded_at)
    FollowUp.objects.bulk_create(
        FollowUp(network=network, months=months, due=add_months(concluded_on, months))
        for months in sorted(network.type.follow_up_months or [])
    )


def follow_up_check_answer(*, follow_up: FollowUp, by, today: datetime.date | None = None) -> None:
    """The leader answers a follow-up once, from the day it falls due."""
    _require_leader(follow_up.network, by)
    if follow_up.is_answered:
        raise DomainError(
            _("Opfølgningen er allerede besvaret den %(at)s og kan ikke ændres.")
            % {"at": long_datetime(follow_up.answered_at)},
            code="already_answered",
        )
    today = today or timezone.localdate()
    if today < follow_up.due:
        raise DomainError(
            _("Opfølgningen kan først besvares fra den %(day)s.") % {"day": long_date(follow_up.due)},
            code="not_due",
        )


@transaction.atomic
def follow_up_answer(*, follow_up: FollowUp, by, answers: Mapping) -> FollowUp:
    """Record the leader's answers to the type's follow-up questions; invalid answers are a
    `ValidationError` keyed by question, and nothing is saved."""
    network = _locked(follow_up.network)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, network=network)
    follow_up.network = network
    follow_up_check_answer(follow_up=follow_up, by=by)
    # The questions may be asked of the participants (learning): read them once, not per question.
    prefetch_related_objects([network], "participants")
    questions = rules.spec_for(network.type).follow_up
    if questions is None:
        raise DomainError(_("Denne netværkstype har ingen opfølgningsspørgsmål."), code="no_questions")
    if not isinstance(answers, Mapping):
        raise ValidationError(_("Svarene skal sendes som et objekt med ét felt pr. spørgsmål."))
    errors = questions.validate(answers, network)
    asked = {question.key for question in questions.questions(network)}
    errors.update({key: [_("Ukendt spørgsmål.")] for key in answers if key not in asked})
    if errors:
        raise ValidationError(errors)
    follow_up.answers = questions.record(answers, network)
    follow_up.answered_by = by
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["answers", "answered_by", "answered_at"])
    return follow_up


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
    track_outcomes: Mapping[str, str] | None = None,
    commitments: Mapping[int, str] | None = None,
    no_commitment_reasons: Mapping[int, str] | None = None,
    comment: str = "",
) -> Network:
    """Conclude the network and record what each participant commits to put into practice, or
    why they commit to nothing.

    One transaction: if the network cannot be concluded, none of the commitments is saved either.
    `commitments` and `no_commitment_reasons` map participant ids of this network to their text; a
    participant left out of both keeps what is stored. The rules then decide whether every current
    core participant has answered (`commitments_missing`).
    """
    locked = _locked(network)
    network_check_conclude(network=locked, by=by)
    answers = {
        "commitment": dict(commitments or {}),
        "no_commitment_reason": dict(no_commitment_reasons or {}),
    }
    named = set(answers["commitment"]) | set(answers["no_commitment_reason"])
    if named:
        rows = Participant.objects.select_for_update().filter(network=locked, pk__in=named)
        participants = {p.pk: p for p in rows}
        if named - set(participants):
            raise DomainError(
                _("Forpligtelser kan kun noteres for netværkets egne deltagere."), code="not_participant"
            )
        others = [name for name in PARTICIPANT_FIELDS if name not in answers]
        for pk in sorted(named):
            participant = participants[pk]
            changed = []
            for field, texts in answers.items():
                if pk in texts:
                    text = (texts[pk] or "").strip()
                    if getattr(participant, field) != text:
                        setattr(participant, field, text)
                        changed.append(field)
            if changed:
                participant.full_clean(exclude=[*others, "network"])
                participant.save(update_fields=changed)
    return network_conclude(
        network=locked,
        by=by,
        outcome_summary=outcome_summary,
        track_outcomes=track_outcomes,
        comment=comment,
    )
