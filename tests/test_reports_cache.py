"""The report page's figures are kept in the shared cache, and a change shows on the next request."""

import pytest
from django.conf import settings

from networks import reports, services
from networks.models import ActorCategory, Participant
from tests.test_reports_page import URL, admin_client, on_the_day, world  # noqa: F401

pytestmark = pytest.mark.django_db


def figures(client, **params):
    return client.get(URL, params).context["figures"]


def test_the_cache_is_shared_by_every_app_server():
    # A table in the database, not one process's memory: two gunicorn instances see the same.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_the_second_request_reads_the_figures_from_the_cache(admin_client, world, monkeypatch):  # noqa: F811
    first = figures(admin_client)
    monkeypatch.setattr(reports, "summary", lambda *args, **kwargs: pytest.fail("computed again"))

    assert figures(admin_client) == first


def test_a_new_participant_shows_on_the_next_request(admin_client, world):  # noqa: F811
    before = figures(admin_client)["participants"]["people"]
    Participant.objects.create(network=world.w1, name="Ny", email="helt.ny@example.dk")

    assert figures(admin_client)["participants"]["people"] == before + 1


def test_a_changed_participant_shows_on_the_next_request(admin_client, world, leader):  # noqa: F811
    participant = world.w1.participants.first()
    figures(admin_client)

    services.participant_update(participant=participant, by=leader, actor_category=ActorCategory.EXPERT)

    categories = {c["code"]: c for c in figures(admin_client)["participants"]["categories"]}
    assert categories["expert"]["participations"] >= 1


def test_a_new_network_shows_on_the_next_request(admin_client, world, leader, welfare_type):  # noqa: F811
    before = figures(admin_client)["networks"]
    services.network_create(by=leader, type=welfare_type, title="Nyt netværk", theme="T")

    assert figures(admin_client)["networks"] == before + 1


def test_rows_added_without_signals_change_the_version(world):  # noqa: F811
    before = reports.data_version()
    Participant.objects.bulk_create([Participant(network=world.w1, name="Massevis")])

    assert reports.data_version() != before


def test_a_login_leaves_the_cached_figures_alone(client, admin_client, world, administrator):  # noqa: F811
    before = reports.data_version()
    client.force_login(administrator)

    assert reports.data_version() == before


def test_each_filter_has_its_own_figures(admin_client, world):  # noqa: F811
    everything = figures(admin_client)["networks"]
    welfare = figures(admin_client, type="welfare")["networks"]

    assert welfare < everything
    assert figures(admin_client)["networks"] == everything


def test_each_language_has_its_own_page(admin_client, world):  # noqa: F811
    def status_labels(client):
        return [status["label"] for status in figures(client)["type_status"]["statuses"]]

    danish = status_labels(admin_client)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = status_labels(admin_client)

    assert danish[0] == "Kladde"
    assert english[0] == "Draft"


def test_long_per_network_tables_show_the_first_rows_and_say_so(admin_client, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(reports, "PAGE_ROWS", 2)

    response = admin_client.get(URL)

    shown = response.context["figures"]
    assert len(shown["meetings"]["rows"]) == 2
    assert response.context["lengths"]["meetings"] == 12
    # The totals are for every network, not only those shown.
    assert shown["meetings"]["totals"] == reports.summary(reports.ReportFilter())["meetings"]["totals"]
    assert "Tabellen viser de første 2 af 12 netværk" in response.content.decode()


def test_a_changed_attendance_shows_on_the_next_request(admin_client, world, leader):  # noqa: F811
    before = figures(admin_client)["meetings"]["totals"]["attendances"]
    meeting = world.l1.meetings.filter(status="held").first()
    attended = list(meeting.attendees.all())

    services.meeting_update(meeting=meeting, by=leader, attendees=attended[:-1])

    assert figures(admin_client)["meetings"]["totals"]["attendances"] == before - 1
