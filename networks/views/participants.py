"""Participants: add, edit, mark as left, and bulk add from CSV with a preview the leader confirms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from networks import csv_import, services
from networks.forms import ParticipantForm, ParticipantImportConfirmForm, ParticipantImportForm
from networks.views.access import network_page, participant_of
from networks.views.helpers import REFUSED, call_service, call_service_with_messages


def _participants_url(network) -> str:
    return network.get_absolute_url() + "#deltagere"


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def participant_add(request, network):
    form = ParticipantForm(request.POST if request.method == "POST" else None, network=network)
    if form.is_bound and form.is_valid():
        participant = call_service(
            form, lambda: services.participant_add(network=network, by=request.user, **form.cleaned_data)
        )
        if participant is not REFUSED:
            messages.success(request, _("%(name)s er tilføjet.") % {"name": participant.name})
            if "another" in request.POST:
                return redirect("networks:participant_add", network.pk)
            return redirect(_participants_url(network))
    return render(
        request, "networks/participant_form.html", {"form": form, "network": network, "participant": None}
    )


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def participant_edit(request, network, participant_pk):
    participant = participant_of(network, participant_pk)
    names = services.PARTICIPANT_FIELDS
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(participant, name) for name in names},
        network=network,
        editing=True,
    )
    if form.is_bound and form.is_valid():
        saved = call_service(
            form,
            lambda: services.participant_update(
                participant=participant, by=request.user, **form.cleaned_data
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("Oplysningerne om %(name)s er gemt.") % {"name": participant.name})
            return redirect(_participants_url(network))
    return render(
        request,
        "networks/participant_form.html",
        {"form": form, "network": network, "participant": participant},
    )


@require_POST
@network_page(change=True)
def participant_left(request, network, participant_pk):
    participant = participant_of(network, participant_pk)
    left = call_service_with_messages(
        request, lambda: services.participant_mark_left(participant=participant, by=request.user)
    )
    if left is not REFUSED:
        messages.success(request, _("%(name)s er markeret som udtrådt.") % {"name": participant.name})
    return redirect(_participants_url(network))


@require_http_methods(["GET", "POST"])
@network_page(change=True)
def participant_import(request, network):
    """Upload or paste CSV → a preview with a message per bad row → confirm → the valid rows saved.

    Nothing is saved before the leader confirms. The preview carries the text in a hidden field,
    and confirming checks it again against the network as it is then.
    """
    existing = [p.email for p in network.participants.all()]
    context = {"network": network, "preview": None, "confirm_form": None}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = ParticipantImportConfirmForm(request.POST)
        form = ParticipantImportForm()
        if confirm.is_valid():
            try:
                preview = csv_import.parse(confirm.cleaned_data["csv"], existing_emails=existing)
            except ValidationError as exc:
                form = ParticipantImportForm(initial={"text": confirm.cleaned_data["csv"]})
                context["problem"] = " ".join(exc.messages)
            else:
                response = _save_rows(request, network, preview)
                if response:
                    return response
                context.update(preview=preview, confirm_form=confirm)
        context["form"] = form
        return render(request, "networks/participant_import.html", context)

    form = ParticipantImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        try:
            preview = csv_import.parse(form.csv_text, existing_emails=existing)
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            context["preview"] = preview
            context["confirm_form"] = ParticipantImportConfirmForm(initial={"csv": form.csv_text})
    context["form"] = form
    return render(request, "networks/participant_import.html", context)


def _save_rows(request, network, preview):
    valid = preview.valid_rows
    if not valid:
        messages.error(request, _("Ingen af rækkerne kan tilføjes. Ret dem, og prøv igen."))
        return None

    def save():
        try:
            return services.participant_add_many(
                network=network, by=request.user, rows=[row.values for row in valid]
            )
        except services.RowRefused as exc:
            return exc

    saved = call_service_with_messages(request, save)
    if saved is REFUSED:
        # The network takes no participants now: its page says why.
        return redirect(network)
    if isinstance(saved, services.RowRefused):
        # A row the preview passed but the service refused (e.g. someone added the e-mail since).
        messages.error(
            request,
            _("Række %(line)d kunne ikke gemmes, så ingen deltagere er tilføjet: %(errors)s")
            % {"line": valid[saved.index].line, "errors": " ".join(saved.error.messages)},
        )
        return None
    skipped = len(preview.invalid_rows)
    text = ngettext("%(count)d deltager er tilføjet.", "%(count)d deltagere er tilføjet.", len(valid)) % {
        "count": len(valid)
    }
    if skipped:
        text += " " + ngettext(
            "%(count)d række med fejl er sprunget over.",
            "%(count)d rækker med fejl er sprunget over.",
            skipped,
        ) % {"count": skipped}
    messages.success(request, text)
    return redirect(reverse("networks:detail", args=[network.pk]) + "#deltagere")
