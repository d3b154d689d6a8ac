"""The files in deploy/ stay true to the app: the units run commands that exist, the environment
example names every setting settings.py reads, and nginx forwards what the app trusts."""

import ast
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from networks import csv_import

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
SERVICES = sorted(DEPLOY.glob("*.service"))
NGINX = (DEPLOY / "nginx" / "netvaerk.conf").read_text()


def service_settings(path: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    section = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        assert "=" in line, f"{path.name}: not a setting: {line!r}"
        if section == "[Service]":
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def test_units_are_the_expected_set():
    assert {path.name for path in UNITS} == {
        "netvaerk-web@.service",
        "netvaerk-worker.service",
        "netvaerk-migrate.service",
        "netvaerk-reminders.service",
        "netvaerk-reminders.timer",
    }


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.name)
def test_every_service_runs_as_netvaerk_from_the_environment_file_with_hardening(path):
    values = service_settings(path)
    assert values["User"] == ["netvaerk"]
    assert values["EnvironmentFile"] == ["/etc/netvaerk/netvaerk.env"]
    assert values["WorkingDirectory"] == ["/opt/netvaerk"]
    for option in ("NoNewPrivileges", "PrivateTmp"):
        assert values[option] == ["true"], option
    assert values["ProtectSystem"] == ["strict"]
    assert values["ReadWritePaths"] == ["/opt/netvaerk/var"]


def exec_starts():
    for path in SERVICES:
        for line in service_settings(path)["ExecStart"]:
            yield pytest.param(path.name, shlex.split(line), id=f"{path.name}: {line.split('/')[-1]}")


# The task worker's command comes with django-tasks-db; until that app is installed it cannot exist.
WORKER_APP_INSTALLED = "django_tasks_db" in settings.INSTALLED_APPS


@pytest.mark.parametrize(("unit", "argv"), list(exec_starts()))
def test_every_exec_start_is_gunicorn_or_an_existing_manage_py_command(unit, argv, request):
    program = argv[0]
    assert program.startswith("/opt/netvaerk/.venv/bin/"), program
    if program.endswith("/gunicorn"):
        assert argv[1] == "netvaerk_site.wsgi"
        assert "--bind" in argv and argv[argv.index("--bind") + 1] == "127.0.0.1:%i"
        assert argv[argv.index("--worker-class") + 1] == "gthread"
        return
    assert program.endswith("/python") and argv[1] == "manage.py", argv
    if argv[2] == "db_worker" and not WORKER_APP_INSTALLED:
        request.applymarker(pytest.mark.xfail(strict=True, reason="django_tasks_db is not installed"))
    assert argv[2] in get_commands(), f"{unit}: manage.py {argv[2]} does not exist"


def test_reminders_run_daily_and_catch_up_after_downtime():
    timer = (DEPLOY / "netvaerk-reminders.timer").read_text()
    assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:\d\d$", timer, re.M)
    assert re.search(r"^Persistent=true$", timer, re.M)
    assert re.search(r"^Unit=netvaerk-reminders.service$", timer, re.M)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_passes_with_the_paths_of_this_checkout(tmp_path):
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/netvaerk", str(REPO)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(path) for path in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def settings_environment_variables() -> set[str]:
    """Every name settings.py reads: os.environ.get("X"), os.environ["X"], env_bool/env_list("X")."""
    tree = ast.parse((REPO / "netvaerk_site" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = ast.unparse(node.func)
            if function in {"os.environ.get", "os.getenv", "env_bool", "env_list", "env_int"}:
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.literal_eval(node.slice))
    return names


def test_the_environment_example_lists_every_setting_the_app_reads():
    example = (DEPLOY / "netvaerk.env.example").read_text()
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.M))
    read = settings_environment_variables()
    assert "SECRET_KEY" in read and "DATABASE_URL" not in read  # dj-database-url reads it itself
    assert read - listed == set()
    assert "DATABASE_URL" in listed


def test_the_environment_example_explains_each_setting_with_its_default():
    lines = (DEPLOY / "netvaerk.env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            comment = "\n".join(lines[max(0, index - 3) : index])
            assert line.split("=")[0] in comment and "standard" in comment.lower(), line


def test_nginx_forwards_what_the_app_trusts():
    # settings.py: SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") under HTTPS_ONLY.
    assert "proxy_set_header X-Forwarded-Proto https;" in NGINX
    assert "proxy_set_header Host $host;" in NGINX
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX


def test_nginx_upstream_is_the_two_web_instances():
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=\d+", NGINX) == ["8001", "8002"]
    assert "proxy_next_upstream error timeout;" in NGINX


def test_nginx_accepts_the_largest_body_the_app_accepts():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", NGINX).group(1))
    assert megabytes * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert megabytes * 1024 * 1024 > csv_import.MAX_BYTES


def test_nginx_serves_static_files_from_static_root_and_keeps_hsts_and_tls_modern():
    assert f"alias /opt/netvaerk/{Path(settings.STATIC_ROOT).relative_to(REPO)}/;" in NGINX
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in NGINX
    hsts = "max-age=31536000; includeSubDomains; preload"
    assert f'add_header Strict-Transport-Security "{hsts}" always;' in NGINX
    assert "return 301 https://$host$request_uri;" in NGINX
    assert re.search(r"location = /healthz \{\s*access_log off;", NGINX)
