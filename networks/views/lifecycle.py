"""The lifecycle buttons: submit to Direktørforum, start, conclude (with the outcome and, for a
learning network, each participant's commitment), cancel (with a reason) and delete a draft that
never went anywhere.

The services decide; a refusal comes back as a Danish message and the findings that block.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from networks import rules, services
from networks.forms import CancelForm, ConcludeForm
from networks.views.access import network_page
from networks.views.helpers import REFUSED, call_service, call_service_with_messages


def _transition(request, network, service, success: str):
    if call_service_with_messages(request, lambda: service(network=network, by=request.user)) is not REFUSED:
        messages.success(request, success)
    return redirect(network)


def _refused(request, network, check) -> bool:
    """Whether `check` refuses the user now; if so, its reason is shown as messages (a role refusal
    is 403), before the user fills in a form the service would refuse."""
    return call_service_with_messages(request, lambda: check(network=network, by=request.user)) is REFUSED


@require_POST
@network_page(lead=True)
def network_submit(request, network):
    return _transition(
        request,
        network,
        services.network_submit,
        _("Netværket er indstillet til Direktørforum. Du får besked, når der er truffet en beslutning."),
    )


@require_POST
@network_page(lead=True)
def network_start(request, network):
    return _transition(request, network, services.network_start, _("Netværket er startet. God arbejdslyst!"))


@require_http_methods(["GET", "POST"])
@network_page(lead=True)
def network_conclude(request, network):
    if _refused(request, network, services.network_check_conclude):
        return redirect(network)
    form = ConcludeForm(request.POST if request.method == "POST" else None, network=network)
    if form.is_bound and form.is_valid():
        concluded = call_service(
            form,
            lambda: services.network_conclude_with_commitments(
                network=network,
                by=request.user,
                outcome_summary=form.cleaned_data["outcome_summary"],
                track_outcomes=form.track_outcomes,
                commitments=form.commitments,
                no_commitment_reasons=form.no_commitment_reasons,
                comment=form.cleaned_data["comment"],
            ),
        )
        if concluded is not REFUSED:
            messages.success(request, _("Netværket er afsluttet, og resultatet er gemt."))
            return redirect(network)
    return render(
        request,
        "networks/network_conclude.html",
        {
            "form": form,
            "network": network,
            # Warnings about concluding (e.g. no commitments yet) help before the leader confirms.
            "findings": [f for f in rules.findings(network) if rules.Action.CONCLUDE in f.actions],
        },
    )


@require_http_methods(["GET", "POST"])
@network_page(lead=True)
def network_cancel(request, network):
    if _refused(request, network, services.network_check_cancel):
        return redirect(network)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        cancelled = call_service(
            form,
            lambda: services.network_cancel(
                network=network, by=request.user, comment=form.cleaned_data["comment"]
            ),
            refusal_fields={"comment_required": "comment"},
        )
        if cancelled is not REFUSED:
            messages.success(request, _("Netværket er annulleret."))
            return redirect(network)
    return render(request, "networks/network_cancel.html", {"form": form, "network": network})


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def network_delete(request, network):
    """GET asks for confirmation; POST deletes the draft with its participants and meetings.

    Only networks the leader may still change reach the page (`network_page(change=True)`); of
    those, one with a history (sent back by Direktørforum, approved or started) is never deleted:
    the page says to cancel it instead, and a POST is refused with the service's reason."""
    if request.method == "POST":
        deleted = call_service_with_messages(
            request, lambda: services.network_delete(network=network, by=request.user)
        )
        if deleted is REFUSED:
            return redirect(network)
        messages.success(request, _("“%(title)s” er slettet.") % {"title": network.title})
        return redirect("networks:home")
    return render(
        request,
        "networks/network_delete.html",
        {
            "network": network,
            "refusal": services.refusal_of(services.network_check_delete, network=network, by=request.user),
            "participants": len(network.participants.all()),
            "meetings": len(network.meetings.all()),
        },
    )
