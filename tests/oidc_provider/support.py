"""Run the test provider and walk its login form, for the sign-on tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.discovery_url = f"{base_url}/o/.well-known/openid-configuration"
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET

    def control(self, **changes) -> dict:
        # No proxy: the provider is on loopback.
        response = requests.post(f"{self.base_url}/control/", data=json.dumps(changes), timeout=10)
        response.raise_for_status()
        return response.json()

    def log_in(self, authorize_url: str, username: str, *, stop_at: str = "http://testserver") -> str:
        """Follow the app's redirect to the provider, log in on its form as `username`, and return
        the address the provider sends the browser back to (the app's callback, with code and state)."""
        browser = requests.Session()
        browser.trust_env = False
        url = authorize_url
        for _ in range(10):
            if url.startswith(stop_at):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and 'name="password"' in response.text:
                response = browser.post(
                    response.url,
                    data={
                        "username": username,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
                        "next": _next_of(response.url),
                    },
                    headers={"Referer": response.url},
                    allow_redirects=False,
                    timeout=10,
                )
            if response.status_code not in (301, 302, 303):
                raise AssertionError(
                    f"provider answered {response.status_code} at {url}: {response.text[:300]}"
                )
            url = urljoin(url, response.headers["Location"])
        raise AssertionError("too many redirects at the provider")


def _next_of(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query).get("next", [""])[0]


@contextlib.contextmanager
def running_provider():
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as directory:
        port = free_port()
        env = {
            key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port), directory],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        provider = Provider(f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError("the test provider stopped: " + process.stderr.read().decode()[-2000:])
                try:
                    if requests.get(provider.discovery_url, timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the test provider did not start in 60 s")
                time.sleep(0.2)
            yield provider
        finally:
            process.terminate()
            process.wait(timeout=10)
