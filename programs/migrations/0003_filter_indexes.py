from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("programs", "0002_admin_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="enrollment",
            index=models.Index(fields=["source", "-registered_at"], name="programs_enr_source_registered"),
        ),
    ]
