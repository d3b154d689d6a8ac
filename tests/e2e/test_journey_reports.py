"""Journey 3: an administrator reads the report, narrows it down and takes the figures to Excel.

The downloads are opened the way Excel would read them (CSV with csv, XLSX with openpyxl) and must
hold exactly the filtered networks. Every page state passes axe-core and fits the screen, on a
desktop and on a 375 px phone.
"""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from networks import services
from tests.e2e.support import DESKTOP, PHONE, check_page, needs_chromium
from tests.factories import add_core, ready_to_start

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

WELFARE = "Frivillige mod ensomhed"


@pytest.fixture
def networks(leader, other_leader, network_types):
    """An overdue welfare network (its sprint ended three weeks ago), a submitted innovation network
    and a learning network in draft."""
    today = timezone.localdate()
    welfare = services.network_create(
        by=leader,
        type=network_types["welfare"],
        title=WELFARE,
        theme="Frivillighed",
        sprint_start=today - datetime.timedelta(days=40),
        sprint_end=today - datetime.timedelta(days=20),
    )
    ready_to_start(welfare)
    # Started on its sprint's first day, as a sprint must start now.
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(welfare.sprint_start, datetime.time(9)))
    ):
        services.network_start(network=welfare, by=leader)
    innovation = services.network_create(
        by=leader,
        type=network_types["innovation"],
        title="Velfærd med frivillige",
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Frivillighedspolitikken",
    )
    add_core(innovation, 2)
    services.network_submit(network=innovation, by=leader)
    services.network_create(
        by=other_leader, type=network_types["learning"], title="Hvem er de frivillige?", theme="Viden"
    )
    return welfare


def download(page, link_name: str, folder: Path) -> Path:
    """Follow a download link; the file is saved under the name the server gives it."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_administrator_filters_the_report_and_downloads_csv_and_xlsx(
    browse, administrator, networks, viewport, tmp_path
):
    page = browse(administrator, viewport=viewport)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Rapporter").click()
    expect(page.get_by_text("3 netværk i udvalget")).to_be_visible()
    overdue = page.get_by_role("region", name="Forsinkede netværk")
    expect(overdue.get_by_role("link", name=WELFARE)).to_be_visible()
    check_page(page, "report with an overdue network")

    # A period that ends before it begins is refused at the field, and nothing else is lost.
    page.get_by_label("Periode fra og med").fill("2027-06-30")
    page.get_by_label("Periode til og med").fill("2027-01-01")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_label("Periode til og med")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Periodens sidste dag skal ligge på eller efter den første.")).to_be_visible()
    check_page(page, "report with a filter error")

    # Welfare networks only.
    page.get_by_label("Periode fra og med").fill("")
    page.get_by_label("Periode til og med").fill("")
    page.get_by_label("Netværkstype").select_option(label="Velfærdsnetværk")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_text("1 netværk i udvalget")).to_be_visible()
    assert "type=welfare" in page.url
    check_page(page, "report filtered to welfare networks")

    # The CSV: UTF-8 with a byte order mark and semicolons, as Danish Excel reads it.
    csv_file = download(page, "CSV – netværk", tmp_path)
    assert csv_file.suffix == ".csv"
    text = csv_file.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, *body = rows
    assert header[:5] == ["ID", "Titel", "Tema", "Netværkstype", "Status"]
    assert [(row[1], row[3], row[4]) for row in body] == [(WELFARE, "Velfærdsnetværk", "Aktiv")]

    # The workbook: the same network, real dates, and a sheet saying what was filtered.
    workbook = openpyxl.load_workbook(download(page, "Excel – netværk", tmp_path))
    sheet = workbook["Netværk"]
    header, *body = sheet.iter_rows(values_only=True)
    assert [row[1] for row in body] == [WELFARE]
    started = body[0][header.index("Startet")]
    assert isinstance(started, datetime.datetime)
    about = dict(workbook["Om udtrækket"].iter_rows(values_only=True))
    assert about["Netværkstype"] == "Velfærdsnetværk"
    assert about["Rækker"] == 1

    participants = openpyxl.load_workbook(download(page, "Excel – deltagere", tmp_path))["Deltagere"]
    _header, *people = participants.iter_rows(values_only=True)
    assert {row[1] for row in people} == {WELFARE}
    assert len(people) == networks.participants.count()
