"""One case before Direktørforum at /direktoerforum/sag/<id>/: reading it, and deciding it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from networks import roles, rules, services
from networks.models import (
    ActorCategory,
    Decision,
    DecisionOutcome,
    Network,
    Participant,
    ParticipantRole,
    Status,
)
from networks.text import CONTROL_CHARACTER_MESSAGE, TEXT_MAX_LENGTH

CPH = ZoneInfo("Europe/Copenhagen")
COMMENT_REQUIRED = "Skriv en begrundelse; den sendes til netværkslederen."
CONFLICT = "Du leder selv netværket og kan derfor ikke træffe beslutning om det."
ONLY_MEMBERS = "Kun medlemmer af Direktørforum kan træffe beslutning om innovationsnetværk."
ALREADY_DECIDED = "Der er allerede truffet en beslutning om denne indstilling"
FORM_BUTTON = "Registrér beslutningen"


def url_of(network):
    return f"/direktoerforum/sag/{network.pk}/"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=CPH)


def fresh(network):
    return Network.objects.get(pk=network.pk)


def has_form(page: str) -> bool:
    return FORM_BUTTON in page and 'name="outcome"' in page


@pytest.fixture
def url(submitted_innovation):
    return url_of(submitted_innovation)


@pytest.fixture
def case_with_participants(submitted_innovation):
    Participant.objects.create(
        network=submitted_innovation,
        name="Borgmester Berit",
        organisation="Kultur- og fritidsudvalget",
        actor_category=ActorCategory.POLITICIAN,
    )
    Participant.objects.create(
        network=submitted_innovation,
        name="Frivilligcentret",
        actor_category=ActorCategory.INTEREST_ORGANISATION,
        role=ParticipantRole.PERIPHERAL,
    )
    Participant.objects.create(
        network=submitted_innovation,
        name="Gået Gert",
        actor_category=ActorCategory.CITIZEN,
        joined_on=datetime.date(2026, 1, 1),
        left_on=datetime.date(2026, 6, 1),
    )
    return submitted_innovation


# --- Reading the case -------------------------------------------------------------------------


def test_a_member_sees_the_case_and_the_form(client, direktoer, case_with_participants):
    client.force_login(direktoer)
    response = client.get(url_of(case_with_participants))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Velfærd med frivillige" in page
    assert "Frivillighed" in page  # theme
    assert "Tænk velfærd og frivillighed forfra." in page  # purpose
    assert "Albertslund Kommunes frivillighedspolitik" in page  # strategy
    assert "Lene Leder" in page
    assert "Borgmester Berit, Kultur- og fritidsudvalget – Politiker (kernedeltager)" in page
    assert "Frivilligcentret – Interesseorganisation (perifer deltager)" in page
    assert "Gået Gert" not in page  # left the network
    # The findings the rules give Direktørforum, in their own words (among them that the case involves only
    # two kinds of actors, "Netværket inddrager 2 aktørtyper", fewer than the type expects).
    findings = rules.case_findings(Network.objects.with_related().get(pk=case_with_participants.pk))
    assert findings
    for finding in findings:
        assert finding.message in page
    assert has_form(page)
    assert "Godkend" in page and "Ønsk ændringer" in page and "Afvis" in page


def test_the_case_shows_how_long_it_has_waited(client, time_machine, leader, direktoer, draft_innovation):
    time_machine.move_to(at(datetime.date(2027, 1, 2)), tick=False)
    services.network_submit(network=draft_innovation, by=leader)
    time_machine.move_to(at(datetime.date(2027, 1, 12)), tick=False)
    client.force_login(direktoer)
    page = client.get(url_of(draft_innovation)).content.decode()
    assert "har ventet 10 dage" in page


def test_a_member_who_leads_the_network_sees_why_and_no_form(client, leader, url):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page
    assert not has_form(page)


def test_a_member_who_leads_the_network_cannot_decide_by_posting(client, leader, submitted_innovation, url):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    client.force_login(leader)
    response = client.post(url, {"outcome": "approved"})
    assert response.status_code == 403
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


def test_an_administrator_sees_the_case_but_no_form(client, administrator, url):
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Velfærd med frivillige" in page
    assert ONLY_MEMBERS in page
    assert not has_form(page)


def test_an_administrator_cannot_decide_by_posting(client, administrator, submitted_innovation, url):
    client.force_login(administrator)
    assert client.post(url, {"outcome": "approved"}).status_code == 403
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


@pytest.mark.parametrize("persona", ["leader", "other_leader", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anyone_else_gets_403(client, request, persona, method, submitted_innovation, url):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url, {"outcome": "approved"} if method == "post" else None)
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_rejects_other_methods(client, direktoer, url, method):
    client.force_login(direktoer)
    assert getattr(client, method)(url).status_code == 405


# --- Not a case: 404 --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_innovation_draft_never_submitted_is_404(client, request, persona, method, draft_innovation):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url_of(draft_innovation), {"outcome": "approved"})
    assert response.status_code == 404
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
def test_a_network_of_another_type_is_404(client, request, persona, draft_welfare, draft_learning):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url_of(draft_welfare)).status_code == 404
    assert client.get(url_of(draft_learning)).status_code == 404


def test_someone_elses_welfare_network_is_404_even_for_a_member_who_leads_networks(
    client, other_leader, draft_welfare
):
    other_leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    client.force_login(other_leader)
    assert client.get(url_of(draft_welfare)).status_code == 404
    assert client.post(url_of(draft_welfare), {"outcome": "approved"}).status_code == 404


def test_a_network_that_does_not_exist_is_404(client, direktoer, network_types):
    client.force_login(direktoer)
    assert client.get("/direktoerforum/sag/999999/").status_code == 404


# --- Deciding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "comment", "status", "label"),
    [
        (DecisionOutcome.APPROVED, "", Status.APPROVED, "godkendt"),
        (DecisionOutcome.APPROVED, "Flot arbejde.", Status.APPROVED, "godkendt"),
        (DecisionOutcome.REJECTED, "Passer ikke i strategien.", Status.REJECTED, "afvist"),
        (DecisionOutcome.CHANGES_REQUESTED, "Skærp formålet.", Status.DRAFT, "ændringer ønsket"),
    ],
)
def test_a_member_decides_the_case(
    client, time_machine, direktoer, submitted_innovation, url, outcome, comment, status, label
):
    time_machine.move_to(at(datetime.date(2027, 2, 4), 14), tick=False)
    client.force_login(direktoer)
    response = client.post(url, {"outcome": outcome, "comment": comment, "meeting_date": "2027-02-03"})

    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(response["Location"]).content.decode()
    assert f"Beslutningen er registreret: {label}. Netværkslederen har fået besked." in page

    decision = Decision.objects.get(network=submitted_innovation)
    assert decision.round == 1
    assert decision.outcome == outcome
    assert decision.comment == comment
    assert decision.decided_by == direktoer
    assert decision.meeting_date == datetime.date(2027, 2, 3)
    assert decision.decided_at == at(datetime.date(2027, 2, 4), 14)
    assert fresh(submitted_innovation).status == status


def test_the_meeting_date_may_be_left_out(client, direktoer, submitted_innovation, url):
    client.force_login(direktoer)
    response = client.post(url, {"outcome": "approved", "comment": "", "meeting_date": ""})
    assert response.status_code == 302
    assert Decision.objects.get(network=submitted_innovation).meeting_date is None


@pytest.mark.parametrize("outcome", [DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED])
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_reject_and_request_changes_need_a_comment(
    client, direktoer, submitted_innovation, url, outcome, comment
):
    client.force_login(direktoer)
    response = client.post(url, {"outcome": outcome, "comment": comment, "meeting_date": "2027-02-03"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"comment": [COMMENT_REQUIRED]}
    assert COMMENT_REQUIRED in response.content.decode()
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        # What a browser sends when no outcome is picked.
        ({"comment": "", "meeting_date": ""}, "outcome", "Vælg en beslutning."),
        ({"outcome": ""}, "outcome", "Vælg en beslutning."),
        ({"outcome": "maybe"}, "outcome", None),
        ({"outcome": "approved ", "comment": "x"}, "outcome", None),
        ({"outcome": "APPROVED"}, "outcome", None),
        ({"outcome": "approved", "meeting_date": "31-02-2027"}, "meeting_date", "Angiv en gyldig dato."),
        ({"outcome": "approved", "meeting_date": "2027-02-30"}, "meeting_date", "Angiv en gyldig dato."),
        ({"outcome": "approved", "meeting_date": "i morgen"}, "meeting_date", "Angiv en gyldig dato."),
        ({"outcome": "approved", "comment": "x" * (TEXT_MAX_LENGTH + 1)}, "comment", None),
        ({"outcome": "approved", "comment": "Godkendt.\x1b"}, "comment", str(CONTROL_CHARACTER_MESSAGE)),
    ],
)
def test_invalid_input_shows_field_errors_and_saves_nothing(
    client, direktoer, submitted_innovation, url, data, field, message
):
    client.force_login(direktoer)
    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
        assert message in response.content.decode()
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


def test_a_decided_case_tells_the_second_member_who_won(
    client, time_machine, direktoer, direktoer2, submitted_innovation, url
):
    # The second member opened the page before the first decided, and posts after.
    time_machine.move_to(at(datetime.date(2027, 2, 3), 10), tick=False)
    services.network_approve(network=submitted_innovation, by=direktoer2)

    time_machine.move_to(at(datetime.date(2027, 2, 3), 11), tick=False)
    client.force_login(direktoer)
    response = client.post(url, {"outcome": "rejected", "comment": "For dyrt."}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{ALREADY_DECIDED}: godkendt af Dan Direktør" in page
    assert "Sagen venter ikke på en beslutning; netværket er godkendt." in page
    assert not has_form(page)
    assert list(Decision.objects.values_list("outcome", "decided_by")) == [
        (DecisionOutcome.APPROVED, direktoer2.pk)
    ]
    assert fresh(submitted_innovation).status == Status.APPROVED


def test_a_decided_case_shows_the_refusal_instead_of_the_form(
    client, direktoer, direktoer2, submitted_innovation, url
):
    services.network_reject(network=submitted_innovation, by=direktoer2, comment="Passer ikke.")
    client.force_login(direktoer)
    page = client.get(url).content.decode()
    assert "Sagen venter ikke på en beslutning; netværket er afvist." in page
    assert not has_form(page)
    assert "Runde 1: Afvist af Dan Direktør" in page
    assert "Passer ikke." in page


def test_the_whole_history_of_rounds_is_visible(
    client, time_machine, leader, direktoer, direktoer2, draft_innovation
):
    url = url_of(draft_innovation)
    time_machine.move_to(at(datetime.date(2027, 1, 5)), tick=False)
    services.network_submit(network=draft_innovation, by=leader)

    time_machine.move_to(at(datetime.date(2027, 2, 3), 15), tick=False)
    client.force_login(direktoer)
    response = client.post(
        url,
        {"outcome": "changes_requested", "comment": "Skærp formålet.", "meeting_date": "2027-02-03"},
    )
    assert response.status_code == 302
    assert fresh(draft_innovation).status == Status.DRAFT

    time_machine.move_to(at(datetime.date(2027, 2, 10)), tick=False)
    services.network_update(network=draft_innovation, by=leader, purpose="Et skarpere formål.")
    services.network_submit(network=draft_innovation, by=leader, comment="Formålet er skærpet.")

    time_machine.move_to(at(datetime.date(2027, 3, 3), 15), tick=False)
    client.force_login(direktoer2)
    page = client.get(url).content.decode()
    assert has_form(page)  # round 2 waits for a decision
    response = client.post(url, {"outcome": "approved", "meeting_date": "2027-03-03"})
    assert response.status_code == 302

    page = client.get(url).content.decode()
    assert "Runde 1: Ændringer ønsket af Dorte Direktør den 3. februar 2027" in page
    assert "(møde 3. februar 2027) – Skærp formålet." in page
    assert "Runde 2: Godkendt af Dan Direktør den 3. marts 2027 (møde 3. marts 2027)" in page
    assert "Formålet er skærpet." in page  # the leader's comment on resubmitting
    assert "Et skarpere formål." in page
    assert 'Indstillingsrunde</dt><dd class="col-sm-9">2' in page
    assert not has_form(page)
    assert list(Decision.objects.order_by("round").values_list("round", "outcome")) == [
        (1, DecisionOutcome.CHANGES_REQUESTED),
        (2, DecisionOutcome.APPROVED),
    ]
    # The status changes in order: created, submitted, back to draft, submitted, approved.
    history = [change.to_status for change in fresh(draft_innovation).status_changes.all()]
    assert history == [Status.DRAFT, Status.SUBMITTED, Status.DRAFT, Status.SUBMITTED, Status.APPROVED]


def test_a_case_sent_back_to_draft_stays_readable_but_offers_no_form(
    client, direktoer, submitted_innovation, url
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    client.force_login(direktoer)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sagen venter ikke på en beslutning; netværket er en kladde." in page
    assert not has_form(page)
    client.post(url, {"outcome": "approved"})
    assert Decision.objects.count() == 1
    assert fresh(submitted_innovation).status == Status.DRAFT


# --- Queries ----------------------------------------------------------------------------------


def test_query_count(client, direktoer, case_with_participants, django_assert_num_queries):
    client.force_login(direktoer)
    # session, user, the user's groups (role check), network with type and leader,
    # its participants, its meetings, its decisions with deciders, its status changes with who
    with django_assert_num_queries(8):
        client.get(url_of(case_with_participants))


def test_an_id_too_large_for_the_database_is_404(client, direktoer, network_types):
    client.force_login(direktoer)
    assert client.get("/direktoerforum/sag/99999999999999999999999/").status_code == 404
