"""`make deploy-check`: the production stack from deploy/ brought up on this machine and walked through.

Run as root on a Debian machine with nginx, openssl and PostgreSQL (.ci/postgres.sh starts it).
Everything comes from the files an operator installs: each unit's ExecStart, Environment and
WorkingDirectory lines, the environment file built from netvaerk.env.example, and the nginx site.
The only changes are paths, ports and the server name, all in `SUBSTITUTIONS` below.

DEPLOY_CHECK_WITHOUT_WORKER=1 skips only starting and restarting the task worker (for a tree
without `manage.py db_worker`); the output says so.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import psycopg
import requests
from aiosmtpd.controller import Controller

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
SERVER_URL = os.environ.get("DEPLOY_CHECK_POSTGRES", "postgres://netvaerk:netvaerk@127.0.0.1:5432/")
WITHOUT_WORKER = os.environ.get("DEPLOY_CHECK_WITHOUT_WORKER") == "1"
HOST = "localhost"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


WORK = Path(tempfile.mkdtemp(prefix="netvaerk-deploy-check-"))
WEB_PORTS = (free_port(), free_port())
HTTPS_PORT = 8443
HTTP_PORT = free_port()
SMTP_PORT = free_port()
DATABASE = f"netvaerk_deploy_{os.getpid()}"
BASE = f"https://{HOST}:{HTTPS_PORT}"

# The one place where the installed files are changed to run here: paths, ports, server name.
SUBSTITUTIONS = {
    "/opt/netvaerk": str(REPO),
    "/etc/netvaerk/netvaerk.env": str(WORK / "netvaerk.env"),
    "/etc/netvaerk/tls/fullchain.pem": str(WORK / "cert.pem"),
    "/etc/netvaerk/tls/privkey.pem": str(WORK / "key.pem"),
    "127.0.0.1:8001": f"127.0.0.1:{WEB_PORTS[0]}",
    "127.0.0.1:8002": f"127.0.0.1:{WEB_PORTS[1]}",
    "listen 443 ": f"listen 127.0.0.1:{HTTPS_PORT} ",
    "listen 80;": f"listen 127.0.0.1:{HTTP_PORT};",
    "netvaerk.albertslund.dk": HOST,
}


def localised(text: str) -> str:
    for installed, here in SUBSTITUTIONS.items():
        text = text.replace(installed, here)
    return text


def unit(name: str) -> dict[str, list[str]]:
    """A unit's [Service] settings (each key's values in order), after the substitutions."""
    settings: dict[str, list[str]] = collections.defaultdict(list)
    section = None
    for line in localised((DEPLOY / name).read_text()).splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key.strip()].append(value.strip())
    return settings


def environment_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def unit_environment(settings: dict[str, list[str]]) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    for path in settings.get("EnvironmentFile", []):
        env.update(environment_file(Path(path.lstrip("-"))))
    for assignment in settings.get("Environment", []):
        for pair in shlex.split(assignment):
            key, value = pair.split("=", 1)
            env[key] = value
    return env


def commands(name: str, instance: str = "") -> tuple[list[list[str]], dict[str, str], str]:
    settings = unit(name)
    lines = [shlex.split(line.replace("%i", instance)) for line in settings["ExecStart"]]
    return lines, unit_environment(settings), settings["WorkingDirectory"][0]


PROCESSES: dict[str, subprocess.Popen] = {}


def start(label: str, name: str, instance: str = "") -> None:
    (line,), env, cwd = commands(name, instance)
    log = open(WORK / f"{label}.log", "ab")  # noqa: SIM115 - closed with the process's end
    PROCESSES[label] = subprocess.Popen(line, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(label: str) -> None:
    """What `systemctl stop` does with these units: SIGTERM, then wait (TimeoutStopSec)."""
    process = PROCESSES.pop(label, None)
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_oneshot(name: str) -> None:
    lines, env, cwd = commands(name)
    for line in lines:
        subprocess.run(line, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


RESULTS: list[tuple[str, bool, str]] = []


def check(what: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append((what, ok, detail))
    return ok


class Sink:
    """The SMTP server: keeps every message's recipients and subject."""

    def __init__(self):
        self.messages: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        subject = str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"] or "")))
        with self.lock:
            self.messages.extend((recipient, subject) for recipient in envelope.rcpt_tos)
        return "250 OK"

    def to(self, address: str) -> list[str]:
        with self.lock:
            return [subject for recipient, subject in self.messages if recipient == address]


# --- Setting up -----------------------------------------------------------------------------------


def database_url() -> str:
    return f"{SERVER_URL}{DATABASE}"


def create_database() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
        subprocess.run(["bash", str(REPO / ".ci" / "postgres.sh")], check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(f"{SERVER_URL}postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(f"{SERVER_URL}postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def write_environment() -> None:
    """The operator's example file with the values this machine needs."""
    overrides = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": BASE,
        "SITE_URL": BASE,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "DEBUG": "0",
        "HTTPS_ONLY": "1",
    }
    lines = []
    for line in (DEPLOY / "netvaerk.env.example").read_text().splitlines():
        key = line.split("=", 1)[0] if "=" in line and not line.startswith("#") else None
        lines.append(f"{key}={overrides.pop(key)}" if key in overrides else line)
    lines += [f"{key}={value}" for key, value in overrides.items()]
    (WORK / "netvaerk.env").write_text("\n".join(lines) + "\n")


def write_certificate() -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(WORK / "key.pem"), "-out", str(WORK / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def start_nginx() -> None:
    (WORK / "netvaerk.conf").write_text(localised((DEPLOY / "nginx" / "netvaerk.conf").read_text()))
    # The machine's own nginx.conf, reduced to what the site needs, with its files under WORK.
    (WORK / "nginx.conf").write_text(
        f"user root;\nworker_processes 1;\npid {WORK}/nginx.pid;\nerror_log {WORK}/nginx-error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {WORK}/nginx-access.log;\n"
        f" client_body_temp_path {WORK}/body; proxy_temp_path {WORK}/proxy;\n"
        f" include {WORK}/netvaerk.conf;\n}}\n"
    )
    subprocess.run(["nginx", "-t", "-q", "-c", str(WORK / "nginx.conf")], check=True)
    subprocess.run(["nginx", "-c", str(WORK / "nginx.conf")], check=True)


def stop_nginx() -> None:
    if (WORK / "nginx.pid").exists():
        quit_nginx = ["nginx", "-c", str(WORK / "nginx.conf"), "-s", "quit"]
        subprocess.run(quit_nginx, check=False, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if not (WORK / "nginx.pid").exists():
                break
            time.sleep(0.1)


def manage(*args: str, extra_env: dict[str, str] | None = None) -> str:
    """A manage.py command as the units run them (same interpreter, directory and environment)."""
    lines, env, cwd = commands("netvaerk-migrate.service")
    python = lines[0][0]
    result = subprocess.run(
        [python, "manage.py", *args], cwd=cwd, env={**env, **(extra_env or {})}, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout


CREATE_USERS = """
import os
from django.contrib.auth.models import Group, User
from networks.roles import DIREKTOERFORUM, LEADERS
for name, group in (("leder", LEADERS), ("direktoer", DIREKTOERFORUM)):
    user = User.objects.create_user(name, email=f"{name}@example.dk", password=os.environ["PASSWORD_" + name])
    user.groups.add(Group.objects.get(name=group))
"""


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


# --- The journey ----------------------------------------------------------------------------------


def login(username: str, password: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    # Only this certificate, and no proxy from the environment: REQUESTS_CA_BUNDLE would override it.
    session.trust_env = False
    session.verify = str(WORK / "cert.pem")
    session.headers["Referer"] = f"{BASE}/"
    session.get(f"{BASE}/accounts/login/").raise_for_status()
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{BASE}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session, response


def api(session: requests.Session, method: str, path: str, body: dict | None = None) -> requests.Response:
    return session.request(method, f"{BASE}/api/v1/{path}", json=body)


def traffic_while(action, session: requests.Session) -> collections.Counter:
    """Reads the start page again and again while `action` runs; counts the answers by status."""
    statuses: collections.Counter = collections.Counter()
    done = threading.Event()

    def read():
        while not done.is_set():
            try:
                statuses[session.get(f"{BASE}/", timeout=10).status_code] += 1
            except requests.RequestException:
                statuses["connection error"] += 1

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)
    action()
    time.sleep(1.5)
    done.set()
    reader.join()
    return statuses


def outcome(response: requests.Response) -> str:
    """The status code, and the network's status or the app's refusal."""
    if response.ok:
        return f"{response.status_code} {response.json().get('status')}"
    return f"{response.status_code} {response.text[:200]}"


def journey(sink: Sink, passwords: dict[str, str]) -> None:
    plain = requests.get(f"http://{HOST}:{HTTP_PORT}/netvaerk/?side=2", allow_redirects=False, timeout=5)
    check(
        "http → https",
        plain.status_code == 301 and plain.headers.get("Location") == f"https://{HOST}/netvaerk/?side=2",
        f"{plain.status_code} {plain.headers.get('Location')}",
    )
    probe = requests.get(f"http://{HOST}:{HTTP_PORT}/healthz", timeout=5)
    check("/healthz over http", probe.status_code == 200, str(probe.status_code))

    leader, response = login("leder", passwords["leder"])
    check("login (CSRF) as leader", response.status_code == 302, str(response.status_code))
    cookies = response.raw.headers.getlist("Set-Cookie")
    check(
        "secure cookies",
        bool(cookies) and all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies),
        f"{len(cookies)} cookies",
    )
    page = leader.get(f"{BASE}/")
    hsts = page.raw.headers.getlist("Strict-Transport-Security")
    check("HSTS once on a page", hsts == ["max-age=31536000; includeSubDomains; preload"], repr(hsts))
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    static = leader.get(f"{BASE}{stylesheet.group(1)}") if stylesheet else None
    check(
        "static file by nginx, cached a year, HSTS once",
        static is not None
        and static.status_code == 200
        and "immutable" in static.headers.get("Cache-Control", "")
        and static.raw.headers.getlist("Strict-Transport-Security") == hsts,
        stylesheet.group(1) if stylesheet else "no stylesheet on the page",
    )

    created = api(leader, "POST", "networks/", {
        "type": "innovation", "title": "Velfærd med frivillige", "theme": "Frivillighed",
        "purpose": "Tænk velfærd og frivillighed forfra.",
        "strategy_reference": "Albertslund Kommunes frivillighedspolitik",
        "mandate": "Aftalt med direktionen", "mandate_clarified": True,
        "planned_start": "2027-03-01", "planned_end": "2028-02-29",
    })  # fmt: skip
    check("create an innovation network", created.status_code == 201, outcome(created))
    network = created.json()["id"]
    submitted = api(leader, "POST", f"networks/{network}/transitions/", {"action": "submit"})
    check("submit", submitted.status_code == 200, outcome(submitted))

    statuses = traffic_while(lambda: stop("web-1"), leader)
    server_errors = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
    check(
        "one app instance stopped: the other serves",
        statuses[200] > 0 and server_errors == 0 and statuses["connection error"] == 0,
        f"{dict(statuses)}",
    )

    direktoer, response = login("direktoer", passwords["direktoer"])
    check("login as Direktørforum member", response.status_code == 302, str(response.status_code))
    decision = {"action": "approve", "comment": "Godt."}
    approved = api(direktoer, "POST", f"networks/{network}/transitions/", decision)
    check("decide (approve)", approved.status_code == 200, outcome(approved))

    if WITHOUT_WORKER:
        check("worker restart (skipped: DEPLOY_CHECK_WITHOUT_WORKER=1)", True, "not started")
    else:
        # While the decision's email may be queued or being sent: it must still go out exactly once.
        stop("worker")
        start("worker", "netvaerk-worker.service")

    deadline = time.monotonic() + 30
    while not sink.to("leder@example.dk") and time.monotonic() < deadline:
        time.sleep(0.5)
    delivered = sink.to("leder@example.dk")
    check("email delivered to the leader", bool(delivered), repr(delivered))

    # Time for a second copy to arrive, were one on its way.
    time.sleep(3)
    if not WITHOUT_WORKER:
        worker = PROCESSES["worker"]
        check("worker restarted and running", worker.poll() is None, f"exit {worker.poll()}")
    with sink.lock:
        counts = collections.Counter(sink.messages)
    twice = {key: count for key, count in counts.items() if count > 1}
    check("nothing sent twice", not twice, f"{len(counts)} messages" + (f", twice: {twice}" if twice else ""))

    reminders = commands("netvaerk-reminders.service")
    subprocess.run(reminders[0][0], cwd=reminders[2], env=reminders[1], check=True, capture_output=True)
    check("reminders unit runs", True, "send_reminders exit 0")


def main() -> int:
    started = time.monotonic()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    teardown_done = False

    def teardown():
        nonlocal teardown_done
        if teardown_done:
            return
        teardown_done = True
        for label in list(PROCESSES):
            stop(label)
        stop_nginx()
        with contextlib.suppress(Exception):  # it may never have started
            controller.stop()
        try:
            drop_database()
        except psycopg.Error as error:
            print(f"could not drop {DATABASE}: {error}", file=sys.stderr)

    atexit.register(teardown)
    try:
        controller.start()
        create_database()
        write_environment()
        write_certificate()
        run_oneshot("netvaerk-migrate.service")
        check("migrate + collectstatic (netvaerk-migrate.service)", True)
        manage("loaddata", "network_types")
        passwords = {name: secrets.token_urlsafe(16) for name in ("leder", "direktoer")}
        manage("shell", "-c", CREATE_USERS, extra_env={f"PASSWORD_{k}": v for k, v in passwords.items()})
        for index, port in enumerate(WEB_PORTS, start=1):
            start(f"web-{index}", "netvaerk-web@.service", str(port))
        for port in WEB_PORTS:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        if WITHOUT_WORKER:
            print("DEPLOY_CHECK_WITHOUT_WORKER=1: the task worker is neither started nor restarted.")
        else:
            start("worker", "netvaerk-worker.service")
        start_nginx()
        if not WITHOUT_WORKER:
            time.sleep(2)
            worker = PROCESSES["worker"]
            check("worker running (netvaerk-worker.service)", worker.poll() is None, f"exit {worker.poll()}")
        journey(sink, passwords)
    except Exception as error:  # noqa: BLE001 - any failure is a failed check, reported below
        check("ran to the end", False, f"{type(error).__name__}: {error}")
    finally:
        teardown()

    width = max(len(what) for what, _, _ in RESULTS)
    for what, ok, detail in RESULTS:
        print(f"{'ok  ' if ok else 'FAIL'}  {what.ljust(width)}  {detail}")
    failed = [what for what, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)}/{len(RESULTS)} passed in {time.monotonic() - started:.0f} s")
    if failed:
        print(f"Logs and the generated configuration: {WORK}")
        return 1
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
