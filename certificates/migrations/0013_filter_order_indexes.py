from django.db import migrations, models

from core.db_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds and drops these indexes concurrently, outside a transaction

    dependencies = [
        ("certificates", "0012_email_batch_retried_finished"),
    ]

    operations = [
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(fields=["status", "-earned_on", "-issued_at", "-id"], name="certificates_status_order"),
        ),
        RemoveIndexOnline(model_name="certificate", name="certificates_status_earned"),
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(
                fields=["program", "-earned_on", "-issued_at", "-id"], name="certificates_program_order"
            ),
        ),
        RemoveIndexOnline(model_name="certificate", name="certificates_program_earned"),
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(fields=["kind", "-earned_on", "-issued_at", "-id"], name="certificates_kind_order"),
        ),
        RemoveIndexOnline(model_name="certificate", name="certificates_kind_earned"),
    ]
