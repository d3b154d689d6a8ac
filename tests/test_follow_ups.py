"""Follow-ups after conclusion: made when a network concludes, answered once by its leader from the
day they fall due, with the type's own questions; on the follow-up page and the network page."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from networks import services
from networks.dates import add_months
from networks.models import FollowUp, MeetingStatus, NetworkType
from networks.reporting import ReportFilter, cache
from tests.factories import add_meetings, at, conclude_on, outcomes_per_track, ready_to_start

AUGUST_31 = datetime.date(2027, 8, 31)


@pytest.fixture
def concluded_welfare(active_welfare, time_machine):
    return conclude_on(time_machine, active_welfare, AUGUST_31)


@pytest.fixture
def active_learning(leader, draft_learning, learning_type):
    network = ready_to_start(draft_learning)
    add_meetings(network, learning_type.min_meetings)
    return services.network_start(network=network, by=leader)


@pytest.fixture
def concluded_learning(active_learning, time_machine):
    """Three core participants: two committed to something, one said why not; the third left."""
    first, second, third = active_learning.participants.order_by("pk")[:3]
    first.commitment = "Bruger kortlægningen i frivilligcentret"
    first.save()
    second.no_commitment_reason = "Går på pension"
    second.save()
    third.commitment = "Deler materialet med kollegerne"
    third.save()
    active_learning.meetings.update(status=MeetingStatus.HELD)
    return conclude_on(time_machine, active_learning, AUGUST_31, outcome="Vi ved nu, hvem de frivillige er.")


def due_day(network, months):
    return network.follow_ups.get(months=months).due


# --- Made at conclusion -----------------------------------------------------------------------


def test_concluding_on_31_august_makes_a_follow_up_due_30_november(concluded_welfare, welfare_type):
    months = NetworkType.objects.get(code="welfare").follow_up_months
    assert [(f.months, f.due) for f in concluded_welfare.follow_ups.all()] == [
        (m, add_months(AUGUST_31, m)) for m in months
    ]
    assert months == [3]
    assert due_day(concluded_welfare, 3) == datetime.date(2027, 11, 30)


def test_an_innovation_network_gets_one_follow_up_per_month_count(active_innovation, time_machine):
    months = NetworkType.objects.get(code="innovation").follow_up_months
    network = conclude_on(time_machine, active_innovation, AUGUST_31)
    assert [(f.months, f.due) for f in network.follow_ups.all()] == [
        (m, add_months(AUGUST_31, m)) for m in sorted(months)
    ]
    assert [f.due for f in network.follow_ups.all()] == [
        datetime.date(2027, 11, 30),
        datetime.date(2028, 8, 31),
    ]


def test_the_day_counted_from_is_the_local_day_of_conclusion(active_welfare, time_machine):
    # 23:30 in Copenhagen on 31 August is 21:30 UTC the same day; 00:30 on 1 September is 22:30 UTC
    # on 31 August: the local day counts.
    time_machine.move_to(at(datetime.date(2027, 9, 1), 0, 30), tick=False)
    network = services.network_conclude(
        network=active_welfare,
        by=active_welfare.leader,
        outcome_summary="X",
        **outcomes_per_track(active_welfare),
    )
    assert due_day(network, 3) == datetime.date(2027, 12, 1)


def test_a_refused_conclusion_makes_no_follow_up(active_welfare, leader):
    with pytest.raises(services.DomainError):
        services.network_conclude(network=active_welfare, by=leader, outcome_summary="  ")
    assert not FollowUp.objects.exists()


def test_a_type_without_follow_up_months_gets_none(active_welfare, welfare_type, time_machine):
    NetworkType.objects.filter(pk=welfare_type.pk).update(follow_up_months=[])
    active_welfare.type.refresh_from_db()
    network = conclude_on(time_machine, active_welfare, AUGUST_31)
    assert not network.follow_ups.exists()


# --- Answering ----------------------------------------------------------------------------------


def answer(follow_up, by, answers):
    return services.follow_up_answer(follow_up=follow_up, by=by, answers=answers)


IN_OPERATION = {"in_operation": "yes", "owner": "Plejecenter Albertshøj"}


def test_the_day_before_it_is_due_answering_is_refused_with_the_due_date(
    concluded_welfare, leader, time_machine
):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due - datetime.timedelta(days=1)), tick=False)
    with pytest.raises(services.DomainError) as refused:
        answer(follow_up, leader, IN_OPERATION)
    assert refused.value.code == "not_due"
    assert refused.value.message == "Opfølgningen kan først besvares fra den 30. november 2027."
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


@pytest.mark.parametrize("days_after", [0, 1])
def test_from_the_due_day_the_leader_answers(concluded_welfare, leader, time_machine, days_after):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due + datetime.timedelta(days=days_after)), tick=False)
    answer(follow_up, leader, IN_OPERATION)
    follow_up.refresh_from_db()
    assert follow_up.answers == IN_OPERATION
    assert follow_up.answered_by == leader
    assert follow_up.status_on(follow_up.due) == "answered"


def test_a_second_answer_is_refused_and_the_first_stands(concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due, 15, 32), tick=False)
    answer(follow_up, leader, IN_OPERATION)
    with pytest.raises(services.DomainError) as refused:
        answer(follow_up, leader, {"in_operation": "no", "owner": ""})
    assert refused.value.code == "already_answered"
    assert refused.value.message.startswith(
        "Opfølgningen er allerede besvaret den 30. november 2027 kl. 15.32"
    )
    follow_up.refresh_from_db()
    assert follow_up.answers == IN_OPERATION


@pytest.mark.parametrize("persona", ["other_leader", "direktoer", "administrator"])
def test_only_the_leader_answers(concluded_welfare, time_machine, request, persona):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    with pytest.raises(services.RoleRefused):
        answer(follow_up, request.getfixturevalue(persona), IN_OPERATION)


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({}, {"in_operation": ["Vælg et svar."]}),
        (
            {"in_operation": "maybe"},
            {"in_operation": ["Vælg blandt svarene: “Ja”, “Delvist”, “Nej”."]},
        ),
        (
            {"in_operation": "partly", "owner": "  "},
            {"owner": ["Skriv, hvem der ejer løsningen, når den er helt eller delvist i drift."]},
        ),
        ({"in_operation": "yes", "owner": 7}, {"owner": ["Skriv svaret som tekst."]}),
        (
            {"in_operation": ["yes"], "owner": "X"},
            {"in_operation": ["Vælg blandt svarene: “Ja”, “Delvist”, “Nej”."]},
        ),
        ({"in_operation": "no", "ejer": "X"}, {"ejer": ["Ukendt spørgsmål."]}),
    ],
)
def test_invalid_welfare_answers_are_refused_by_question(
    concluded_welfare, leader, time_machine, answers, errors
):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    with pytest.raises(ValidationError) as refused:
        answer(follow_up, leader, answers)
    assert refused.value.message_dict == errors
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_a_welfare_solution_not_in_operation_needs_no_owner(concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    answer(follow_up, leader, {"in_operation": "no"})
    follow_up.refresh_from_db()
    assert follow_up.answers == {"in_operation": "no", "owner": ""}


def test_an_innovation_follow_up_asks_for_effect_and_next_steps(active_innovation, leader, time_machine):
    network = conclude_on(time_machine, active_innovation, AUGUST_31)
    follow_up = network.follow_ups.get(months=3)
    time_machine.move_to(at(follow_up.due), tick=False)
    with pytest.raises(ValidationError) as refused:
        answer(follow_up, leader, {"effect": "Flere frivillige i ældreplejen"})
    assert refused.value.message_dict == {"next_steps": ["Besvar spørgsmålet."]}
    answer(
        follow_up, leader, {"effect": " Flere frivillige i ældreplejen ", "next_steps": "Ny politik i 2028"}
    )
    follow_up.refresh_from_db()
    assert follow_up.answers == {
        "effect": "Flere frivillige i ældreplejen",
        "next_steps": "Ny politik i 2028",
    }


def test_a_learning_follow_up_asks_each_participant_who_committed(concluded_learning, leader, time_machine):
    first, second, third = concluded_learning.participants.order_by("pk")[:3]
    follow_up = concluded_learning.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    with pytest.raises(ValidationError) as refused:
        answer(follow_up, leader, {f"use_{first.pk}": "yes", f"use_{second.pk}": "yes"})
    assert refused.value.message_dict == {
        f"use_{third.pk}": ["Vælg et svar."],
        # The one who said why they committed to nothing is not asked.
        f"use_{second.pk}": ["Ukendt spørgsmål."],
    }
    answer(
        follow_up,
        leader,
        {f"use_{first.pk}": "partly", f"note_{first.pk}": "Kun i ét team", f"use_{third.pk}": "not_yet"},
    )
    follow_up.refresh_from_db()
    assert follow_up.answers == {
        "participants": [
            {
                "participant": first.pk,
                "name": first.name,
                "commitment": "Bruger kortlægningen i frivilligcentret",
                "use": "partly",
                "note": "Kun i ét team",
            },
            {
                "participant": third.pk,
                "name": third.name,
                "commitment": "Deler materialet med kollegerne",
                "use": "not_yet",
                "note": "",
            },
        ]
    }


# --- The pages ----------------------------------------------------------------------------------


def page_url(follow_up):
    return f"/netvaerk/{follow_up.network_id}/opfoelgning/{follow_up.pk}/"


def test_the_leader_answers_on_the_page(client, concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    client.force_login(leader)
    page = client.get(page_url(follow_up)).content.decode()
    assert "Er den nye løsning i drift?" in page
    response = client.post(page_url(follow_up), IN_OPERATION)
    assert response.status_code == 302
    assert response.url == concluded_welfare.get_absolute_url()
    follow_up.refresh_from_db()
    assert follow_up.answers == IN_OPERATION


def test_invalid_answers_on_the_page_are_tied_to_their_field(client, concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    client.force_login(leader)
    response = client.post(page_url(follow_up), {"in_operation": "yes", "owner": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "owner": ["Skriv, hvem der ejer løsningen, når den er helt eller delvist i drift."]
    }
    assert (
        'aria-invalid="true" aria-describedby="id_owner_helptext id_owner_error"' in response.content.decode()
    )
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_before_the_due_day_the_page_says_when_and_offers_no_form(
    client, concluded_welfare, leader, time_machine
):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due - datetime.timedelta(days=1)), tick=False)
    client.force_login(leader)
    response = client.get(page_url(follow_up))
    assert response.context["form"] is None
    assert "Opfølgningen kan først besvares fra den 30. november 2027." in response.content.decode()
    response = client.post(page_url(follow_up), IN_OPERATION, follow=True)
    assert "Opfølgningen kan først besvares fra den 30. november 2027." in response.content.decode()
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_an_answered_follow_up_shows_its_answers_read_only(client, concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    answer(follow_up, leader, IN_OPERATION)
    client.force_login(leader)
    response = client.get(page_url(follow_up))
    page = response.content.decode()
    assert response.context["form"] is None
    assert "Plejecenter Albertshøj" in page
    assert 'name="in_operation"' not in page
    assert "Besvaret den 30. november 2027 kl. 10.00." in page


def test_someone_elses_follow_up_is_404(client, concluded_welfare, other_leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    client.force_login(other_leader)
    assert client.get(page_url(follow_up)).status_code == 404
    assert client.post(page_url(follow_up), IN_OPERATION).status_code == 404


def test_a_follow_up_of_another_network_is_404(client, concluded_welfare, active_innovation, leader):
    follow_up = concluded_welfare.follow_ups.get()
    client.force_login(leader)
    assert client.get(f"/netvaerk/{active_innovation.pk}/opfoelgning/{follow_up.pk}/").status_code == 404


def test_the_page_rejects_other_methods(client, concluded_welfare, leader):
    client.force_login(leader)
    assert client.put(page_url(concluded_welfare.follow_ups.get())).status_code == 405


# session, user, groups (role); the network with type and leader, its participants, its meetings;
# the follow-up
FOLLOW_UP_PAGE_QUERIES = 7


@pytest.mark.parametrize("committed", [1, 3])
def test_the_page_costs_the_same_queries_for_more_participants(
    client, active_learning, leader, time_machine, django_assert_num_queries, committed
):
    for participant in active_learning.participants.order_by("pk")[:committed]:
        participant.commitment = "Bruger det"
        participant.save()
    # The others say why not (every current core participant answers before a learning network concludes).
    active_learning.participants.filter(commitment="").update(no_commitment_reason="Skifter job")
    active_learning.meetings.update(status=MeetingStatus.HELD)
    network = conclude_on(time_machine, active_learning, AUGUST_31)
    follow_up = network.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    client.force_login(leader)
    with django_assert_num_queries(FOLLOW_UP_PAGE_QUERIES):
        response = client.get(page_url(follow_up))
    assert len(response.context["form"].fields) == 2 * committed


def test_the_network_page_lists_its_follow_ups_with_status(client, active_innovation, leader, time_machine):
    network = conclude_on(time_machine, active_innovation, AUGUST_31)
    three, twelve = network.follow_ups.all()
    time_machine.move_to(at(three.due), tick=False)
    answer(three, leader, {"effect": "Ny frivilligpolitik", "next_steps": "Følges i udvalget"})
    time_machine.move_to(at(three.due + datetime.timedelta(days=1)), tick=False)
    client.force_login(leader)
    response = client.get(network.get_absolute_url())
    rows = response.context["follow_ups"]
    assert [(row.follow_up.months, row.status_label) for row in rows] == [(3, "besvaret"), (12, "kommende")]
    page = response.content.decode()
    assert "Ny frivilligpolitik" in page
    assert "Forfalder den 31. august 2028" in page


def test_the_network_page_of_an_open_network_costs_no_follow_up_query(client, active_welfare, leader):
    client.force_login(leader)
    response = client.get(active_welfare.get_absolute_url())
    assert response.context["follow_ups"] == []


def test_the_start_page_lists_the_follow_ups_to_answer(client, concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due - datetime.timedelta(days=1)), tick=False)
    client.force_login(leader)
    assert list(client.get("/").context["follow_ups_due"]) == []
    time_machine.move_to(at(follow_up.due), tick=False)
    client.force_login(leader)
    response = client.get("/")
    assert list(response.context["follow_ups_due"]) == [follow_up]
    assert page_url(follow_up) in response.content.decode()
    answer(follow_up, leader, IN_OPERATION)
    assert list(client.get("/").context["follow_ups_due"]) == []


def test_an_answer_reaches_the_cached_report_at_once(concluded_welfare, leader, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)

    def welfare_row():
        figures = cache.cached_summary(ReportFilter.from_params({}), today=follow_up.due)
        return next(row for row in figures["follow_ups"] if row["type"] == "welfare")

    assert (welfare_row()["due"], welfare_row()["answered"]) == (1, 0)
    answer(follow_up, leader, IN_OPERATION)
    assert welfare_row()["answered"] == 1
