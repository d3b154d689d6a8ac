"""Background tasks, through Django's Tasks API: the outbox's sending of email.

Every email is an `OutgoingEmail` row, written in the transaction of the change that causes it
(`queue_email`), and a `send_email` task for it. The task sends a pending row once, marks it sent
and, if the mail server refuses, records the error and enqueues itself again after a delay. The
row is locked while it is sent, so two workers, a task enqueued twice or a retry that overtakes
another never send it twice.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from networks.models import OutgoingEmail, OutgoingEmailStatus
from networks.text import one_line

logger = logging.getLogger(__name__)


def queue_email(subject: str, body: str, address: str) -> OutgoingEmail:
    """Write one email to the outbox and enqueue its sending, in the caller's transaction."""
    email = OutgoingEmail.objects.create(recipient=address, subject=one_line(subject), body=body)
    enqueue_send(email.pk)
    return email


def enqueue_send(email_id: int, run_after: datetime.datetime | None = None) -> None:
    """Enqueue `send_email` for the row, so that it runs only if the transaction that wrote the row
    commits.

    The database backend writes its task row in the current transaction: a rollback removes the
    email and its task together, and no worker can see the task before the email exists. Any other
    backend acts at enqueue time (the immediate backend runs the task then and there, a broker
    hands it to a worker at once), which inside a transaction would send for a change that may
    still roll back; for those the enqueue waits for the commit."""
    send = send_email.using(run_after=run_after) if run_after else send_email
    if isinstance(send.get_backend(), DatabaseBackend):
        send.enqueue(email_id)
    else:
        transaction.on_commit(lambda: send.enqueue(email_id))


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait before the next attempt after `attempts` failed ones (the last delay repeats)."""
    minutes = settings.EMAIL_RETRY_MINUTES
    return datetime.timedelta(minutes=minutes[min(attempts, len(minutes)) - 1])


def _locked_pending(email_id: int) -> OutgoingEmail | None:
    """The pending row, locked for this transaction; None if it is sent, failed, gone or being
    sent by another worker right now (that worker will mark it, or retry it)."""
    pending = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmailStatus.PENDING)
    features = connections[router.db_for_write(OutgoingEmail)].features
    if features.has_select_for_update_skip_locked:
        # PostgreSQL: a row another worker holds is simply not found.
        return pending.select_for_update(skip_locked=True).first()
    if features.has_select_for_update_nowait:
        try:
            return pending.select_for_update(nowait=True).first()
        except DatabaseError:
            return None
    # SQLite has no row locks: every transaction takes the database's write lock at BEGIN
    # (settings: transaction_mode IMMEDIATE), so a second worker waits here until the first has
    # committed, and then finds the row sent.
    return pending.first()


@task
def send_email(email_id: int) -> str:
    """Send the pending outbox row `email_id` once; returns what became of it."""
    # Imported here: notifications writes to the outbox through this module.
    from networks import notifications

    with transaction.atomic():
        email = _locked_pending(email_id)
        if email is None:
            return "skipped"
        email.attempts += 1
        now = timezone.now()
        try:
            notifications.send_one(email.subject, email.body, email.recipient)
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            logger.warning("Could not send email %s (attempt %s): %s", email.pk, email.attempts, error)
            if email.attempts >= settings.EMAIL_MAX_ATTEMPTS or not _can_retry_later():
                email.status = OutgoingEmailStatus.FAILED
                email.next_attempt_at = None
            else:
                email.next_attempt_at = now + retry_delay(email.attempts)
                enqueue_send(email.pk, run_after=email.next_attempt_at)
        else:
            email.status = OutgoingEmailStatus.SENT
            email.sent_at = now
            email.next_attempt_at = None
        email.save(update_fields=["status", "attempts", "last_error", "sent_at", "next_attempt_at"])
        return email.status


def _can_retry_later() -> bool:
    # The immediate backend cannot run a task later; with it (development, tests) a failed send is
    # at once marked failed, where an administrator sees it and can send it again.
    return send_email.get_backend().supports_defer


def send_again(emails) -> int:
    """The administrator's "Send igen": failed rows back in the queue with fresh attempts, and a
    new task for rows still waiting (one whose worker died mid-send has none left). A row that is
    sent is left alone; a second task for a waiting row sends nothing twice (`send_email`)."""
    count = 0
    with transaction.atomic():
        for email in emails.select_for_update().exclude(status=OutgoingEmailStatus.SENT):
            if email.status == OutgoingEmailStatus.FAILED:
                email.status = OutgoingEmailStatus.PENDING
                email.attempts = 0
                email.save(update_fields=["status", "attempts"])
            enqueue_send(email.pk)
            count += 1
    return count


def failed_email_count() -> int:
    """How many emails the outbox gave up on (the administrator's start page shows it)."""
    return OutgoingEmail.objects.filter(status=OutgoingEmailStatus.FAILED).count()
