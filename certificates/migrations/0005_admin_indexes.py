from django.conf import settings
from django.db import migrations, models

from core.db_operations import AddIndexOnline

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ('certificates', '0004_badgedesign'),
        ('modules', '0002_admin_indexes'),
        ('practicums', '0007_admin_indexes'),
        ('programs', '0002_admin_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='certificate',
            index=models.Index(fields=['-earned_on', '-issued_at'], name='certificates_earned'),
        ),
        AddIndexOnline(
            model_name='certificate',
            index=models.Index(fields=['status', '-earned_on'], name='certificates_status_earned'),
        ),
        AddIndexOnline(
            model_name='certificate',
            index=models.Index(fields=['program', '-earned_on'], name='certificates_program_earned'),
        ),
    ]
