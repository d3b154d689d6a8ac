"""`ReportFilter`: which networks the report covers — type, status, leader and period.

It is parsed from a request's GET parameters by `forms.ReportFilterForm`, which gives the Danish
messages for anything invalid; what could not be used is left out of the selection.

The period: a network is in the selection when it existed during the period (created on or
before its last day, and not concluded, rejected or cancelled before its first). Events with a
time — starts, conclusions, decisions, meetings — count only when they fall inside the period.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet

from networks import roles
from networks.forms import ReportFilterForm
from networks.models import Network, Status, StatusChange


@dataclass(frozen=True)
class ReportFilter:
    """Which networks the report covers. Invalid parameters are left out and listed in `errors`."""

    type: str = ""
    status: str = ""
    leader: int | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    leader_name: str = field(default="", compare=False)
    errors: Mapping[str, list[str]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_form(cls, form: ReportFilterForm) -> ReportFilter:
        form.is_valid()
        data = form.cleaned_data
        leader = data.get("leder")
        return cls(
            type=data.get("type") or "",
            status=data.get("status") or "",
            leader=leader.pk if leader else None,
            period_from=data.get("fra"),
            period_to=data.get("til"),
            leader_name=roles.display_name(leader) if leader else "",
            errors={name: [str(message) for message in messages] for name, messages in form.errors.items()},
        )

    @classmethod
    def from_params(cls, params) -> ReportFilter:
        """The filter from GET parameters (a QueryDict or a plain dict)."""
        return cls.from_form(ReportFilterForm(data=params))

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def params(self) -> dict[str, str]:
        """The valid parameters, as the report's URLs take them."""
        values = {
            "type": self.type,
            "status": self.status,
            "leder": str(self.leader) if self.leader else "",
            "fra": self.period_from.isoformat() if self.period_from else "",
            "til": self.period_to.isoformat() if self.period_to else "",
        }
        return {name: value for name, value in values.items() if value}

    def query_string(self) -> str:
        params = self.params()
        return f"?{urlencode(params)}" if params else ""

    def as_dict(self) -> dict:
        return {
            "type": self.type or None,
            "status": self.status or None,
            "leader": self.leader,
            "from": self.period_from.isoformat() if self.period_from else None,
            "to": self.period_to.isoformat() if self.period_to else None,
        }

    def in_period(self, datetime_path: str) -> Q:
        """Rows whose `datetime_path` falls on a (local) day inside the period; all rows without one."""
        q = Q()
        if self.period_from:
            q &= Q(**{f"{datetime_path}__date__gte": self.period_from})
        if self.period_to:
            q &= Q(**{f"{datetime_path}__date__lte": self.period_to})
        return q

    def networks(self) -> QuerySet[Network]:
        """The selected networks (without related rows; callers add what they read)."""
        networks = Network.objects.all()
        if self.type:
            networks = networks.filter(type__code=self.type)
        if self.status:
            networks = networks.filter(status=self.status)
        if self.leader:
            networks = networks.filter(leader_id=self.leader)
        if self.period_to:
            networks = networks.filter(created_at__date__lte=self.period_to)
        if self.period_from:
            closed_before = StatusChange.objects.filter(
                network=OuterRef("pk"),
                to_status__in=[Status.REJECTED, Status.CANCELLED],
                changed_at__date__lt=self.period_from,
            )
            networks = networks.exclude(concluded_at__date__lt=self.period_from).exclude(
                Exists(closed_before)
            )
        return networks

    def network_ids(self) -> QuerySet:
        """The selection as a subquery, for filters on participants, meetings and decisions."""
        return self.networks().values("pk")

    def of_selected_networks(self, path: str) -> Q:
        """Rows whose network (at `path`) is in the selection; every row when nothing is filtered."""
        return Q(**{f"{path}__in": self.network_ids()}) if self.params() else Q()
