"""The report's SVG charts (`networks.reporting.charts`): well-formed, accessible, proportional and safe.

The charts are pure functions of the figures, so these tests build figures by hand and need no database.
"""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from networks.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def type_status(rows, statuses=("draft", "active", "concluded")):
    status_list = [{"code": code, "label": code.title()} for code in statuses]
    table_rows = [
        {"type": label.lower(), "label": label, "counts": list(counts), "total": sum(counts)}
        for label, counts in rows
    ]
    totals = [sum(row["counts"][i] for row in table_rows) for i in range(len(status_list))]
    return {"statuses": status_list, "rows": table_rows, "totals": totals, "total": sum(totals)}


def month(label, started, concluded):
    return {"month": label, "label": label, "short_label": label, "started": started, "concluded": concluded}


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def bars(root) -> list[ET.Element]:
    """The data bars: rectangles carrying a tooltip (legend swatches carry none)."""
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_table():
    svg = charts.type_status_chart(type_status([("Velfærd", (1, 2, 0))]), table_caption="Netværk efter type")

    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id") == "diagram-type-status-title"
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text == "Netværk fordelt på type og status"
    assert desc.text == "De samme tal står i tabellen “Netværk efter type” under diagrammet."


def test_the_type_status_bars_are_proportional_to_the_counts():
    root = parse(
        charts.type_status_chart(
            type_status([("Læring", (1, 3, 0)), ("Velfærd", (0, 1, 1))]), table_caption="t"
        )
    )

    widths = [(rect.find(f"{SVG}title").text, float(rect.get("width"))) for rect in bars(root)]
    assert widths == [
        ("Læring, Draft: 1", charts.BAR_WIDTH / 4),
        ("Læring, Active: 3", charts.BAR_WIDTH * 3 / 4),
        ("Velfærd, Active: 1", charts.BAR_WIDTH / 4),
        ("Velfærd, Concluded: 1", charts.BAR_WIDTH / 4),
    ]


def test_the_type_status_segments_follow_each_other_along_the_bar():
    root = parse(charts.type_status_chart(type_status([("Læring", (1, 3, 0))]), table_caption="t"))

    first, second = bars(root)
    assert float(second.get("x")) == float(first.get("x")) + float(first.get("width"))


def test_the_legend_names_only_the_statuses_that_occur():
    root = parse(charts.type_status_chart(type_status([("Læring", (0, 3, 0))]), table_caption="t"))

    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Active" in texts
    assert "Draft" not in texts
    assert "Concluded" not in texts


def test_each_status_has_its_own_colour_and_the_legend_uses_it():
    assert len(set(charts.STATUS_COLOURS.values())) == 7
    root = parse(charts.type_status_chart(type_status([("Læring", (2, 3, 0))]), table_caption="t"))

    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert {charts.STATUS_COLOURS["draft"], charts.STATUS_COLOURS["active"]} <= fills


def test_no_networks_draws_no_bars_and_divides_by_nothing():
    root = parse(charts.type_status_chart(type_status([("Læring", (0, 0, 0))]), table_caption="t"))

    assert bars(root) == []
    assert "0" in [text.text for text in root.iter(f"{SVG}text")]


def test_labels_are_escaped():
    svg = charts.type_status_chart(
        type_status([('<script>alert("x")</script> & co', (1, 0, 0))]), table_caption="<b>"
    )

    assert "<script>" not in str(svg)
    root = parse(svg)
    assert '<script>alert("x")</script> & co' in [text.text for text in root.iter(f"{SVG}text")]


def test_the_month_chart_draws_a_pair_of_bars_per_month_with_their_values():
    root = parse(
        charts.per_month_chart(
            [month("jan 2027", 3, 0), month("feb 2027", 2, 2), month("mar 2027", 0, 0)], table_caption="t"
        )
    )

    tooltips = [rect.find(f"{SVG}title").text for rect in bars(root)]
    assert tooltips == ["jan 2027, Startet: 3", "feb 2027, Startet: 2", "feb 2027, Afsluttet: 2"]
    heights = [float(rect.get("height")) for rect in bars(root)]
    assert heights[0] == pytest.approx(heights[1] * 3 / 2)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"jan 2027", "feb 2027", "mar 2027", "Startet", "Afsluttet"} <= set(texts)


def test_the_month_chart_labels_every_second_month_when_there_are_more_than_twelve():
    months = [month(f"m{i}", 1, 0) for i in range(18)]

    texts = [
        text.text for text in parse(charts.per_month_chart(months, table_caption="t")).iter(f"{SVG}text")
    ]

    assert "m0" in texts
    assert "m1" not in texts
    assert "m2" in texts


def test_an_empty_month_chart_is_still_a_valid_image():
    root = parse(charts.per_month_chart([], table_caption="t"))

    assert root.get("role") == "img"
    assert bars(root) == []


def test_the_actor_chart_has_a_bar_per_category_with_people_and_shows_zeros():
    categories = [
        {"code": "employee", "label": "Medarbejder", "people": 4, "participations": 6},
        {"code": "citizen", "label": "Borger", "people": 2, "participations": 2},
        {"code": "other", "label": "Andet", "people": 0, "participations": 0},
    ]

    root = parse(charts.actor_mix_chart(categories, table_caption="t"))

    assert [(r.find(f"{SVG}title").text, float(r.get("width"))) for r in bars(root)] == [
        ("Medarbejder: 4", charts.BAR_WIDTH),
        ("Borger: 2", charts.BAR_WIDTH / 2),
    ]
    assert "0" in [text.text for text in root.iter(f"{SVG}text")]


def test_coordinates_use_a_decimal_point_even_in_danish():
    with translation.override("da"):
        svg = str(charts.type_status_chart(type_status([("Læring", (1, 2, 0))]), table_caption="t"))

    root = parse(svg)
    for rect in root.iter(f"{SVG}rect"):
        for name in ("x", "y", "width", "height"):
            float(rect.get(name))  # a decimal comma would not parse


def test_the_charts_load_nothing_and_run_nothing():
    svgs = [
        charts.type_status_chart(type_status([("Læring", (1, 2, 3))]), table_caption="t"),
        charts.per_month_chart([month("jan", 1, 1)], table_caption="t"),
        charts.actor_mix_chart(
            [{"code": "x", "label": "X", "people": 1, "participations": 1}], table_caption="t"
        ),
    ]

    for svg in svgs:
        text = str(svg)
        assert "<script" not in text
        assert "href" not in text
        assert text.count("http") == 1  # the SVG namespace only
        assert " style=" not in text
