from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo


class Command(BaseCommand):
    help = "Create the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = accounts_demo.seed()
        for user, created in people:
            state = "created" if created else "exists"
            role = "staff admin" if user.is_staff else "participant"
            self.stdout.write(f"  {role:12} {user.email:28} ({state})")
        self.stdout.write(f"  password for all demo accounts: {accounts_demo.DEMO_PASSWORD}")
        self.stdout.write("  staff are asked to set up an authenticator app (TOTP) before the admin opens.")
