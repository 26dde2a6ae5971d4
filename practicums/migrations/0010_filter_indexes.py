from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("practicums", "0009_search_trigrams"),
    ]

    operations = [
        AddIndexOnline(
            model_name="attendance",
            index=models.Index(fields=["source", "recorded_at"], name="practicums_att_source"),
        ),
    ]
