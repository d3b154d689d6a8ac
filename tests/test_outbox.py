"""The outbox: email that is never lost and never sent twice, against a real SMTP server on loopback.

The mail server is aiosmtpd's, on a port of its own; until it is started the port is closed, so a
send fails as it does when the municipality's mail server is down. These tests use the database
task backend, as production does, and run its worker (`db_worker --batch`: every task due now,
then exit). The worker commits, so the data must be committed too (`transaction=True`);
`serialized_rollback` restores the role groups the migrations created.
"""

import datetime
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from networks import services, tasks
from networks.models import Decision, OutgoingEmail, OutgoingEmailStatus
from tests.factories import at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BASE_DIR = Path(__file__).resolve().parent.parent
DAY = datetime.date(2027, 3, 1)
LEADER = "lene@albertslund.dk"
DECISION_SUBJECT = "Direktørforums beslutning om “Velfærd med frivillige”: ændringer ønsket"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """aiosmtpd's handler: keeps every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for recipient in envelope.rcpt_tos:
            # The parser keeps the space after a folded "Subject:"; a mail client does not show it.
            self.messages.append((recipient, str(message["Subject"]).strip()))
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, port):
        self.port = port
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self, recipient=None):
        return [(to, subject) for to, subject in self.recorder.messages if recipient in (None, to)]


@pytest.fixture
def mail_server(settings):
    """A mail server on loopback that is down (its port closed) until the test starts it."""
    server = MailServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """One pass of the production worker over every task that is due now."""
    # The worker installs its own Ctrl-C handler; the test run keeps pytest's.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def leader_email():
    return OutgoingEmail.objects.get(recipient=LEADER)


@pytest.fixture
def decided(database_tasks, mail_server, emails, submitted_innovation, direktoer, time_machine):
    """Direktørforum asks for changes while the mail server is down; the worker has tried once."""
    time_machine.move_to(at(DAY), tick=False)
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    run_worker()
    return submitted_innovation


def test_a_decision_made_while_the_mail_server_is_down_reaches_the_leader_once_it_is_back(
    decided, mail_server, time_machine
):
    assert Decision.objects.get(network=decided).comment == "Skærp formålet."
    waiting = leader_email()
    assert (waiting.status, waiting.attempts) == (OutgoingEmailStatus.PENDING, 1)
    assert waiting.subject == DECISION_SUBJECT
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at == at(DAY) + tasks.retry_delay(1)

    mail_server.start()
    # One second before the retry is due the worker leaves it; at the second it is due, it sends.
    time_machine.move_to(waiting.next_attempt_at - datetime.timedelta(seconds=1), tick=False)
    run_worker()
    assert mail_server.received(LEADER) == []
    time_machine.move_to(waiting.next_attempt_at, tick=False)
    run_worker()
    run_worker()

    assert mail_server.received(LEADER) == [(LEADER, DECISION_SUBJECT)]
    sent = leader_email()
    assert (sent.status, sent.attempts, sent.sent_at) == (
        OutgoingEmailStatus.SENT,
        2,
        waiting.next_attempt_at,
    )
    # The submission's emails to Direktørforum's two members were waiting too: each went out once.
    assert sorted(to for to, _subject in mail_server.received()) == [
        "dan@albertslund.dk",
        "dorte@albertslund.dk",
        LEADER,
    ]


def test_an_email_is_retried_with_backoff_and_failed_after_the_last_attempt(decided, time_machine):
    delays = [leader_email().next_attempt_at - at(DAY)]
    for _attempt in range(settings.EMAIL_MAX_ATTEMPTS - 2):
        time_machine.move_to(leader_email().next_attempt_at, tick=False)
        run_worker()
        waiting = leader_email()
        assert waiting.status == OutgoingEmailStatus.PENDING
        delays.append(waiting.next_attempt_at - datetime.datetime.now(datetime.UTC))
    minutes = [int(delay.total_seconds() // 60) for delay in delays]
    assert minutes == [1, 5, 15, 60, 60][: settings.EMAIL_MAX_ATTEMPTS - 1]

    time_machine.move_to(leader_email().next_attempt_at, tick=False)
    run_worker()
    failed = leader_email()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        OutgoingEmailStatus.FAILED,
        settings.EMAIL_MAX_ATTEMPTS,
        None,
    )
    # Nothing is left in the queue for it.
    time_machine.move_to(at(DAY + datetime.timedelta(days=1)), tick=False)
    run_worker()
    assert leader_email().attempts == settings.EMAIL_MAX_ATTEMPTS


def fail_for_good(time_machine):
    while leader_email().status == OutgoingEmailStatus.PENDING:
        time_machine.move_to(leader_email().next_attempt_at, tick=False)
        run_worker()


def test_a_failed_email_is_shown_to_the_administrator_and_sent_once_again(
    decided, administrator, mail_server, time_machine
):
    fail_for_good(time_machine)
    failed = leader_email()
    client = Client()
    client.force_login(administrator)

    home = client.get("/").content.decode()
    # The leader's, and the submission's to Direktørforum's two members.
    assert OutgoingEmail.objects.filter(status=OutgoingEmailStatus.FAILED).count() == 3
    assert "3 e-mails kunne ikke sendes" in home
    assert "/admin/networks/outgoingemail/?status__exact=failed" in home

    listing = client.get("/admin/networks/outgoingemail/?status__exact=failed").content.decode()
    assert DECISION_SUBJECT in listing
    assert "ConnectionRefusedError" in listing
    detail = client.get(f"/admin/networks/outgoingemail/{failed.pk}/change/").content.decode()
    assert "<textarea" not in detail and 'name="_save"' not in detail
    assert client.get("/admin/networks/outgoingemail/add/").status_code == 403

    mail_server.start()
    response = client.post(
        "/admin/networks/outgoingemail/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 e-mail er sat i kø til at blive sendt igen." in response.content.decode()
    run_worker()
    run_worker()
    assert mail_server.received(LEADER) == [(LEADER, DECISION_SUBJECT)]
    assert leader_email().status == OutgoingEmailStatus.SENT
    # Sent already: a second "Send igen" changes nothing and says why.
    response = client.post(
        "/admin/networks/outgoingemail/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "Ingen af de valgte e-mails blev sendt igen: de er allerede sendt." in response.content.decode()
    run_worker()
    assert len(mail_server.received(LEADER)) == 1


def test_the_start_page_says_nothing_when_no_email_failed(administrator, leader):
    OutgoingEmail.objects.create(recipient=LEADER, subject="Sendt", body="", status=OutgoingEmailStatus.SENT)
    client = Client()
    for user in (administrator, leader):
        client.force_login(user)
        assert "kunne ikke sendes" not in client.get("/").content.decode()
    OutgoingEmail.objects.create(recipient=LEADER, subject="Fejl", body="", status=OutgoingEmailStatus.FAILED)
    client.force_login(leader)
    assert "kunne ikke sendes" not in client.get("/").content.decode()
    client.force_login(administrator)
    assert "1 e-mail kunne ikke sendes" in client.get("/").content.decode()


def decide_then_fail(network, direktoer, emails_inside):
    """A decision in a transaction that then fails, as a request that errs after the service: inside
    it, the leader's email is written; the failure rolls it back with the decision."""
    with transaction.atomic():
        services.network_request_changes(network=network, by=direktoer, comment="Skærp formålet.")
        assert OutgoingEmail.objects.count() == emails_inside
        raise RuntimeError("the request failed after the decision")


def test_a_rolled_back_change_leaves_no_email_and_no_task(
    database_tasks, mail_server, emails, submitted_innovation, direktoer
):
    mail_server.start()
    emails_before, tasks_before = OutgoingEmail.objects.count(), DBTaskResult.objects.count()
    with pytest.raises(RuntimeError, match="after the decision"):
        decide_then_fail(submitted_innovation, direktoer, emails_before + 1)
    assert (OutgoingEmail.objects.count(), DBTaskResult.objects.count()) == (emails_before, tasks_before)
    assert not Decision.objects.exists()
    run_worker()
    assert mail_server.received(LEADER) == []


def test_with_the_immediate_backend_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_once(
    emails, submitted_innovation, direktoer, mail_server
):
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    mail_server.start()
    with pytest.raises(RuntimeError, match="after the decision"):
        decide_then_fail(submitted_innovation, direktoer, OutgoingEmail.objects.count() + 1)
    assert mail_server.received(LEADER) == []
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    assert mail_server.received(LEADER) == [(LEADER, DECISION_SUBJECT)]
    assert leader_email().status == OutgoingEmailStatus.SENT


def test_reminders_are_queued_the_same_way_and_sent_once(
    database_tasks, mail_server, emails, leader, draft_welfare, time_machine
):
    time_machine.move_to(at(DAY, 8), tick=False)
    starts = at(DAY + datetime.timedelta(days=1), 9)
    draft_welfare.meetings.create(
        title="Kickoff", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    mail_server.start()
    for _run in range(2):
        call_command("send_reminders", date=DAY.isoformat(), stdout=open(os.devnull, "w"))  # noqa: SIM115
        run_worker()
    assert mail_server.received(LEADER) == [(LEADER, "Påmindelse: “Kickoff” i morgen")]


def test_a_task_enqueued_twice_sends_once(leader, database_tasks, mail_server):
    mail_server.start()
    with transaction.atomic():
        queued = tasks.queue_email("Hej", "Tekst", LEADER)
        tasks.enqueue_send(queued.pk)
    run_worker()
    assert mail_server.received() == [(LEADER, "Hej")]


@pytest.mark.django_db(transaction=False)
def test_the_send_task_queries(db, mailoutbox, django_assert_num_queries):
    queued = OutgoingEmail.objects.create(recipient=LEADER, subject="Hej", body="Tekst")
    # The savepoint, the pending row locked, the row marked sent, the savepoint released.
    with django_assert_num_queries(4):
        assert tasks.send_email.call(queued.pk) == OutgoingEmailStatus.SENT
    # Sent: the row is not found pending, nothing is sent.
    with django_assert_num_queries(3):
        assert tasks.send_email.call(queued.pk) == "skipped"
    assert len(mailoutbox) == 1


# --- The settings ------------------------------------------------------------------------------


def tasks_settings(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TASKS_BACKEND", "EMAIL_MAX_ATTEMPTS", "EMAIL_RETRY_MINUTES"}
    }
    snippet = (
        "import netvaerk_site.settings as s; "
        "print(s.TASKS['default']['BACKEND'], s.EMAIL_MAX_ATTEMPTS, s.EMAIL_RETRY_MINUTES)"
    )
    return subprocess.run(
        [sys.executable, "-c", snippet],
        env={**clean, "SECRET_KEY": "test-only", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "printed"),
    [
        ({}, "django_tasks_db.DatabaseBackend 6 [1, 5, 15, 60]"),
        ({"DEBUG": "1"}, "django_tasks.backends.immediate.ImmediateBackend 6 [1, 5, 15, 60]"),
        (
            {
                "DEBUG": "1",
                "TASKS_BACKEND": "database",
                "EMAIL_MAX_ATTEMPTS": "3",
                "EMAIL_RETRY_MINUTES": "2,10",
            },
            "django_tasks_db.DatabaseBackend 3 [2, 10]",
        ),
    ],
)
def test_production_queues_in_the_database_and_development_runs_tasks_at_once(env, printed):
    result = tasks_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize(
    "env", [{"TASKS_BACKEND": "celery"}, {"EMAIL_RETRY_MINUTES": ","}, {"EMAIL_MAX_ATTEMPTS": "0"}]
)
def test_a_wrong_tasks_setting_is_refused_with_a_clear_message(env):
    result = tasks_settings(**env)
    assert result.returncode != 0
    assert ("TASKS_BACKEND must be one of: database, immediate." in result.stderr) or (
        "EMAIL_RETRY_MINUTES needs at least one delay" in result.stderr
    )


# --- Several workers at once (PostgreSQL's row locks) ----------------------------------------------


def worker_process(port):
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "HTTPS_ONLY": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.concurrent
def test_two_workers_at_once_deliver_30_queued_emails_exactly_once(database_tasks, mail_server):
    mail_server.start()
    addresses = [f"modtager{number}@albertslund.dk" for number in range(30)]
    with transaction.atomic():
        for address in addresses:
            queued = tasks.queue_email(f"Til {address}", "Tekst", address)
            # Each email's task twice: two workers may take the same email at the same moment.
            tasks.enqueue_send(queued.pk)
    workers = [worker_process(mail_server.port) for _worker in range(2)]
    for worker in workers:
        _out, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()

    assert sorted(mail_server.received()) == sorted((address, f"Til {address}") for address in addresses)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmailStatus.SENT}
