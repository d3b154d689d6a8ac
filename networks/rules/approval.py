"""What a Direktørforum approval binds: the content it approved, for the rest of the network's life.

Once a type that requires approval has been approved, its theme, purpose, strategy, mandate, type
and planned period are what Direktørforum said yes to. They change only through a change request
that Direktørforum decides (`services.change_request_create`). The planned period may still move a
little in place: up to the type's `duration_tolerance_days`, the same slack the plan's length has.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from networks.choices import APPROVED_STATUSES

if TYPE_CHECKING:
    from networks.models import Network

# The fields an approval binds, in the order the pages show them.
APPROVED_CONTENT = (
    "theme",
    "purpose",
    "strategy_reference",
    "mandate",
    "type",
    "planned_start",
    "planned_end",
)
PLANNED_PERIOD = ("planned_start", "planned_end")


def binds_approved_content(network: Network) -> bool:
    """Whether Direktørforum's approval holds the network's content: an approved, running or
    concluded network of a type that requires approval."""
    return bool(network.type.requires_approval) and network.status in APPROVED_STATUSES


def _date_moved_beyond(old: datetime.date | None, new: datetime.date | None, tolerance: int) -> bool:
    if old is None or new is None:
        # Setting or clearing a date approved as it was is a change of the approved period.
        return old != new
    return abs((new - old).days) > tolerance


def content_differs(network: Network, name: str, new) -> bool:
    """Whether `new` differs from the network's current value of `name` at all (the type by its
    row or code, text with empty and None alike)."""
    if name == "type":
        return getattr(new, "code", new) != network.type.code
    old = getattr(network, name)
    if name in PLANNED_PERIOD:
        return old != new
    return (old or "") != (new or "")


def approved_content_changes(network: Network, new_values: Mapping) -> list[str]:
    """The approved-content fields among `new_values` that would change what Direktørforum
    approved, in `APPROVED_CONTENT` order; empty when the network has no approval binding it.

    A planned date moved by at most the type's `duration_tolerance_days` is not such a change."""
    if not binds_approved_content(network):
        return []
    tolerance = network.type.duration_tolerance_days
    changed = []
    for name in APPROVED_CONTENT:
        if name not in new_values:
            continue
        new = new_values[name]
        if name in PLANNED_PERIOD:
            if _date_moved_beyond(getattr(network, name), new, tolerance):
                changed.append(name)
        elif content_differs(network, name, new):
            changed.append(name)
    return changed


def locked_in_place(network: Network) -> tuple[str, ...]:
    """The fields a form shows but may not change: all approved content but the planned period,
    which may still move within the tolerance (and is refused beyond it on save)."""
    if not binds_approved_content(network):
        return ()
    return tuple(name for name in APPROVED_CONTENT if name not in PLANNED_PERIOD)
