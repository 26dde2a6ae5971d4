from django.db import migrations, models

from core.db_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds and drops these indexes concurrently, outside a transaction

    dependencies = [
        ("modules", "0006_completion_list_order_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="modulecompletion",
            index=models.Index(fields=["module", "-completed_at", "-id"], name="modules_completion_module_id"),
        ),
        RemoveIndexOnline(model_name="modulecompletion", name="modules_completion_module_at"),
    ]
