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
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from networks import gdpr
from networks.forms import EraseForm, ExportForm, PersonForm
from networks.views.helpers import require


@require_http_methods(["GET", "POST"])
def person(request):
    """Find a person: their participations, history rows and user accounts."""
    require(gdpr.check_access, by=request.user)
    form = PersonForm(request.POST if request.method == "POST" else None)
    records = gdpr.find_person(form.cleaned_data["email"]) if form.is_bound and form.is_valid() else None
    return render(request, "networks/gdpr/person.html", {"form": form, "records": records})


@require_POST
def person_export(request):
    """Art. 15: everything found on the person, as a JSON or CSV file. The export is logged."""
    require(gdpr.check_access, by=request.user)
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
    require(gdpr.check_access, by=request.user)
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
