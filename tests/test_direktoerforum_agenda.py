"""The printable agenda at /direktoerforum/dagsorden/?sag=1&sag=2 for Direktørforum's next meeting."""

import datetime

import pytest

from networks import services
from tests.factories import AGENDA_URL as URL
from tests.factories import DIREKTOERFORUM_URL, PICK_ONE_CASE, agenda_query, at, get_on


@pytest.fixture
def cases(submit_on):
    """Three waiting cases; the youngest created first, so queue order is not creation order."""
    young = submit_on("Ung sag", datetime.date(2027, 1, 19))
    old = submit_on("Gammel sag", datetime.date(2027, 1, 2))
    middle = submit_on("Mellem sag", datetime.date(2027, 1, 10))
    return {"young": young, "old": old, "middle": middle}


def titles_in_order(page: str, titles) -> list[str]:
    found = [title for title in titles if title in page]
    return sorted(found, key=page.index)


ALL_TITLES = ("Ung sag", "Gammel sag", "Mellem sag")


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
def test_it_prints_the_chosen_cases_in_queue_order(client, time_machine, request, persona, cases):
    response = get_on(
        client,
        time_machine,
        request.getfixturevalue(persona),
        URL + agenda_query(cases["young"].pk, cases["old"].pk),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert titles_in_order(page, ALL_TITLES) == ["Gammel sag", "Ung sag"]
    assert "Dagsorden til Direktørforum" in page
    assert "Udskrevet 20. januar 2027 · 2 sager om innovationsnetværk" in page
    assert "Har ventet 18 dage" in page
    assert "Har ventet 1 dag<" in page
    # Each case as the case page shows it.
    assert "Formål: Gammel sag" in page
    assert "Albertslund Kommunes frivillighedspolitik" in page
    assert "Lene Leder" in page
    assert "☐ Godkend" in page


def test_one_case_is_singular(client, time_machine, direktoer, cases):
    response = get_on(client, time_machine, direktoer, URL + agenda_query(cases["middle"].pk))
    page = response.content.decode()
    assert "Udskrevet 20. januar 2027 · 1 sag om innovationsnetværk" in page
    assert "Har ventet 10 dage" in page


def test_repeated_ids_print_a_case_once(client, time_machine, direktoer, cases):
    pk = cases["middle"].pk
    response = get_on(client, time_machine, direktoer, URL + agenda_query(pk, pk, pk))
    assert [row["network"].pk for row in response.context["cases"]] == [pk]


def test_cases_that_do_not_wait_and_garbage_are_ignored(
    client, time_machine, direktoer, cases, decided_case, draft_innovation, draft_welfare
):
    ids = [
        cases["young"].pk,
        decided_case.pk,  # decided
        draft_innovation.pk,  # never submitted: Direktørforum cannot see it
        draft_welfare.pk,  # another type, another leader's business
        999999,  # does not exist
        "abc",
        cases["old"].pk,
    ]
    response = get_on(client, time_machine, direktoer, URL + agenda_query(*ids))

    assert response.status_code == 200
    assert [row["network"].title for row in response.context["cases"]] == ["Gammel sag", "Ung sag"]
    page = response.content.decode()
    for title in ("Godkendt sag", draft_innovation.title, draft_welfare.title, "Mellem sag"):
        assert title not in page


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "?sag=",
        "?sag=abc",
        "?sag=-1",
        "?sag=1e3",
        "?sag=1.0",
        "?sag=0x1",
        "?sag=%20",
        "?sag=²",  # a digit to str.isdigit(), not to int()
        "?sag=99999999999999999999999",
        "?andet=1",
    ],
)
def test_no_valid_waiting_case_sends_back_to_the_dashboard(client, direktoer, network_types, query_string):
    client.force_login(direktoer)
    response = client.get(URL + query_string)
    assert response.status_code == 302
    assert response["Location"] == DIREKTOERFORUM_URL
    assert PICK_ONE_CASE in client.get(response["Location"]).content.decode()


def test_only_decided_cases_send_back_to_the_dashboard(client, direktoer, submitted_innovation):
    services.network_approve(network=submitted_innovation, by=direktoer)
    client.force_login(direktoer)
    response = client.get(URL + agenda_query(submitted_innovation.pk), follow=True)
    assert response.redirect_chain == [(DIREKTOERFORUM_URL, 302)]
    assert PICK_ONE_CASE in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "other_leader", "outsider"])
def test_anyone_else_gets_403(client, request, persona, submitted_innovation):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL + agenda_query(submitted_innovation.pk)).status_code == 403


def test_anonymous_is_sent_to_login(client, submitted_innovation):
    response = client.get(URL + agenda_query(submitted_innovation.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_rejects_anything_but_get(client, direktoer, submitted_innovation, method):
    client.force_login(direktoer)
    assert getattr(client, method)(URL + agenda_query(submitted_innovation.pk)).status_code == 405


# session, user, the user's groups (role check),
# the chosen waiting networks with type and leader (and submitted_at), their participants, their meetings
AGENDA_QUERIES = 6


@pytest.mark.parametrize("count", [1, 3])
def test_query_count_does_not_grow_with_more_cases(
    client, time_machine, direktoer, cases, count, django_assert_num_queries
):
    ids = [cases[name].pk for name in ("old", "middle", "young")[:count]]
    time_machine.move_to(at(datetime.date(2027, 1, 20), 12), tick=False)
    client.force_login(direktoer)
    with django_assert_num_queries(AGENDA_QUERIES):
        response = client.get(URL + agenda_query(*ids))
    assert len(response.context["cases"]) == count
