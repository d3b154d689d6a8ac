"""Text is clean at the door, and every export and e-mail survives whatever is stored.

At the door: a single-line field (a title, a name) refuses line breaks and control characters, a
multi-line field (a purpose, an agenda, a comment) refuses control characters but tab, line feed
and carriage return, and free text is at most `TEXT_MAX_LENGTH` characters — on the pages, in the
API, in the CSV import and in the services alike, with the same Danish message on the field.

On the way out: values written straight into the database (no check on the way) still give every
export a file a spreadsheet opens safely, and Direktørforum's e-mail still goes out.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from networks import rules, services
from networks.models import Decision, Meeting, Network, Participant, Status
from networks.rules import follow_up
from networks.text import (
    CONTROL_CHARACTER_MESSAGE,
    LINE_BREAK_MESSAGE,
    TEXT_MAX_LENGTH,
    one_line,
    spreadsheet_cell,
    validate_multi_line,
    validate_single_line,
)
from tests.factories import api_url, as_user

pytestmark = pytest.mark.django_db

LINE_BREAK = str(LINE_BREAK_MESSAGE)
CONTROL = str(CONTROL_CHARACTER_MESSAGE)


# --- The two checks at their boundary -----------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["Frivillige mod ensomhed", "Æblegrød – “citat” 😀", "A\u00a0B", ""], ids=repr
)
def test_a_single_line_field_takes_any_printable_text(value):
    validate_single_line(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Frivillige\nmod ensomhed", LINE_BREAK),
        ("Frivillige\r\nmod ensomhed", LINE_BREAK),
        ("Frivillige\rmod ensomhed", LINE_BREAK),
        ("Frivillige\u2028mod ensomhed", LINE_BREAK),
        ("Frivillige\x85mod ensomhed", LINE_BREAK),
        ("Frivillige\tmod ensomhed", CONTROL),
        ("Frivillige\x00", CONTROL),
        ("Frivillige\x1b[31m", CONTROL),
        ("Frivillige\x7f", CONTROL),
        ("Frivillige\x9f", CONTROL),
    ],
    ids=repr,
)
def test_a_single_line_field_refuses_line_breaks_and_control_characters(value, message):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)
    assert refused.value.messages == [message]


@pytest.mark.parametrize("value", ["Punkt 1\tkl. 10\nPunkt 2\r\nPunkt 3\r", "Ingen dagsorden endnu."])
def test_a_multi_line_field_takes_tabs_and_line_breaks(value):
    validate_multi_line(value)


@pytest.mark.parametrize("value", ["Punkt\x00", "Punkt\x1b", "Punkt\x0b", "Punkt\x0c", "Punkt\x7f"], ids=repr)
def test_a_multi_line_field_refuses_other_control_characters(value):
    with pytest.raises(ValidationError) as refused:
        validate_multi_line(value)
    assert refused.value.messages == [CONTROL]


def test_every_free_text_field_of_the_models_has_the_one_maximum_length():
    for model in (Network, Participant, Meeting, Decision):
        for field in model._meta.concrete_fields:
            if field.get_internal_type() == "TextField":
                assert field.max_length == TEXT_MAX_LENGTH, f"{model.__name__}.{field.name}"
                assert validate_multi_line in field.validators
            elif field.get_internal_type() == "CharField" and not field.choices:
                assert validate_single_line in field.validators, f"{model.__name__}.{field.name}"


# --- Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def edit_url(draft_innovation):
    return f"/netvaerk/{draft_innovation.pk}/rediger/"


def edit(client, url, **changes):
    data = {
        "title": "Velfærd med frivillige",
        "theme": "Frivillighed",
        "purpose": "Tænk velfærd og frivillighed forfra.",
        "strategy_reference": "Albertslund Kommunes frivillighedspolitik",
        **changes,
    }
    return client.post(url, data)


def test_the_page_refuses_a_line_break_in_the_title_on_the_field(login, edit_url, draft_innovation):
    response = edit(login("leader"), edit_url, title="Velfærd\nmed frivillige")

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [LINE_BREAK]
    assert Network.objects.get(pk=draft_innovation.pk).title == "Velfærd med frivillige"


def test_the_page_keeps_a_tab_and_line_breaks_in_the_purpose(login, edit_url, draft_innovation):
    response = edit(login("leader"), edit_url, purpose="Først:\tlyt.\r\nSå: gør.")

    assert response.status_code == 302
    assert Network.objects.get(pk=draft_innovation.pk).purpose == "Først:\tlyt.\r\nSå: gør."


@pytest.mark.parametrize("character", ["\x00", "\x1b"], ids=repr)
def test_the_page_refuses_a_control_character_in_the_purpose(login, edit_url, draft_innovation, character):
    response = edit(login("leader"), edit_url, purpose=f"Tænk{character} forfra.")

    assert response.status_code == 200
    assert response.context["form"].errors["purpose"] == [CONTROL]
    assert Network.objects.get(pk=draft_innovation.pk).purpose == "Tænk velfærd og frivillighed forfra."


def test_the_page_takes_the_longest_purpose_and_refuses_one_character_more(login, edit_url, draft_innovation):
    client = login("leader")
    page = client.get(edit_url).content.decode()
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page

    too_long = edit(client, edit_url, purpose="x" * (TEXT_MAX_LENGTH + 1))
    assert too_long.status_code == 200 and "purpose" in too_long.context["form"].errors
    assert edit(client, edit_url, purpose="x" * TEXT_MAX_LENGTH).status_code == 302
    assert len(Network.objects.get(pk=draft_innovation.pk).purpose) == TEXT_MAX_LENGTH


def test_the_meeting_page_refuses_a_control_character_in_the_agenda_and_a_line_break_in_the_place(
    login, draft_learning
):
    response = login("leader").post(
        f"/netvaerk/{draft_learning.pk}/moeder/ny/",
        {
            "title": "Første møde",
            "day": "2027-03-01",
            "start_time": "10:00",
            "location": "Rådhuset\nlokale 2",
            "agenda": "Velkomst\x1b",
            "status": "planned",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["agenda"] == [CONTROL] and errors["location"] == [LINE_BREAK]
    assert not Meeting.objects.exists()


def test_the_participant_page_refuses_a_nul_in_the_name(login, draft_welfare):
    response = login("leader").post(
        f"/netvaerk/{draft_welfare.pk}/deltagere/ny/",
        {"name": "Grethe\x00Hansen", "email": "", "actor_category": "citizen", "role": "core"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [CONTROL]
    assert not Participant.objects.exists()


# --- Services: every write refuses the same way, and saves nothing -------------------------------


def test_a_transition_comment_with_a_control_character_is_refused_and_nothing_moves(draft_innovation, leader):
    with pytest.raises(ValidationError) as refused:
        services.network_submit(network=draft_innovation, by=leader, comment="Klar\x07")

    assert refused.value.message_dict == {"comment": [CONTROL]}
    assert Network.objects.get(pk=draft_innovation.pk).status == Status.DRAFT


def test_a_decision_with_a_control_character_in_its_reason_is_refused(submitted_innovation, direktoer):
    with pytest.raises(ValidationError) as refused:
        services.network_reject(network=submitted_innovation, by=direktoer, comment="Nej\x00")

    assert refused.value.message_dict == {"comment": [CONTROL]}
    assert not Decision.objects.exists()
    assert Network.objects.get(pk=submitted_innovation.pk).status == Status.SUBMITTED


def test_a_track_text_and_a_follow_up_answer_get_the_multi_line_check():
    assert rules.track_texts_error({"innovation": "Plan\tA\nPlan B"}) is None
    assert rules.track_texts_error({"innovation": "Plan\x1b"}) == CONTROL
    assert follow_up.text_errors({"effect": "Godt\r\nnok"}, "effect", required=True) == []
    assert follow_up.text_errors({"effect": "Godt\x00"}, "effect", required=True) == [CONTROL]


# --- The API --------------------------------------------------------------------------------------

WELFARE = {"type": "welfare", "title": "Frivillige mod ensomhed", "theme": "Frivillighed"}


@pytest.fixture
def leader_api(leader):
    return as_user(leader)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "Frivillige\nmod ensomhed"}, "title", LINE_BREAK),
        ({"theme": "Frivillig\x1bhed"}, "theme", CONTROL),
        ({"purpose": "Formål\x00"}, "purpose", CONTROL),
        ({"track_plans": {"innovation": "Plan\x1b"}}, "track_plans", CONTROL),
    ],
    ids=["line-break-in-title", "escape-in-theme", "nul-in-purpose", "escape-in-a-track-plan"],
)
def test_the_api_answers_400_with_the_danish_message_on_the_field(
    leader_api, welfare_type, change, field, message
):
    response = leader_api.post(api_url("networks/"), {**WELFARE, **change}, format="json")

    assert response.status_code == 400
    assert message in response.json()[field]
    assert not Network.objects.exists()


def test_the_api_takes_the_longest_purpose_with_tabs_and_refuses_one_character_more(leader_api, welfare_type):
    too_long = leader_api.post(
        api_url("networks/"), {**WELFARE, "purpose": "x" * (TEXT_MAX_LENGTH + 1)}, format="json"
    )
    assert too_long.status_code == 400 and "purpose" in too_long.json()

    longest = "\t" + "x" * (TEXT_MAX_LENGTH - 2) + "\n"
    created = leader_api.post(api_url("networks/"), {**WELFARE, "purpose": longest}, format="json")
    assert created.status_code == 201


def test_the_api_refuses_a_line_break_in_a_participants_name(leader_api, draft_welfare):
    response = leader_api.post(
        api_url(f"networks/{draft_welfare.pk}/participants/"),
        {"name": "Grethe\r\nHansen", "actor_category": "citizen"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["name"] == [LINE_BREAK]
    assert not Participant.objects.exists()


def test_the_api_refuses_a_control_character_in_a_transitions_comment(leader_api, draft_innovation):
    response = leader_api.post(
        api_url(f"networks/{draft_innovation.pk}/transitions/"),
        {"action": "submit", "comment": "Klar\x1b"},
        format="json",
    )

    assert response.status_code == 400
    assert CONTROL in response.json()["comment"]
    assert Network.objects.get(pk=draft_innovation.pk).status == Status.DRAFT


# --- The CSV import -------------------------------------------------------------------------------


def test_the_import_shows_a_control_character_and_a_line_break_on_their_rows(login, draft_welfare):
    text = (
        "navn;e-mail;organisation;aktørtype;rolle\n"
        "Grethe\x1bHansen;grethe@example.dk;;Borger;Kernedeltager\n"
        'Ali Demir;ali@example.dk;"Frivillig-\ncentret";Frivillig;Kernedeltager\n'
        "Bo\tBoesen;bo@example.dk;;Borger;Kernedeltager\n"
        "Ea Eriksen;ea@example.dk;;Borger;Kernedeltager\n"
    )
    page = login("leader").post(f"/netvaerk/{draft_welfare.pk}/deltagere/import/", {"text": text})

    content = page.content.decode()
    assert f"Række 2: Navn: {CONTROL}" in content
    # A row is numbered by the line it ends on; the quoted line break makes Ali's row end on line 4.
    assert f"Række 4: Organisation: {LINE_BREAK}" in content
    assert f"Række 5: Navn: {CONTROL}" in content
    assert "1 række kan tilføjes." in content
    assert not Participant.objects.exists()


# --- Exports of what is stored, whatever it is ----------------------------------------------------

HOSTILE_NAMES = [
    '=HYPERLINK("http://example.com","Klik")',
    "@SUM(A1:A9)",
    "+1",
    "-1+1",
    "\tTabulator",
    "Anna\x1b\x01 Borger\x07",
]
NEUTRALISED = [
    '\'=HYPERLINK("http://example.com","Klik")',
    "'@SUM(A1:A9)",
    "'+1",
    "'-1+1",
    "'\tTabulator",
    "Anna Borger",
]
REPORT_EXPORTS = [
    "/rapporter/netvaerk.csv",
    "/rapporter/netvaerk.xlsx",
    "/rapporter/deltagere.csv",
    "/rapporter/deltagere.xlsx",
    "/rapporter/moeder.csv",
    "/rapporter/moeder.xlsx",
]


@pytest.fixture
def hostile(world):
    """Participants, a network and a meeting written straight into the database, past every check
    (no NUL: PostgreSQL cannot store one at all)."""
    participants = list(Participant.objects.order_by("pk")[: len(HOSTILE_NAMES)])
    for participant, name in zip(participants, HOSTILE_NAMES, strict=True):
        Participant.objects.filter(pk=participant.pk).update(name=name, organisation="=1+1\x0b")
    meeting = Meeting.objects.order_by("pk").first()
    Meeting.objects.filter(pk=meeting.pk).update(title="-2+3\x1b", location="@Rådhuset")
    Network.objects.filter(pk=meeting.network_id).update(title="=cmd|' /C calc'!A0\x02", theme="+Tema\n")
    return participants


def cells(response) -> list:
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                found.append(cell.value)
    return found


def assert_safe(values) -> None:
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value), repr(value)


@pytest.mark.parametrize("url", REPORT_EXPORTS)
def test_every_report_export_of_hostile_stored_values_opens_and_runs_nothing(report_client, hostile, url):
    response = report_client.get(url)

    assert response.status_code == 200
    values = cells(response)
    assert_safe(values)
    if "deltagere" in url:
        assert set(NEUTRALISED) <= set(values)
    if "moeder" in url:
        assert "'-2+3" in values and "'@Rådhuset" in values
    if "netvaerk" in url:
        assert "'=cmd|' /C calc'!A0" in values


GDPR_EXPORT = "/admin-vaerktoejer/persondata/udtraek/"


def test_the_personal_data_export_of_hostile_stored_values_opens_and_runs_nothing(
    client, administrator, hostile
):
    Participant.objects.filter(pk=hostile[0].pk).update(email="grethe@example.dk")
    Participant.objects.filter(pk=hostile[5].pk).update(email="GRETHE@example.dk")
    client.force_login(administrator)

    response = client.post(GDPR_EXPORT, {"email": "grethe@example.dk", "format": "csv"})

    assert response.status_code == 200
    values = cells(response)
    assert_safe(values)
    assert NEUTRALISED[0] in values and "Anna Borger" in values and "'=1+1" in values
    as_json = client.post(GDPR_EXPORT, {"email": "grethe@example.dk", "format": "json"})
    # JSON is read by programs, not run by a spreadsheet: the stored values as they are.
    names = {row["name"] for row in json.loads(as_json.content)["deltagelser"]}
    assert names == {HOSTILE_NAMES[0], HOSTILE_NAMES[5]}


def test_spreadsheet_cells_keep_numbers_and_dates_as_they_are():
    assert spreadsheet_cell(-1) == -1
    assert spreadsheet_cell(2.5) == 2.5
    assert spreadsheet_cell(None) is None
    assert spreadsheet_cell("Frivillige – 2027") == "Frivillige – 2027"


# --- E-mail ---------------------------------------------------------------------------------------


def test_the_submission_email_goes_out_with_a_one_line_subject_for_a_title_stored_with_a_line_break(
    draft_innovation, leader, direktoer, mailoutbox, django_capture_on_commit_callbacks
):
    direktoer.email = "dorte@albertslund.dk"
    direktoer.save(update_fields=["email"])
    Network.objects.filter(pk=draft_innovation.pk).update(title="Velfærd\r\nmed\tfrivillige\x1f")
    network = Network.objects.get(pk=draft_innovation.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.network_submit(network=network, by=leader)

    assert [message.to for message in mailoutbox] == [["dorte@albertslund.dk"]]
    assert mailoutbox[0].subject == "Ny sag til Direktørforum: Velfærd med frivillige"


def test_one_line_collapses_every_line_break_and_control_character():
    assert one_line("  Velfærd\r\n med\u2028frivillige\x1b ") == "Velfærd med frivillige"
