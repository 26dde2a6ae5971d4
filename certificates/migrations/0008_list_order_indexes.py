from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    # The admin lists newest first and Django adds -id to make the order total: the index ends
    # with it, so a page is read from the index instead of sorting every row of a day.
    dependencies = [
        ("certificates", "0007_filter_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="certificate",
            name="certificates_earned",
        ),
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(fields=["-earned_on", "-issued_at", "-id"], name="certificates_earned_id"),
        ),
    ]
