from django.db import migrations, models

from core.db_operations import AddIndexOnline, trigram_indexes

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("accounts", "0002_user_session_reminders"),
    ]

    operations = [
        AddIndexOnline(
            model_name="user",
            index=models.Index(fields=["full_name", "email"], name="accounts_user_name_email"),
        ),
        trigram_indexes("accounts_user", ("email", "full_name", "organization")),
    ]
