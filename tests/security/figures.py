"""The figures the security and reliability tests produce, and writing them into docs/RELIABILITY.md.

Each test records what it tried (`record`); the run's summary prints them, and `.ci/run`
(RELIABILITY_FIGURES=1) writes them between markers in docs/RELIABILITY.md, replacing the previous
run's. `make loadtest` and `make audit` write their own sections the same way.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path

from bench.harness import write_between

DOC = Path(__file__).resolve().parents[2] / "docs" / "RELIABILITY.md"

_figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

LABELS = {
    "matrix": "Adgangsmatrix",
    "csrf": "POST uden CSRF-token",
    "fuzz_forms": "Tilfældige input til formularer",
    "fuzz_api": "Tilfældige input til API'ets skriveendepunkter",
    "outputs": "Vilkårlig gemt tekst gennem hvert output (sider, udtræk, kalender, API, e-mail, PDF)",
}
ORDER = list(LABELS)
NAMES = {
    "routes": "URL-mønstre",
    "requests": "forespørgsler",
    "unexpected": "uventede udfald",
    "forms": "formularer",
    "endpoints": "endepunkter med metode",
    "inputs": "input prøvet",
    "outputs": "output",
}


def record(group: str, **counts: int) -> None:
    for name, value in counts.items():
        _figures[group][name] += value


def summary_lines() -> list[str]:
    return [
        f"{LABELS.get(group, group)}: " + ", ".join(f"{name}={value}" for name, value in values.items())
        for group, values in sorted(_figures.items())
    ]


def markdown(engine: str) -> str:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    lines = [
        f"Senest skrevet af testsuiten på **{engine}** {today}:",
        "",
        "| måling | tal |",
        "|---|---|",
    ]
    groups = sorted(_figures.items(), key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else 99)
    for group, values in groups:
        for name, value in values.items():
            lines.append(f"| {LABELS.get(group, group)}: {NAMES.get(name, name)} | {value} |")
    return "\n".join(lines)


def write_section(name: str, text: str, doc: Path = DOC) -> None:
    """Replace the text between `<!-- figures:name -->` and `<!-- /figures:name -->` in the doc
    (appending the markers at the end if they are not there yet), as `make loadtest` does."""
    write_between(doc, f"<!-- figures:{name} -->", f"<!-- /figures:{name} -->", text.strip())
