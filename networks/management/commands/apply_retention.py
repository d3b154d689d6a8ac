"""Anonymise the participants of networks that ended more than PARTICIPANT_RETENTION_MONTHS ago.

Run it daily (cron or a systemd timer). It is idempotent: a second run finds nothing left to do.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from networks import gdpr


class Command(BaseCommand):
    help = (
        "Anonymiserer deltagerne i netværk, der blev afsluttet eller annulleret for mere end "
        "PARTICIPANT_RETENTION_MONTHS måneder siden (navn, e-mail, organisation og forpligtelse, "
        "også i historikken). Antallene i rapporterne bevares."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Vis kun, hvor meget der ville blive anonymiseret."
        )
        parser.add_argument(
            "--today",
            help="Kør, som om det var denne dato (ÅÅÅÅ-MM-DD); til afprøvning. Standard: i dag.",
        )

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today skal være en dato som 2027-01-31.") from exc
        result = gdpr.apply_retention(today=day, dry_run=dry_run)
        months = settings.PARTICIPANT_RETENTION_MONTHS
        verb = "ville blive anonymiseret" if dry_run else "er anonymiseret"
        self.stdout.write(
            f"Opbevaringsfrist: {months} måneder; netværk afsluttet eller annulleret før "
            f"{result.cutoff.isoformat()}."
        )
        self.stdout.write(
            f"{result.participants} deltagere i {result.networks} netværk og "
            f"{result.history_rows} historikrækker {verb}."
        )
