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
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    for app_label, codename in INSTRUCTOR_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("practicums", "0002_calendarfeed_session_attendancecorrection_attendance_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
