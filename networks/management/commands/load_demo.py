"""Load the demo (`fixtures/demo.json`) with its dates moved up to today.

The fixture is a snapshot taken on `DEMO_TAKEN_ON`: a welfare sprint half-way through, a learning
network between its meetings, an innovation case waiting for the Direktørforum. Loaded as it is, the
story goes stale within weeks (the sprint ends, planned meetings lie in the past). This command
loads it with `loaddata` and then moves every date and time of the demo's own rows by whole weeks,
so the demo tells the same story on the day it is loaded and every meeting keeps its weekday and
local time. Loading it again resets the demo, like `loaddata` does.
"""

import datetime
import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from networks.dates import add_months

FIXTURE = "demo"
DEMO_TAKEN_ON = datetime.date(2026, 11, 26)


def weeks_since_taken(today: datetime.date) -> datetime.timedelta:
    """Whole weeks from the snapshot to `today` (negative before it), so weekdays stay as they are."""
    return datetime.timedelta(weeks=(today - DEMO_TAKEN_ON).days // 7)


def _moved(value, shift: datetime.timedelta):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        # Move the local wall-clock time, so a 13:00 meeting stays at 13:00 across summer time.
        local = timezone.localtime(value)
        return timezone.make_aware(local.replace(tzinfo=None) + shift)
    return value + shift


def _fixture_rows() -> dict[type[models.Model], list]:
    """The primary keys of the demo's rows, per model, read from the fixture itself."""
    path = next(Path(directory) / f"{FIXTURE}.json" for directory in settings.FIXTURE_DIRS)
    rows: dict[type[models.Model], list] = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        rows.setdefault(apps.get_model(item["model"]), []).append(item["pk"])
    return rows


def _follow_ups_from_conclusion(pks) -> None:
    """A follow-up falls due whole months after its network concluded; moved by whole weeks, it would
    drift a day or two from that, so it is counted again from the moved day of conclusion."""
    FollowUp = apps.get_model("networks", "FollowUp")
    for follow_up in FollowUp.objects.filter(pk__in=pks).select_related("network"):
        concluded = follow_up.network.concluded_at
        if concluded is not None:
            follow_up.due = add_months(timezone.localdate(concluded), follow_up.months)
            follow_up.save(update_fields=["due"])


class Command(BaseCommand):
    help = (
        "Indlæser demodata (fixtures/demo.json) med datoerne flyttet frem til i dag i hele uger, så "
        "demoens sprint, møder og sager står, som da den blev lavet. Kræver netværkstyperne "
        "(loaddata network_types). Kun til demo- og testdatabaser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Flyt datoerne, som om det var denne dato (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, today=None, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"Ugyldig dato: {today!r}. Brug formatet ÅÅÅÅ-MM-DD.") from exc
        else:
            today = timezone.localdate()
        if not apps.get_model("networks", "NetworkType").objects.exists():
            raise CommandError("Indlæs netværkstyperne først: manage.py loaddata network_types")
        shift = weeks_since_taken(today)
        with transaction.atomic():
            call_command("loaddata", FIXTURE, verbosity=0)
            demo_rows = _fixture_rows()
            for model, pks in demo_rows.items():
                date_fields = [
                    field.attname
                    for field in model._meta.concrete_fields
                    if isinstance(field, models.DateField)  # DateTimeField is a DateField too
                ]
                if not date_fields or not shift:
                    continue
                # The plain manager: a decision's own refuses every update, but moving the demo's
                # decisions in time with the rest changes nothing about what was decided.
                rows = model._base_manager.filter(pk__in=pks)
                for row in rows.values("pk", *date_fields):
                    pk = row.pop("pk")
                    # update(), not save(): auto_now fields and the audit history stay untouched.
                    model._base_manager.filter(pk=pk).update(
                        **{name: _moved(value, shift) for name, value in row.items()}
                    )
            _follow_ups_from_conclusion(demo_rows.get(apps.get_model("networks", "FollowUp"), []))
        self.stdout.write(self.style.SUCCESS(f"Demoen er indlæst; datoerne er flyttet {shift.days:+d} dage."))
