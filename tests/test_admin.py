"""The admin shows every model in Danish with each network's findings, and keeps the record permanent."""

import datetime

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import User
from django.utils import timezone

import networks.admin
from networks import services
from networks.models import Meeting, MeetingStatus, Network
from networks.rules.base import blocks, warns
from networks.text import CONTROL_CHARACTER_MESSAGE, LINE_BREAK_MESSAGE
from tests.factories import add_meetings, fresh


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("chef", password="pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_model_is_registered_in_danish(admin_client, network_types):
    page = admin_client.get("/admin/").content.decode()
    for label in (
        "Netværkstyper",
        "Netværk",
        "Deltagere",
        "Møder",
        "Beslutninger",
        "Statusændringer",
        "Ændringsanmodninger",
        "Flytninger af sprinten",
        "Opfølgninger",
    ):
        assert label in page


@pytest.mark.parametrize("model", ["changerequest", "sprintchange", "followup"])
def test_change_requests_sprint_moves_and_follow_ups_are_read_only_records_in_the_admin(admin_client, model):
    # Asked for, decided and answered on the app's own pages, where the rules are checked.
    assert admin_client.get(f"/admin/networks/{model}/").status_code == 200
    assert admin_client.get(f"/admin/networks/{model}/add/").status_code == 403


def test_an_administrator_sets_the_whole_life_parameters_of_a_type(admin_client, learning_type):
    url = f"/admin/networks/networktype/{learning_type.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    assert {"sprint_start_grace_days", "min_meeting_gap_days", "follow_up_months"} <= set(form.fields)


def test_network_change_page_shows_the_findings(admin_client, draft_welfare):
    page = admin_client.get(f"/admin/networks/network/{draft_welfare.pk}/change/").content.decode()
    assert "Bemærkninger" in page
    assert "Fastlæg sprintens første og sidste dag, før netværket starter." in page


def test_network_list_summarises_findings_in_a_fixed_number_of_queries(
    admin_client, draft_welfare, draft_learning, submitted_innovation, django_assert_max_num_queries
):
    # session, user, count, list with type and leader, participants, meetings, filters' choices ...
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/networks/network/").content.decode()
    assert "blokerende" in page


@pytest.mark.parametrize(
    ("blocking", "warning", "summary"),
    [
        (1, 1, "1 blokerende, 1 advarsel"),
        (2, 3, "2 blokerende, 3 advarsler"),
        (0, 0, "0 blokerende, 0 advarsler"),
    ],
)
def test_the_findings_summary_says_advarsel_for_one_and_advarsler_otherwise(
    monkeypatch, draft_welfare, blocking, warning, summary
):
    found = [blocks(f"b{i}", "Blokerer.") for i in range(blocking)]
    found += [warns(f"w{i}", "Advarer.") for i in range(warning)]
    monkeypatch.setattr(networks.admin.rules, "findings", lambda network: found)
    network_admin = networks.admin.NetworkAdmin(Network, django_admin.site)
    assert network_admin.findings_summary(draft_welfare) == summary


def test_a_submitted_network_cannot_be_changed_in_the_admin(admin_client, submitted_innovation):
    url = f"/admin/networks/network/{submitted_innovation.pk}/change/"
    response = admin_client.post(url, {"title": "Ændret"})
    assert response.status_code == 403
    submitted_innovation.refresh_from_db()
    assert submitted_innovation.title == "Velfærd med frivillige"


def test_networks_are_not_added_in_the_admin(admin_client, network_types):
    assert admin_client.get("/admin/networks/network/add/").status_code == 403


def test_decisions_can_be_viewed_but_never_changed_or_deleted(admin_client, submitted_innovation, direktoer):
    decision = services.network_approve(network=submitted_innovation, by=direktoer)
    base = f"/admin/networks/decision/{decision.pk}"
    assert admin_client.get(f"{base}/change/").status_code == 200
    assert admin_client.post(f"{base}/change/", {"comment": "ændret"}).status_code == 403
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/networks/decision/add/").status_code == 403
    decision.refresh_from_db()
    assert decision.comment == ""


def _meeting_inline_data(network, meetings, new_count):
    data = {
        "title": network.title,
        "theme": network.theme,
        "purpose": network.purpose,
        "type": network.type_id,
        "leader": network.leader_id,
        "mandate": network.mandate,
        "track_plans": "{}",
        "track_outcomes": "{}",
        "participants-TOTAL_FORMS": 0,
        "participants-INITIAL_FORMS": 0,
        "meetings-TOTAL_FORMS": len(meetings) + new_count,
        "meetings-INITIAL_FORMS": len(meetings),
        "decisions-TOTAL_FORMS": 0,
        "decisions-INITIAL_FORMS": 0,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
        "sprint_changes-TOTAL_FORMS": 0,
        "sprint_changes-INITIAL_FORMS": 0,
    }
    start = timezone.make_aware(datetime.datetime(2027, 6, 1, 9))
    rows = [(m.pk, m.title, m.starts_at) for m in meetings] + [
        ("", f"Nyt møde {i}", start + datetime.timedelta(days=7 * i)) for i in range(new_count)
    ]
    for i, (pk, title, starts) in enumerate(rows):
        local = timezone.localtime(starts)
        data.update(
            {
                f"meetings-{i}-id": pk,
                f"meetings-{i}-network": network.pk,
                f"meetings-{i}-title": title,
                f"meetings-{i}-starts_at_0": local.strftime("%d.%m.%Y"),
                f"meetings-{i}-starts_at_1": local.strftime("%H:%M:%S"),
                f"meetings-{i}-status": MeetingStatus.PLANNED,
            }
        )
    return data


def test_two_meetings_added_at_once_in_the_admin_cannot_pass_the_maximum(admin_client, draft_learning):
    most = draft_learning.type.max_meetings
    meetings = add_meetings(draft_learning, most - 1)
    url = f"/admin/networks/network/{draft_learning.pk}/change/"
    response = admin_client.post(url, _meeting_inline_data(draft_learning, meetings, 2))
    assert response.status_code == 200
    assert f"Mødeplanen kan højst have {most} netværksmøder" in response.content.decode()
    assert Meeting.objects.filter(network=draft_learning).count() == most - 1


def test_the_last_allowed_meeting_can_be_added_in_the_admin(admin_client, draft_learning):
    most = draft_learning.type.max_meetings
    meetings = add_meetings(draft_learning, most - 1)
    url = f"/admin/networks/network/{draft_learning.pk}/change/"
    response = admin_client.post(url, _meeting_inline_data(draft_learning, meetings, 1))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Meeting.objects.filter(network=draft_learning).count() == most


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Hvem er\nde frivillige?"}, LINE_BREAK_MESSAGE),
        ({"purpose": "Lær\x1b sammen."}, CONTROL_CHARACTER_MESSAGE),
        ({"meetings-0-title": "Nyt\tmøde"}, CONTROL_CHARACTER_MESSAGE),
    ],
    ids=["line-break-in-title", "escape-in-purpose", "tab-in-a-meetings-title"],
)
def test_the_admin_refuses_what_the_pages_refuse_in_text(admin_client, draft_learning, change, message):
    url = f"/admin/networks/network/{draft_learning.pk}/change/"
    response = admin_client.post(url, {**_meeting_inline_data(draft_learning, [], 1), **change})

    assert response.status_code == 200
    assert str(message) in response.content.decode()
    assert fresh(draft_learning).title == "Hvem er de frivillige?"
    assert not Meeting.objects.filter(network=draft_learning).exists()


# --- Deleting: the same rule as `services.network_delete` ---------------------------------------


def _delete_url(network):
    return f"/admin/networks/network/{network.pk}/delete/"


def _delete_selected(client, *networks):
    """The list's "Slet valgte" action, confirmed."""
    selected = [network.pk for network in networks]
    return client.post(
        "/admin/networks/network/", {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )


def _assert_not_deletable(client, network):
    assert client.get(_delete_url(network)).status_code == 403
    assert client.post(_delete_url(network), {"post": "yes"}).status_code == 403
    assert Network.objects.filter(pk=network.pk).exists()


def test_the_admin_deletes_a_draft_that_never_went_anywhere(admin_client, draft_learning):
    add_meetings(draft_learning, 2)
    assert admin_client.get(_delete_url(draft_learning)).status_code == 200
    response = admin_client.post(_delete_url(draft_learning), {"post": "yes"})
    assert response.status_code == 302
    assert not Network.objects.filter(pk=draft_learning.pk).exists()
    assert not Meeting.objects.filter(network_id=draft_learning.pk).exists()


def test_the_admin_refuses_to_delete_a_cancelled_network(admin_client, draft_welfare, leader):
    services.network_cancel(network=draft_welfare, by=leader, comment="Droppet.")
    _assert_not_deletable(admin_client, draft_welfare)


def test_the_admin_refuses_to_delete_a_draft_sent_back_by_direktoerforum(
    admin_client, submitted_innovation, direktoer
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skarpere formål.")
    _assert_not_deletable(admin_client, submitted_innovation)


def test_deleting_a_selection_of_drafts_that_never_went_anywhere_deletes_them(
    admin_client, draft_welfare, draft_learning
):
    assert _delete_selected(admin_client, draft_welfare, draft_learning).status_code == 302
    assert not Network.objects.filter(pk__in=[draft_welfare.pk, draft_learning.pk]).exists()


def test_deleting_a_selection_with_one_network_that_may_not_go_deletes_none(
    admin_client, draft_welfare, draft_learning, leader
):
    services.network_cancel(network=draft_welfare, by=leader, comment="Droppet.")
    assert _delete_selected(admin_client, draft_welfare, draft_learning).status_code == 403
    assert Network.objects.filter(pk__in=[draft_welfare.pk, draft_learning.pk]).count() == 2
