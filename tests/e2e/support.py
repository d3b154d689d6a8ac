"""What the browser tests and `make screenshots` share: how Chromium is launched, and the checks
every page a journey visits must pass (axe-core, no sideways scrolling at 375 px).

Debian's Chromium is used as installed (`apt-get install chromium`); Playwright never downloads one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"needs Chromium at {CHROMIUM}: apt-get install chromium (Playwright never downloads a browser)",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAUNCH_ARGS = {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}

# Danish users on Danish machines: dates, number formats and time zone as in Albertslund. Reduced
# motion turns off Bootstrap's smooth scrolling, so a focused element is on screen at once.
CONTEXT_ARGS = {"locale": "da-DK", "timezone_id": "Europe/Copenhagen", "reduced_motion": "reduce"}

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# WCAG 2.1 level A and AA: what the web accessibility law asks of Danish public-sector sites.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page, state: str = "") -> None:
    violations = axe_violations(page)
    where = f"{page.url} {state}".strip()
    assert not violations, f"axe-core found WCAG 2.1 A/AA violations on {where}:\n{describe(violations)}"


def horizontal_overflow(page) -> int:
    """How many pixels the page itself scrolls sideways (tables scroll inside .table-responsive)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_fits(page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls {overflow} px sideways at {page.viewport_size['width']} px"


def check_page(page, state: str = "") -> None:
    """What every page a journey reaches must pass, at whatever width the journey runs."""
    page.wait_for_load_state()
    assert_fits(page)
    assert_accessible(page, state)


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
