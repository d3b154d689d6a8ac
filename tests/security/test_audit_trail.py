"""The audit trail (django-simple-history): every create, change and delete of networks,
participants, meetings and decisions, with who and when, shown as "Historik" on a page of its own
(/netvaerk/<id>/historik/, linked from the network's page) to its leader and to administrators."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from networks import audit, services
from networks.models import Decision, Meeting, Network, Participant
from tests.factories import add_core, ready_to_start, sprint_of


def history_of(model, **filters):
    return list(model.history.filter(**filters).order_by("history_date", "history_id"))


def page(client, network, **query) -> str:
    response = client.get(f"/netvaerk/{network.pk}/historik/", query)
    assert response.status_code == 200
    return response.content.decode()


def historik(html: str) -> str:
    match = re.search(r'<section aria-labelledby="aendringer".*?</section>', html, flags=re.DOTALL)
    return match.group(0) if match else ""


# --- What is recorded ------------------------------------------------------------------------------


def test_creating_changing_and_deleting_on_the_pages_records_who_and_when(client, leader, welfare_type):
    client.force_login(leader)
    before = timezone.now()
    client.post("/netvaerk/ny/?type=welfare", {"title": "Frivillige", "theme": "Frivillighed"})
    network = Network.objects.get(title="Frivillige")
    client.post(
        f"/netvaerk/{network.pk}/rediger/", {"title": "Frivillige mod ensomhed", "theme": "Frivillighed"}
    )
    client.post(
        f"/netvaerk/{network.pk}/deltagere/ny/",
        {"name": "Grethe", "actor_category": "citizen", "role": "core"},
    )
    participant = network.participants.get()
    client.post(
        f"/netvaerk/{network.pk}/deltagere/{participant.pk}/rediger/",
        {"name": "Grethe Hansen", "actor_category": "citizen", "role": "core"},
    )

    rows = history_of(Network, id=network.pk)
    assert [row.history_type for row in rows] == ["+", "~"]
    assert [row.title for row in rows] == ["Frivillige", "Frivillige mod ensomhed"]
    assert {row.history_user for row in rows} == {leader}
    assert all(row.history_date >= before for row in rows)
    people = history_of(Participant, id=participant.pk)
    assert [(row.history_type, row.name, row.history_user) for row in people] == [
        ("+", "Grethe", leader),
        ("~", "Grethe Hansen", leader),
    ]


def test_changes_through_the_api_record_the_token_user(leader, welfare_type):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader).key}")
    created = api.post(
        "/api/v1/networks/", {"title": "Via API", "theme": "T", "type": "welfare"}, format="json"
    )
    pk = created.json()["id"]
    participant = api.post(f"/api/v1/networks/{pk}/participants/", {"name": "Ali"}, format="json").json()
    api.delete(f"/api/v1/participants/{participant['id']}/")
    rows = history_of(Participant, id=participant["id"])
    assert [(row.history_type, row.history_user) for row in rows] == [("+", leader), ("-", leader)]
    assert history_of(Network, id=pk)[0].history_user == leader


def test_a_meeting_is_recorded_when_created_changed_its_attendance_changed_and_deleted(
    draft_learning, leader
):
    add_core(draft_learning, 2)
    start = timezone.make_aware(datetime.datetime(2027, 2, 1, 9))
    meeting = services.meeting_create(network=draft_learning, by=leader, title="Møde 1", starts_at=start)
    services.meeting_update(meeting=meeting, by=leader, location="Rådhuset")
    services.meeting_update(meeting=meeting, by=leader, attendees=list(draft_learning.participants.all()))
    pk = meeting.pk
    services.meeting_delete(meeting=meeting, by=leader)
    rows = history_of(Meeting, id=pk)
    assert [row.history_type for row in rows][0] == "+" and rows[-1].history_type == "-"
    assert any(row.location == "Rådhuset" for row in rows)
    # The attendance is kept with the meeting's history rows.
    assert any(row.attendees.count() == 2 for row in rows)


def test_deleting_a_draft_network_records_the_network_and_its_participants_as_deleted(draft_welfare, leader):
    add_core(draft_welfare, 2)
    ids = list(draft_welfare.participants.values_list("pk", flat=True))
    services.network_delete(network=draft_welfare, by=leader)
    assert history_of(Network, id=draft_welfare.pk)[-1].history_type == "-"
    for pk in ids:
        assert history_of(Participant, id=pk)[-1].history_type == "-"


def test_a_decision_has_one_history_row_and_still_refuses_change_and_deletion(
    submitted_innovation, direktoer
):
    network = ready_to_start(submitted_innovation)
    decision = services.network_approve(network=network, by=direktoer)
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    with pytest.raises(ValidationError):
        Decision.objects.filter(pk=decision.pk).update(comment="ændret")
    with pytest.raises(ValidationError):
        Decision.objects.filter(pk=decision.pk).delete()
    rows = history_of(Decision, id=decision.pk)
    assert [(row.history_type, row.outcome) for row in rows] == [("+", "approved")]


# --- "Historik", the trail's own page ------------------------------------------------------------------


def test_the_leader_sees_the_history_with_who_did_what(client, leader, draft_welfare):
    services.network_update(network=draft_welfare, by=leader, title="Nyt navn")
    services.participant_add(network=draft_welfare, by=leader, name="Grethe Hansen", actor_category="citizen")
    client.force_login(leader)
    section = historik(page(client, draft_welfare))
    assert '<h1 class="h2" id="aendringer">Historik</h1>' in section
    assert "Deltager “Grethe Hansen” oprettet" in section
    assert "Netværket “Nyt navn” ændret" in section
    assert "Titel" in section


def test_a_status_change_shows_from_and_to(client, leader, draft_welfare, welfare_type):
    network = services.network_update(
        network=ready_to_start(draft_welfare), by=leader, **sprint_of(welfare_type.sprint_max_days)
    )
    services.network_start(network=network, by=leader)
    client.force_login(leader)
    assert "Status: Kladde → Aktiv" in historik(page(client, draft_welfare))


def test_an_administrator_sees_the_history(client, administrator, draft_welfare):
    client.force_login(administrator)
    assert "Historik" in historik(page(client, draft_welfare))


def test_the_network_page_links_to_the_history_for_those_who_may_see_it(client, leader, draft_welfare):
    client.force_login(leader)
    html = client.get(f"/netvaerk/{draft_welfare.pk}/").content.decode()
    assert f'<a href="/netvaerk/{draft_welfare.pk}/historik/">Se historikken' in html


def test_direktoerforum_does_not_see_the_history(client, direktoer, submitted_innovation):
    client.force_login(direktoer)
    html = client.get(f"/netvaerk/{submitted_innovation.pk}/").content.decode()
    assert "/historik/" not in html
    # The network is Direktørforum's to see; its trail is not, and answers as if it did not exist.
    assert client.get(f"/netvaerk/{submitted_innovation.pk}/historik/").status_code == 404


@pytest.mark.parametrize("persona", ["other_leader", "anonymous"])
def test_no_one_else_reaches_the_history(client, draft_welfare, persona, other_leader):
    if persona == "other_leader":
        client.force_login(other_leader)
        assert client.get(f"/netvaerk/{draft_welfare.pk}/historik/").status_code == 404
    else:
        response = client.get(f"/netvaerk/{draft_welfare.pk}/historik/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_history_rejects_post(client, leader, draft_welfare):
    client.force_login(leader)
    assert client.post(f"/netvaerk/{draft_welfare.pk}/historik/").status_code == 405


def test_changes_without_a_user_are_shown_as_made_by_the_system(client, leader, draft_welfare):
    # No request behind the change (a scheduled job): simple-history records no user.
    participant = add_core(draft_welfare, 1)[0]
    participant.name = "Ændret af et job"
    participant.save()
    client.force_login(leader)
    assert "Systemet" in historik(page(client, draft_welfare))


def test_the_page_shows_the_latest_entries_and_how_many_there_are(client, leader, draft_welfare):
    size = settings.AUDIT_HISTORY_ROWS
    for i in range(size + 10):
        services.network_update(network=draft_welfare, by=leader, purpose=f"Formål {i}")
    total = size + 11  # the creation and the changes
    client.force_login(leader)
    section = historik(page(client, draft_welfare))
    assert f"Ændring 1–{size} af {total}, nyeste først." in section
    assert section.count("<tr>") == size + 1  # and the header row
    entries, counted = audit.network_history(draft_welfare, limit=size)
    assert counted == total
    assert entries[0].changes == ["Formål"]


def test_the_whole_trail_comes_a_page_at_a_time(client, leader, draft_welfare):
    size = settings.AUDIT_HISTORY_ROWS
    for i in range(size + 10):
        services.network_update(network=draft_welfare, by=leader, purpose=f"Formål {i}")
    total = size + 11
    client.force_login(leader)
    first = historik(page(client, draft_welfare))
    assert 'href="?side=2">Ældre</a>' in first and "Nyere" not in first
    second = historik(page(client, draft_welfare, side=2))
    assert f"Ændring {size + 1}–{total} af {total}, nyeste først." in second
    assert second.count("<tr>") == 11 + 1
    assert 'href="?side=1">Nyere</a>' in second and "Ældre" not in second
    # The oldest entry, the creation, is last on the last page.
    assert "Netværket “Frivillige mod ensomhed” oprettet" in second.rsplit("<tr>", 1)[1]
    # Together the two pages are the whole trail, each entry once.
    whole, _total = audit.network_history(draft_welfare, limit=total)
    paged = audit.network_history(draft_welfare, limit=size)[0]
    paged += audit.network_history(draft_welfare, limit=size, offset=size)[0]
    assert paged == whole
    # Past the end: an empty page says so and leads back; a malformed page number is page 1.
    assert "Tilbage til de nyeste ændringer" in page(client, draft_welfare, side=9)
    assert f"Ændring 1–{size} af {total}" in page(client, draft_welfare, side="x²")


def test_the_history_costs_a_bounded_number_of_queries_however_long_it_is(
    client, leader, learning_type, django_assert_num_queries
):
    def network_with(changes: int) -> Network:
        network = services.network_create(by=leader, type=learning_type, title="Læring", theme="T")
        add_core(network, 3)
        for i in range(changes):
            services.network_update(network=network, by=leader, purpose=f"Formål {i}")
            participant = network.participants.first()
            services.participant_update(participant=participant, by=leader, organisation=f"Org {i}")
        return network

    client.force_login(leader)
    small, large = network_with(1), network_with(40)
    client.get(f"/netvaerk/{small.pk}/historik/")
    # session, user, groups, the network with its participants and meetings, then a page of rows
    # from each of the four history tables, each row with the values before it from the same
    # query; no attendance (no meeting changed)
    with django_assert_num_queries(10):
        client.get(f"/netvaerk/{small.pk}/historik/")
    with django_assert_num_queries(10):
        client.get(f"/netvaerk/{large.pk}/historik/")
    with django_assert_num_queries(10):
        client.get(f"/netvaerk/{large.pk}/historik/", {"side": 3})
    # A changed meeting on the page adds the attendance, once, however many meetings changed.
    start = timezone.make_aware(datetime.datetime(2027, 2, 1, 9))
    for i in range(3):
        meeting = services.meeting_create(network=large, by=leader, title=f"Møde {i}", starts_at=start)
        services.meeting_update(meeting=meeting, by=leader, attendees=list(large.participants.all()[:2]))
    with django_assert_num_queries(11):
        html = client.get(f"/netvaerk/{large.pk}/historik/").content.decode()
    assert html.count("Fremmødte") >= 3
    # The network's own page reads none of the trail: the same queries with a long history as with
    # a short one.
    with django_assert_num_queries(8):
        client.get(f"/netvaerk/{small.pk}/")
    with django_assert_num_queries(8):
        client.get(f"/netvaerk/{large.pk}/")


def test_the_attendance_of_a_meeting_shows_as_changed(client, leader, draft_learning):
    add_core(draft_learning, 2)
    start = timezone.make_aware(datetime.datetime(2027, 2, 1, 9))
    meeting = services.meeting_create(network=draft_learning, by=leader, title="Møde 1", starts_at=start)
    services.meeting_update(meeting=meeting, by=leader, attendees=list(draft_learning.participants.all()))
    entries, _total = audit.network_history(draft_learning, limit=5)
    meeting_changes = [e for e in entries if e.kind == "Møde" and e.action == "ændret"]
    assert any("Fremmødte" in e.changes for e in meeting_changes)


# --- The admin shows history but never restores it ----------------------------------------------------


def test_the_admin_shows_a_networks_history(admin_client, draft_welfare):
    response = admin_client.get(f"/admin/networks/network/{draft_welfare.pk}/history/")
    assert response.status_code == 200


def test_a_superuser_cannot_restore_an_old_version_from_the_admin(client, leader, draft_welfare):
    from django.contrib.auth.models import User

    services.network_update(network=draft_welfare, by=leader, title="Nyt navn")
    first = history_of(Network, id=draft_welfare.pk)[0]
    superuser = User.objects.create_superuser("chef", password="pw")
    client.force_login(superuser)
    url = f"/admin/networks/network/{draft_welfare.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": first.title, "theme": first.theme, "type": first.type_id})
    assert response.status_code == 403
    draft_welfare.refresh_from_db()
    assert draft_welfare.title == "Nyt navn"
