from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("practicums", "0011_list_order_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="practicum",
            index=models.Index(fields=[field, "starts_on", "title", "-id"], name=f"practicums_{field}_starts"),
        )
        for field in ("kind", "format", "status", "ce_kind")
    ]
