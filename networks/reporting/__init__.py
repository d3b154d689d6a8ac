"""The administrators' report: figures across all networks, its exports and its charts.

- `filter.py` — `ReportFilter`, the selection (type, status, leader, period) read from GET
  parameters through `forms.ReportFilterForm`.
- `figures.py` — `summary(report_filter)`, every figure the page shows, as JSON-serialisable data,
  in a fixed number of grouped queries.
- `compliance.py` — how many networks kept their type's rules: the figures are the type's own
  (`spec.compliance`), and the rules are asked, once per group of networks alike in what they read.
- `cache.py` — the page's figures and the API's summary in the shared cache, valid while the
  data's version (`data_version`) is unchanged.
- `exports.py` — the networks, participants and meetings as CSV and XLSX.
- `charts.py` — the page's charts as SVG drawn on the server.

The API and the views take the selection and the summary from here; the report page reads its
figures through `cache.page_figures` (with `cache.PAGE_ROWS` rows per table).
"""

from networks.reporting.cache import cached_summary, data_version
from networks.reporting.figures import summary
from networks.reporting.filter import ReportFilter

__all__ = ["ReportFilter", "cached_summary", "data_version", "summary"]
