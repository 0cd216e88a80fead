"""Event covers move to the private storage: they are served by a view that asks
the events policy, so a cover of something members-only stays with its members."""

import hearth.core.uploads
from hearth.core.uploads import move_to_private_storage
from django.db import migrations, models


def make_covers_private(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for name in Event.objects.exclude(cover="").values_list("cover", flat=True):
        move_to_private_storage(name)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='event',
            name='cover',
            field=models.ImageField(blank=True, storage=hearth.core.uploads.private_storage, upload_to='events/', verbose_name='cover image'),
        ),
        migrations.RunPython(make_covers_private, migrations.RunPython.noop),
    ]
