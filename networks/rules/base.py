"""The rules' vocabulary: findings, the actions they concern, and the facts the rules read.

Nothing here knows a network type; `common.py` and the type modules build on it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone

from networks.choices import ActorCategory, MeetingStatus, ParticipantRole

if TYPE_CHECKING:
    from networks.models import Network, NetworkType


class Level(StrEnum):
    BLOCKS = "blocks"
    WARNS = "warns"


class Action(StrEnum):
    SUBMIT = "submit"
    START = "start"
    CONCLUDE = "conclude"


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str
    # The transitions this finding concerns. Empty: it concerns the network whatever comes next
    # (and, when it blocks, it blocks every transition).
    actions: tuple[Action, ...] = ()
    # The field a user changes to resolve it, where there is one.
    field: str = ""

    @property
    def blocks(self) -> bool:
        return self.level == Level.BLOCKS

    def as_dict(self) -> dict[str, str]:
        return {"level": str(self.level), "code": self.code, "message": self.message}


def blocks(code: str, message: str, *actions: Action, field: str = "") -> Finding:
    return Finding(Level.BLOCKS, code, message, tuple(actions), field)


def warns(code: str, message: str, *actions: Action, field: str = "") -> Finding:
    return Finding(Level.WARNS, code, message, tuple(actions), field)


def is_blank(text: str | None) -> bool:
    """A text the rules count as missing: empty, or nothing but spaces and line breaks."""
    return not (text or "").strip()


def commitment_missing(role: str, commitment: str | None, no_commitment_reason: str | None) -> bool:
    """A core participant who has noted neither a commitment nor why there is none.

    Only the core answers for the network's knowledge; peripheral participants may leave both blank.
    """
    return role == ParticipantRole.CORE and is_blank(commitment) and is_blank(no_commitment_reason)


def sprint_length_days(start: datetime.date, end: datetime.date) -> int:
    """Calendar days in a sprint window, counting both the first and the last day."""
    return (end - start).days + 1


@dataclass(frozen=True)
class RuleFacts:
    """What the rules need of a network's participants and meetings: counts and days, not rows.

    Built from the rows where they are loaded anyway (a network's own page), or for a whole page
    of networks by two grouped queries (`selectors.with_rule_facts`) where loading every
    participant and meeting as objects would cost more than the rest of the page.
    """

    core_count: int = 0
    categories: frozenset[str] = frozenset()
    # The local day each meeting that is not cancelled starts on.
    meeting_days: tuple[datetime.date, ...] = ()

    # --- Conclusion: meetings held and the core's commitments ---------------------------------
    # Meetings with status held (planned ones are not yet held, cancelled ones never will be).
    held_meeting_count: int = 0
    # The names, sorted, of the current core participants with neither a commitment nor a reason
    # for having none (`commitment_missing`).
    core_without_commitment: tuple[str, ...] = ()

    # --- Citizens along the way (welfare): whether a citizen attended a held meeting.
    citizen_attended_held: bool = False

    @classmethod
    def from_rows(cls, participants: Iterable, meetings: Iterable) -> RuleFacts:
        participants, meetings = list(participants), list(meetings)
        current = [p for p in participants if p.left_on is None]
        held = [m for m in meetings if m.status == MeetingStatus.HELD]
        return cls(
            core_count=sum(1 for p in current if p.role == ParticipantRole.CORE),
            categories=frozenset(p.actor_category for p in current),
            meeting_days=tuple(
                timezone.localdate(m.starts_at) for m in meetings if m.status != MeetingStatus.CANCELLED
            ),
            held_meeting_count=len(held),
            core_without_commitment=tuple(
                sorted(
                    p.name
                    for p in current
                    if commitment_missing(p.role, p.commitment, p.no_commitment_reason)
                )
            ),
            citizen_attended_held=_citizen_attended(participants, held),
        )


def _citizen_attended(participants: list, held: list) -> bool:
    """Whether a citizen (also one who has left since) attended one of the `held` meetings.

    No query when there is no held meeting or no citizen among the participants, or when the
    meetings' attendees are prefetched; otherwise one."""
    citizens = {p.pk for p in participants if p.actor_category == ActorCategory.CITIZEN}
    if not (held and citizens):
        return False
    if all("attendees" in getattr(m, "_prefetched_objects_cache", {}) for m in held):
        return any(p.pk in citizens for m in held for p in m.attendees.all())
    # The rules import no models; the attendance table is reached through the meetings' manager.
    attendance = held[0].attendees.through.objects
    return attendance.filter(meeting_id__in=[m.pk for m in held], participant_id__in=citizens).exists()


@dataclass
class Facts:
    """What the rules read about one network, gathered once: the network, its type, today and
    the counts of its participants and meetings."""

    network: Network
    type: NetworkType
    today: datetime.date
    known: RuleFacts

    @classmethod
    def of(cls, network: Network, today: datetime.date | None) -> Facts:
        known = getattr(network, "rule_facts", None)  # set by selectors.with_rule_facts
        if known is None:
            known = (
                RuleFacts.from_rows(network.participants.all(), network.meetings.all())
                if network.pk
                else RuleFacts()
            )
        return cls(network=network, type=network.type, today=today or timezone.localdate(), known=known)

    @property
    def core_count(self) -> int:
        return self.known.core_count

    @property
    def categories(self) -> frozenset[str]:
        return self.known.categories

    @property
    def meeting_count(self) -> int:
        return len(self.known.meeting_days)

    @property
    def held_meeting_count(self) -> int:
        return self.known.held_meeting_count
