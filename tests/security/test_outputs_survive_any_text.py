"""Every output of a network survives any text stored in it.

The checks at the door (`networks/text.py`) refuse line breaks in titles and control characters,
but a value written around them (a raw update, an old row, an import from elsewhere) must still
not break a page, an export, a calendar, an email or the PDF. Each example writes arbitrary text
(control characters, line breaks, formula prefixes, bidi marks, emoji, very long strings) straight
into the world's network, its participants and its meetings, and then asks every output that
shows them: each must answer 200 (the test client raises whatever a view lets through), and the
email must go out with a one-line subject. Each example runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from networks import notifications, tasks
from networks.models import CalendarFeed, Meeting, Network, OutgoingEmail, Participant
from tests.security import figures
from tests.security.support import client_as, fuzz_settings

EXAMPLES = 5

NASTY_VALUES = [
    '=HYPERLINK("http://x","klik")',
    "@SUM(1+1)",
    "+45 1234",
    "-1+1",
    "\t=1",
    "Titel\nmed linjeskift\r\nog mere",
    "\u202eesrever\u202c og \u200f",
    "emoji 🙂👩‍👩‍👧",
    "\x1b[31mrød\x07",
    "a;b,c\\d",
    "<script>alert(1)</script>",
    "æ" * 20_000,
    "x" * 20_000,
    "\n" * 5_000,
]
NASTY = st.sampled_from(NASTY_VALUES)
TEXT = st.one_of(
    NASTY, st.text(max_size=400), st.text(alphabet=st.characters(max_codepoint=0x3F), max_size=200)
)


def storable(text: str) -> str:
    # PostgreSQL cannot store NUL in text at all; everything else goes in as it is.
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def _outputs(world, case) -> list[tuple[str, str, dict]]:
    network = world["network"]
    meeting = world["meeting"]
    return [
        ("leader", f"/netvaerk/{network.pk}/", {}),
        ("leader", f"/netvaerk/{network.pk}/kalender.ics", {}),
        # The leader's subscribed calendar, and the Direktørforum member's with the board's dates.
        ("leader", CalendarFeed.of(world["users"]["leader"]).get_absolute_url(), {}),
        ("direktoer", CalendarFeed.of(world["users"]["direktoer"]).get_absolute_url(), {}),
        ("leader", f"/netvaerk/{network.pk}/moeder/{meeting.pk}/", {}),
        ("direktoer", "/direktoerforum/", {}),
        ("direktoer", f"/direktoerforum/sag/{network.pk}/", {}),
        ("direktoer", f"/direktoerforum/sag/{case.pk}/", {}),
        ("direktoer", "/direktoerforum/dagsorden/", {"sag": case.pk}),
        ("direktoer", "/direktoerforum/dagsorden.pdf", {"sag": case.pk}),
        ("administrator", "/rapporter/", {}),
        ("administrator", "/rapporter/netvaerk.csv", {}),
        ("administrator", "/rapporter/netvaerk.xlsx", {}),
        ("administrator", "/rapporter/deltagere.csv", {}),
        ("administrator", "/rapporter/deltagere.xlsx", {}),
        ("administrator", "/rapporter/moeder.csv", {}),
        ("administrator", "/rapporter/moeder.xlsx", {}),
        ("leader", f"/api/v1/networks/{network.pk}/", {}),
        ("leader", f"/api/v1/networks/{network.pk}/participants/", {}),
        ("leader", f"/api/v1/networks/{network.pk}/meetings/", {}),
        ("leader", f"/api/v1/networks/{network.pk}/history/", {}),
    ]


@pytest.mark.django_db
def test_every_output_of_a_network_answers_for_any_stored_text(world, submitted_innovation, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = world["users"]["direktoer"]
    member.email = "direktoer@albertslund.dk"
    member.save(update_fields=["email"])
    network = world["network"]
    clients = {role: client_as(world, role) for role in ("leader", "direktoer", "administrator")}
    # A case waiting for Direktørforum: its agenda, as page and PDF.
    outputs = _outputs(world, submitted_innovation)
    written = Network.objects.filter(pk__in=[network.pk, submitted_innovation.pk])
    tried = 0

    def exercise(title, purpose, name, place):
        nonlocal tried
        # Single-line columns hold what their type holds (PostgreSQL enforces it); free text is unlimited.
        title, name, place = (storable(text)[:200] for text in (title, name, place))
        purpose = storable(purpose)
        with transaction.atomic():
            written.update(
                title=title, theme=name, purpose=purpose, mandate=purpose, strategy_reference=place
            )
            Participant.objects.filter(network__in=written).update(name=name, organisation=title)
            Meeting.objects.filter(network__in=written).update(title=title, location=place, agenda=purpose)
            for role, path, params in outputs:
                response = clients[role].get(path, params)
                assert response.status_code == 200, (path, response.status_code)
                tried += 1
            mail.outbox.clear()
            earlier = list(OutgoingEmail.objects.values_list("pk", flat=True))
            notifications.network_submitted(written.select_related("type", "leader").get(pk=network.pk))
            # Written to the outbox; its task sends it (here at once, inside the rolled-back test).
            for queued in OutgoingEmail.objects.exclude(pk__in=earlier).values_list("pk", flat=True):
                tasks.send_email.call(queued)
            assert mail.outbox, "the submission email was not sent"
            for message in mail.outbox:
                assert "\n" not in message.subject and "\r" not in message.subject
            tried += 1
            transaction.set_rollback(True)

    # Each of the known troublemakers in every field, then what hypothesis makes up.
    for value in NASTY_VALUES:
        exercise(value, value, value, value)

    @fuzz_settings(EXAMPLES)
    @given(title=TEXT, purpose=TEXT, name=TEXT, place=TEXT)
    def check(title, purpose, name, place):
        exercise(title, purpose, name, place)

    check()
    figures.record("outputs", outputs=len(outputs) + 1, inputs=len(NASTY_VALUES) + EXAMPLES, requests=tried)
