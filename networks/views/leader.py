"""Pages for network leaders: the dashboard, the list, the type guide, registering and the network page.

Direktørforum and administrators see the same pages read-only for the networks `selectors` lets
them see. Participants, meetings and lifecycle buttons have modules of their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from networks import calendar, guide, planning, roles, rules, selectors, services
from networks.forms import (
    GuideForm,
    NetworkFilterForm,
    NetworkForm,
    TypeChoiceForm,
    add_refusal,
    add_service_errors,
    fields_for_type,
)
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    ParticipantRole,
    Status,
    WelfareTrack,
)
from networks.services import DomainError, RoleRefused
from networks.views.access import network_page

PAGE_SIZE = 25

# What each step of the progress checklist looks like when it is done; the steps and whether
# each is done come from `networks.rules`.
CHECKLIST_LABELS = {
    "purpose_missing": gettext_lazy("Formålet er beskrevet"),
    "strategy_reference_missing": gettext_lazy("Den politiske vision eller strategi er angivet"),
    "mandate_not_clarified": gettext_lazy("Mandatet er afklaret"),
    "too_few_core_participants": gettext_lazy("Kernen af deltagere er sammensat"),
    "approval_required": gettext_lazy("Direktørforum har godkendt netværket"),
    "sprint_window_missing": gettext_lazy("Sprintens første og sidste dag er fastlagt"),
    "too_few_meetings": gettext_lazy("Mødeplanen har nok netværksmøder"),
    "outcome_summary_missing": gettext_lazy("Resultatet er skrevet"),
}

ACTION_LABELS = {
    rules.Action.SUBMIT: gettext_lazy("Indstil til Direktørforum"),
    rules.Action.START: gettext_lazy("Start netværket"),
    rules.Action.CONCLUDE: gettext_lazy("Afslut netværket"),
}


# --- Rows for the dashboard and the list ---------------------------------------------------------


@dataclass
class NetworkRow:
    network: Network
    findings: list[rules.Finding]
    progress: tuple[int, int]
    next_meeting: Meeting | None
    sprint: planning.SprintClock | None

    @property
    def blocking(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.blocks]

    @property
    def is_open(self) -> bool:
        return self.network.status in OPEN_STATUSES


def _next_meeting(network: Network, now: datetime.datetime) -> Meeting | None:
    upcoming = [m for m in network.meetings.all() if m.status == MeetingStatus.PLANNED and m.starts_at >= now]
    return min(upcoming, key=lambda m: m.starts_at, default=None)


def network_row(network: Network, now: datetime.datetime) -> NetworkRow:
    """What the dashboard and the list show about one network, from its prefetched rows."""
    today = timezone.localdate(now)
    return NetworkRow(
        network=network,
        findings=rules.findings(network, today=today),
        progress=rules.progress(network, today=today),
        next_meeting=_next_meeting(network, now),
        sprint=planning.sprint_clock(network, today),
    )


def can_create(user) -> bool:
    try:
        services.network_check_create(by=user)
    except RoleRefused:
        return False
    return True


@require_GET
def home(request):
    """Each role's start page: a leader's own networks, blocking findings first; Direktørforum's
    cases; every open network for administrators."""
    user, now = request.user, timezone.now()
    is_admin, is_df = roles.is_administrator(user), roles.is_direktoerforum(user)
    networks = selectors.networks_visible_to(user).filter(Q(leader=user) | Q(status__in=OPEN_STATUSES))
    rows = [network_row(network, now) for network in networks.order_by("title", "pk")]
    mine = [row for row in rows if row.network.leader_id == user.pk]
    others = [row for row in rows if row.network.leader_id != user.pk]
    return render(
        request,
        "networks/home.html",
        {
            # Networks with something blocking them come first: that is where the leader acts.
            "my_open": sorted((r for r in mine if r.is_open), key=lambda r: not r.blocking),
            "my_closed": [r for r in mine if not r.is_open],
            "awaiting_decision": [r for r in others if r.network.status == Status.SUBMITTED],
            "other_open": [r for r in others if r.network.status != Status.SUBMITTED],
            "is_administrator": is_admin,
            "is_direktoerforum": is_df,
            # Anyone who is not Direktørforum or an administrator is here for their own networks.
            "show_mine": roles.is_leader(user) or bool(mine) or not (is_admin or is_df),
            "can_create": can_create(user),
        },
    )


@require_GET
def network_list(request):
    """Every network the user may see, filtered by type and status, a page at a time."""
    form = NetworkFilterForm(request.GET or None)
    networks = selectors.networks_visible_to(request.user).order_by("title", "pk")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["type"]:
            networks = networks.filter(type__code=form.cleaned_data["type"])
        if form.cleaned_data["status"]:
            networks = networks.filter(status=form.cleaned_data["status"])
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("side"))
    now = timezone.now()
    return render(
        request,
        "networks/network_list.html",
        {"form": form, "page": page, "rows": [network_row(network, now) for network in page]},
    )


# --- The type guide and registration -------------------------------------------------------------


@require_GET
def guide_page(request):
    types = list(NetworkType.objects.all())
    form = GuideForm(request.GET or None)
    recommendation = guide.recommend(form.cleaned_data, types) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "networks/guide.html",
        {
            "form": form,
            "recommendation": recommendation,
            "summaries": guide.summaries(types),
            "can_create": can_create(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def network_create(request):
    try:
        services.network_check_create(by=request.user)
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc
    types = list(NetworkType.objects.all())
    chosen = next((t for t in types if t.code == request.GET.get("type")), None)
    if chosen is None:
        # Which fields apply depends on the type, so it is chosen first (a link from the guide
        # arrives with ?type= and skips this step).
        chooser = TypeChoiceForm(request.GET if "type" in request.GET else None, types=types)
        chooser.is_valid()
        return render(
            request,
            "networks/network_type_choice.html",
            {"form": chooser, "summaries": guide.summaries(types)},
        )
    form = NetworkForm(request.POST if request.method == "POST" else None, network_type=chosen)
    if form.is_bound and form.is_valid():
        try:
            network = services.network_create(by=request.user, type=chosen, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except RoleRefused as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” er oprettet som kladde. Se herunder, hvad der mangler, før det kan gå videre.")
                % {"title": network.title},
            )
            return redirect(network)
    return render(
        request, "networks/network_form.html", {"form": form, "network_type": chosen, "network": None}
    )


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def network_edit(request, network):
    initial = {name: getattr(network, name) for name in fields_for_type(network.type)}
    form = NetworkForm(
        request.POST if request.method == "POST" else None, initial=initial, network_type=network.type
    )
    if form.is_bound and form.is_valid():
        try:
            services.network_update(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except RoleRefused as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect(network)
    return render(
        request,
        "networks/network_form.html",
        {"form": form, "network_type": network.type, "network": network},
    )


# --- The network page ----------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    label: str
    done: bool
    finding: rules.Finding | None


@dataclass
class ActionButton:
    action: str
    label: str
    url: str
    blockers: list[rules.Finding]
    # A form on its own page (conclude) resolves what blocks it there, so it is never disabled here.
    opens_form: bool = False

    @property
    def enabled(self) -> bool:
        return self.opens_form or not self.blockers


def _checklist(network: Network, today: datetime.date) -> list[ChecklistItem]:
    return [
        ChecklistItem(str(CHECKLIST_LABELS.get(step.code, step.code)), step.done, step.finding)
        for step in rules.checklist(network, today=today)
    ]


def _actions(network: Network, today: datetime.date) -> list[ActionButton]:
    urls = {
        rules.Action.SUBMIT: reverse("networks:submit", args=[network.pk]),
        rules.Action.START: reverse("networks:start", args=[network.pk]),
        rules.Action.CONCLUDE: reverse("networks:conclude", args=[network.pk]),
    }
    return [
        ActionButton(
            action=str(action),
            label=str(ACTION_LABELS[action]),
            url=urls[action],
            blockers=rules.blocking(network, action, today=today),
            opens_form=action == rules.Action.CONCLUDE,
        )
        for action in rules.next_actions(network)
    ]


def next_step(network: Network, actions: list[ActionButton]) -> str:
    """One sentence on what the leader does next, from the rules' blocking findings."""
    if network.status == Status.SUBMITTED:
        return _("Sagen ligger hos Direktørforum. Du får besked, når der er truffet en afgørelse.")
    if network.status == Status.ACTIVE:
        return _(
            "Netværket kører. Hold møderne, og skriv resultatet, når arbejdet er gjort; afslut så netværket."
        )
    if not actions:
        return _("Netværket er %(status)s; der er ikke mere at gøre.") % {"status": network.status_text}
    first = actions[0]
    if first.blockers:
        return first.blockers[0].message
    if first.action == rules.Action.SUBMIT:
        return _("Alt er klar til Direktørforum. Indstil netværket, når du er klar.")
    return _("Alt er på plads. Start netværket, når I er klar.")


@require_GET
@network_page()
def network_detail(request, network):
    today = timezone.localdate()
    decisions = list(network.decisions.select_related("decided_by"))
    participants = list(network.participants.all())
    current = [p for p in participants if p.left_on is None]
    actions = _actions(network, today)
    is_leader = network.leader_id == request.user.pk
    counted = [m for m in network.meetings.all() if m.status != MeetingStatus.CANCELLED]
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "findings": rules.findings(network, today=today),
            "progress": rules.progress(network, today=today),
            "checklist": _checklist(network, today),
            "timeline": planning.timeline(network, today, decisions),
            "sprint": planning.sprint_clock(network, today),
            "today": today,
            "next_step": next_step(network, actions),
            "actions": actions if is_leader else [],
            "can_cancel": is_leader and network.status in OPEN_STATUSES,
            "can_change": is_leader and network.is_editable,
            "is_leader": is_leader,
            "core": [p for p in current if p.role == ParticipantRole.CORE],
            "peripheral": [p for p in current if p.role == ParticipantRole.PERIPHERAL],
            "former": [p for p in participants if p.left_on is not None],
            "categories": _category_counts(current),
            "tracks": [WelfareTrack(t).label for t in network.tracks or [] if t in WelfareTrack.values],
            "meetings": list(network.meetings.all()),
            "counted_meetings": len(counted),
            "decisions": decisions,
            "status_changes": network.status_changes.select_related("changed_by"),
        },
    )


def _category_counts(participants) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for p in participants:
        counts[p.actor_category] = counts.get(p.actor_category, 0) + 1
    return [(str(label), counts[value]) for value, label in ActorCategory.choices if value in counts]


@require_GET
@network_page()
def network_calendar(request, network):
    """Every non-cancelled meeting as an .ics file."""
    content = calendar.network_ics(network, network.meetings.all())
    return ics_response(content, calendar.filename(network.title))


def ics_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response
