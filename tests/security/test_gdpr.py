"""GDPR for participants: an administrator finds everything on one person by email, across every
network and the history (art. 15), anonymises it (art. 17) with a confirmation and a record of who
did it; `apply_retention` anonymises the participants of networks that ended long ago."""

import datetime
import io
import json

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from networks import gdpr, reporting, services
from networks.models import ActorCategory, Network, Participant, Status
from networks.reporting import figures
from networks.services import RoleRefused
from tests.factories import add_core, add_meetings

EMAIL = "Grethe.Hansen@Example.dk"
NAME = "Grethe Hansen"
ORGANISATION = "Ældresagen Albertslund"
COMMITMENT = "Jeg tager besøgsvennerne med i Ældresagen."


@pytest.fixture
def grethe(leader, other_leader, draft_welfare, draft_learning, others_network):
    """The same citizen in three networks of two leaders, once under an address she has changed since,
    with attendance and a commitment."""
    first = services.participant_add(
        network=draft_welfare,
        by=leader,
        name=NAME,
        email=EMAIL,
        organisation=ORGANISATION,
        actor_category=ActorCategory.CITIZEN,
        commitment=COMMITMENT,
    )
    second = services.participant_add(
        network=draft_learning,
        by=leader,
        name=NAME,
        email="grethe@gammel.dk",
        actor_category=ActorCategory.CITIZEN,
    )
    services.participant_update(participant=second, by=leader, email=EMAIL.upper())
    third = services.participant_add(
        network=others_network,
        by=other_leader,
        name="G. Hansen",
        email=EMAIL.lower(),
        actor_category="volunteer",
    )
    meeting = add_meetings(draft_learning, 1)[0]
    meeting.attendees.set([second])
    return [first, second, third]


@pytest.fixture
def others_network(other_leader, welfare_type):
    return services.network_create(by=other_leader, type=welfare_type, title="Tryghed", theme="Tryghed")


@pytest.fixture
def bystander(draft_welfare, leader):
    return services.participant_add(
        network=draft_welfare,
        by=leader,
        name="Ali Demir",
        email="ali@example.dk",
        organisation="Boligselskabet",
    )


def everything_stored() -> str:
    """Every participant row and every history row of participants, as one text to search."""
    rows = list(Participant.objects.values_list("name", "email", "organisation", "commitment"))
    rows += list(Participant.history.values_list("name", "email", "organisation", "commitment"))
    return json.dumps(rows, ensure_ascii=False).lower()


# --- Finding and exporting (art. 15) ---------------------------------------------------------------------


def test_a_person_is_found_by_email_in_every_network_and_in_the_history(grethe, bystander):
    records = gdpr.find_person("  grethe.hansen@EXAMPLE.dk ")
    assert {p.pk for p in records.participants} == {p.pk for p in grethe}
    assert len(records.networks) == 3
    # Including the row from before the learning network's address was changed.
    assert "grethe@gammel.dk" in {row.email for row in records.history}
    assert bystander.pk not in records.participant_ids


def test_an_old_address_finds_the_person_too(grethe):
    records = gdpr.find_person("grethe@gammel.dk")
    assert [p.pk for p in records.participants] == [grethe[1].pk]


def test_the_export_holds_the_participations_the_attendance_the_history_and_any_account(grethe, leader):
    leader.email = EMAIL
    leader.save()
    data = gdpr.export_data(gdpr.find_person(EMAIL))
    json.dumps(data)  # plain JSON
    assert len(data["deltagelser"]) == 3
    learning = next(p for p in data["deltagelser"] if p["deltager_id"] == grethe[1].pk)
    assert [m["titel"] for m in learning["moeder_deltaget_i"]] == ["Netværksmøde 1"]
    welfare = next(p for p in data["deltagelser"] if p["deltager_id"] == grethe[0].pk)
    assert (welfare["organisation"], welfare["commitment"]) == (ORGANISATION, COMMITMENT)
    assert {row["handling"] for row in data["historik"]} == {"oprettet", "ændret"}
    assert len(data["historik"]) == 4
    assert data["brugerkonti"][0]["brugernavn"] == "leder"


def test_the_csv_export_has_a_row_per_participation_and_history_row(grethe):
    text = gdpr.export_csv(gdpr.find_person(EMAIL))
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("kilde;deltager_id;netvaerk_id")
    assert sum(line.startswith("deltager;") for line in lines) == 3
    assert sum(line.startswith("historik;") for line in lines) == 4


def test_an_unknown_email_finds_nothing(grethe):
    assert not gdpr.find_person("nogen@andet.dk").found


# --- Erasing (art. 17) ------------------------------------------------------------------------------------


def test_erasing_removes_the_person_everywhere_including_the_history(grethe, bystander, administrator):
    result = gdpr.person_erase(email=EMAIL, by=administrator)
    assert (result.participants, result.networks) == (3, 3)
    stored = everything_stored()
    for trace in (
        NAME.lower(),
        "g. hansen",
        EMAIL.lower(),
        "grethe@gammel.dk",
        ORGANISATION.lower(),
        "besøgsvennerne",
    ):
        assert trace not in stored, trace
    # Nobody else is touched.
    bystander.refresh_from_db()
    assert (bystander.name, bystander.email) == ("Ali Demir", "ali@example.dk")
    assert not gdpr.find_person(EMAIL).found


def test_erasing_keeps_the_rows_so_the_reports_count_the_same(grethe, bystander, administrator):
    every_network = reporting.ReportFilter.from_params({})
    before = figures.participants(every_network)
    counts = Participant.objects.count()
    gdpr.person_erase(email=EMAIL, by=administrator)
    after = figures.participants(every_network)
    assert Participant.objects.count() == counts
    assert after["participations"] == before["participations"]
    assert after["people"] == before["people"]
    assert after["categories"] == before["categories"]
    assert after["people_in_several"] == before["people_in_several"]


def test_erasing_records_who_did_it_and_when_without_the_personal_data(grethe, administrator):
    gdpr.person_erase(email=EMAIL, by=administrator)
    entry = LogEntry.objects.get()
    assert entry.user == administrator
    assert "GDPR art. 17" in entry.change_message
    assert "grethe" not in (entry.change_message + entry.object_repr).lower()
    latest = Participant.history.filter(id=grethe[0].pk).order_by("-history_id").first()
    assert latest.history_user == administrator
    assert latest.history_change_reason == gdpr.ERASURE_REASON
    assert latest.name == gdpr.ANONYMISED_NAME


def test_erasing_a_deleted_participant_scrubs_its_history(draft_welfare, leader, administrator):
    participant = services.participant_add(network=draft_welfare, by=leader, name=NAME, email=EMAIL)
    services.participant_delete(participant=participant, by=leader)
    result = gdpr.person_erase(email=EMAIL, by=administrator)
    assert result.participants == 0 and result.history_rows == 2
    assert NAME.lower() not in everything_stored()


def test_erasing_twice_changes_nothing_the_second_time(grethe, administrator):
    gdpr.person_erase(email=EMAIL, by=administrator)
    stored = everything_stored()
    history = Participant.history.count()
    # The placeholder addresses are not the person's, so the second time finds nobody.
    result = gdpr.person_erase(email=EMAIL, by=administrator)
    assert (result.participants, result.history_rows) == (0, 0)
    assert everything_stored() == stored and Participant.history.count() == history


def test_erasing_works_on_closed_networks_too(grethe, leader, administrator):
    Network.objects.filter(pk=grethe[0].network_id).update(status=Status.CONCLUDED)
    gdpr.person_erase(email=EMAIL, by=administrator)
    grethe[0].refresh_from_db()
    assert grethe[0].name == gdpr.ANONYMISED_NAME


def test_only_administrators_may_erase(grethe, leader, direktoer):
    for who in (leader, direktoer):
        with pytest.raises(RoleRefused):
            gdpr.person_erase(email=EMAIL, by=who)
    assert NAME.lower() in everything_stored()


# --- The retention period ------------------------------------------------------------------------------


TODAY = datetime.date(2030, 6, 15)


def ended(network, *, status, months_ago: int, days: int = 0):
    """The network concluded or cancelled `months_ago` months (and `days` days) before TODAY."""
    when = timezone.make_aware(
        datetime.datetime.combine(gdpr._months_before(TODAY, months_ago), datetime.time(12))
        - datetime.timedelta(days=days)
    )
    if status == Status.CONCLUDED:
        Network.objects.filter(pk=network.pk).update(status=status, concluded_at=when)
    else:
        with time_machine.travel(when, tick=False):
            services.network_cancel(network=network, by=network.leader, comment="Stoppet")
    return network


@pytest.fixture
def ended_networks(leader, welfare_type, learning_type, settings):
    months = settings.PARTICIPANT_RETENTION_MONTHS

    def make(title, type_, **kwargs):
        network = services.network_create(by=leader, type=type_, title=title, theme="T")
        services.participant_add(
            network=network, by=leader, name=f"Person i {title}", email=f"{title}@example.dk"
        )
        add_core(network, 2)
        return ended(network, **kwargs) if kwargs else network

    return {
        "old_concluded": make("gammel", welfare_type, status=Status.CONCLUDED, months_ago=months, days=1),
        "old_cancelled": make(
            "annulleret", learning_type, status=Status.CANCELLED, months_ago=months, days=1
        ),
        "recent": make("nylig", welfare_type, status=Status.CONCLUDED, months_ago=months, days=-1),
        "open": make("aaben", learning_type),
    }


def names_in(network) -> list[str]:
    return sorted(network.participants.values_list("name", flat=True))


def test_retention_anonymises_the_participants_of_networks_ended_before_the_period(ended_networks):
    result = gdpr.apply_retention(today=TODAY)
    assert (result.networks, result.participants) == (2, 6)
    for key in ("old_concluded", "old_cancelled"):
        assert names_in(ended_networks[key]) == [gdpr.ANONYMISED_NAME] * 3, key
        rows = Participant.history.filter(network_id=ended_networks[key].pk)
        assert set(rows.values_list("name", flat=True)) == {gdpr.ANONYMISED_NAME}
    for key in ("recent", "open"):
        assert gdpr.ANONYMISED_NAME not in names_in(ended_networks[key]), key


def test_retention_is_idempotent(ended_networks):
    gdpr.apply_retention(today=TODAY)
    stored = everything_stored()
    again = gdpr.apply_retention(today=TODAY)
    assert (again.participants, again.history_rows) == (0, 0)
    assert everything_stored() == stored


def test_retention_records_why_without_a_user(ended_networks):
    gdpr.apply_retention(today=TODAY)
    latest = (
        Participant.history.filter(network_id=ended_networks["old_concluded"].pk)
        .order_by("-history_id")
        .first()
    )
    assert latest.history_change_reason == gdpr.RETENTION_REASON
    assert latest.history_user is None


@override_settings(PARTICIPANT_RETENTION_MONTHS=600)
def test_the_period_comes_from_the_setting(ended_networks):
    assert gdpr.apply_retention(today=TODAY).participants == 0


def test_the_command_has_a_dry_run_that_changes_nothing(ended_networks):
    stored = everything_stored()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", f"--today={TODAY.isoformat()}", stdout=out)
    assert "6 deltagere i 2 netværk" in out.getvalue() and "ville blive anonymiseret" in out.getvalue()
    assert everything_stored() == stored


def test_the_command_anonymises_and_says_so_in_danish(ended_networks, settings):
    out = io.StringIO()
    call_command("apply_retention", f"--today={TODAY.isoformat()}", stdout=out)
    text = out.getvalue()
    assert f"Opbevaringsfrist: {settings.PARTICIPANT_RETENTION_MONTHS} måneder" in text
    assert "6 deltagere i 2 netværk" in text and "er anonymiseret" in text
    out = io.StringIO()
    call_command("apply_retention", f"--today={TODAY.isoformat()}", stdout=out)
    assert "0 deltagere i 0 netværk og 0 historikrækker er anonymiseret" in out.getvalue()


def test_months_are_counted_in_calendar_months():
    assert gdpr._months_before(datetime.date(2030, 3, 31), 1) == datetime.date(2030, 2, 28)
    assert gdpr._months_before(datetime.date(2030, 1, 15), 24) == datetime.date(2028, 1, 15)


# --- The pages ------------------------------------------------------------------------------------------


def test_the_administrator_finds_a_person_on_the_page(client, administrator, grethe):
    client.force_login(administrator)
    assert client.get("/admin-vaerktoejer/persondata/").status_code == 200
    page = client.post("/admin-vaerktoejer/persondata/", {"email": EMAIL}).content.decode()
    assert "3 deltagelser" in page and "Frivillige mod ensomhed" in page and "Tryghed" in page
    assert "Hent som JSON" in page and "Anonymisér personen…" in page


def test_the_email_never_goes_in_the_address(client, administrator, grethe):
    client.force_login(administrator)
    page = client.post("/admin-vaerktoejer/persondata/", {"email": EMAIL}).content.decode()
    assert "?email=" not in page and 'method="get"' not in page.lower()


@pytest.mark.parametrize(("fmt", "content_type"), [("json", "application/json"), ("csv", "text/csv")])
def test_the_export_downloads_and_is_logged(client, administrator, grethe, fmt, content_type):
    client.force_login(administrator)
    response = client.post("/admin-vaerktoejer/persondata/udtraek/", {"email": EMAIL, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="persondata.{fmt}"'
    assert COMMITMENT in response.content.decode()
    assert "GDPR art. 15" in LogEntry.objects.get(user=administrator).change_message


def test_erasing_on_the_pages_takes_a_confirmation(client, administrator, grethe):
    client.force_login(administrator)
    url = "/admin-vaerktoejer/persondata/anonymiser/"
    confirm = client.post(url, {"email": EMAIL, "step": "confirm"})
    assert confirm.status_code == 200
    assert "3 deltagelser" in confirm.content.decode()
    assert NAME.lower() in everything_stored()  # nothing yet
    unticked = client.post(url, {"email": EMAIL, "step": "erase"})
    assert unticked.status_code == 400
    assert "Sæt hak for at bekræfte" in unticked.content.decode()
    assert NAME.lower() in everything_stored()
    done = client.post(url, {"email": EMAIL, "step": "erase", "confirm": "on"}, follow=True)
    assert "Personen er anonymiseret: 3 deltagelser i 3 netværk" in done.content.decode()
    assert NAME.lower() not in everything_stored()


@pytest.mark.parametrize("persona", ["leader", "direktoer"])
def test_only_administrators_reach_the_personal_data_pages(login, persona, grethe):
    client = login(persona)
    assert client.get("/admin-vaerktoejer/persondata/").status_code == 403
    assert client.post("/admin-vaerktoejer/persondata/", {"email": EMAIL}).status_code == 403
    assert (
        client.post("/admin-vaerktoejer/persondata/udtraek/", {"email": EMAIL, "format": "json"}).status_code
        == 403
    )
    erase = {"email": EMAIL, "step": "erase", "confirm": "on"}
    assert client.post("/admin-vaerktoejer/persondata/anonymiser/", erase).status_code == 403
    assert NAME.lower() in everything_stored()


# --- The privacy notice -----------------------------------------------------------------------------------


@override_settings(PARTICIPANT_RETENTION_MONTHS=18)
def test_the_privacy_notice_states_the_retention_period_and_the_rights(client, db):
    page = client.get("/privatliv/").content.decode()
    assert "gemmes oplysningerne om deltagerne i 18 måneder" in page
    for right in ("Indsigt (artikel 15)", "Sletning (artikel 17)", "Berigtigelse (artikel 16)"):
        assert right in page
    assert "historik" in page.lower()
