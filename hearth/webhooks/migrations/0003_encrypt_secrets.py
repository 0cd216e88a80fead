"""Encrypt the webhook secrets kept in clear until now (hearth.core.encryption); the
reverse writes them back in clear."""

from django.db import migrations


def encrypt(apps, schema_editor):
    from hearth.core.encryption import encrypt as seal

    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.filter(encrypted_secret="").only("pk", "secret").iterator():
        Endpoint.objects.filter(pk=endpoint.pk).update(encrypted_secret=seal(endpoint.secret))


def decrypt(apps, schema_editor):
    from hearth.core.encryption import decrypt as unseal

    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.only("pk", "encrypted_secret").iterator():
        Endpoint.objects.filter(pk=endpoint.pk).update(
            secret=unseal(endpoint.encrypted_secret), encrypted_secret=""
        )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_endpoint_encrypted_secret"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
    ]
