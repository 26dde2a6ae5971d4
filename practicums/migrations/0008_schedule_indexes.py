from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("practicums", "0007_admin_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="practicum",
            index=models.Index(
                condition=models.Q(("is_published", True), ("status", "scheduled")),
                fields=["starts_on"],
                name="practicums_upcoming",
            ),
        ),
        AddIndexOnline(
            model_name="session",
            index=models.Index(fields=["ends_at"], name="practicums_session_ends"),
        ),
    ]
