from django.db import migrations, models

from core.db_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds and drops these indexes concurrently, outside a transaction

    dependencies = [
        ("certificates", "0009_sparse_filter_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="certificate",
            index=models.Index(
                fields=["email_state", "-earned_on", "-issued_at", "-id"], name="certificates_email_earned"
            ),
        ),
        RemoveIndexOnline(model_name="certificate", name="certificate_email_s_c2545e_idx"),
    ]
