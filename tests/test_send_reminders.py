"""`manage.py send_reminders`: what is due on a given day, sent once however often cron runs it.

Every test names the day it runs on (`--date`), and each reminder is counted both in the outbox
(locmem backend) and in `SentReminder`, the record that makes a second run send nothing. Email goes
out from the outbox's task once the command's transaction commits; the test's own transaction never
does, so `sending` runs those commit callbacks.
"""

import datetime
import smtplib
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase

from networks import reminders, roles, services, tasks
from networks.models import (
    MeetingStatus,
    Network,
    OutgoingEmail,
    OutgoingEmailStatus,
    ReminderKind,
    SentReminder,
)
from tests.factories import TRACK_OUTCOMES, add_meetings, conclude_on, make_user, ready_to_start

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CPH)


def sending():
    return TestCase.captureOnCommitCallbacks(execute=True)


def run(day: datetime.date) -> str:
    out = StringIO()
    with sending():
        call_command("send_reminders", date=day.isoformat(), stdout=out)
    return out.getvalue()


def sent(kind=None):
    rows = SentReminder.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return rows.count()


def set_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def leader_email(leader):
    return set_email(leader, "lene@albertslund.dk")


def meeting(network, title, starts, *, status=MeetingStatus.PLANNED):
    return network.meetings.create(
        title=title, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), status=status
    )


# --- Meetings tomorrow ------------------------------------------------------------------------

SATURDAY = datetime.date(2027, 1, 9)
SUNDAY = datetime.date(2027, 1, 10)


@pytest.fixture
def meetings(draft_welfare):
    """Meetings around tomorrow (Sunday 10 January 2027), seen from Saturday."""
    return {
        "tomorrow": meeting(draft_welfare, "Kickoff", at(SUNDAY, 9)),
        "early": meeting(draft_welfare, "Morgenkaffe", at(SUNDAY, 0, 15)),
        "late": meeting(draft_welfare, "Aftenmøde", at(SUNDAY, 23, 30)),
        "cancelled": meeting(draft_welfare, "Aflyst møde", at(SUNDAY, 13), status=MeetingStatus.CANCELLED),
        "today": meeting(draft_welfare, "Dagens møde", at(SATURDAY, 15)),
        "day_after": meeting(draft_welfare, "Mandagsmøde", at(SUNDAY + datetime.timedelta(days=1), 0, 0)),
    }


def test_a_meeting_tomorrow_is_reminded_once(leader_email, meetings, mailoutbox):
    output = run(SATURDAY)
    run(SATURDAY)

    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == [
        "Påmindelse: “Aftenmøde” i morgen",
        "Påmindelse: “Kickoff” i morgen",
        "Påmindelse: “Morgenkaffe” i morgen",
    ]
    assert all(message.to == ["lene@albertslund.dk"] for message in mailoutbox)
    assert sent(ReminderKind.MEETING_TOMORROW) == 3
    assert "meeting_tomorrow: 3" in output
    assert "Sendt: 3 påmindelse(r)." in output


def test_the_meeting_reminder_says_when_and_where(leader_email, draft_welfare, mailoutbox):
    kickoff = meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    kickoff.location = "Rådhuset, mødelokale 1"
    kickoff.agenda = "1. Velkomst"
    kickoff.save()

    run(SATURDAY)

    body = mailoutbox[0].body
    assert "Hej Lene" in body
    assert "I morgen er der møde i netværket “Frivillige mod ensomhed”: “Kickoff”." in body
    assert "Tidspunkt: søndag den 10. januar 2027 kl. 09.00–11.00" in body
    assert "Sted: Rådhuset, mødelokale 1" in body
    assert "Dagsorden:\n1. Velkomst" in body
    assert f"http://127.0.0.1:8000/netvaerk/{draft_welfare.pk}/" in body


def test_no_reminder_for_meetings_the_day_after_tomorrow_or_cancelled(
    leader_email, draft_welfare, mailoutbox
):
    meeting(draft_welfare, "Aflyst møde", at(SUNDAY, 13), status=MeetingStatus.CANCELLED)
    meeting(draft_welfare, "Mandagsmøde", at(SUNDAY + datetime.timedelta(days=1), 9))
    run(SATURDAY)
    assert mailoutbox == []
    assert sent() == 0


def test_a_cancelled_network_gets_no_meeting_reminder(leader, leader_email, draft_welfare, mailoutbox):
    meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    services.network_cancel(network=draft_welfare, by=leader, comment="Temaet er opgivet.")
    run(SATURDAY)
    assert mailoutbox == []


def test_a_meeting_moved_to_another_day_is_reminded_again(leader_email, draft_welfare, mailoutbox):
    kickoff = meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    run(SATURDAY)
    kickoff.starts_at = at(datetime.date(2027, 1, 17), 9)
    kickoff.ends_at = kickoff.starts_at + datetime.timedelta(hours=1)
    kickoff.save()

    run(datetime.date(2027, 1, 16))
    run(datetime.date(2027, 1, 16))

    assert len(mailoutbox) == 2
    assert sent(ReminderKind.MEETING_TOMORROW) == 2


def test_the_command_uses_the_local_date_without_date(time_machine, leader_email, draft_welfare, mailoutbox):
    meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    # 23:30 UTC on Friday is already Saturday in Copenhagen.
    time_machine.move_to(datetime.datetime(2027, 1, 8, 23, 30, tzinfo=datetime.UTC), tick=False)
    with sending():
        call_command("send_reminders", stdout=StringIO())
    assert [message.subject for message in mailoutbox] == ["Påmindelse: “Kickoff” i morgen"]


# --- Welfare sprints --------------------------------------------------------------------------

SPRINT_END = datetime.date(2027, 3, 28)


def sprint_to_the_end(network) -> dict[str, datetime.date]:
    """The longest sprint the type allows, ending on 28 March 2027 (1–28 March with 28 days)."""
    days = network.type.sprint_max_days
    return {"sprint_start": SPRINT_END - datetime.timedelta(days=days - 1), "sprint_end": SPRINT_END}


@pytest.fixture
def active_welfare(leader, leader_email, draft_welfare):
    services.network_update(network=draft_welfare, by=leader, **sprint_to_the_end(draft_welfare))
    ready_to_start(draft_welfare)
    return services.network_start(network=draft_welfare, by=leader)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2027, 3, 24), 0),  # 4 days before the end
        (datetime.date(2027, 3, 25), 1),  # 3 days before
        (datetime.date(2027, 3, 28), 1),  # the last day
    ],
)
def test_a_sprint_ending_within_3_days_is_reminded(active_welfare, mailoutbox, day, expected):
    run(day)
    run(day)
    assert len(mailoutbox) == expected
    assert sent(ReminderKind.SPRINT_ENDING) == expected


def test_the_sprint_ending_reminder_counts_the_days_left(active_welfare, mailoutbox):
    run(datetime.date(2027, 3, 25))
    (message,) = mailoutbox
    assert message.subject == "Sprinten i “Frivillige mod ensomhed” slutter snart"
    assert "Sprinten i “Frivillige mod ensomhed” slutter den 28. marts 2027 – om 3 dage." in message.body
    assert f"http://127.0.0.1:8000/netvaerk/{active_welfare.pk}/" in message.body


def test_the_sprint_ending_reminder_on_the_last_day_says_it_ends_today(active_welfare, mailoutbox):
    run(datetime.date(2027, 3, 28))
    (message,) = mailoutbox
    today_text = "Sprinten i “Frivillige mod ensomhed” slutter i dag. Planlæg, hvordan resultatet samles op."
    assert today_text in message.body
    assert "om 0 dage" not in message.body


def test_the_sprint_ending_reminder_is_sent_once_over_several_days(active_welfare, mailoutbox):
    for day in range(25, 29):
        run(datetime.date(2027, 3, day))
    assert len(mailoutbox) == 1
    assert sent(ReminderKind.SPRINT_ENDING) == 1


def test_a_sprint_ended_without_conclusion_is_reminded_once(active_welfare, mailoutbox):
    run(datetime.date(2027, 3, 28))
    mailoutbox.clear()

    run(datetime.date(2027, 3, 29))
    run(datetime.date(2027, 3, 29))
    run(datetime.date(2027, 3, 30))

    (message,) = mailoutbox
    assert message.subject == "Sprinten i “Frivillige mod ensomhed” er slut – afslut netværket"
    assert "sluttede den 28. marts 2027, for 1 dag siden, men netværket er ikke afsluttet." in message.body
    assert sent(ReminderKind.SPRINT_ENDED) == 1


@pytest.mark.parametrize("day", [datetime.date(2027, 3, 25), datetime.date(2027, 3, 29)])
def test_a_concluded_network_gets_no_sprint_reminder(leader, active_welfare, mailoutbox, day, time_machine):
    # Concluded in the sprint's last week: its follow-ups fall due months after these days.
    time_machine.move_to(at(datetime.date(2027, 3, 20)), tick=False)
    services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Nye besøgsvenner.", track_outcomes=TRACK_OUTCOMES
    )
    run(day)
    assert mailoutbox == []
    assert sent() == 0


def test_a_sprint_not_yet_started_gets_no_reminder(leader, leader_email, draft_welfare, mailoutbox):
    services.network_update(network=draft_welfare, by=leader, **sprint_to_the_end(draft_welfare))
    run(datetime.date(2027, 3, 25))
    run(datetime.date(2027, 3, 29))
    assert mailoutbox == []


# --- Learning networks' meeting plan ----------------------------------------------------------

TUESDAY = datetime.date(2026, 12, 1)  # ISO week 49; the meetings start in January


@pytest.fixture
def other_learning(other_leader, learning_type):
    set_email(other_leader, "ole@albertslund.dk")
    return services.network_create(by=other_leader, type=learning_type, title="Fuld plan", theme="Viden")


def test_a_learning_network_with_one_planned_meeting_too_few_is_reminded(
    leader_email, draft_learning, other_learning, mailoutbox
):
    fewest = draft_learning.type.min_meetings
    add_meetings(draft_learning, fewest - 1)
    add_meetings(draft_learning, 1, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 5, 1))
    add_meetings(other_learning, fewest)

    run(TUESDAY)
    run(TUESDAY)

    (message,) = mailoutbox
    assert message.to == ["lene@albertslund.dk"]
    assert message.subject == "Planlæg flere møder i “Hvem er de frivillige?”"
    assert "Mødeplanen for læringsnetværket “Hvem er de frivillige?” er ikke komplet:" in message.body
    assert f"Planlæg mindst {fewest} netværksmøder, før netværket starter (har {fewest - 1};" in message.body
    assert sent(ReminderKind.TOO_FEW_MEETINGS) == 1


def test_the_meeting_plan_reminder_is_weekly(leader_email, draft_learning, mailoutbox):
    add_meetings(draft_learning, draft_learning.type.min_meetings - 1)
    run(TUESDAY)
    run(datetime.date(2026, 12, 6))  # Sunday, same week
    assert len(mailoutbox) == 1
    run(datetime.date(2026, 12, 7))  # Monday, next week
    assert len(mailoutbox) == 2
    assert sent(ReminderKind.TOO_FEW_MEETINGS) == 2


def test_an_active_network_with_too_few_meetings_left_is_told_what_is_wrong_now(
    leader, leader_email, draft_learning, mailoutbox
):
    fewest = draft_learning.type.min_meetings
    ready_to_start(draft_learning)
    add_meetings(draft_learning, fewest)
    network = services.network_start(network=draft_learning, by=leader)
    network.meetings.filter(pk=network.meetings.first().pk).update(status=MeetingStatus.HELD)
    services.meeting_update(meeting=network.meetings.last(), by=leader, status=MeetingStatus.CANCELLED)

    run(TUESDAY)
    run(TUESDAY)  # the same day again: nothing twice

    (message,) = mailoutbox
    assert message.subject == "Planlæg flere møder i “Hvem er de frivillige?”"
    assert (
        f"Mødeplanen for “Hvem er de frivillige?” har kun {fewest - 1} møder tilbage (afholdte og "
        f"planlagte); der skal afholdes mindst {fewest}, før netværket kan afsluttes. Planlæg flere møder."
    ) in message.body
    assert "før netværket starter" not in message.body
    assert "er ikke komplet" not in message.body
    assert sent(ReminderKind.TOO_FEW_MEETINGS) == 1

    run(datetime.date(2026, 12, 6))  # Sunday, the same week
    assert len(mailoutbox) == 1
    run(datetime.date(2026, 12, 7))  # Monday, the next week
    assert len(mailoutbox) == 2


def test_an_active_network_with_enough_meetings_left_is_not_reminded(
    leader, leader_email, draft_learning, mailoutbox
):
    ready_to_start(draft_learning)
    add_meetings(draft_learning, draft_learning.type.min_meetings)
    services.network_start(network=draft_learning, by=leader)

    run(TUESDAY)

    assert mailoutbox == []


def test_a_cancelled_learning_network_is_not_reminded(leader, leader_email, draft_learning, mailoutbox):
    add_meetings(draft_learning, draft_learning.type.min_meetings - 1)
    services.network_cancel(network=draft_learning, by=leader, comment="Ingen deltagere.")
    run(TUESDAY)
    assert mailoutbox == []


# --- Direktørforum's digest -------------------------------------------------------------------

DIGEST_DAY = datetime.date(2027, 1, 20)


@pytest.fixture
def members(direktoer, direktoer2):
    set_email(direktoer, "dorte@albertslund.dk")
    set_email(direktoer2, "dan@albertslund.dk")
    make_user("uden_email", roles.DIREKTOERFORUM)
    make_user("stoppet", roles.DIREKTOERFORUM, email="stoppet@albertslund.dk", is_active=False)
    return direktoer, direktoer2


@pytest.fixture
def submit_on(time_machine, innovation_type):
    def submit(title, day, leader):
        time_machine.move_to(at(day, 10), tick=False)
        network = services.network_create(
            by=leader,
            type=innovation_type,
            title=title,
            theme="Frivillighed",
            purpose="Et formål.",
            strategy_reference="En strategi",
        )
        services.network_submit(network=network, by=leader)
        time_machine.move_to(at(DIGEST_DAY, 7), tick=False)
        return network

    return submit


def digests(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def test_the_digest_lists_cases_waiting_more_than_14_days(leader, members, submit_on, mailoutbox):
    long = submit_on("Længe ventende", datetime.date(2027, 1, 5), leader)  # 15 days on the 20th
    submit_on("Næsten for længe", datetime.date(2027, 1, 6), leader)  # 14 days

    run(DIGEST_DAY)
    run(DIGEST_DAY)

    assert sorted(digests(mailoutbox)) == ["dan@albertslund.dk", "dorte@albertslund.dk"]
    assert sent(ReminderKind.DIREKTOERFORUM_DIGEST) == 2
    body = digests(mailoutbox)["dorte@albertslund.dk"].body
    assert "Hej Dorte" in body
    assert "Disse innovationsnetværk har ventet mere end 14 dage på Direktørforums beslutning:" in body
    assert "- Længe ventende (Lene Leder): 15 dage" in body
    assert f"http://127.0.0.1:8000/direktoerforum/sag/{long.pk}/" in body
    assert "Alle ventende sager: http://127.0.0.1:8000/direktoerforum/" in body
    assert "Næsten for længe" not in body


def test_no_digest_when_no_case_has_waited_more_than_14_days(leader, members, submit_on, mailoutbox):
    submit_on("Næsten for længe", datetime.date(2027, 1, 6), leader)
    run(DIGEST_DAY)
    assert mailoutbox == []
    assert sent() == 0


def test_a_decided_case_leaves_the_digest(leader, direktoer, members, submit_on, mailoutbox):
    case = submit_on("Længe ventende", datetime.date(2027, 1, 1), leader)
    services.network_approve(network=case, by=direktoer)
    run(DIGEST_DAY)
    assert mailoutbox == []


def test_the_digest_leaves_out_the_cases_a_member_leads(leader, other_leader, members, submit_on, mailoutbox):
    set_email(other_leader, "ole@albertslund.dk")
    other_leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    submit_on("Oles sag", datetime.date(2027, 1, 1), other_leader)  # 19 days
    submit_on("Lenes sag", datetime.date(2027, 1, 4), leader)  # 16 days

    run(DIGEST_DAY)

    by_recipient = digests(mailoutbox)
    assert sorted(by_recipient) == ["dan@albertslund.dk", "dorte@albertslund.dk", "ole@albertslund.dk"]
    assert "Oles sag" not in by_recipient["ole@albertslund.dk"].body
    assert "- Lenes sag (Lene Leder): 16 dage" in by_recipient["ole@albertslund.dk"].body
    dorte = by_recipient["dorte@albertslund.dk"]
    assert dorte.subject == "2 sager har ventet mere end 14 dage på Direktørforum"
    assert dorte.body.index("Oles sag") < dorte.body.index("Lenes sag")  # longest waiting first


def test_the_digest_subject_for_one_case_is_singular(leader, members, submit_on, mailoutbox):
    submit_on("Længe ventende", datetime.date(2027, 1, 5), leader)
    run(DIGEST_DAY)
    assert {message.subject for message in mailoutbox} == {
        "1 sag har ventet mere end 14 dage på Direktørforum"
    }


def test_a_member_whose_only_waiting_case_is_their_own_gets_no_digest(
    other_leader, members, submit_on, mailoutbox
):
    set_email(other_leader, "ole@albertslund.dk")
    other_leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    submit_on("Oles sag", datetime.date(2027, 1, 1), other_leader)

    run(DIGEST_DAY)

    assert sorted(digests(mailoutbox)) == ["dan@albertslund.dk", "dorte@albertslund.dk"]
    assert not SentReminder.objects.filter(recipient=other_leader).exists()


def test_the_digest_is_weekly(leader, members, submit_on, mailoutbox):
    submit_on("Længe ventende", datetime.date(2027, 1, 5), leader)
    run(DIGEST_DAY)  # Wednesday, week 3
    run(datetime.date(2027, 1, 24))  # Sunday, week 3
    assert len(mailoutbox) == 2
    run(datetime.date(2027, 1, 25))  # Monday, week 4
    assert len(mailoutbox) == 4


# --- Recipients, failures and the command -----------------------------------------------------


def test_a_recipient_without_email_is_skipped(leader, draft_welfare, mailoutbox):
    meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    assert leader.email == ""
    output = run(SATURDAY)
    assert mailoutbox == []
    assert sent() == 0
    assert "Sendt: 0 påmindelse(r)." in output


def test_an_inactive_recipient_is_skipped(leader_email, draft_welfare, mailoutbox):
    meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))
    leader_email.is_active = False
    leader_email.save(update_fields=["is_active"])
    run(SATURDAY)
    assert mailoutbox == []
    assert sent() == 0


def test_a_failing_send_stays_in_the_outbox_and_is_not_queued_twice(
    monkeypatch, leader_email, draft_welfare, mailoutbox
):
    meeting(draft_welfare, "Kickoff", at(SUNDAY, 9))

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("networks.notifications.send_mail", refuse)
    output = run(SATURDAY)
    assert mailoutbox == []
    assert sent(ReminderKind.MEETING_TOMORROW) == 1
    assert "Sendt: 1 påmindelse(r)." in output
    email = OutgoingEmail.objects.get()
    # The test settings' immediate backend cannot wait and retry: the email is failed at once,
    # where an administrator sees it (tests/test_outbox.py retries with the database backend).
    assert (email.status, email.attempts) == (OutgoingEmailStatus.FAILED, 1)
    assert "Connection unexpectedly closed" in email.last_error

    monkeypatch.undo()
    run(SATURDAY)
    assert mailoutbox == []
    assert OutgoingEmail.objects.count() == 1
    with sending():
        assert tasks.send_again(OutgoingEmail.objects.all()) == 1
    assert [message.subject for message in mailoutbox] == ["Påmindelse: “Kickoff” i morgen"]


def test_send_due_returns_the_count_per_kind(leader_email, meetings, draft_learning, mailoutbox):
    add_meetings(draft_learning, draft_learning.type.min_meetings - 1, first=datetime.date(2027, 2, 1))
    with sending():
        first = reminders.send_due(SATURDAY)
        second = reminders.send_due(SATURDAY)
    assert first == {ReminderKind.MEETING_TOMORROW: 3, ReminderKind.TOO_FEW_MEETINGS: 1}
    assert sum(second.values()) == 0
    assert len(mailoutbox) == 4


@pytest.mark.parametrize("bad", ["2027-13-01", "20-01-2027", "i morgen", "2027-02-30"])
def test_a_bad_date_is_refused(db, bad):
    with pytest.raises(CommandError, match="Ugyldig dato"):
        call_command("send_reminders", date=bad, stdout=StringIO())


def test_nothing_due_sends_nothing(network_types, mailoutbox):
    output = run(SATURDAY)
    assert mailoutbox == []
    assert "Sendt: 0 påmindelse(r)." in output
    assert Network.objects.count() == 0


# --- Follow-ups falling due -------------------------------------------------------------------


@pytest.fixture
def concluded_welfare(active_welfare, leader_email, time_machine):
    return conclude_on(time_machine, active_welfare, datetime.date(2027, 8, 31))


def test_no_follow_up_reminder_the_day_before_it_is_due(concluded_welfare, mailoutbox):
    run(concluded_welfare.follow_ups.get().due - datetime.timedelta(days=1))
    assert mailoutbox == []
    assert sent(ReminderKind.FOLLOW_UP_DUE) == 0


def test_the_leader_is_reminded_on_the_day_a_follow_up_falls_due(concluded_welfare, mailoutbox):
    follow_up = concluded_welfare.follow_ups.get()
    run(follow_up.due)
    (message,) = mailoutbox
    assert message.to == ["lene@albertslund.dk"]
    assert message.subject == "Opfølgning på Frivillige mod ensomhed skal besvares"
    assert "netværket “Frivillige mod ensomhed” blev afsluttet" in message.body
    assert "(fra den 30. november 2027)" in message.body
    assert f"/netvaerk/{concluded_welfare.pk}/opfoelgning/{follow_up.pk}/" in message.body


def test_a_follow_up_reminder_is_sent_once_however_often_it_runs(concluded_welfare, mailoutbox):
    due = concluded_welfare.follow_ups.get().due
    run(due)
    run(due)
    run(due + datetime.timedelta(days=1))
    assert len(mailoutbox) == 1
    assert sent(ReminderKind.FOLLOW_UP_DUE) == 1


def test_an_answered_follow_up_is_not_reminded(concluded_welfare, leader, mailoutbox, time_machine):
    follow_up = concluded_welfare.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    services.follow_up_answer(follow_up=follow_up, by=leader, answers={"in_operation": "no"})
    run(follow_up.due)
    assert mailoutbox == []
