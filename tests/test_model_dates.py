"""Dates no network will have are refused by the model, so no page, report or rule overflows on them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from networks import rules, services
from networks.models import Meeting


@pytest.mark.parametrize("year", [1, 1899, 3000, 9999])
def test_an_implausible_planned_end_is_refused_on_the_field(draft_learning, leader, year):
    with pytest.raises(ValidationError) as refused:
        services.network_update(
            network=draft_learning,
            by=leader,
            planned_start=datetime.date(2027, 1, 1),
            planned_end=datetime.date(year, 1, 1),
        )
    assert "Angiv en dato mellem 1900 og 2999." in refused.value.message_dict["planned_end"]
    draft_learning.refresh_from_db()
    assert draft_learning.planned_end is None


@pytest.mark.parametrize("day", [datetime.date(1900, 1, 1), datetime.date(2999, 12, 30)])
def test_the_outermost_plausible_dates_are_accepted_and_the_rules_cope(draft_learning, leader, day):
    network = services.network_update(
        network=draft_learning, by=leader, planned_start=day, planned_end=day + datetime.timedelta(days=1)
    )
    assert "plan_duration_unusual" in {f.code for f in rules.all_findings(network)}


def test_a_meeting_in_year_9999_is_refused(draft_learning):
    meeting = Meeting(
        network=draft_learning,
        title="Langt ude",
        starts_at=timezone.make_aware(datetime.datetime(9999, 12, 30, 9)),
    )
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()
    assert "starts_at" in refused.value.message_dict
