"""The lifecycle buttons: submit, start, conclude (with commitments), cancel — and why one cannot be used."""

import pytest

from networks import services
from networks.models import MeetingStatus, Network, ParticipantRole, Status
from tests.factories import (
    TRACK_OUTCOMES,
    add_core,
    add_meetings,
    assert_sent_to_login,
    ready_to_start,
    sprint_of,
)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def ready_welfare(draft_welfare):
    """Ready to start, with the longest sprint the type allows, stored straight into the database."""
    Network.objects.filter(pk=draft_welfare.pk).update(**sprint_of(draft_welfare.type.sprint_max_days))
    return ready_to_start(draft_welfare)


@pytest.fixture
def active_learning(leader, draft_learning):
    """Started, and its meetings since held: what it needs to conclude, but the core's commitments."""
    ready_to_start(draft_learning)
    add_meetings(draft_learning, draft_learning.type.min_meetings)
    network = services.network_start(network=draft_learning, by=leader)
    network.meetings.update(status=MeetingStatus.HELD)
    return network


def too_few_core(network) -> str:
    """The rules' message for a network without core participants."""
    minimum = network.type.min_core_participants
    return (
        f"Netværket skal have mindst {minimum} kernedeltagere, før det starter (har 0). "
        "Tilføj kernedeltagere."
    )


# --- Buttons on the network page ------------------------------------------------------------------


def test_a_button_that_cannot_be_used_is_disabled_and_says_why(login, draft_welfare):
    page = login("leader").get(draft_welfare.get_absolute_url()).content.decode()
    assert (
        '<button type="button" class="btn btn-secondary" disabled aria-describedby="hvorfor-start">' in page
    )
    assert "Kan ikke bruges endnu:" in page
    assert "Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter." in page
    assert too_few_core(draft_welfare) in page


def test_a_ready_network_gets_a_start_button_that_posts(login, ready_welfare):
    page = login("leader").get(ready_welfare.get_absolute_url()).content.decode()
    assert f'<form method="post" action="/netvaerk/{ready_welfare.pk}/start/">' in page
    assert "Alt er på plads. Start netværket, når I er klar." in page


def test_a_draft_innovation_network_offers_submission_and_explains_why_it_cannot_start(
    login, draft_innovation
):
    page = login("leader").get(draft_innovation.get_absolute_url()).content.decode()
    assert f'action="/netvaerk/{draft_innovation.pk}/indstil/"' in page
    assert "Direktørforum skal godkende netværket, før det kan starte." in page


def test_an_administrator_who_may_see_the_network_gets_no_buttons(login, draft_welfare, administrator):
    page = login("administrator").get(draft_welfare.get_absolute_url()).content.decode()
    assert (
        "Start netværket" not in page and "Annullér netværket" not in page and "Redigér netværket" not in page
    )


# --- Submit and start -----------------------------------------------------------------------------


def test_submitting_sends_the_case_to_direktoerforum(login, draft_innovation):
    response = login("leader").post(f"/netvaerk/{draft_innovation.pk}/indstil/")
    assert response["Location"] == draft_innovation.get_absolute_url()
    draft_innovation.refresh_from_db()
    assert draft_innovation.status == Status.SUBMITTED
    assert messages_of(response) == [
        "Netværket er indstillet til Direktørforum. Du får besked, når der er truffet en beslutning."
    ]


def test_submitting_without_a_strategy_is_refused_with_the_finding(login, leader, innovation_type):
    network = services.network_create(by=leader, type=innovation_type, title="T", theme="T", purpose="P")
    response = login("leader").post(f"/netvaerk/{network.pk}/indstil/")
    assert messages_of(response) == [
        "Netværket kan ikke indstilles endnu. Ret først:",
        "Angiv den politiske vision eller strategi, netværket bygger på, "
        "før det indstilles til Direktørforum.",
    ]
    network.refresh_from_db()
    assert network.status == Status.DRAFT


def test_a_welfare_network_cannot_be_submitted(login, draft_welfare):
    response = login("leader").post(f"/netvaerk/{draft_welfare.pk}/indstil/")
    assert messages_of(response) == [
        "Kun innovationsnetværk indstilles til Direktørforum; dette netværk kan startes direkte."
    ]


def test_starting_an_unready_network_is_refused_with_every_blocking_finding(login, draft_welfare):
    response = login("leader").post(f"/netvaerk/{draft_welfare.pk}/start/")
    assert response.status_code == 302
    assert messages_of(response) == [
        "Netværket kan ikke starte endnu. Ret først:",
        "Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter.",
        too_few_core(draft_welfare),
        "Fastlæg sprintens første og sidste dag, før netværket starter.",
        "Beskriv, hvordan netværket arbejder i sporene “Relationel koordinering”, “Borgerdeltagelse” og "
        "“Innovation”, før netværket starter.",
    ]
    draft_welfare.refresh_from_db()
    assert draft_welfare.status == Status.DRAFT
    page = login("leader").get(response["Location"]).content.decode()
    assert "<strong>Mangler:</strong> Fastlæg sprintens første og sidste dag, før netværket starter." in page


def test_starting_a_ready_network_makes_it_active(login, ready_welfare):
    response = login("leader").post(f"/netvaerk/{ready_welfare.pk}/start/")
    ready_welfare.refresh_from_db()
    assert ready_welfare.status == Status.ACTIVE
    assert messages_of(response) == ["Netværket er startet. God arbejdslyst!"]


@pytest.mark.parametrize("action", ["indstil", "start"])
@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_press_the_buttons(login, ready_welfare, action, persona, status):
    assert login(persona).post(f"/netvaerk/{ready_welfare.pk}/{action}/").status_code == status
    ready_welfare.refresh_from_db()
    assert ready_welfare.status == Status.DRAFT


def test_direktoerforum_may_not_start_a_network_it_can_see(login, direktoer, submitted_innovation):
    assert login("direktoer").post(f"/netvaerk/{submitted_innovation.pk}/start/").status_code == 403


@pytest.mark.parametrize("action", ["indstil", "start"])
def test_the_buttons_need_post(login, draft_welfare, action):
    assert login("leader").get(f"/netvaerk/{draft_welfare.pk}/{action}/").status_code == 405


@pytest.mark.parametrize("action", ["indstil", "start", "afslut", "annuller"])
def test_the_buttons_send_anonymous_to_login(client, draft_welfare, action):
    assert_sent_to_login(client.post(f"/netvaerk/{draft_welfare.pk}/{action}/"))


# --- Conclude -------------------------------------------------------------------------------------


def test_the_conclude_form_asks_each_current_participant_of_a_learning_network_for_a_commitment(
    login, active_learning
):
    page = login("leader").get(f"/netvaerk/{active_learning.pk}/afslut/").content.decode()
    participants = list(active_learning.participants.all())
    for participant in participants:
        assert f'for="id_commitment_{participant.pk}"' in page
        assert f"Forpligtelse for {participant.name}" in page
        assert f'for="id_no_commitment_reason_{participant.pk}"' in page
    assert "Hvorfor ingen forpligtelse?" in page
    core = len(participants)
    assert f"{core} kernedeltagere mangler at notere en forpligtelse" in page


def test_concluding_saves_the_outcome_and_every_commitment_together(login, active_learning):
    # A peripheral participant may leave both blank; each core participant answers one way or the other.
    add_core(active_learning, 1, role=ParticipantRole.PERIPHERAL)
    first, second, *the_others = active_learning.participants.order_by("pk")
    core_rest = [p for p in the_others if p.role == ParticipantRole.CORE]
    response = login("leader").post(
        f"/netvaerk/{active_learning.pk}/afslut/",
        {
            "outcome_summary": "Et kort over de frivillige.",
            f"commitment_{first.pk}": "Bruger kortet i min afdeling.",
            f"commitment_{second.pk}": " Deler det med kolleger ",
            **{f"no_commitment_reason_{p.pk}": "Går på pension." for p in core_rest},
        },
    )
    assert response.status_code == 302
    active_learning.refresh_from_db()
    assert (active_learning.status, active_learning.outcome_summary) == (
        Status.CONCLUDED,
        "Et kort over de frivillige.",
    )
    assert [(p.commitment, p.no_commitment_reason) for p in active_learning.participants.order_by("pk")] == [
        ("Bruger kortet i min afdeling.", ""),
        ("Deler det med kolleger", ""),
        *[("", "" if p.role == ParticipantRole.PERIPHERAL else "Går på pension.") for p in the_others],
    ]
    assert messages_of(response) == ["Netværket er afsluttet, og resultatet er gemt."]


def test_concluding_without_an_outcome_is_refused_on_the_field_and_no_commitment_is_saved(
    login, active_learning
):
    first, *others = active_learning.participants.all()
    response = login("leader").post(
        f"/netvaerk/{active_learning.pk}/afslut/",
        {
            "outcome_summary": " ",
            f"commitment_{first.pk}": "Noget",
            **{f"commitment_{p.pk}": "Andet" for p in others},
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Netværket kan ikke afsluttes endnu. Ret først:" in page
    assert 'id="id_outcome_summary_error"' in page
    assert "Skriv netværkets resultat, før netværket afsluttes." in page
    active_learning.refresh_from_db()
    first.refresh_from_db()
    assert (active_learning.status, first.commitment) == (Status.ACTIVE, "")


def test_a_draft_cannot_be_concluded(login, draft_welfare):
    response = login("leader").get(f"/netvaerk/{draft_welfare.pk}/afslut/")
    assert response.status_code == 302
    assert messages_of(response) == ["Kun et aktivt netværk kan afsluttes; dette er en kladde."]


def test_a_welfare_network_concludes_without_commitments(login, leader, ready_welfare):
    services.network_start(network=ready_welfare, by=leader)
    page = login("leader").get(f"/netvaerk/{ready_welfare.pk}/afslut/").content.decode()
    assert "commitment_" not in page
    assert "Resultat i sporet “Borgerdeltagelse”" in page
    track_outcomes = {f"track_outcomes_{track}": text for track, text in TRACK_OUTCOMES.items()}
    login("leader").post(
        f"/netvaerk/{ready_welfare.pk}/afslut/", {"outcome_summary": "Nye besøgsaftaler.", **track_outcomes}
    )
    ready_welfare.refresh_from_db()
    assert ready_welfare.track_outcomes == TRACK_OUTCOMES
    assert ready_welfare.status == Status.CONCLUDED


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_conclude(login, active_learning, persona, status):
    url = f"/netvaerk/{active_learning.pk}/afslut/"
    assert login(persona).get(url).status_code == status
    assert login(persona).post(url, {"outcome_summary": "x"}).status_code == status
    active_learning.refresh_from_db()
    assert active_learning.status == Status.ACTIVE


def test_conclude_rejects_put(login, active_learning):
    assert login("leader").put(f"/netvaerk/{active_learning.pk}/afslut/").status_code == 405


# --- Cancel ---------------------------------------------------------------------------------------


def test_cancelling_without_a_reason_is_refused_on_the_reason_field(login, draft_welfare):
    page = login("leader").post(f"/netvaerk/{draft_welfare.pk}/annuller/", {"comment": "  "}).content.decode()
    assert "Skriv, hvorfor netværket annulleres." in page
    assert 'id="id_comment_error"' in page
    draft_welfare.refresh_from_db()
    assert draft_welfare.status == Status.DRAFT


def test_cancelling_with_a_reason_records_it(login, draft_welfare):
    response = login("leader").post(f"/netvaerk/{draft_welfare.pk}/annuller/", {"comment": "Temaet er løst."})
    draft_welfare.refresh_from_db()
    assert draft_welfare.status == Status.CANCELLED
    assert draft_welfare.status_changes.last().comment == "Temaet er løst."
    assert messages_of(response) == ["Netværket er annulleret."]


def test_a_submitted_case_can_be_cancelled(login, submitted_innovation):
    login("leader").post(f"/netvaerk/{submitted_innovation.pk}/annuller/", {"comment": "Trukket tilbage."})
    submitted_innovation.refresh_from_db()
    assert submitted_innovation.status == Status.CANCELLED


def test_a_cancelled_network_cannot_be_cancelled_again(login, leader, draft_welfare):
    services.network_cancel(network=draft_welfare, by=leader, comment="Droppet")
    response = login("leader").get(f"/netvaerk/{draft_welfare.pk}/annuller/")
    assert messages_of(response) == ["Netværket er allerede annulleret."]


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_cancel_here(login, draft_welfare, persona, status):
    url = f"/netvaerk/{draft_welfare.pk}/annuller/"
    assert login(persona).get(url).status_code == status
    assert login(persona).post(url, {"comment": "x"}).status_code == status


def test_cancel_rejects_put(login, draft_welfare):
    assert login("leader").put(f"/netvaerk/{draft_welfare.pk}/annuller/").status_code == 405


def test_query_counts(login, active_learning, django_assert_num_queries):
    add_core(active_learning, 10)
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(f"/netvaerk/{active_learning.pk}/afslut/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get(f"/netvaerk/{active_learning.pk}/annuller/").status_code == 200
