from django.db import migrations


def fill(apps, schema_editor):
    from insight.fill import milestones_fill

    milestones_fill(apps)


class Migration(migrations.Migration):
    """The enrollments' milestones (programs 0004) from the history already written."""

    dependencies = [
        ("programs", "0004_enrollment_milestones"),
        ("modules", "0007_completion_module_order_index"),
        ("practicums", "0013_session_starts_index"),
        ("recertification", "0007_credential_ce_hours"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
