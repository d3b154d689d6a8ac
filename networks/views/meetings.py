"""Meetings: plan (one at a time or with the plan helper), edit, cancel, minutes and attendance,
mark as held, and each meeting as an .ics file."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from networks import calendar, planning, services
from networks.forms import MeetingForm, MinutesForm, PlanFormSet, PlanSetupForm, add_service_errors
from networks.models import MeetingStatus
from networks.views.access import meeting_of, network_page
from networks.views.helpers import (
    REFUSED,
    call_service,
    call_service_with_messages,
    ics_response,
)

DEFAULT_START, DEFAULT_END = datetime.time(9, 0), datetime.time(11, 0)


def _meetings_url(network) -> str:
    return network.get_absolute_url() + "#moeder"


def _save(request, form, save, success: str) -> bool:
    """Call the service; on success a message and True, otherwise the refusal on the form."""
    if call_service(form, save) is REFUSED:
        return False
    messages.success(request, success)
    return True


@require_GET
@network_page()
def meeting_detail(request, network, meeting_pk):
    meeting = meeting_of(network, meeting_pk)
    return render(
        request,
        "networks/meeting_detail.html",
        {
            "network": network,
            "meeting": meeting,
            "attendees": list(meeting.attendees.all()),
            "can_change": services.allows(services.network_check_change, network=network, by=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def meeting_create(request, network):
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial={"start_time": DEFAULT_START, "end_time": DEFAULT_END, "status": MeetingStatus.PLANNED},
    )
    if form.is_bound and form.is_valid():
        fields = form.meeting_fields()
        saved = _save(
            request,
            form,
            lambda: services.meeting_create(network=network, by=request.user, **fields),
            _("Mødet “%(title)s” er gemt.") % {"title": fields["title"]},
        )
        if saved:
            return redirect(_meetings_url(network))
    return render(request, "networks/meeting_form.html", {"form": form, "network": network, "meeting": None})


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def meeting_edit(request, network, meeting_pk):
    meeting = meeting_of(network, meeting_pk)
    form = MeetingForm(
        request.POST if request.method == "POST" else None, initial=MeetingForm.initial_for(meeting)
    )
    if form.is_bound and form.is_valid():
        fields = form.meeting_fields()
        saved = _save(
            request,
            form,
            lambda: services.meeting_update(meeting=meeting, by=request.user, **fields),
            _("Mødet “%(title)s” er gemt.") % {"title": fields["title"]},
        )
        if saved:
            return redirect("networks:meeting_detail", network.pk, meeting.pk)
    return render(
        request, "networks/meeting_form.html", {"form": form, "network": network, "meeting": meeting}
    )


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def meeting_minutes(request, network, meeting_pk):
    meeting = meeting_of(network, meeting_pk)
    initial = {
        "minutes": meeting.minutes,
        "attendees": [p.pk for p in meeting.attendees.all()],
        "held": meeting.status != MeetingStatus.CANCELLED,
    }
    form = MinutesForm(request.POST if request.method == "POST" else None, initial=initial, network=network)
    if form.is_bound and form.is_valid():
        saved = _save(
            request,
            form,
            lambda: services.meeting_update(
                meeting=meeting,
                by=request.user,
                attendees=form.cleaned_data.get("attendees"),
                **form.meeting_fields(),
            ),
            _("Referat og fremmøde er gemt."),
        )
        if saved:
            return redirect("networks:meeting_detail", network.pk, meeting.pk)
    return render(
        request, "networks/meeting_minutes.html", {"form": form, "network": network, "meeting": meeting}
    )


def _set_status(request, network, meeting_pk, status: str, success: str):
    meeting = meeting_of(network, meeting_pk)
    updated = call_service_with_messages(
        request, lambda: services.meeting_update(meeting=meeting, by=request.user, status=status)
    )
    if updated is not REFUSED:
        messages.success(request, success % {"title": meeting.title})
    return redirect(_meetings_url(network))


@require_POST
@network_page(change=True)
def meeting_held(request, network, meeting_pk):
    return _set_status(
        request, network, meeting_pk, MeetingStatus.HELD, _("“%(title)s” er markeret som afholdt.")
    )


@require_POST
@network_page(change=True)
def meeting_cancel(request, network, meeting_pk):
    return _set_status(request, network, meeting_pk, MeetingStatus.CANCELLED, _("“%(title)s” er aflyst."))


@require_GET
@network_page()
def meeting_calendar(request, network, meeting_pk):
    meeting = meeting_of(network, meeting_pk)
    return ics_response(
        calendar.meeting_ics(meeting, network), calendar.filename(f"{meeting.title}-{network.title}")
    )


# --- The plan helper -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def meeting_plan(request, network):
    """Propose dates (GET with the setup form), let the leader adjust them, save them all (POST).

    The proposal is a form the leader edits; saving runs every kept meeting through the rules in
    one transaction, so a plan the type does not allow saves nothing and says why on the row.
    """
    existing = sum(1 for m in network.meetings.all() if m.status != MeetingStatus.CANCELLED)
    context = {"network": network, "setup": None, "formset": None}
    context["unavailable"] = planning.unavailable(network, existing)
    if context["unavailable"]:
        return render(request, "networks/meeting_plan.html", context)

    if request.method == "POST":
        formset = PlanFormSet(request.POST, prefix="moede")
        if formset.is_valid() and _save_plan(request, network, formset.meetings()):
            return redirect(_meetings_url(network))
        context["formset"] = formset
        return render(request, "networks/meeting_plan.html", context)

    setup = PlanSetupForm(
        request.GET if "foreslaa" in request.GET else None, network=network, existing=existing
    )
    if not setup.is_bound:
        setup.initial = {
            "start": network.planned_start or timezone.localdate() + datetime.timedelta(days=14),
            "start_time": DEFAULT_START,
            "end_time": DEFAULT_END,
        }
    context["setup"] = setup
    if setup.is_bound and setup.is_valid():
        data = setup.cleaned_data
        context["formset"] = PlanFormSet(
            prefix="moede",
            initial=[
                {
                    "include": True,
                    "title": proposal.title,
                    "day": proposal.day,
                    "start_time": data["start_time"],
                    "end_time": data.get("end_time"),
                    "location": data.get("location", ""),
                }
                for proposal in planning.proposals(network, start=data.get("start"), count=data.get("count"))
            ],
        )
    return render(request, "networks/meeting_plan.html", context)


def _save_plan(request, network, kept) -> bool:
    def save():
        try:
            return services.meeting_create_many(
                network=network, by=request.user, meetings=[fields for _form, fields in kept]
            )
        except services.RowRefused as exc:
            # The row that could not be saved says why on its own fields.
            add_service_errors(kept[exc.index][0], exc.error)
            return REFUSED

    if call_service_with_messages(request, save) is REFUSED:
        return False
    messages.success(
        request,
        ngettext("%(count)d møde er lagt i kalenderen.", "%(count)d møder er lagt i kalenderen.", len(kept))
        % {"count": len(kept)},
    )
    return True
