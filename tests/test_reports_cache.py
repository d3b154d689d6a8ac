"""The report page's figures are kept in the shared cache, and a change shows on the next request."""

import pytest
from django.conf import settings

from networks import reporting, services
from networks.models import ActorCategory, Participant
from networks.reporting import cache

pytestmark = pytest.mark.django_db

URL = "/rapporter/"


def figures(client, **params):
    return client.get(URL, params).context["figures"]


def test_the_cache_is_shared_by_every_app_server():
    # A table in the database, not one process's memory: two gunicorn instances see the same.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_the_second_request_reads_the_figures_from_the_cache(report_client, world, monkeypatch):
    first = figures(report_client)
    monkeypatch.setattr(cache, "summary", lambda *args, **kwargs: pytest.fail("computed again"))

    assert figures(report_client) == first


def test_a_new_participant_shows_on_the_next_request(report_client, world):
    before = figures(report_client)["participants"]["people"]
    Participant.objects.create(network=world.w1, name="Ny", email="helt.ny@example.dk")

    assert figures(report_client)["participants"]["people"] == before + 1


def test_a_changed_participant_shows_on_the_next_request(report_client, world, leader):
    participant = world.w1.participants.first()
    figures(report_client)

    services.participant_update(participant=participant, by=leader, actor_category=ActorCategory.EXPERT)

    categories = {c["code"]: c for c in figures(report_client)["participants"]["categories"]}
    assert categories["expert"]["participations"] >= 1


def test_a_new_network_shows_on_the_next_request(report_client, world, leader, welfare_type):
    before = figures(report_client)["networks"]
    services.network_create(by=leader, type=welfare_type, title="Nyt netværk", theme="T")

    assert figures(report_client)["networks"] == before + 1


def test_rows_added_without_signals_change_the_version(world):
    before = cache.data_version()
    Participant.objects.bulk_create([Participant(network=world.w1, name="Massevis")])

    assert cache.data_version() != before


def test_a_login_leaves_the_cached_figures_alone(client, report_client, world, administrator):
    before = cache.data_version()
    client.force_login(administrator)

    assert cache.data_version() == before


def test_each_filter_has_its_own_figures(report_client, world):
    everything = figures(report_client)["networks"]
    welfare = figures(report_client, type="welfare")["networks"]

    assert welfare < everything
    assert figures(report_client)["networks"] == everything


def test_each_language_has_its_own_page(report_client, world):
    def status_labels(client):
        return [status["label"] for status in figures(client)["type_status"]["statuses"]]

    danish = status_labels(report_client)
    report_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = status_labels(report_client)

    assert danish[0] == "Kladde"
    assert english[0] == "Draft"


def test_long_per_network_tables_show_the_first_rows_and_say_so(report_client, world, monkeypatch):
    monkeypatch.setattr(cache, "PAGE_ROWS", 2)

    response = report_client.get(URL)

    shown = response.context["figures"]
    assert len(shown["meetings"]["rows"]) == 2
    assert response.context["lengths"]["meetings"] == 12
    # The totals are for every network, not only those shown.
    assert shown["meetings"]["totals"] == reporting.summary(reporting.ReportFilter())["meetings"]["totals"]
    assert "Tabellen viser de første 2 af 12 netværk" in response.content.decode()


def test_a_changed_attendance_shows_on_the_next_request(report_client, world, leader):
    before = figures(report_client)["meetings"]["totals"]["attendances"]
    meeting = world.l1.meetings.filter(status="held").first()
    attended = list(meeting.attendees.all())

    services.meeting_update(meeting=meeting, by=leader, attendees=attended[:-1])

    assert figures(report_client)["meetings"]["totals"]["attendances"] == before - 1
