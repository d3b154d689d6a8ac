"""`make audit`: the supply chain and the code, checked, and said plainly what was not.

- bandit on the app's own code (networks/, netvaerk_site/; not the migrations, not the tests):
  any finding of medium or high severity fails, unless its line carries a `# nosec` comment
  saying why it is safe.
- pip-audit on every package installed from the pinned requirements (the virtualenv, so the
  dependencies' dependencies too): a known vulnerability fails.

pip-audit needs a vulnerability service (PyPI's JSON API per release, or OSV). Where it cannot
reach one, pip-audit itself reports "No known vulnerabilities found" while it skipped every
package. This script counts what was really checked: packages it could not check are listed as
NOT CHECKED, loudly, and never counted as a pass. AUDIT_STRICT=1 (for a machine with the internet)
makes an unchecked package fail the run too.

With RELIABILITY_FIGURES=1 (.ci/run) the outcome is written into docs/RELIABILITY.md.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STRICT = os.environ.get("AUDIT_STRICT") == "1"


def bandit() -> dict:
    result = subprocess.run(
        [
            str(BIN / "bandit"),
            "-r",
            "networks",
            "netvaerk_site",
            "-x",
            "networks/migrations",
            "-f",
            "json",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    findings = report["results"]
    serious = [f for f in findings if f["issue_severity"] in ("MEDIUM", "HIGH")]
    totals = report["metrics"]["_totals"]
    return {
        "serious": serious,
        "low": len(findings) - len(serious),
        "lines": totals["loc"],
        "nosec": totals.get("nosec", 0) + totals.get("skipped_tests", 0),
    }


def pip_audit(service: str = "pypi") -> dict:
    command = [str(BIN / "pip-audit"), "--vulnerability-service", service, "--format", "json"]
    result = subprocess.run(
        [*command, "--progress-spinner", "off"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        # No report at all: the service or the index could not be reached.
        lines = (result.stderr or result.stdout).strip().splitlines()
        return {"error": " ".join(lines[-2:])[-400:], "checked": [], "skipped": [], "vulns": []}
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    checked = [d for d in dependencies if not d.get("skip_reason")]
    vulns = [(d["name"], d["version"], v["id"]) for d in checked for v in d.get("vulns", [])]
    return {"error": "", "checked": checked, "skipped": skipped, "vulns": vulns}


def markdown(found_bandit: dict, found_pip: dict) -> str:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    checked, skipped = found_pip["checked"], found_pip["skipped"]
    lines = [
        f"Senest kørt af `make audit` {today}.",
        "",
        "| kontrol | resultat |",
        "|---|---|",
        f"| bandit: linjer kode i networks/ og netvaerk_site/ | {found_bandit['lines']} |",
        f"| bandit: fund af middel eller høj alvor | {len(found_bandit['serious'])} |",
        f"| bandit: fund af lav alvor (til orientering) | {found_bandit['low']} |",
        f"| pip-audit: pakker kontrolleret mod en sårbarhedsdatabase | {len(checked)} |",
        f"| pip-audit: kendte sårbarheder i de kontrollerede | {len(found_pip['vulns'])} |",
        f"| pip-audit: pakker **ikke** kontrolleret | {len(skipped) if not found_pip['error'] else 'alle'} |",
    ]
    for finding in found_bandit["serious"]:
        lines.append(
            f"| bandit: {finding['issue_severity'].lower()} {finding['test_id']} i "
            f"`{finding['filename']}:{finding['line_number']}` | {finding['issue_text']} |"
        )
    if skipped or found_pip["error"]:
        reason = found_pip["error"] or skipped[0]["skip_reason"]
        lines += [
            "",
            "**Ikke kontrolleret:** pip-audit kunne ikke nå en sårbarhedstjeneste fra denne maskine "
            f'(«{reason}»). At pip-audit selv skriver "No known vulnerabilities found", er derfor '
            "ikke et resultat. Kør `AUDIT_STRICT=1 make audit` på en maskine med adgang til "
            "pypi.org/pypi/<pakke>/<version>/json eller api.osv.dev.",
        ]
        if found_pip.get("osv"):
            unresolved = re.search(r"Failed to resolve '([^']+)'", found_pip["osv"])
            why = f"navnet {unresolved.group(1)} kan ikke slås op" if unresolved else found_pip["osv"][-160:]
            lines.append(f"OSV blev også prøvet: {why}.")
    return "\n".join(lines)


def main() -> int:
    failed = False
    print("== bandit (networks/, netvaerk_site/)")
    found_bandit = bandit()
    for finding in found_bandit["serious"]:
        where = f"{finding['filename']}:{finding['line_number']}"
        print(f"  {finding['issue_severity']} {finding['test_id']} {where}: {finding['issue_text']}")
    print(
        f"  {len(found_bandit['serious'])} medium/high, {found_bandit['low']} low, "
        f"{found_bandit['lines']} lines scanned"
    )
    failed |= bool(found_bandit["serious"])

    print("== pip-audit (every package in the virtualenv, pinned by requirements*.txt)")
    found_pip = pip_audit("pypi")
    if not found_pip["checked"]:
        # PyPI's per-release JSON is out of reach; OSV is the other service pip-audit knows.
        print("  PyPI's vulnerability data could not be read; trying OSV (api.osv.dev)")
        from_osv = pip_audit("osv")
        if from_osv["checked"]:
            found_pip = from_osv
        else:
            found_pip["osv"] = from_osv["error"] or "every package skipped"
    for name, version, vuln in found_pip["vulns"]:
        print(f"  VULNERABLE {name} {version}: {vuln}")
    failed |= bool(found_pip["vulns"])
    unchecked = found_pip["error"] or found_pip["skipped"]
    print(f"  checked against a vulnerability database: {len(found_pip['checked'])} packages")
    if unchecked:
        print("  " + "!" * 76)
        if found_pip["error"]:
            print(f"  NOT CHECKED: pip-audit gave no report: {found_pip['error']}")
        else:
            print(f"  NOT CHECKED: {len(found_pip['skipped'])} packages; pip-audit could not look them up:")
            print(f"    {found_pip['skipped'][0]['skip_reason']}")
            if found_pip.get("osv"):
                print(f"    OSV: {found_pip['osv']}")
            print("    " + ", ".join(d["name"] for d in found_pip["skipped"]))
        print("  No vulnerability service was reachable: this is NOT a pass for these packages.")
        print("  " + "!" * 76)
        failed |= STRICT

    if os.environ.get("RELIABILITY_FIGURES") == "1":
        sys.path.insert(0, str(ROOT))
        from tests.security.figures import write_section

        write_section("audit", markdown(found_bandit, found_pip))
    print(
        "== audit "
        + ("FAILED" if failed else "done" + (" (with packages NOT CHECKED, see above)" if unchecked else ""))
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
