from django.db import migrations, models

from core.db_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds and drops these indexes concurrently, outside a transaction

    dependencies = [
        ("modules", "0004_unscored_attempts_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="attempt",
            index=models.Index(fields=["-started_at", "-id"], name="modules_attempt_started_id"),
        ),
        RemoveIndexOnline(model_name="attempt", name="modules_attempt_started"),
    ]
