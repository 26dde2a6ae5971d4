from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("modules", "0002_admin_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="attempt",
            index=models.Index(fields=["state", "-started_at"], name="modules_attempt_state_started"),
        ),
    ]
