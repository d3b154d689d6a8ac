"""The admin site, in Danish, for central staff.

Status is never edited here: transitions go through `networks.services` on the pages and the API.
Decisions and status changes are a permanent record, so the admin can show them but never add,
change or delete them. Whether a network may be changed or deleted is asked of the same checks the
services ask (`services.network_check_admin_change`, `network_check_admin_delete`): closed and
submitted networks are read-only, and only a draft that never went anywhere can be deleted, as
everywhere else.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from networks import rules, services, tasks, text
from networks.models import (
    ChangeRequest,
    Decision,
    FollowUp,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    OutgoingEmail,
    Participant,
    SentReminder,
    SprintChange,
    StatusChange,
)


def findings_html(findings):
    if not findings:
        return _("Ingen bemærkninger")
    labels = {rules.Level.BLOCKS: _("Blokerer"), rules.Level.WARNS: _("Advarsel")}
    return format_html(
        # No style attribute: the Content-Security-Policy allows no inline styles.
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}:</strong> {}</li>",
            ((labels[f.level], f.message) for f in findings),
        ),
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("round", "outcome", "comment", "decided_by", "decided_at", "meeting_date")
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "comment")
    readonly_fields = fields


class SprintChangeInline(ReadOnlyInline):
    model = SprintChange
    fields = ("changed_at", "previous_end", "new_end", "reason", "changed_by")
    readonly_fields = fields


def may_change(request, network) -> bool:
    """Whether the admin's user may change `network` and its participants and meetings now."""
    return services.allows(services.network_check_admin_change, network=network, by=request.user)


class NetworkContentInline(admin.TabularInline):
    """Participants and meetings may change only while the network itself may."""

    extra = 0

    def _editable(self, request, obj):
        return obj is None or may_change(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class ParticipantInline(NetworkContentInline):
    model = Participant
    fields = ("name", "email", "organisation", "actor_category", "role", "joined_on", "left_on")


class MeetingPlanFormSet(BaseInlineFormSet):
    """Several meetings added in one save are counted together against the type's maximum."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        counted = sum(
            1
            for form in self.forms
            # Unchanged extra forms have no cleaned data; deleted and cancelled meetings don't count.
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("status") != MeetingStatus.CANCELLED
        )
        message = rules.meeting_plan_error(self.instance.type, counted)
        if message:
            raise ValidationError(message)


class MeetingInline(NetworkContentInline):
    model = Meeting
    formset = MeetingPlanFormSet
    fields = ("title", "starts_at", "ends_at", "location", "status")


@admin.register(NetworkType)
class NetworkTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "requires_approval",
        "typical_duration_days",
        "sprint_max_days",
        "min_meetings",
        "max_meetings",
        "min_core_participants",
    )
    readonly_fields = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "name", "description")}),
        (
            _("Regler"),
            {
                "fields": (
                    "requires_approval",
                    "typical_duration_days",
                    "duration_tolerance_days",
                    "sprint_max_days",
                    "min_meetings",
                    "max_meetings",
                    "plan_months",
                    "min_core_participants",
                    "min_actor_categories",
                    "sprint_start_grace_days",
                    "min_meeting_gap_days",
                    "follow_up_months",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        # The three types are the municipality's model; their parameters change, their set does not.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """The "Historik" button shows the object's audit trail (django-simple-history), read-only.

    An old version is shown but never saved back: restoring one would change status and content
    behind the services' and the rules' back (SIMPLE_HISTORY_REVERT_DISABLED only hides the button,
    so the POST is refused here too).
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NetworkAdminForm(forms.ModelForm):
    """What `services.network_update` refuses, refused here too: a running sprint's last day moves
    only with a reason and its first day stays (the rules' `sprint_change_errors`); what Direktørforum
    approved is read-only (`NetworkAdmin.get_readonly_fields`), and the planned period may move only
    within the type's tolerance."""

    # The reason is stored as the sprint change's `reason`, and is checked as that field is.
    sprint_change_reason = forms.CharField(
        label=_("Hvorfor flyttes sprintens sidste dag?"),
        required=False,
        max_length=text.TEXT_MAX_LENGTH,
        validators=[text.validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skal udfyldes, hvis sprintens sidste dag flyttes, mens netværket kører."),
    )

    class Meta:
        model = Network
        fields = ()  # the admin's fieldsets name the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sprint_before = (self.instance.sprint_start, self.instance.sprint_end)

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None:
            return
        reason = self.cleaned_data.get("sprint_change_reason", "")
        for finding in rules.sprint_change_errors(self.instance, *self.sprint_before, reason):
            self.add_error(finding.field if finding.field in self.fields else None, finding.message)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # Before `_post_clean`, the instance still holds the stored values.
            proposed = {name: value for name, value in cleaned.items() if name in rules.APPROVED_CONTENT}
            refusal = services.approved_content_locked(self.instance, proposed)
            if refusal is not None:
                for finding in refusal.findings:
                    if finding.field in self.fields:
                        self.add_error(finding.field, finding.message)
                raise ValidationError(refusal.message, code=refusal.code)
        return cleaned


@admin.register(Network)
class NetworkAdmin(HistoryAdmin):
    form = NetworkAdminForm
    list_display = ("title", "type", "status", "leader", "planned_start", "findings_summary")
    list_filter = ("type", "status")
    search_fields = ("title", "theme", "leader__username", "leader__first_name", "leader__last_name")
    list_select_related = ("type", "leader")
    readonly_fields = (
        "status",
        "findings",
        "submission_round",
        "started_at",
        "concluded_at",
        "created_at",
        "updated_at",
    )
    autocomplete_fields = ("leader",)
    fieldsets = (
        (None, {"fields": ("title", "theme", "purpose", "type", "leader", "status", "findings")}),
        (_("Mandat"), {"fields": ("mandate", "mandate_clarified", "strategy_reference", "track_plans")}),
        (
            _("Plan"),
            {
                "fields": (
                    "planned_start",
                    "planned_end",
                    "sprint_start",
                    "sprint_end",
                    "sprint_change_reason",
                )
            },
        ),
        (_("Resultat"), {"fields": ("outcome_summary", "track_outcomes")}),
        (
            _("Forløb"),
            {"fields": ("submission_round", "started_at", "concluded_at", "created_at", "updated_at")},
        ),
    )
    inlines = (ParticipantInline, MeetingInline, DecisionInline, StatusChangeInline, SprintChangeInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("participants", "meetings")

    def save_model(self, request, obj, form, change):
        sprint_move = None
        if change:
            sprint_move = services.sprint_change_for(
                obj,
                *form.sprint_before,
                reason=form.cleaned_data.get("sprint_change_reason", ""),
                by=request.user,
            )
        super().save_model(request, obj, form, change)
        if sprint_move is not None:
            sprint_move.save()

    def get_readonly_fields(self, request, obj=None):
        # What Direktørforum approved changes only through a change request it decides.
        locked = rules.locked_in_place(obj) if obj is not None else ()
        return (*self.readonly_fields, *locked)

    def has_add_permission(self, request):
        # Leaders register networks themselves, and become their leader; staff only maintain them.
        return False

    @admin.display(description=_("Bemærkninger"))
    def findings(self, obj):
        if obj.pk is None:
            return "–"
        return findings_html(rules.findings(obj))

    @admin.display(description=_("Bemærkninger"))
    def findings_summary(self, obj):
        found = rules.findings(obj)
        blocks = sum(1 for f in found if f.blocks)
        warns = len(found) - blocks
        return ngettext(
            "%(blocks)d blokerende, %(warns)d advarsel", "%(blocks)d blokerende, %(warns)d advarsler", warns
        ) % {
            "blocks": blocks,
            "warns": warns,
        }

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_change(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not services.allows(
            services.network_check_admin_delete, network=obj, by=request.user
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A network's status changes go with it, as in `services.network_delete`; on their own
        # they are a permanent record, which is why the admin would otherwise ask for the right.
        perms_needed.discard(StatusChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.network_admin_delete(network=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # "Slet valgte": each network through the service, which checks it again under a row lock.
        for network in queryset:
            services.network_admin_delete(network=network, by=request.user)


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ("name", "email", "organisation", "actor_category", "role", "network", "left_on")
    list_filter = ("actor_category", "role", "network__type")
    search_fields = ("name", "email", "organisation", "network__title")
    list_select_related = ("network",)
    autocomplete_fields = ("network",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_change(request, obj.network):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ("title", "network", "starts_at", "status", "location")
    list_filter = ("status", "network__type")
    search_fields = ("title", "network__title", "location")
    list_select_related = ("network",)
    autocomplete_fields = ("network",)
    filter_horizontal = ("attendees",)
    date_hierarchy = "starts_at"

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_change(request, obj.network):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class PermanentRecordAdmin(admin.ModelAdmin):
    """Shown in the admin, never added, changed or deleted there."""

    list_select_related = ("network",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(PermanentRecordAdmin):
    list_display = ("network", "round", "outcome", "decided_by", "decided_at", "meeting_date")
    list_filter = ("outcome",)
    search_fields = ("network__title", "comment")
    list_select_related = ("network", "decided_by")


@admin.register(StatusChange)
class StatusChangeAdmin(PermanentRecordAdmin):
    list_display = ("network", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    search_fields = ("network__title", "comment")
    list_select_related = ("network", "changed_by")


@admin.register(SentReminder)
class SentReminderAdmin(PermanentRecordAdmin):
    """The log `send_reminders` keeps so that no reminder goes out twice."""

    list_display = ("sent_at", "kind", "recipient", "key")
    list_filter = ("kind",)
    search_fields = ("key", "recipient__username", "recipient__email")
    list_select_related = ("recipient",)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(PermanentRecordAdmin):
    """Asked for on the network's page, decided on Direktørforum's; here to be looked up."""

    list_display = ("network", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("network__title", "reason", "comment")
    list_select_related = ("network", "requested_by", "decided_by")


@admin.register(SprintChange)
class SprintChangeAdmin(PermanentRecordAdmin):
    list_display = ("network", "previous_end", "new_end", "changed_by", "changed_at")
    search_fields = ("network__title", "reason")
    list_select_related = ("network", "changed_by")


@admin.register(FollowUp)
class FollowUpAdmin(PermanentRecordAdmin):
    """Made when a network concludes, answered once by its leader on the follow-up page."""

    list_display = ("network", "months", "due", "answered_by", "answered_at")
    list_filter = ("months",)
    search_fields = ("network__title",)
    list_select_related = ("network", "answered_by")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox: every email the app sends, whether it went out, and the mail server's answer
    when it did not. Nothing here is written by hand; a failed email can only be sent again."""

    list_display = ("created", "recipient", "subject", "status", "attempts", "sent_at", "error_line")
    list_filter = ("status",)
    search_fields = ("recipient", "subject")
    date_hierarchy = "created"
    fields = (
        "recipient",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created",
        "sent_at",
        "next_attempt_at",
    )
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("Seneste fejl"))
    def error_line(self, email):
        return text.one_line(email.last_error)[:200]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list may act ("Send igen"); a single email is shown, never edited.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send igen"), permissions=["change"])
    def send_again(self, request, queryset):
        count = tasks.send_again(queryset)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail er sat i kø til at blive sendt igen.",
                    "%(count)d e-mails er sat i kø til at blive sendt igen.",
                    count,
                )
                % {"count": count},
            )
        else:
            self.message_user(
                request,
                _("Ingen af de valgte e-mails blev sendt igen: de er allerede sendt."),
                level=messages.WARNING,
            )
