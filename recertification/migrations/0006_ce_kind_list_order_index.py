from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds this index concurrently, outside a transaction

    dependencies = [
        ("recertification", "0005_list_order_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="ceactivity",
            index=models.Index(fields=["kind", "-date", "-created_at", "-id"], name="recert_ce_kind_date_id"),
        ),
    ]
