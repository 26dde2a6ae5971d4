from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("accounts", "0003_admin_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="user",
            index=models.Index(
                condition=models.Q(("is_staff", True)),
                fields=["full_name", "email"],
                name="accounts_user_staff",
            ),
        ),
        AddIndexOnline(
            model_name="user",
            index=models.Index(
                condition=models.Q(("is_superuser", True)),
                fields=["full_name", "email"],
                name="accounts_user_super",
            ),
        ),
        AddIndexOnline(
            model_name="user",
            index=models.Index(
                condition=models.Q(("is_active", False)),
                fields=["full_name", "email"],
                name="accounts_user_inactive",
            ),
        ),
    ]
