import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rosters", "0002_terms_and_details"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cadre",
            name="term",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cadres",
                to="rosters.term",
            ),
        ),
    ]
