"""`make audit` (.ci/audit.py) fails on a real finding and never reports an unchecked package as a
pass. The tools' answers are stood in for here; `make audit` itself runs them for real."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("ci_audit", AUDIT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("RELIABILITY_FIGURES", raising=False)
    return module


def bandit_report(*severities):
    return {
        "results": [
            {
                "issue_severity": s,
                "test_id": "B000",
                "filename": "networks/x.py",
                "line_number": 1,
                "issue_text": "x",
            }
            for s in severities
        ],
        "metrics": {"_totals": {"loc": 100, "nosec": 0}},
    }


def answer(monkeypatch, audit, *, bandit=(), pip=None, pip_text=None):
    def run(command, **kwargs):
        if command[0].endswith("bandit"):
            return subprocess.CompletedProcess(command, 0, json.dumps(bandit_report(*bandit)), "")
        text = pip_text if pip_text is not None else json.dumps(pip)
        return subprocess.CompletedProcess(command, 1, text, "ConnectionError: no route")

    monkeypatch.setattr(audit.subprocess, "run", run)


CHECKED = {"name": "django", "version": "5.2.19", "vulns": []}
SKIPPED = {
    "name": "django",
    "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)",
}


def test_all_checked_and_clean_passes(monkeypatch, audit, capsys):
    answer(monkeypatch, audit, bandit=("LOW",), pip={"dependencies": [CHECKED]})
    assert audit.main() == 0
    assert "NOT CHECKED" not in capsys.readouterr().out


def test_a_known_vulnerability_fails(monkeypatch, audit, capsys):
    vulnerable = {**CHECKED, "vulns": [{"id": "PYSEC-2099-1"}]}
    answer(monkeypatch, audit, pip={"dependencies": [vulnerable]})
    assert audit.main() == 1
    assert "VULNERABLE django 5.2.19: PYSEC-2099-1" in capsys.readouterr().out


def test_a_medium_bandit_finding_fails(monkeypatch, audit):
    answer(monkeypatch, audit, bandit=("MEDIUM",), pip={"dependencies": [CHECKED]})
    assert audit.main() == 1


def test_skipped_packages_are_reported_as_not_checked_never_as_a_pass(monkeypatch, audit, capsys):
    answer(monkeypatch, audit, pip={"dependencies": [SKIPPED]})
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "NOT CHECKED: 1 packages" in out and "this is NOT a pass" in out
    assert "checked against a vulnerability database: 0 packages" in out


def test_no_report_at_all_is_not_checked_either(monkeypatch, audit, capsys):
    answer(monkeypatch, audit, pip_text="")
    assert audit.main() == 0
    assert "NOT CHECKED: pip-audit gave no report" in capsys.readouterr().out


def test_strict_mode_fails_on_unchecked_packages(monkeypatch, audit):
    monkeypatch.setattr(audit, "STRICT", True)
    answer(monkeypatch, audit, pip={"dependencies": [SKIPPED]})
    assert audit.main() == 1


def test_the_written_figures_say_what_was_not_checked(monkeypatch, audit):
    found = {
        "checked": [],
        "skipped": [SKIPPED],
        "vulns": [],
        "error": "",
        "osv": "Name or service not known",
    }
    text = audit.markdown({"serious": [], "low": 2, "lines": 100}, found)
    assert "| pip-audit: pakker **ikke** kontrolleret | 1 |" in text
    assert "er derfor ikke et resultat" in text and "OSV" in text
