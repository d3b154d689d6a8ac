"""`call_service` and `call_service_with_messages`: how a service's refusal reaches the page.

A `ValidationError` goes on the fields it names, a `RoleRefused` is 403, any other `DomainError`
is its message and findings on the form (or as messages, for a button without a form), and a
service that succeeds hands its result back with nothing added.
"""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import RequestFactory

from networks import services
from networks.forms import MeetingForm, ParticipantForm
from networks.models import ActorCategory, ParticipantRole
from networks.rules import Finding, Level
from networks.services import DomainError, RoleRefused
from networks.views.helpers import REFUSED, call_service, call_service_with_messages


class ExampleForm(forms.Form):
    title = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    start_time = forms.TimeField(required=False)


def bound_form(form_class=ExampleForm):
    form = form_class(data={})
    assert form.is_valid(), form.errors
    return form


def raises(error):
    def call():
        raise error

    return call


# --- call_service ---------------------------------------------------------------------------------


def test_success_returns_the_services_result_and_adds_nothing():
    form = bound_form()
    result = object()
    assert call_service(form, lambda: result) is result
    assert form.errors == {}


def test_a_service_that_returns_none_is_not_taken_for_a_refusal():
    form = bound_form()
    assert call_service(form, lambda: None) is None
    assert form.errors == {}


def test_field_errors_go_on_the_fields_they_name_and_renamed_ones_on_the_forms_name():
    form = bound_form()
    error = ValidationError(
        {
            "title": ["Giv netværket en titel."],
            "starts_at": ["Mødet kan ikke starte før sprinten."],
            "purpose": ["Beskriv formålet."],
        }
    )
    outcome = call_service(form, raises(error), fields={"starts_at": "start_time"})
    assert outcome is REFUSED
    assert form.errors["title"] == ["Giv netværket en titel."]
    assert form.errors["start_time"] == ["Mødet kan ikke starte før sprinten."]
    # A field the form does not have: the message is not lost, it goes on the form.
    assert form.errors[NON_FIELD_ERRORS] == ["Beskriv formålet."]
    assert "starts_at" not in form.errors and "purpose" not in form.errors


def test_a_forms_service_fields_are_the_default_renaming():
    form = MeetingForm(
        data={"title": "Kickoff", "day": "2027-01-10", "start_time": "09:00", "status": "planned"}
    )
    assert form.is_valid(), form.errors
    error = ValidationError(
        {"starts_at": ["Starttidspunktet er uden for sprinten."], "ends_at": ["For sent."]}
    )
    assert call_service(form, raises(error)) is REFUSED
    assert form.errors["start_time"] == ["Starttidspunktet er uden for sprinten."]
    assert form.errors["end_time"] == ["For sent."]
    assert NON_FIELD_ERRORS not in form.errors


def test_a_validation_error_without_fields_goes_on_the_form():
    form = bound_form()
    assert call_service(form, raises(ValidationError("Slutdatoen ligger før startdatoen."))) is REFUSED
    assert form.non_field_errors() == ["Slutdatoen ligger før startdatoen."]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_a_refusal_puts_its_message_on_the_form_and_each_finding_on_its_field():
    form = bound_form()
    refusal = DomainError(
        "Netværket kan ikke starte endnu. Ret først:",
        code="blocked",
        findings=[
            Finding(
                level=Level.BLOCKS, code="title_missing", message="Giv netværket en titel.", field="title"
            ),
            Finding(level=Level.BLOCKS, code="too_few_meetings", message="Planlæg flere møder."),
        ],
    )
    assert call_service(form, raises(refusal)) is REFUSED
    assert form.errors["title"] == ["Giv netværket en titel."]
    # The refusal's own message, then the finding that concerns no field.
    assert form.non_field_errors() == ["Netværket kan ikke starte endnu. Ret først:", "Planlæg flere møder."]


def test_refusal_fields_put_a_refusal_on_the_field_that_resolves_it():
    form = bound_form()
    refusal = DomainError("Skriv, hvorfor netværket annulleres.", code="comment_required")
    outcome = call_service(form, raises(refusal), refusal_fields={"comment_required": "comment"})
    assert outcome is REFUSED
    assert form.errors == {"comment": ["Skriv, hvorfor netværket annulleres."]}


def test_a_refusal_with_another_code_ignores_refusal_fields():
    form = bound_form()
    refusal = DomainError("Netværket er allerede annulleret.", code="wrong_status")
    call_service(form, raises(refusal), refusal_fields={"comment_required": "comment"})
    assert form.errors == {NON_FIELD_ERRORS: ["Netværket er allerede annulleret."]}


def test_a_role_refusal_is_permission_denied_with_its_message():
    form = bound_form()
    refusal = RoleRefused("Kun netværkets leder kan gøre dette.", code="not_leader")
    with pytest.raises(PermissionDenied) as caught:
        call_service(form, raises(refusal))
    assert str(caught.value) == "Kun netværkets leder kan gøre dette."
    assert caught.value.__cause__ is refusal
    assert form.errors == {}


def test_other_exceptions_are_not_swallowed():
    form = bound_form()
    with pytest.raises(TypeError):
        call_service(form, raises(TypeError("Unknown or read-only fields: colour")))


def test_a_form_with_its_own_add_service_errors_places_the_errors_itself():
    calls = []

    class OwnForm(ExampleForm):
        def add_service_errors(self, error, fields=None):
            calls.append((error, fields))
            self.add_error("comment", "placed by the form")

    form = bound_form(OwnForm)
    error = ValidationError({"title": ["Giv netværket en titel."]})
    assert call_service(form, raises(error), fields={"starts_at": "start_time"}) is REFUSED
    assert calls == [(error, {"starts_at": "start_time"})]
    assert form.errors == {"comment": ["placed by the form"]}


@pytest.mark.django_db
def test_the_participant_forms_one_email_per_network_error_lands_on_the_email(draft_welfare, leader):
    fields = {
        "name": "Anna Holm",
        "email": "anna@example.dk",
        "organisation": "Skovbo Kommune",
        "actor_category": ActorCategory.EMPLOYEE,
        "role": ParticipantRole.CORE,
    }
    services.participant_add(network=draft_welfare, by=leader, **fields)
    form = ParticipantForm(
        data={**fields, "name": "Anna H.", "email": "ANNA@example.dk"}, network=draft_welfare
    )
    assert form.is_valid(), form.errors

    outcome = call_service(
        form, lambda: services.participant_add(network=draft_welfare, by=leader, **form.cleaned_data)
    )

    assert outcome is REFUSED
    assert form.errors["email"] == ["Der er allerede en deltager med denne e-mail i netværket."]
    assert NON_FIELD_ERRORS not in form.errors
    assert draft_welfare.participants.count() == 1


@pytest.mark.django_db
def test_a_participant_added_through_call_service_is_returned(draft_welfare, leader):
    form = ParticipantForm(
        data={
            "name": "Bo Lund",
            "email": "bo@example.dk",
            "organisation": "Skovbo Kommune",
            "actor_category": ActorCategory.EMPLOYEE,
            "role": ParticipantRole.CORE,
        },
        network=draft_welfare,
    )
    assert form.is_valid(), form.errors
    participant = call_service(
        form, lambda: services.participant_add(network=draft_welfare, by=leader, **form.cleaned_data)
    )
    assert participant.pk is not None and participant.name == "Bo Lund"
    assert form.errors == {}


# --- call_service_with_messages (buttons without a form) ------------------------------------------


@pytest.fixture
def request_with_messages():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def shown(request):
    return [(m.message, m.tags) for m in get_messages(request)]


def test_a_button_service_that_succeeds_returns_its_result_and_shows_nothing(request_with_messages):
    assert call_service_with_messages(request_with_messages, lambda: 42) == 42
    assert shown(request_with_messages) == []


def test_a_button_refusal_is_its_message_then_each_finding(request_with_messages):
    refusal = DomainError(
        "Netværket kan ikke afsluttes endnu. Ret først:",
        code="blocked",
        findings=[Finding(level=Level.BLOCKS, code="outcome_summary_missing", message="Skriv resultatet.")],
    )
    assert call_service_with_messages(request_with_messages, raises(refusal)) is REFUSED
    assert shown(request_with_messages) == [
        ("Netværket kan ikke afsluttes endnu. Ret først:", "error"),
        ("Skriv resultatet.", "finding error"),
    ]


def test_a_button_validation_error_is_one_message(request_with_messages):
    error = ValidationError(
        {"left_on": ["Udtrædelsesdatoen ligger før indtrædelsen."], "email": ["Ugyldig."]}
    )
    assert call_service_with_messages(request_with_messages, raises(error)) is REFUSED
    assert shown(request_with_messages) == [("Udtrædelsesdatoen ligger før indtrædelsen. Ugyldig.", "error")]


def test_a_button_role_refusal_is_permission_denied(request_with_messages):
    refusal = RoleRefused("Kun netværkets leder kan gøre dette.", code="not_leader")
    with pytest.raises(PermissionDenied, match="Kun netværkets leder kan gøre dette."):
        call_service_with_messages(request_with_messages, raises(refusal))
    assert shown(request_with_messages) == []
