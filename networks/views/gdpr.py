"""Personal data tools for administrators (GDPR): find a person by email across every network, hand
over a copy (art. 15, JSON or CSV) and anonymise them everywhere (art. 17), after a confirmation.

Administrators only (anyone else 403). The email is always sent in a POST body, never in the
address, so it does not end up in access logs or the browser's history; nothing is changed before
the administrator confirms on the second page.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from networks import gdpr, roles


def _require_administrator(user) -> None:
    if not roles.is_administrator(user):
        raise PermissionDenied(_("Kun administratorer har adgang til personoplysningerne."))


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        help_text=gettext_lazy("Søger i alle netværk og i historikken, uanset store og små bogstaver."),
        error_messages={
            "required": gettext_lazy("Skriv personens e-mail."),
            "invalid": gettext_lazy("Skriv en gyldig e-mail."),
        },
    )


class ExportForm(PersonForm):
    format = forms.ChoiceField(choices=[("json", "JSON"), ("csv", "CSV")])


class EraseForm(PersonForm):
    step = forms.ChoiceField(choices=[("confirm", "confirm"), ("erase", "erase")], widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Jeg har kontrolleret, at anmodningen kommer fra personen selv, og at oplysningerne må slettes."
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("step") == "erase" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Sæt hak for at bekræfte, før personen anonymiseres."))
        return cleaned


@require_http_methods(["GET", "POST"])
def person(request):
    """Find a person: their participations, history rows and user accounts."""
    _require_administrator(request.user)
    form = PersonForm(request.POST if request.method == "POST" else None)
    records = gdpr.find_person(form.cleaned_data["email"]) if form.is_bound and form.is_valid() else None
    return render(request, "networks/gdpr/person.html", {"form": form, "records": records})


@require_POST
def person_export(request):
    """Art. 15: everything found on the person, as a JSON or CSV file. The export is logged."""
    _require_administrator(request.user)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return render(request, "networks/gdpr/person.html", {"form": form, "records": None}, status=400)
    records = gdpr.find_person(form.cleaned_data["email"])
    gdpr.record_export(records=records, by=request.user)
    if form.cleaned_data["format"] == "csv":
        response = HttpResponse(gdpr.export_csv(records), content_type="text/csv; charset=utf-8")
        name = "persondata.csv"
    else:
        body = json.dumps(gdpr.export_data(records), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = "persondata.json"
    # The file name says nothing about whom it concerns; the email stays out of the download history.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def person_erase(request):
    """Art. 17: first a page saying what will be anonymised, then, once confirmed, anonymise."""
    _require_administrator(request.user)
    form = EraseForm(request.POST)
    if not form.is_valid():
        records = None
        if "email" in form.cleaned_data:
            records = gdpr.find_person(form.cleaned_data["email"])
            form.fields["email"].widget = forms.HiddenInput()
        return render(request, "networks/gdpr/erase.html", {"form": form, "records": records}, status=400)
    records = gdpr.find_person(form.cleaned_data["email"])
    if form.cleaned_data["step"] == "confirm":
        form = EraseForm(initial={"email": records.email, "step": "erase"})
        # The page lists what will go; the email it was listed for goes along unchanged.
        form.fields["email"].widget = forms.HiddenInput()
        return render(request, "networks/gdpr/erase.html", {"form": form, "records": records})
    result = gdpr.person_erase(email=records.email, by=request.user)
    messages.success(
        request,
        _(
            "Personen er anonymiseret: %(participants)d deltagelser i %(networks)d netværk og "
            "%(history)d historikrækker. Handlingen er registreret i administrationens log."
        )
        % {"participants": result.participants, "networks": result.networks, "history": result.history_rows},
    )
    return redirect("gdpr_person")
