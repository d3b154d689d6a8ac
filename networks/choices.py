"""The app's vocabularies: codes, statuses and categories, and the status sets built from them.

Imports no models, so the rules, the models and everything else can import it without a cycle.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkTypeCode(models.TextChoices):
    INNOVATION = "innovation", _("Innovationsnetværk")
    WELFARE = "welfare", _("Velfærdsnetværk")
    LEARNING = "learning", _("Læringsnetværk")


class Status(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SUBMITTED = "submitted", _("Indstillet til Direktørforum")
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")
    ACTIVE = "active", _("Aktiv")
    CONCLUDED = "concluded", _("Afsluttet")
    CANCELLED = "cancelled", _("Annulleret")


# The status as it reads after "netværket er …" or "det er …": agreeing with the neuter "netværket"
# ("aktivt", not "aktiv") and with an article for the noun ("en kladde").
STATUS_IN_SENTENCE = {
    Status.DRAFT: _("en kladde"),
    Status.SUBMITTED: _("indstillet til Direktørforum"),
    Status.APPROVED: _("godkendt"),
    Status.REJECTED: _("afvist"),
    Status.ACTIVE: _("aktivt"),
    Status.CONCLUDED: _("afsluttet"),
    Status.CANCELLED: _("annulleret"),
}

# The colour of a status's badge on the pages (Bootstrap's classes); the badge always carries the
# status's word too, never the colour alone.
STATUS_BADGE = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-info",
    Status.APPROVED: "text-bg-primary",
    Status.REJECTED: "text-bg-danger",
    Status.ACTIVE: "text-bg-success",
    Status.CONCLUDED: "text-bg-dark",
    Status.CANCELLED: "text-bg-danger",
}


# States in which the network's content may still change, and those that can be cancelled.
EDITABLE_STATUSES = (Status.DRAFT, Status.APPROVED, Status.ACTIVE)
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.ACTIVE)
# States a network reaches only once Direktørforum has approved it (or never needed to).
APPROVED_STATUSES = (Status.APPROVED, Status.ACTIVE, Status.CONCLUDED)


class WelfareTrack(models.TextChoices):
    RELATIONAL_COORDINATION = "relational_coordination", _("Relationel koordinering")
    CITIZEN_PARTICIPATION = "citizen_participation", _("Borgerdeltagelse")
    INNOVATION = "innovation", _("Innovation")


class ActorCategory(models.TextChoices):
    EMPLOYEE = "employee", _("Medarbejder")
    CITIZEN = "citizen", _("Borger")
    VOLUNTEER = "volunteer", _("Frivillig")
    BUSINESS = "business", _("Virksomhed")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Vidensinstitution")
    INTEREST_ORGANISATION = "interest_organisation", _("Interesseorganisation")
    POLITICIAN = "politician", _("Politiker")
    MANAGEMENT = "management", _("Ledelsesforum")
    EXPERT = "expert", _("Ekspert")
    OTHER = "other", _("Andet")


class ParticipantRole(models.TextChoices):
    CORE = "core", _("Kernedeltager")
    PERIPHERAL = "peripheral", _("Perifer deltager")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Afholdt")
    CANCELLED = "cancelled", _("Aflyst")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")
    CHANGES_REQUESTED = "changes_requested", _("Ændringer ønsket")


class ReminderKind(models.TextChoices):
    MEETING_TOMORROW = "meeting_tomorrow", _("Møde i morgen")
    SPRINT_ENDING = "sprint_ending", _("Sprinten slutter snart")
    SPRINT_ENDED = "sprint_ended", _("Sprinten er slut, netværket ikke afsluttet")
    TOO_FEW_MEETINGS = "too_few_meetings", _("For få planlagte møder")
    DIREKTOERFORUM_DIGEST = "direktoerforum_digest", _("Sager, der venter på Direktørforum")
    FOLLOW_UP_DUE = "follow_up_due", _("Opfølgning skal besvares")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Afventer Direktørforums beslutning")
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")


class KnowledgeUse(models.TextChoices):
    """A learning network's follow-up: has a participant put the knowledge to use?"""

    YES = "yes", _("Ja")
    PARTLY = "partly", _("Delvist")
    NOT_YET = "not_yet", _("Endnu ikke")
