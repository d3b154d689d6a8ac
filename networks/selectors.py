"""Reads: which networks a user may see, and what the pages and rules need of them.

The selectors load a network with its type and leader. A page that shows one network's people and
meetings adds `.with_related()`; a list that shows findings or progress but not the people asks
`with_rule_facts` for what the rules need, in two grouped queries.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Length, Trim, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from networks import roles, rules
from networks.dates import long_date
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    ChangeRequest,
    ChangeRequestStatus,
    Decision,
    FollowUp,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    Participant,
    ParticipantRole,
    Status,
    StatusChange,
)
from networks.rules import RuleFacts


def count_of(rows: QuerySet, group_by: str = "network") -> Coalesce:
    """COUNT(*) of a correlated queryset as a column, 0 when it has no rows (a subquery, so it
    multiplies no join)."""
    return Coalesce(Subquery(rows.order_by().values(group_by).annotate(n=Count("pk")).values("n")), 0)


def networks_visible_to(user) -> QuerySet[Network]:
    """Administrators see every network; Direktørforum members also see every innovation network
    from its first submission on; everyone else sees the networks they lead."""
    networks = Network.objects.select_related("type", "leader")
    if roles.is_administrator(user):
        return networks
    visible = Q(leader=user)
    if roles.is_direktoerforum(user):
        visible |= Q(type__requires_approval=True, submission_round__gt=0)
    return networks.filter(visible)


def network_for_user(user, pk) -> Network:
    """The network if the user may see it; otherwise 404, so nobody learns that it exists."""
    try:
        return networks_visible_to(user).with_related().get(pk=pk)
    except (Network.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class StartPage:
    """What a user's start page lists. Open networks come with the rules' facts and their next
    meeting (the page shows their findings, progress and next meeting); closed ones show only
    title and status.

    Every list is one page read one row past its end (that row says whether a next page follows,
    without counting them all), so the page costs the same however long a user's history is."""

    mine_open: list[Network]
    mine_open_has_next: bool
    # Concluded, cancelled and rejected networks: the leader's history, newest first.
    mine_closed: list[Network]
    mine_closed_has_next: bool
    awaiting_decision: list[Network]
    # One page of other leaders' open networks not waiting for Direktørforum, and whether more follow.
    other_open: list[Network]
    other_open_has_next: bool
    is_administrator: bool
    is_direktoerforum: bool
    # Anyone who is not Direktørforum or an administrator is there for their own networks.
    shows_mine: bool


@dataclass(frozen=True)
class StartPages:
    """Which page of each list on the start page (each from 1), and how many rows a page has."""

    mine_open: int = 1
    mine_closed: int = 1
    other_open: int = 1
    size: int = 25
    history_size: int = 10


def page_of(rows: QuerySet, number: int, size: int) -> QuerySet:
    """Page `number` (from 1) of `rows`, `size` rows, plus one row that tells whether a next page
    follows – without counting them all."""
    first = (number - 1) * size
    return rows[first : first + size + 1]


def start_page(user, pages: StartPages = StartPages(), now: datetime.datetime | None = None) -> StartPage:
    """Each role's start page: a leader's open networks and, apart, their closed ones; the cases
    waiting for Direktørforum that the user may see; other leaders' open networks; each list a
    page at a time.

    The pages are chosen in the database and only open networks get the rules' facts, so this costs
    three queries (plus the user's roles) however many networks there are, however many a leader
    has had and however many people and meetings they have: the networks with their next meetings
    (`with_next_meeting`), their participants and meetings grouped (`with_rule_facts`)."""
    visible = networks_visible_to(user)
    mine = visible.filter(leader=user)
    mine_open_page = page_of(
        mine.filter(status__in=OPEN_STATUSES).order_by("title", "pk").values("pk"),
        pages.mine_open,
        pages.size,
    )
    # The most recently changed first: what a leader looks back on is mostly what just ended.
    mine_closed_page = page_of(
        mine.exclude(status__in=OPEN_STATUSES).order_by("-updated_at", "-pk").values("pk"),
        pages.mine_closed,
        pages.history_size,
    )
    others_open_page = page_of(
        visible.exclude(leader=user)
        .filter(status__in=OPEN_STATUSES)
        .exclude(status=Status.SUBMITTED)
        .order_by("title", "pk")
        .values("pk"),
        pages.other_open,
        pages.size,
    )
    shown = visible.filter(
        Q(pk__in=mine_open_page)
        | Q(pk__in=mine_closed_page)
        | Q(pk__in=others_open_page)
        | (Q(status=Status.SUBMITTED) & ~Q(leader=user))
    ).order_by("title", "pk")
    networks = list(with_next_meeting(shown, now or timezone.now()))
    # Open networks show their findings and progress, not their people.
    with_rule_facts([n for n in networks if n.status in OPEN_STATUSES])
    mine_open = [n for n in networks if n.leader_id == user.pk and n.status in OPEN_STATUSES]
    mine_closed = sorted(
        (n for n in networks if n.leader_id == user.pk and n.status not in OPEN_STATUSES),
        key=lambda n: (n.updated_at, n.pk),
        reverse=True,
    )
    others = [n for n in networks if n.leader_id != user.pk]
    other_open = [n for n in others if n.status != Status.SUBMITTED]
    is_administrator, is_direktoerforum = roles.is_administrator(user), roles.is_direktoerforum(user)
    return StartPage(
        mine_open=mine_open[: pages.size],
        mine_open_has_next=len(mine_open) > pages.size,
        mine_closed=mine_closed[: pages.history_size],
        mine_closed_has_next=len(mine_closed) > pages.history_size,
        awaiting_decision=[n for n in others if n.status == Status.SUBMITTED],
        other_open=other_open[: pages.size],
        other_open_has_next=len(other_open) > pages.size,
        is_administrator=is_administrator,
        is_direktoerforum=is_direktoerforum,
        shows_mine=(
            roles.is_leader(user)
            or bool(mine_open or mine_closed)
            or not (is_administrator or is_direktoerforum)
        ),
    )


def sees_audit_trail(user, network: Network) -> bool:
    """A network's audit trail ("Historik") is its leader's and the administrators' only."""
    return network.leader_id == user.pk or roles.is_administrator(user)


def with_facts_of_rows(network: Network) -> Network:
    """The network, with the rules' facts read once from its loaded participants and meetings
    (`with_related`): for a page that asks the rules several things about one network (findings,
    progress, checklist, next step), so the welfare rule's "a citizen attended a held meeting"
    is read once instead of once per question. Only for reading: a change made after this is not
    in the facts."""
    network.rule_facts = RuleFacts.from_rows(network.participants.all(), network.meetings.all())
    return network


@dataclass(frozen=True)
class NextMeeting:
    """What a list of networks shows of a network's next planned meeting."""

    starts_at: datetime.datetime
    title: str

    @classmethod
    def of(cls, network: Network) -> "NextMeeting | None":
        """From `with_next_meeting`'s annotations; None when no meeting is planned."""
        if network.next_meeting_at is None:
            return None
        return cls(network.next_meeting_at, network.next_meeting_title)


def with_next_meeting(networks: QuerySet[Network], now: datetime.datetime) -> QuerySet[Network]:
    """Each network with the start and title of its next planned meeting (`next_meeting_at`,
    `next_meeting_title`; None when none is planned): subqueries in the networks' own query,
    through the meetings' (network, start) index, instead of a query of every planned meeting."""
    planned = Meeting.objects.filter(
        network=OuterRef("pk"), status=MeetingStatus.PLANNED, starts_at__gte=now
    ).order_by("starts_at", "pk")
    return networks.annotate(
        next_meeting_at=Subquery(planned.values("starts_at")[:1]),
        next_meeting_title=Subquery(planned.values("title")[:1]),
    )


def with_rule_facts(networks: Iterable[Network]) -> list[Network]:
    """The networks, each with what the rules need of its participants and meetings, in two grouped
    queries: for lists of networks whose findings or progress are shown but not their people.

    The same facts as `RuleFacts.from_rows` gives from the rows (tests hold the two equal); at 50
    networks a page this reads ~250 small tuples instead of ~1,000 participants as model objects.
    """
    networks = list(networks)
    ids = [network.pk for network in networks]
    core = defaultdict(int)
    categories = defaultdict(set)
    without_commitment = defaultdict(list)
    # A text counts when it is more than spaces. (`RuleFacts.from_rows` strips all white space;
    # forms, the API and the import strip it before a text is stored, so the two agree on
    # everything the app can store. A regex here made SQLite call Python per row.)
    lacks_commitment = Q(role=ParticipantRole.CORE, commitment_length=0, reason_length=0)
    groups = (
        Participant.objects.filter(network_id__in=ids, left_on__isnull=True)
        .annotate(
            commitment_length=Length(Trim("commitment")), reason_length=Length(Trim("no_commitment_reason"))
        )
        # A core participant without a commitment is a group of their own (by name), so their names
        # come in the same query; everyone else is counted by role and category.
        .annotate(missing_name=Case(When(lacks_commitment, then=F("name")), default=None))
        .values_list("network_id", "role", "actor_category", "missing_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for network_id, role, category, missing_name, n in groups:
        categories[network_id].add(category)
        if role == ParticipantRole.CORE:
            core[network_id] += n
        if missing_name is not None:
            without_commitment[network_id].extend([missing_name] * n)
    days = defaultdict(list)
    held = defaultdict(int)
    citizen_attended = set()
    # One citizen who attended, or NULL: a scalar subquery run per meeting through the attendance
    # table's index. As EXISTS, PostgreSQL hashed it instead, reading every attendance and every
    # citizen (80 ms at N = 10,000, for a page's 200 meetings).
    citizen_attends = Subquery(
        Meeting.attendees.through.objects.filter(
            meeting=OuterRef("pk"), participant__actor_category=ActorCategory.CITIZEN
        ).values("participant_id")[:1]
    )
    meetings = (
        Meeting.objects.filter(network_id__in=ids)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list(
            "network_id",
            TruncDate("starts_at"),  # the local day, as timezone.localdate
            "status",
            citizen_attends,
        )
        .order_by("network_id", "starts_at")
    )
    for network_id, day, status, with_citizen in meetings:
        days[network_id].append(day)
        if status == MeetingStatus.HELD:
            held[network_id] += 1
            if with_citizen is not None:
                citizen_attended.add(network_id)
    for network in networks:
        network.rule_facts = RuleFacts(
            core_count=core[network.pk],
            categories=frozenset(categories[network.pk]),
            meeting_days=tuple(days[network.pk]),
            held_meeting_count=held[network.pk],
            citizen_attended_held=network.pk in citizen_attended,
            core_without_commitment=tuple(sorted(without_commitment[network.pk])),
        )
    return networks


@dataclass(frozen=True)
class HeldMeetingAttendance:
    meeting: Meeting
    attended: int  # of the current core
    core: int  # the current core
    absent: list[Participant]


def core_attendance(network: Network) -> list[HeldMeetingAttendance] | None:
    """For a type that follows its core's attendance: each held meeting with how many of the
    current core attended it and who did not. None for the other types.

    Reads the network's participants and meetings as loaded (`with_related`) and who attended in
    one query, only when a meeting has been held.
    """
    if not rules.spec_for(network.type).follows_core_attendance:
        return None
    held = [m for m in network.meetings.all() if m.status == MeetingStatus.HELD]
    if not held:
        return []
    core = [p for p in network.participants.all() if p.left_on is None and p.role == ParticipantRole.CORE]
    attended = defaultdict(set)
    for meeting_id, participant_id in Meeting.attendees.through.objects.filter(
        meeting_id__in=[m.pk for m in held]
    ).values_list("meeting_id", "participant_id"):
        attended[meeting_id].add(participant_id)
    rows = []
    for meeting in held:
        absent = [p for p in core if p.pk not in attended[meeting.pk]]
        rows.append(HeldMeetingAttendance(meeting, len(core) - len(absent), len(core), absent))
    return rows


# --- Direktørforum ----------------------------------------------------------------------------


def _with_submitted_at(networks: QuerySet[Network]) -> QuerySet[Network]:
    """When each network was last submitted. A subquery per row rather than a join grouped by every
    selected column, which made SQLite sort the networks' whole rows."""
    submissions = StatusChange.objects.filter(network=OuterRef("pk"), to_status=Status.SUBMITTED)
    return networks.annotate(
        submitted_at=Subquery(submissions.order_by("-changed_at").values("changed_at")[:1])
    )


def direktoerforum_queue() -> QuerySet[Network]:
    """Innovation networks waiting for a decision, the longest-waiting first."""
    return _with_submitted_at(
        Network.objects.select_related("type", "leader").filter(
            type__requires_approval=True, status=Status.SUBMITTED
        )
    ).order_by("submitted_at", "pk")


def direktoerforum_cases(ids) -> QuerySet[Network]:
    """The waiting cases among `ids`, in queue order, with their people (for the meeting agenda)."""
    return direktoerforum_queue().filter(pk__in=ids).with_related()


def direktoerforum_portfolio() -> QuerySet[Network]:
    """Approved and running innovation networks."""
    return (
        Network.objects.select_related("type", "leader")
        .filter(type__requires_approval=True, status__in=[Status.APPROVED, Status.ACTIVE])
        .order_by("status", "title")
    )


def direktoerforum_concluded() -> QuerySet[Network]:
    """Concluded innovation networks, the most recently concluded first, with their follow-ups
    (one query more, whatever the number of networks): what came of what Direktørforum approved."""
    return (
        Network.objects.select_related("type", "leader")
        .filter(type__requires_approval=True, status=Status.CONCLUDED)
        .prefetch_related("follow_ups")
        .order_by("-concluded_at", "-pk")
    )


def recent_decisions(limit: int = 20, *, page: int = 1) -> QuerySet[Decision]:
    """Direktørforum's decisions, newest first: page `page` (from 1) of `limit`, plus one row that
    says whether an older page follows."""
    decisions = Decision.objects.select_related("network", "network__type", "decided_by")
    return page_of(decisions.order_by("-decided_at", "-pk"), page, limit)


def case_history(network: Network):
    """Every round before Direktørforum: the decisions and the status changes, oldest first."""
    return (
        network.decisions.select_related("decided_by").order_by("decided_at", "pk"),
        network.status_changes.select_related("changed_by").order_by("changed_at", "pk"),
    )


def _shown_value(name: str, value) -> str:
    """A field's value as the pages show it: a type by its name, a date in Danish, "–" for nothing."""
    if value in (None, ""):
        return "–"
    if name == "type":
        found = NetworkType.objects.filter(code=value).first() if isinstance(value, str) else value
        return found.name if found else str(value)
    if name in ("planned_start", "planned_end"):
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
        return long_date(day)
    return str(value)


def change_request_rows(change_request: ChangeRequest, *, current: Network | None = None) -> list[dict]:
    """Each changed field: its label, the value before and the value proposed. `current`: compare
    with the network's value now instead of the value when the request was made."""
    rows = []
    for name, after in change_request.changes.items():
        before = getattr(current, name) if current is not None else change_request.previous.get(name)
        rows.append(
            {
                "name": name,
                "label": Network._meta.get_field(name).verbose_name,
                "before": _shown_value(name, before),
                "after": _shown_value(name, after),
            }
        )
    return rows


def change_requests_waiting() -> QuerySet[ChangeRequest]:
    """Change requests waiting for Direktørforum, the longest-waiting first."""
    return (
        ChangeRequest.objects.select_related("network", "network__type", "network__leader", "requested_by")
        .filter(status=ChangeRequestStatus.PENDING)
        .order_by("requested_at", "pk")
    )


def change_requests_of(network: Network) -> QuerySet[ChangeRequest]:
    """A network's change requests, oldest first, with who asked and who decided."""
    return network.change_requests.select_related("requested_by", "decided_by").order_by("requested_at", "pk")


def change_request_for_user(user, pk) -> ChangeRequest:
    """The change request if the user may see its network (as `network_for_user`); otherwise 404."""
    try:
        return (
            ChangeRequest.objects.select_related(
                "network", "network__type", "network__leader", "requested_by", "decided_by"
            )
            .filter(network__in=networks_visible_to(user).values("pk"))
            .get(pk=pk)
        )
    except (ChangeRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Follow-ups -------------------------------------------------------------------------------

FOLLOW_UP_STATUS_LABELS = {
    "upcoming": gettext_lazy("kommende"),
    "due": gettext_lazy("skal besvares"),
    "answered": gettext_lazy("besvaret"),
}


@dataclass
class FollowUpRow:
    """A follow-up as the pages show it: its status on a day, and its answers as (label, text) lines."""

    follow_up: FollowUp
    status: str
    answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(FOLLOW_UP_STATUS_LABELS[self.status])


def follow_up_rows(network: Network, today: datetime.date) -> list[FollowUpRow]:
    """The network's follow-ups, soonest first: from `network.follow_ups` (one query, none if
    prefetched). Only a concluded network has any, so no other costs a query."""
    if network.status != Status.CONCLUDED:
        return []
    questions = rules.spec_for(network.type).follow_up
    return [
        FollowUpRow(
            follow_up,
            follow_up.status_on(today),
            questions.shown(follow_up.answers) if questions and follow_up.is_answered else [],
        )
        for follow_up in network.follow_ups.all()
    ]


def follow_ups_due_for(user, today: datetime.date) -> QuerySet[FollowUp]:
    """The follow-ups the user must answer now: fallen due on their concluded networks, not answered."""
    return (
        FollowUp.objects.filter(
            network__leader=user,
            network__status=Status.CONCLUDED,
            answered_at__isnull=True,
            due__lte=today,
        )
        .select_related("network")
        .order_by("due", "pk")
    )


def follow_up_for_user(user, network_pk, pk) -> FollowUp:
    """The follow-up of a network the user may see; otherwise 404."""
    network = network_for_user(user, network_pk)
    try:
        follow_up = network.follow_ups.get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    follow_up.network = network
    return follow_up


@dataclass(frozen=True)
class MeetingRevision:
    """How often a meeting has been changed since it was created, and when last (its audit trail)."""

    changes: int = 0
    last_changed_at: datetime.datetime | None = None


def meeting_revisions(meetings: Iterable[Meeting]) -> dict[int, MeetingRevision]:
    """Each meeting's revision, in one grouped query over the history table (none for no meetings).

    The trail only grows, so `changes` only grows: a calendar file's SEQUENCE. A meeting without a
    trail (changed outside the ORM) counts as never changed.
    """
    pks = [m.pk for m in meetings]
    revisions: dict[int, MeetingRevision] = defaultdict(MeetingRevision)
    if not pks:
        return revisions
    rows = (
        Meeting.history.model.objects.filter(id__in=pks)
        .order_by()
        .values("id")
        .annotate(changes=Count("history_id", filter=Q(history_type="~")), last=Max("history_date"))
    )
    for row in rows:
        revisions[row["id"]] = MeetingRevision(changes=row["changes"], last_changed_at=row["last"])
    return revisions
