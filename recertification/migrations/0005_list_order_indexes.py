from django.db import migrations, models

from core.db_operations import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    # The admin lists newest first and Django adds -id to make the order total: the index ends
    # with it, so a page is read from the index instead of sorting every row of a day.
    dependencies = [
        ("recertification", "0004_search_trigrams"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ceactivity",
            name="recert_ce_date",
        ),
        AddIndexOnline(
            model_name="ceactivity",
            index=models.Index(fields=["-date", "-created_at", "-id"], name="recert_ce_date_id"),
        ),
        AddIndexOnline(
            model_name="credential",
            index=models.Index(fields=["-valid_from", "-id"], name="recert_credential_from_id"),
        ),
    ]
