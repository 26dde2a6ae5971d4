from django.core.management.base import BaseCommand, CommandError

from certificates.services import certificates_sign_existing


class Command(BaseCommand):
    help = (
        'Re-issue every live certificate whose PDF is unsigned as a signed new version (reason "signed"); '
        "the old file still verifies as replaced by a signed copy. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100, help="Certificates read per query.")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            counts = certificates_sign_existing(batch_size=options["batch_size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Signed {counts.signed} certificates as new versions; {counts.already_signed} were already "
            f"signed, {counts.without_file} have no file, {counts.skipped} changed meanwhile."
        )
