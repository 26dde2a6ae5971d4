"""Tell practicums, series live-event sets and CE events apart (decision 0010).

Existing rows: a CE kind makes a CE event; otherwise the program's kind decides (a
certification's live events are practicums, a series' are live-event sets).
"""

from django.db import migrations, models


def set_kinds(apps, schema_editor):
    Practicum = apps.get_model("practicums", "Practicum")
    Practicum.objects.exclude(ce_kind="").update(kind="ce_event")
    Practicum.objects.filter(ce_kind="", program__kind="series").update(kind="live_set")
    Practicum.objects.filter(ce_kind="", program__kind="certification").update(kind="practicum")


class Migration(migrations.Migration):
    dependencies = [
        ("practicums", "0004_practicum_ce_kind"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="practicum",
            name="kind",
            field=models.CharField(
                choices=[
                    ("practicum", "Practicum"),
                    ("live_set", "Live-event set"),
                    ("ce_event", "CE event (webinar or roundtable)"),
                ],
                default="practicum",
                help_text="Practicum: a certification's live practicum (leads to the exam). Live-event set: a "
                "series' set of sessions. CE event: a webinar or roundtable credited as continuing education.",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="practicum",
            name="ce_kind",
            field=models.CharField(
                blank=True,
                choices=[("webinar", "Webinar"), ("roundtable", "Roundtable")],
                help_text="CE events only: a webinar or a roundtable. Credential holders register in one click, "
                "and attending credits their CE hours.",
                max_length=12,
                verbose_name="continuing-education event",
            ),
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="practicum",
            constraint=models.CheckConstraint(
                condition=(models.Q(kind="ce_event") & ~models.Q(ce_kind=""))
                | (~models.Q(kind="ce_event") & models.Q(ce_kind="")),
                name="practicums_ce_kind_only_on_ce_events",
            ),
        ),
        migrations.AddIndex(
            model_name="practicum",
            index=models.Index(fields=["program", "kind", "starts_on"], name="practicums__program_0215fb_idx"),
        ),
    ]
