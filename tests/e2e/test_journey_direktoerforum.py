"""Journey 2: an innovation network through Direktørforum, with the leader and a member of
Direktørforum each in a browser of their own.

The leader submits; Direktørforum asks for changes; the leader edits and submits again;
Direktørforum approves; the leader starts the network. Every page on the way passes axe-core and
fits the screen, on a desktop and on a 375 px phone.
"""

import pytest
from playwright.sync_api import expect

from networks import services
from networks.models import ActorCategory, DecisionOutcome, Status
from tests.e2e.support import DESKTOP, PHONE, check_page, needs_chromium
from tests.factories import add_core, ready_to_start

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

TITLE = "Velfærd med frivillige"


@pytest.fixture
def innovation_draft(leader, innovation_type):
    """A draft with purpose, strategy, mandate and a core that includes a politician."""
    leader.email = "lene.leder@example.dk"
    leader.save(update_fields=["email"])
    network = services.network_create(
        by=leader,
        type=innovation_type,
        title=TITLE,
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Albertslund Kommunes frivillighedspolitik",
    )
    add_core(network, 1, category=ActorCategory.POLITICIAN)
    return ready_to_start(network)


def open_case(page) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Direktørforum").click()
    queue = page.get_by_role("region", name="Sager, der venter på beslutning")
    expect(queue.get_by_role("link", name=TITLE)).to_be_visible()
    check_page(page, "Direktørforum's queue with a case")
    queue.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check_page(page, "case with an empty decision form")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_direktoerforum_asks_for_changes_then_approves_and_the_leader_starts(
    browse, leader, direktoer, innovation_draft, mailoutbox, viewport
):
    network = innovation_draft
    leader_page = browse(leader, viewport=viewport)
    df_page = browse(direktoer, viewport=viewport)

    # The leader submits the draft from the dashboard.
    check_page(leader_page, "leader's dashboard with a draft")
    leader_page.get_by_role("link", name=TITLE).click()
    check_page(leader_page, "draft ready to submit")
    leader_page.get_by_role("button", name="Indstil til Direktørforum").click()
    expect(leader_page.get_by_text("Netværket er indstillet til Direktørforum.")).to_be_visible()
    check_page(leader_page, "submitted")

    # Direktørforum asks for changes; a request without a reason is refused at the field.
    open_case(df_page)
    df_page.get_by_label("Ønsk ændringer").check()
    df_page.get_by_role("button", name="Registrér beslutningen").click()
    expect(df_page.get_by_label("Begrundelse")).to_have_attribute("aria-invalid", "true")
    check_page(df_page, "decision with errors")
    df_page.get_by_label("Begrundelse").fill("Beskriv, hvordan borgerne inddrages.")
    df_page.get_by_role("button", name="Registrér beslutningen").click()
    expect(df_page.get_by_text("Beslutningen er registreret: ændringer ønsket.")).to_be_visible()
    check_page(df_page, "case after the decision")

    # The leader sees the request, edits the purpose and submits again: round 2.
    leader_page.reload()
    expect(leader_page.get_by_text("Beskriv, hvordan borgerne inddrages.").first).to_be_visible()
    check_page(leader_page, "draft with Direktørforum's request")
    leader_page.get_by_role("link", name="Redigér netværket").click()
    check_page(leader_page, "edit form")
    leader_page.get_by_label("Formål").fill("Tænk velfærd og frivillighed forfra – sammen med borgerne.")
    leader_page.get_by_role("button", name="Gem ændringerne").click()
    leader_page.get_by_role("button", name="Indstil til Direktørforum").click()
    expect(leader_page.get_by_text("Netværket er indstillet til Direktørforum.")).to_be_visible()

    # Direktørforum approves round 2.
    open_case(df_page)
    expect(df_page.get_by_text("Runde 1: Ændringer ønsket")).to_be_visible()
    df_page.get_by_label("Godkend").check()
    df_page.get_by_role("button", name="Registrér beslutningen").click()
    expect(df_page.get_by_text("Beslutningen er registreret: godkendt.")).to_be_visible()
    check_page(df_page, "approved case")

    # The leader starts the approved network.
    leader_page.reload()
    check_page(leader_page, "approved")
    leader_page.get_by_role("button", name="Start netværket").click()
    expect(leader_page.get_by_text("Netværket er startet.")).to_be_visible()
    check_page(leader_page, "active")

    network.refresh_from_db()
    assert network.status == Status.ACTIVE
    assert network.submission_round == 2
    assert [d.outcome for d in network.decisions.order_by("round")] == [
        DecisionOutcome.CHANGES_REQUESTED,
        DecisionOutcome.APPROVED,
    ]
    # Each decision was mailed to the leader.
    assert len([m for m in mailoutbox if m.to == [leader.email]]) == 2
