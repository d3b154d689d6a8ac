"""No input, however malformed, gets a 5xx: every write endpoint, sent bodies no client should send."""

import json

import pytest

from networks.models import Meeting, Network, Participant
from tests.factories import add_core, add_meetings, api_url

HUGE = "x" * 30_000  # over every field's limit, yet the whole body is well under Django's 2.5 MB

RAW_BODIES = {
    "not-json": "{title: 'Frivillige'",
    "truncated": '{"title": "Frivil',
    "array": "[1, 2, 3]",
    "string": '"Frivillige"',
    "null": "null",
    "number-too-big-for-a-float": '{"title": 1e999, "attendees": [1e999], "starts_at": 1e999}',
    "nan": '{"title": NaN}',
    "nested-beyond-the-recursion-limit": "[" * 100_000 + "]" * 100_000,
    "surrogate-in-a-key": '{"\\udfff": 1}',
    "lone-surrogate": '{"title": "\\ud800", "name": "\\ud800", "action": "\\ud800", "comment": "\\ud800"}',
    "nul-character": '{"title": "a\\u0000b", "name": "a\\u0000b", "comment": "a\\u0000b"}',
}

BODIES = {
    "wrong-types": {
        "title": 17,
        "theme": ["Frivillighed"],
        "type": {"code": "welfare"},
        "mandate_clarified": "kanske",
        "tracks": {"a": 1},
        "sprint_start": 20270301,
        "name": None,
        "email": 42,
        "joined_on": True,
        "starts_at": [],
        "status": 3,
        "attendees": [True, None, "x"],
        "action": 7,
        "meeting_date": "i går",
    },
    "huge-strings": {
        "title": HUGE,
        "theme": HUGE,
        "purpose": HUGE,
        "type": HUGE,
        "name": HUGE,
        "email": HUGE + "@example.dk",
        "minutes": HUGE,
        "action": HUGE,
        "comment": HUGE,
        "username": HUGE,
        "password": HUGE,
    },
    "impossible-dates": {
        "sprint_start": "2027-02-30",
        "sprint_end": "0000-01-01",
        "planned_start": "99999-01-01",
        "joined_on": "2027-03-01T10:00:00",
        "starts_at": "2027-03-01T25:00",
        "ends_at": "0001-01-01T00:00:00+14:00",
        "meeting_date": "9999-12-31",
    },
    "ids-that-are-not-ids": {"attendees": [-1, 0, "1", 10**40, 1.5, "DROP TABLE"], "id": "x", "network": -1},
    "deeply-nested": {"title": [[[[[[[[[[{"x": [1]}]]]]]]]]]], "tracks": [[["a"]]], "attendees": [[1]]},
    "unknown-fields-only": {"farve": "grøn", "__class__": "Network", "pk": 1},
}


@pytest.fixture
def urls(leader, draft_learning):
    (participant,) = add_core(draft_learning, 1)
    (meeting,) = add_meetings(draft_learning, 1)
    network = f"networks/{draft_learning.pk}/"
    return {
        ("post", "auth/token/"),
        ("post", "networks/"),
        ("patch", network),
        ("post", network + "transitions/"),
        ("post", network + "participants/"),
        ("patch", f"participants/{participant.pk}/"),
        ("post", network + "meetings/"),
        ("patch", f"meetings/{meeting.pk}/"),
    }


def counts():
    return Network.objects.count(), Participant.objects.count(), Meeting.objects.count()


@pytest.mark.parametrize(
    "body", list(RAW_BODIES.values()) + [json.dumps(b) for b in BODIES.values()], ids=[*RAW_BODIES, *BODIES]
)
def test_every_write_endpoint_answers_malformed_bodies_with_400(leader_api, urls, body):
    before = counts()
    for method, path in sorted(urls):
        response = getattr(leader_api, method)(api_url(path), body, content_type="application/json")

        assert response.status_code == 400, (method, path, response.status_code)
        assert isinstance(response.json(), dict)
    assert counts() == before


def test_a_body_over_the_upload_limit_is_413_in_json(leader_api, welfare_type, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"title": "Frivillige", "theme": "x" * 10_000, "type": "welfare"})

    response = leader_api.post(api_url("networks/"), body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "Forespørgslen er for stor."}
    assert not Network.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc&offset=-5",
        "limit=0",
        "limit=-1&offset=1e3",
        f"offset={10**50}",
        "type=%00",
        "status=%ff%fe",
        "type=welfare&type=nope",
    ],
)
def test_list_endpoints_shrug_off_odd_query_strings(leader_api, draft_welfare, query):
    for path in [
        "networks/",
        f"networks/{draft_welfare.pk}/participants/",
        f"networks/{draft_welfare.pk}/history/",
    ]:
        response = leader_api.get(api_url(path) + "?" + query)

        assert response.status_code in (200, 400), (path, response.status_code)
