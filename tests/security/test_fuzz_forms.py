"""Bad input to every form: random, oversized, unicode, null-byte and malformed values (hypothesis),
posted as the user who may send the form. No answer may be a server error (the test client raises
any exception a view lets through), and a refused form saves nothing: the row counts of every
table are the same after a refusal as before.

The forms are every route the access table (EXPECTED in tests/security/support.py, checked against
the resolver) lets some role POST to, so a new form is fuzzed as soon as it has its row there.
Each example runs in a savepoint that is rolled back, so every example starts from the same data.
"""

from __future__ import annotations

import datetime
import re
from http.cookies import SimpleCookie

import pytest
from django.contrib.messages import constants
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from networks import services
from tests.factories import add_core, add_meetings, ready_to_start
from tests.security import figures
from tests.security.support import (
    CSRF_TOKEN,
    EXPECTED,
    ROLES,
    client_as,
    fuzz_settings,
    is_admin,
    is_api,
    row_counts,
)

EXAMPLES = 30


def form_routes() -> list[str]:
    """Routes some role may POST to (anything but 405 or a login redirect for every role)."""
    routes = []
    for route, (_get, post) in EXPECTED.items():
        if is_admin(route) or is_api(route):
            continue
        if any(outcome not in (405, "login") for outcome in post):
            routes.append(route)
    return routes


# Who sends each form, and at which network; "learning" is the leader's editable draft.
SENDER = {
    "admin-vaerktoejer/": ("administrator", None),
    "direktoerforum/": ("direktoer", "submitted"),
    "netvaerk/<int:pk>/afslut/": ("leader", "active"),
    "accounts/login/": ("anonymous", None),
}


def sender(route: str) -> tuple[str, str | None]:
    for prefix, who in SENDER.items():
        if route.startswith(prefix):
            return who
    return ("leader", "learning")


@pytest.fixture
def subjects(world, leader, direktoer, learning_type, innovation_type):
    learning = services.network_create(by=leader, type=learning_type, title="Læring", theme="Frivillighed")
    add_core(learning, 3)
    meetings = add_meetings(learning, 2)
    active = ready_to_start(services.network_create(by=leader, type=learning_type, title="Aktiv", theme="T"))
    add_meetings(active, learning_type.min_meetings)
    active = services.network_start(network=active, by=leader)
    submitted = services.network_submit(
        network=services.network_create(
            by=leader,
            type=innovation_type,
            title="Indstillet",
            theme="T",
            purpose="F",
            strategy_reference="S",
        ),
        by=leader,
    )
    return {
        "learning": (learning, learning.participants.first(), meetings[0]),
        "active": (active, active.participants.first(), active.meetings.first()),
        "submitted": (submitted, None, None),
        None: (world["network"], world["participant"], world["meeting"]),
    }


def url_of(route: str, subject) -> str:
    network, participant, meeting = subject
    values = {
        "pk": network.pk,
        "participant_pk": participant.pk if participant else 0,
        "meeting_pk": meeting.pk if meeting else 0,
        # The follow-up's answers are fuzzed in tests/test_follow_ups.py (they need a due follow-up).
        "follow_up_pk": 0,
    }
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    if route == "netvaerk/ny/":
        url += "?type=welfare"
    return url


def field_names(client: Client, url: str) -> list[str]:
    """The names of the fields in the page's forms (none for a route that takes only POST)."""
    response = client.get(url)
    if response.status_code != 200:
        return []
    names = re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', response.content.decode())
    return sorted({name for name in names if name != "csrfmiddlewaretoken"})


# --- The input -------------------------------------------------------------------------------------

ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "on",
    "0",
    "-1",
    "9" * 40,
    "1e999",
    "NaN",
    "2027-02-30",
    "0001-01-01",
    "9999-12-31",
    "31.12.2027",
    "25:61",
    "ø" * 300,
    "<script>alert(1)</script>",
    "'; DROP TABLE networks_network; --",
    "../../etc/passwd",
    "\u202e\ufeff\u200b",
    "😀" * 50,
    "\r\n" * 100,
    "%s%s%n",
    "{{ 7*7 }}",
]
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80)
oversized = st.builds(
    lambda char, n: char * n, st.sampled_from(["x", "ø", "😀", "\x00", " "]), st.integers(5_000, 120_000)
)
value = st.one_of(st.sampled_from(ODD), text, oversized, st.integers(-(2**70), 2**70).map(str))
values = st.one_of(value, st.lists(value, max_size=4))


def body(names: list[str]):
    known = st.dictionaries(st.sampled_from(names), values, max_size=len(names)) if names else st.just({})
    extra = st.dictionaries(text.filter(lambda s: s and "\x00" not in s), values, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def refused(response) -> bool:
    """Nothing was meant to be saved: the form came back, the request was refused, or the
    redirect carries an error and no success."""
    if response.status_code != 302:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    levels = {m.level for m in storage._queued_messages} if storage is not None else set()
    return constants.SUCCESS not in levels and bool(levels & {constants.ERROR, constants.WARNING})


FUZZ = fuzz_settings(EXAMPLES)


@pytest.mark.parametrize("route", form_routes())
def test_random_and_malformed_input_never_breaks_a_form_or_half_saves(route, subjects, world):
    role, subject_key = sender(route)
    assert role in ROLES
    base = client_as(world, role)
    url = url_of(route, subjects[subject_key])
    names = field_names(base, url)
    extras: dict = {}

    @FUZZ
    @given(data=body(names), upload=st.one_of(st.none(), st.binary(max_size=3000)))
    def post(data, upload):
        client = Client(enforce_csrf_checks=True)
        client.cookies = SimpleCookie(base.cookies)
        payload = {**data, "csrfmiddlewaretoken": CSRF_TOKEN}
        if upload is not None and "file" in names:
            payload["file"] = SimpleUploadedFile("deltagere.csv", upload, content_type="text/csv")
        with transaction.atomic():
            before = row_counts()
            response = client.post(url, payload)
            assert response.status_code < 500, (route, response.status_code)
            if refused(response):
                assert row_counts() == before, (route, response.status_code)
            transaction.set_rollback(True)
        extras["tried"] = extras.get("tried", 0) + 1

    post()
    figures.record("fuzz_forms", forms=1, inputs=extras.get("tried", 0))


def test_every_form_of_the_app_is_fuzzed():
    routes = form_routes()
    for expected in (
        "netvaerk/ny/",
        "netvaerk/<int:pk>/rediger/",
        "netvaerk/<int:pk>/type/",
        "netvaerk/<int:pk>/deltagere/import/",
        "netvaerk/<int:pk>/moeder/planlaeg/",
        "netvaerk/<int:pk>/afslut/",
        "direktoerforum/sag/<int:pk>/",
        "admin-vaerktoejer/persondata/anonymiser/",
        "accounts/login/",
    ):
        assert expected in routes, expected
    assert len(routes) >= 20


def test_a_date_far_outside_any_plan_is_refused_not_a_server_error(client, leader, learning_type):
    # One of the inputs above, spelled out: year 9999 is refused by the model's plausible-date check.
    network = services.network_create(by=leader, type=learning_type, title="L", theme="T")
    client.force_login(leader)
    response = client.post(
        f"/netvaerk/{network.pk}/rediger/",
        {"title": "L", "theme": "T", "planned_start": "9999-12-31", "planned_end": "9999-12-31"},
    )
    assert response.status_code == 200
    network.refresh_from_db()
    assert network.planned_start is None
    assert datetime.date(9999, 12, 31) != network.planned_start
