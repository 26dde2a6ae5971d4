from django.db import migrations

from core.db_operations import trigram_indexes


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [("practicums", "0008_schedule_indexes")]

    # The admin search (core.admin.LargeTableAdmin) matches each table's own columns: indexed.
    operations = [
        trigram_indexes("practicums_practicum", ("title", "city", "state", "venue_name")),
    ]
