"""What Direktørforum approved binds the network: its content is locked on the pages, in the
services and in the admin, and changes only through a change request that Direktørforum decides.

The planned period may move within the type's `duration_tolerance_days` (read from the type's row).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from networks import roles, services
from networks.models import ChangeRequest, ChangeRequestStatus, Status, StatusChange
from tests.factories import (
    PLANNED_START,
    add_core,
    admin_inline_forms,
    approved_innovation_with_plan,
    at,
    fresh,
    make_user,
    plan_end,
)

LOCKED_TEXT_FIELDS = ["theme", "purpose", "strategy_reference", "mandate"]
LOCKED_MESSAGE = "Anmod i stedet Direktørforum om en ændring"
ALREADY_DECIDED = "Der er allerede truffet en beslutning om ændringsanmodningen"


@pytest.fixture
def approved(leader, direktoer, innovation_type):
    return approved_innovation_with_plan(leader, direktoer, innovation_type)


@pytest.fixture
def active(approved, leader):
    return services.network_start(network=approved, by=leader)


def ask(network, leader, **changes):
    return services.change_request_create(
        network=network,
        by=leader,
        changes=changes or {"theme": "Frivillighed og fællesskab"},
        reason="Bredere.",
    )


def tolerance(network) -> int:
    return network.type.duration_tolerance_days


# --- The lock in the service ----------------------------------------------------------------------


@pytest.mark.parametrize("field", LOCKED_TEXT_FIELDS)
@pytest.mark.parametrize("state", ["approved", "active"])
def test_approved_content_cannot_be_edited_in_place(request, leader, field, state):
    network = request.getfixturevalue(state)
    before = getattr(network, field)
    with pytest.raises(services.DomainError) as refused:
        services.network_update(network=network, by=leader, **{field: "Noget andet"})
    assert refused.value.code == "approved_content_locked"
    assert LOCKED_MESSAGE in refused.value.message
    assert str(network._meta.get_field(field).verbose_name) in refused.value.message
    assert getattr(fresh(network), field) == before


def test_blanking_the_purpose_and_strategy_of_an_approved_network_is_refused(approved, leader):
    with pytest.raises(services.DomainError) as refused:
        services.network_update(network=approved, by=leader, purpose="", strategy_reference="")
    assert "formål og politisk vision eller strategi" in refused.value.message
    assert fresh(approved).purpose == "Tænk velfærd og frivillighed forfra."


def test_the_type_of_an_approved_network_cannot_be_changed(approved, leader, welfare_type):
    with pytest.raises(services.DomainError) as refused:
        services.network_update(network=approved, by=leader, type=welfare_type)
    assert refused.value.code == "type_locked"
    assert fresh(approved).type.code == "innovation"


@pytest.mark.parametrize("field", ["planned_start", "planned_end"])
@pytest.mark.parametrize("direction", [1, -1])
def test_a_planned_date_moves_in_place_within_the_tolerance(active, leader, field, direction):
    moved = getattr(active, field) + datetime.timedelta(days=direction * tolerance(active))
    services.network_update(network=active, by=leader, **{field: moved})
    assert getattr(fresh(active), field) == moved


@pytest.mark.parametrize("field", ["planned_start", "planned_end"])
@pytest.mark.parametrize("direction", [1, -1])
def test_a_planned_date_moved_a_day_past_the_tolerance_is_refused(active, leader, field, direction):
    before = getattr(active, field)
    moved = before + datetime.timedelta(days=direction * (tolerance(active) + 1))
    with pytest.raises(services.DomainError) as refused:
        services.network_update(network=active, by=leader, **{field: moved})
    assert refused.value.code == "approved_content_locked"
    assert f"højst {tolerance(active)} dage" in refused.value.message
    assert [f.field for f in refused.value.findings] == [field]
    assert getattr(fresh(active), field) == before


def test_the_title_and_the_mandate_clarified_stay_editable(active, leader):
    services.network_update(network=active, by=leader, title="Nyt navn", mandate_clarified=False)
    assert fresh(active).title == "Nyt navn"


def test_saving_the_approved_values_unchanged_is_allowed(active, leader):
    services.network_update(network=active, by=leader, theme=active.theme, purpose=active.purpose)
    assert fresh(active).theme == "Frivillighed"


def test_a_draft_innovation_network_is_not_locked(draft_innovation, leader):
    services.network_update(network=draft_innovation, by=leader, theme="Nyt tema", purpose="")
    assert fresh(draft_innovation).theme == "Nyt tema"


@pytest.mark.parametrize("fixture", ["active_welfare", "ready_learning"])
def test_types_without_approval_are_not_locked(request, leader, fixture):
    network = request.getfixturevalue(fixture)
    services.network_update(network=network, by=leader, theme="Nyt tema", mandate="Nyt mandat")
    assert fresh(network).theme == "Nyt tema"


# --- The lock on the edit page --------------------------------------------------------------------


def _edit_data(network, **changes):
    data = {
        "title": network.title,
        "theme": network.theme,
        "purpose": network.purpose,
        "strategy_reference": network.strategy_reference,
        "mandate": network.mandate,
        "mandate_clarified": "on" if network.mandate_clarified else "",
        "planned_start": network.planned_start.isoformat(),
        "planned_end": network.planned_end.isoformat(),
    }
    return {**data, **changes}


def test_the_edit_page_shows_the_approved_content_disabled_with_a_link_to_ask(login, active):
    page = login("leader").get(f"/netvaerk/{active.pk}/rediger/").content.decode()
    for field in LOCKED_TEXT_FIELDS:
        assert f'name="{field}"' in page
        tag = page[page.index(f'name="{field}"') - 200 : page.index(f'name="{field}"') + 200]
        assert "disabled" in tag
    assert "Godkendt af Direktørforum; ændres ved en ændringsanmodning." in page
    assert f'href="/netvaerk/{active.pk}/aendringsanmodning/"' in page


def test_a_posted_change_to_a_disabled_field_is_ignored_and_the_rest_saved(login, active):
    response = login("leader").post(
        f"/netvaerk/{active.pk}/rediger/", _edit_data(active, theme="Snydt tema", title="Nyt navn")
    )
    assert response.status_code == 302
    network = fresh(active)
    assert (network.theme, network.title) == ("Frivillighed", "Nyt navn")


def test_the_edit_page_refuses_a_planned_end_past_the_tolerance_on_the_field(login, active):
    moved = active.planned_end + datetime.timedelta(days=tolerance(active) + 1)
    response = login("leader").post(
        f"/netvaerk/{active.pk}/rediger/", _edit_data(active, planned_end=moved.isoformat())
    )
    assert response.status_code == 200
    assert response.context["form"].errors["planned_end"] == [
        "Godkendt af Direktørforum: anmod om en ændring i stedet."
    ]
    assert fresh(active).planned_end == active.planned_end


def test_the_edit_page_saves_a_planned_end_at_the_tolerance(login, active):
    moved = active.planned_end + datetime.timedelta(days=tolerance(active))
    response = login("leader").post(
        f"/netvaerk/{active.pk}/rediger/", _edit_data(active, planned_end=moved.isoformat())
    )
    assert response.status_code == 302
    assert fresh(active).planned_end == moved


# --- The lock in the admin ------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, administrator):
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    client.force_login(administrator)
    return client


def _admin_data(network, **changes):
    data = {
        "title": network.title,
        "leader": network.leader_id,
        "mandate_clarified": "on",
        "planned_start": network.planned_start.isoformat(),
        "planned_end": network.planned_end.isoformat(),
        "sprint_start": "",
        "sprint_end": "",
        "outcome_summary": "",
    }
    return {**data, **admin_inline_forms(), **changes}


def test_the_admin_shows_the_approved_content_read_only(admin_client, active):
    response = admin_client.get(f"/admin/networks/network/{active.pk}/change/")
    form = response.context["adminform"].form
    for field in [*LOCKED_TEXT_FIELDS, "type"]:
        assert field not in form.fields
    assert "planned_end" in form.fields


def test_the_admin_ignores_a_posted_theme_and_refuses_a_planned_end_past_the_tolerance(admin_client, active):
    moved = active.planned_end + datetime.timedelta(days=tolerance(active) + 1)
    url = f"/admin/networks/network/{active.pk}/change/"
    response = admin_client.post(url, _admin_data(active, theme="Snydt", planned_end=moved.isoformat()))
    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.content.decode()
    network = fresh(active)
    assert (network.theme, network.planned_end) == ("Frivillighed", active.planned_end)


def test_the_admin_saves_a_planned_end_at_the_tolerance(admin_client, active):
    moved = active.planned_end + datetime.timedelta(days=tolerance(active))
    url = f"/admin/networks/network/{active.pk}/change/"
    response = admin_client.post(url, _admin_data(active, planned_end=moved.isoformat()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert fresh(active).planned_end == moved


# --- Asking for a change --------------------------------------------------------------------------


def test_a_change_request_is_stored_with_what_was_approved_and_waits(
    active, leader, emails, mailoutbox, django_capture_on_commit_callbacks
):
    new_end = plan_end(active.type, PLANNED_START, days_off=90)
    with django_capture_on_commit_callbacks(execute=True):
        change_request = services.change_request_create(
            network=active,
            by=leader,
            changes={"theme": "  Frivillighed og fællesskab ", "planned_end": new_end.isoformat()},
            reason="Byrådet har udvidet visionen.",
        )
    assert change_request.status == ChangeRequestStatus.PENDING
    assert change_request.changes == {
        "theme": "Frivillighed og fællesskab",
        "planned_end": new_end.isoformat(),
    }
    assert change_request.previous == {"theme": "Frivillighed", "planned_end": active.planned_end.isoformat()}
    # The network is untouched and keeps running.
    network = fresh(active)
    assert (network.status, network.theme) == (Status.ACTIVE, "Frivillighed")
    trace = StatusChange.objects.filter(network=active).last()
    assert (trace.from_status, trace.to_status) == (Status.ACTIVE, Status.ACTIVE)
    assert trace.comment.startswith("Ændringsanmodning sendt til Direktørforum (tema og planlagt afslutning)")
    # Direktørforum's members hear of it, each on their own; the leader does not.
    assert sorted(m.to[0] for m in mailoutbox) == ["dan@albertslund.dk", "dorte@albertslund.dk"]
    assert mailoutbox[0].subject == "Ændringsanmodning til Direktørforum: Velfærd med frivillige"
    assert f"/direktoerforum/aendringsanmodning/{change_request.pk}/" in mailoutbox[0].body
    assert "Foreslået: Frivillighed og fællesskab" in mailoutbox[0].body
    # Dates read as on the case page, not as stored.
    assert f"Foreslået: {new_end.day}. " in mailoutbox[0].body
    assert new_end.isoformat() not in mailoutbox[0].body


def test_no_email_is_sent_for_a_change_request_that_was_rolled_back(active, leader, emails, mailoutbox):
    # Without the commit the callbacks never run: the email waits for the transaction.
    ask(active, leader)
    assert mailoutbox == []


def test_only_the_leader_asks_for_a_change(active, other_leader, direktoer, administrator):
    for user in (other_leader, direktoer, administrator):
        with pytest.raises(services.RoleRefused):
            ask(active, user)
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("fixture", ["draft_innovation", "submitted_innovation"])
def test_a_change_is_asked_for_only_once_approved(request, leader, fixture):
    with pytest.raises(services.DomainError) as refused:
        ask(request.getfixturevalue(fixture), leader)
    assert refused.value.code == "wrong_status"
    assert "mens netværket er godkendt eller aktivt" in refused.value.message


def test_a_concluded_network_takes_no_change_request(active, leader):
    services.network_update(network=active, by=leader, outcome_summary="Vi nåede langt.")
    services.network_conclude(network=active, by=leader)
    with pytest.raises(services.DomainError) as refused:
        ask(active, leader)
    assert refused.value.code == "wrong_status"


def test_a_welfare_network_changes_directly_instead(active_welfare, leader):
    with pytest.raises(services.DomainError) as refused:
        ask(active_welfare, leader)
    assert refused.value.code == "approval_not_required"


@pytest.mark.parametrize(
    ("changes", "reason", "field", "message"),
    [
        ({"theme": "Nyt"}, "  ", "reason", "Skriv, hvorfor ændringen er nødvendig"),
        ({"theme": "Frivillighed"}, "Fordi.", "theme", "Det er det samme som nu"),
        ({}, "Fordi.", "changes", "Angiv mindst én ændring."),
        ({"title": "Nyt navn"}, "Fordi.", "changes", "Ukendt: title."),
        ({"status": "draft"}, "Fordi.", "changes", "Ukendt: status."),
        ({"theme": 5}, "Fordi.", "theme", "Skriv værdien som tekst."),
        ({"theme": ""}, "Fordi.", "theme", "Dette felt kan ikke være tomt."),
        ({"purpose": " "}, "Fordi.", "purpose", "Beskriv netværkets formål"),
        ({"planned_end": "31-12-2027"}, "Fordi.", "planned_end", "Angiv datoen som ÅÅÅÅ-MM-DD."),
        ({"planned_end": "2027-02-01"}, "Fordi.", "planned_end", "Den planlagte afslutning skal ligge efter"),
        ({"planned_end": "1800-01-01"}, "Fordi.", "planned_end", ""),
        ({"type": "welfare"}, "Fordi.", "type", "kun skifte til en type, som Direktørforum også godkender"),
        ({"type": "ukendt"}, "Fordi.", "type", "Vælg en af netværkstyperne."),
    ],
)
def test_a_change_request_is_refused_field_by_field(active, leader, changes, reason, field, message):
    with pytest.raises(ValidationError) as refused:
        services.change_request_create(network=active, by=leader, changes=changes, reason=reason)
    assert message in " ".join(refused.value.message_dict[field])
    assert not ChangeRequest.objects.exists()


def test_changes_that_are_not_a_mapping_are_refused(active, leader):
    with pytest.raises(ValidationError) as refused:
        services.change_request_create(network=active, by=leader, changes=["theme"], reason="Fordi.")
    assert "changes" in refused.value.message_dict


def test_one_change_request_waits_at_a_time(active, leader):
    ask(active, leader)
    with pytest.raises(services.DomainError) as refused:
        ask(active, leader, mandate="Nyt mandat")
    assert refused.value.code == "change_request_pending"
    assert "venter på Direktørforums beslutning" in refused.value.message
    assert ChangeRequest.objects.count() == 1


# --- Deciding ---------------------------------------------------------------------------------------


def test_an_approved_change_is_applied_and_the_network_keeps_running(
    active, leader, direktoer, emails, mailoutbox, django_capture_on_commit_callbacks
):
    new_end = plan_end(active.type, PLANNED_START, days_off=90)
    change_request = ask(active, leader, theme="Frivillighed og fællesskab", planned_end=new_end.isoformat())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change_request=change_request, by=direktoer, comment="Fint.")
    network = fresh(active)
    assert (network.status, network.theme, network.planned_end) == (
        Status.ACTIVE,
        "Frivillighed og fællesskab",
        new_end,
    )
    decided = ChangeRequest.objects.get(pk=change_request.pk)
    assert (decided.status, decided.decided_by, decided.comment) == ("approved", direktoer, "Fint.")
    # The request and the applied change both show in the "Forløb" and the audit trail.
    comments = list(StatusChange.objects.filter(network=active).values_list("comment", flat=True))
    assert comments[-2].startswith("Ændringsanmodning sendt")
    assert comments[-1] == "Ændringsanmodning godkendt af Direktørforum (tema og planlagt afslutning): Fint."
    assert network.history.first().theme == "Frivillighed og fællesskab"
    # The leader hears of the decision.
    (message,) = mailoutbox
    assert message.to == ["lene@albertslund.dk"]
    assert message.subject == (
        "Direktørforums beslutning om ændringsanmodningen for Velfærd med frivillige: godkendt"
    )
    assert "Tema: Frivillighed → Frivillighed og fællesskab" in message.body


def test_a_rejection_needs_a_reason_and_leaves_the_network_as_approved(active, leader, direktoer):
    change_request = ask(active, leader)
    with pytest.raises(services.DomainError) as refused:
        services.change_request_reject(change_request=change_request, by=direktoer, comment=" ")
    assert refused.value.code == "comment_required"
    services.change_request_reject(change_request=change_request, by=direktoer, comment="Hold fast i temaet.")
    assert ChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.REJECTED
    assert fresh(active).theme == "Frivillighed"


def test_only_direktoerforum_decides_a_change_request(active, leader, other_leader, administrator):
    change_request = ask(active, leader)
    for user in (leader, other_leader, administrator):
        with pytest.raises(services.RoleRefused) as refused:
            services.change_request_approve(change_request=change_request, by=user)
        assert refused.value.code == "not_direktoerforum"
    assert ChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.PENDING


@pytest.fixture
def member_leading(db):
    return make_user("dirleder", roles.LEADERS, roles.DIREKTOERFORUM, first_name="Dina", last_name="Leder")


@pytest.fixture
def own_change_request(member_leading, direktoer, innovation_type):
    network = approved_innovation_with_plan(member_leading, direktoer, innovation_type, title="Eget netværk")
    return ask(network, member_leading)


def test_a_member_cannot_decide_a_change_to_a_network_they_lead(own_change_request, member_leading):
    with pytest.raises(services.RoleRefused) as refused:
        services.change_request_approve(change_request=own_change_request, by=member_leading)
    assert refused.value.code == "conflict_of_interest"


def test_a_decided_change_request_says_who_decided_and_when(
    active, leader, direktoer, direktoer2, time_machine
):
    change_request = ask(active, leader)
    time_machine.move_to(at(datetime.date(2027, 4, 6), 15, 32), tick=False)
    services.change_request_approve(change_request=change_request, by=direktoer)
    with pytest.raises(services.DomainError) as refused:
        services.change_request_reject(change_request=change_request, by=direktoer2, comment="Nej.")
    assert refused.value.code == "already_decided"
    assert refused.value.message == (
        f"{ALREADY_DECIDED}: godkendt af Dorte Direktør den 6. april 2027 kl. 15.32."
    )


def test_an_approval_that_would_make_the_network_invalid_saves_nothing(active, leader, direktoer):
    # Proposed: a start shortly before the end. Meanwhile the end moves earlier, within the
    # tolerance, so the proposed start would now lie after it.
    start = active.planned_end - datetime.timedelta(days=10)
    change_request = ask(active, leader, planned_start=start.isoformat())
    earlier_end = active.planned_end - datetime.timedelta(days=tolerance(active))
    services.network_update(network=active, by=leader, planned_end=earlier_end)
    with pytest.raises(services.DomainError) as refused:
        services.change_request_approve(change_request=change_request, by=direktoer)
    assert refused.value.code == "change_request_invalid"
    assert "Den planlagte afslutning skal ligge efter den planlagte start." in refused.value.message
    assert fresh(active).planned_start == PLANNED_START
    assert ChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.PENDING


# --- The leader's pages ---------------------------------------------------------------------------


def form_url(network):
    return f"/netvaerk/{network.pk}/aendringsanmodning/"


def test_the_form_is_prefilled_with_the_approved_content(login, active):
    response = login("leader").get(form_url(active))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == [
        "theme",
        "purpose",
        "strategy_reference",
        "mandate",
        "planned_start",
        "planned_end",
        "reason",
    ]
    assert form.initial["theme"] == "Frivillighed"


def test_the_form_sends_only_what_changed(login, active):
    data = {**_edit_data(active, theme="Frivillighed og fællesskab"), "reason": "Bredere."}
    response = login("leader").post(form_url(active), data)
    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    assert change_request.changes == {"theme": "Frivillighed og fællesskab"}


def test_the_form_says_when_nothing_was_changed(login, active):
    response = login("leader").post(form_url(active), {**_edit_data(active), "reason": "Bredere."})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Du har ikke ændret noget. Ret det, der skal ændres, før du sender anmodningen."
    ]
    assert not ChangeRequest.objects.exists()


def test_the_form_puts_a_missing_reason_and_a_blank_purpose_on_their_fields(login, active):
    response = login("leader").post(form_url(active), _edit_data(active, purpose=" "))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["reason"] == ["Skriv, hvorfor ændringen er nødvendig."]
    response = login("leader").post(form_url(active), {**_edit_data(active, purpose=" "), "reason": "Fordi."})
    assert "Beskriv netværkets formål" in response.context["form"].errors["purpose"][0]
    page = response.content.decode()
    assert 'aria-describedby="error_1_id_purpose' in page or 'id="error_1_id_purpose"' in page


def test_with_a_request_waiting_the_form_sends_the_leader_back_with_the_reason(login, active, leader):
    ask(active, leader)
    response = login("leader").get(form_url(active), follow=True)
    assert response.redirect_chain[-1][0] == f"/netvaerk/{active.pk}/"
    assert "allerede en ændringsanmodning" in response.content.decode()


def test_the_form_is_the_leaders(login, active):
    assert login("other_leader").get(form_url(active)).status_code == 404
    assert login("direktoer").get(form_url(active)).status_code == 403


def test_the_network_page_lists_the_change_requests(login, active, leader, direktoer):
    change_request = ask(active, leader)
    services.change_request_reject(change_request=change_request, by=direktoer, comment="Hold fast.")
    page = login("leader").get(f"/netvaerk/{active.pk}/").content.decode()
    section = page[page.index('id="aendringsanmodninger"') :]
    assert "Frivillighed" in section and "Frivillighed og fællesskab" in section
    assert "Bredere." in section
    assert "afvist af Dorte Direktør" in section
    assert "Hold fast." in section
    assert f'href="/netvaerk/{active.pk}/aendringsanmodning/">Anmod om ændring…' in section


def test_the_network_page_of_a_welfare_network_has_no_change_requests(login, active_welfare):
    page = login("leader").get(f"/netvaerk/{active_welfare.pk}/").content.decode()
    assert "aendringsanmodninger" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_network_page_query_count_does_not_grow_with_change_requests(
    login, active, leader, direktoer, count, django_assert_num_queries
):
    for _ in range(count):
        services.change_request_reject(change_request=ask(active, leader), by=direktoer, comment="Nej.")
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings, decisions,
    # change requests with requester and decider, whether one is waiting, status changes
    with django_assert_num_queries(10):
        assert client.get(f"/netvaerk/{active.pk}/").status_code == 200


# --- Direktørforum's pages ------------------------------------------------------------------------


def case_url(change_request):
    return f"/direktoerforum/aendringsanmodning/{change_request.pk}/"


def test_the_case_page_shows_each_field_now_and_proposed(login, active, leader):
    change_request = ask(active, leader, theme="Frivillighed og fællesskab", mandate="Et bredere mandat")
    page = login("direktoer").get(case_url(change_request)).content.decode()
    assert '<th scope="row">Tema</th><td>Frivillighed</td><td>Frivillighed og fællesskab</td>' in page
    assert "<td>Aftalt med chefen</td><td>Et bredere mandat</td>" in page
    assert "Bredere." in page
    assert "Aktiv" in page and "Lene Leder" in page
    assert 'name="outcome"' in page


def test_rejecting_on_the_case_page_needs_a_reason_on_the_field(login, active, leader):
    change_request = ask(active, leader)
    response = login("direktoer").post(case_url(change_request), {"outcome": "rejected", "comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == [
        "Skriv en begrundelse; den sendes til netværkslederen."
    ]
    assert ChangeRequest.objects.get().status == ChangeRequestStatus.PENDING


def test_approving_on_the_case_page_applies_the_change(login, active, leader):
    change_request = ask(active, leader)
    response = login("direktoer").post(case_url(change_request), {"outcome": "approved"}, follow=True)
    assert "Beslutningen er registreret: godkendt." in response.content.decode()
    assert fresh(active).theme == "Frivillighed og fællesskab"


def test_a_member_who_leads_the_network_sees_why_instead_of_the_form(
    client, own_change_request, member_leading
):
    client.force_login(member_leading)
    page = client.get(case_url(own_change_request)).content.decode()
    assert "Du leder selv netværket og kan derfor ikke beslutte ændringsanmodningen." in page
    assert 'name="outcome"' not in page
    assert client.post(case_url(own_change_request), {"outcome": "approved"}).status_code == 403
    assert ChangeRequest.objects.get().status == ChangeRequestStatus.PENDING


def test_the_member_who_decides_second_is_told_who_decided_first(login, active, leader, direktoer2):
    change_request = ask(active, leader)
    client = login("direktoer")
    client.get(case_url(change_request))
    services.change_request_reject(change_request=change_request, by=direktoer2, comment="Nej.")
    response = client.post(case_url(change_request), {"outcome": "approved"}, follow=True)
    page = response.content.decode()
    assert f"{ALREADY_DECIDED}: afvist af Dan Direktør den " in page
    assert "Beslutningen er registreret" not in page
    assert fresh(active).theme == "Frivillighed"


def test_the_case_page_is_direktoerforums(login, active, leader):
    change_request = ask(active, leader)
    assert login("leader").get(case_url(change_request)).status_code == 403


def test_the_case_page_query_count(login, active, leader, django_assert_num_queries):
    change_request = ask(active, leader, theme="Nyt", purpose="Nyt formål", mandate="Nyt mandat")
    client = login("direktoer")
    # session, user, groups, the change request with network, type, leader, requester and decider
    with django_assert_num_queries(4):
        assert client.get(case_url(change_request)).status_code == 200


def test_the_queue_lists_waiting_change_requests_oldest_first(
    client, leader, direktoer, innovation_type, time_machine
):
    networks = [
        approved_innovation_with_plan(leader, direktoer, innovation_type, title=title)
        for title in ("Først", "Sidst")
    ]
    time_machine.move_to(at(datetime.date(2027, 4, 1)), tick=False)
    later = ask(networks[1], leader)
    time_machine.move_to(at(datetime.date(2027, 3, 20)), tick=False)
    earlier = ask(networks[0], leader)
    time_machine.move_to(at(datetime.date(2027, 4, 6), 12), tick=False)
    client.force_login(direktoer)
    page = client.get("/direktoerforum/").content.decode()
    section = page[page.index('id="aendringsanmodninger"') : page.index('id="seneste"')]
    assert section.index(case_url(earlier)) < section.index(case_url(later))
    assert "17 dage" in section and "5 dage" in section


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_query_count_does_not_grow_with_change_requests(
    client, leader, direktoer, innovation_type, count, django_assert_num_queries
):
    for i in range(count):
        network = approved_innovation_with_plan(leader, direktoer, innovation_type, title=f"Netværk {i}")
        add_core(network, 1)
        ask(network, leader)
    client.force_login(direktoer)
    # session, user, groups; the network queue (empty here); the change requests with network,
    # type, leader and requester; decided cases; the portfolio with its participants and meetings;
    # the concluded innovation networks (none)
    with django_assert_num_queries(10):
        assert client.get("/direktoerforum/").status_code == 200
