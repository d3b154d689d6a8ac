"""The task worker's part for the benchmark: refresh the report's figures once, as the worker
would after a write (the benchmark's servers keep enqueued tasks; see bench/settings.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from networks.reporting.refresh import refresh_report_pages  # noqa: E402

if __name__ == "__main__":
    print(refresh_report_pages.call())
