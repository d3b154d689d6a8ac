"""Bad input to every write endpoint of the API: random JSON (unicode, null bytes, oversized
strings, huge numbers, deep nesting, wrong types), bodies that are not JSON, and the wrong content
type, sent by the network's leader with a token. No answer may be a server error, and a refused
request saves nothing (the row counts of every table are unchanged).

The endpoints come from the resolver: every API route whose view takes POST, PATCH, PUT or DELETE.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from networks import services
from tests.factories import add_core, add_meetings
from tests.security import figures
from tests.security.support import fuzz_settings, routes_and_views, row_counts

EXAMPLES = 40
WRITES = ("post", "patch", "put", "delete")


def write_endpoints() -> list[tuple[str, str]]:
    endpoints = []
    for route, callback in routes_and_views():
        view = getattr(callback, "cls", None)
        if not route.startswith("api/") or view is None:
            continue
        endpoints.extend((route, method) for method in WRITES if hasattr(view, method))
    return endpoints


def field_names(route: str) -> list[str]:
    callback = dict(routes_and_views())[route]
    serializer = getattr(callback.cls, "serializer_class", None)
    if serializer is None:
        return ["username", "password"]
    return sorted(serializer().fields)


@pytest.fixture
def api(leader, learning_type):
    network = services.network_create(by=leader, type=learning_type, title="Læring", theme="Frivillighed")
    add_core(network, 3)
    meeting = add_meetings(network, 2)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader).key}")
    ids = {
        "networks": network.pk,
        "participants": network.participants.first().pk,
        "meetings": meeting.pk,
    }
    return client, ids


def url_of(route: str, ids: dict) -> str:
    kind = route.split("/")[2] if route.count("/") > 2 else "networks"
    pk = ids.get(kind, ids["networks"])
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", str(pk), route)


# --- The input -------------------------------------------------------------------------------------

strings = st.one_of(
    st.text(max_size=60),  # any unicode, lone surrogates included: JSON allows them as escapes
    st.sampled_from(["", "\x00", "a\x00b", "2027-02-30", "9999-12-31T25:00", "welfare", "start", "🙂" * 40]),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "ø", "\x00"]), st.integers(1_000, 60_000)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    strings,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def json_bodies(names: list[str]):
    known = st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))
    other = st.one_of(json_values, st.lists(json_values, max_size=3))
    return st.one_of(known, known, known, other)


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [b"{", b'{"a":', b"[" * 5000 + b"]" * 5000, b"\xff\xfe", b'{"title": "\\ud800"}', b"null", b"1e99999"]
    ),
)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)


FUZZ = fuzz_settings(EXAMPLES)


def send(client, method: str, url: str, body: bytes, content_type: str):
    return getattr(client, method)(url, data=body, content_type=content_type)


@pytest.mark.parametrize(("route", "method"), write_endpoints())
def test_random_and_malformed_json_never_breaks_an_endpoint_or_half_saves(route, method, api):
    client, ids = api
    url = url_of(route, ids)
    tried = {"n": 0}

    @FUZZ
    @given(
        body=st.one_of(
            json_bodies(field_names(route)).map(
                lambda value: (json.dumps(value).encode(), "application/json")
            ),
            st.tuples(raw_bodies, content_types),
        )
    )
    def request(body):
        raw, content_type = body
        with transaction.atomic():
            before = row_counts()
            response = send(client, method, url, raw, content_type)
            assert response.status_code < 500, (method, route, response.status_code, raw[:200])
            if not 200 <= response.status_code < 300:
                assert row_counts() == before, (method, route, response.status_code)
            # Every refusal is JSON the client can read.
            if response.status_code >= 400:
                assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
            transaction.set_rollback(True)
        tried["n"] += 1

    request()
    figures.record("fuzz_api", endpoints=1, inputs=tried["n"])


def test_every_write_endpoint_of_the_api_is_fuzzed():
    endpoints = set(write_endpoints())
    assert {
        ("api/v1/auth/token/", "post"),
        ("api/v1/networks/", "post"),
        ("api/v1/networks/<api_id:pk>/", "patch"),
        ("api/v1/networks/<api_id:pk>/", "delete"),
        ("api/v1/networks/<api_id:pk>/transitions/", "post"),
        ("api/v1/networks/<api_id:pk>/participants/", "post"),
        ("api/v1/networks/<api_id:pk>/meetings/", "post"),
        ("api/v1/participants/<api_id:pk>/", "patch"),
        ("api/v1/participants/<api_id:pk>/", "delete"),
        ("api/v1/meetings/<api_id:pk>/", "patch"),
        ("api/v1/meetings/<api_id:pk>/", "delete"),
    } <= endpoints


def test_a_null_byte_in_a_name_is_a_400_not_a_database_error(api):
    client, ids = api
    before = row_counts()
    response = client.post(
        f"/api/v1/networks/{ids['networks']}/participants/", {"name": "Grethe\x00Hansen"}, format="json"
    )
    assert response.status_code == 400
    assert row_counts() == before
