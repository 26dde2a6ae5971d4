from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds this index concurrently, outside a transaction

    dependencies = [
        ("certificates", "0010_email_state_list_order_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("email_state", "pending"), ("held", False), ("status", "live")),
                fields=["user"],
                name="certificates_queue_user",
            ),
        ),
    ]
