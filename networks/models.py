"""The domain model: network types, networks, participants, meetings, decisions and status changes.

Validation that needs a type's parameters (sprint length, the meeting plan) is asked of
`networks.rules` from `clean()`, so forms, the admin and the API refuse the same invalid data.
Invariants the database can guard on its own are constraints.
"""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from networks import dates, rules
from networks.choices import (  # noqa: F401 (the vocabularies are part of the models' public names)
    APPROVED_STATUSES,
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    STATUS_BADGE,
    STATUS_IN_SENTENCE,
    ActorCategory,
    ChangeRequestStatus,
    DecisionOutcome,
    KnowledgeUse,
    MeetingStatus,
    NetworkTypeCode,
    ParticipantRole,
    ReminderKind,
    Status,
    WelfareTrack,
)
from networks.text import TEXT_MAX_LENGTH, validate_multi_line, validate_single_line

# Named here too: the migrations refer to the validator as `networks.models.validate_plausible_date`.
validate_plausible_date = dates.validate_plausible_date


def validate_follow_up_months(value):
    if not isinstance(value, list) or not all(
        isinstance(months, int) and not isinstance(months, bool) and 1 <= months <= 120 for months in value
    ):
        raise ValidationError(
            _("Angiv opfølgningerne som en liste af hele måneder mellem 1 og 120, fx [3, 12]."),
            code="follow_up_months",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Den samme måned står der flere gange."), code="follow_up_months")


def _choices_constraint(field: str, choices: type[models.TextChoices], name: str):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class NetworkType(models.Model):
    """One of the three network types and the parameters its rules are computed from."""

    code = models.CharField(_("kode"), max_length=20, unique=True, choices=NetworkTypeCode.choices)
    name = models.CharField(_("navn"), max_length=100)
    description = models.TextField(_("beskrivelse"), blank=True)
    requires_approval = models.BooleanField(
        _("kræver Direktørforums godkendelse"),
        default=False,
        help_text=_("Netværket kan først starte, når Direktørforum har godkendt det."),
    )
    typical_duration_days = models.PositiveIntegerField(
        _("typisk varighed (dage)"),
        help_text=_("Den varighed, typen er tænkt til, fra start til afslutning."),
    )
    duration_tolerance_days = models.PositiveIntegerField(
        _("tolerance for varighed (dage)"),
        default=0,
        help_text=_(
            "Hvor mange dage planen må afvige fra den typiske varighed, før der advares. "
            "0 betyder, at der ikke advares om varigheden."
        ),
    )
    sprint_max_days = models.PositiveIntegerField(
        _("sprintens længste varighed (dage)"),
        null=True,
        blank=True,
        help_text=_("Sprintens længste varighed i kalenderdage, første og sidste dag medregnet."),
    )
    min_meetings = models.PositiveIntegerField(
        _("mindst antal netværksmøder"),
        null=True,
        blank=True,
        help_text=_("Netværket kan ikke starte med færre planlagte møder (aflyste tæller ikke)."),
    )
    max_meetings = models.PositiveIntegerField(
        _("højst antal netværksmøder"),
        null=True,
        blank=True,
        help_text=_("Et møde ud over dette antal afvises (aflyste tæller ikke)."),
    )
    plan_months = models.PositiveIntegerField(
        _("planens længde (måneder)"),
        null=True,
        blank=True,
        help_text=_("Hvor mange måneder mødeplanen omtrent skal strække sig over."),
    )
    min_core_participants = models.PositiveIntegerField(
        _("mindst antal kernedeltagere"),
        default=1,
        help_text=_("Netværket kan ikke starte med færre kernedeltagere."),
    )
    min_actor_categories = models.PositiveIntegerField(
        _("forventet antal aktørtyper"),
        default=0,
        help_text=_(
            "Hvor mange forskellige aktørtyper netværket forventes at inddrage. "
            "Færre giver en advarsel; 0 slår advarslen fra."
        ),
    )
    sprint_start_grace_days = models.PositiveIntegerField(
        _("sprintens start kan ligge bagud (dage)"),
        null=True,
        blank=True,
        default=7,
        help_text=_(
            "Hvor mange dage sprintens første dag højst må ligge før den dag, netværket startes. "
            "Gælder kun typer med en sprint."
        ),
    )
    min_meeting_gap_days = models.PositiveIntegerField(
        _("mindste afstand mellem netværksmøder (dage)"),
        null=True,
        blank=True,
        default=14,
        help_text=_("Møder, der ligger tættere, giver en advarsel om, at møderne klumper sig sammen."),
    )
    follow_up_months = models.JSONField(
        _("opfølgning efter (måneder)"),
        default=list,
        blank=True,
        validators=[validate_follow_up_months],
        help_text=_(
            "Hvor mange måneder efter afslutningen netværket følges op, fx [3, 12]. "
            "En tom liste betyder ingen opfølgning."
        ),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("netværkstype")
        verbose_name_plural = _("netværkstyper")
        constraints = [
            _choices_constraint("code", NetworkTypeCode, "networktype_code_valid"),
            models.CheckConstraint(
                condition=Q(min_meetings__isnull=True)
                | Q(max_meetings__isnull=True)
                | Q(min_meetings__lte=models.F("max_meetings")),
                name="networktype_min_meetings_lte_max",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:networks_networktype_change", args=[self.pk])


class NetworkQuerySet(models.QuerySet):
    def with_related(self):
        """What the pages, the admin and the rules read for each network, in a fixed number of queries."""
        return self.select_related("type", "leader").prefetch_related("participants", "meetings")


class Network(models.Model):
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    theme = models.CharField(
        _("tema"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Det tema, netværket arbejder med."),
    )
    purpose = models.TextField(
        _("formål"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Hvad netværket skal opnå, og for hvem."),
    )
    type = models.ForeignKey(
        NetworkType,
        on_delete=models.PROTECT,
        related_name="networks",
        verbose_name=_("netværkstype"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_networks",
        verbose_name=_("netværksleder"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    mandate = models.TextField(
        _("mandat"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Hvad netværket har mandat til at beslutte og ændre, og hvem der har givet det."),
    )
    mandate_clarified = models.BooleanField(
        _("mandat afklaret"),
        default=False,
        help_text=_("Sæt hak, når mandatet er afklaret med den, der har givet det."),
    )
    strategy_reference = models.TextField(
        _("politisk vision eller strategi"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Den politiske vision eller strategi, innovationsnetværket bygger på."),
    )
    planned_start = models.DateField(
        _("planlagt start"), null=True, blank=True, validators=[validate_plausible_date]
    )
    planned_end = models.DateField(
        _("planlagt afslutning"), null=True, blank=True, validators=[validate_plausible_date]
    )
    sprint_start = models.DateField(
        _("sprintens første dag"), null=True, blank=True, validators=[validate_plausible_date]
    )
    sprint_end = models.DateField(
        _("sprintens sidste dag"), null=True, blank=True, validators=[validate_plausible_date]
    )
    track_plans = models.JSONField(
        _("plan for sporene"),
        default=dict,
        blank=True,
        help_text=_(
            "Hvordan velfærdsnetværket arbejder i hvert af de tre spor: relationel koordinering, "
            "borgerdeltagelse og innovation. Nøglerne er sporenes koder."
        ),
    )
    outcome_summary = models.TextField(
        _("resultat"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Hvad netværket kom frem til. Skal udfyldes, før netværket kan afsluttes."),
    )
    track_outcomes = models.JSONField(
        _("resultat i sporene"),
        default=dict,
        blank=True,
        help_text=_("Velfærdsnetværkets resultat i hvert af de tre spor, skrevet ved afslutningen."),
    )
    submission_round = models.PositiveIntegerField(
        _("indstillingsrunde"),
        default=0,
        editable=False,
        help_text=_("Hvor mange gange netværket er indstillet til Direktørforum."),
    )
    started_at = models.DateTimeField(_("startet"), null=True, blank=True, editable=False)
    concluded_at = models.DateTimeField(_("afsluttet"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = NetworkQuerySet.as_manager()
    # The audit trail: every create, change and delete, with who and when (the "Historik").
    history = HistoricalRecords(verbose_name=_("historik for netværk"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("netværk")
        verbose_name_plural = _("netværk")
        constraints = [
            _choices_constraint("status", Status, "network_status_valid"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gt=models.F("planned_start")),
                name="network_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(sprint_start__isnull=True)
                | Q(sprint_end__isnull=True)
                | Q(sprint_end__gt=models.F("sprint_start")),
                name="network_sprint_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["leader", "status"], name="network_leader_status_idx"),
            # The newest first (the default order): the API's list and the admin, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="network_newest_first_idx"),
            # By title: the start page, the network list and Direktørforum's portfolio, a page at a time.
            models.Index(fields=["title", "id"], name="network_by_title_idx"),
            # Direktørforum's queue (status "submitted") and portfolio (approved and active, by title).
            models.Index(fields=["status", "title"], name="network_status_title_idx"),
            # Direktørforum's concluded networks, the most recently concluded first, a page at a time:
            # read in index order and stopped after a page instead of sorting every concluded one.
            models.Index(fields=["status", "-concluded_at", "-id"], name="network_concluded_newest_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("networks:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def status_badge(self) -> str:
        """The colour class of the status's badge (a dictionary look-up, not a chain of template
        comparisons: lists show it for every row)."""
        return STATUS_BADGE.get(self.status, "text-bg-danger")

    @property
    def status_text(self) -> str:
        """The status for use inside a sentence ("netværket er aktivt", "det er en kladde")."""
        return str(STATUS_IN_SENTENCE[self.status])

    def clean(self):
        errors = rules.network_field_errors(self)
        if errors:
            raise ValidationError(errors)


class ParticipantQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Participant(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="participants", verbose_name=_("netværk")
    )
    name = models.CharField(_("navn"), max_length=200, validators=[validate_single_line])
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        validators=[validate_single_line],
        help_text=_("Kan udelades for deltagere uden e-mail."),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Afdeling, forening, virksomhed eller institution."),
    )
    actor_category = models.CharField(
        _("aktørtype"), max_length=30, choices=ActorCategory.choices, default=ActorCategory.EMPLOYEE
    )
    role = models.CharField(
        _("rolle"),
        max_length=20,
        choices=ParticipantRole.choices,
        default=ParticipantRole.CORE,
        help_text=_("Kernedeltagere bærer netværket; perifere deltagere inddrages undervejs."),
    )
    joined_on = models.DateField(_("med fra"), null=True, blank=True, validators=[validate_plausible_date])
    left_on = models.DateField(_("udtrådt"), null=True, blank=True, validators=[validate_plausible_date])
    commitment = models.TextField(
        _("forpligtelse"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Hvad deltageren forpligter sig til at bruge i sit eget arbejde."),
    )
    no_commitment_reason = models.TextField(
        _("ingen forpligtelse, fordi"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
        help_text=_("Hvis deltageren ikke forpligter sig til noget, så skriv hvorfor."),
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("historik for deltager"))

    class Meta:
        ordering = ["role", "name", "pk"]
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        constraints = [
            _choices_constraint("actor_category", ActorCategory, "participant_actor_category_valid"),
            _choices_constraint("role", ParticipantRole, "participant_role_valid"),
            models.CheckConstraint(
                condition=Q(joined_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="participant_left_after_joined",
            ),
            models.UniqueConstraint(
                "network",
                Lower("email"),
                condition=~Q(email=""),
                name="participant_unique_email_per_network",
                violation_error_message=_("Der er allerede en deltager med denne e-mail i netværket."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def clean(self):
        self.email = (self.email or "").strip().lower()
        errors = rules.participant_field_errors(self)
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = [_("Udtrædelsesdatoen kan ikke ligge før den dato, deltageren kom med.")]
        if errors:
            raise ValidationError(errors)


class Meeting(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("netværk")
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    starts_at = models.DateTimeField(_("starter"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(_("slutter"), null=True, blank=True, validators=[validate_plausible_date])
    location = models.CharField(_("sted"), max_length=200, blank=True, validators=[validate_single_line])
    agenda = models.TextField(
        _("dagsorden"), blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line]
    )
    minutes = models.TextField(
        _("referat"), blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        Participant, blank=True, related_name="meetings_attended", verbose_name=_("fremmødte")
    )
    history = HistoricalRecords(verbose_name=_("historik for møde"), m2m_fields=[attendees])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        constraints = [
            _choices_constraint("status", MeetingStatus, "meeting_status_valid"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Mødet skal slutte, efter det er startet."),
            ),
        ]
        indexes = [models.Index(fields=["network", "starts_at"], name="meeting_network_starts_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    def clean(self):
        errors = rules.meeting_field_errors(self)
        if errors:
            raise ValidationError(errors)


class DecisionQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass `Decision.save()`/`delete()`, so they are refused too."""

    def update(self, **kwargs):
        raise ValidationError(_("En beslutning kan ikke ændres, når den er truffet."))

    def delete(self):
        raise ValidationError(_("En beslutning kan ikke slettes."))


class Decision(models.Model):
    """Direktørforum's ruling on one submission round. Recorded once and never changed."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("netværk")
    )
    round = models.PositiveIntegerField(_("indstillingsrunde"))
    outcome = models.CharField(_("beslutning"), max_length=20, choices=DecisionOutcome.choices)
    comment = models.TextField(
        _("begrundelse"), blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("truffet af"),
    )
    decided_at = models.DateTimeField(_("truffet"), auto_now_add=True)
    meeting_date = models.DateField(
        _("Direktørforums mødedato"),
        null=True,
        blank=True,
        help_text=_("Datoen for det møde i Direktørforum, hvor beslutningen blev truffet."),
        validators=[validate_plausible_date],
    )

    objects = DecisionQuerySet.as_manager()
    # A decision is only ever created (save() and delete() refuse the rest), so its history is that.
    history = HistoricalRecords(verbose_name=_("historik for beslutning"))

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        constraints = [
            _choices_constraint("outcome", DecisionOutcome, "decision_outcome_valid"),
            # The guarantee behind "exactly one decision lands" even if two requests race.
            models.UniqueConstraint(fields=["network", "round"], name="decision_one_per_round"),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.APPROVED) | ~Q(comment=""),
                name="decision_comment_unless_approved",
            ),
        ]
        # Direktørforum's latest decided cases, newest first.
        indexes = [models.Index(fields=["-decided_at", "-id"], name="decision_newest_first_idx")]

    def __str__(self):
        return f"{self.network}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("En beslutning kan ikke ændres, når den er truffet."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    def delete(self, *args, **kwargs):
        raise ValidationError(_("En beslutning kan ikke slettes."))


class StatusChange(models.Model):
    """One step in a network's lifecycle: who moved it, when, from where to where, and why."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("netværk")
    )
    from_status = models.CharField(_("fra"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("til"), max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("ændret af"),
    )
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    comment = models.TextField(
        _("kommentar"), blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line]
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("statusændring")
        verbose_name_plural = _("statusændringer")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status="") | Q(from_status__in=Status.values),
                name="statuschange_from_status_valid",
            ),
            _choices_constraint("to_status", Status, "statuschange_to_status_valid"),
        ]

    def __str__(self):
        return f"{self.network}: {self.from_status or '–'} → {self.to_status}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()


class SentReminder(models.Model):
    """One reminder sent to one person. The unique key is what makes `send_reminders` idempotent."""

    kind = models.CharField(_("slags"), max_length=30, choices=ReminderKind.choices)
    key = models.CharField(
        _("nøgle"), max_length=100, help_text=_("Hvad påmindelsen gjaldt, fx mødet og dets dato.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("modtager"),
    )
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sendt påmindelse")
        verbose_name_plural = _("sendte påmindelser")
        constraints = [
            _choices_constraint("kind", ReminderKind, "sentreminder_kind_valid"),
            models.UniqueConstraint(
                fields=["kind", "key", "recipient"], name="sentreminder_once_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.key} → {self.recipient}"


class ChangeRequest(models.Model):
    """The leader's request to change what Direktørforum approved, decided by Direktørforum.

    `changes` holds the proposed values and `previous` the values when it was proposed (both as
    JSON: dates as ISO text). Approved, it is applied to the network in the same transaction;
    decided, it is never changed again.
    """

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("netværk")
    )
    changes = models.JSONField(_("ændringer"))
    previous = models.JSONField(_("hidtil"), default=dict)
    reason = models.TextField(_("begrundelse"), max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line])
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("anmodet af"),
    )
    requested_at = models.DateTimeField(_("anmodet"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_request_decisions",
        verbose_name=_("besluttet af"),
    )
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)
    comment = models.TextField(
        _("Direktørforums kommentar"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_multi_line],
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("ændringsanmodning")
        verbose_name_plural = _("ændringsanmodninger")
        constraints = [
            _choices_constraint("status", ChangeRequestStatus, "changerequest_status_valid"),
            # One open request per network: Direktørforum decides on a whole, known change.
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="changerequest_one_pending_per_network",
                violation_error_message=_(
                    "Netværket har allerede en ændringsanmodning, der venter på Direktørforums beslutning."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status=ChangeRequestStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True
                )
                | (
                    ~Q(status=ChangeRequestStatus.PENDING)
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="changerequest_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeRequestStatus.REJECTED) | ~Q(comment=""),
                name="changerequest_comment_when_rejected",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="changerequest_queue_idx")]

    def __str__(self):
        return f"{self.network}: {self.get_status_display()}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()


class SprintChange(models.Model):
    """A running sprint's last day moved, with why. The sprint's first day is fixed once it runs."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="sprint_changes", verbose_name=_("netværk")
    )
    previous_end = models.DateField(_("hidtidig sidste dag"))
    new_end = models.DateField(_("ny sidste dag"))
    reason = models.TextField(_("begrundelse"), max_length=TEXT_MAX_LENGTH, validators=[validate_multi_line])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sprint_changes",
        verbose_name=_("flyttet af"),
    )
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("flytning af sprinten")
        verbose_name_plural = _("flytninger af sprinten")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="sprintchange_reason_given"),
        ]

    def __str__(self):
        return f"{self.network}: {self.previous_end} → {self.new_end}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()


class FollowUp(models.Model):
    """A follow-up some months after a network concluded: the type's own questions, answered once.

    Made when the network concludes, one per month count in its type's `follow_up_months`.
    `answers` holds the answers as the type's follow-up questions define them; once answered the
    follow-up is a record and is not changed.
    """

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("netværk")
    )
    months = models.PositiveIntegerField(_("måneder efter afslutningen"))
    due = models.DateField(_("forfalder"), validators=[validate_plausible_date])
    answers = models.JSONField(_("svar"), default=dict, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups_answered",
        verbose_name=_("besvaret af"),
    )
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        constraints = [
            models.UniqueConstraint(fields=["network", "months"], name="followup_once_per_point"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_by__isnull=False),
                name="followup_answered_by_someone",
            ),
        ]
        # The open follow-ups falling due: the reminders and the dashboards.
        indexes = [models.Index(fields=["answered_at", "due"], name="followup_open_due_idx")]

    def __str__(self):
        return f"{self.network}: {self.months}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def status_on(self, today) -> str:
        """ "answered", "due" (on or after its day, not answered) or "upcoming"."""
        if self.is_answered:
            return "answered"
        return "due" if today >= self.due else "upcoming"


class OutgoingEmailStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Kunne ikke sendes")


class OutgoingEmail(models.Model):
    """One email to one address, written in the same transaction as the change that causes it and
    sent by the `networks.tasks.send_email` task: a mail server that is down delays it, never loses
    it, and a row that is sent is never sent again."""

    recipient = models.EmailField(_("modtager"), max_length=254)
    # One line (`networks.text.one_line`): a subject is one header line.
    subject = models.TextField(_("emne"), validators=[validate_single_line])
    body = models.TextField(_("tekst"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutgoingEmailStatus.choices,
        default=OutgoingEmailStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    last_error = models.TextField(_("seneste fejl"), blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("udgående e-mail")
        verbose_name_plural = _("udgående e-mails")
        constraints = [_choices_constraint("status", OutgoingEmailStatus, "outgoingemail_status_valid")]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class CalendarFeed(models.Model):
    """A user's calendar subscription: the address `/kalender/<secret>.ics` that Outlook fetches.

    The secret is stored as it is, like an API token, not hashed: the user's own page has to show
    the whole address again on every visit, which a hash could not give back. It is compared in
    constant time after the lookup (`matches`). Renewing replaces it, and the old address is dead.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("bruger"),
    )
    secret = models.CharField(_("hemmelig nøgle"), max_length=64, unique=True, db_index=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    renewed = models.DateTimeField(_("fornyet"), auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("networks:calendar_feed", kwargs={"secret": self.secret})

    @staticmethod
    def new_secret() -> str:
        # 32 random bytes, 43 URL-safe characters: not guessable, and the address's only credential.
        return secrets.token_urlsafe(32)

    @classmethod
    def of(cls, user) -> CalendarFeed:
        """The user's feed, made on first asking."""
        feed, _created = cls.objects.get_or_create(user=user, defaults={"secret": cls.new_secret()})
        return feed

    @classmethod
    def renew(cls, user) -> CalendarFeed:
        """A new secret for the user's feed; the old address answers 404 from now on."""
        with transaction.atomic():
            feed = cls.of(user)
            feed = cls.objects.select_for_update().get(pk=feed.pk)
            feed.secret = cls.new_secret()
            feed.save(update_fields=["secret", "renewed"])
        return feed

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret.encode(), secret.encode())


class SignOnIdentity(models.Model):
    """A person at the municipality's identity provider: the (issuer, subject) pair its ID token
    names them by, tied to one user here. Never matched by email: an address can be shared, reused
    or changed, a subject cannot (networks.sign_on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_on_identities",
        verbose_name=_("bruger"),
    )
    issuer = models.CharField(_("udsteder"), max_length=255)
    subject = models.CharField(_("subjekt"), max_length=255)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_login = models.DateTimeField(_("seneste log ind"), null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer"]
        verbose_name = _("log ind-identitet")
        verbose_name_plural = _("log ind-identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="signonidentity_unique_subject"),
        ]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
