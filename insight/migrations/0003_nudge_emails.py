from django.db import migrations


def defaults(apps, schema_editor):
    from insight.services import nudge_templates_ensure

    nudge_templates_ensure(apps)


class Migration(migrations.Migration):
    """One nudge email per reason, with the default text staff then edit."""

    dependencies = [("insight", "0002_nudges")]

    operations = [migrations.RunPython(defaults, migrations.RunPython.noop)]
