"""Direktørforum's dashboard at /direktoerforum/: the queue, the decided cases and the portfolio."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from networks import roles, services
from networks.models import ActorCategory
from networks.views import direktoerforum
from tests.factories import add_core, conclude_on, ready_to_start, sprint_of

URL = "/direktoerforum/"
CPH = ZoneInfo("Europe/Copenhagen")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=CPH)


def innovation(leader, innovation_type, title):
    return services.network_create(
        by=leader,
        type=innovation_type,
        title=title,
        theme=f"Tema: {title}",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Albertslund Kommunes frivillighedspolitik",
    )


@pytest.fixture
def submit_on(time_machine, leader, innovation_type):
    """Create and submit an innovation network with the clock at 10:00 on `day`."""

    def submit(title, day, *, by=None):
        by = by or leader
        time_machine.move_to(at(day), tick=False)
        network = innovation(by, innovation_type, title)
        return services.network_submit(network=network, by=by)

    return submit


def view_on(client, time_machine, user, day):
    # Log in after moving the clock, so the session has not expired on the day we look.
    time_machine.move_to(at(day, 12), tick=False)
    client.force_login(user)
    return client.get(URL)


# --- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
def test_it_works_for_members_and_administrators(client, request, persona, network_types):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Sager, der venter på beslutning" in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "other_leader", "outsider"])
def test_anyone_else_is_refused_with_403(client, request, persona, network_types):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_a_leader_who_has_submitted_a_case_still_gets_403(client, leader, submitted_innovation):
    client.force_login(leader)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_rejects_anything_but_get(client, direktoer, method):
    client.force_login(direktoer)
    assert getattr(client, method)(URL).status_code == 405


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_shows_the_oldest_submission_first_with_days_waiting(
    client, time_machine, direktoer, submit_on
):
    submit_on("Mellemste sag", datetime.date(2027, 1, 5))
    submit_on("Nyeste sag", datetime.date(2027, 1, 19))
    submit_on("Ældste sag", datetime.date(2027, 1, 2))

    response = view_on(client, time_machine, direktoer, datetime.date(2027, 1, 20))

    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(title) for title in ("Ældste sag", "Mellemste sag", "Nyeste sag")]
    assert positions == sorted(positions)
    assert "18 dage" in page
    assert "15 dage" in page
    assert "1 dag<" in page  # singular for one day
    rows = response.context["queue"]
    assert [(row["network"].title, row["days_waiting"]) for row in rows] == [
        ("Ældste sag", 18),
        ("Mellemste sag", 15),
        ("Nyeste sag", 1),
    ]


def test_a_resubmitted_case_waits_from_its_latest_submission(
    client, time_machine, leader, direktoer, submit_on
):
    first = submit_on("Genindstillet sag", datetime.date(2027, 1, 2))
    time_machine.move_to(at(datetime.date(2027, 1, 9)), tick=False)
    services.network_request_changes(network=first, by=direktoer, comment="Skærp formålet.")
    time_machine.move_to(at(datetime.date(2027, 1, 12)), tick=False)
    services.network_submit(network=first, by=leader)
    submit_on("Ventet længere", datetime.date(2027, 1, 10))

    response = view_on(client, time_machine, direktoer, datetime.date(2027, 1, 20))

    rows = [(row["network"].title, row["days_waiting"]) for row in response.context["queue"]]
    assert rows == [("Ventet længere", 10), ("Genindstillet sag", 8)]
    assert "runde 2" in response.content.decode()


def test_the_queue_shows_theme_leader_and_findings(client, direktoer, submitted_innovation):
    client.force_login(direktoer)
    page = client.get(URL).content.decode()
    assert "Velfærd med frivillige" in page
    assert "Frivillighed" in page
    assert "Lene Leder" in page
    # The innovation rules' warning reaches the queue: no politicians or management forum yet.
    assert "Inddrag politikere" in page
    assert f'href="/direktoerforum/sag/{submitted_innovation.pk}/"' in page
    assert f'name="sag" value="{submitted_innovation.pk}"' in page


def test_the_board_is_not_told_that_the_board_must_approve(client, direktoer, leader, submitted_innovation):
    approval = "Direktørforum skal godkende netværket"
    client.force_login(direktoer)
    for url in (
        URL,
        f"/direktoerforum/sag/{submitted_innovation.pk}/",
        f"/direktoerforum/dagsorden/?sag={submitted_innovation.pk}",
    ):
        page = client.get(url).content.decode()
        assert "Inddrag politikere" in page, url
        assert approval not in page, url
    # The leader still reads it on the network page: it is why the network cannot start yet.
    client.force_login(leader)
    assert approval in client.get(submitted_innovation.get_absolute_url()).content.decode()


def test_drafts_and_other_types_are_not_in_the_queue(
    client, direktoer, draft_innovation, draft_welfare, draft_learning
):
    client.force_login(direktoer)
    response = client.get(URL)
    assert list(response.context["queue"]) == []
    page = response.content.decode()
    for title in (draft_innovation.title, draft_welfare.title, draft_learning.title):
        assert title not in page


# --- Decided cases and the portfolio ----------------------------------------------------------


def test_decided_cases_are_listed_with_outcome_and_who(
    client, time_machine, leader, direktoer, direktoer2, submit_on
):
    rejected = submit_on("Afvist sag", datetime.date(2027, 1, 2))
    time_machine.move_to(at(datetime.date(2027, 1, 15)), tick=False)
    services.network_reject(network=rejected, by=direktoer2, comment="Passer ikke i strategien.")

    response = view_on(client, time_machine, direktoer, datetime.date(2027, 1, 20))

    page = response.content.decode()
    assert "Seneste beslutninger" in page
    assert "Afvist sag" in page
    assert "15. januar 2027" in page
    assert "Dan Direktør" in page
    assert "Afvist" in page
    assert "Direktørforum har endnu ikke truffet nogen beslutninger." not in page
    assert list(response.context["queue"]) == []


def test_the_portfolio_lists_approved_and_active_innovation_networks(
    client, leader, direktoer, innovation_type, draft_welfare
):
    approved = ready_to_start(innovation(leader, innovation_type, "Godkendt netværk"))
    services.network_submit(network=approved, by=leader)
    services.network_approve(network=approved, by=direktoer)

    active = ready_to_start(innovation(leader, innovation_type, "Aktivt netværk"))
    services.network_submit(network=active, by=leader)
    services.network_approve(network=active, by=direktoer)
    services.network_start(network=active, by=leader)

    rejected = innovation(leader, innovation_type, "Afvist netværk")
    services.network_submit(network=rejected, by=leader)
    services.network_reject(network=rejected, by=direktoer, comment="Nej tak.")

    ready_to_start(draft_welfare)
    services.network_update(network=draft_welfare, by=leader, **sprint_of(draft_welfare.type.sprint_max_days))
    services.network_start(network=draft_welfare, by=leader)

    client.force_login(direktoer)
    response = client.get(URL)

    assert [network.title for network, _progress in response.context["portfolio"]] == [
        "Aktivt netværk",
        "Godkendt netværk",
    ]
    page = response.content.decode()
    portfolio = page[page.index("Godkendte og igangværende innovationsnetværk") :]
    assert "Aktivt netværk" in portfolio
    assert "Godkendt netværk" in portfolio
    assert "Afvist netværk" not in portfolio
    assert draft_welfare.title not in portfolio
    assert "Aktiv" in portfolio
    assert "Godkendt" in portfolio
    # Progress from the rules' checklist: everything but the outcome summary is done.
    assert "5 af 6 trin" in portfolio


def test_empty_states_say_so_in_danish(client, direktoer, network_types):
    client.force_login(direktoer)
    page = client.get(URL).content.decode()
    assert "Ingen sager venter på Direktørforum lige nu." in page
    assert "Direktørforum har endnu ikke truffet nogen beslutninger." in page
    assert "Ingen godkendte eller igangværende innovationsnetværk." in page


# --- Queries ----------------------------------------------------------------------------------


def _fill(leader, direktoer, innovation_type, count):
    """`count` waiting cases, `count` decided ones (rejected) and `count` in the portfolio."""
    for i in range(count):
        waiting = innovation(leader, innovation_type, f"Venter {i}")
        add_core(waiting, 2, category=ActorCategory.POLITICIAN)
        services.network_submit(network=waiting, by=leader)

        rejected = innovation(leader, innovation_type, f"Afvist {i}")
        services.network_submit(network=rejected, by=leader)
        services.network_reject(network=rejected, by=direktoer, comment="Nej tak.")

        approved = ready_to_start(innovation(leader, innovation_type, f"Godkendt {i}"))
        services.network_submit(network=approved, by=leader)
        services.network_approve(network=approved, by=direktoer)


# session, user, the user's groups (role check),
# the portfolio's page and the queue: networks with type and leader (the queue's with submitted_at),
# the participants and meetings of both grouped for the rules (two queries for the two lists),
# waiting change requests with network, type, leader and requester,
# decided cases with network, type and decider,
# the concluded innovation networks (their follow-ups only when there are any)
DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("count", [1, 4])
def test_query_count_does_not_grow_with_more_cases(
    client, leader, direktoer, innovation_type, count, django_assert_num_queries
):
    _fill(leader, direktoer, innovation_type, count)
    client.force_login(direktoer)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL)
    assert len(response.context["queue"]) == count
    assert len(response.context["decisions"]) == 2 * count
    assert len(response.context["portfolio"]) == count


def test_a_member_who_is_also_a_leader_sees_the_dashboard(client, leader, submitted_innovation):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    assert [row["network"] for row in response.context["queue"]] == [submitted_innovation]


# --- What came of the approved networks -------------------------------------------------------


def concluded_innovation(leader, direktoer, innovation_type, title, day, time_machine):
    network = ready_to_start(innovation(leader, innovation_type, title))
    services.network_submit(network=network, by=leader)
    services.network_approve(network=network, by=direktoer)
    services.network_start(network=network, by=leader)
    return conclude_on(time_machine, network, day, outcome=f"Resultat af {title}")


def test_the_concluded_innovation_networks_show_outcome_and_follow_ups_newest_first(
    client, leader, direktoer, innovation_type, time_machine
):
    older = concluded_innovation(
        leader, direktoer, innovation_type, "Ældre", datetime.date(2027, 5, 3), time_machine
    )
    newer = concluded_innovation(
        leader, direktoer, innovation_type, "Nyere", datetime.date(2027, 8, 31), time_machine
    )
    follow_up = older.follow_ups.get(months=3)
    time_machine.move_to(at(follow_up.due), tick=False)
    services.follow_up_answer(
        follow_up=follow_up,
        by=leader,
        answers={"effect": "Ny frivilligpolitik", "next_steps": "Udvalget følger"},
    )
    client.force_login(direktoer)
    response = client.get(URL)
    rows = response.context["concluded"]
    assert [row["network"] for row in rows] == [newer, older]
    assert [(f.follow_up.months, f.status_label) for f in rows[1]["follow_ups"]] == [
        (3, "besvaret"),
        (12, "kommende"),
    ]
    page = response.content.decode()
    assert "Resultat af Nyere" in page
    assert "Ny frivilligpolitik" in page


def test_the_concluded_networks_come_a_page_at_a_time(
    client, leader, direktoer, innovation_type, time_machine, monkeypatch
):
    monkeypatch.setattr(direktoerforum, "CONCLUDED_PAGE_SIZE", 1)
    first = concluded_innovation(
        leader, direktoer, innovation_type, "Først", datetime.date(2027, 5, 3), time_machine
    )
    last = concluded_innovation(
        leader, direktoer, innovation_type, "Sidst", datetime.date(2027, 6, 3), time_machine
    )
    client.force_login(direktoer)
    page_one = client.get(URL)
    assert [row["network"] for row in page_one.context["concluded"]] == [last]
    assert page_one.context["concluded_page"]["next"] == 2
    assert [row["network"] for row in client.get(URL + "?afsluttede=2").context["concluded"]] == [first]


# session, user, groups; the queue (empty, so nothing prefetched); waiting change requests; decided
# cases; the portfolio (empty); the concluded innovation networks, their follow-ups.
CONCLUDED_DASHBOARD_QUERIES = 9


@pytest.mark.parametrize("count", [1, 3])
def test_the_concluded_networks_cost_the_same_queries_however_many(
    client, leader, direktoer, innovation_type, time_machine, count, django_assert_num_queries
):
    for number in range(count):
        concluded_innovation(
            leader, direktoer, innovation_type, f"N{number}", datetime.date(2027, 5, 3), time_machine
        )
    client.force_login(direktoer)
    with django_assert_num_queries(CONCLUDED_DASHBOARD_QUERIES):
        response = client.get(URL)
    assert len(response.context["concluded"]) == count


def test_the_case_page_of_a_concluded_network_shows_outcome_and_follow_ups(
    client, leader, direktoer, innovation_type, time_machine
):
    network = concluded_innovation(
        leader, direktoer, innovation_type, "Afsluttet", datetime.date(2027, 8, 31), time_machine
    )
    client.force_login(direktoer)
    response = client.get(f"/direktoerforum/sag/{network.pk}/")
    page = response.content.decode()
    assert "Resultat af Afsluttet" in page
    assert "Afsluttet den 31. august 2027." in page
    assert [row.follow_up.months for row in response.context["follow_ups"]] == [3, 12]
    assert "Forfalder den 30. november 2027" in page
