"""Every form of the app's pages.

Forms check and normalise input (required fields, dates, times); the services and `networks.rules`
decide everything about the domain. Views call a service through
`networks.views.helpers.call_service`: when it refuses, its Danish messages go on the fields they
concern, so the user sees them next to what to change. `add_service_errors`, which places a
service's `ValidationError`, lives here rather than with the view plumbing because a form uses it
too (`ParticipantForm.add_service_errors`), and forms do not import views.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks import guide, roles, rules, text
from networks.dates import validate_plausible_date
from networks.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    NetworkTypeCode,
    Participant,
    SprintChange,
    Status,
    StatusChange,
    WelfareTrack,
)

DATE_WIDGET = {"type": "date"}
TIME_WIDGET = {"type": "time"}


def _date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


def _guard_dates(fields) -> None:
    # Input hygiene on every date a form asks for, with the bounds the models keep.
    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.validators.append(validate_plausible_date)


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


def _with_text_checks(field: forms.Field, validators) -> forms.Field:
    """`field` with a text field's checks (`networks.text`): line breaks and control characters are
    refused next to the field, in the words the service and the API use."""
    if validators:
        # The Danish check covers the NUL character with every other control character.
        field.validators = [
            *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
            *validators,
        ]
    return field


def _model_fields(model, names, **kwargs) -> dict[str, forms.Field]:
    """The form fields of a model's fields, with the models' lengths and text checks."""
    fields = forms.fields_for_model(model, fields=list(names), **kwargs)
    for name, field in fields.items():
        _with_text_checks(field, _text_validators(model, name))
    return fields


def _text_validators(model, name: str) -> list:
    return [v for v in model._meta.get_field(name).validators if v in text.TEXT_VALIDATORS]


def _text_field(model, name: str, **kwargs) -> forms.CharField:
    """The form field for one model text field, wherever a page asks for it: the model's maximum
    length (rendered as `maxlength`) and text check; `kwargs` are the page's label, widget, …"""
    return _with_text_checks(model._meta.get_field(name).formfield(**kwargs), _text_validators(model, name))


def _free_text(**kwargs) -> forms.CharField:
    """A multi-line text that is no model field of its own (a text per track, a follow-up answer)."""
    kwargs.setdefault("max_length", text.TEXT_MAX_LENGTH)
    return _with_text_checks(forms.CharField(**kwargs), [text.validate_multi_line])


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


def fields_for_type(type_: NetworkType) -> tuple[str, ...]:
    """The network form's fields for the type: a field the type's rules never read is not asked for."""
    return rules.spec_for(type_).form_fields


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
            "Et netværk af denne type varer normalt ca. %(months)d måned fra start.",
            "Et netværk af denne type varer normalt ca. %(months)d måneder fra start.",
            type_.plan_months,
        ) % {"months": type_.plan_months}
    if type_.min_meetings and type_.max_meetings:
        extra["planned_start"] = _("Planen skal rumme %(min)d–%(max)d netværksmøder.") % {
            "min": type_.min_meetings,
            "max": type_.max_meetings,
        }
    return extra


def _track_text_fields(prefix: str, label: str, help_text: str, initial) -> dict[str, forms.CharField]:
    """One labelled textarea per welfare track (`<prefix>_<track>`), filled from a stored text per track."""
    texts = rules.track_texts(initial)
    return {
        f"{prefix}_{track}": _free_text(
            label=label % {"track": track_label},
            help_text=help_text,
            required=False,
            initial=texts[track],
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        for track, track_label in WelfareTrack.choices
    }


def _network_widgets() -> dict[str, forms.Widget]:
    """How a network's fields are asked for, on the network form and in a change request alike."""
    return {
        "purpose": forms.Textarea(attrs={"rows": 3}),
        "mandate": forms.Textarea(attrs={"rows": 3}),
        "strategy_reference": forms.Textarea(attrs={"rows": 2}),
        **{name: _date_input() for name in ("planned_start", "planned_end", "sprint_start", "sprint_end")},
    }


def _collect_track_texts(cleaned_data: dict, prefix: str) -> dict[str, str]:
    """The per-track fields of `_track_text_fields` as one text per track, taken out of `cleaned_data`."""
    return {track: cleaned_data.pop(f"{prefix}_{track}", "").strip() for track in WelfareTrack.values}


class NetworkForm(forms.Form):
    """Register or edit a network: only the fields that apply to its type, with the type's help text.

    A welfare network's plan per track is three textareas (`track_plans_<track>`), given to the
    services as `track_plans`. Editing a running sprint asks why its last day moves
    (`sprint_running`)."""

    def __init__(
        self,
        *args,
        network_type: NetworkType,
        sprint_running: bool = False,
        locked: tuple[str, ...] = (),
        **kwargs,
    ):
        """locked: fields shown but not changeable here (what Direktørforum approved)."""
        super().__init__(*args, **kwargs)
        self.network_type = network_type
        names = fields_for_type(network_type)
        model_fields = _model_fields(
            Network,
            [name for name in names if name != "track_plans"],
            widgets=_network_widgets(),
            error_messages={
                "title": {"required": gettext_lazy("Giv netværket en titel.")},
                "theme": {"required": gettext_lazy("Skriv netværkets tema.")},
            },
        )
        extra_help = _type_help(network_type)
        for name in names:
            if name == "track_plans":
                self.fields.update(
                    _track_text_fields(
                        "track_plans",
                        _("Plan for sporet “%(track)s”"),
                        _("Hvordan netværket arbejder i sporet. Skal udfyldes, før netværket kan starte."),
                        self.initial.get("track_plans"),
                    )
                )
                continue
            field = model_fields[name]
            field.label = str(field.label).capitalize()
            if name in extra_help:
                field.help_text = " ".join(str(t) for t in (field.help_text, extra_help[name]) if t)
            # Help text is shown as HTML by the form templates; it may come from the type's data.
            field.help_text = escape(field.help_text)
            if name in locked:
                # A disabled field keeps its current value whatever is posted.
                field.disabled = True
                field.help_text = escape(_("Godkendt af Direktørforum; ændres ved en ændringsanmodning."))
            self.fields[name] = field
            if name == "sprint_end" and sprint_running:
                self.fields["sprint_change_reason"] = _text_field(
                    SprintChange,
                    "reason",
                    label=_("Hvorfor flyttes sprintens sidste dag?"),
                    help_text=_(
                        "Skal udfyldes, hvis du flytter sprintens sidste dag. Sprintens første dag "
                        "ligger fast, når netværket er startet. Begrundelsen gemmes i netværkets forløb."
                    ),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        _guard_dates(self.fields)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_theme(self):
        return self.cleaned_data["theme"].strip()

    def clean(self):
        cleaned_data = super().clean()
        if "track_plans" in fields_for_type(self.network_type):
            cleaned_data["track_plans"] = _collect_track_texts(cleaned_data, "track_plans")
        return cleaned_data


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

    outcome_summary = _text_field(
        Network,
        "outcome_summary",
        label=gettext_lazy("Resultat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Hvad netværket kom frem til, og hvad der skal ske nu."),
    )
    comment = _text_field(
        StatusChange,
        "comment",
        label=gettext_lazy("Kommentar til forløbet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_summary"].initial = network.outcome_summary
        # A welfare network's outcome per track, after the outcome as a whole.
        self.track_outcome_fields: list[str] = []
        if "track_plans" in fields_for_type(network.type):
            track_fields = _track_text_fields(
                "track_outcomes",
                _("Resultat i sporet “%(track)s”"),
                _("Hvad netværket kom frem til i sporet. Skal udfyldes, før netværket kan afsluttes."),
                network.track_outcomes,
            )
            self.fields.update(track_fields)
            self.track_outcome_fields = list(track_fields)
        self.commitment_fields: list[str] = []
        self.reason_fields: list[str] = []
        self._participants: dict[int, Participant] = {}
        if rules.spec_for(network.type).asks_commitments:
            for participant in network.participants.all():
                if participant.left_on is not None:
                    continue
                self._participants[participant.pk] = participant
                name = f"commitment_{participant.pk}"
                self.fields[name] = _text_field(
                    Participant,
                    "commitment",
                    label=_("Forpligtelse for %(name)s") % {"name": participant.name},
                    help_text="",
                    required=False,
                    initial=participant.commitment,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.commitment_fields.append(name)
                reason = f"no_commitment_reason_{participant.pk}"
                self.fields[reason] = _text_field(
                    Participant,
                    "no_commitment_reason",
                    # The row's fieldset names the participant; the hidden name keeps each label unique.
                    label=format_html(
                        '{} <span class="visually-hidden">({})</span>',
                        _("Hvorfor ingen forpligtelse?"),
                        participant.name,
                    ),
                    required=False,
                    initial=participant.no_commitment_reason,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Udfyldes i stedet for forpligtelsen, hvis deltageren ikke forpligter sig."),
                )
                self.reason_fields.append(reason)

    def clean(self):
        cleaned = super().clean()
        # Each row as the rules see it: a core participant answers one way or the other, never both.
        for pk, participant in self._participants.items():
            errors = rules.commitment_errors(
                role=participant.role,
                commitment=cleaned.get(f"commitment_{pk}", ""),
                no_commitment_reason=cleaned.get(f"no_commitment_reason_{pk}", ""),
            )
            for field, message in errors.items():
                self.add_error(f"{field}_{pk}", message)
        return cleaned

    @staticmethod
    def _by_participant(names: list[str], cleaned: dict) -> dict[int, str]:
        return {int(name.rsplit("_", 1)[1]): cleaned.get(name, "") for name in names}

    @property
    def track_outcomes(self) -> dict[str, str] | None:
        """The outcome per track, or None for a type without tracks (the stored ones are kept)."""
        if not self.track_outcome_fields:
            return None
        return _collect_track_texts(dict(self.cleaned_data), "track_outcomes")

    def track_outcome_bound_fields(self):
        return [self[name] for name in self.track_outcome_fields]

    @property
    def commitments(self) -> dict[int, str]:
        return self._by_participant(self.commitment_fields, self.cleaned_data)

    @property
    def no_commitment_reasons(self) -> dict[int, str]:
        return self._by_participant(self.reason_fields, self.cleaned_data)

    def commitment_rows(self) -> list[tuple[Participant, forms.BoundField, forms.BoundField]]:
        """Per current participant: the participant, their commitment and their reason for none."""
        return [
            (participant, self[f"commitment_{pk}"], self[f"no_commitment_reason_{pk}"])
            for pk, participant in self._participants.items()
        ]


class CancelForm(forms.Form):
    comment = _text_field(
        StatusChange,
        "comment",
        label=gettext_lazy("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Hvorfor netværket annulleres. Begrundelsen gemmes i netværkets forløb."),
    )


def _outcome_field(*choices) -> forms.ChoiceField:
    """The outcomes Direktørforum chooses between, as radio buttons."""
    return forms.ChoiceField(
        label=gettext_lazy("Beslutning"),
        choices=list(choices),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Vælg en beslutning.")},
    )


def _reason_field(model, help_text) -> forms.CharField:
    """Direktørforum's reason (`model`'s comment); when it is required is the services' rule, not
    the form's."""
    return _text_field(
        model,
        "comment",
        label=gettext_lazy("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class DecisionForm(forms.Form):
    """Direktørforum's decision on a case; the services require the reason where it is needed."""

    outcome = _outcome_field(
        (DecisionOutcome.APPROVED, gettext_lazy("Godkend")),
        (DecisionOutcome.CHANGES_REQUESTED, gettext_lazy("Ønsk ændringer")),
        (DecisionOutcome.REJECTED, gettext_lazy("Afvis")),
    )
    comment = _reason_field(
        Decision,
        gettext_lazy("Skal udfyldes ved afvisning og ved ønske om ændringer. Sendes til netværkslederen."),
    )
    meeting_date = forms.DateField(
        label=gettext_lazy("Direktørforums mødedato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Datoen for mødet, hvor beslutningen blev truffet (valgfri)."),
        error_messages={"invalid": gettext_lazy("Angiv en gyldig dato.")},
    )


# --- Change requests ----------------------------------------------------------------------------


class ChangeRequestForm(forms.Form):
    """The leader's change request: the approved content, prefilled with what is approved now,
    and why it should change. Only the fields the leader changed are proposed."""

    reason = _text_field(
        ChangeRequest,
        "reason",
        label=gettext_lazy("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Hvorfor skal det ændres? Direktørforum læser begrundelsen."),
        error_messages={"required": gettext_lazy("Skriv, hvorfor ændringen er nødvendig.")},
    )

    def __init__(self, *args, network: Network, **kwargs):
        self.network = network
        names = [n for n in fields_for_type(network.type) if n in rules.APPROVED_CONTENT]
        initial = {name: getattr(network, name) for name in names}
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        model_fields = _model_fields(
            Network,
            names,
            widgets=_network_widgets(),
            error_messages={"theme": {"required": gettext_lazy("Skriv netværkets tema.")}},
        )
        fields = {}
        for name in names:
            field = model_fields[name]
            field.label = str(field.label).capitalize()
            field.help_text = escape(field.help_text)
            fields[name] = field
        # The proposed values first, then why.
        self.fields = {**fields, "reason": self.fields["reason"]}
        _guard_dates(self.fields)

    def clean(self):
        cleaned = super().clean()
        for name in ("theme", "purpose", "mandate", "strategy_reference"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if not self.errors and not self.changes():
            raise ValidationError(
                _("Du har ikke ændret noget. Ret det, der skal ændres, før du sender anmodningen."),
                code="no_change",
            )
        return cleaned

    def changes(self) -> dict:
        """The fields whose value differs from the network's now."""
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name != "reason"
            and name in self.cleaned_data
            and rules.content_differs(self.network, name, self.cleaned_data[name])
        }


class ChangeRequestDecisionForm(forms.Form):
    """Direktørforum's decision on a change request; rejecting requires a reason (the service says so)."""

    outcome = _outcome_field(
        (ChangeRequestStatus.APPROVED, gettext_lazy("Godkend ændringen")),
        (ChangeRequestStatus.REJECTED, gettext_lazy("Afvis ændringen")),
    )
    comment = _reason_field(
        ChangeRequest, gettext_lazy("Skal udfyldes ved afvisning. Sendes til netværkslederen.")
    )


# --- Participants -------------------------------------------------------------------------------


class ParticipantForm(forms.Form):
    def __init__(self, *args, network: Network, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = ["name", "email", "organisation", "actor_category", "role"]
        if editing:
            names += ["joined_on", "left_on"]
        if rules.spec_for(network.type).asks_commitments:
            names += ["commitment", "no_commitment_reason"]
        fields = _model_fields(
            Participant,
            names,
            widgets={
                "role": forms.RadioSelect,
                "joined_on": _date_input(),
                "left_on": _date_input(),
                "commitment": forms.Textarea(attrs={"rows": 2}),
                "no_commitment_reason": forms.Textarea(attrs={"rows": 2}),
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


# --- Personal data (administrators) ------------------------------------------------------------


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


# --- Meetings -----------------------------------------------------------------------------------


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


class MeetingForm(forms.Form):
    title = _text_field(
        Meeting,
        "title",
        label=gettext_lazy("Titel"),
        error_messages={"required": gettext_lazy("Giv mødet en titel.")},
    )
    day = forms.DateField(
        label=gettext_lazy("Dato"),
        widget=_date_input(),
        validators=[validate_plausible_date],
        error_messages={"required": gettext_lazy("Vælg mødets dato.")},
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Starter kl."),
        widget=_time_input(),
        error_messages={"required": gettext_lazy("Skriv, hvornår mødet starter.")},
    )
    end_time = forms.TimeField(label=gettext_lazy("Slutter kl."), widget=_time_input(), required=False)
    location = _text_field(Meeting, "location", label=gettext_lazy("Sted"), required=False)
    agenda = _text_field(
        Meeting,
        "agenda",
        label=gettext_lazy("Dagsorden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
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
    minutes = _text_field(
        Meeting,
        "minutes",
        label=gettext_lazy("Referat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
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
    """What the plan helper needs to propose dates; the dates come from the type's spec."""

    start = forms.DateField(
        label=gettext_lazy("Første møde"),
        widget=_date_input(),
        validators=[validate_plausible_date],
        error_messages={"required": gettext_lazy("Vælg datoen for det første møde.")},
    )
    count = forms.TypedChoiceField(label=gettext_lazy("Antal møder"), coerce=int)
    start_time = forms.TimeField(label=gettext_lazy("Møderne starter kl."), widget=_time_input())
    end_time = forms.TimeField(
        label=gettext_lazy("Møderne slutter kl."), widget=_time_input(), required=False
    )
    location = _text_field(Meeting, "location", label=gettext_lazy("Sted"), required=False)

    def __init__(self, *args, network: Network, existing: int, **kwargs):
        super().__init__(*args, **kwargs)
        type_ = network.type
        helper = rules.spec_for(type_).meeting_plan
        if helper and helper.count_choices:
            counts = helper.count_choices(type_, existing)
            self.fields["count"].choices = [(n, str(n)) for n in counts]
            self.fields["count"].initial = counts[-1] if counts else None
            if helper.start_help:
                self.fields["start"].help_text = helper.start_help(type_)
        else:
            # The type's helper proposes a fixed set (a welfare plan follows the sprint window):
            # nothing to choose but the time and place.
            del self.fields["start"]
            del self.fields["count"]


class PlannedMeetingForm(forms.Form):
    include = forms.BooleanField(label=gettext_lazy("Gem dette møde"), required=False, initial=True)
    title = _text_field(Meeting, "title", label=gettext_lazy("Titel"), required=False)
    day = forms.DateField(
        label=gettext_lazy("Dato"), widget=_date_input(), required=False, validators=[validate_plausible_date]
    )
    start_time = forms.TimeField(label=gettext_lazy("Starter kl."), widget=_time_input(), required=False)
    end_time = forms.TimeField(label=gettext_lazy("Slutter kl."), widget=_time_input(), required=False)
    location = _text_field(Meeting, "location", label=gettext_lazy("Sted"), required=False)

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


# --- The report's filter ------------------------------------------------------------------------

# The report's period may also be typed the Danish ways, as people write dates in a URL by hand.
REPORT_DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return roles.display_name(obj)


def _report_day_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=REPORT_DATE_INPUT_FORMATS,
        widget=_date_input(),
        # Beyond the plausible dates a typo (0207 for 2027) would be a chart of many thousand months.
        validators=[validate_plausible_date],
        error_messages={"invalid": gettext_lazy("Skriv datoen som åååå-mm-dd, fx 2027-01-31.")},
    )


class ReportFilterForm(forms.Form):
    """The report's GET parameters: type, status, leder (a user id), fra and til (dates).

    `networks.reporting.ReportFilter.from_form` turns it into the report's selection.
    """

    type = forms.ChoiceField(
        label=gettext_lazy("Netværkstype"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Ukendt netværkstype: “%(value)s”. Vælg en type på listen.")
        },
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Ukendt status: “%(value)s”. Vælg en status på listen.")
        },
    )
    leder = LeaderChoiceField(
        label=gettext_lazy("Netværksleder"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Alle netværksledere"),
        error_messages={"invalid_choice": gettext_lazy("Vælg en netværksleder på listen.")},
    )
    fra = _report_day_field(gettext_lazy("Periode fra og med"))
    til = _report_day_field(gettext_lazy("Periode til og med"))

    error_messages = {
        "period_reversed": gettext_lazy("Periodens sidste dag skal ligge på eller efter den første."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Alle typer")), *NetworkTypeCode.choices]
        self.fields["status"].choices = [("", _("Alle statusser")), *Status.choices]
        self.fields["leder"].queryset = (
            get_user_model()
            .objects.filter(pk__in=Network.objects.values("leader"))
            .order_by("first_name", "last_name", "username")
        )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fra"), cleaned.get("til")
        if first and last and last < first:
            self.add_error(
                "til", ValidationError(self.error_messages["period_reversed"], code="period_reversed")
            )
            # A reversed period is not half a period: neither end is used.
            cleaned.pop("fra", None)
        return cleaned


# --- Follow-ups -----------------------------------------------------------------------------------


class FollowUpForm(forms.Form):
    """The type's follow-up questions (`TypeSpec.follow_up`), one field each.

    Every field is optional here: which answers are required, and what a valid one is, the type's
    `validate` says through `services.follow_up_answer`, so the page and the API refuse the same
    answers with the same words."""

    def __init__(self, *args, questions: tuple[rules.FollowUpQuestion, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.choices:
                field = forms.ChoiceField(
                    label=question.label,
                    help_text=question.help,
                    choices=question.choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                field = _free_text(
                    label=question.label,
                    help_text=question.help,
                    required=False,
                    max_length=rules.follow_up.ANSWER_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[question.key] = field
