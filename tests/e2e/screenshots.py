"""`make screenshots`: the main pages with the demo data, at desktop and phone width, for the README.

Sets up a scratch SQLite database with the demo (migrate, loaddata network_types, load_demo), serves it
with runserver on 127.0.0.1, logs in as the demo users in Debian's Chromium, saves
docs/screenshots/<page>-desktop.png and <page>-phone.png, and stops the server again.

    .venv/bin/python -m tests.e2e.screenshots

Not a test (pytest collects test_*.py only). The demo's dates are fixed, so the timelines and
"days left" in the pictures depend on the day they are taken.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.support import CHROMIUM, CONTEXT_ARGS, LAUNCH_ARGS, PHONE, log_in

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "demo"  # the demo users' password (fixtures/demo.json), demo data only

# (file name, demo user, address): the leader's dashboard, the type guide with an answer, the
# welfare network in its sprint, Direktørforum's queue and the administrators' report.
PAGES = [
    ("forside", "leder", "/"),
    ("guide", "leder", "/netvaerk/guide/?complex=nej&political=nej&citizen_near=ja&knowledge=ved_ikke"),
    ("netvaerk", "leder", "/netvaerk/2/"),
    ("direktoerforum", "direktoer", "/direktoerforum/"),
    ("rapport", "admin", "/rapporter/"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def take(base_url: str) -> list[Path]:
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**LAUNCH_ARGS)
        for suffix, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            pages = {}
            for name, user, path in PAGES:
                if user not in pages:
                    context = browser.new_context(viewport=viewport, **CONTEXT_ARGS)
                    pages[user] = context.new_page()
                    log_in(pages[user], base_url, user, DEMO_PASSWORD)
                page = pages[user]
                page.goto(base_url + path)
                page.wait_for_load_state()
                target = OUT / f"{name}-{suffix}.png"
                # The first screenful on a desktop (what the README shows); the whole page on a phone.
                page.screenshot(path=target, full_page=suffix == "phone")
                saved.append(target)
            for page in pages.values():
                page.context.close()
        browser.close()
    return saved


def main() -> int:
    if not CHROMIUM.exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netvaerk-screenshots-") as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/demo.sqlite3",
            "DEBUG": "1",
            "HTTPS_ONLY": "0",
            "EMAIL_URL": "console:",
        }
        _manage("migrate", "--no-input", "-v0", env=env)
        _manage("loaddata", "network_types", "-v0", env=env)
        _manage("load_demo", "-v0", env=env)
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        with open(Path(scratch) / "server.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_up(f"{base_url}/healthz", server)
                saved = take(base_url)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    for path in saved:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
