"""Direktørforum's workspace: the queue of innovation networks, the decision on one case, the agenda
(as a page to print and as a PDF).

Members and administrators see the pages (anyone else 403); only members decide, never on a
network they lead — `services` enforces both, and the page says so instead of offering buttons.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from networks import agenda_pdf as agenda_document
from networks import roles, rules, selectors, services
from networks.forms import DecisionForm
from networks.models import DecisionOutcome, Status
from networks.views import change_requests
from networks.views.helpers import page_links, page_number, record_decision

DECIDERS = {
    DecisionOutcome.APPROVED: services.network_approve,
    DecisionOutcome.REJECTED: services.network_reject,
    DecisionOutcome.CHANGES_REQUESTED: services.network_request_changes,
}


def _require_workspace_access(user) -> None:
    if not roles.uses_direktoerforum_workspace(user):
        raise PermissionDenied(_("Kun Direktørforum og administratorer har adgang til denne side."))


def _case_for_user(user, pk):
    network = selectors.network_for_user(user, pk)
    if not network.type.requires_approval or not network.submission_round:
        raise Http404
    return network


def _days_waiting(network, today) -> int | None:
    if network.submitted_at is None:
        return None
    return (today - timezone.localdate(network.submitted_at)).days


def _case_rows(networks, today=None):
    today = today or timezone.localdate()
    return [
        {
            "network": network,
            "findings": rules.case_findings(network),
            "days_waiting": _days_waiting(network, today),
        }
        for network in networks
    ]


# Approved and running innovation networks shown per page of the dashboard's portfolio.
PORTFOLIO_PAGE_SIZE = 25
# Decisions made, newest first, per page of the dashboard (?beslutninger=).
DECISIONS_PAGE_SIZE = 20


@require_GET
def dashboard(request):
    _require_workspace_access(request.user)
    # The portfolio grows with every approval, so it comes a page at a time (one row more than
    # shown says whether there is a next page, without counting them all).
    number = page_number(request.GET.get("portefoelje"))
    portfolio = list(selectors.page_of(selectors.direktoerforum_portfolio(), number, PORTFOLIO_PAGE_SIZE))
    queue = list(selectors.direktoerforum_queue())
    # The dashboard shows findings and progress, not people: the rules' facts of the queue and the
    # portfolio together, by grouped queries.
    selectors.with_rule_facts(queue + portfolio)
    # Every decision ever made is history that only grows: a page at a time, too.
    decisions_number = page_number(request.GET.get("beslutninger"))
    decisions = list(selectors.recent_decisions(DECISIONS_PAGE_SIZE, page=decisions_number))
    return render(
        request,
        "networks/direktoerforum/dashboard.html",
        {
            "queue": _case_rows(queue),
            # Change requests beside the cases, the longest-waiting first.
            "change_requests": [
                {"change_request": request_, "days_waiting": change_requests.days_waiting(request_)}
                for request_ in selectors.change_requests_waiting()
            ],
            "decisions": decisions[:DECISIONS_PAGE_SIZE],
            "decisions_page": page_links(decisions_number, has_next=len(decisions) > DECISIONS_PAGE_SIZE),
            "portfolio": [(network, rules.progress(network)) for network in portfolio[:PORTFOLIO_PAGE_SIZE]],
            "portfolio_page": page_links(number, has_next=len(portfolio) > PORTFOLIO_PAGE_SIZE),
            **_concluded_portfolio(request),
        },
    )


# --- What came of the approved networks: concluded ones, their outcome and follow-ups -----------

# Concluded innovation networks shown per page of the dashboard.
CONCLUDED_PAGE_SIZE = 25


def _concluded_portfolio(request) -> dict:
    """The dashboard's concluded innovation networks, newest first, a page at a time (?afsluttede=):
    two queries however many there are, the networks and their follow-ups."""
    number = page_number(request.GET.get("afsluttede"))
    concluded = list(selectors.page_of(selectors.direktoerforum_concluded(), number, CONCLUDED_PAGE_SIZE))
    today = timezone.localdate()
    return {
        "concluded": [
            {"network": network, "follow_ups": selectors.follow_up_rows(network, today)}
            for network in concluded[:CONCLUDED_PAGE_SIZE]
        ],
        "concluded_page": page_links(number, has_next=len(concluded) > CONCLUDED_PAGE_SIZE),
    }


def _refusal_note(refusal: services.DomainError | None, network) -> str:
    """The note in place of the decision form. A role refusal in the service's words; a case no
    longer waiting only says so, because the history below says who decided what (and the member
    who has just decided must not read that "a decision was already made")."""
    if refusal is None:
        return ""
    if isinstance(refusal, services.RoleRefused):
        return refusal.message
    return _("Sagen venter ikke på en beslutning; netværket er %(status)s.") % {"status": network.status_text}


@require_http_methods(["GET", "POST"])
def case(request, pk):
    _require_workspace_access(request.user)
    network = _case_for_user(request.user, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    # Why this user cannot decide the case now, in the words the service would use; the page says
    # so instead of offering the form.
    refusal = services.refusal_of(services.network_check_decide, network=network, by=request.user)
    if request.method == "POST":
        if isinstance(refusal, services.RoleRefused):
            raise PermissionDenied(refusal.message)
        # A case decided since the page was opened is not refused here: the service says which
        # decision won, and the member sees that.
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            response = record_decision(
                request,
                form,
                lambda: DECIDERS[outcome](
                    network=network,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    meeting_date=form.cleaned_data["meeting_date"],
                ),
                outcome_label=DecisionOutcome(outcome).label,
                back=reverse("direktoerforum:case", args=[network.pk]),
            )
            if response is not None:
                return response
    decisions, status_changes = selectors.case_history(network)
    status_changes = list(status_changes)
    submissions = [c for c in status_changes if c.to_status == Status.SUBMITTED]
    network.submitted_at = submissions[-1].changed_at if submissions else None
    return render(
        request,
        "networks/direktoerforum/case.html",
        {
            "network": network,
            "findings": rules.case_findings(network),
            "form": form,
            "refusal": _refusal_note(refusal, network),
            "decisions": decisions,
            "status_changes": status_changes,
            "days_waiting": _days_waiting(network, timezone.localdate()),
            # A concluded network's follow-ups (one query; none for a network still open).
            "follow_ups": selectors.follow_up_rows(network, timezone.localdate()),
        },
    )


def _agenda_cases(request, today) -> list[dict]:
    """The waiting cases chosen with ?sag=…, as rows in queue order; ids of anything else are ignored.

    The one access check and selection behind the agenda page and its PDF: anyone but Direktørforum
    and administrators gets 403 here."""
    _require_workspace_access(request.user)
    # Only plain ASCII ids of a sane length: "²".isdigit() is true, and huge numbers overflow.
    ids = [
        int(value)
        for value in request.GET.getlist("sag")
        if value.isascii() and value.isdigit() and len(value) <= 18
    ]
    return _case_rows(selectors.direktoerforum_cases(ids), today) if ids else []


def _no_case_chosen(request):
    messages.error(request, _("Vælg mindst én ventende sag til dagsordenen."))
    return redirect("direktoerforum:dashboard")


@require_GET
def agenda(request):
    today = timezone.localdate()
    cases = _agenda_cases(request, today)
    if not cases:
        return _no_case_chosen(request)
    return render(
        request,
        "networks/direktoerforum/agenda.html",
        {
            "cases": cases,
            "printed_on": today,
            # The PDF of the same cases: the ids that passed, not whatever the address said.
            "pdf_query": urlencode([("sag", row["network"].pk) for row in cases]),
        },
    )


@require_GET
def agenda_pdf(request):
    """The agenda as a PDF file: the same cases, the same rules, one case a page."""
    today = timezone.localdate()
    cases = _agenda_cases(request, today)
    if not cases:
        return _no_case_chosen(request)
    response = HttpResponse(
        # The site's address, so the pointer to a case's page for what the PDF leaves out works on paper.
        agenda_document.render(cases, today=today, site=request.build_absolute_uri("/").rstrip("/")),
        content_type=agenda_document.CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{agenda_document.filename(today)}"'
    # Names of citizens and politicians: not kept in a shared cache or the browser's.
    response["Cache-Control"] = "private, no-store"
    return response
