from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds the index concurrently, outside a transaction

    dependencies = [
        ("programs", "0005_program_staff"),
    ]

    operations = [
        AddIndexOnline(
            model_name="enrollment",
            index=models.Index(
                condition=models.Q(("opened_at__isnull", True), ("status", "active")),
                fields=["program", "access_opens_at"],
                name="programs_enr_never_opened",
            ),
        ),
    ]
