"""Lists that grow with the number of networks come a page at a time, at a fixed number of queries:
the start page's other open networks, Direktørforum's portfolio, and closed networks on a
leader's start page (listed without their participants and meetings)."""

import datetime

import pytest
from django.utils import timezone

from networks import services
from networks.models import Decision, DecisionOutcome, Network, Status
from networks.views.direktoerforum import DECISIONS_PAGE_SIZE, PORTFOLIO_PAGE_SIZE
from networks.views.helpers import page_number
from networks.views.leader import HISTORY_PAGE_SIZE, HOME_PAGE_SIZE
from tests.factories import add_core, ready_to_start


def welfare_networks(leader, welfare_type, count, prefix="Netværk"):
    return [
        services.network_create(by=leader, type=welfare_type, title=f"{prefix} {n:02d}", theme="T")
        for n in range(count)
    ]


# --- The start page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"), [(None, 1), ("2", 2), ("0", 1), ("x", 1), ("²", 1), ("9" * 30, 1)]
)
def test_the_page_number_is_a_plain_positive_number_or_1(value, number):
    assert page_number(value) == number


def test_an_administrator_gets_the_open_networks_a_page_at_a_time(login, leader, welfare_type):
    welfare_networks(leader, welfare_type, HOME_PAGE_SIZE + 3)
    client = login("administrator")

    first = client.get("/")
    second = client.get("/", {"side": 2})

    titles = [row.network.title for row in first.context["other_open"]]
    assert titles == [f"Netværk {n:02d}" for n in range(HOME_PAGE_SIZE)]
    assert first.context["other_open_page"] == {"number": 1, "previous": None, "next": 2}
    assert 'href="?side=2"' in first.content.decode()
    assert [row.network.title for row in second.context["other_open"]] == [
        f"Netværk {n:02d}" for n in range(HOME_PAGE_SIZE, HOME_PAGE_SIZE + 3)
    ]
    assert second.context["other_open_page"] == {"number": 2, "previous": 1, "next": None}


def test_a_page_past_the_last_offers_the_way_back(login, leader, welfare_type):
    welfare_networks(leader, welfare_type, 2)

    page = login("administrator").get("/", {"side": 5}).content.decode()

    assert "Tilbage til første side" in page


def test_cases_awaiting_a_decision_are_not_paged_away(login, leader, welfare_type, submitted_innovation):
    welfare_networks(leader, welfare_type, HOME_PAGE_SIZE + 1)

    response = login("administrator").get("/", {"side": 2})

    assert [row.network for row in response.context["awaiting_decision"]] == [submitted_innovation]


# An administrator's start page counts the emails that could not be sent (1 query).
@pytest.mark.parametrize(("persona", "queries"), [("leader", 7), ("administrator", 7)])
def test_the_start_page_costs_the_same_queries_on_any_page(
    login, leader, welfare_type, learning_type, persona, queries, django_assert_num_queries
):
    welfare_networks(leader, welfare_type, HOME_PAGE_SIZE + 3)
    closed = services.network_create(by=leader, type=learning_type, title="Lukket", theme="T")
    services.network_cancel(network=closed, by=leader, comment="Droppet")
    client = login(persona)
    for side in ("1", "2"):
        # session, user, the user's groups (role), the networks shown (own, awaiting a decision
        # and this page of the others' open ones) with type, leader and next meeting, the open
        # ones' participants and meetings grouped for the rules; for a leader, the follow-ups to
        # answer
        with django_assert_num_queries(queries):
            assert client.get("/", {"side": side}).status_code == 200


def test_a_leaders_closed_networks_are_listed_without_their_rules(login, leader, learning_type):
    closed = services.network_create(by=leader, type=learning_type, title="Lukket", theme="T")
    services.network_cancel(network=closed, by=leader, comment="Droppet")

    response = login("leader").get("/")

    (row,) = response.context["my_closed"]
    assert row.network == closed
    # Nothing about its participants was read: it shows only its title and status.
    assert "participants" not in getattr(row.network, "_prefetched_objects_cache", {})
    assert not hasattr(row.network, "rule_facts")
    assert "Lukket</a> – Annulleret" in response.content.decode()


# --- Direktørforum's portfolio ----------------------------------------------------------------


@pytest.fixture
def portfolio(leader, direktoer, innovation_type):
    """PORTFOLIO_PAGE_SIZE + 2 approved innovation networks, approved straight in the database."""
    networks = []
    for n in range(PORTFOLIO_PAGE_SIZE + 2):
        network = services.network_create(
            by=leader,
            type=innovation_type,
            title=f"Innovation {n:02d}",
            theme="T",
            purpose="Formål",
            strategy_reference="Strategi",
        )
        ready_to_start(network)
        add_core(network, 1)
        networks.append(network)
    Network.objects.filter(pk__in=[n.pk for n in networks]).update(status=Status.APPROVED, submission_round=1)
    return networks


def test_the_portfolio_comes_a_page_at_a_time(
    client, direktoer, portfolio, submitted_innovation, django_assert_num_queries
):
    client.force_login(direktoer)
    # session, user, groups, this page of the portfolio (one more row than shown says whether there
    # is a next page) and the queue, the participants and meetings of both, the waiting change
    # requests, the decided cases, the concluded innovation networks (none here)
    with django_assert_num_queries(10):
        first = client.get("/direktoerforum/")
    with django_assert_num_queries(10):
        second = client.get("/direktoerforum/", {"portefoelje": 2})

    assert [n.title for n, _ in first.context["portfolio"]] == [
        f"Innovation {n:02d}" for n in range(PORTFOLIO_PAGE_SIZE)
    ]
    assert first.context["portfolio_page"]["next"] == 2
    assert 'href="?portefoelje=2#portefoelje"' in first.content.decode()
    assert [n.title for n, _ in second.context["portfolio"]] == [
        f"Innovation {n:02d}" for n in range(PORTFOLIO_PAGE_SIZE, PORTFOLIO_PAGE_SIZE + 2)
    ]
    assert second.context["portfolio_page"] == {"number": 2, "previous": 1, "next": None}


# --- A leader's history on the start page ------------------------------------------------------


def closed_networks(leader, learning_type, count):
    """`count` cancelled networks, written straight in the database (their history is not the point)."""
    return Network.objects.bulk_create(
        Network(
            type=learning_type, leader=leader, title=f"Lukket {n:02d}", theme="T", status=Status.CANCELLED
        )
        for n in range(count)
    )


@pytest.mark.parametrize("closed", [5, 60])
def test_a_leaders_start_page_costs_the_same_queries_however_long_their_history(
    login, leader, welfare_type, learning_type, closed, django_assert_num_queries
):
    welfare_networks(leader, welfare_type, 3)
    closed_networks(leader, learning_type, closed)
    client = login("leader")
    for historik in ("1", "2"):
        # session, user, the user's groups (role), the networks shown (this page of the leader's
        # open ones and of their history) with type, leader and next meeting, the open ones'
        # participants and meetings grouped for the rules, the follow-ups to answer
        with django_assert_num_queries(7):
            assert client.get("/", {"historik": historik}).status_code == 200


def test_a_leaders_history_comes_a_page_at_a_time_newest_first(login, leader, learning_type):
    closed_networks(leader, learning_type, HISTORY_PAGE_SIZE + 2)
    client = login("leader")

    first = client.get("/")
    second = client.get("/", {"historik": 2})

    shown = [row.network.title for row in first.context["my_closed"]]
    # bulk_create gives them the same time of change; the newest (highest id) first.
    assert shown == [f"Lukket {n:02d}" for n in range(HISTORY_PAGE_SIZE + 1, 1, -1)]
    assert first.context["my_closed_page"] == {"number": 1, "previous": None, "next": 2}
    page = first.content.decode()
    assert "<summary>Vis afsluttede, afviste og annullerede netværk</summary>" in page
    assert "<details>" in page
    assert 'href="?historik=2#historik"' in page
    assert [row.network.title for row in second.context["my_closed"]] == ["Lukket 01", "Lukket 00"]
    assert second.context["my_closed_page"] == {"number": 2, "previous": 1, "next": None}
    # Paging through the history keeps it unfolded.
    assert "<details open>" in second.content.decode()


def test_a_leaders_open_networks_come_a_page_at_a_time(login, leader, welfare_type):
    welfare_networks(leader, welfare_type, HOME_PAGE_SIZE + 1)
    client = login("leader")

    first = client.get("/")
    second = client.get("/", {"egne": 2})

    assert len(first.context["my_open"]) == HOME_PAGE_SIZE
    assert first.context["my_open_page"] == {"number": 1, "previous": None, "next": 2}
    assert [row.network.title for row in second.context["my_open"]] == [f"Netværk {HOME_PAGE_SIZE:02d}"]
    assert "Tilbage til første side" in client.get("/", {"egne": 9}).content.decode()


def test_a_leader_without_a_history_is_told_so(login, leader, welfare_type):
    welfare_networks(leader, welfare_type, 1)

    page = login("leader").get("/").content.decode()

    assert "Tidligere netværk" in page
    assert "Ingen af dine netværk er afsluttet, afvist eller annulleret endnu." in page


def test_a_history_page_past_the_last_offers_the_way_back(login, leader, learning_type):
    closed_networks(leader, learning_type, 2)

    page = login("leader").get("/", {"historik": 7}).content.decode()

    assert "Tilbage til de nyeste tidligere netværk" in page


# --- Direktørforum's decisions -----------------------------------------------------------------


def decided_cases(leader, direktoer, innovation_type, count):
    """`count` rejected innovation networks, each with its decision, written straight in the database."""
    networks = Network.objects.bulk_create(
        Network(type=innovation_type, leader=leader, title=f"Sag {n:02d}", theme="T", status=Status.REJECTED)
        for n in range(count)
    )
    start = timezone.make_aware(datetime.datetime(2027, 1, 4, 9))
    return Decision.objects.bulk_create(
        Decision(
            network=network,
            round=1,
            outcome=DecisionOutcome.REJECTED,
            comment="Passer ikke til strategien.",
            decided_by=direktoer,
            decided_at=start + datetime.timedelta(days=n),
            meeting_date=(start + datetime.timedelta(days=n)).date(),
        )
        for n, network in enumerate(networks)
    )


@pytest.mark.parametrize("decided", [5, 60])
def test_the_direktoerforum_page_costs_the_same_queries_however_many_decisions(
    client, direktoer, leader, innovation_type, decided, django_assert_num_queries
):
    decided_cases(leader, direktoer, innovation_type, decided)
    client.force_login(direktoer)
    for page in ("1", "2"):
        # as the portfolio test above, with an empty queue and portfolio
        with django_assert_num_queries(8):
            assert client.get("/direktoerforum/", {"beslutninger": page}).status_code == 200


def test_direktoerforums_decisions_come_a_page_at_a_time_newest_first(
    client, direktoer, leader, innovation_type
):
    decided_cases(leader, direktoer, innovation_type, DECISIONS_PAGE_SIZE + 1)
    client.force_login(direktoer)

    first = client.get("/direktoerforum/")
    second = client.get("/direktoerforum/", {"beslutninger": 2})

    assert [d.network.title for d in first.context["decisions"]] == [
        f"Sag {n:02d}" for n in range(DECISIONS_PAGE_SIZE, 0, -1)
    ]
    assert first.context["decisions_page"] == {"number": 1, "previous": None, "next": 2}
    assert 'href="?beslutninger=2#seneste"' in first.content.decode()
    assert [d.network.title for d in second.context["decisions"]] == ["Sag 00"]
    assert second.context["decisions_page"] == {"number": 2, "previous": 1, "next": None}
    assert (
        "Tilbage til de nyeste beslutninger"
        in client.get("/direktoerforum/", {"beslutninger": 5}).content.decode()
    )


def test_a_pager_keeps_the_other_lists_pages_and_escapes_its_address(rf):
    from django.template import Context, Template

    request = rf.get("/", {"beslutninger": "3", "q": "a&b"})
    rendered = Template(
        '{% load pages %}{% include "networks/_pager.html" with page=page key="portefoelje" '
        'anchor="portefoelje" label="Sider" back="Forrige" forward="Næste" %}'
    ).render(Context({"request": request, "page": {"number": 2, "previous": 1, "next": 3}}))
    assert 'href="?beslutninger=3&amp;q=a%26b&amp;portefoelje=1#portefoelje">Forrige</a>' in rendered
    assert 'href="?beslutninger=3&amp;q=a%26b&amp;portefoelje=3#portefoelje">Næste</a>' in rendered
    assert '<nav aria-label="Sider">' in rendered and "Side 2" in rendered
    # A single page has no pager at all.
    alone = Template('{% include "networks/_pager.html" with page=page key="side" %}').render(
        Context({"request": request, "page": {"number": 1, "previous": None, "next": None}})
    )
    assert alone.strip() == ""
