"""Usernames compared by look (accounts/usernames.py): a unique ``username_key``.

Existing accounts get their key in id order. A later account whose name looks like an
earlier one's (``Demo`` after ``demo``) keeps its name and no key, and is logged, so an
operator can rename it; new accounts can no longer collide."""

import logging

import django.contrib.auth.validators
import hearth.accounts.models
import hearth.accounts.usernames
from django.db import migrations, models

logger = logging.getLogger(__name__)


def add_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken: dict[str, str] = {}
    for user in User.objects.order_by("pk").only("pk", "username").iterator():
        key = hearth.accounts.usernames.key(user.username)
        if key in taken:
            logger.warning("Username %r looks like %r: rename one of them.", user.username, taken[key])
            continue
        taken[key] = user.username
        User.objects.filter(pk=user.pk).update(username_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_name_search_trigram_indexes'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', hearth.accounts.models.UserManager()),
            ],
        ),
        migrations.AddField(
            model_name='user',
            name='username_key',
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(add_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='username_key',
            field=models.TextField(editable=False, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='user',
            name='username',
            field=models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='150 characters or fewer, in one alphabet. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator(), hearth.accounts.usernames.MixedScriptValidator()], verbose_name='username'),
        ),
    ]
