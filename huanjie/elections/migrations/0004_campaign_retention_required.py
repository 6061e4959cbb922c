from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("elections", "0003_campaign_retention")]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="retention_until",
            field=models.DateField(verbose_name="个人信息保存期限"),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("retention_until__gte", models.F("window_end"))),
                name="campaign_retention_after_window",
            ),
        ),
    ]
