from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("modules", "0003_filter_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="attempt",
            index=models.Index(
                fields=["-started_at", "-id"],
                condition=models.Q(passed__isnull=True),
                name="modules_attempt_unscored",
            ),
        ),
    ]
