from django.db import migrations

from core.db_operations import partial_index


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ("accounts", "0004_sparse_filter_indexes"),
        ("account", "0001_initial"),
    ]

    operations = [
        # The email address list's "primary: no" and "verified: no" filters, in its order (-id).
        partial_index("account_emailaddress", "account_emailaddress_not_primary", "id DESC", 'NOT "primary"'),
        partial_index("account_emailaddress", "account_emailaddress_unverified", "id DESC", "NOT verified"),
    ]
