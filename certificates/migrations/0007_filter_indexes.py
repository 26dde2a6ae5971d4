from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("certificates", "0006_search_trigrams"),
    ]

    operations = [
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(fields=["kind", "-earned_on"], name="certificates_kind_earned"),
        ),
    ]
