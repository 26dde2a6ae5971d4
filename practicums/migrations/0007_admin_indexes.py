from django.conf import settings
from django.db import migrations, models

from core.db_operations import AddIndexOnline

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ('practicums', '0006_practicum_state_sessionreminder'),
        ('programs', '0002_admin_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='attendance',
            index=models.Index(fields=['recorded_at'], name='practicums_att_recorded'),
        ),
        AddIndexOnline(
            model_name='registration',
            index=models.Index(fields=['created_at', 'id'], name='practicums_reg_created'),
        ),
        AddIndexOnline(
            model_name='registration',
            index=models.Index(fields=['status', 'created_at'], name='practicums_reg_status_created'),
        ),
        AddIndexOnline(
            model_name='setcompletion',
            index=models.Index(fields=['-completed_at'], name='practicums_setdone_at'),
        ),
    ]
