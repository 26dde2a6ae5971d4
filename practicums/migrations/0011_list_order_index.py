from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("practicums", "0010_filter_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="practicum",
            index=models.Index(fields=["starts_on", "title", "-id"], name="practicums_starts_title_id"),
        ),
    ]
