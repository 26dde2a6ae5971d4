from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds this index concurrently, outside a transaction

    dependencies = [
        ("modules", "0007_completion_module_order_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="attempt",
            index=models.Index(
                condition=models.Q(("state", "in_progress"), _negated=True),
                fields=["assessment", "user"],
                include=("passed", "score_percent"),
                name="modules_attempt_results",
            ),
        ),
    ]
