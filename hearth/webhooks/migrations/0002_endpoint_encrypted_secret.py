from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="endpoint",
            name="encrypted_secret",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        # The clear column is dropped by 0004; its default lets that be reversed on a table
        # with rows (the reverse of 0003 then fills it in).
        migrations.AlterField(
            model_name="endpoint",
            name="secret",
            field=models.CharField(default="", max_length=80),
        ),
    ]
