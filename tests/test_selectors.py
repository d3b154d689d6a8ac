"""Who sees which networks: leaders their own, Direktørforum also every submitted innovation network,
administrators everything; anyone else gets a 404, so nobody learns that a network exists."""

import pytest
from django.http import Http404

from networks import selectors, services
from networks.models import Network

# Every test here uses the database; declared so pytest-django orders them before transactional tests.
pytestmark = pytest.mark.django_db


@pytest.fixture
def networks(leader, other_leader, direktoer, draft_welfare, draft_learning, network_types):
    """One of each kind of network a Direktørforum member may or may not see."""
    other_innovation_draft = services.network_create(
        by=other_leader,
        type=network_types["innovation"],
        title="Klima på tværs",
        theme="Klima",
        purpose="Et grønnere Albertslund.",
        strategy_reference="Klimaplanen",
    )
    other_submitted = services.network_create(
        by=other_leader,
        type=network_types["innovation"],
        title="Fremtidens skole",
        theme="Skole",
        purpose="Nye veje i skolen.",
        strategy_reference="Børne- og ungepolitikken",
    )
    services.network_submit(network=other_submitted, by=other_leader)
    other_welfare = services.network_create(
        by=other_leader, type=network_types["welfare"], title="Tryg i Hyldespjældet", theme="Tryghed"
    )
    # A Direktørforum member may lead a network too (created directly: they are not a leader by role).
    direktoer_own = Network.objects.create(
        leader=direktoer, type=network_types["welfare"], title="Direktørens eget", theme="Ledelse"
    )
    return {
        "leader_welfare": draft_welfare,
        "leader_learning": draft_learning,
        "other_innovation_draft": other_innovation_draft,
        "other_submitted": other_submitted,
        "other_welfare": other_welfare,
        "direktoer_own": direktoer_own,
    }


def visible(user, networks):
    pks = set(selectors.networks_visible_to(user).values_list("pk", flat=True))
    return {name for name, network in networks.items() if network.pk in pks}


def test_a_leader_sees_only_their_own_networks(leader, networks):
    assert visible(leader, networks) == {"leader_welfare", "leader_learning"}


def test_another_leader_sees_only_theirs(other_leader, networks):
    assert visible(other_leader, networks) == {"other_innovation_draft", "other_submitted", "other_welfare"}


def test_direktoerforum_sees_its_own_and_submitted_innovation_networks(direktoer, networks):
    assert visible(direktoer, networks) == {"direktoer_own", "other_submitted"}


def test_direktoerforum_still_sees_an_innovation_network_sent_back_for_changes(
    direktoer, direktoer2, networks
):
    services.network_request_changes(
        network=networks["other_submitted"], by=direktoer, comment="Skærp formålet."
    )

    assert "other_submitted" in visible(direktoer2, networks)


def test_an_administrator_sees_every_network(administrator, networks):
    assert visible(administrator, networks) == set(networks)


def test_a_user_without_a_role_sees_nothing(outsider, networks):
    assert visible(outsider, networks) == set()


def test_network_for_user_returns_a_visible_network(leader, networks):
    network = networks["leader_welfare"]

    assert selectors.network_for_user(leader, network.pk) == network
    assert selectors.network_for_user(leader, str(network.pk)) == network


def test_network_for_user_gives_direktoerforum_a_submitted_network(direktoer, networks):
    network = networks["other_submitted"]

    assert selectors.network_for_user(direktoer, network.pk) == network


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("leader", "other_welfare"),
        ("other_leader", "leader_welfare"),
        ("direktoer", "other_innovation_draft"),
        ("direktoer", "other_welfare"),
        ("outsider", "leader_welfare"),
    ],
)
def test_network_for_user_raises_404_for_someone_elses_network(request, networks, persona, name):
    with pytest.raises(Http404):
        selectors.network_for_user(request.getfixturevalue(persona), networks[name].pk)


@pytest.mark.parametrize("pk", [999_999, "abc", "", None], ids=["nonexistent", "garbage", "empty", "none"])
def test_network_for_user_raises_404_for_a_pk_that_is_no_network(administrator, networks, pk):
    with pytest.raises(Http404):
        selectors.network_for_user(administrator, pk)


# --- The start page ---------------------------------------------------------------------------


def titles(networks):
    return [network.title for network in networks]


def test_the_start_page_lists_a_directors_own_network_and_the_cases_waiting(direktoer, networks):
    start = selectors.start_page(direktoer, selectors.StartPages(other_open=1, size=25))
    assert titles(start.mine_open) == ["Direktørens eget"]
    assert titles(start.awaiting_decision) == ["Fremtidens skole"]
    assert (start.other_open, start.is_direktoerforum, start.shows_mine) == ([], True, True)


def test_the_start_page_gives_an_administrator_other_leaders_open_networks_a_page_at_a_time(
    administrator, leader, networks
):
    services.network_cancel(network=networks["leader_learning"], by=leader, comment="Droppet.")
    first = selectors.start_page(administrator, selectors.StartPages(other_open=1, size=2))
    second = selectors.start_page(administrator, selectors.StartPages(other_open=2, size=2))
    # Open and not waiting for Direktørforum, by title; the cancelled one is on no page.
    assert titles(first.other_open) == ["Direktørens eget", "Frivillige mod ensomhed"]
    assert titles(second.other_open) == ["Klima på tværs", "Tryg i Hyldespjældet"]
    assert (first.other_open_has_next, second.other_open_has_next) == (True, False)
    assert titles(first.awaiting_decision) == ["Fremtidens skole"]
    assert (first.mine_open, first.shows_mine) == ([], False)


def test_the_start_page_keeps_a_leaders_closed_networks_apart(leader, networks):
    services.network_cancel(network=networks["leader_learning"], by=leader, comment="Droppet.")
    start = selectors.start_page(leader, selectors.StartPages(other_open=1, size=25))
    assert titles(start.mine_open) == ["Frivillige mod ensomhed"]
    assert titles(start.mine_closed) == ["Hvem er de frivillige?"]
