from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("certificates", "0008_list_order_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("held", True)),
                fields=["-earned_on", "-issued_at", "-id"],
                name="certificates_held",
            ),
        ),
    ]
