"""`make bench`: seed N = 100 and N = 10,000, serve the app with gunicorn on loopback, measure.

For each database (SQLite always; PostgreSQL when BENCH_POSTGRES_URL points at a reachable server)
and each N: a fresh database, `migrate`, `seed_scale --networks N`, the query count of each page
(bench/pages.py, in-process), then gunicorn (DEBUG=0, 2 workers) on 127.0.0.1 and, per page,
median and p95 latency of sequential requests — each also as a ratio to /healthz measured in the
same run — and requests/s with 8 concurrent clients. At the largest N: the mixed journeys, 50
clients for 60 s (BENCH_JOURNEY_SECONDS shortens it), and on PostgreSQL two gunicorn instances on
different ports with every client alternating between them, plus checks that a session, a
lockout, a write and the report's cached figures are the same on both.

Writes the tables into docs/PERFORMANCE.md (between the bench markers) and prints them.
All traffic goes to 127.0.0.1; every loop is bounded in count and in time.

Environment: BENCH_POSTGRES_URL (e.g. postgres://netvaerk:netvaerk@127.0.0.1:5432/netvaerk; the
role needs CREATEDB — databases named BENCH_DATABASE_PREFIX (bench_) + n<N> are created and
dropped), BENCH_SIZES (100,10000),
BENCH_JOURNEY_SECONDS (60), BENCH_JOURNEY_CLIENTS (50), BENCH_OUTPUT (docs/PERFORMANCE.md; "-" to
only print). Run as `python -m bench.run` from the project (as `make bench` does); the rig it
shares with `make loadtest` is bench/harness.py.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.harness import (
    FORM,
    ROOT,
    Server,
    Session,
    csrf_token,
    free_port,
    logger,
    manage,
    migrate,
    percentile,
    postgres_database,
    postgres_drop,
    postgres_reachable,
    postgres_version,
    python,
    server_env,
    write_between,
)

PASSWORD = "bench-adgang-" + "x" * 8
SEED = 1

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,10000").split(",")]
JOURNEY_SECONDS = float(os.environ.get("BENCH_JOURNEY_SECONDS", "60"))
JOURNEY_CLIENTS = int(os.environ.get("BENCH_JOURNEY_CLIENTS", "50"))
OUTPUT = os.environ.get("BENCH_OUTPUT", str(ROOT / "docs" / "PERFORMANCE.md"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "")
# The benchmark's own databases (created and dropped): a prefix of its own, so two checkouts
# benchmarking against the same server do not drop each other's.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")

# Sequential samples per page: at least MIN, up to MAX, until the page has used SECONDS.
SAMPLES_MIN, SAMPLES_MAX, SAMPLE_SECONDS = 5, 40, 5.0
CONCURRENCY, CONCURRENT_SECONDS, CONCURRENT_MAX = 8, 2.5, 400
REQUEST_TIMEOUT = 120

START, END = "<!-- bench:start -->", "<!-- bench:end -->"

log = logger("bench")


# --- Measuring --------------------------------------------------------------------------------


def make_a_change(database_url: str) -> None:
    """A write the report counts, as another user's would be: a copy of the latest status change
    (a new row raises the data's version; raw SQL, so no refresh is enqueued and the page itself
    meets the out-of-date figures, which is what a user viewing right after a change gets)."""
    copy = (
        "INSERT INTO networks_statuschange ({columns}) SELECT {columns} FROM networks_statuschange "
        "WHERE id = (SELECT MAX(id) FROM networks_statuschange)"
    )
    if database_url.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as connection:
            names = [
                c[0] for c in connection.execute("SELECT * FROM networks_statuschange LIMIT 0").description
            ]
            connection.execute(copy.format(columns=", ".join(n for n in names if n != "id")))
    else:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            names = [
                c.name for c in connection.execute("SELECT * FROM networks_statuschange LIMIT 0").description
            ]
            connection.execute(copy.format(columns=", ".join(n for n in names if n != "id")))


def measure_sequential(
    sessions: dict, port: int, pages: list[dict], database_url: str
) -> dict[str, list[float]]:
    """Latencies per page, round-robin over the pages so /healthz shares every page's conditions."""
    samples: dict[str, list[float]] = {page["name"]: [] for page in pages}
    spent = dict.fromkeys(samples, 0.0)
    for page in pages:  # warm each worker's caches (templates, translations, the report's figures)
        for _ in range(1 if page.get("cold") else 3):
            sessions[page["user"]].get(port, page["path"])
    for _ in range(SAMPLES_MAX):
        active = [
            p for p in pages if len(samples[p["name"]]) < SAMPLES_MIN or spent[p["name"]] < SAMPLE_SECONDS
        ]
        if not active:
            break
        for page in active:
            if page.get("cold"):
                make_a_change(database_url)
            status, _, seconds, _ = sessions[page["user"]].get(port, page["path"])
            if status != 200:
                raise RuntimeError(f"{page['path']} answered {status}")
            samples[page["name"]].append(seconds)
            spent[page["name"]] += seconds
    return samples


def measure_concurrent(sessions: dict, port: int, page: dict) -> float:
    """Requests per second with CONCURRENCY clients, each sending requests back to back."""
    deadline = time.monotonic() + CONCURRENT_SECONDS
    done, errors, lock = [0], [0], threading.Lock()
    session = sessions[page["user"]]

    def client():
        while time.monotonic() < deadline:
            with lock:
                if done[0] >= CONCURRENT_MAX:
                    return
            status = session.get(port, page["path"])[0]
            with lock:
                done[0] += 1
                errors[0] += status != 200

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + CONCURRENT_SECONDS)
    elapsed = time.monotonic() - started
    if errors[0]:
        raise RuntimeError(f"{errors[0]} failed requests to {page['path']} under load")
    return done[0] / elapsed


def logged_in_sessions(port: int, pages: list[dict]) -> dict:
    sessions = {None: Session(timeout=REQUEST_TIMEOUT)}
    for user in {page["user"] for page in pages if page["user"]}:
        session = Session(timeout=REQUEST_TIMEOUT)
        if session.login(port, user, PASSWORD) != 302:
            raise RuntimeError(f"login as {user} failed")
        sessions[user] = session
    return sessions


# --- The mixed journeys -----------------------------------------------------------------------


def journey_paths(persona: str, username: str, ids: dict, step: int) -> str:
    if persona == "leader":
        mine = ids["leaders"].get(username) or []
        choices = ["/", "/netvaerk/", "/api/v1/networks/?limit=25"]
        choices += [f"/netvaerk/{pk}/" for pk in mine[:3]]
    elif persona == "member":
        choices = ["/direktoerforum/", "/"] + [f"/direktoerforum/sag/{pk}/" for pk in ids["cases"][:5]]
    else:
        choices = ["/rapporter/", "/", "/netvaerk/?side=2", "/api/v1/networks/?limit=50&offset=100"]
    return choices[step % len(choices)]


def run_journeys(ports: list[int], ids: dict, seconds: float, clients: int) -> dict:
    """`clients` users at once for `seconds`; each request goes to the next server in `ports`."""
    personas = []
    for index in range(clients):
        if index % 10 < 7:
            personas.append(("leader", f"leder{index % 50 + 1:02d}"))
        elif index % 10 < 9:
            personas.append(("member", f"direktoer{index % 5 + 1:02d}"))
        else:
            personas.append(("administrator", f"administrator{index % 2 + 1:02d}"))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    max_requests = int(seconds * 400)

    # Everyone logs in before the clock starts: a login is a deliberately slow password hash, once
    # a working day, and 50 of them would take a third of a 60-second run's two cores.
    sessions: dict[int, Session] = {}

    def log_in(number: int, persona: str, username: str):
        session = Session(timeout=REQUEST_TIMEOUT)
        if session.login(ports[number % len(ports)], username, PASSWORD) == 302:
            sessions[number] = session
        else:
            with lock:
                statuses[-1] = statuses.get(-1, 0) + 1

    logins = [threading.Thread(target=log_in, args=(n, *p)) for n, p in enumerate(personas)]
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join(timeout=REQUEST_TIMEOUT)
    deadline = time.monotonic() + seconds

    def user(number: int, persona: str, username: str):
        session = sessions.get(number)
        if session is None:
            return
        step = number  # spread the users over their pages
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) >= max_requests:
                    return
            port = ports[step % len(ports)]
            try:
                status, _, elapsed, _ = session.get(port, journey_paths(persona, username, ids, step))
            except OSError:
                status, elapsed = 599, 0.0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(elapsed)
            step += 1

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n, *p)) for n, p in enumerate(personas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    elapsed = time.monotonic() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "servers": len(ports),
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "median": statistics.median(latencies) if latencies else None,
        "p95": percentile(latencies, 0.95) if latencies else None,
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        # Anything but 200 is a sign a server did not know the session (302 to login) or failed.
        "not_ok": sum(n for s, n in statuses.items() if s != 200),
    }


def scale_out_checks(env: dict, ports: list[int], ids: dict) -> list[tuple[str, bool, str]]:
    """What two app servers must agree on: sessions, login lockouts, writes, the report's figures."""
    a, b = ports
    checks = []
    session = Session(timeout=REQUEST_TIMEOUT)
    session.login(a, "administrator02", PASSWORD)
    status = session.get(b, "/rapporter/")[0]
    checks.append(("Logget ind på A, side på B", status == 200, f"B svarede {status}"))

    stranger = Session(timeout=REQUEST_TIMEOUT)
    for attempt in range(6):
        stranger.login((a, b)[attempt % 2], "leder50", password="forkert-adgangskode")
    locked = Session(timeout=REQUEST_TIMEOUT).login(b, "leder50", PASSWORD) != 302
    checks.append(("5 forkerte logins skiftevis på A og B spærrer på begge", locked, f"spærret: {locked}"))

    report_before = session.get(b, "/rapporter/")[1]
    draft = ids.get("draft")
    if draft:
        pk, username = draft
        leader = Session(timeout=REQUEST_TIMEOUT)
        leader.login(a, username, PASSWORD)
        form_page = leader.get(a, f"/netvaerk/{pk}/deltagere/ny/")[1]
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf_token(form_page),
                "name": "Bench Skalering",
                "email": "bench.skalering@example.com",
                "actor_category": "employee",
                "role": "core",
            }
        ).encode()
        status = leader.request(a, "POST", f"/netvaerk/{pk}/deltagere/ny/", body=body, headers=FORM)[0]
        seen = b"Bench Skalering" in leader.get(b, f"/netvaerk/{pk}/")[1]
        checks.append(
            ("Deltager tilføjet på A ses på B", status == 302 and seen, f"POST {status}, set: {seen}")
        )
        # The report's figures are refreshed by the task worker after a write; run it as the worker would.
        python(env, "-m", "bench.refresh", timeout=600)
        report_after = session.get(b, "/rapporter/")[1]
        changed = report_before != report_after
        checks.append(("Rapportens tal på B følger ændringen på A", changed, f"ændret: {changed}"))
    return checks


# --- One database, one N ----------------------------------------------------------------------


def measure(env: dict, backend: str, size: int, journeys: bool, two_servers: bool) -> dict:
    log(f"{backend} N={size}: migrate")
    migrate(env)
    log(f"{backend} N={size}: seed_scale")
    started = time.monotonic()
    manage(
        env, "seed_scale", "--networks", str(size), "--seed", str(SEED), "--password", PASSWORD, timeout=600
    )
    seeded = time.monotonic() - started
    log(f"{backend} N={size}: seeded in {seeded:.1f} s; query counts")
    inproc = json.loads(python(env, "-m", "bench.pages", timeout=600))
    pages = inproc["pages"]
    result = {
        "backend": backend,
        "size": size,
        "seed_seconds": seeded,
        "pages": {},
        "queries": inproc["queries"],
    }
    port = free_port()
    with Server(env, port, timeout=REQUEST_TIMEOUT):
        sessions = logged_in_sessions(port, pages)
        log(f"{backend} N={size}: sequential latencies")
        samples = measure_sequential(sessions, port, pages, env["DATABASE_URL"])
        for page in pages:
            rps = None
            if not page.get("cold"):
                log(f"{backend} N={size}: {CONCURRENCY} concurrent clients on {page['path']}")
                rps = measure_concurrent(sessions, port, page)
            values = samples[page["name"]]
            result["pages"][page["name"]] = {
                "label": page["label"],
                "path": page["path"],
                "n": len(values),
                "median": statistics.median(values),
                "p95": percentile(values, 0.95),
                "rps": rps,
            }
        if journeys and not two_servers:
            log(f"{backend} N={size}: mixed journeys, {JOURNEY_CLIENTS} clients, {JOURNEY_SECONDS:.0f} s")
            result["journeys"] = run_journeys([port], inproc["journey"], JOURNEY_SECONDS, JOURNEY_CLIENTS)
    if journeys and two_servers:
        ports = [free_port(), free_port()]
        with Server(env, ports[0], timeout=REQUEST_TIMEOUT), Server(env, ports[1], timeout=REQUEST_TIMEOUT):
            log(f"{backend} N={size}: mixed journeys on two servers, {JOURNEY_CLIENTS} clients")
            result["journeys"] = run_journeys(ports, inproc["journey"], JOURNEY_SECONDS, JOURNEY_CLIENTS)
            log(f"{backend} N={size}: scale-out checks")
            result["scale_out"] = scale_out_checks(env, ports, inproc["journey"])
    return result


# --- Output -----------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    import django

    return (
        f"{cpu}, {os.cpu_count()} kerner, {memory} RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, SQLite {sqlite3.sqlite_version}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


PAGE_TARGETS = {
    "dashboard": 10,
    "dashboard_busiest": 10,
    "network": 12,
    "queue": 12,
    "queue_decided": 12,
    "report": 12,
    "api": 8,
}
# The report's first view after a change has a target in seconds: it serves the latest computed
# figures at once while they are refreshed in the background.
SECONDS_TARGETS = {"csv": 3.0, "report_cold": 0.3}
GROWTH_TARGET = 1.2
# Rows whose growth with N is expected: the export of every network has a target in seconds.
INFORMATIVE = {"csv": "alle N rækker; mål < 3 s"}


def tables(results: list[dict], postgres_version: str) -> str:
    if not results:
        return "Ingen målinger.\n"
    lines = [
        f"Kørt {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} på {machine()}"
        + (f"; {postgres_version}" if postgres_version else "")
        + ".",
        "",
        "Ratio = sidens tid / `/healthz`s tid i samme kørsel. Forespørgsler = SQL-forespørgsler for én "
        "varm forespørgsel (Djangos testklient i processen). req/s = med 8 samtidige klienter.",
        "",
    ]
    for result in results:
        health = result["pages"]["healthz"]
        lines += [
            f"### {result['backend']}, N = {result['size']:,}".replace(",", "."),
            "",
            f"seed_scale: {result['seed_seconds']:.1f} s.",
            "",
            "| side | median ms | p95 ms | median / healthz | p95 / healthz | forespørgsler | req/s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, page in result["pages"].items():
            ratio = page["median"] / health["median"]
            target = PAGE_TARGETS.get(name)
            mark = "" if target is None else (" ✔" if ratio <= target else f" ✘ (mål ≤ {target})")
            if name in SECONDS_TARGETS:
                limit = SECONDS_TARGETS[name]
                mark = " ✔" if page["median"] <= limit else f" ✘ (mål ≤ {limit:g} s)".replace(".", ",")
            lines.append(
                f"| {page['label']} | {ms(page['median'])} | {ms(page['p95'])} | {ratio:.1f}{mark} | "
                f"{page['p95'] / health['p95']:.1f} | {result['queries'][name]} | "
                f"{'–' if page['rps'] is None else format(page['rps'], '.1f')} |"
            )
        lines.append("")
        journeys = result.get("journeys")
        if journeys:
            lines.append(
                f"Blandede forløb: {journeys['clients']} samtidige brugere i {journeys['seconds']} s på "
                f"{journeys['servers']} gunicorn-instans(er): {journeys['requests']} forespørgsler, "
                f"{journeys['rps']:.1f} req/s, median {ms(journeys['median'] or 0)} ms, p95 "
                f"{ms(journeys['p95'] or 0)} ms, 5xx: {journeys['server_errors']}, statuskoder: "
                f"{journeys['statuses']}."
            )
            lines.append("")
        for label, ok, detail in result.get("scale_out", []):
            lines.append(f"- {'✔' if ok else '✘'} {label} ({detail})")
        if result.get("scale_out"):
            lines.append("")
    by_key = {(r["backend"], r["size"]): r for r in results}
    backends = list(dict.fromkeys(r["backend"] for r in results))
    if len(SIZES) >= 2:
        small, large = min(SIZES), max(SIZES)
        lines += [
            f"### Vækst: t(N = {large:,}) / t(N = {small:,}) (mål ≤ 1,2) og forespørgsler".replace(",", "."),
            "",
            "| side | " + " | ".join(f"{b}: median-vækst | {b}: forespørgsler" for b in backends) + " |",
            "|---|" + "---:|---:|" * len(backends),
        ]
        names = list(results[0]["pages"])
        for name in names:
            cells = []
            for backend in backends:
                low, high = by_key.get((backend, small)), by_key.get((backend, large))
                if not (low and high):
                    cells += ["–", "–"]
                    continue
                growth = high["pages"][name]["median"] / low["pages"][name]["median"]
                queries_low, queries_high = low["queries"][name], high["queries"][name]
                same = queries_low == queries_high and queries_high <= 12
                if name in INFORMATIVE:
                    # Not a page a user waits for each time: its own target, or none.
                    cells += [f"{growth:.2f} ({INFORMATIVE[name]})", f"{queries_low} → {queries_high}"]
                    continue
                cells += [
                    f"{growth:.2f}{' ✔' if growth <= GROWTH_TARGET else ' ✘'}",
                    f"{queries_low} → {queries_high}{' ✔' if same else ' ✘'}",
                ]
            lines.append(f"| {results[0]['pages'][name]['label']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write(text: str) -> None:
    if OUTPUT == "-":
        return
    write_between(Path(OUTPUT), START, END, text, new_doc="# Ydeevne\n\nResultatet af `make bench`:\n")
    log(f"wrote {OUTPUT}")


def main() -> None:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="netvaerk-bench-"))
    base = server_env(
        dict(os.environ),
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(workdir / "static"),
        SECURITY_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    base.pop("DATABASE_URL", None)
    results, failures, version = [], [], ""
    try:
        log("collectstatic")
        manage(
            {**base, "DATABASE_URL": f"sqlite:///{workdir / 'static.sqlite3'}"},
            "collectstatic",
            "--no-input",
            "-v0",
        )
        backends = [("SQLite", None)]
        if postgres_reachable(POSTGRES_URL, log):
            backends.append(("PostgreSQL", POSTGRES_URL))
        else:
            log("measuring SQLite only")
        for backend, server_url in backends:
            for size in SIZES:
                name = f"{DATABASE_PREFIX}n{size}"
                if server_url:
                    url = postgres_database(server_url, name)
                    version = version or postgres_version(url)
                else:
                    url = f"sqlite:///{workdir / (name + '.sqlite3')}"
                try:
                    results.append(
                        measure(
                            {**base, "DATABASE_URL": url},
                            backend,
                            size,
                            journeys=size == max(SIZES),
                            two_servers=server_url is not None,
                        )
                    )
                except Exception as exc:  # noqa: BLE001 - report it and measure the rest
                    log(f"{backend} N={size} failed: {exc}")
                    failures.append(f"{backend}, N = {size}: {exc}")
                finally:
                    if server_url:
                        postgres_drop(server_url, name)
        text = tables(results, version)
        for failure in failures:
            text += f"\n**Ikke målt** – {failure}\n"
        text += f"\n`make bench` tog {time.monotonic() - started:.0f} s.\n"
        print(text)
        write(text)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
