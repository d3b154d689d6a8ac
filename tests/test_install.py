"""What a newcomer meets before the app runs: the Makefile's Python check and its .venv, and an
install from requirements.txt that needs no build step."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def fake_python(path: Path, version: str) -> Path:
    """A `python` that answers the Makefile's two questions as Python `version` would."""
    major, minor = (int(part) for part in version.split(".")[:2])
    path.write_text(
        "#!/bin/sh\n"
        f'case "$*" in\n'
        f"  *platform*) echo {version} ;;\n"
        f"  *version_info*) echo {(major, minor) >= (3, 11)} ;;\n"
        f'  *) echo "{version} (fake)" ;;\n'
        "esac\n"
    )
    path.chmod(0o755)
    return path


def make(directory: Path, *args: str, python: Path | None = None) -> subprocess.CompletedProcess:
    command = ["make", "-n", "-C", str(directory), *args]
    if python:
        command.append(f"PYTHON={python}")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.fixture
def project(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_an_old_python_is_refused_in_one_line_before_anything_else(project):
    result = make(project, "run", python=fake_python(project / "python3.9", "3.9.18"))
    assert result.returncode != 0
    message = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(message) == 1
    assert "Netværk kræver Python 3.11 eller nyere; " in message[0]
    assert "er 3.9.18. Sæt fx PYTHON=python3.11" in message[0]
    assert not (project / ".venv").exists()


def test_a_missing_python_is_named(project):
    result = make(project, "test", python=project / "findes-ikke")
    assert "er ikke fundet" in result.stderr


def test_a_venv_made_by_another_python_is_made_again(project):
    old = project / ".venv" / "bin"
    old.mkdir(parents=True)
    fake_python(old / "python", "3.9.18")
    (old / ".installed").touch()
    result = make(project, "lint", python=Path(sys.executable))
    assert result.returncode == 0, result.stderr
    assert not (project / ".venv").exists()
    assert f"{sys.executable} -m venv .venv" in result.stdout


def test_make_run_points_links_at_its_own_port(project):
    result = make(project, "run", "PORT=8123", python=Path(sys.executable))
    assert result.returncode == 0, result.stderr
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123} DEBUG=1 " in result.stdout


def test_nothing_needs_a_build_constraint():
    assert not (ROOT / "build-constraints.txt").exists()
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", ".ci/run"):
        assert "PIP_CONSTRAINT" not in (ROOT / name).read_text(), name
        assert "XStatic" not in (ROOT / name).read_text(), name
