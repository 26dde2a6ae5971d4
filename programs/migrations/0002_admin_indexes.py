from django.conf import settings
from django.db import migrations, models

from core.db_operations import AddIndexOnline

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ('programs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='enrollment',
            index=models.Index(fields=['-registered_at'], name='programs_enr_registered'),
        ),
        AddIndexOnline(
            model_name='enrollment',
            index=models.Index(fields=['program', '-registered_at'], name='programs_enr_prog_registered'),
        ),
        AddIndexOnline(
            model_name='enrollment',
            index=models.Index(fields=['status', '-registered_at'], name='programs_enr_status_registered'),
        ),
    ]
