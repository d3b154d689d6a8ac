"""A learning network concludes on meetings held and once each current core participant has noted
a commitment or why there is none: on the conclude page, through the API, and as the network page
shows it (the findings at once, the core's attendance per held meeting)."""

import datetime

import pytest

from networks import services
from networks.models import MeetingStatus, Participant, ParticipantRole, Status
from tests.factories import add_core, add_meetings, api_url, as_user, ready_to_start

pytestmark = pytest.mark.django_db

COMMITMENT_AND_REASON = (
    "Skriv enten en forpligtelse eller hvorfor der ingen forpligtelse er – ikke begge dele."
)
ROW_MISSING = (
    "Notér, hvad kernedeltageren forpligter sig til, eller skriv, hvorfor der ingen forpligtelse er."
)


@pytest.fixture
def active_learning(leader, draft_learning):
    """Started with the fewest meetings, all since held; its core has not committed yet."""
    ready_to_start(draft_learning)
    add_meetings(draft_learning, draft_learning.type.min_meetings)
    network = services.network_start(network=draft_learning, by=leader)
    network.meetings.update(status=MeetingStatus.HELD)
    network.outcome_summary = "Et kort over de frivillige."
    network.save()
    return network


def conclude_url(network):
    return f"/netvaerk/{network.pk}/afslut/"


def core_of(network):
    return list(network.participants.filter(role=ParticipantRole.CORE, left_on__isnull=True).order_by("pk"))


def all_committed_but(network, missing):
    """The conclude form with a commitment for every current core participant except `missing`."""
    return {
        "outcome_summary": network.outcome_summary,
        **{f"commitment_{p.pk}": "Bruger kortet." for p in core_of(network) if p != missing},
    }


# --- The conclude page --------------------------------------------------------------------------


def test_a_core_participant_with_neither_answer_gets_the_error_on_their_row(login, active_learning):
    missing = core_of(active_learning)[-1]

    response = login("leader").post(
        conclude_url(active_learning), all_committed_but(active_learning, missing)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_commitment_{missing.pk}_error"' in page
    assert ROW_MISSING in page
    active_learning.refresh_from_db()
    assert active_learning.status == Status.ACTIVE
    # Nothing partial is saved: the others' commitments wait for the whole form.
    assert not Participant.objects.exclude(commitment="").exists()


def test_a_commitment_and_a_reason_on_one_row_is_refused_on_the_reason(login, active_learning):
    both = core_of(active_learning)[0]
    data = all_committed_but(active_learning, None)
    data[f"no_commitment_reason_{both.pk}"] = "Skifter job."

    response = login("leader").post(conclude_url(active_learning), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_no_commitment_reason_{both.pk}_error"' in page
    assert COMMITMENT_AND_REASON in page
    active_learning.refresh_from_db()
    assert active_learning.status == Status.ACTIVE


def test_an_explicit_none_with_a_reason_lets_the_network_conclude(login, active_learning):
    without = core_of(active_learning)[-1]
    data = all_committed_but(active_learning, without)
    data[f"no_commitment_reason_{without.pk}"] = " Går på pension til sommer. "

    response = login("leader").post(conclude_url(active_learning), data)

    assert response.status_code == 302
    active_learning.refresh_from_db()
    without.refresh_from_db()
    assert active_learning.status == Status.CONCLUDED
    assert (without.commitment, without.no_commitment_reason) == ("", "Går på pension til sommer.")


def test_a_peripheral_participant_and_one_who_left_need_not_answer(login, leader, active_learning):
    (peripheral,) = add_core(active_learning, 1, role=ParticipantRole.PERIPHERAL)
    (gone,) = add_core(active_learning, 1)
    services.participant_mark_left(participant=gone, by=leader, left_on=datetime.date(2027, 3, 1))

    page = login("leader").get(conclude_url(active_learning)).content.decode()
    assert f"commitment_{gone.pk}" not in page  # only current participants are asked
    response = login("leader").post(conclude_url(active_learning), all_committed_but(active_learning, None))

    assert response.status_code == 302
    active_learning.refresh_from_db()
    assert active_learning.status == Status.CONCLUDED
    peripheral.refresh_from_db()
    assert (peripheral.commitment, peripheral.no_commitment_reason) == ("", "")


def test_the_conclude_page_lists_each_participant_in_a_fieldset_of_their_own(login, active_learning):
    page = login("leader").get(conclude_url(active_learning)).content.decode()

    for participant in core_of(active_learning):
        assert f'<legend class="h6">{participant.name} ' in page
        assert f'name="no_commitment_reason_{participant.pk}"' in page
    assert "Ingen forpligtelse" in page
    assert page.count("Hvorfor ingen forpligtelse?") == len(core_of(active_learning))


def test_the_conclude_page_shows_the_missing_commitments_before_the_leader_confirms(login, active_learning):
    count = len(core_of(active_learning))

    page = login("leader").get(conclude_url(active_learning)).content.decode()

    assert f"{count} kernedeltagere mangler at notere en forpligtelse" in page


# --- The API ------------------------------------------------------------------------------------


def conclude_by_api(leader, network):
    return as_user(leader).post(
        api_url(f"networks/{network.pk}/transitions/"), {"action": "conclude"}, format="json"
    )


def test_the_api_refuses_to_conclude_while_one_core_participant_has_not_answered(leader, active_learning):
    *answered, missing = core_of(active_learning)
    Participant.objects.filter(pk__in=[p.pk for p in answered]).update(commitment="Bruger kortet.")

    response = conclude_by_api(leader, active_learning)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "blocked"
    assert body["findings"] == [
        {
            "level": "blocks",
            "code": "commitments_missing",
            "message": (
                f"1 kernedeltager mangler at notere en forpligtelse ({missing.name}). Notér, hvad hver "
                "kernedeltager forpligter sig til at bruge i sit eget arbejde – eller hvorfor der ingen "
                "forpligtelse er – før netværket afsluttes."
            ),
        }
    ]


def test_the_api_concludes_after_an_explicit_none_with_a_reason(leader, active_learning):
    *answered, without = core_of(active_learning)
    Participant.objects.filter(pk__in=[p.pk for p in answered]).update(commitment="Bruger kortet.")
    client = as_user(leader)
    patched = client.patch(
        api_url(f"participants/{without.pk}/"), {"no_commitment_reason": "Skifter job."}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["no_commitment_reason"] == "Skifter job."

    response = conclude_by_api(leader, active_learning)

    assert response.status_code == 200
    assert response.json()["status"] == "concluded"


def test_the_api_refuses_a_commitment_and_a_reason_at_once(leader, active_learning):
    participant = core_of(active_learning)[0]

    response = as_user(leader).patch(
        api_url(f"participants/{participant.pk}/"),
        {"commitment": "Bruger det.", "no_commitment_reason": "Ingen tid."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"no_commitment_reason": [COMMITMENT_AND_REASON]}


def test_the_api_refuses_to_conclude_on_planned_meetings(leader, active_learning):
    active_learning.participants.update(commitment="Bruger kortet.")
    active_learning.meetings.update(status=MeetingStatus.PLANNED)

    response = conclude_by_api(leader, active_learning)

    assert response.status_code == 409
    assert [f["code"] for f in response.json()["findings"]] == ["too_few_meetings_held"]


# --- The participant form -----------------------------------------------------------------------


def test_the_participant_form_asks_for_the_reason_next_to_the_commitment(login, active_learning):
    participant = core_of(active_learning)[0]
    url = f"/netvaerk/{active_learning.pk}/deltagere/{participant.pk}/rediger/"
    page = login("leader").get(url).content.decode()
    assert page.index('name="commitment"') < page.index('name="no_commitment_reason"')

    response = login("leader").post(
        url,
        {
            "name": participant.name,
            "actor_category": participant.actor_category,
            "role": participant.role,
            "commitment": "Bruger det.",
            "no_commitment_reason": "Ingen tid.",
        },
    )

    assert response.status_code == 200
    assert 'id="id_no_commitment_reason_error"' in response.content.decode()
    participant.refresh_from_db()
    assert participant.commitment == ""


def test_a_welfare_participant_form_asks_for_neither(login, draft_welfare):
    page = login("leader").get(f"/netvaerk/{draft_welfare.pk}/deltagere/ny/").content.decode()
    assert 'name="commitment"' not in page
    assert 'name="no_commitment_reason"' not in page


# --- The network page ---------------------------------------------------------------------------


def test_cancelling_a_meeting_on_its_page_shows_the_short_plan_on_the_network_page_at_once(
    login, active_learning
):
    fewest = active_learning.type.min_meetings
    active_learning.meetings.update(status=MeetingStatus.PLANNED)
    meeting = active_learning.meetings.last()
    client = login("leader")
    assert "møder tilbage" not in client.get(active_learning.get_absolute_url()).content.decode()

    cancelled = client.post(f"/netvaerk/{active_learning.pk}/moeder/{meeting.pk}/aflys/")
    assert cancelled.status_code == 302

    page = client.get(active_learning.get_absolute_url()).content.decode()
    assert (
        f"Mødeplanen har kun {fewest - 1} møder tilbage (afholdte og planlagte); der skal afholdes mindst "
        f"{fewest}, før netværket kan afsluttes. Planlæg flere møder."
    ) in page


def test_the_leader_sees_the_core_attendance_of_each_held_meeting(login, active_learning):
    alma, bo, *rest = core_of(active_learning)
    first, second, *_ = active_learning.meetings.all()
    first.attendees.set(core_of(active_learning))
    second.attendees.set([alma])
    core = len(core_of(active_learning))

    page = login("leader").get(active_learning.get_absolute_url()).content.decode()

    assert "<caption>Hvor mange af de nuværende kernedeltagere" in page
    assert f"<td>{core} af {core}</td>" in page
    assert f"<td>1 af {core}</td>" in page
    assert f"<td>{', '.join(p.name for p in [bo, *rest])}</td>" in page
    assert "Alle mødte" in page


def test_the_core_attendance_says_when_nothing_is_held_yet(login, active_learning):
    active_learning.meetings.update(status=MeetingStatus.PLANNED)

    page = login("leader").get(active_learning.get_absolute_url()).content.decode()

    assert "Der er ikke afholdt nogen møder endnu." in page


def test_only_the_leader_and_only_learning_networks_show_the_core_attendance(
    login, active_learning, draft_welfare
):
    assert (
        "Kernens fremmøde"
        not in login("administrator").get(active_learning.get_absolute_url()).content.decode()
    )
    assert "Kernens fremmøde" not in login("leader").get(draft_welfare.get_absolute_url()).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_core_attendance_costs_one_query_whatever_the_number_of_meetings(
    login, active_learning, django_assert_num_queries, size
):
    add_core(active_learning, size)
    add_meetings(active_learning, size, status=MeetingStatus.HELD, first=datetime.date(2027, 8, 1))
    for meeting in active_learning.meetings.all():
        meeting.attendees.set(core_of(active_learning)[:2])
    client = login("leader")
    # The network page's 8 (tests/test_network_detail.py) and who attended the held meetings: one
    # query for all of them.
    with django_assert_num_queries(9):
        assert client.get(active_learning.get_absolute_url()).status_code == 200
