"""The report page's figures as HTML: built once per version of the data, where they are
computed (on the first-ever view, or in the background refresh), and cached with the figures."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from networks.reporting import cache, charts


def captions() -> dict[str, str]:
    return {
        "type_status": _("Netværk fordelt på type og status"),
        "per_month": _("Netværk startet og afsluttet pr. måned"),
        "actors": _("Deltagere fordelt på aktørtype"),
    }


def build(figures: dict, lengths: dict) -> dict:
    """The figures, their per-table lengths and their sections rendered as HTML; each request then
    renders only the page around them (the filter, the exports)."""
    titles = captions()
    charts_ = {
        "type_status": charts.type_status_chart(figures["type_status"], table_caption=titles["type_status"]),
        "per_month": charts.per_month_chart(figures["per_month"], table_caption=titles["per_month"]),
        "actors": charts.actor_mix_chart(
            figures["participants"]["categories"], table_caption=titles["actors"]
        ),
    }
    html = render_to_string(
        "networks/reports/_figures.html",
        {
            "figures": figures,
            "lengths": lengths,
            "charts": charts_,
            "captions": titles,
            "page_rows": cache.PAGE_ROWS,
        },
    )
    return {"figures": figures, "lengths": lengths, "figures_html": html}
