from django.db import migrations

from core.db_operations import trigram_indexes


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [("certificates", "0005_admin_indexes")]

    # The admin search (core.admin.LargeTableAdmin) matches each table's own columns: indexed.
    operations = [
        trigram_indexes("certificates_certificate", ("verification_code", "name_on_certificate", "title")),
    ]
