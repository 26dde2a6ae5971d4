"""`make run` calls this: the throw-away demo CA and signing key under var/signing (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from signing.demo import demo_keys_ensure


class Command(BaseCommand):
    help = "Create the demo CA and signing certificate under var/signing unless they exist."

    def handle(self, *args, **options) -> None:
        config = settings.CREDO_SIGNING
        directory = Path(config["DEMO_DIR"])
        made = demo_keys_ensure(
            directory=directory, organisation=settings.CREDO_SITE_NAME, passphrase=config["DEMO_PASSPHRASE"]
        )
        state = "created" if made else "already there"
        self.stdout.write(f"Demo signing keys {state}: {directory}/demo-ca.pem, {directory}/demo-signing.p12")
