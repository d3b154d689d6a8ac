"""The report page at /rapporter/: who may see it, what it shows, its filter, its structure and its cost."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from networks import reporting
from tests.factories import REPORT_DAY, add_networks, at

pytestmark = pytest.mark.django_db

URL = "/rapporter/"


# --- Who may see it ---------------------------------------------------------------------------


def test_it_works_for_an_administrator(report_client, world):
    response = report_client.get(URL)

    assert response.status_code == 200
    assert "Rapport over netværk" in response.content.decode()


def test_it_works_for_a_superuser_without_the_group(client, network_types):
    client.force_login(User.objects.create_superuser("chef", password="pw"))

    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "direktoer", "outsider"])
def test_anyone_else_is_refused_with_403(client, request, persona, network_types):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rapporter/"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_rejects_anything_but_get(report_client, method):
    assert getattr(report_client, method)(URL).status_code == 405


# --- What it shows ----------------------------------------------------------------------------


def test_the_page_shows_the_same_figures_as_the_summary(report_client, world):
    response = report_client.get(URL)

    expected = reporting.summary(reporting.ReportFilter(), today=REPORT_DAY)
    assert response.context["figures"] == expected


def test_the_page_shows_each_figure(report_client, world):
    page = report_client.get(URL).content.decode()

    assert "12 netværk i udvalget, opgjort 2027-03-15." in page
    # Overdue, with the one-day case in the singular.
    assert "siden 2027-03-14, 1 dag)" in page
    assert "siden 2027-03-10, 5 dage)" in page
    # Compliance, lead times, core stability and distinct people.
    assert f"Sprinten varede højst {world.types['welfare'].sprint_max_days} dage" in page
    assert "67 %" in page
    assert "11,5 dage" in page
    assert "30,0 dage (Afvist i anden runde, runde 2)" in page
    assert "3 af 3" in page
    assert "12 forskellige personer med 16 deltagelser i alt." in page
    assert "2 personer deltager nu i mere end ét af netværkene i udvalget." in page


def test_the_page_names_no_participant(report_client, world):
    page = report_client.get(URL).content.decode()

    assert "Mette" not in page
    assert "@example.dk" not in page.lower()


def test_the_charts_are_drawn_on_the_server_without_scripts(report_client, world):
    page = report_client.get(URL).content.decode()

    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert "<script" not in page


# --- The filter -------------------------------------------------------------------------------


def test_the_type_filter_narrows_the_page(report_client, world):
    response = report_client.get(URL, {"type": "welfare"})

    page = response.content.decode()
    assert response.context["figures"]["networks"] == 5
    assert "Sprint der er slut" in page
    assert "Stabil kerne" not in page
    assert "Godkendt først" not in page


def test_the_period_filter_narrows_the_page(report_client, world):
    response = report_client.get(URL, {"fra": "2027-01-01", "til": "2027-02-28"})

    assert response.context["figures"]["networks"] == 10
    assert "Lang plan" not in response.content.decode()


def test_the_export_links_carry_the_filter(report_client, world, other_leader):
    page = report_client.get(URL, {"type": "learning", "leder": other_leader.pk}).content.decode()

    assert f'href="/rapporter/netvaerk.xlsx?type=learning&amp;leder={other_leader.pk}"' in page
    assert f'href="/rapporter/deltagere.csv?type=learning&amp;leder={other_leader.pk}"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type=sprint", "Ukendt netværkstype: “sprint”. Vælg en type på listen."),
        ("status=done", "Ukendt status: “done”. Vælg en status på listen."),
        ("leder=abc", "Vælg en netværksleder på listen."),
        ("leder=99999999999999999999999", "Vælg en netværksleder på listen."),
        ("leder=-1", "Vælg en netværksleder på listen."),
        ("leder=1%00", "Null-tegn er ikke tilladte."),
        ("fra=2027-02-30", "Skriv datoen som åååå-mm-dd, fx 2027-01-31."),
        ("fra=%00", "Skriv datoen som åååå-mm-dd, fx 2027-01-31."),
        ("til=99999-01-01", "Skriv datoen som åååå-mm-dd, fx 2027-01-31."),
        ("fra=0001-01-01", "Angiv en dato mellem 1900 og 2999."),
        ("fra=2027-03-01&til=2027-02-01", "Periodens sidste dag skal ligge på eller efter den første."),
        ("type=" + "x" * 5000, "Vælg en type på listen."),
    ],
)
def test_bad_filter_input_gives_a_danish_message_not_an_error(report_client, world, query, message):
    response = report_client.get(f"{URL}?{query}")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Noget i filteret kunne ikke bruges" in page
    assert message.split("“")[0] in page
    # What could not be used is left out: the page covers every network.
    assert response.context["figures"]["networks"] == 12
    assert 'href="/rapporter/netvaerk.csv"' in page


def test_a_valid_part_of_a_partly_bad_filter_is_still_used(report_client, world):
    response = report_client.get(URL, {"type": "welfare", "fra": "not a date"})

    assert response.status_code == 200
    assert response.context["figures"]["networks"] == 5
    assert 'href="/rapporter/netvaerk.csv?type=welfare"' in response.content.decode()


# --- Structure (WCAG basics) ------------------------------------------------------------------


class Outline(HTMLParser):
    """Headings, tables (with their captions and header cells) and the SVGs of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.svgs, self.ids = [], [], [], set()
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self._table = {"caption": False, "th_without_scope": 0}
            self.tables.append(self._table)
        elif tag == "caption" and self._table is not None:
            self._table["caption"] = True
        elif tag == "th" and self._table is not None and "scope" not in attrs:
            self._table["th_without_scope"] += 1
        elif tag == "svg":
            self.svgs.append(attrs)

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None


@pytest.fixture
def outline(report_client, world):
    parsed = Outline()
    parsed.feed(report_client.get(URL).content.decode())
    return parsed


def test_the_headings_start_at_one_and_never_skip_a_level(outline):
    assert outline.headings[0] == 1
    assert outline.headings.count(1) == 1
    assert all(
        later - earlier <= 1 for earlier, later in zip(outline.headings, outline.headings[1:], strict=False)
    )


def test_every_table_has_a_caption_and_scoped_header_cells(outline):
    assert len(outline.tables) >= 8
    assert all(table["caption"] for table in outline.tables)
    assert sum(table["th_without_scope"] for table in outline.tables) == 0


def test_every_chart_is_an_image_named_by_its_title_and_described(outline):
    assert len(outline.svgs) == 3
    for svg in outline.svgs:
        assert svg["role"] == "img"
        assert svg["aria-labelledby"] in outline.ids
        assert svg["aria-describedby"] in outline.ids


def test_the_texts_are_danish(report_client, world):
    page = report_client.get(URL).content.decode()

    assert '<html lang="da">' in page
    for heading in (
        "Netværk efter type og status",
        "Startet og afsluttet pr. måned",
        "Forsinkede netværk",
        "Overholdelse af typernes regler",
        "Direktørforums behandlingstid",
        "Møder og fremmøde pr. netværk",
        "Kernens stabilitet i læringsnetværk",
        "Personer i flere netværk på én gang",
    ):
        assert heading in page


# --- Cost -------------------------------------------------------------------------------------


# Session (1), user (1), the user's groups for the role check (1), the data's version (1), the
# page in the cache (1: not there yet); the report: network types with their networks per status
# and outcomes (1), the networks' meeting counts and overdue dates (1), started and concluded per
# month (1), compliance: sprint lengths, meeting plans and approvals (1), Direktørforum lead times
# and outcomes (1), core stability (1), participants by category and in total (1), people and
# organisations in several networks (1); storing the page in the cache (5: its row count, a
# savepoint, the key's row, the insert, the release); the leader choices in the filter form (1).
PAGE_QUERIES = 20
# Session, user, groups, the data's version, the page in the cache, the leader choices in the form.
CACHED_PAGE_QUERIES = 6


@pytest.mark.parametrize("extra", [0, 6])
def test_the_page_costs_the_same_queries_for_few_or_many_networks(
    report_client, world, network_types, leader, other_leader, direktoer, extra, django_assert_num_queries
):
    add_networks(extra, network_types, leader, other_leader, direktoer)

    with django_assert_num_queries(PAGE_QUERIES):
        response = report_client.get(URL)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        cached = report_client.get(URL)

    assert response.context["figures"]["networks"] == 12 + 3 * extra
    assert cached.context["figures"] == response.context["figures"]


def test_a_leader_filter_adds_only_the_lookup_of_the_leader(
    report_client, world, other_leader, django_assert_num_queries
):
    # The leader is looked up once when the form validates the parameter.
    with django_assert_num_queries(PAGE_QUERIES + 1):
        report_client.get(URL, {"leder": other_leader.pk})


def test_the_report_day_is_the_local_day(report_client, world, time_machine):
    # 23:30 UTC on 14 March is 00:30 on 15 March in Copenhagen.
    time_machine.move_to(at(REPORT_DAY, 0).replace(minute=30), tick=False)

    assert report_client.get(URL).context["figures"]["today"] == "2027-03-15"
