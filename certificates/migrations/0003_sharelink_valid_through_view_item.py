"""Share links keep the day the person chose (and its time zone), what the shared page shows
first, and may cover one item.

Existing links: the last day is the day before the one `expires_at` falls on in the owner's
zone. A link made with "Until a date" ended at midnight there, so it keeps its day and instant;
a link made with "N days" ended mid-day, and now ends at the end of the day before (never later
than it did: a link does not start working longer than its owner agreed to)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.CREDO_DEFAULT_TIME_ZONE)


def fill_days(apps, schema_editor):
    ShareLink = apps.get_model("certificates", "ShareLink")
    for link in ShareLink.objects.select_related("user").iterator():
        zone = _zone(link.user.time_zone or settings.CREDO_DEFAULT_TIME_ZONE)
        local = link.expires_at.astimezone(zone)
        link.valid_through = local.date() - timedelta(days=1)
        link.time_zone = zone.key
        link.expires_at = datetime.combine(local.date(), time.min, tzinfo=zone)
        link.save(update_fields=["valid_through", "time_zone", "expires_at"])


def keep_instants(apps, schema_editor):
    pass  # expires_at is still there, so going back needs nothing


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_sharelink"),
        ("modules", "0001_initial"),
        ("practicums", "0005_practicum_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sharelink",
            name="valid_through",
            field=models.DateField(null=True, help_text="The last day the link works, in its time zone."),
        ),
        migrations.AddField(
            model_name="sharelink",
            name="time_zone",
            field=models.CharField(max_length=64, default=""),
        ),
        migrations.RunPython(fill_days, keep_instants),
        migrations.AlterField(
            model_name="sharelink",
            name="valid_through",
            field=models.DateField(help_text="The last day the link works, in its time zone."),
        ),
        migrations.AlterField(
            model_name="sharelink",
            name="time_zone",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="sharelink",
            name="expires_at",
            field=models.DateTimeField(help_text="The end of the last day: the link works before this."),
        ),
        migrations.AddField(
            model_name="sharelink",
            name="view",
            field=models.CharField(
                choices=[
                    ("completed", "Completed items only"),
                    ("all", "Everything, with what is not started folded away"),
                ],
                default="all",
                help_text="What the shared page shows first.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="sharelink",
            name="module",
            field=models.ForeignKey(
                blank=True,
                help_text="Only this module's record.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="modules.module",
            ),
        ),
        migrations.AddField(
            model_name="sharelink",
            name="practicum",
            field=models.ForeignKey(
                blank=True,
                help_text="Only this live event set.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="practicums.practicum",
            ),
        ),
        migrations.AddConstraint(
            model_name="sharelink",
            constraint=models.CheckConstraint(
                condition=models.Q(("module__isnull", True), ("practicum__isnull", True), _connector="OR"),
                name="certificates_sharelink_one_item",
            ),
        ),
    ]
