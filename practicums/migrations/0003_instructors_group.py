from django.db import migrations

INSTRUCTOR_PERMISSIONS = [
    ("practicums", "view_practicum"),
    ("practicums", "view_session"),
    ("practicums", "view_registration"),
    ("practicums", "view_attendance"),
    ("practicums", "view_attendancecorrection"),
    ("practicums", "add_attendancecorrection"),
]


def create_group(apps, schema_editor):
    """Instructors are staff accounts in this group: they see their sessions' codes and rosters
    and may correct attendance (with a reason), nothing else."""
    from core.db_operations import group_with_permissions

    group_with_permissions(apps, "Instructors", INSTRUCTOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("practicums", "0002_calendarfeed_session_attendancecorrection_attendance_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
