"""Email on submission (to Direktørforum's members) and on every decision (to the leader).

The tests use the locmem backend (`mailoutbox`). Each email is an outbox row whose sending task the
test settings' immediate backend runs from `transaction.on_commit`, which the test's own transaction
never reaches: `django_capture_on_commit_callbacks(execute=True)` runs it.
"""

import datetime
import logging
import smtplib

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from networks import roles, services
from networks.models import Decision, DecisionOutcome, Network, OutgoingEmail, OutgoingEmailStatus, Status
from tests.factories import at, make_user, outcomes_per_track

SUBJECT = "Ny sag til Direktørforum: Velfærd med frivillige"


def submit(network, leader, capture):
    with capture(execute=True) as callbacks:
        services.network_submit(network=network, by=leader)
    return callbacks


# --- A new case ---------------------------------------------------------------------------------


def test_submitting_emails_each_member_once(
    draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("uden_email", roles.DIREKTOERFORUM)
    make_user("stoppet", roles.DIREKTOERFORUM, email="stoppet@albertslund.dk", is_active=False)

    submit(draft_innovation, leader, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mailoutbox) == [
        "dan@albertslund.dk",
        "dorte@albertslund.dk",
    ]
    for message in mailoutbox:
        assert len(message.to) == 1  # nobody sees who else received it
        assert message.subject == SUBJECT
        assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_the_submission_email_tells_what_the_case_is_and_links_to_it(
    draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    submit(draft_innovation, leader, django_capture_on_commit_callbacks)

    body = mailoutbox[0].body
    assert (
        "Lene Leder har indstillet innovationsnetværket “Velfærd med frivillige” til Direktørforum." in body
    )
    assert "Tema: Frivillighed" in body
    assert "Indstillingsrunde: 1" in body
    assert "Tænk velfærd og frivillighed forfra." in body
    assert "Albertslund Kommunes frivillighedspolitik" in body
    assert f"http://127.0.0.1:8000/direktoerforum/sag/{draft_innovation.pk}/" in body
    assert "&quot;" not in body and "&#x27;" not in body  # plain text, not HTML-escaped


def test_the_case_link_follows_site_url(
    settings, draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://netvaerk.albertslund.dk/"
    submit(draft_innovation, leader, django_capture_on_commit_callbacks)
    assert (
        f"https://netvaerk.albertslund.dk/direktoerforum/sag/{draft_innovation.pk}/\n" in mailoutbox[0].body
    )


def test_a_leader_who_is_a_member_is_not_told_of_their_own_case(
    draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    submit(draft_innovation, leader, django_capture_on_commit_callbacks)
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == ["dan@albertslund.dk", "dorte@albertslund.dk"]


def test_a_resubmission_emails_the_members_again_with_the_round(
    draft_innovation, leader, direktoer, emails, mailoutbox, django_capture_on_commit_callbacks
):
    submit(draft_innovation, leader, django_capture_on_commit_callbacks)
    services.network_request_changes(network=draft_innovation, by=direktoer, comment="Skærp formålet.")
    mailoutbox.clear()

    submit(draft_innovation, leader, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    assert all("Indstillingsrunde: 2" in message.body for message in mailoutbox)


def test_a_refused_submission_sends_nothing(
    leader, innovation_type, emails, mailoutbox, django_capture_on_commit_callbacks
):
    network = services.network_create(by=leader, type=innovation_type, title="Uden strategi", theme="Tema")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DomainError):
        services.network_submit(network=network, by=leader)
    assert mailoutbox == []


def test_no_email_when_the_transaction_rolls_back(
    draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    @transaction.atomic
    def submit_then_fail():
        services.network_submit(network=draft_innovation, by=leader)
        raise Abort  # something later in the same transaction fails

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        submit_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert Network.objects.get(pk=draft_innovation.pk).status == Status.DRAFT


def test_no_email_is_sent_before_the_transaction_commits(
    draft_innovation, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.network_submit(network=draft_innovation, by=leader)
        assert mailoutbox == []
    # One waiting email, and one sending task after the commit, per Direktørforum member.
    assert sorted(OutgoingEmail.objects.values_list("recipient", "status")) == [
        ("dan@albertslund.dk", OutgoingEmailStatus.PENDING),
        ("dorte@albertslund.dk", OutgoingEmailStatus.PENDING),
    ]
    assert len(callbacks) == 2


# --- A decision -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decide", "outcome", "comment", "closing"),
    [
        (
            services.network_approve,
            "godkendt",
            "Flot arbejde.",
            "Netværket kan nu startes, når opsætningen er på plads.",
        ),
        (
            services.network_reject,
            "afvist",
            "Passer ikke i strategien.",
            "Netværket er afvist og kan ikke længere ændres.",
        ),
        (
            services.network_request_changes,
            "ændringer ønsket",
            "Skærp formålet.",
            "Netværket er igen en kladde. Ret det, og indstil det på ny.",
        ),
    ],
)
def test_each_decision_emails_the_leader_with_outcome_and_comment(
    submitted_innovation,
    direktoer,
    emails,
    mailoutbox,
    django_capture_on_commit_callbacks,
    decide,
    outcome,
    comment,
    closing,
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            network=submitted_innovation,
            by=direktoer,
            comment=comment,
            meeting_date=datetime.date(2027, 2, 3),
        )

    (message,) = mailoutbox
    assert message.to == ["lene@albertslund.dk"]
    assert message.subject == f"Direktørforums beslutning om “Velfærd med frivillige”: {outcome}"
    body = message.body
    assert (
        f"Direktørforum har truffet beslutning om “Velfærd med frivillige”: {outcome} (Dorte Direktør)."
        in body
    )
    assert f"Begrundelse:\n{comment}\n" in body
    assert "Besluttet på Direktørforums møde den 3. februar 2027." in body
    assert closing in body
    assert f"http://127.0.0.1:8000/netvaerk/{submitted_innovation.pk}/" in body


def test_an_approval_without_comment_or_meeting_date_leaves_them_out(
    submitted_innovation, direktoer, emails, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.network_approve(network=submitted_innovation, by=direktoer)
    body = mailoutbox[0].body
    assert "Begrundelse" not in body
    assert "Besluttet på Direktørforums møde" not in body


def test_a_decision_through_the_page_emails_the_leader(
    client, submitted_innovation, direktoer, emails, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(direktoer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/direktoerforum/sag/{submitted_innovation.pk}/",
            {"outcome": "rejected", "comment": "Passer ikke i strategien.", "meeting_date": ""},
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["lene@albertslund.dk"]]
    assert "Passer ikke i strategien." in mailoutbox[0].body


def test_a_leader_without_email_gets_none_and_the_decision_stands(
    submitted_innovation, direktoer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.network_approve(network=submitted_innovation, by=direktoer)
    assert mailoutbox == []
    assert Decision.objects.filter(network=submitted_innovation).exists()


def test_a_refused_decision_sends_nothing(
    submitted_innovation, direktoer, emails, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DomainError):
        services.network_reject(network=submitted_innovation, by=direktoer, comment="  ")
    assert mailoutbox == []


# --- A mail server that is down -----------------------------------------------------------------


@pytest.fixture
def broken_mail(monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("networks.notifications.send_mail", refuse)


def test_a_failing_mail_server_does_not_undo_the_decision(
    submitted_innovation,
    direktoer,
    emails,
    broken_mail,
    mailoutbox,
    caplog,
    django_capture_on_commit_callbacks,
):
    with (
        caplog.at_level(logging.WARNING, logger="networks.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        decision = services.network_request_changes(
            network=submitted_innovation, by=direktoer, comment="Skærp formålet."
        )

    assert Decision.objects.get(pk=decision.pk).outcome == DecisionOutcome.CHANGES_REQUESTED
    assert Network.objects.get(pk=submitted_innovation.pk).status == Status.DRAFT
    assert mailoutbox == []
    # The email is kept, with the mail server's answer (tests/test_outbox.py: retried later).
    email = OutgoingEmail.objects.get()
    assert email.recipient == "lene@albertslund.dk"
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert "Could not send email" in caplog.text


def test_a_failing_mail_server_does_not_break_the_decision_page(
    client, submitted_innovation, direktoer, emails, broken_mail, caplog, django_capture_on_commit_callbacks
):
    client.force_login(direktoer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/direktoerforum/sag/{submitted_innovation.pk}/", {"outcome": "approved"})
    assert response.status_code == 302
    assert Decision.objects.filter(network=submitted_innovation, outcome=DecisionOutcome.APPROVED).exists()
    assert OutgoingEmail.objects.get().status == OutgoingEmailStatus.FAILED


def test_a_failing_mail_server_does_not_undo_the_submission(
    draft_innovation, leader, emails, broken_mail, caplog, django_capture_on_commit_callbacks
):
    submit(draft_innovation, leader, django_capture_on_commit_callbacks)
    assert Network.objects.get(pk=draft_innovation.pk).status == Status.SUBMITTED
    assert OutgoingEmail.objects.filter(status=OutgoingEmailStatus.FAILED).count() == 2


# --- An innovation network concludes --------------------------------------------------------------


def conclude(network, leader, capture, time_machine):
    time_machine.move_to(at(datetime.date(2027, 8, 31)), tick=False)
    with capture(execute=True):
        return services.network_conclude(
            network=network,
            by=leader,
            outcome_summary="Frivillighed står nu i alle sektorplaner.",
            **outcomes_per_track(network),
        )


def test_direktoerforum_is_told_when_an_innovation_network_it_approved_concludes(
    emails, active_innovation, leader, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    conclude(active_innovation, leader, django_capture_on_commit_callbacks, time_machine)
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "dan@albertslund.dk",
        "dorte@albertslund.dk",
    ]
    message = mailoutbox[0]
    assert message.subject == f"Afsluttet: {active_innovation.title}"
    assert f"Innovationsnetværket “{active_innovation.title}”, som Direktørforum godkendte, er afsluttet" in (
        message.body
    )
    assert "Frivillighed står nu i alle sektorplaner." in message.body
    assert "efter 3 måneder, den 30. november 2027" in message.body
    assert "efter 12 måneder, den 31. august 2028" in message.body
    assert f"/direktoerforum/sag/{active_innovation.pk}/" in message.body


def test_direktoerforum_is_not_told_when_a_welfare_network_concludes(
    emails, active_welfare, leader, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    conclude(active_welfare, leader, django_capture_on_commit_callbacks, time_machine)
    assert mailoutbox == []
