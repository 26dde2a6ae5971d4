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
    from core.db_operations import group_with_permissions

    group_with_permissions(apps, "Program staff", PROGRAM_STAFF_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0003_nudge_emails"),
        ("programs", "0005_program_staff"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
