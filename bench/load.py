"""`make loadtest`: load and faults against gunicorn + PostgreSQL on loopback.

1. Load: LOADTEST_USERS (50) users for LOADTEST_SECONDS (60) of mixed journeys — pages, the
   registration form, the API reading and writing — against gunicorn (2 workers, DEBUG=0,
   HTTPS_ONLY=0). Zero 5xx; p50/p95/p99 reported.
2. Fault: the same journeys while PostgreSQL is restarted (`pg_ctlcluster restart`) in the middle.
   Errors only while it is down; the app (never restarted) answers again within seconds because
   Django checks its kept connections (CONN_HEALTH_CHECKS); and every write answered with 2xx is in
   the database afterwards.
3. Race: 20 Direktørforum members approve the same case at once through the API, for several
   cases: exactly one decision per case.

PostgreSQL: a cluster of its own (LOADTEST_PG_CLUSTER, default "loadtest", on port
LOADTEST_PG_PORT 5433), created from Debian's packages if missing (.ci/postgres.sh installs them),
so restarting it never disturbs anyone's test run on the main cluster; it is stopped again at the
end (LOADTEST_PG_CLUSTER=main uses the main cluster and leaves it running). Needs root, like
`make test-postgres`. The database loadtest_netvaerk is created afresh each run.

`--sqlite` (`make loadtest-sqlite`): the default embedded database instead, short — 20 users for
10 s (`--users`, `--seconds`) — on a fresh var/loadtest.sqlite3 with the app's own SQLite settings:
zero 5xx, every acknowledged write kept, and the race decided once per case. No fault phase (there
is no server to restart), no root needed.

Writes the figures into docs/RELIABILITY.md (between the loadtest markers, or the loadtest-sqlite
markers) and prints them.
All traffic goes to 127.0.0.1; every loop is bounded in time and count. Run as `python -m bench.load`
from the project (as `make loadtest` does); the rig it shares with `make bench` is bench/harness.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import (
    FORM,
    HOST,
    ROOT,
    Server,
    Session,
    csrf_token,
    database_url,
    free_port,
    logger,
    manage,
    migrate,
    percentile,
    postgres_database,
    postgres_drop,
    python,
    server_env,
    write_between,
)

USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
FAULT_SECONDS = int(os.environ.get("LOADTEST_FAULT_SECONDS", "40"))
RACERS = 20
RACE_CASES = int(os.environ.get("LOADTEST_RACE_CASES", "5"))
CLUSTER = os.environ.get("LOADTEST_PG_CLUSTER", "loadtest")
PG_PORT = int(os.environ.get("LOADTEST_PG_PORT", "5433" if CLUSTER != "main" else "5432"))
DATABASE = "loadtest_netvaerk"
# The app's role on the cluster; it creates and drops the load test's database itself.
SERVER_URL = f"postgres://netvaerk:netvaerk@{HOST}:{PG_PORT}/postgres"
DATABASE_URL = database_url(SERVER_URL, DATABASE)
PASSWORD = "Belastning-2027"
REQUEST_TIMEOUT = 30
# After PostgreSQL is back, the app must answer again within this many seconds.
RECOVERY_LIMIT = 10.0
OUTPUT = os.environ.get("LOADTEST_OUTPUT", str(ROOT / "docs" / "RELIABILITY.md"))

log = logger("loadtest", sys.stdout)


def sh(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)


def as_postgres(sql: str) -> str:
    return sh("su", "postgres", "-c", f'psql -p {PG_PORT} -qtAc "{sql}"').stdout.strip()


# --- PostgreSQL -----------------------------------------------------------------------------------


def pg_version() -> str:
    return sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]


def pg_ready(timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sh("pg_isready", "-q", "-h", HOST, "-p", str(PG_PORT), check=False).returncode == 0:
            return True
        time.sleep(0.2)
    return False


def start_postgres() -> str:
    """The cluster running and the loadtest database fresh; returns the PostgreSQL version."""
    sh("bash", str(ROOT / ".ci" / "postgres.sh"))  # packages, and the main cluster with the role
    version = pg_version()
    clusters = sh("pg_lsclusters", "-h").stdout
    if not re.search(rf"^{re.escape(version)}\s+{re.escape(CLUSTER)}\s", clusters, flags=re.MULTILINE):
        log(f"creating PostgreSQL cluster {version}/{CLUSTER} on port {PG_PORT}")
        sh("pg_createcluster", version, CLUSTER, "--port", str(PG_PORT))
    sh("pg_ctlcluster", version, CLUSTER, "start", check=False)
    if not pg_ready():
        raise SystemExit(f"PostgreSQL {version}/{CLUSTER} did not start on port {PG_PORT}")
    if as_postgres("SELECT 1 FROM pg_roles WHERE rolname='netvaerk'") != "1":
        as_postgres("CREATE ROLE netvaerk LOGIN CREATEDB PASSWORD 'netvaerk'")
    postgres_database(SERVER_URL, DATABASE)
    return version


def stop_postgres(version: str) -> None:
    if CLUSTER == "main":
        sh("pg_ctlcluster", version, CLUSTER, "start", check=False)  # leave the main cluster running
        pg_ready()
        return
    try:
        postgres_drop(SERVER_URL, DATABASE)
    except Exception as exc:  # noqa: BLE001 - the cluster is stopped either way
        log(f"could not drop {DATABASE}: {exc}")
    sh("pg_ctlcluster", version, CLUSTER, "stop", check=False)


# --- The app --------------------------------------------------------------------------------------


def app_env(database: str = DATABASE_URL) -> dict:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return server_env(
        inherited,
        DATABASE_URL=database,
        CONN_MAX_AGE="60",
        SECURITY_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="netvaerk_site.settings",
    )


SEED = """
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from networks import roles, services
from networks.models import NetworkType

call_command("loaddata", "network_types", verbosity=0)
types = {t.code: t for t in NetworkType.objects.all()}
leaders, members = [], []
for i in range(1, USERS + 1):
    user = User.objects.create_user(f"last{i:02d}", password=PASSWORD, first_name="Leder", last_name=str(i))
    user.groups.add(Group.objects.get(name=roles.LEADERS))
    leaders.append(user)
for i in range(1, RACERS + 1):
    user = User.objects.create_user(f"df{i:02d}", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    members.append(user)
networks = {}
for user in leaders:
    mine = []
    for code in ("welfare", "learning"):
        network = services.network_create(
            by=user, type=types[code], title=f"{code} {user.username}", theme="Belastning"
        )
        for n in range(3):
            services.participant_add(network=network, by=user, name=f"Deltager {n}")
        mine.append(network.pk)
    networks[user.username] = mine
cases = []
for i in range(RACE_CASES):
    network = services.network_create(
        by=leaders[i], type=types["innovation"], title=f"Sag {i}", theme="T", purpose="F",
        strategy_reference="S",
    )
    services.network_submit(network=network, by=leaders[i])
    cases.append(network.pk)
print(json.dumps({"networks": networks, "cases": cases}))
"""


def django(code: str, env: dict, **values) -> str:
    """`code` run with Django set up, the `values` as its variables; what it prints."""
    prelude = "import json, django; django.setup()\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items())
    return python(env, "-c", prelude + code)


def prepare(env: dict, users: int = USERS) -> dict:
    log("migrate, collectstatic, seed")
    migrate(env)
    manage(env, "collectstatic", "--no-input", "-v0")
    return json.loads(
        django(SEED, env, USERS=users, RACERS=RACERS, RACE_CASES=RACE_CASES, PASSWORD=PASSWORD).splitlines()[
            -1
        ]
    )


# --- The journeys ---------------------------------------------------------------------------------


@dataclass
class Result:
    started: float
    seconds: float
    kind: str
    status: int  # 0: no HTTP answer (connection error)


@dataclass
class Ledger:
    """What every user did, and every write the app acknowledged with a 2xx."""

    results: list[Result] = field(default_factory=list)
    networks: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


class User:
    """One person using the app: a browser session (bench/harness.py) and an API token; every
    request is timed into the ledger."""

    def __init__(self, port: int, username: str, network_ids: list[int], ledger: Ledger):
        self.port, self.username, self.network_ids, self.ledger = port, username, network_ids, ledger
        self.session = Session(timeout=REQUEST_TIMEOUT)
        self.token = ""

    def request(self, kind: str, method: str, path: str, body=None, headers=None) -> tuple[int, str, dict]:
        data = None
        headers = dict(headers or {})
        if isinstance(body, dict) and headers.get("Content-Type") == "application/json":
            data = json.dumps(body).encode()
        elif isinstance(body, dict):
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers.setdefault("Content-Type", FORM["Content-Type"])
        headers.setdefault("Referer", f"http://{HOST}:{self.port}/")
        started = time.monotonic()
        status, text, response_headers = 0, "", {}
        try:
            status, content, _, response = self.session.request(self.port, method, path, data, headers)
            text, response_headers = content.decode(errors="replace"), dict(response.headers)
        except OSError:
            status = 0
        self.ledger.add(Result(started, time.monotonic() - started, kind, status))
        return status, text, response_headers

    def log_in(self) -> bool:
        status, page, _ = self.request("login-form", "GET", "/accounts/login/")
        if status != 200:
            return False
        status, _, headers = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page),
            },
        )
        token_status, text, _ = self.request(
            "api-token",
            "POST",
            "/api/v1/auth/token/",
            {"username": self.username, "password": PASSWORD},
            {"Content-Type": "application/json"},
        )
        if token_status == 200:
            self.token = json.loads(text)["token"]
        return status == 302 and token_status == 200

    def api(self, kind, method, path, body=None):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        return self.request(kind, method, "/api/v1/" + path, body, headers)

    # Each step is one thing a user does; the weights make a mix mostly of reading.
    def step(self, rng: random.Random) -> None:
        network = rng.choice(sorted(self.network_ids))
        choice = rng.choices(
            [
                "home",
                "list",
                "detail",
                "guide",
                "api_list",
                "api_detail",
                "api_create",
                "api_participant",
                "form_create",
            ],
            weights=[14, 10, 20, 4, 10, 10, 4, 10, 4],
        )[0]
        if choice == "home":
            self.request("page:home", "GET", "/")
        elif choice == "list":
            self.request("page:list", "GET", "/netvaerk/")
        elif choice == "detail":
            self.request("page:detail", "GET", f"/netvaerk/{network}/")
        elif choice == "guide":
            self.request("page:guide", "GET", "/netvaerk/guide/")
        elif choice == "api_list":
            self.api("api:list", "GET", "networks/?limit=20")
        elif choice == "api_detail":
            self.api("api:detail", "GET", f"networks/{network}/")
        elif choice == "api_create":
            status, text, _ = self.api(
                "api:create",
                "POST",
                "networks/",
                {"title": f"Ny {rng.random():.6f}", "theme": "T", "type": "welfare"},
            )
            if status == 201:
                created = json.loads(text)["id"]
                with self.ledger.lock:
                    self.ledger.networks.add(created)
                self.network_ids.append(created)
        elif choice == "api_participant":
            status, text, _ = self.api(
                "api:participant",
                "POST",
                f"networks/{network}/participants/",
                {"name": f"Person {rng.random():.6f}"},
            )
            if status == 201:
                with self.ledger.lock:
                    self.ledger.participants.add(json.loads(text)["id"])
        else:
            status, page, _ = self.request("form:get", "GET", "/netvaerk/ny/?type=learning")
            key = re.search(r'name="engangsnoegle" value="([^"]+)"', page)
            if status != 200 or not key:
                return
            status, _, headers = self.request(
                "form:create",
                "POST",
                "/netvaerk/ny/?type=learning",
                {
                    "title": f"Formular {rng.random():.6f}",
                    "theme": "T",
                    "engangsnoegle": key.group(1),
                    "csrfmiddlewaretoken": csrf_token(page),
                },
            )
            match = re.match(r"/netvaerk/(\d+)/$", headers.get("Location", ""))
            if status == 302 and match:
                with self.ledger.lock:
                    self.ledger.networks.add(int(match.group(1)))


def log_in_everyone(port: int, seeded: dict) -> list[User]:
    """The users, logged in on the pages and with an API token (once: a password check is slow on
    purpose, and logging in is not what is measured)."""
    users = [
        User(port, name, list(seeded["networks"][name]), Ledger()) for name in sorted(seeded["networks"])
    ]

    def log_in(user: User) -> None:
        for _ in range(10):  # bounded: a login that keeps failing is retried a few times
            if user.log_in():
                return
            time.sleep(0.5)

    threads = [threading.Thread(target=log_in, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    ready = [user for user in users if user.token]
    if len(ready) != len(users):
        raise SystemExit(f"only {len(ready)} of {len(users)} users could log in")
    return users


def run_users(users: list[User], seconds: int, ledger: Ledger, *, during=None) -> None:
    """Every user doing journeys until the deadline; `during` runs alongside (the fault)."""
    deadline = time.monotonic() + seconds
    for user in users:
        user.ledger = ledger

    def journey(index: int, user: User) -> None:
        rng = random.Random(f"{index}-{seconds}")
        for _ in range(100_000):  # bounded; the deadline ends it long before
            if time.monotonic() >= deadline:
                break
            user.step(rng)
            time.sleep(rng.uniform(0.05, 0.3))

    threads = [threading.Thread(target=journey, args=(i, user)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    if during:
        during()
    for thread in threads:
        thread.join(timeout=seconds + 2 * REQUEST_TIMEOUT)


# --- Figures --------------------------------------------------------------------------------------


def summarise(results: list[Result], seconds: float) -> dict:
    timed = [r.seconds for r in results if 200 <= r.status < 400]
    return {
        "requests": len(results),
        "per_second": round(len(results) / seconds, 1) if seconds else 0,
        "p50_ms": round(percentile(timed, 0.50) * 1000),
        "p95_ms": round(percentile(timed, 0.95) * 1000),
        "p99_ms": round(percentile(timed, 0.99) * 1000),
        "server_errors": sum(1 for r in results if r.status >= 500),
        "no_answer": sum(1 for r in results if r.status == 0),
        "client_errors": sum(1 for r in results if 400 <= r.status < 500),
    }


def acknowledged_writes_missing(env: dict, ledger: Ledger) -> dict:
    code = """
from networks.models import Network, Participant
found_networks = set(Network.objects.filter(pk__in=NETWORKS).values_list("pk", flat=True))
found_participants = set(Participant.objects.filter(pk__in=PARTICIPANTS).values_list("pk", flat=True))
print(json.dumps({"networks": sorted(set(NETWORKS) - found_networks),
                  "participants": sorted(set(PARTICIPANTS) - found_participants)}))
"""
    out = django(code, env, NETWORKS=sorted(ledger.networks), PARTICIPANTS=sorted(ledger.participants))
    return json.loads(out.splitlines()[-1])


def race(port: int, seeded: dict, env: dict) -> dict:
    """RACERS members approve each case at the same moment: one 200, the rest 409, one decision."""
    tokens = []
    for i in range(1, RACERS + 1):
        member = User(port, f"df{i:02d}", [], Ledger())
        status, text, _ = member.request(
            "token",
            "POST",
            "/api/v1/auth/token/",
            {"username": member.username, "password": PASSWORD},
            {"Content-Type": "application/json"},
        )
        assert status == 200, (status, text)
        tokens.append(json.loads(text)["token"])
    outcome = {"cases": 0, "approved_once": 0, "statuses": {}}

    def approve(token: str, case: int, barrier: threading.Barrier, statuses: list[int]) -> None:
        user = User(port, "", [], Ledger())
        user.token = token
        barrier.wait(timeout=60)
        statuses.append(user.api("race", "POST", f"networks/{case}/transitions/", {"action": "approve"})[0])

    for case in seeded["cases"]:
        barrier = threading.Barrier(RACERS)
        statuses: list[int] = []
        threads = [
            threading.Thread(target=approve, args=(token, case, barrier, statuses)) for token in tokens
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        decisions = int(
            django(
                "from networks.models import Decision\n"
                "print(Decision.objects.filter(network_id=CASE).count())",
                env,
                CASE=case,
            ).strip()
        )
        outcome["cases"] += 1
        outcome["approved_once"] += int(decisions == 1 and statuses.count(200) == 1)
        for status in statuses:
            outcome["statuses"][str(status)] = outcome["statuses"].get(str(status), 0) + 1
    return outcome


def fault_phase(users: list[User], version: str) -> tuple[Ledger, dict]:
    ledger = Ledger()
    window = {}

    def restart() -> None:
        time.sleep(FAULT_SECONDS / 3)
        window["down"] = time.monotonic()
        log(f"restarting PostgreSQL {version}/{CLUSTER}")
        sh("pg_ctlcluster", version, CLUSTER, "restart")
        pg_ready()
        window["up"] = time.monotonic()
        log(f"PostgreSQL back after {window['up'] - window['down']:.1f} s")

    run_users(users, FAULT_SECONDS, ledger, during=restart)
    failures = sorted(
        (r for r in ledger.results if r.status == 0 or r.status >= 500), key=lambda r: r.started
    )
    down, up = window["down"], window["up"]
    # A request counts against the outage if it was under way while PostgreSQL was down.
    outside = [r for r in failures if r.started + r.seconds < down or r.started > up + RECOVERY_LIMIT]
    after = [r for r in ledger.results if r.started >= up]
    first_ok = next((r for r in sorted(after, key=lambda r: r.started) if 200 <= r.status < 400), None)
    last_failure = max((r.started + r.seconds for r in failures), default=down)
    return ledger, {
        "outage_s": round(up - down, 1),
        "errors_during_outage": len(failures) - len(outside),
        "errors_outside_outage": len(outside),
        "first_success_after_s": round(first_ok.started + first_ok.seconds - up, 2) if first_ok else None,
        "last_error_after_s": round(max(0.0, last_failure - up), 2),
        "error_statuses": sorted({r.status for r in failures}),
    }


def _writes_and_race(acked: dict, missing: dict, race_result: dict, phases: str = "") -> str:
    """The tables both reports end with: the acknowledged writes that survived, and the race."""
    lost = len(missing["networks"]) + len(missing["participants"])
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(race_result["statuses"].items()))
    return f"""| skrivninger kvitteret med 2xx{phases} | tal |
|---|---|
| netværk oprettet | {acked["networks"]} |
| deltagere tilføjet | {acked["participants"]} |
| mistet (findes ikke bagefter) | {lost} |

| kapløb: {RACERS} medlemmer af Direktørforum godkender samme sag samtidig | tal |
|---|---|
| sager | {race_result["cases"]} |
| sager med præcis én beslutning og ét 200-svar | {race_result["approved_once"]} |
| svar | {statuses} |"""


def report(
    load: dict, fault: dict, fault_load: dict, missing: dict, acked: dict, race_result: dict, version: str
) -> str:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    codes = ", ".join("intet svar" if code == 0 else str(code) for code in fault["error_statuses"]) or "–"
    return f"""Senest målt med `make loadtest` {today}: gunicorn (2 workers, DEBUG=0, HTTPS_ONLY=0) og
PostgreSQL {version} på 127.0.0.1, {USERS} samtidige brugere med blandede forløb (sider, registrering
via formularen, API'et læsende og skrivende).

| belastning | tal |
|---|---|
| varighed | {SECONDS} s |
| forespørgsler | {load["requests"]} ({load["per_second"]} pr. s) |
| svartid p50 / p95 / p99 | {load["p50_ms"]} / {load["p95_ms"]} / {load["p99_ms"]} ms |
| 5xx | {load["server_errors"]} |
| intet svar | {load["no_answer"]} |

| PostgreSQL genstartet midt i {FAULT_SECONDS} s belastning | tal |
|---|---|
| forespørgsler i alt | {fault_load["requests"]} |
| PostgreSQL nede (genstart) | {fault["outage_s"]} s |
| fejl mens PostgreSQL var nede (statuskoder) | {fault["errors_during_outage"]} ({codes}) |
| fejl uden for nedetiden | {fault["errors_outside_outage"]} |
| første korrekte svar efter genstarten | {fault["first_success_after_s"]} s |
| sidste fejl efter genstarten | {fault["last_error_after_s"]} s |
| appen genstartet | nej |

{_writes_and_race(acked, missing, race_result, " (begge faser)")}"""


def report_sqlite(
    users: int, seconds: int, load: dict, missing: dict, acked: dict, race_result: dict, version: str
) -> str:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    return f"""Senest målt med `make loadtest-sqlite` {today}: gunicorn (2 workers, DEBUG=0, HTTPS_ONLY=0) og
SQLite {version} (standarddatabasen, med appens indstillinger: WAL, skrivetransaktioner der venter
på tur), {users} samtidige brugere med de samme blandede forløb som ovenfor.

| belastning | tal |
|---|---|
| varighed | {seconds} s |
| forespørgsler | {load["requests"]} ({load["per_second"]} pr. s) |
| heraf skrivninger | {load["writes"]} |
| svartid p50 / p95 / p99 | {load["p50_ms"]} / {load["p95_ms"]} / {load["p99_ms"]} ms |
| 5xx | {load["server_errors"]} |
| intet svar | {load["no_answer"]} |

{_writes_and_race(acked, missing, race_result)}"""


# The journeys that write (a new network or participant); the rest read.
WRITES = ("api:create", "api:participant", "form:create")


def main_sqlite(users: int, seconds: int) -> int:
    """The short run on SQLite: load, acknowledged writes, race; figures between their markers."""
    import sqlite3

    (ROOT / "var").mkdir(exist_ok=True)
    database = ROOT / "var" / "loadtest.sqlite3"
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)
    env = app_env(f"sqlite:///{database}")
    seeded = prepare(env, users)
    with Server(
        env, free_port(), timeout=REQUEST_TIMEOUT, log_file=ROOT / "var" / "loadtest-gunicorn.log"
    ) as app:
        log(f"logging in {users} users")
        people = log_in_everyone(app.port, seeded)
        log(f"load: {users} users for {seconds} s against {HOST}:{app.port} on SQLite")
        steady = Ledger()
        started = time.monotonic()
        run_users(people, seconds, steady)
        load = summarise(steady.results, time.monotonic() - started)
        load["writes"] = sum(1 for r in steady.results if r.kind in WRITES)
        log(f"load: {load}")
        acked = {"networks": len(steady.networks), "participants": len(steady.participants)}
        missing = acknowledged_writes_missing(env, steady)
        log(f"acknowledged writes {acked}, missing {missing}")
        race_result = race(app.port, seeded, env)
        log(f"race: {race_result}")

    text = report_sqlite(users, seconds, load, missing, acked, race_result, sqlite3.sqlite_version)
    print(text)
    problems = []
    if load["server_errors"] or load["no_answer"]:
        problems.append("5xx or unanswered requests under load")
    if missing["networks"] or missing["participants"]:
        problems.append("acknowledged writes lost")
    if race_result["approved_once"] != race_result["cases"]:
        problems.append("a raced case did not get exactly one decision")
    if OUTPUT != "-":
        failed = "\n\n**Fejl:** " + "; ".join(problems) if problems else ""
        write_between(
            ROOT / OUTPUT,
            "<!-- figures:loadtest-sqlite -->",
            "<!-- /figures:loadtest-sqlite -->",
            text + failed,
        )
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    version = start_postgres()
    env = app_env()
    gunicorn = None
    try:
        seeded = prepare(env)
        gunicorn = Server(
            env, free_port(), timeout=REQUEST_TIMEOUT, log_file=ROOT / "var" / "loadtest-gunicorn.log"
        )
        gunicorn.wait_ready(30)
        port = gunicorn.port
        log(f"logging in {USERS} users")
        users = log_in_everyone(port, seeded)
        log(f"load: {USERS} users for {SECONDS} s against {HOST}:{port}")
        steady = Ledger()
        started = time.monotonic()
        run_users(users, SECONDS, steady)
        load = summarise(steady.results, time.monotonic() - started)
        log(f"load: {load}")
        log(f"fault: {USERS} users for {FAULT_SECONDS} s, PostgreSQL restarted after {FAULT_SECONDS // 3} s")
        started = time.monotonic()
        faulty, fault = fault_phase(users, version)
        fault_load = summarise(faulty.results, time.monotonic() - started)
        log(f"fault: {fault} {fault_load}")
        acked = {
            "networks": len(steady.networks | faulty.networks),
            "participants": len(steady.participants | faulty.participants),
        }
        merged = Ledger(
            networks=steady.networks | faulty.networks, participants=steady.participants | faulty.participants
        )
        missing = acknowledged_writes_missing(env, merged)
        log(f"acknowledged writes {acked}, missing {missing}")
        race_result = race(port, seeded, env)
        log(f"race: {race_result}")
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        stop_postgres(version)

    text = report(load, fault, fault_load, missing, acked, race_result, version)
    print(text)
    problems = []
    if load["server_errors"] or load["no_answer"]:
        problems.append("5xx or unanswered requests under load")
    if fault["errors_outside_outage"]:
        problems.append("errors outside the outage")
    if fault["first_success_after_s"] is None or fault["last_error_after_s"] > RECOVERY_LIMIT:
        problems.append("no recovery within the limit")
    if missing["networks"] or missing["participants"]:
        problems.append("acknowledged writes lost")
    if race_result["approved_once"] != race_result["cases"]:
        problems.append("a raced case did not get exactly one decision")
    if OUTPUT != "-":
        failed = "\n\n**Fejl:** " + "; ".join(problems) if problems else ""
        write_between(ROOT / OUTPUT, "<!-- figures:loadtest -->", "<!-- /figures:loadtest -->", text + failed)
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load, faults and a race against gunicorn on loopback; figures into docs/RELIABILITY.md "
        "(LOADTEST_OUTPUT=- only prints them).",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="a short run on the default SQLite database instead of PostgreSQL (no fault phase, no root)",
    )
    parser.add_argument("--users", type=int, default=20, help="with --sqlite: users at once (20)")
    parser.add_argument("--seconds", type=int, default=10, help="with --sqlite: seconds of load (10)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    raise SystemExit(main_sqlite(arguments.users, arguments.seconds) if arguments.sqlite else main())
