from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds the index concurrently, outside a transaction

    dependencies = [
        ("practicums", "0012_filter_order_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="session",
            index=models.Index(fields=["starts_at"], name="practicums_session_starts"),
        ),
    ]
