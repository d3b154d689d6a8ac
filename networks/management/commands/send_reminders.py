import datetime

from django.core.management.base import BaseCommand, CommandError

from networks import reminders


class Command(BaseCommand):
    help = (
        "Sender de påmindelser, der er forfaldne i dag: møder i morgen, velfærdssprints, der snart "
        "slutter eller er slut uden afslutning, læringsnetværk med for få møder, og Direktørforums "
        "oversigt over sager, der har ventet længe. Kan køres flere gange samme dag; intet sendes to gange."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Kør som om det var denne dato (ÅÅÅÅ-MM-DD), fx for at indhente en dag cron ikke kørte.",
        )

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"Ugyldig dato: {date!r}. Brug formatet ÅÅÅÅ-MM-DD.") from exc
        sent = reminders.send_due(today)
        total = sum(sent.values())
        for kind, count in sorted(sent.items()):
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Sendt: {total} påmindelse(r)."))
