from django.db import migrations

PROGRAM_STAFF_PERMISSIONS = [
    ("programs", "view_program"),
    ("insight", "view_nudge"),
    ("insight", "add_nudge"),
    ("insight", "view_nudgetemplate"),
    ("insight", "change_nudgetemplate"),
]


def create_group(apps, schema_editor):
    """Program staff: the dashboard and nudge lists of the programs that name them (Program.staff),
    and the nudge emails; nothing of any other program."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Program staff")
    for app_label, codename in PROGRAM_STAFF_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0003_nudge_emails"),
        ("programs", "0005_program_staff"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
