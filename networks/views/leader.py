"""Pages for network leaders: the dashboard, the list, the type guide, registering and the network page.

Direktørforum and administrators see the same pages read-only for the networks `selectors` lets
them see. Participants, meetings and lifecycle buttons have modules of their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from networks import audit, calendar, guide, planning, rules, selectors, services, tasks
from networks.forms import GuideForm, NetworkFilterForm, NetworkForm, TypeChoiceForm, fields_for_type
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    MeetingStatus,
    Network,
    NetworkType,
    ParticipantRole,
    Status,
    WelfareTrack,
)
from networks.views import change_requests
from networks.views.access import network_page
from networks.views.helpers import REFUSED, call_service, ics_response, page_links, page_number, require

PAGE_SIZE = 25
# Other leaders' open networks on the start page (administrators see every open network).
HOME_PAGE_SIZE = 25
# Closed networks on the start page: a short history, a page at a time.
HISTORY_PAGE_SIZE = 10

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
    next_meeting: selectors.NextMeeting | None
    sprint: planning.SprintClock | None

    @property
    def blocking(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.blocks]

    @property
    def is_open(self) -> bool:
        return self.network.status in OPEN_STATUSES


def network_row(network: Network, now: datetime.datetime) -> NetworkRow:
    """What the dashboard and the list show about one network: from `selectors.with_rule_facts` and
    `selectors.with_next_meeting`."""
    today = timezone.localdate(now)
    findings, progress = rules.findings_and_progress(network, today=today)
    return NetworkRow(
        network=network,
        findings=findings,
        progress=progress,
        next_meeting=selectors.NextMeeting.of(network),
        sprint=planning.sprint_clock(network, today),
    )


@dataclass
class ClosedRow:
    """A closed network on the start page: only its title and status are shown, so no rules are asked."""

    network: Network


@require_GET
def home(request):
    """Each role's start page: a leader's open networks, blocking findings first, and their closed
    ones as a history a page at a time; Direktørforum's cases; every open network for
    administrators. What it lists is `selectors.start_page`."""
    now = timezone.now()
    pages = selectors.StartPages(
        mine_open=page_number(request.GET.get("egne")),
        mine_closed=page_number(request.GET.get("historik")),
        other_open=page_number(request.GET.get("side")),
        size=HOME_PAGE_SIZE,
        history_size=HISTORY_PAGE_SIZE,
    )
    start = selectors.start_page(request.user, pages, now)
    return render(
        request,
        "networks/home.html",
        {
            # Networks with something blocking them come first: that is where the leader acts.
            "my_open": sorted((network_row(n, now) for n in start.mine_open), key=lambda r: not r.blocking),
            "my_open_page": page_links(pages.mine_open, has_next=start.mine_open_has_next),
            "my_closed": [ClosedRow(n) for n in start.mine_closed],
            "my_closed_page": page_links(pages.mine_closed, has_next=start.mine_closed_has_next),
            "awaiting_decision": [network_row(n, now) for n in start.awaiting_decision],
            "other_open": [network_row(n, now) for n in start.other_open],
            "other_open_page": page_links(pages.other_open, has_next=start.other_open_has_next),
            "is_administrator": start.is_administrator,
            "is_direktoerforum": start.is_direktoerforum,
            "show_mine": start.shows_mine,
            # The follow-ups the leader must answer now: one query, for those with networks of their own.
            "follow_ups_due": (
                list(selectors.follow_ups_due_for(request.user, timezone.localdate(now)))
                if start.shows_mine
                else []
            ),
            "can_create": services.allows(services.network_check_create, by=request.user),
            # Email the outbox gave up on: administrators see it here, so nobody's email is lost quietly.
            "failed_emails": tasks.failed_email_count() if start.is_administrator else 0,
        },
    )


@require_GET
def network_list(request):
    """Every network the user may see, filtered by type and status, a page at a time."""
    form = NetworkFilterForm(request.GET or None)
    now = timezone.now()
    networks = selectors.with_next_meeting(
        selectors.networks_visible_to(request.user).order_by("title", "pk"), now
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data["type"]:
            networks = networks.filter(type__code=form.cleaned_data["type"])
        if form.cleaned_data["status"]:
            networks = networks.filter(status=form.cleaned_data["status"])
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("side"))
    # The page shows findings and progress, not people: the rules' facts by grouped queries.
    listed = selectors.with_rule_facts(page)
    return render(
        request,
        "networks/network_list.html",
        {"form": form, "page": page, "rows": [network_row(network, now) for network in listed]},
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
            "can_create": services.allows(services.network_check_create, by=request.user),
        },
    )


# A double-submitted registration form (a double click, a resent POST) makes one network: the form
# carries a one-time key; the first POST with it records key → network in the session, and a
# second finds it there and shows the network already made. The session's row is locked while
# the key is checked and used, so two copies of the POST arriving at once are serialised too.
FORM_KEY_FIELD = "engangsnoegle"
FORM_KEYS_SESSION = "netvaerk_created_by_form_key"
FORM_KEYS_KEPT = 20


def _form_key_field(key: str) -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=key, max_length=64)


def _valid_form_key(value: str) -> bool:
    return 16 <= len(value) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value)


def _keys_used(request) -> dict:
    """The form keys already used in this session, read from its locked database row."""
    from django.contrib.sessions.models import Session

    key = request.session.session_key
    if key is None or not settings.SESSION_ENGINE.endswith((".db", ".cached_db")):
        return dict(request.session.get(FORM_KEYS_SESSION, {}))
    row = Session.objects.select_for_update().filter(session_key=key).first()
    stored = request.session.decode(row.session_data) if row else {}
    return dict(stored.get(FORM_KEYS_SESSION, {}))


def _remember_key(request, used: dict, form_key: str, network: Network) -> None:
    used[form_key] = network.pk
    request.session[FORM_KEYS_SESSION] = dict(list(used.items())[-FORM_KEYS_KEPT:])
    # Saved inside the transaction that holds the row lock, so a second copy waiting on the lock
    # reads the key as used.
    request.session.save()


def _create_once(request, form_key: str, create: Callable[[], Network]) -> tuple[Network | int, bool]:
    """`create()` unless this form key already made a network that still exists: (the new network,
    True), or (the id of the network the key made, False). The key is checked and remembered in one
    transaction with the creation, so a refused creation remembers nothing. A form sent again after
    its draft was deleted creates a new one."""
    with transaction.atomic():
        used = _keys_used(request) if _valid_form_key(form_key) else {}
        if form_key in used and Network.objects.filter(pk=used[form_key]).exists():
            return used[form_key], False
        network = create()
        if _valid_form_key(form_key):
            _remember_key(request, used, form_key, network)
        return network, True


@require_http_methods(["GET", "POST"])
def network_create(request):
    require(services.network_check_create, by=request.user)
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
    form.fields[FORM_KEY_FIELD] = _form_key_field(get_random_string(32))
    if form.is_bound and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != FORM_KEY_FIELD}
        form_key = form.cleaned_data[FORM_KEY_FIELD]
        created = call_service(
            form,
            lambda: _create_once(
                request,
                form_key,
                lambda: services.network_create(by=request.user, type=chosen, **fields),
            ),
        )
        if created is not REFUSED:
            network, is_new = created
            if not is_new:
                # A second copy of the POST: `network` is the id of the network the first one made.
                messages.info(request, _("Netværket er allerede oprettet; formularen blev sendt to gange."))
                return redirect("networks:detail", network)
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
    locked = rules.locked_in_place(network)
    form = NetworkForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        network_type=network.type,
        sprint_running=rules.sprint_is_running(network),
        locked=locked,
    )
    if form.is_bound and form.is_valid():
        saved = call_service(
            form, lambda: services.network_update(network=network, by=request.user, **form.cleaned_data)
        )
        if saved is not REFUSED:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect(network)
    return render(
        request,
        "networks/network_form.html",
        {
            "form": form,
            "network_type": network.type,
            "network": network,
            "can_change_type": services.allows(
                services.network_check_type_change, network=network, by=request.user
            ),
            "approved_content_locked": bool(locked),
            "can_request_change": services.allows(
                services.change_request_check_create, network=network, by=request.user
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def network_change_type(request, network):
    """Another type for a draft. The fields the new type does not ask for are kept, not shown."""
    types = list(NetworkType.objects.all())
    form = TypeChoiceForm(
        request.POST if request.method == "POST" else None,
        types=types,
        describe=True,
        initial={"type": network.type.code},
    )
    refusal = None
    if not form.is_bound:
        # Said before the leader chooses; the service checks again when the form is sent.
        refusal = services.refusal_of(services.network_check_type_change, network=network, by=request.user)
    elif form.is_valid():
        chosen = next(t for t in types if t.code == form.cleaned_data["type"])
        if chosen.pk == network.type_id:
            messages.info(
                request,
                _("Netværket er allerede et %(type)s; intet er ændret.") % {"type": chosen.name.lower()},
            )
            return redirect(network)
        saved = call_service(
            form, lambda: services.network_update(network=network, by=request.user, type=chosen)
        )
        if saved is not REFUSED:
            messages.success(
                request,
                _("Netværket er nu et %(type)s. Se herunder, hvad typen kræver.")
                % {"type": chosen.name.lower()},
            )
            return redirect(network)
    return render(
        request,
        "networks/network_change_type.html",
        {"form": form, "network": network, "refusal": refusal},
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
        ChecklistItem(step.label, step.done, step.finding) for step in rules.checklist(network, today=today)
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
        return _("Sagen ligger hos Direktørforum. Du får besked, når der er truffet en beslutning.")
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


def _offers(network: Network, user) -> dict[str, bool]:
    """What the network page offers `user`, each asked of the check its service asks.

    The page's buttons are the leader's: an administrator, whom the service lets cancel too,
    cancels through the API, so the page offers cancelling to the leader only."""
    is_leader = services.allows(services.network_check_lead, network=network, by=user)

    def allows(check) -> bool:
        return services.allows(check, network=network, by=user)

    return {
        "is_leader": is_leader,
        "can_change": allows(services.network_check_change),
        "can_change_type": allows(services.network_check_type_change),
        "can_delete": allows(services.network_check_delete),
        "can_cancel": is_leader and allows(services.network_check_cancel),
    }


@require_GET
@network_page()
def network_detail(request, network):
    today = timezone.localdate()
    selectors.with_facts_of_rows(network)
    findings, progress = rules.findings_and_progress(network, today=today)
    decisions = list(network.decisions.select_related("decided_by"))
    participants = list(network.participants.all())
    current = [p for p in participants if p.left_on is None]
    actions = _actions(network, today)
    offers = _offers(network, request.user)
    counted = [m for m in network.meetings.all() if m.status != MeetingStatus.CANCELLED]
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "findings": findings,
            "progress": progress,
            "checklist": _checklist(network, today),
            "timeline": planning.timeline(network, today, decisions),
            "sprint": planning.sprint_clock(network, today),
            "today": today,
            "next_step": next_step(network, actions),
            "actions": actions if offers["is_leader"] else [],
            **offers,
            "core": [p for p in current if p.role == ParticipantRole.CORE],
            "peripheral": [p for p in current if p.role == ParticipantRole.PERIPHERAL],
            "former": [p for p in participants if p.left_on is not None],
            "categories": _category_counts(current),
            "tracks": _tracks(network),
            # Only a sprint that has run can have been moved: no query for the others.
            "sprint_changes": list(network.sprint_changes.select_related("changed_by"))
            if network.started_at and rules.spec_for(network.type).has_sprint
            else [],
            "meetings": list(network.meetings.all()),
            "counted_meetings": len(counted),
            "core_attendance": selectors.core_attendance(network) if offers["is_leader"] else None,
            "decisions": decisions,
            "change_requests": change_requests.section(network, request.user),
            "status_changes": network.status_changes.select_related("changed_by"),
            "follow_ups": selectors.follow_up_rows(network, today),
            # The audit trail ("Historik") is a page of its own, linked for those who may see it.
            "sees_audit_trail": selectors.sees_audit_trail(request.user, network),
        },
    )


@require_GET
@network_page()
def network_audit_trail(request, network):
    """The network's audit trail ("Historik"): every change to it, its participants, meetings and
    decisions, with who and when, newest first, a page at a time (?side=). Its leader's and the
    administrators' only; anyone else who may see the network gets 404, as for a network they
    may not see."""
    if not selectors.sees_audit_trail(request.user, network):
        raise Http404
    size = settings.AUDIT_HISTORY_ROWS
    number = page_number(request.GET.get("side"))
    first = (number - 1) * size
    entries, total = audit.network_history(network, limit=size, offset=first)
    return render(
        request,
        "networks/network_audit_trail.html",
        {
            "network": network,
            "audit": {"entries": entries, "total": total, "first": first + 1, "last": first + len(entries)},
            "page": page_links(number, has_next=number * size < total),
        },
    )


def _tracks(network: Network) -> list[tuple[str, str, str]]:
    """(label, plan, outcome) for each welfare track, for a type that works on the tracks."""
    if "track_plans" not in fields_for_type(network.type):
        return []
    plans, outcomes = rules.track_texts(network.track_plans), rules.track_texts(network.track_outcomes)
    return [(str(label), plans[track], outcomes[track]) for track, label in WelfareTrack.choices]


def _category_counts(participants) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for p in participants:
        counts[p.actor_category] = counts.get(p.actor_category, 0) + 1
    return [(str(label), counts[value]) for value, label in ActorCategory.choices if value in counts]


@require_GET
@network_page()
def network_calendar(request, network):
    """Every meeting as an .ics file, the cancelled ones marked so."""
    content = calendar.network_ics(network, network.meetings.all())
    return ics_response(content, calendar.filename(network.title))
