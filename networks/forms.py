"""Forms for the leaders' pages.

Forms check and normalise input (required fields, dates, times); the services and `networks.rules`
decide everything about the domain. Views call a service through `call_service`: when it refuses,
`add_service_errors` and `add_refusal` put its Danish messages on the fields they concern, so the
user sees them next to what to change.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Mapping
from typing import Literal, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks import guide, planning
from networks.models import (
    MeetingStatus,
    Network,
    NetworkType,
    NetworkTypeCode,
    Participant,
    Status,
    WelfareTrack,
)
from networks.services import DomainError, RoleRefused

DATE_WIDGET = {"type": "date"}
TIME_WIDGET = {"type": "time"}


def _date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


FIRST_YEAR, LAST_YEAR = 2000, 2999


def sensible_date(value: datetime.date) -> None:
    """Input hygiene, not a domain rule: a date far outside this app's lifetime is a typing error
    (and year 1 or 9999 cannot be turned into a time in Copenhagen or have months added to it)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Vælg en dato mellem år %(first)d og %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="date_out_of_range",
        )


def _guard_dates(fields) -> None:
    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.validators.append(sensible_date)


def _time_input():
    return forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M")


# --- Service errors on form fields --------------------------------------------------------------


def add_service_errors(
    form: forms.Form, error: ValidationError, fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's `ValidationError` on the fields it names (renamed through `fields`, by
    default the form's `SERVICE_FIELDS`, where the form calls a field something else); whatever
    concerns no field of the form goes on the form."""
    if fields is None:
        fields = getattr(form, "SERVICE_FIELDS", None) or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = fields.get(name, name)
        for item in errors:
            form.add_error(target if target in form.fields else None, item)


def add_refusal(form: forms.Form, refusal, fields: Mapping[str, str] | None = None) -> None:
    """Put a `DomainError` on the form: its message, and each finding on the field it concerns.

    `fields` maps a refusal's code to the field that resolves it (e.g. a missing reason).
    """
    field = (fields or {}).get(refusal.code)
    form.add_error(field if field in form.fields else None, refusal.message)
    for finding in refusal.findings:
        form.add_error(finding.field if finding.field in form.fields else None, finding.message)


class Refused(enum.Enum):
    REFUSED = "refused"


# What `call_service` returns when the service refused (a service's own result may be None).
REFUSED = Refused.REFUSED

T = TypeVar("T")


def call_service(
    form: forms.Form,
    call: Callable[[], T],
    *,
    fields: Mapping[str, str] | None = None,
    refusal_fields: Mapping[str, str] | None = None,
) -> T | Literal[Refused.REFUSED]:
    """Run `call()`, a service call for a valid form, and return its result; if the service
    refuses, put the refusal on `form` and return `REFUSED`.

    - `ValidationError`: on the fields it names, through `add_service_errors` (`fields` renames the
      service's field names to the form's). A form with an `add_service_errors(error, fields)`
      method of its own (`ParticipantForm`) places the errors itself.
    - `RoleRefused`: `PermissionDenied` (403) with its message.
    - any other `DomainError`: its message and findings on the form, through `add_refusal`
      (`refusal_fields` maps the refusal's code to the field that resolves it).
    """
    try:
        return call()
    except ValidationError as exc:
        own = getattr(form, "add_service_errors", None)
        if own is not None:
            own(exc, fields)
        else:
            add_service_errors(form, exc, fields)
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        add_refusal(form, exc, refusal_fields)
    return REFUSED


def _model_fields(model, names, **kwargs) -> dict[str, forms.Field]:
    return forms.fields_for_model(model, fields=list(names), **kwargs)


# --- The type guide -----------------------------------------------------------------------------


class GuideForm(forms.Form):
    """One yes/no/don't-know question per field, from `networks.guide.QUESTIONS`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in guide.QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=guide.ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext_lazy("Vælg et svar."),
                    "invalid_choice": gettext_lazy("Svar ja, nej eller ved ikke."),
                },
            )


# --- Networks -----------------------------------------------------------------------------------

# The fields that apply to each type; a field a type's rules never read is not asked for.
_COMMON_START = ("title", "theme", "purpose")
_COMMON_END = ("mandate", "mandate_clarified")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    NetworkTypeCode.INNOVATION: (
        *_COMMON_START,
        "strategy_reference",
        *_COMMON_END,
        "planned_start",
        "planned_end",
    ),
    NetworkTypeCode.WELFARE: (*_COMMON_START, "tracks", *_COMMON_END, "sprint_start", "sprint_end"),
    NetworkTypeCode.LEARNING: (*_COMMON_START, *_COMMON_END, "planned_start", "planned_end"),
}


def fields_for_type(type_: NetworkType) -> tuple[str, ...]:
    return TYPE_FIELDS.get(type_.code, (*_COMMON_START, *_COMMON_END, "planned_start", "planned_end"))


def _type_help(type_: NetworkType) -> dict[str, str]:
    """Help text drawn from the type's parameters, added to the model's own."""
    extra: dict[str, str] = {}
    if type_.requires_approval:
        before_submit = _("Skal udfyldes, før netværket kan indstilles til Direktørforum.")
        extra["purpose"] = before_submit
        extra["strategy_reference"] = before_submit
    extra["mandate_clarified"] = _("Skal være sat, før netværket kan starte.")
    if type_.sprint_max_days:
        extra["sprint_start"] = _("Sprinten begynder, når rammer, mandat og deltagere er på plads.")
        extra["sprint_end"] = ngettext(
            "Sprinten må højst vare %(days)d dag, første og sidste dag medregnet.",
            "Sprinten må højst vare %(days)d dage, første og sidste dag medregnet.",
            type_.sprint_max_days,
        ) % {"days": type_.sprint_max_days}
    if type_.plan_months:
        extra["planned_end"] = ngettext(
            "Typen strækker sig normalt over ca. %(months)d måned fra start.",
            "Typen strækker sig normalt over ca. %(months)d måneder fra start.",
            type_.plan_months,
        ) % {"months": type_.plan_months}
    if type_.min_meetings and type_.max_meetings:
        extra["planned_start"] = _("Planen skal rumme %(min)d–%(max)d netværksmøder.") % {
            "min": type_.min_meetings,
            "max": type_.max_meetings,
        }
    return extra


class NetworkForm(forms.Form):
    """Register or edit a network: only the fields that apply to its type, with the type's help text."""

    def __init__(self, *args, network_type: NetworkType, **kwargs):
        super().__init__(*args, **kwargs)
        self.network_type = network_type
        names = fields_for_type(network_type)
        model_fields = _model_fields(
            Network,
            [name for name in names if name != "tracks"],
            widgets={
                "purpose": forms.Textarea(attrs={"rows": 3}),
                "mandate": forms.Textarea(attrs={"rows": 3}),
                "strategy_reference": forms.Textarea(attrs={"rows": 2}),
                "planned_start": _date_input(),
                "planned_end": _date_input(),
                "sprint_start": _date_input(),
                "sprint_end": _date_input(),
            },
            error_messages={
                "title": {"required": gettext_lazy("Giv netværket en titel.")},
                "theme": {"required": gettext_lazy("Skriv netværkets tema.")},
            },
        )
        extra_help = _type_help(network_type)
        for name in names:
            if name == "tracks":
                field = forms.MultipleChoiceField(
                    label=Network._meta.get_field("tracks").verbose_name.capitalize(),
                    help_text=Network._meta.get_field("tracks").help_text,
                    choices=WelfareTrack.choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            else:
                field = model_fields[name]
                field.label = str(field.label).capitalize()
            if name in extra_help:
                field.help_text = " ".join(str(t) for t in (field.help_text, extra_help[name]) if t)
            # Help text is shown as HTML by the form templates; it may come from the type's data.
            field.help_text = escape(field.help_text)
            self.fields[name] = field
        _guard_dates(self.fields)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_theme(self):
        return self.cleaned_data["theme"].strip()


class TypeChoiceForm(forms.Form):
    type = forms.ChoiceField(
        label=gettext_lazy("Netværkstype"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Vælg en netværkstype."),
            "invalid_choice": gettext_lazy("Vælg en af de tre netværkstyper."),
        },
    )

    def __init__(self, *args, types, describe: bool = False, **kwargs):
        """describe: each choice's label also carries the type's description (escaped), so the
        description is read out with the radio button it belongs to."""
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            (
                t.code,
                format_html(
                    '<span class="fw-semibold">{}</span><span class="d-block small">{}</span>',
                    t.name,
                    t.description,
                )
                if describe and t.description
                else t.name,
            )
            for t in types
        ]


class NetworkFilterForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Alle typer")), *NetworkTypeCode.choices]
        self.fields["status"].choices = [("", _("Alle statusser")), *Status.choices]


# --- Lifecycle ----------------------------------------------------------------------------------


class ConcludeForm(forms.Form):
    """The outcome, and for a learning network what each current participant commits to."""

    outcome_summary = forms.CharField(
        label=gettext_lazy("Resultat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Hvad netværket kom frem til, og hvad der skal ske nu."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Kommentar til forløbet"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_summary"].initial = network.outcome_summary
        self.commitment_fields: list[str] = []
        if network.type.code == NetworkTypeCode.LEARNING:
            for participant in network.participants.all():
                if participant.left_on is not None:
                    continue
                name = f"commitment_{participant.pk}"
                self.fields[name] = forms.CharField(
                    label=_("Forpligtelse for %(name)s") % {"name": participant.name},
                    required=False,
                    initial=participant.commitment,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.commitment_fields.append(name)

    @property
    def commitments(self) -> dict[int, str]:
        return {
            int(name.rsplit("_", 1)[1]): self.cleaned_data.get(name, "") for name in self.commitment_fields
        }

    def commitment_bound_fields(self):
        return [self[name] for name in self.commitment_fields]


class CancelForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Begrundelse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Hvorfor netværket annulleres. Begrundelsen gemmes i netværkets forløb."),
    )


# --- Participants -------------------------------------------------------------------------------


class ParticipantForm(forms.Form):
    def __init__(self, *args, network: Network, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = ["name", "email", "organisation", "actor_category", "role"]
        if editing:
            names += ["joined_on", "left_on"]
        if network.type.code == NetworkTypeCode.LEARNING:
            names.append("commitment")
        fields = _model_fields(
            Participant,
            names,
            widgets={
                "role": forms.RadioSelect,
                "joined_on": _date_input(),
                "left_on": _date_input(),
                "commitment": forms.Textarea(attrs={"rows": 2}),
            },
            error_messages={"name": {"required": gettext_lazy("Skriv deltagerens navn.")}},
        )
        for name, field in fields.items():
            field.label = str(field.label).capitalize()
            self.fields[name] = field
        if "left_on" in self.fields:
            self.fields["left_on"].help_text = _("Udfyldes, når deltageren forlader netværket.")
        _guard_dates(self.fields)

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def add_service_errors(self, error: ValidationError, fields: Mapping[str, str] | None = None) -> None:
        """`call_service` uses this instead of the module's `add_service_errors`."""
        # The one-e-mail-per-network constraint is not tied to a field by the model; it is the e-mail.
        unique = next(
            str(c.violation_error_message)
            for c in Participant._meta.constraints
            if c.name == "participant_unique_email_per_network"
        )
        if hasattr(error, "error_dict"):
            general = error.error_dict.pop(NON_FIELD_ERRORS, [])
            for item in general:
                self.add_error("email" if unique in item.messages else None, item)
        add_service_errors(self, error, fields)


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV-fil"),
        required=False,
        help_text=gettext_lazy("Gemt som CSV (UTF-8) fra fx Excel."),
    )
    text = forms.CharField(
        label=gettext_lazy("… eller indsæt rækkerne her"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Én deltager pr. linje: navn; e-mail; organisation; aktørtype; rolle. "
            "Adskil felterne med semikolon eller komma."
        ),
    )

    def clean_file(self):
        from networks import csv_import

        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > csv_import.MAX_BYTES:
            raise ValidationError(
                _("Filen er for stor. Del den op i filer på højst %(kb)d kB.")
                % {"kb": csv_import.MAX_BYTES // 1024},
                code="too_big",
            )
        return csv_import.decode(upload.read())

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("file") or (cleaned.get("text") or "").strip()):
            self.add_error("text", _("Vælg en fil, eller indsæt rækkerne i feltet."))
        return cleaned

    @property
    def csv_text(self) -> str:
        return self.cleaned_data.get("file") or self.cleaned_data.get("text") or ""


class ParticipantImportConfirmForm(forms.Form):
    csv = forms.CharField(widget=forms.HiddenInput, strip=False)


# --- Meetings -----------------------------------------------------------------------------------


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=200,
        error_messages={"required": gettext_lazy("Giv mødet en titel.")},
    )
    day = forms.DateField(
        label=gettext_lazy("Dato"),
        widget=_date_input(),
        validators=[sensible_date],
        error_messages={"required": gettext_lazy("Vælg mødets dato.")},
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Starter kl."),
        widget=_time_input(),
        error_messages={"required": gettext_lazy("Skriv, hvornår mødet starter.")},
    )
    end_time = forms.TimeField(label=gettext_lazy("Slutter kl."), widget=_time_input(), required=False)
    location = forms.CharField(label=gettext_lazy("Sted"), max_length=200, required=False)
    agenda = forms.CharField(
        label=gettext_lazy("Dagsorden"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=MeetingStatus.choices)

    # The model's names for the fields this form splits in two.
    SERVICE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}

    @classmethod
    def initial_for(cls, meeting) -> dict:
        starts = timezone.localtime(meeting.starts_at)
        ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        return {
            "title": meeting.title,
            "day": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0) if ends else None,
            "location": meeting.location,
            "agenda": meeting.agenda,
            "status": meeting.status,
        }

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "starts_at": _aware(data["day"], data["start_time"]),
            "ends_at": _aware(data["day"], data["end_time"]) if data.get("end_time") else None,
            "location": data["location"].strip(),
            "agenda": data["agenda"],
            "status": data["status"],
        }


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Referat"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fremmødte"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    held = forms.BooleanField(label=gettext_lazy("Mødet er afholdt"), required=False)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        if not network.participants.all():
            # Nobody to tick off yet (read from the rows loaded with the network).
            del self.fields["attendees"]
            return
        self.fields["attendees"].queryset = Participant.objects.filter(network=network).order_by("name", "pk")
        self.fields["attendees"].label_from_instance = _participant_label

    def meeting_fields(self) -> dict:
        fields = {"minutes": self.cleaned_data["minutes"]}
        if self.cleaned_data["held"]:
            fields["status"] = MeetingStatus.HELD
        return fields


def _participant_label(participant: Participant) -> str:
    if participant.left_on:
        return _("%(name)s (udtrådt)") % {"name": participant.name}
    return participant.name


class PlanSetupForm(forms.Form):
    """What the plan helper needs to propose dates; the dates come from `networks.planning`."""

    start = forms.DateField(
        label=gettext_lazy("Første møde"),
        widget=_date_input(),
        validators=[sensible_date],
        error_messages={"required": gettext_lazy("Vælg datoen for det første møde.")},
    )
    count = forms.TypedChoiceField(label=gettext_lazy("Antal møder"), coerce=int)
    start_time = forms.TimeField(label=gettext_lazy("Møderne starter kl."), widget=_time_input())
    end_time = forms.TimeField(
        label=gettext_lazy("Møderne slutter kl."), widget=_time_input(), required=False
    )
    location = forms.CharField(label=gettext_lazy("Sted"), max_length=200, required=False)

    def __init__(self, *args, network: Network, existing: int, **kwargs):
        super().__init__(*args, **kwargs)
        type_ = network.type
        if type_.code == NetworkTypeCode.LEARNING:
            counts = planning.learning_count_choices(type_, existing)
            self.fields["count"].choices = [(n, str(n)) for n in counts]
            self.fields["count"].initial = counts[-1] if counts else None
            self.fields["start"].help_text = ngettext(
                "Møderne fordeles over ca. %(months)d måned fra denne dato.",
                "Møderne fordeles over ca. %(months)d måneder fra denne dato.",
                type_.plan_months or 0,
            ) % {"months": type_.plan_months or 0}
        else:
            # A welfare plan follows the sprint window; nothing to choose but the time and place.
            del self.fields["start"]
            del self.fields["count"]


class PlannedMeetingForm(forms.Form):
    include = forms.BooleanField(label=gettext_lazy("Gem dette møde"), required=False, initial=True)
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200, required=False)
    day = forms.DateField(
        label=gettext_lazy("Dato"), widget=_date_input(), required=False, validators=[sensible_date]
    )
    start_time = forms.TimeField(label=gettext_lazy("Starter kl."), widget=_time_input(), required=False)
    end_time = forms.TimeField(label=gettext_lazy("Slutter kl."), widget=_time_input(), required=False)
    location = forms.CharField(label=gettext_lazy("Sted"), max_length=200, required=False)

    SERVICE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "status": "include"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include"):
            # Only a meeting the leader keeps needs its title, date and time.
            for name, message in (
                ("title", _("Giv mødet en titel.")),
                ("day", _("Vælg mødets dato.")),
                ("start_time", _("Skriv, hvornår mødet starter.")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def meeting_fields(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("include"):
            return None
        return {
            "title": data["title"].strip(),
            "starts_at": _aware(data["day"], data["start_time"]),
            "ends_at": _aware(data["day"], data["end_time"]) if data.get("end_time") else None,
            "location": (data.get("location") or "").strip(),
            "status": MeetingStatus.PLANNED,
        }


class _PlanFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.is_valid() and form.cleaned_data.get("include") for form in self.forms):
            raise ValidationError(_("Vælg mindst ét møde at gemme."), code="empty")

    def meetings(self) -> list[tuple[forms.Form, dict]]:
        """The rows the leader keeps, with the fields for `services.meeting_create_many`."""
        kept = []
        for form in self.forms:
            fields = form.meeting_fields()
            if fields is not None:
                kept.append((form, fields))
        return kept


# A plan is a handful of meetings; the cap only guards against a tampered form.
PlanFormSet = forms.formset_factory(
    PlannedMeetingForm, formset=_PlanFormSet, extra=0, max_num=20, absolute_max=20, validate_max=True
)
