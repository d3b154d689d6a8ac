"""The report's exports: networks, participants and meetings as CSV (for Danish Excel) and XLSX.

Each file is read back the way its reader would — Python's csv module with ";" after the byte
order mark, openpyxl for the workbook — and compared with the figures on the report page.
"""

import csv
import datetime
import io
from collections import Counter

import openpyxl
import pytest

from networks import reporting, rules
from networks.models import Network, Participant
from tests.factories import REPORT_DAY, add_networks

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/rapporter/netvaerk.csv",
    "/rapporter/netvaerk.xlsx",
    "/rapporter/deltagere.csv",
    "/rapporter/deltagere.xlsx",
    "/rapporter/moeder.csv",
    "/rapporter/moeder.xlsx",
]


def read_csv(response) -> list[dict]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(response) -> tuple[list[str], list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def page_figures(client, **params):
    return client.get("/rapporter/", params).context["figures"]


# --- Who may download -------------------------------------------------------------------------


@pytest.mark.parametrize("url", EXPORTS)
def test_an_administrator_gets_the_file(report_client, world, url):
    response = report_client.get(url)

    assert response.status_code == 200
    extension = url.rsplit(".", 1)[1]
    name = url.rsplit("/", 1)[1].split(".")[0]
    assert response["Content-Disposition"] == f'attachment; filename="{name}-2027-03-15.{extension}"'


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("persona", ["leader", "direktoer"])
def test_leaders_and_direktoerforum_are_refused_with_403(client, request, network_types, persona, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", EXPORTS)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/rapporter/")


@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_rejects_anything_but_get(report_client, url):
    assert report_client.post(url).status_code == 405


# --- The networks export ----------------------------------------------------------------------


def test_the_networks_csv_opens_in_danish_excel_and_has_the_pages_rows(report_client, world):
    response = report_client.get("/rapporter/netvaerk.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    page = page_figures(report_client)["meetings"]["rows"]
    assert [
        (int(r["ID"]), r["Titel"], r["Status"], r["Møder planlagt"], r["Møder afholdt"], r["Møder aflyst"])
        for r in rows
    ] == [
        (p["id"], p["title"], p["status_label"], str(p["planned"]), str(p["held"]), str(p["cancelled"]))
        for p in page
    ]
    assert [r["Fremmødte i alt"] for r in rows] == [str(p["attendances"]) for p in page]


def test_the_networks_csv_agrees_with_the_pages_type_and_status_counts(report_client, world):
    rows = read_csv(report_client.get("/rapporter/netvaerk.csv"))
    matrix = page_figures(report_client)["type_status"]

    counted = Counter((r["Netværkstype"], r["Status"]) for r in rows)
    for row in matrix["rows"]:
        for status, count in zip(matrix["statuses"], row["counts"], strict=True):
            assert counted[(row["label"], status["label"])] == count


def test_the_networks_csv_has_dates_leader_counts_and_findings(report_client, world):
    rows = {r["Titel"]: r for r in read_csv(report_client.get("/rapporter/netvaerk.csv"))}

    few = rows["Få møder"]
    assert few["Netværksleder"] == "Ole Anden"
    assert (few["Planlagt start"], few["Planlagt afslutning"], few["Startet"]) == (
        "2026-09-14",
        "2027-03-14",
        "2026-09-14",
    )
    assert (few["Deltagere"], few["Nuværende kernedeltagere"]) == ("4", "2")
    network = Network.objects.with_related().get(pk=world.l2.pk)
    assert few["Fundkoder"] == ", ".join(f.code for f in rules.findings(network, today=REPORT_DAY))
    assert "sprint_ended_not_concluded" in rows["Sprint der er slut"]["Fundkoder"]
    assert rows["Sprint til tiden"]["Afsluttet"] == "2027-02-02"


def test_the_networks_xlsx_has_the_same_rows_with_typed_dates(report_client, world):
    csv_rows = read_csv(report_client.get("/rapporter/netvaerk.csv"))
    response = report_client.get("/rapporter/netvaerk.xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers, rows = read_xlsx(response)
    assert headers == list(csv_rows[0])
    as_text = [
        [
            ""
            if value is None
            else value.date().isoformat()
            if isinstance(value, datetime.datetime)
            else str(value)
            for value in row
        ]
        for row in rows
    ]
    assert as_text == [list(r.values()) for r in csv_rows]

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Få møder")
    planned_start = row[headers.index("Planlagt start")]
    assert planned_start.is_date
    assert planned_start.value == datetime.datetime(2026, 9, 14)
    assert planned_start.number_format == "dd-mm-yyyy"
    assert row[headers.index("Møder afholdt")].value == 2


def test_the_workbook_says_which_filter_it_was_made_with(report_client, world, other_leader):
    response = report_client.get("/rapporter/netvaerk.xlsx", {"type": "learning", "leder": other_leader.pk})

    about = openpyxl.load_workbook(io.BytesIO(response.content))["Om udtrækket"]
    facts = {label: value for label, value in about.iter_rows(values_only=True)}
    assert facts["Netværkstype"] == "Læringsnetværk"
    assert facts["Netværksleder"] == "Ole Anden"
    assert facts["Status"] == "Alle"
    assert facts["Dannet"] == datetime.datetime(2027, 3, 15)
    assert facts["Rækker"] == 1


# --- The participants export ------------------------------------------------------------------


def test_the_participants_csv_has_names_emails_and_how_many_networks_each_person_is_in(report_client, world):
    rows = read_csv(report_client.get("/rapporter/deltagere.csv"))

    assert len(rows) == 16
    mette = [r for r in rows if r["Navn"] == "Mette Frivillig"]
    assert sorted(r["E-mail"] for r in mette) == ["METTE@EXAMPLE.DK", "Mette@Example.dk", "mette@example.dk"]
    assert {r["Netværk nu (samme e-mail)"] for r in mette} == {"3"}
    quinn = {r["Netværk"]: r for r in rows if r["Navn"] == "Quinn Medarbejder"}
    assert quinn["Få møder"]["Udtrådt"] == "2026-11-15"
    assert quinn["Sprint der er slut"]["Netværk nu (samme e-mail)"] == "1"
    anna = next(r for r in rows if r["Navn"] == "Anna Borger")
    assert (anna["E-mail"], anna["Netværk nu (samme e-mail)"], anna["Deltaget i afholdte møder"]) == (
        "",
        "",
        "1",
    )
    alma = next(r for r in rows if r["Navn"] == "Alma")
    assert alma["Deltaget i afholdte møder"] == "3"


def test_the_participants_export_agrees_with_the_pages_people_in_several_networks(report_client, world):
    rows = read_csv(report_client.get("/rapporter/deltagere.csv"))
    people = page_figures(report_client)["participants"]

    several = {r["E-mail"].lower() for r in rows if r["E-mail"] and int(r["Netværk nu (samme e-mail)"]) > 1}
    assert len(several) == people["people_in_several"]
    with_email = {r["E-mail"].lower() for r in rows if r["E-mail"]}
    without_email = [r for r in rows if not r["E-mail"]]
    assert len(with_email) + len(without_email) == people["people"]


def test_the_participants_xlsx_has_the_same_rows_as_the_csv(report_client, world):
    csv_rows = read_csv(report_client.get("/rapporter/deltagere.csv"))
    headers, rows = read_xlsx(report_client.get("/rapporter/deltagere.xlsx"))

    assert headers == list(csv_rows[0])
    assert [(row[0], row[3], row[4]) for row in rows] == [
        (int(r["Netværks-ID"]), r["Navn"], r["E-mail"] or None) for r in csv_rows
    ]
    left = next(row for row in rows if row[1] == "Få møder" and row[3] == "Quinn Medarbejder")
    assert left[headers.index("Udtrådt")] == datetime.datetime(2026, 11, 15)


# --- The meetings export ----------------------------------------------------------------------


def test_the_meetings_csv_lists_each_meeting_with_attendance_counts(report_client, world):
    rows = read_csv(report_client.get("/rapporter/moeder.csv"))

    assert len(rows) == 14
    first = next(r for r in rows if r["Netværk"] == "Stabil kerne")
    assert (first["Starter"], first["Status"], first["Fremmødte"], first["Heraf kernedeltagere"]) == (
        "2026-10-08 09:00",
        "Afholdt",
        "4",
        "3",
    )
    assert Counter(r["Status"] for r in rows) == {"Planlagt": 7, "Afholdt": 6, "Aflyst": 1}


def test_the_meetings_xlsx_has_local_times_as_date_cells(report_client, world):
    headers, rows = read_xlsx(report_client.get("/rapporter/moeder.xlsx"))

    starts = [row[headers.index("Starter")] for row in rows]
    assert all(isinstance(value, datetime.datetime) and value.tzinfo is None for value in starts)
    assert datetime.datetime(2026, 10, 8, 9, 0) in starts
    assert len(rows) == 14


@pytest.mark.parametrize("url", ["/rapporter/netvaerk.csv", "/rapporter/moeder.csv"])
def test_only_the_participants_export_holds_names_and_emails(report_client, world, url):
    response = report_client.get(url)
    cells = {value for row in read_csv(response) for value in row.values()}

    assert "@" not in response.content.decode("utf-8-sig")
    assert not cells & set(Participant.objects.values_list("name", flat=True))
    assert "Mette Frivillig" not in response.content.decode("utf-8-sig")


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "rows"),
    [("/rapporter/netvaerk.csv", 5), ("/rapporter/deltagere.csv", 5), ("/rapporter/moeder.csv", 1)],
)
def test_the_type_filter_narrows_each_export(report_client, world, url, rows):
    exported = read_csv(report_client.get(url, {"type": "welfare"}))

    assert len(exported) == rows
    assert {r["Netværkstype"] for r in exported} == {"Velfærdsnetværk"}


def test_the_period_filter_narrows_the_networks_and_their_meetings(report_client, world):
    period = {"fra": "2027-01-01", "til": "2027-02-28"}

    networks = read_csv(report_client.get("/rapporter/netvaerk.csv", period))
    meetings = read_csv(report_client.get("/rapporter/moeder.csv", period))

    assert len(networks) == page_figures(report_client, **period)["networks"] == 10
    assert sorted(r["Starter"] for r in meetings) == [
        "2027-01-14 09:00",
        "2027-02-01 09:00",
        "2027-02-20 09:00",
    ]


@pytest.mark.parametrize("url", EXPORTS)
def test_a_bad_filter_gives_400_with_a_danish_message(report_client, world, url):
    response = report_client.get(url, {"type": "sprint", "fra": "2027-02-30"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Udtrækket er ikke lavet, fordi filteret er ugyldigt:")
    assert "Skriv datoen som åååå-mm-dd" in text


# --- Safety -----------------------------------------------------------------------------------


def test_a_name_that_looks_like_a_formula_stays_text(report_client, world):
    Participant.objects.filter(name="Anna Borger").update(name='=HYPERLINK("http://example.com","Klik")')

    csv_rows = read_csv(report_client.get("/rapporter/deltagere.csv"))
    response = report_client.get("/rapporter/deltagere.xlsx")

    assert '\'=HYPERLINK("http://example.com","Klik")' in [r["Navn"] for r in csv_rows]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = next(row[3] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[3].value))
    # The same cell as in the CSV: text, shown as written, never run.
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://example.com","Klik")'


# --- Cost -------------------------------------------------------------------------------------

# Session (1), user (1), the user's groups for the role check (1), then:
# networks — the networks with type, leader, meeting and participant counts (1), then the open
# networks' participants (1) and meetings (1), which the rules read;
# participants — the participants with their network, attendance and networks per email (1);
# meetings — the meetings with their network and attendance counts (1).
EXPORT_QUERIES = {"netvaerk": 6, "deltagere": 4, "moeder": 4}


@pytest.mark.parametrize("extra", [0, 5])
@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_costs_the_same_queries_for_few_or_many_networks(
    report_client,
    world,
    network_types,
    leader,
    other_leader,
    direktoer,
    extra,
    url,
    django_assert_num_queries,
):
    add_networks(extra, network_types, leader, other_leader, direktoer)
    name = url.rsplit("/", 1)[1].split(".")[0]

    with django_assert_num_queries(EXPORT_QUERIES[name]):
        response = report_client.get(url)

    assert response.status_code == 200


def test_the_summary_and_the_networks_export_cover_the_same_networks(report_client, world):
    report_filter = reporting.ReportFilter.from_params({"status": "active"})
    rows = read_csv(report_client.get("/rapporter/netvaerk.csv", {"status": "active"}))

    assert len(rows) == reporting.summary(report_filter, today=REPORT_DAY)["networks"] == 5
