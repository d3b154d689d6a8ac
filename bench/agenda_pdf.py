"""How long Direktørforum's agenda PDF takes for the worst case the API lets in, in one process.

    .venv/bin/python -m bench.agenda_pdf

One case with each free-text field (purpose, strategy, mandate) at the API's limit, shaped three
ways (a line break after every character, one word without spaces, ordinary words), and 100
participants with names and organisations of the model's longest. The case is built in memory, so
nothing touches a database; the figure goes in docs/RELIABILITY.md by hand. A timing, so never a test.
"""

from __future__ import annotations

import datetime
import os
import time
from types import SimpleNamespace

SHAPES = {
    "line breaks": lambda length: "x\n" * (length // 2),
    "no spaces": lambda length: "x" * length,
    "words": lambda length: "ord " * (length // 4),
}


class _Participant(SimpleNamespace):
    def get_actor_category_display(self) -> str:
        return "Interesseorganisation"

    def get_role_display(self) -> str:
        return "Kernedeltager"


class _Participants:
    def __init__(self, people):
        self.people = people

    def all(self):
        return self.people


def worst_case(text: str, longest_name: int):
    leader = SimpleNamespace(get_full_name=lambda: "Lene Leder", get_username=lambda: "leder")
    people = [
        _Participant(
            name=f"{i:03d}" + "M" * (longest_name - 3), organisation="W" * longest_name, left_on=None
        )
        for i in range(100)
    ]
    return SimpleNamespace(
        pk=1,
        title="T" * 200,
        theme="t" * 200,
        purpose=text,
        strategy_reference=text,
        mandate=text,
        planned_start=None,
        planned_end=None,
        submission_round=1,
        leader=leader,
        participants=_Participants(people),
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netvaerk_site.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.utils import translation

    from networks import agenda_pdf
    from networks.api.serializers import TEXT_MAX_LENGTH
    from networks.models import Participant

    translation.activate("da")
    today = datetime.date(2027, 1, 20)
    longest_name = Participant._meta.get_field("name").max_length
    agenda_pdf.render([{"network": worst_case("", 10), "findings": [], "days_waiting": 1}], today=today)
    for shape, make in SHAPES.items():
        network = worst_case(make(TEXT_MAX_LENGTH), longest_name)
        rows = [{"network": network, "findings": [], "days_waiting": 1}]
        start = time.perf_counter()
        content = agenda_pdf.render(rows, today=today)
        print(f"{shape:12} {time.perf_counter() - start:6.2f} s  {len(content):7d} bytes")


if __name__ == "__main__":
    main()
