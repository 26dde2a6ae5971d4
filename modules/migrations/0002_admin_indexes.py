from django.conf import settings
from django.db import migrations, models

from core.db_operations import AddIndexOnline

class Migration(migrations.Migration):
    atomic = False  # PostgreSQL builds these indexes concurrently, outside a transaction

    dependencies = [
        ('modules', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='attempt',
            index=models.Index(fields=['-started_at'], name='modules_attempt_started'),
        ),
        AddIndexOnline(
            model_name='attempt',
            index=models.Index(fields=['assessment', '-started_at'], name='modules_attempt_assess_started'),
        ),
        AddIndexOnline(
            model_name='modulecompletion',
            index=models.Index(fields=['-completed_at'], name='modules_completion_at'),
        ),
        AddIndexOnline(
            model_name='modulecompletion',
            index=models.Index(fields=['module', '-completed_at'], name='modules_completion_module_at'),
        ),
    ]
