"""Bulk-adding participants from CSV: parsing, the Danish message per bad row, preview, confirm."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks import csv_import, services
from networks.models import Participant
from tests.factories import add_core, assert_sent_to_login

GOOD = (
    "navn;e-mail;organisation;aktørtype;rolle\n"
    "Grethe Hansen;grethe@example.dk;Ældrerådet;Borger;Kernedeltager\n"
    "Ali Demir;ALI@example.dk;Frivilligcentret;Frivillig;Perifer deltager\n"
)
MIXED = (
    "Grethe Hansen;grethe@example.dk;Ældrerådet;Borger;Kernedeltager\n"
    ";uden-navn@example.dk;;Borger;Kernedeltager\n"
    "Ole;ole@@example;;Borger;Kernedeltager\n"
    "Ib;ib@example.dk;;Astronaut;Kernedeltager\n"
    "Bo;bo@example.dk;;Borger;Chef\n"
    "Grethe igen;GRETHE@example.dk;;;\n"
    "Ea;ea@example.dk;;Borger;core;for meget\n"
)


def parse(text, existing=()):
    return csv_import.parse(text, existing_emails=existing)


# --- Parsing --------------------------------------------------------------------------------------


def test_a_danish_header_semicolons_and_danish_labels_are_read():
    rows = parse(GOOD).rows
    assert [row.values for row in rows] == [
        {
            "name": "Grethe Hansen",
            "email": "grethe@example.dk",
            "organisation": "Ældrerådet",
            "actor_category": "citizen",
            "role": "core",
        },
        {
            "name": "Ali Demir",
            "email": "ali@example.dk",
            "organisation": "Frivilligcentret",
            "actor_category": "volunteer",
            "role": "peripheral",
        },
    ]
    assert [row.line for row in rows] == [2, 3]
    assert all(row.ok for row in rows)


def test_commas_codes_an_english_header_in_another_order_and_a_byte_order_mark_are_read():
    text = "\ufeffrole,name,email,category,organisation\ncore,Kim,kim@example.dk,expert,DPU\n"
    (row,) = parse(text).rows
    assert row.values == {
        "name": "Kim",
        "email": "kim@example.dk",
        "organisation": "DPU",
        "actor_category": "expert",
        "role": "core",
    }


def test_rows_without_a_header_are_read_in_the_documented_order_and_blank_lines_are_skipped():
    rows = parse('\n"Hansen, Grethe",grethe@example.dk,Ældrerådet,borger,kerne\n\n').rows
    assert len(rows) == 1
    assert rows[0].values["name"] == "Hansen, Grethe"
    assert (rows[0].values["actor_category"], rows[0].values["role"]) == ("citizen", "core")


def test_empty_category_and_role_become_employee_and_core():
    (row,) = parse("Kim;kim@example.dk\n").rows
    assert (row.values["actor_category"], row.values["role"]) == ("employee", "core")
    assert (row.category_label, row.role_label) == ("Medarbejder", "Kernedeltager")


def test_each_bad_row_gets_its_own_danish_message():
    preview = parse(MIXED, existing=["ea@example.dk"])
    assert [row.message for row in preview.invalid_rows] == [
        "Række 2: Navnet mangler.",
        "Række 3: E-mail: Angiv en gyldig e-mailadresse.",
        "Række 4: Ukendt aktørtype “Astronaut”. Brug en af: Medarbejder, Borger, Frivillig, Virksomhed, "
        "Vidensinstitution, Interesseorganisation, Politiker, Ledelsesforum, Ekspert, Andet.",
        "Række 5: Ukendt rolle “Chef”. Brug Kernedeltager eller Perifer deltager.",
        "Række 6: E-mailen grethe@example.dk står også i række 1.",
        "Række 7: Rækken har 6 felter, men der må højst være 5: navn, e-mail, organisation, aktørtype og "
        "rolle. Der er allerede en deltager med denne e-mail i netværket.",
    ]
    assert [row.line for row in preview.valid_rows] == [1]


def test_a_name_longer_than_the_model_allows_is_reported_on_its_row():
    (row,) = parse("x" * 201 + ";\n").rows
    assert row.message == "Række 1: Navn: Denne værdi må højst have 200 tegn (den har 201)."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n  \n", "Der er ingen deltagere i teksten."),
        ("navn;e-mail\n", "Der er ingen deltagere i teksten."),
        ("Kim;kim@example.dk\n" * (csv_import.MAX_ROWS + 1), "Der er mere end 500 rækker."),
    ],
)
def test_text_that_holds_no_rows_or_too_many_is_refused_as_a_whole(text, message):
    with pytest.raises(ValidationError) as refused:
        parse(text)
    assert refused.value.messages[0].startswith(message)


def test_an_upload_that_is_not_utf8_is_refused_in_danish():
    with pytest.raises(ValidationError) as refused:
        csv_import.decode("Søren;soren@example.dk\n".encode("cp1252"))
    assert refused.value.messages == [
        "Filen er ikke gemt som UTF-8. Gem den som “CSV UTF-8” i Excel, og prøv igen."
    ]


def test_an_upload_with_a_byte_order_mark_decodes_without_it():
    assert csv_import.decode("\ufeffSøren".encode()) == "Søren"


# --- The bulk service -----------------------------------------------------------------------------


def test_the_bulk_service_saves_all_rows_or_none(leader, draft_welfare):
    rows = [{"name": "A", "email": "a@example.dk"}, {"name": "B", "email": "A@example.dk"}]
    with pytest.raises(services.RowRefused) as refused:
        services.participant_add_many(network=draft_welfare, by=leader, rows=rows)
    assert refused.value.index == 1
    assert refused.value.error.messages == ["Der er allerede en deltager med denne e-mail i netværket."]
    assert not Participant.objects.filter(network=draft_welfare).exists()


# --- The page -------------------------------------------------------------------------------------


@pytest.fixture
def url(draft_welfare):
    return f"/netvaerk/{draft_welfare.pk}/deltagere/import/"


@pytest.mark.parametrize(("persona", "status"), [("leader", 200), ("other_leader", 404), ("direktoer", 404)])
def test_who_may_open_the_import_page(login, url, persona, status, other_leader, direktoer):
    assert login(persona).get(url).status_code == status


def test_an_administrator_may_not_import_into_someone_elses_network(login, administrator, url):
    assert login("administrator").get(url).status_code == 403
    assert login("administrator").post(url, {"text": GOOD}).status_code == 403


def test_anonymous_is_sent_to_login(client, url):
    assert_sent_to_login(client.get(url))


def test_it_rejects_put(login, url):
    assert login("leader").put(url).status_code == 405


def test_pasted_text_shows_a_preview_and_saves_nothing(login, url, draft_welfare):
    response = login("leader").post(url, {"text": GOOD})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 rækker kan tilføjes." in page and "Intet er gemt endnu." in page
    assert "Grethe Hansen" in page and "Perifer deltager" in page
    assert "Tilføj 2 deltagere" in page
    assert not draft_welfare.participants.exists()


def test_an_uploaded_file_shows_the_same_preview(login, url, draft_welfare):
    upload = SimpleUploadedFile("deltagere.csv", ("\ufeff" + GOOD).encode(), content_type="text/csv")
    page = login("leader").post(url, {"file": upload}).content.decode()
    assert "2 rækker kan tilføjes." in page
    assert not draft_welfare.participants.exists()


def test_confirming_saves_the_good_rows(login, url, draft_welfare):
    response = login("leader").post(url, {"csv": GOOD, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/netvaerk/{draft_welfare.pk}/#deltagere"
    assert sorted(draft_welfare.participants.values_list("email", flat=True)) == [
        "ali@example.dk",
        "grethe@example.dk",
    ]
    page = login("leader").get(response["Location"]).content.decode()
    assert "2 deltagere er tilføjet." in page


def test_mixed_rows_preview_every_message_and_confirming_saves_only_the_good_row(login, url, draft_welfare):
    client = login("leader")
    page = client.post(url, {"text": MIXED}).content.decode()
    assert "1 række kan tilføjes." in page and "6 rækker har fejl og springes over." in page
    assert "Række 2: Navnet mangler." in page
    assert "Række 5: Ukendt rolle “Chef”. Brug Kernedeltager eller Perifer deltager." in page
    assert not draft_welfare.participants.exists()

    response = client.post(url, {"csv": MIXED, "confirm": "1"})
    assert list(draft_welfare.participants.values_list("name", flat=True)) == ["Grethe Hansen"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["1 deltager er tilføjet. 6 rækker med fejl er sprunget over."]


def test_only_bad_rows_offer_nothing_to_confirm(login, url, draft_welfare):
    page = login("leader").post(url, {"text": ";x@example.dk\n"}).content.decode()
    assert "0 rækker kan tilføjes." in page
    assert 'name="confirm"' not in page


def test_confirming_checks_the_rows_again_against_participants_added_since(login, url, leader, draft_welfare):
    client = login("leader")
    client.post(url, {"text": GOOD})
    services.participant_add(network=draft_welfare, by=leader, name="Grethe", email="grethe@example.dk")
    client.post(url, {"csv": GOOD, "confirm": "1"})
    assert sorted(draft_welfare.participants.values_list("name", flat=True)) == ["Ali Demir", "Grethe"]


def test_nothing_chosen_gets_a_message_on_the_text_field(login, url):
    page = login("leader").post(url, {"text": "  "}).content.decode()
    assert "Vælg en fil, eller indsæt rækkerne i feltet." in page
    assert 'aria-invalid="true"' in page


def test_a_file_that_is_not_utf8_gets_a_message_and_no_500(login, url):
    upload = SimpleUploadedFile("deltagere.csv", "Søren;s@example.dk".encode("cp1252"))
    response = login("leader").post(url, {"file": upload})
    assert response.status_code == 200
    assert "Filen er ikke gemt som UTF-8." in response.content.decode()


def test_a_concluded_network_sends_the_leader_back_with_the_reason(login, url, draft_welfare):
    draft_welfare.status = "concluded"
    draft_welfare.save(update_fields=["status"])
    response = login("leader").post(url, {"csv": GOOD, "confirm": "1"})
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Netværket er afsluttet og kan ikke længere ændres."
    ]
    assert not draft_welfare.participants.exists()


def test_query_count_does_not_grow_with_participants(login, url, draft_welfare, django_assert_num_queries):
    add_core(draft_welfare, 12)
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    # The preview checks e-mails against the participants already loaded: no query per row.
    with django_assert_num_queries(6):
        assert client.post(url, {"text": MIXED}).status_code == 200
