# The rollup tables' community is a foreign key for the ORM only (RollupRow).

import django.db.models.deletion
from django.db import migrations, models


def _community():
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="communities.community",
    )


ROLLUP_MODELS = (
    "acceptdecision",
    "ideafact",
    "ideashipped",
    "memberday",
    "memberfact",
    "pairday",
    "threadfact",
    "topicmemberday",
    "verbday",
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_dashboard_snapshot"),
        ("communities", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(model_name=name, name="community", field=_community())
        for name in ROLLUP_MODELS
    ]
