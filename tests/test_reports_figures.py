"""The report's figures (`networks.reporting`), each against a hand-built world whose answers are known.

The world is built straight into the database with explicit dates — set-up data, not the behaviour
under test — and the report is asked "as of" 15 March 2027. The world (tests/factories.py's
`build_known_world`, the `world` fixture) is shared with the page and export tests, so the numbers
agree everywhere.
"""

import datetime

import pytest

from networks import reporting, rules
from networks.models import FollowUp, Meeting, MeetingStatus, Network, NetworkType, Status
from tests.factories import REPORT_DAY, at, make_network

pytestmark = pytest.mark.django_db

D = datetime.date


def summary(**params):
    return reporting.summary(reporting.ReportFilter.from_params(params), today=REPORT_DAY)


def row_for(rows, key, value):
    return next(row for row in rows if row[key] == value)


# --- Networks by type × status ----------------------------------------------------------------


def test_networks_are_counted_by_type_and_status(world):
    matrix = summary()["type_status"]

    statuses = [status["code"] for status in matrix["statuses"]]
    counts = {row["type"]: dict(zip(statuses, row["counts"], strict=True)) for row in matrix["rows"]}
    assert counts["innovation"] == {**dict.fromkeys(statuses, 0), "submitted": 1, "rejected": 1, "active": 2}
    assert counts["welfare"] == {
        **dict.fromkeys(statuses, 0),
        "draft": 1,
        "active": 1,
        "concluded": 2,
        "cancelled": 1,
    }
    assert counts["learning"] == {**dict.fromkeys(statuses, 0), "active": 2, "concluded": 1}
    assert [row["total"] for row in matrix["rows"]] == [4, 5, 3]
    assert matrix["total"] == 12


# --- Started and concluded per month ----------------------------------------------------------


def test_starts_and_conclusions_are_counted_per_month_with_empty_months_in_between(world):
    months = {m["month"]: (m["started"], m["concluded"]) for m in summary()["per_month"]}

    assert list(months)[0] == "2026-01"
    assert list(months)[-1] == "2027-02"
    assert len(months) == 14
    assert months["2026-01"] == (1, 0)
    assert months["2026-09"] == (1, 0)
    assert months["2026-10"] == (1, 0)
    assert months["2026-12"] == (0, 1)
    assert months["2027-01"] == (3, 0)
    assert months["2027-02"] == (2, 2)
    assert months["2026-05"] == (0, 0)


def test_a_start_late_in_the_evening_counts_in_the_local_month(world, leader):
    # 00:30 on 1 April in Copenhagen is 22:30 UTC on 31 March; it counts in April.
    network = make_network(world.types["welfare"], leader, "Sen start", status=Status.ACTIVE)
    Network.objects.filter(pk=network.pk).update(started_at=at(D(2027, 4, 1), 0, 30))

    months = {m["month"]: m["started"] for m in summary()["per_month"]}

    assert months["2027-04"] == 1
    assert months["2027-03"] == 0


# --- Overdue ----------------------------------------------------------------------------------


def test_overdue_networks_are_listed_with_days_most_overdue_first(world):
    overdue = summary()["overdue"]

    assert [(row["title"], row["days"]) for row in overdue] == [("Sprint der er slut", 5), ("Få møder", 1)]
    assert overdue[0]["reasons"] == [
        {
            "code": "sprint_ended_not_concluded",
            "label": "Sprinten er slut, men netværket er ikke afsluttet",
            "since": "2027-03-10",
            "days": 5,
        }
    ]
    assert overdue[1]["reasons"][0]["code"] == "planned_end_passed"
    assert overdue[1]["leader"] == "Ole Anden"


def test_a_network_overdue_by_exactly_one_day_counts_with_one_day(world):
    overdue = row_for(summary()["overdue"], "title", "Få møder")

    assert overdue["days"] == 1
    assert overdue["reasons"][0]["since"] == "2027-03-14"


def test_a_network_whose_planned_end_is_today_is_not_overdue(world):
    assert "Velfærdskladde" not in [row["title"] for row in summary()["overdue"]]


def test_closed_networks_past_their_planned_end_are_not_overdue(world):
    # "Lang plan" ended its plan on 20 December 2026 but is concluded.
    assert "Lang plan" not in [row["title"] for row in summary()["overdue"]]


def test_the_sprint_overdue_figure_agrees_with_the_rules(world):
    network = Network.objects.with_related().get(pk=world.w1.pk)
    finding = next(
        f for f in rules.findings(network, today=REPORT_DAY) if f.code == "sprint_ended_not_concluded"
    )

    assert "5 dage" in finding.message
    assert row_for(summary()["overdue"], "id", world.w1.pk)["days"] == 5


# --- Rule compliance --------------------------------------------------------------------------


def checks_of(figures, type_code):
    return {check["code"]: check for check in row_for(figures["compliance"], "type", type_code)["checks"]}


def test_welfare_sprints_within_the_types_maximum_are_counted_as_kept(world):
    sprint = checks_of(summary(), "welfare")["sprint_within_max"]

    # 24 and exactly 28 days (the world's maximum) are kept; 30 days is not; the cancelled draft never
    # started.
    assert (sprint["applicable"], sprint["kept"], sprint["not_kept"]) == (3, 2, 1)
    assert sprint["percent"] == 67
    assert sprint["label"] == f"Sprinten varede højst {world.types['welfare'].sprint_max_days} dage"
    assert sprint["rule_codes"] == ["sprint_too_long"]


def test_the_sprint_figure_follows_the_types_parameter(world):
    NetworkType.objects.filter(code="welfare").update(sprint_max_days=30)

    sprint = checks_of(summary(), "welfare")["sprint_within_max"]

    assert (sprint["applicable"], sprint["kept"]) == (3, 3)
    assert sprint["label"] == "Sprinten varede højst 30 dage"


def test_the_sprint_figure_agrees_with_the_rules_for_each_network(world):
    too_long = {
        network.pk
        for network in Network.objects.with_related().filter(type__code="welfare", started_at__isnull=False)
        if "sprint_too_long" in {f.code for f in rules.all_findings(network, today=REPORT_DAY)}
    }

    assert too_long == {world.w3.pk}


def test_learning_networks_are_measured_on_meetings_and_plan_length(world):
    checks = checks_of(summary(), "learning")

    # "Stabil kerne": 4 counted (one cancelled), 6 months. "Få møder": 3 meetings, 6 months.
    # "Lang plan": 5 meetings, a plan of about 11½ months.
    assert (checks["meetings_within_plan"]["applicable"], checks["meetings_within_plan"]["kept"]) == (3, 2)
    assert (checks["plan_about_months"]["applicable"], checks["plan_about_months"]["kept"]) == (3, 2)
    assert (checks["meeting_plan_kept"]["applicable"], checks["meeting_plan_kept"]["kept"]) == (3, 1)
    learning = world.types["learning"]
    assert checks["meetings_within_plan"]["label"] == (
        f"{learning.min_meetings}–{learning.max_meetings} netværksmøder (aflyste tæller ikke)"
    )


def test_a_cancelled_meeting_does_not_count_towards_a_learning_networks_plan(world):
    Meeting.objects.filter(network=world.l1, status=MeetingStatus.HELD).first().delete()

    checks = checks_of(summary(), "learning")

    # "Stabil kerne" is down to 3 counted meetings; the cancelled one does not make it 4.
    assert checks["meetings_within_plan"]["kept"] == 1


def test_innovation_networks_approved_before_they_started_are_counted(world):
    approval = checks_of(summary(), "innovation")["approved_before_start"]

    assert (approval["applicable"], approval["kept"], approval["not_kept"]) == (2, 1, 1)
    assert approval["rule_codes"] == ["approval_required"]


def test_an_approval_on_the_day_of_the_start_but_before_it_counts(world):
    Network.objects.filter(pk=world.i2.pk).update(started_at=at(D(2027, 2, 3), 14))

    approval = checks_of(summary(), "innovation")["approved_before_start"]

    assert approval["kept"] == 2


def test_concluded_networks_count_as_kept_only_with_an_outcome_summary(world):
    figures = summary()

    # "For lang sprint" has only whitespace as its outcome.
    assert (checks_of(figures, "welfare")["concluded_with_outcome"]["applicable"]) == 2
    assert (checks_of(figures, "welfare")["concluded_with_outcome"]["kept"]) == 1
    assert (checks_of(figures, "learning")["concluded_with_outcome"]["kept"]) == 1
    innovation = checks_of(figures, "innovation")["concluded_with_outcome"]
    assert (innovation["applicable"], innovation["share"], innovation["percent"]) == (0, None, None)


# --- Direktørforum ----------------------------------------------------------------------------


def test_direktoerforum_lead_time_is_measured_per_round_with_median_and_longest(world):
    df = summary()["direktoerforum"]

    # Rounds took 3, 9, 14 and 30 days; the second round of "Afvist i anden runde" counts from
    # its own submission on 10 January, not the first on 2 January.
    assert df["decisions"] == 4
    assert df["median_days"] == 11.5
    assert df["longest_days"] == 30.0
    assert df["longest"] == {
        "days": 30.0,
        "network_id": world.i3.pk,
        "title": "Afvist i anden runde",
        "round": 2,
    }


def test_direktoerforum_outcomes_and_waiting_cases_are_counted(world):
    df = summary()["direktoerforum"]

    assert {o["code"]: o["count"] for o in df["outcomes"]} == {
        "approved": 2,
        "rejected": 1,
        "changes_requested": 1,
    }
    assert df["waiting"] == 1


def test_an_odd_number_of_decisions_has_the_middle_one_as_median(world):
    df = summary(fra="2027-01-01")["direktoerforum"]

    # Decided in 2027: 3, 14 and 30 days.
    assert (df["decisions"], df["median_days"]) == (3, 14.0)


def test_no_decisions_give_no_median(world):
    df = summary(type="welfare")["direktoerforum"]

    assert (df["decisions"], df["median_days"], df["longest_days"], df["longest"]) == (0, None, None, None)


# --- Meetings and attendance ------------------------------------------------------------------


def test_meetings_are_counted_per_network_by_status_with_attendance(world):
    meetings = summary()["meetings"]
    rows = {row["title"]: row for row in meetings["rows"]}

    stable = rows["Stabil kerne"]
    assert (stable["planned"], stable["held"], stable["cancelled"], stable["attendances"]) == (1, 3, 1, 9)
    assert stable["average_attendance"] == 3.0
    few = rows["Få møder"]
    assert (few["planned"], few["held"], few["cancelled"], few["attendances"]) == (1, 2, 0, 3)
    assert rows["Venter"]["average_attendance"] is None
    assert len(meetings["rows"]) == 12
    assert meetings["totals"] == {
        "planned": 7,
        "held": 6,
        "cancelled": 1,
        "attendances": 14,
        "average_attendance": 2.3,
    }


def test_the_core_of_a_learning_network_is_followed_across_its_held_meetings(world):
    stability = {row["title"]: row for row in summary()["core_stability"]}

    assert list(stability) == ["Få møder", "Stabil kerne"]
    stable = stability["Stabil kerne"]
    # Three core participants; the peripheral expert at the first meeting does not count.
    assert [(m["date"], m["core_attended"], m["core_members"]) for m in stable["meetings"]] == [
        ("2026-10-08", 3, 3),
        ("2026-11-12", 2, 3),
        ("2027-01-14", 3, 3),
    ]
    assert [m["percent"] for m in stable["meetings"]] == [100, 67, 100]
    assert (stable["average_percent"], stable["lowest_percent"]) == (89, 67)


def test_the_core_on_a_meetings_day_excludes_those_not_yet_joined_or_already_left(world):
    few = next(row for row in summary()["core_stability"] if row["title"] == "Få møder")

    # 20 Sep: Per and Quinn (Rikke joins on 1 Nov). 1 Dec: Per and Rikke (Quinn left on 15 Nov).
    assert [(m["core_attended"], m["core_members"], m["percent"]) for m in few["meetings"]] == [
        (2, 2, 100),
        (1, 2, 50),
    ]
    assert few["average_percent"] == 75


# --- Participants -----------------------------------------------------------------------------


def test_people_are_counted_once_per_email_whatever_its_capitalisation(world):
    people = summary()["participants"]
    categories = {row["code"]: (row["people"], row["participations"]) for row in people["categories"]}

    # Mette is in three networks as Mette@Example.dk, mette@example.dk and METTE@EXAMPLE.DK.
    assert categories["volunteer"] == (1, 3)
    assert categories["employee"] == (7, 9)
    assert (people["people"], people["participations"]) == (12, 16)


def test_people_without_email_are_counted_one_per_row(world):
    categories = {row["code"]: row["people"] for row in summary()["participants"]["categories"]}

    assert categories["citizen"] == 2
    assert categories["politician"] == 1


def test_people_in_several_networks_at_once_are_counted_by_how_many(world):
    people = summary()["participants"]

    # Mette in three, Bo in two; Quinn left "Få møder", so he is in one now.
    assert people["people_in_several"] == 2
    assert people["people_by_network_count"] == [{"networks": 2, "people": 1}, {"networks": 3, "people": 1}]


def test_organisations_in_several_networks_are_matched_without_case_or_spaces(world):
    organisations = summary()["participants"]["organisations_in_several"]

    assert [(o["name"].lower(), o["networks"], o["participants"]) for o in organisations] == [
        ("albertslund kommune", 4, 8),
        ("frivilligcenter albertslund", 3, 3),
    ]


def test_the_summary_names_no_participant(world):
    import json

    text = json.dumps(summary(), ensure_ascii=False).lower()

    assert "mette" not in text
    assert "@" not in text


# --- Filters ----------------------------------------------------------------------------------


def test_the_type_filter_narrows_every_figure(world):
    figures = summary(type="welfare")

    assert figures["networks"] == 5
    assert [row["type"] for row in figures["type_status"]["rows"]] == ["welfare"]
    assert [row["title"] for row in figures["overdue"]] == ["Sprint der er slut"]
    assert [row["type"] for row in figures["compliance"]] == ["welfare"]
    assert figures["core_stability"] == []
    assert figures["participants"]["people"] == 5  # Mette, Anna, Bent, Quinn, Søren


def test_the_status_and_leader_filters_narrow_the_selection(world, other_leader):
    assert summary(status="active")["networks"] == 5
    assert summary(leder=str(other_leader.pk))["networks"] == 5
    assert summary(leder=str(other_leader.pk), type="learning")["networks"] == 1


def test_a_period_keeps_the_networks_that_existed_in_it_and_the_events_inside_it(world):
    figures = summary(fra="2027-01-01", til="2027-02-28")

    # "Lang plan" concluded and "Annulleret sprint" was cancelled before the period began.
    assert figures["networks"] == 10
    assert [(m["month"], m["started"], m["concluded"]) for m in figures["per_month"]] == [
        ("2027-01", 3, 0),
        ("2027-02", 2, 2),
    ]
    rows = {row["title"]: row for row in figures["meetings"]["rows"]}
    assert (rows["Stabil kerne"]["held"], rows["Stabil kerne"]["planned"]) == (1, 0)
    assert (rows["Få møder"]["held"], rows["Få møder"]["planned"]) == (0, 1)


def test_a_period_that_ends_before_a_network_was_created_leaves_it_out(world):
    assert summary(til="2026-08-31")["networks"] == 2  # "Lang plan" and "Annulleret sprint"


def test_the_filter_reads_its_parameters_and_gives_them_back(world, other_leader):
    report_filter = reporting.ReportFilter.from_params(
        {
            "type": "learning",
            "status": "active",
            "leder": str(other_leader.pk),
            "fra": "1.1.2027",
            "til": "2027-02-28",
        }
    )

    assert report_filter.is_valid
    assert report_filter.period_from == D(2027, 1, 1)
    assert report_filter.leader_name == "Ole Anden"
    assert report_filter.query_string() == (
        f"?type=learning&status=active&leder={other_leader.pk}&fra=2027-01-01&til=2027-02-28"
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"type": "sprint"}, "type", "Ukendt netværkstype: “sprint”. Vælg en type på listen."),
        ({"status": "done"}, "status", "Ukendt status: “done”. Vælg en status på listen."),
        ({"leder": "abc"}, "leder", "Vælg en netværksleder på listen."),
        ({"leder": "99999999999999999999999"}, "leder", "Vælg en netværksleder på listen."),
        ({"fra": "2027-02-30"}, "fra", "Skriv datoen som åååå-mm-dd, fx 2027-01-31."),
        ({"til": "i går"}, "til", "Skriv datoen som åååå-mm-dd, fx 2027-01-31."),
        ({"fra": "1899-12-31"}, "fra", "Angiv en dato mellem 1900 og 2999."),
        (
            {"fra": "2027-03-01", "til": "2027-02-01"},
            "til",
            "Periodens sidste dag skal ligge på eller efter den første.",
        ),
    ],
)
def test_bad_filter_input_gives_a_danish_message_and_is_left_out(world, params, field, message):
    report_filter = reporting.ReportFilter.from_params(params)

    assert not report_filter.is_valid
    assert report_filter.errors[field] == [message]
    assert report_filter.params() == {}
    assert summary(**params)["networks"] == 12


def test_a_leader_who_leads_nothing_is_not_a_choice(world, outsider):
    report_filter = reporting.ReportFilter.from_params({"leder": str(outsider.pk)})

    assert report_filter.errors == {"leder": ["Vælg en netværksleder på listen."]}


def test_the_summary_is_json_serialisable(world):
    import json

    assert json.loads(json.dumps(summary())) == summary()


# --- Follow-ups -----------------------------------------------------------------------------------


def test_follow_up_rates_and_what_the_answers_say_per_type(network_types, leader):
    welfare, learning = (NetworkType.objects.get(code=code) for code in ("welfare", "learning"))
    answered_at = at(REPORT_DAY - datetime.timedelta(days=1))

    def follow_up(type_, due, answers=None):
        network = make_network(
            type_, leader, f"{type_.code} {due}", status=Status.CONCLUDED, concluded=D(2026, 9, 1)
        )
        return FollowUp.objects.create(
            network=network,
            months=3,
            due=due,
            answers=answers or {},
            answered_by=leader if answers else None,
            answered_at=answered_at if answers else None,
        )

    follow_up(welfare, REPORT_DAY, {"in_operation": "yes", "owner": "Plejecentret"})  # due today
    follow_up(welfare, REPORT_DAY - datetime.timedelta(days=10))  # due, not answered
    follow_up(welfare, REPORT_DAY - datetime.timedelta(days=20), {"in_operation": "no", "owner": ""})
    follow_up(welfare, REPORT_DAY + datetime.timedelta(days=1))  # due tomorrow: not counted
    uses = [{"use": "yes"}, {"use": "partly"}, {"use": "not_yet"}]
    follow_up(learning, D(2027, 1, 5), {"participants": uses})
    follow_up(learning, D(2027, 2, 5), {"participants": [{"use": "not_yet"}]})

    rows = {row["type"]: row for row in summary()["follow_ups"]}

    assert (rows["welfare"]["due"], rows["welfare"]["answered"], rows["welfare"]["percent"]) == (3, 2, 67)
    assert rows["welfare"]["figure"] == {
        "label": "Løsninger helt eller delvist i drift",
        "counted": 1,
        "of": 2,
        "fraction": 0.5,
        "percent": 50,
    }
    assert (rows["learning"]["due"], rows["learning"]["answered"], rows["learning"]["percent"]) == (2, 2, 100)
    assert (rows["learning"]["figure"]["counted"], rows["learning"]["figure"]["of"]) == (2, 4)
    # Nothing due: no rate, rather than 0 %.
    assert (rows["innovation"]["due"], rows["innovation"]["percent"], rows["innovation"]["figure"]) == (
        0,
        None,
        None,
    )
    # The type filter narrows the rows to the type.
    assert [row["type"] for row in summary(type="welfare")["follow_ups"]] == ["welfare"]
