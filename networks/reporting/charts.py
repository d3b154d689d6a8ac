"""The report's charts, as SVG drawn on the server.

No JavaScript and nothing from a CDN. Each chart is an `<svg role="img">` named by its `<title>`
(aria-labelledby) and described by its `<desc>` (aria-describedby), which says where the same
numbers stand as a table; the page puts that table next to the chart, so a screen reader, a
keyboard user and a printout get every number. Presentation is SVG attributes and Bootstrap's
`img-fluid` only. The colours are the Okabe–Ito palette, which stays distinguishable for
colour-blind readers, and a legend names every colour in words.

The functions take the figures from `figures.summary()` and run no queries.
"""

from __future__ import annotations

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"

STATUS_COLOURS = {
    "draft": "#999999",
    "submitted": "#E69F00",
    "approved": "#56B4E9",
    "rejected": "#D55E00",
    "active": "#009E73",
    "concluded": "#0072B2",
    "cancelled": "#CC79A7",
}
STARTED_COLOUR = "#009E73"
CONCLUDED_COLOUR = "#0072B2"
ACTOR_COLOUR = "#0072B2"

LABEL_WIDTH = 190
BAR_WIDTH = 400
ROW_HEIGHT = 32
LEGEND_ITEM_WIDTH = 240
LEGEND_ROW_HEIGHT = 22


def _n(value: float) -> str:
    """A coordinate, short and locale-independent (SVG wants a dot, never a decimal comma)."""
    return f"{value:.1f}".removesuffix(".0")


def _svg(
    chart_id: str, title: str, description: str, width: float, height: float, body: SafeString
) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="img-fluid" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" id="{id}" '
        'width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{font}" font-size="13" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>{body}</svg>',
        id=chart_id,
        w=_n(width),
        h=_n(height),
        font=FONT,
        text=TEXT,
        title=title,
        description=description,
        body=body,
    )


def _joined(parts: list) -> SafeString:
    """The SVG fragments as one: each was built with format_html, and anything that was not is
    escaped here rather than trusted (no mark_safe, so nothing unescaped can slip in)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _legend(
    items: list[tuple[str, str]], *, top: float, width: float, item_width: float = LEGEND_ITEM_WIDTH
) -> tuple[SafeString, float]:
    """Colour swatches with their names, wrapped to the chart's width; returns (svg, height)."""
    per_row = max(1, int(width // item_width))
    parts = []
    for index, (label, colour) in enumerate(items):
        x = (index % per_row) * item_width
        y = top + (index // per_row) * LEGEND_ROW_HEIGHT
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}" '
                'stroke="{text}" stroke-width="0.5"/>'
                '<text x="{tx}" y="{ty}">{label}</text>',
                x=_n(x),
                y=_n(y),
                colour=colour,
                text=TEXT,
                tx=_n(x + 20),
                ty=_n(y + 12),
                label=label,
            )
        )
    rows = math.ceil(len(items) / per_row) if items else 0
    return _joined(parts), rows * LEGEND_ROW_HEIGHT


def _row_label(y: float, label: str) -> SafeString:
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle">{label}</text>',
        x=_n(LABEL_WIDTH - 10),
        y=_n(y + ROW_HEIGHT / 2),
        label=label,
    )


def _row_total(x: float, y: float, value: int) -> SafeString:
    return format_html(
        '<text x="{x}" y="{y}" dominant-baseline="middle" font-weight="bold">{value}</text>',
        x=_n(x + 6),
        y=_n(y + ROW_HEIGHT / 2),
        value=value,
    )


def _bar(x: float, y: float, width: float, colour: str, tooltip: str) -> SafeString:
    # A white edge between segments, so neighbouring colours are told apart without colour.
    return format_html(
        '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}" stroke="#ffffff" stroke-width="1">'
        "<title>{tooltip}</title></rect>",
        x=_n(x),
        y=_n(y + 6),
        w=_n(width),
        h=_n(ROW_HEIGHT - 12),
        colour=colour,
        tooltip=tooltip,
    )


def type_status_chart(
    type_status: dict, *, chart_id: str = "diagram-type-status", table_caption: str
) -> SafeString:
    """Horizontal stacked bars: one bar per network type, a segment per status."""
    statuses, rows = type_status["statuses"], type_status["rows"]
    largest = max((row["total"] for row in rows), default=0) or 1
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        parts.append(_row_label(y, row["label"]))
        x = LABEL_WIDTH
        for status, count in zip(statuses, row["counts"], strict=True):
            if not count:
                continue
            width = count / largest * BAR_WIDTH
            tooltip = f"{row['label']}, {status['label']}: {count}"
            parts.append(_bar(x, y, width, STATUS_COLOURS.get(status["code"], MUTED), tooltip))
            x += width
        parts.append(_row_total(x, y, row["total"]))
    width = LABEL_WIDTH + BAR_WIDTH + 50
    used = [
        (status["label"], STATUS_COLOURS.get(status["code"], MUTED))
        for status, total in zip(statuses, type_status["totals"], strict=True)
        if total
    ]
    legend, legend_height = _legend(used, top=len(rows) * ROW_HEIGHT + 12, width=width)
    parts.append(legend)
    height = len(rows) * ROW_HEIGHT + 12 + legend_height + 4
    return _svg(
        chart_id,
        _("Netværk fordelt på type og status"),
        _table_reference(table_caption),
        width,
        height,
        _joined(parts),
    )


def per_month_chart(
    per_month: list[dict], *, chart_id: str = "diagram-maaneder", table_caption: str
) -> SafeString:
    """Vertical bars in pairs: networks started and concluded in each month."""
    left, top, plot_height, group_width, bar = 36, 28, 180, 44, 16
    width = max(360, left + len(per_month) * group_width + 16)
    largest = max((max(m["started"], m["concluded"]) for m in per_month), default=0)
    step = max(1, math.ceil(largest / 4))
    scale_top = max(step, math.ceil(largest / step) * step)
    parts = []
    for tick in range(0, scale_top + 1, step):
        y = top + plot_height - tick / scale_top * plot_height
        parts.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{tx}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                'fill="{muted}">{tick}</text>',
                x1=_n(left),
                x2=_n(width - 8),
                y=_n(y),
                grid=GRID,
                tx=_n(left - 6),
                muted=MUTED,
                tick=tick,
            )
        )
    # Label every month while they fit; with many months, every second, third, ...
    label_every = max(1, math.ceil(len(per_month) / 12))
    for index, month in enumerate(per_month):
        x = left + index * group_width + 4
        for offset, value, colour, name in (
            (0, month["started"], STARTED_COLOUR, _("Startet")),
            (bar + 2, month["concluded"], CONCLUDED_COLOUR, _("Afsluttet")),
        ):
            height = value / scale_top * plot_height
            y = top + plot_height - height
            if value:
                parts.append(
                    format_html(
                        '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}">'
                        "<title>{tooltip}</title></rect>"
                        '<text x="{cx}" y="{ty}" text-anchor="middle" font-size="11">{value}</text>',
                        x=_n(x + offset),
                        y=_n(y),
                        w=_n(bar),
                        h=_n(height),
                        colour=colour,
                        tooltip=f"{month['label']}, {name}: {value}",
                        cx=_n(x + offset + bar / 2),
                        ty=_n(y - 4),
                        value=value,
                    )
                )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" font-size="11">{label}</text>',
                    x=_n(x + bar + 1),
                    y=_n(top + plot_height + 16),
                    label=month["short_label"],
                )
            )
    legend, legend_height = _legend(
        [(_("Startet"), STARTED_COLOUR), (_("Afsluttet"), CONCLUDED_COLOUR)],
        top=top + plot_height + 30,
        width=width,
        item_width=120,
    )
    parts.append(legend)
    return _svg(
        chart_id,
        _("Netværk startet og afsluttet pr. måned"),
        _table_reference(table_caption),
        width,
        top + plot_height + 30 + legend_height + 4,
        _joined(parts),
    )


def actor_mix_chart(
    categories: list[dict], *, chart_id: str = "diagram-aktoerer", table_caption: str
) -> SafeString:
    """Horizontal bars: distinct people in each actor category."""
    largest = max((category["people"] for category in categories), default=0) or 1
    parts = []
    for index, category in enumerate(categories):
        y = index * ROW_HEIGHT
        parts.append(_row_label(y, category["label"]))
        width = category["people"] / largest * BAR_WIDTH
        if category["people"]:
            parts.append(
                _bar(LABEL_WIDTH, y, width, ACTOR_COLOUR, f"{category['label']}: {category['people']}")
            )
        parts.append(_row_total(LABEL_WIDTH + width, y, category["people"]))
    return _svg(
        chart_id,
        _("Deltagere fordelt på aktørtype (personer)"),
        _table_reference(table_caption),
        LABEL_WIDTH + BAR_WIDTH + 50,
        len(categories) * ROW_HEIGHT + 4,
        _joined(parts),
    )


def _table_reference(table_caption: str) -> str:
    return _("De samme tal står i tabellen “%(caption)s” under diagrammet.") % {"caption": table_caption}
