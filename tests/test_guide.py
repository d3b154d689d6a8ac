"""The type guide at /netvaerk/guide/: its recommendation for each kind of answer, and the page."""

import pytest

from networks import guide
from tests.factories import assert_sent_to_login

URL = "/netvaerk/guide/"


def answers(**yes):
    """Every question answered "nej", except those given."""
    return {q.key: yes.get(q.key, guide.NO) for q in guide.QUESTIONS}


def recommend(network_types, **given):
    return guide.recommend(answers(**given), network_types.values())


def learning_plan(learning) -> str:
    """What the guide says of the learning type's plan, from its row."""
    meetings = f"{learning.min_meetings}–{learning.max_meetings} netværksmøder"
    return f"Ca. {learning.plan_months} måneder med {meetings}."


# --- The recommendation ---------------------------------------------------------------------------


def test_a_theme_spanning_many_areas_gets_an_innovation_network(network_types):
    result = recommend(network_types, complex=guide.YES)
    assert result.kind == "single"
    assert result.type.code == "innovation"
    assert result.reasons_for(result.type)[0] == (
        "Temaet er bredt og sammensat; det kræver nytænkning på flere fronter og inddragelse "
        "af mange aktører."
    )


def test_a_political_vision_alone_also_points_to_innovation_and_says_direktoerforum_decides(network_types):
    result = recommend(network_types, political=guide.YES)
    assert result.type.code == "innovation"
    assert (
        "Direktørforum beslutter, om netværket skal i gang. Det indstilles først til godkendelse."
        in result.reasons_for(result.type)
    )


def test_a_citizen_near_bounded_theme_gets_a_welfare_network_with_the_sprint_length(network_types):
    result = recommend(network_types, citizen_near=guide.YES)
    assert result.type.code == "welfare"
    most = network_types["welfare"].sprint_max_days
    assert f"En intensiv sprint på højst {most} dage, når opstarten er på plads." in result.reasons_for(
        result.type
    )


def test_missing_knowledge_gets_a_learning_network_with_its_meeting_plan(network_types):
    result = recommend(network_types, knowledge=guide.YES)
    assert result.type.code == "learning"
    assert learning_plan(network_types["learning"]) in result.reasons_for(result.type)


def test_the_type_with_most_yes_answers_wins(network_types):
    result = recommend(network_types, complex=guide.YES, political=guide.YES, citizen_near=guide.YES)
    assert result.kind == "single"
    assert result.type.code == "innovation"
    assert len([r for r in result.reasons_for(result.type) if r.startswith("Temaet")]) == 2


def test_a_tie_names_every_type_that_ties_with_its_reasons(network_types):
    result = recommend(network_types, complex=guide.YES, citizen_near=guide.YES, knowledge=guide.YES)
    assert result.kind == "tie"
    assert result.type is None
    assert [t.code for t, _reasons in result.explained] == ["innovation", "welfare", "learning"]
    assert all(len(reasons) == 1 for _t, reasons in result.explained)


@pytest.mark.parametrize("answer", [guide.NO, guide.UNSURE])
def test_no_yes_answer_recommends_nothing(network_types, answer):
    result = guide.recommend({q.key: answer for q in guide.QUESTIONS}, network_types.values())
    assert result.kind == "none"
    assert result.types == []


def test_the_facts_come_from_the_types_parameters(network_types):
    network_types["welfare"].sprint_max_days = 21
    result = recommend(network_types, citizen_near=guide.YES)
    assert "En intensiv sprint på højst 21 dage, når opstarten er på plads." in result.reasons_for(
        result.type
    )


def test_the_comparison_shows_time_frame_actors_and_who_decides_for_each_type(network_types):
    rows = {s.type.code: s for s in guide.summaries(network_types.values())}
    innovation = network_types["innovation"]
    assert rows["innovation"].time_frame == f"Ca. {innovation.plan_months} måneder."
    assert rows["innovation"].core == (
        f"Mindst {innovation.min_core_participants} kernedeltagere, før netværket starter."
    )
    assert rows["welfare"].who_decides == "Du som netværksleder, når dit mandat er afklaret."
    assert (
        rows["learning"].result == "Viden, som deltagerne forpligter sig til at bruge i deres eget arbejde."
    )


# --- The page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "other_leader", "direktoer", "administrator", "outsider"])
def test_every_logged_in_user_may_read_the_guide(login, persona, network_types):
    response = login(persona).get(URL)
    assert response.status_code == 200
    assert "Kend din netværkstype" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    assert_sent_to_login(client.get(URL))


def test_it_rejects_post(login, leader):
    assert login("leader").post(URL).status_code == 405


def test_the_questions_are_labelled_radio_groups_and_the_types_are_compared(login, leader, network_types):
    page = login("leader").get(URL).content.decode()
    assert page.count("<legend") == len(guide.QUESTIONS)
    assert 'for="id_complex_0"' in page
    assert "Typerne side om side" in page
    assert learning_plan(network_types["learning"]) in page
    assert page.count("<h1") == 1


def test_answers_show_the_recommendation_and_continue_to_registration_with_the_type(
    login, leader, network_types
):
    response = login("leader").get(URL, answers(citizen_near=guide.YES))
    page = response.content.decode()
    assert "Dit tema passer bedst til et <strong>velfærdsnetværk</strong>." in page
    assert 'href="/netvaerk/ny/?type=welfare">Fortsæt med et velfærdsnetværk' in page


def test_a_tie_offers_each_type(login, leader, network_types):
    page = login("leader").get(URL, answers(complex=guide.YES, citizen_near=guide.YES)).content.decode()
    assert "Dit tema peger på flere typer." in page
    assert "Fortsæt med et innovationsnetværk" in page and "Fortsæt med et velfærdsnetværk" in page


def test_no_yes_answers_say_so(login, leader, network_types):
    page = login("leader").get(URL, answers()).content.decode()
    assert "Dine svar peger ikke på en bestemt type endnu." in page


def test_a_missing_answer_is_marked_on_its_question(login, leader, network_types):
    partial = answers(complex=guide.YES)
    del partial["knowledge"]
    page = login("leader").get(URL, partial).content.decode()
    assert "Vælg et svar." in page
    assert 'aria-invalid="true"' in page
    assert "Vores forslag" not in page


def test_a_made_up_answer_is_refused_in_danish(login, leader, network_types):
    page = login("leader").get(URL, {**answers(), "complex": "måske"}).content.decode()
    assert "Svar ja, nej eller ved ikke." in page


def test_direktoerforum_gets_no_registration_buttons(login, direktoer, network_types):
    page = login("direktoer").get(URL, answers(knowledge=guide.YES)).content.decode()
    assert "Dit tema passer bedst til et <strong>læringsnetværk</strong>." in page
    assert "/netvaerk/ny/" not in page


def test_query_count(login, leader, network_types, django_assert_num_queries):
    client = login("leader")
    # session, user, network types, user's groups (may they register?)
    with django_assert_num_queries(4):
        assert client.get(URL, answers(knowledge=guide.YES)).status_code == 200
