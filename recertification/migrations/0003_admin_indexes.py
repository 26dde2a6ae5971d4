from django.conf import settings
from django.db import migrations, models

from core.db_operations import AddIndexOnline

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ('certificates', '0005_admin_indexes'),
        ('practicums', '0007_admin_indexes'),
        ('programs', '0002_admin_indexes'),
        ('recertification', '0002_private_file_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='ceactivity',
            index=models.Index(fields=['-date', '-created_at'], name='recert_ce_date'),
        ),
        AddIndexOnline(
            model_name='ceactivity',
            index=models.Index(fields=['status', '-date'], name='recert_ce_status_date'),
        ),
        AddIndexOnline(
            model_name='credential',
            index=models.Index(fields=['valid_until'], name='recert_credential_until'),
        ),
        AddIndexOnline(
            model_name='credential',
            index=models.Index(fields=['program', '-valid_from'], name='recert_credential_program_from'),
        ),
        AddIndexOnline(
            model_name='examinvitation',
            index=models.Index(fields=['-issued_at'], name='recert_invitation_issued'),
        ),
    ]
