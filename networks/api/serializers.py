"""What the API reads and writes.

Serializers parse JSON into Python values and check types and sizes only. Whether the data makes
sense for the network (a sprint of at most 28 days, at most five learning meetings, an end after
its start, ...) is decided by the models' `full_clean()` and `networks.rules`, which the services
run; the API and the pages therefore refuse the same data with the same Danish messages.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks import rules, services
from networks.dates import EARLIEST_DATE, LATEST_DATE
from networks.models import (
    Decision,
    FollowUp,
    Meeting,
    Network,
    NetworkType,
    NetworkTypeCode,
    Participant,
    Status,
    StatusChange,
    WelfareTrack,
)
from networks.text import TEXT_MAX_LENGTH, validate_multi_line

# Dates outside the app's span are typing mistakes; far outside it, the rules' date arithmetic (a
# sprint's last allowed day, a plan's expected end) would overflow Python's dates near year 9999.
EARLIEST_DATETIME = datetime.datetime.combine(EARLIEST_DATE, datetime.time.min, tzinfo=datetime.UTC)
LATEST_DATETIME = datetime.datetime.combine(LATEST_DATE, datetime.time.max, tzinfo=datetime.UTC)
MAX_LIST_LENGTH = 500


class DateField(serializers.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)])
        super().__init__(**kwargs)


class DateTimeField(serializers.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validators", [MinValueValidator(EARLIEST_DATETIME), MaxValueValidator(LATEST_DATETIME)]
        )
        super().__init__(**kwargs)


class StrictTextMixin:
    """A text field that takes only a JSON string: DRF would store the number 123 as the text
    "123" and true as "True", so a client's mistake would land silently in the data."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Skal være tekst (en JSON-streng)."), code="not_a_string")
        return super().to_internal_value(data)


class CharField(StrictTextMixin, serializers.CharField):
    pass


class EmailField(StrictTextMixin, serializers.EmailField):
    pass


class StrictSerializerMixin:
    # Refuses fields the serializer does not know, so a misspelt field is an error rather than a
    # silent no-op. Read-only fields (id, status, leader, findings) may be sent back unchanged.

    unknown_field_message = _("Ukendt felt.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [self.unknown_field_message] for name in unknown})
        return attrs


class ModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
        models.CharField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
    }


class Serializer(StrictSerializerMixin, serializers.Serializer):
    pass


def free_text(**kwargs) -> CharField:
    """A multi-line text of a request that goes into a model's text field through a service (a
    transition's comment, a reason): that field's maximum length and check (`networks.text`)."""
    return CharField(max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line], **kwargs)


# --- Fields -----------------------------------------------------------------------------------


class NetworkTypeField(serializers.ChoiceField):
    # The type's code (`innovation` / `welfare` / `learning`) in JSON; the `NetworkType` in Python.

    def __init__(self, **kwargs):
        super().__init__(choices=NetworkTypeCode.choices, **kwargs)

    def to_representation(self, value):
        return value.code

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        network_type = NetworkType.objects.filter(code=code).first()
        if network_type is None:
            self.fail("invalid_choice", input=data)
        return network_type


@extend_schema_field(
    {
        "type": "object",
        "properties": {track: {"type": "string"} for track in WelfareTrack.values},
        "additionalProperties": False,
    }
)
class TrackTextsField(serializers.Field):
    # A text per welfare track: an object with the tracks' codes as keys (a missing track is
    # blank). The shape is the rules' own (`rules.track_texts_error`), as on save.
    default_error_messages = {"too_long": _("Højst %(max)d tegn pr. spor.")}

    def to_internal_value(self, data):
        message = rules.track_texts_error(data)
        if message:
            raise serializers.ValidationError(message)
        if any(len(text) > TEXT_MAX_LENGTH for text in data.values()):
            self.fail("too_long", max=TEXT_MAX_LENGTH)
        return {track: data.get(track, "").strip() for track in WelfareTrack.values}

    def to_representation(self, value):
        return rules.track_texts(value)


class AttendeesField(serializers.ListField):
    # Participant ids in JSON; the participants in Python (resolved by the meeting serializer).

    child = serializers.IntegerField(min_value=1)

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_LIST_LENGTH, **kwargs)

    def to_representation(self, data):
        return [participant.pk for participant in data.all()]


# --- Networks ---------------------------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    """Et fund fra typens regler: `blocks` forhindrer en overgang, `warns` er en advarsel."""

    level = serializers.ChoiceField(choices=[(str(level), str(level)) for level in rules.Level])
    code = serializers.CharField()
    message = serializers.CharField()


class NetworkSerializer(ModelSerializer):
    """Et netværk. `type` er typens kode; `status`, `leader` og `findings` kan kun læses."""

    type = NetworkTypeField()
    leader = serializers.CharField(source="leader.username", read_only=True)
    track_plans = TrackTextsField(
        required=False, help_text=_("Velfærd: hvordan netværket arbejder i hvert af de tre spor.")
    )
    track_outcomes = TrackTextsField(
        read_only=True, help_text=_("Velfærd: resultatet i hvert spor; angives med overgangen conclude.")
    )
    sprint_change_reason = free_text(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("Hvorfor en kørende sprints sidste dag flyttes; kræves, når `sprint_end` ændres."),
    )
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = [
            "id",
            "title",
            "theme",
            "purpose",
            "type",
            "status",
            "leader",
            "mandate",
            "mandate_clarified",
            "strategy_reference",
            "track_plans",
            "planned_start",
            "planned_end",
            "sprint_start",
            "sprint_end",
            "sprint_change_reason",
            "outcome_summary",
            "track_outcomes",
            "findings",
        ]
        read_only_fields = ["status"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and "sprint_change_reason" in attrs:
            raise serializers.ValidationError(
                {
                    "sprint_change_reason": [
                        _("En begrundelse gives kun, når en kørende sprints sidste dag flyttes.")
                    ]
                }
            )
        return attrs

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, network) -> list[dict[str, str]]:
        return [finding.as_dict() for finding in rules.findings(network)]


class FollowUpSerializer(serializers.ModelSerializer):
    """En opfølgning nogle måneder efter afslutningen. `status`: `upcoming` (kommende), `due` (skal
    besvares) eller `answered` (besvaret). `answers` har typens egen form: innovation `effect` og
    `next_steps`; velfærd `in_operation` (`yes`/`partly`/`no`) og `owner`; læring `participants`
    med `name`, `commitment`, `use` (`yes`/`partly`/`not_yet`) og `note` for hver deltager."""

    status = serializers.SerializerMethodField()
    answers = serializers.DictField(read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "months", "due", "status", "answers", "answered_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "due", "answered"]))
    def get_status(self, follow_up) -> str:
        return follow_up.status_on(self.context.get("today") or timezone.localdate())


class NetworkDetailSerializer(NetworkSerializer):
    """Et netværk med dets opfølgninger (kun et afsluttet netværk har nogen)."""

    follow_ups = serializers.SerializerMethodField()

    class Meta(NetworkSerializer.Meta):
        fields = [*NetworkSerializer.Meta.fields, "follow_ups"]

    @extend_schema_field(FollowUpSerializer(many=True))
    def get_follow_ups(self, network) -> list[dict]:
        # Only a concluded network has follow-ups, so no other network costs a query.
        if network.status != Status.CONCLUDED:
            return []
        return FollowUpSerializer(network.follow_ups.all(), many=True, context=self.context).data


class NetworkFilterSerializer(serializers.Serializer):
    """Filtre på listen over netværk."""

    type = serializers.ChoiceField(
        choices=NetworkTypeCode.choices, required=False, help_text=_("Typens kode.")
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class TransitionSerializer(Serializer):
    """En overgang i netværkets livsforløb."""

    DECISIONS = ("approve", "reject", "request_changes")
    ACTIONS = ("submit", *DECISIONS, "start", "conclude", "cancel")

    action = serializers.ChoiceField(choices=[(action, action) for action in ACTIONS])
    comment = free_text(required=False, allow_blank=True, default="")
    meeting_date = DateField(
        required=False,
        allow_null=True,
        help_text=_("Direktørforums mødedato; kun ved approve, reject og request_changes."),
    )
    outcome_summary = free_text(
        required=False,
        allow_blank=True,
        help_text=_("Netværkets resultat; kun ved conclude (ellers bruges det gemte resultat)."),
    )
    track_outcomes = TrackTextsField(
        required=False,
        help_text=_("Velfærd: resultatet i hvert af de tre spor; kun ved conclude (ellers de gemte)."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        action = attrs["action"]
        if attrs.get("meeting_date") is not None and action not in self.DECISIONS:
            raise serializers.ValidationError(
                {"meeting_date": [_("En mødedato hører kun til Direktørforums beslutninger.")]}
            )
        for name in ("outcome_summary", "track_outcomes"):
            if name in attrs and action != "conclude":
                message = _("Resultatet angives kun, når netværket afsluttes.")
                raise serializers.ValidationError({name: [message]})
        return attrs


# --- Participants and meetings ----------------------------------------------------------------


class ParticipantSerializer(ModelSerializer):
    """En deltager i netværket."""

    class Meta:
        model = Participant
        fields = ["id", "network", *services.PARTICIPANT_FIELDS]
        read_only_fields = ["network"]
        # The model's constraints (one e-mail per network) are checked by full_clean() in the services.
        validators = []


class MeetingSerializer(ModelSerializer):
    """Et netværksmøde. `attendees` er id'er på netværkets deltagere."""

    attendees = AttendeesField(required=False, help_text=_("Id'er på netværkets deltagere."))

    class Meta:
        model = Meeting
        fields = [
            "id",
            "network",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
            "minutes",
            "status",
            "attendees",
        ]
        read_only_fields = ["network"]
        validators = []

    def validate_attendees(self, ids):
        """Ids to participants of this meeting's network (in the context); an id from another network
        is unknown here, exactly like one that does not exist."""
        network = self.context["network"]
        participants = {participant.pk: participant for participant in network.participants.all()}
        unknown = [pk for pk in dict.fromkeys(ids) if pk not in participants]
        if unknown:
            message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
            raise serializers.ValidationError([message.format(pk_value=pk) for pk in unknown])
        return [participants[pk] for pk in dict.fromkeys(ids)]


# --- Read-only records ------------------------------------------------------------------------


class DecisionSerializer(ModelSerializer):
    """Direktørforums beslutning om én indstilling."""

    decided_by = serializers.CharField(source="decided_by.username", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "round", "outcome", "comment", "decided_by", "decided_at", "meeting_date"]
        read_only_fields = fields


class StatusChangeSerializer(ModelSerializer):
    """Et skridt i netværkets livsforløb: hvem, hvornår, fra, til og hvorfor."""

    # Empty for the creation, which comes from nowhere.
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    changed_by = serializers.CharField(source="changed_by.username", read_only=True)

    class Meta:
        model = StatusChange
        fields = ["id", "from_status", "to_status", "changed_by", "changed_at", "comment"]
        read_only_fields = fields


# --- Schema-only shapes -----------------------------------------------------------------------


class LoginSerializer(serializers.Serializer):
    """Brugernavn og adgangskode."""

    username = CharField()
    password = CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    """Send den som `Authorization: Token <token>`."""

    token = serializers.CharField()
    created = serializers.DateTimeField(help_text=_("Hvornår tokenet blev udstedt."))
    expires = serializers.DateTimeField(
        help_text=_("Fra dette tidspunkt afvises tokenet (401); hent et nyt.")
    )


class ErrorSerializer(serializers.Serializer):
    """En afvisning: 401, 403 eller 404."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text=_("Fast kode for afvisningen, fx not_leader."))


class DomainErrorSerializer(serializers.Serializer):
    """409: netværkets tilstand eller en regel forhindrer ændringen."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("Fast kode, fx wrong_status, blocked, read_only."))
    findings = FindingSerializer(many=True)
