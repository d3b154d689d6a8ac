"""A running sprint: its first day is fixed, its last day moves only with a reason and never past the
type's maximum, and every move is recorded (`SprintChange`) and shown — on the network page, in its
history, in the report — the same through the service, the edit page, the API and the admin.

The sprint is the longest the type allows from 1 March 2027 (`active_welfare`); the moves are made
on 10 March 2027."""

import datetime

import pytest
from django.contrib.auth.models import User

from networks import audit, reporting, services
from networks.models import Network, SprintChange, Status
from tests.factories import TRACK_OUTCOMES, admin_inline_forms, api_url, as_user, at, sprint_of

MARCH_1 = datetime.date(2027, 3, 1)
MARCH_10 = datetime.date(2027, 3, 10)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _on_march_1(time_machine):
    """The sprint's first day, when `active_welfare` starts; `running` moves on to 10 March."""
    time_machine.move_to(at(MARCH_1, 9), tick=False)


@pytest.fixture
def last_allowed(welfare_type):
    """The last day the longest sprint from 1 March 2027 may have; `active_welfare` ends on it."""
    return sprint_of(welfare_type.sprint_max_days, MARCH_1)["sprint_end"]


@pytest.fixture
def running(active_welfare, last_allowed, time_machine):
    """The running sprint on 10 March 2027, with its last day a week before the latest allowed, so
    it can move."""
    time_machine.move_to(at(MARCH_10, 15, 32), tick=False)
    network = Network.objects.get(pk=active_welfare.pk)
    network.sprint_end = last_allowed - 7 * ONE_DAY
    network.save()  # with a history row, so the history shows the move from this day
    return network


def edit_url(network):
    return f"/netvaerk/{network.pk}/rediger/"


def stored(network):
    return Network.objects.get(pk=network.pk)


# --- The service --------------------------------------------------------------------------------


def test_the_last_day_moves_with_a_reason_and_the_move_is_recorded(running, leader, last_allowed):
    before = running.sprint_end

    services.network_update(
        network=running,
        by=leader,
        sprint_end=last_allowed,
        sprint_change_reason=" Borgerne bad om en uge mere. ",
    )

    assert stored(running).sprint_end == last_allowed
    (change,) = SprintChange.objects.filter(network=running)
    assert (change.previous_end, change.new_end, change.reason, change.changed_by) == (
        before,
        last_allowed,
        "Borgerne bad om en uge mere.",
        leader,
    )


def test_the_last_day_may_move_earlier_too(running, leader):
    earlier = running.sprint_end - ONE_DAY

    services.network_update(
        network=running, by=leader, sprint_end=earlier, sprint_change_reason="Færdige før tid."
    )

    assert SprintChange.objects.get(network=running).new_end == earlier


@pytest.mark.parametrize("reason", ["", "   "], ids=["no_reason", "spaces_only"])
def test_moving_the_last_day_without_a_reason_is_refused(running, leader, last_allowed, reason):
    before = running.sprint_end

    with pytest.raises(services.DomainError) as excinfo:
        services.network_update(
            network=running, by=leader, sprint_end=last_allowed, sprint_change_reason=reason
        )

    assert excinfo.value.code == "sprint_change_reason_required"
    assert [f.message for f in excinfo.value.findings] == [
        "Skriv, hvorfor sprintens sidste dag flyttes; begrundelsen gemmes i netværkets forløb."
    ]
    assert stored(running).sprint_end == before
    assert not SprintChange.objects.exists()


@pytest.mark.parametrize("days", [-1, 1], ids=["a_day_earlier", "a_day_later"])
def test_the_first_day_of_a_running_sprint_is_fixed(running, leader, days):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_update(
            network=running,
            by=leader,
            sprint_start=MARCH_1 + days * ONE_DAY,
            sprint_change_reason="Bedre start.",
        )

    assert excinfo.value.code == "sprint_start_fixed"
    assert excinfo.value.findings[0].message == (
        "Sprintens første dag ligger fast, når netværket er startet (den 1. marts 2027). "
        "Flyt i stedet sprintens sidste dag, hvis der er brug for mere tid."
    )
    assert stored(running).sprint_start == MARCH_1


def test_the_last_day_of_a_running_sprint_cannot_be_removed(running, leader):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_update(network=running, by=leader, sprint_end=None, sprint_change_reason="Uvist.")

    assert excinfo.value.code == "sprint_end_required"
    assert stored(running).sprint_end is not None


def test_the_last_day_moves_to_the_maximum_but_not_a_day_beyond(running, leader, last_allowed, welfare_type):
    with pytest.raises(services.ValidationError) as excinfo:
        services.network_update(
            network=running, by=leader, sprint_end=last_allowed + ONE_DAY, sprint_change_reason="Mere tid."
        )

    most = welfare_type.sprint_max_days
    assert excinfo.value.message_dict["sprint_end"] == [
        f"Sprinten må højst vare {most} dage, første og sidste dag medregnet; den valgte varer {most + 1} "
        f"dage. Flyt den sidste dag til senest {last_allowed:%d.%m.%Y}."
    ]
    assert not SprintChange.objects.exists()


def test_other_changes_need_no_reason_and_record_no_move(running, leader):
    services.network_update(
        network=running, by=leader, purpose="Mindre ensomhed.", sprint_end=running.sprint_end
    )

    assert stored(running).purpose == "Mindre ensomhed."
    assert not SprintChange.objects.exists()


def test_a_draft_moves_its_sprint_freely(draft_welfare, leader):
    services.network_update(network=draft_welfare, by=leader, **sprint_of(10, MARCH_10))
    services.network_update(network=draft_welfare, by=leader, **sprint_of(14, MARCH_10 + ONE_DAY))

    assert stored(draft_welfare).sprint_start == MARCH_10 + ONE_DAY
    assert not SprintChange.objects.exists()


def test_a_concluded_networks_sprint_is_read_only(running, leader, last_allowed):
    services.network_conclude(
        network=running, by=leader, outcome_summary="Færdig.", track_outcomes=TRACK_OUTCOMES
    )

    with pytest.raises(services.DomainError) as excinfo:
        services.network_update(
            network=running, by=leader, sprint_end=last_allowed, sprint_change_reason="Mere."
        )

    assert excinfo.value.code == "read_only"
    assert not SprintChange.objects.exists()


# --- The edit page -----------------------------------------------------------------------------


def edit_form(network, **changes):
    data = {
        "title": network.title,
        "theme": network.theme,
        "purpose": network.purpose,
        "mandate": network.mandate,
        "mandate_clarified": "on",
        "sprint_start": network.sprint_start.isoformat(),
        "sprint_end": network.sprint_end.isoformat(),
        **{f"track_plans_{track}": text for track, text in network.track_plans.items()},
    }
    return {**data, **changes}


def test_the_edit_page_asks_why_the_last_day_moves_only_while_the_sprint_runs(login, running, draft_learning):
    page = login("leader").get(edit_url(running)).content.decode()
    assert 'for="id_sprint_change_reason"' in page
    assert "Hvorfor flyttes sprintens sidste dag?" in page
    Network.objects.filter(pk=running.pk).update(status=Status.DRAFT)
    assert "sprint_change_reason" not in login("leader").get(edit_url(running)).content.decode()


def test_the_edit_page_moves_the_last_day_with_a_reason(login, running, leader, last_allowed):
    response = login("leader").post(
        edit_url(running),
        edit_form(
            running, sprint_end=last_allowed.isoformat(), sprint_change_reason="Borgerne bad om mere tid."
        ),
    )

    assert response.status_code == 302
    assert SprintChange.objects.get(network=running).reason == "Borgerne bad om mere tid."


def test_the_edit_page_refuses_a_move_without_a_reason_on_the_reason_field(login, running, last_allowed):
    response = login("leader").post(
        edit_url(running), edit_form(running, sprint_end=last_allowed.isoformat())
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_sprint_change_reason_error"' in page
    assert "Skriv, hvorfor sprintens sidste dag flyttes; begrundelsen gemmes i netværkets forløb." in page
    assert stored(running).sprint_end == running.sprint_end


def test_the_edit_page_refuses_a_new_first_day_on_that_field(login, running):
    response = login("leader").post(
        edit_url(running),
        edit_form(running, sprint_start=MARCH_10.isoformat(), sprint_change_reason="Senere."),
    )

    page = response.content.decode()
    assert 'id="id_sprint_start_error"' in page
    assert "Sprintens første dag ligger fast, når netværket er startet (den 1. marts 2027)." in page
    assert stored(running).sprint_start == MARCH_1


def test_the_edit_page_of_someone_elses_network_is_404(login, running, other_leader):
    response = login("other_leader").post(
        edit_url(running), edit_form(running, sprint_end=MARCH_10.isoformat(), sprint_change_reason="Kapret.")
    )

    assert response.status_code == 404
    assert not SprintChange.objects.exists()


# --- The network page and its history ----------------------------------------------------------


def test_the_network_page_shows_each_move(login, running, leader, last_allowed):
    before = running.sprint_end
    services.network_update(
        network=running, by=leader, sprint_end=last_allowed, sprint_change_reason="Borgerne bad om mere tid."
    )

    page = login("leader").get(running.get_absolute_url()).content.decode()

    assert (
        f"Sprinten er flyttet: sidste dag fra den {before.day}. marts 2027 til den "
        f"{last_allowed.day}. marts 2027 – Borgerne bad om mere tid. – af {leader.get_full_name()} "
        "den 10. marts 2027 kl. 15.32"
    ) in " ".join(page.split())


def test_the_history_shows_the_move_with_its_reason(running, leader, last_allowed):
    services.network_update(
        network=running, by=leader, sprint_end=last_allowed, sprint_change_reason="Mere tid."
    )

    entries, _total = audit.network_history(running, limit=10)

    moved = entries[0]  # the newest
    assert (moved.kind, moved.action, moved.changes, moved.reason) == (
        "Netværket",
        "ændret",
        ["Sprintens sidste dag"],
        "Mere tid.",
    )


def test_the_network_page_query_count_with_moves(
    login, running, leader, last_allowed, django_assert_num_queries
):
    for end in (last_allowed, last_allowed - ONE_DAY):
        services.network_update(network=running, by=leader, sprint_end=end, sprint_change_reason="Flyttet.")
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings, decisions, status
    # changes, the sprint's moves with who moved it
    with django_assert_num_queries(9):
        assert client.get(running.get_absolute_url()).status_code == 200


# --- The API ------------------------------------------------------------------------------------


def test_the_api_moves_the_last_day_with_a_write_only_reason(leader, running, last_allowed):
    response = as_user(leader).patch(
        api_url(f"networks/{running.pk}/"),
        {"sprint_end": last_allowed.isoformat(), "sprint_change_reason": "Mere tid."},
        format="json",
    )

    assert response.status_code == 200
    assert "sprint_change_reason" not in response.json()
    assert SprintChange.objects.get(network=running).reason == "Mere tid."


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"sprint_end": "2027-03-28"}, "sprint_change_reason_required"),
        ({"sprint_start": "2027-03-02", "sprint_change_reason": "Senere."}, "sprint_start_fixed"),
    ],
    ids=["no_reason", "new_first_day"],
)
def test_the_api_refuses_with_409_and_the_code(leader, running, change, code):
    response = as_user(leader).patch(api_url(f"networks/{running.pk}/"), change, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code
    assert response.json()["detail"] == "Sprinten kan ikke ændres sådan, mens netværket kører. Ret først:"
    assert not SprintChange.objects.exists()


def test_the_api_refuses_a_move_past_the_maximum_with_400(leader, running, last_allowed):
    response = as_user(leader).patch(
        api_url(f"networks/{running.pk}/"),
        {"sprint_end": (last_allowed + ONE_DAY).isoformat(), "sprint_change_reason": "Mere tid."},
        format="json",
    )

    assert response.status_code == 400
    assert "sprint_end" in response.json()
    assert not SprintChange.objects.exists()


def test_a_move_through_the_api_costs_one_query_more_than_another_change(
    leader, running, last_allowed, django_assert_num_queries
):
    client = as_user(leader)
    url = api_url(f"networks/{running.pk}/")
    # The PATCH of any other field: token, user, groups, the network and its rows, the locked row,
    # the save and its history row, the answer's findings (24 in all); a move adds the SprintChange row.
    with django_assert_num_queries(24):
        assert client.patch(url, {"purpose": "Mindre ensomhed."}, format="json").status_code == 200
    with django_assert_num_queries(25):
        body = {"sprint_end": last_allowed.isoformat(), "sprint_change_reason": "Mere tid."}
        assert client.patch(url, body, format="json").status_code == 200


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, running):
    client.force_login(User.objects.create_superuser("chef", password="pw"))
    return client


def admin_form(network, **changes):
    data = {
        "title": network.title,
        "theme": network.theme,
        "purpose": network.purpose,
        "type": network.type_id,
        "leader": network.leader_id,
        "mandate": network.mandate,
        "mandate_clarified": "on",
        "track_plans": '{"innovation": "Tre forsøg."}',
        "track_outcomes": "{}",
        "sprint_start": network.sprint_start.strftime("%d.%m.%Y"),
        "sprint_end": network.sprint_end.strftime("%d.%m.%Y"),
    }
    return {**data, **admin_inline_forms(), **changes}


def admin_url(network):
    return f"/admin/networks/network/{network.pk}/change/"


def test_the_admin_refuses_a_move_without_a_reason(admin_client, running, last_allowed):
    response = admin_client.post(
        admin_url(running), admin_form(running, sprint_end=f"{last_allowed:%d.%m.%Y}")
    )

    assert response.status_code == 200
    assert "Skriv, hvorfor sprintens sidste dag flyttes" in response.content.decode()
    assert stored(running).sprint_end == running.sprint_end
    assert not SprintChange.objects.exists()


def test_the_admin_refuses_a_new_first_day(admin_client, running):
    response = admin_client.post(
        admin_url(running),
        admin_form(running, sprint_start=f"{MARCH_10:%d.%m.%Y}", sprint_change_reason="Senere."),
    )

    assert response.status_code == 200
    assert "Sprintens første dag ligger fast" in response.content.decode()
    assert stored(running).sprint_start == MARCH_1


def test_the_admin_moves_the_last_day_with_a_reason_and_records_it(admin_client, running, last_allowed):
    response = admin_client.post(
        admin_url(running),
        admin_form(
            running, sprint_end=f"{last_allowed:%d.%m.%Y}", sprint_change_reason="Aftalt med lederen."
        ),
    )

    assert response.status_code == 302
    change = SprintChange.objects.get(network=running)
    assert (change.new_end, change.reason, change.changed_by.username) == (
        last_allowed,
        "Aftalt med lederen.",
        "chef",
    )
    assert "Aftalt med lederen." in admin_client.get(admin_url(running)).content.decode()


# --- The report ----------------------------------------------------------------------------------


def test_the_report_counts_the_moved_sprints_and_the_moves(
    running, leader, last_allowed, other_leader, welfare_type
):
    for end in (last_allowed, last_allowed - ONE_DAY):
        services.network_update(network=running, by=leader, sprint_end=end, sprint_change_reason="Flyttet.")
    # Another leader's welfare network, never moved: in the selection, not in the figure.
    services.network_create(by=other_leader, type=welfare_type, title="Uflyttet", theme="Tema")

    def figure(**params):
        return reporting.summary(reporting.ReportFilter.from_params(params), today=MARCH_10)["sprint_changes"]

    assert figure() == {"networks": 1, "moves": 2}
    assert figure(type="learning") == {"networks": 0, "moves": 0}
    assert figure(leder=str(other_leader.pk)) == {"networks": 0, "moves": 0}
    # Moves made before the period do not count in it.
    assert figure(fra=(MARCH_10 + ONE_DAY).isoformat()) == {"networks": 0, "moves": 0}


def test_the_report_page_shows_the_figure(client, administrator, running, leader, last_allowed):
    services.network_update(
        network=running, by=leader, sprint_end=last_allowed, sprint_change_reason="Flyttet."
    )
    client.force_login(administrator)

    page = " ".join(client.get("/rapporter/").content.decode().split())

    assert "Sprinter flyttet" in page
    assert 'Netværk med flyttet sprint</dt><dd class="col-sm-8">1</dd>' in page
