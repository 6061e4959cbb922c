"""SECURITY.md P7: each campaign gets the last day its personal data is kept (the end of its
window plus 5 years, as elections.services.default_retention sets it) and the day it was purged.
The column is added nullable, filled, then made required in 0004 (PostgreSQL will not alter a
table with pending trigger events in the transaction that filled it)."""

from datetime import date

from django.db import migrations, models


def _plus_five_years(day: date) -> date:
    # As huanjie.lib.dates.add_years: a migration keeps its own copy of the rule it applied.
    try:
        return day.replace(year=day.year + 5)
    except ValueError:
        return day.replace(year=day.year + 5, day=28)


def fill_retention(apps, schema_editor):
    Campaign = apps.get_model("elections", "Campaign")
    for campaign in Campaign.objects.filter(retention_until__isnull=True).only("window_end"):
        campaign.retention_until = _plus_five_years(campaign.window_end)
        campaign.save(update_fields=["retention_until"])


class Migration(migrations.Migration):
    dependencies = [("elections", "0002_campaignvillage_election_date")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="retention_until",
            field=models.DateField(null=True, verbose_name="个人信息保存期限"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="personal_data_purged_on",
            field=models.DateField(blank=True, null=True, verbose_name="个人信息删除日期"),
        ),
        migrations.RunPython(fill_retention, migrations.RunPython.noop),
    ]
