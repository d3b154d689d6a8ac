"""The rig `make bench` (bench/run.py) and `make loadtest` (bench/load.py) share: the app's
`manage.py` in a subprocess, gunicorn on loopback, a browser-like HTTP session that times each
request, PostgreSQL databases by URL, percentiles, and the figures written between markers in a
doc under docs/.

Standard library only at import time (psycopg is imported where a PostgreSQL server is asked), so
the scripts start without Django; Django runs in the subprocesses, with the environment given.
All traffic goes to 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# How gunicorn serves: two sync workers, one per core (on two cores the fastest of those measured,
# docs/PERFORMANCE.md); BENCH_GUNICORN_WORKERS to compare others, e.g.
# "--worker-class gthread --workers 2 --threads 4".
GUNICORN_WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "--workers 2")
HOST = "127.0.0.1"
# The database names the rig may drop and create: never one it did not make itself. A prefix may
# come before them (BENCH_DATABASE_PREFIX), so two checkouts on one server keep apart.
OWN_DATABASES = re.compile(r"(^|_)(bench|loadtest)_")


def logger(name: str, stream: TextIO | None = None) -> Callable[[str], None]:
    """`log("...")` printing `[name HH:MM:SS] ...` to `stream` (standard error by default)."""

    def log(message: str) -> None:
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=stream or sys.stderr, flush=True)

    return log


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(base: dict, **overrides: str) -> dict:
    """`base` with what a production-like server on loopback needs: DEBUG and HTTPS off (no TLS
    here), a secret key, this host, mail kept in memory and quiet logs; `overrides` win."""
    return {
        **base,
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "EMAIL_URL": "memory:",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def python(env: dict, *args: str, timeout: float = 900) -> str:
    """`python ...` in the project with `env`; its output, or RuntimeError with all it said."""
    result = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"python {' '.join(args)[:200]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(env: dict, *args: str, timeout: float = 900) -> str:
    """`python manage.py ...` in the project with `env`; its output."""
    return python(env, "manage.py", *args, timeout=timeout)


def migrate(env: dict) -> None:
    """A fresh database ready for the app: its tables and the shared cache's table."""
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")


# --- HTTP -------------------------------------------------------------------------------------------

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Session:
    """One browser: its cookies, sent to whichever server (port) it talks to. Redirects are not
    followed: a 302 is an answer like any other."""

    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, port: int, method: str, path: str, body: bytes | None = None, headers=None):
        """(status, body bytes, seconds, response). A new connection per request, as a browser
        opening the page afresh would."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        self._remember(response)
        return response.status, content, elapsed, response

    def get(self, port: int, path: str):
        return self.request(port, "GET", path)

    def login(self, port: int, username: str, password: str) -> int:
        """Log in through the login form, as a person would; the answer's status (302 is success)."""
        status, content, _, _ = self.get(port, "/accounts/login/")
        token = csrf_token(content)
        if status != 200 or not token:
            raise RuntimeError(f"no login form on port {port} ({status})")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        body = urllib.parse.urlencode(form).encode()
        return self.request(port, "POST", "/accounts/login/", body=body, headers=FORM)[0]


def csrf_token(page: bytes | str) -> str:
    """The CSRF token of the first form on the page, or "" when it has none."""
    match = CSRF_FIELD.search(page.encode() if isinstance(page, str) else page)
    return match.group(1).decode() if match else ""


# --- gunicorn ---------------------------------------------------------------------------------------


class Server:
    """gunicorn (GUNICORN_WORKERS) on 127.0.0.1:port, ready once /healthz answers; stopped on exit,
    whatever happens. Its warnings go to `log_file`, or are kept to explain a failed start."""

    def __init__(self, env: dict, port: int, *, timeout: float = 120, log_file: Path | None = None):
        self.port = port
        self.log_file = log_file
        self._log = open(log_file, "w") if log_file else subprocess.PIPE  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "netvaerk_site.wsgi",
                "--bind",
                f"{HOST}:{port}",
                *GUNICORN_WORKERS.split(),
                "--timeout",
                str(round(timeout)),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            text=True,
        )

    def _errors(self) -> str:
        if self.log_file:
            return Path(self.log_file).read_text(errors="replace")[-2000:]
        return self.process.stderr.read()[-2000:]

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self._errors()}")
            try:
                if Session(timeout=5).get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on {self.port} did not answer /healthz within {seconds} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.log_file and not self._log.closed:
            self._log.close()

    def __enter__(self):
        self.wait_ready()
        return self

    def __exit__(self, *exc):
        self.stop()


# --- PostgreSQL ---------------------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    """`server_url` with its database replaced by `name`."""
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def postgres_reachable(url: str, log: Callable[[str], None] = print) -> bool:
    if not url:
        return False
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        log(f"PostgreSQL not reachable ({exc.__class__.__name__})")
        return False


def postgres_database(server_url: str, name: str) -> str:
    """Drop and create the database `name` (one of the rig's own) on the server of `server_url`, as
    the URL's role (which needs CREATEDB); the new database's URL."""
    import psycopg

    assert OWN_DATABASES.search(name), name
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(server_url, name)


def postgres_drop(server_url: str, name: str) -> None:
    import psycopg

    assert OWN_DATABASES.search(name), name
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


# --- Figures into the docs -------------------------------------------------------------------------


def write_between(doc: Path, start: str, end: str, text: str, *, new_doc: str = "") -> None:
    """Put `text` between the markers `start` and `end` in `doc`, replacing what stood there; where
    the markers are not there yet, append them (to `new_doc`'s text when there is no doc yet)."""
    doc = Path(doc)
    content = doc.read_text(encoding="utf-8") if doc.exists() else new_doc
    block = f"{start}\n{text}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(content):
        content = pattern.sub(lambda _match: block, content)
    else:
        content = (content.rstrip("\n") + "\n\n" if content.strip() else "") + block + "\n"
    doc.write_text(content, encoding="utf-8")
