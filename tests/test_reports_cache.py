"""The report page's figures are kept in the shared cache and served at once; after a change they
are refreshed in the background (a task enqueued when the write is committed), and the page
shows the latest computed figures with the time they are from until then."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from networks import reporting, services
from networks.dates import long_datetime
from networks.models import ActorCategory, Participant
from networks.reporting import cache, refresh

pytestmark = pytest.mark.django_db

URL = "/rapporter/"


def figures(client, **params):
    return client.get(URL, params).context["figures"]


@pytest.fixture(autouse=True)
def committed(world):
    """The world's rows stand for data committed long ago: their refresh, pending in the test's
    never-committed transaction, would otherwise stand in for the tests' own (one per transaction)."""
    connection.run_on_commit.clear()


@pytest.fixture
def refreshed(django_capture_on_commit_callbacks):
    """Runs a write as committed: its refresh task is enqueued (and run by the immediate backend)."""

    def write(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return write


# Tasks are kept, not run: what a page shows between a write and its refresh.
queued_tasks = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def test_the_cache_is_shared_by_every_app_server():
    # A table in the database, not one process's memory: two gunicorn instances see the same.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_the_second_request_reads_the_figures_from_the_cache(report_client, world, monkeypatch):
    first = figures(report_client)
    monkeypatch.setattr(cache, "summary", lambda *args, **kwargs: pytest.fail("computed again"))

    assert figures(report_client) == first


def test_a_new_participant_shows_once_refreshed(report_client, world, refreshed):
    before = figures(report_client)["participants"]["people"]
    refreshed(lambda: Participant.objects.create(network=world.w1, name="Ny", email="helt.ny@example.dk"))

    assert figures(report_client)["participants"]["people"] == before + 1


def test_a_changed_participant_shows_once_refreshed(report_client, world, leader, refreshed):
    participant = world.w1.participants.first()
    figures(report_client)

    refreshed(
        lambda: services.participant_update(
            participant=participant, by=leader, actor_category=ActorCategory.EXPERT
        )
    )

    categories = {c["code"]: c for c in figures(report_client)["participants"]["categories"]}
    assert categories["expert"]["participations"] >= 1


def test_a_new_network_shows_once_refreshed(report_client, world, leader, welfare_type, refreshed):
    before = figures(report_client)["networks"]
    refreshed(lambda: services.network_create(by=leader, type=welfare_type, title="Nyt netværk", theme="T"))

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


def test_a_changed_attendance_shows_once_refreshed(report_client, world, leader, refreshed):
    before = figures(report_client)["meetings"]["totals"]["attendances"]
    meeting = world.l1.meetings.filter(status="held").first()
    attended = list(meeting.attendees.all())

    refreshed(lambda: services.meeting_update(meeting=meeting, by=leader, attendees=attended[:-1]))

    assert figures(report_client)["meetings"]["totals"]["attendances"] == before - 1


# --- Stale while the refresh runs ---------------------------------------------------------------


@queued_tasks
def test_after_a_write_the_page_shows_the_old_figures_with_their_time_until_the_task_ran(
    report_client, world, time_machine, django_capture_on_commit_callbacks
):
    computed = timezone.make_aware(datetime.datetime(2027, 1, 20, 9, 15))
    time_machine.move_to(computed, tick=False)
    before = figures(report_client)["participants"]["people"]
    time_machine.move_to(computed + datetime.timedelta(minutes=5), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        Participant.objects.create(network=world.w1, name="Ny", email="helt.ny@example.dk")
    response = report_client.get(URL)

    assert response.context["figures"]["participants"]["people"] == before
    page = response.content.decode()
    assert f"Tallene er fra den {long_datetime(computed)}." in page
    assert "Tallene er fra den 20. januar 2027 kl. 09.15." in page
    assert "tallene regnes forfra nu" in page
    enqueued = [result.task.name for result in default_task_backend.results]
    assert enqueued == ["refresh_report_pages"]

    assert refresh.refresh_report_pages.call() == 1
    response = report_client.get(URL)

    assert response.context["figures"]["participants"]["people"] == before + 1
    assert "Tallene er fra den 20. januar 2027 kl. 09.20." in response.content.decode()
    assert "tallene regnes forfra nu" not in response.content.decode()


@queued_tasks
def test_many_writes_in_one_transaction_enqueue_one_refresh(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            Participant.objects.create(network=world.w1, name=f"Ny {number}")

    assert [result.task.name for result in default_task_backend.results] == ["refresh_report_pages"]


@queued_tasks
def test_a_stale_page_asks_for_its_own_refresh(report_client, world, django_capture_on_commit_callbacks):
    # A change the write hooks do not see (bulk_create sends no signal) still changes the version.
    figures(report_client, type="welfare")
    Participant.objects.bulk_create([Participant(network=world.w1, name="Massevis")])

    with django_capture_on_commit_callbacks(execute=True):
        report_client.get(URL, {"type": "welfare"})

    (result,) = default_task_backend.results
    assert result.task.name == "refresh_report_page"
    assert result.args == ["?type=welfare", "da"]
    assert refresh.refresh_report_page.call(*result.args) is True
    # Current now: a second run only checks.
    assert refresh.refresh_report_page.call(*result.args) is False


@queued_tasks
def test_a_new_day_serves_yesterdays_figures_while_todays_are_computed(report_client, world, time_machine):
    time_machine.move_to(timezone.make_aware(datetime.datetime(2027, 1, 20, 16, 0)), tick=False)
    figures(report_client)
    time_machine.move_to(timezone.make_aware(datetime.datetime(2027, 1, 21, 8, 0)), tick=False)

    response = report_client.get(URL)

    assert response.context["figures_stale"] is True
    assert "Tallene er fra den 20. januar 2027 kl. 16.00." in response.content.decode()


@queued_tasks
def test_the_page_costs_the_same_queries_fresh_or_stale(
    report_client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    report_client.get(URL)
    # session, user, the user's groups (administrator), the data's version, the cached figures, and
    # the groups again for the menu
    with django_assert_num_queries(6):
        report_client.get(URL)
    Participant.objects.create(network=world.w1, name="Ny")
    with django_assert_num_queries(6), django_capture_on_commit_callbacks(execute=True):
        assert report_client.get(URL).context["figures_stale"] is True


@queued_tasks
def test_figures_older_than_the_cache_time_are_refreshed_for_what_the_version_cannot_see(
    report_client, world, time_machine
):
    computed = timezone.make_aware(datetime.datetime(2027, 1, 20, 9, 0))
    time_machine.move_to(computed, tick=False)
    figures(report_client)

    time_machine.move_to(computed + datetime.timedelta(seconds=cache.CACHE_SECONDS), tick=False)
    assert report_client.get(URL).context["figures_stale"] is False
    time_machine.move_to(computed + datetime.timedelta(seconds=cache.CACHE_SECONDS + 1), tick=False)
    assert report_client.get(URL).context["figures_stale"] is True
