"""``hearth reencrypt-secrets``: after a key rotation, encrypt every stored webhook secret
under the current key, so the old key can leave the fallbacks."""

from django.core.management.base import BaseCommand, CommandError

from hearth.core import encryption
from hearth.webhooks.models import Endpoint


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret (webhook signing secrets) under the current "
        "HEARTH_SECRETS_KEY; run after a key rotation, before removing the old key from "
        "HEARTH_SECRETS_KEY_FALLBACKS."
    )

    def handle(self, *args, **options):
        done = unreadable = 0
        rows = Endpoint.objects.only("pk", "encrypted_secret").order_by("pk")
        for endpoint in rows.iterator(chunk_size=500):
            if encryption.is_current(endpoint.encrypted_secret):
                continue
            try:
                token = encryption.reencrypt(endpoint.encrypted_secret)
            except encryption.SecretUnreadable:
                unreadable += 1
                self.stderr.write(
                    f"Webhook {endpoint.pk}: no configured key decrypts its secret; "
                    "make it a new secret on its page."
                )
                continue
            # Only if unchanged meanwhile: a secret rotated by its owner stays as it is.
            done += Endpoint.objects.filter(
                pk=endpoint.pk, encrypted_secret=endpoint.encrypted_secret
            ).update(encrypted_secret=token)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {done} secrets."))
        if unreadable:
            raise CommandError(f"{unreadable} secrets could not be decrypted with any key.")
