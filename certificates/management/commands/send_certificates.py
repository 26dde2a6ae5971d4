from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certificates.services import batch_start, certificates_send_for_person
from certificates.tasks import batch_day, nightly_batch


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
        if not options["sync"]:
            nightly_batch.delay(run_for=run_for, triggered_by="command")
            self.stdout.write("Certificate email: queued")
            return
        day = batch_day(run_for)
        batch, user_ids = batch_start(run_for=day, triggered_by="command")
        sent = refused = 0
        failed = []
        for user_id in user_ids:  # the same service the per-person task calls, in this process
            outcome = certificates_send_for_person(user_id=user_id, run_for=day, batch_id=batch.pk)
            sent += outcome.sent
            refused += outcome.refused
            if outcome.temporary_error:
                failed.append(outcome.temporary_error)
        self.stdout.write(
            f"Certificate email: {len(user_ids)} people, {sent} certificates sent, {refused} refused, "
            f"{len(failed)} people left for the next run"
        )
        for error in failed:
            self.stderr.write(f"Not sent (temporary error, kept for the next run): {error}")
