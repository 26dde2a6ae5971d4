from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certificates.tasks import nightly_batch


class Command(BaseCommand):
    help = "Run the nightly certificate email by hand (the same batch as the 20:00 Pacific job)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Send certificates earned on or before this day (YYYY-MM-DD). Default: today (Pacific).",
        )
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Send in this process instead of queueing one task per person.",
        )

    def handle(self, *args, **options):
        run_for = options.get("date")
        if run_for:
            try:
                date.fromisoformat(run_for)
            except ValueError as exc:
                raise CommandError(f"--date must look like 2026-11-22, not {run_for!r}") from exc
        if options["sync"]:
            people = nightly_batch.apply(kwargs={"run_for": run_for, "triggered_by": "command"}).get()
        else:
            people = nightly_batch.delay(run_for=run_for, triggered_by="command") and "queued"
        self.stdout.write(f"Certificate email: {people} {'people' if options['sync'] else ''}".strip())
