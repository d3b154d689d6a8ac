"""In-process half of the benchmark: which URLs to measure, and each page's query count.

Run by bench/run.py as `python -m bench.pages` against a seeded database (same settings and
environment as the gunicorn servers). Prints JSON: the pages (name, user, path), the query count
of each (Django's test client inside CaptureQueriesContext, on a second, warm request), and ids
the mixed journeys use. No production code knows about the benchmark.
"""

import json
import logging
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from networks.models import OPEN_STATUSES, Network, Status, StatusChange  # noqa: E402

DASHBOARD_LEADER = "leder01"
# seed_scale gives leder02 the most networks (2.5 % of N): the dashboard must not grow with them.
BUSIEST_LEADER = "leder02"
MEMBER = "direktoer01"
# The page of Direktørforum's decisions that shows its 81st–100th newest: a member looking back
# over 100 decided cases.
DECIDED_PAGE = 5
ADMINISTRATOR = "administrator01"


def _network_page_target() -> Network:
    """The dashboard leader's first running learning network (the page a leader opens most; the
    same type at every N, so the query counts compare like with like: a learning network's page
    reads its core's attendance, an innovation network's its change requests), else any running
    or open one."""
    mine = Network.objects.filter(leader__username=DASHBOARD_LEADER).order_by("pk")
    return (
        mine.filter(status=Status.ACTIVE, type__code="learning").first()
        or mine.filter(status=Status.ACTIVE).first()
        or mine.filter(status__in=OPEN_STATUSES).first()
        or mine.first()
    )


def pages() -> list[dict]:
    network = _network_page_target()
    return [
        {"name": "healthz", "label": "/healthz", "user": None, "path": "/healthz"},
        {
            "name": "dashboard",
            "label": "Lederens forside (25 netværk)",
            "user": DASHBOARD_LEADER,
            "path": "/",
        },
        {
            "name": "network",
            "label": "Netværkssiden",
            "user": DASHBOARD_LEADER,
            "path": f"/netvaerk/{network.pk}/",
        },
        {
            "name": "dashboard_busiest",
            "label": "Lederens forside, lederen med flest netværk",
            "user": BUSIEST_LEADER,
            "path": "/",
        },
        {"name": "queue", "label": "Direktørforums kø", "user": MEMBER, "path": "/direktoerforum/"},
        {
            "name": "queue_decided",
            "label": "Direktørforums kø, beslutning 81–100",
            "user": MEMBER,
            "path": f"/direktoerforum/?beslutninger={DECIDED_PAGE}",
        },
        {"name": "report", "label": "Rapporten", "user": ADMINISTRATOR, "path": "/rapporter/"},
        {
            "name": "report_cold",
            "label": "Rapporten, første visning efter en ændring",
            "user": ADMINISTRATOR,
            "path": "/rapporter/",
            # Measured with the shared cache emptied before every request.
            "cold": True,
        },
        {"name": "api", "label": "API: netværksliste", "user": ADMINISTRATOR, "path": "/api/v1/networks/"},
        {
            "name": "csv",
            "label": "CSV: alle netværk",
            "user": ADMINISTRATOR,
            "path": "/rapporter/netvaerk.csv",
        },
        {"name": "admin_home", "label": "Administratorens forside", "user": ADMINISTRATOR, "path": "/"},
        {
            "name": "list",
            "label": "Netværkslisten (administrator)",
            "user": ADMINISTRATOR,
            "path": "/netvaerk/",
        },
    ]


def query_counts(pages: list[dict]) -> dict[str, int]:
    clients: dict[str | None, Client] = {}
    counts = {}
    for page in pages:
        user = page["user"]
        if user not in clients:
            clients[user] = Client(HTTP_HOST="127.0.0.1")
            if user:
                clients[user].force_login(User.objects.get(username=user))
        client = clients[user]
        # The first request warms what every process does once (URL resolving, translations, the
        # report's cached figures); the second is the one a user gets.
        first = client.get(page["path"])
        if first.status_code != 200:
            raise SystemExit(f"{page['path']} answered {first.status_code} for {user}")
        if page.get("cold"):
            # A write the report counts, as another user's: the page meets out-of-date figures.
            latest = StatusChange.objects.order_by("-pk").first()
            latest.pk = None
            latest.save()
        with CaptureQueriesContext(connection) as queries:
            client.get(page["path"])
        counts[page["name"]] = len(queries.captured_queries)
    return counts


def journey_ids() -> dict:
    """For the mixed journeys: some networks of each leader, and cases Direktørforum can open."""
    leaders = {}
    for username in User.objects.filter(username__startswith="leder").values_list("username", flat=True):
        ids = (
            Network.objects.filter(leader__username=username).order_by("-pk").values_list("pk", flat=True)[:5]
        )
        leaders[username] = list(ids)
    cases = list(
        Network.objects.filter(type__requires_approval=True, submission_round__gt=0)
        .order_by("-pk")
        .values_list("pk", flat=True)[:20]
    )
    drafts = list(
        Network.objects.filter(status=Status.DRAFT, leader__username__startswith="leder")
        .order_by("pk")
        .values_list("pk", "leader__username")[:1]
    )
    return {"leaders": leaders, "cases": cases, "draft": drafts[0] if drafts else None}


def main() -> None:
    logging.disable(logging.WARNING)
    listed = pages()
    print(json.dumps({"pages": listed, "queries": query_counts(listed), "journey": journey_ids()}))


if __name__ == "__main__":
    main()
