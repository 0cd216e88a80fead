"""Webhook secrets at rest: encrypted in the database, decrypted to sign, rotatable."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hearth.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint
from hearth.webhooks.tests.test_delivery import start_topic, verify


def _row(endpoint) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_endpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()


def test_the_database_never_holds_the_secret_in_clear(endpoint_to, receiver, owner_actor):
    from hearth.webhooks import services

    endpoint = endpoint_to(receiver.url)
    secret = endpoint.secret
    assert secret.startswith("whsec_")
    assert not any(secret in str(value) for value in _row(endpoint))
    assert Endpoint.objects.get(pk=endpoint.pk).secret == secret
    new = services.endpoint_rotate_secret(actor=owner_actor, endpoint=endpoint)
    assert not any(new in str(value) for value in _row(endpoint))
    assert Endpoint.objects.get(pk=endpoint.pk).secret == new != secret


def test_deliveries_are_signed_with_the_decrypted_secret_after_a_key_rotation(
    settings,
    community,
    member,
    general,
    receiver,
    endpoint_to,
    run,
):
    settings.HEARTH_SECRETS_KEY = "first-key"
    endpoint = endpoint_to(receiver.url)
    secret = endpoint.secret
    settings.HEARTH_SECRETS_KEY = "second-key"
    settings.HEARTH_SECRETS_KEY_FALLBACKS = ["first-key"]
    start_topic(community, member, general, title="One")
    run()
    got = receiver.requests[0]
    assert verify(secret, got.headers["Hearth-Signature"], got.body)

    out = io.StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert "Re-encrypted 1 secrets" in out.getvalue()
    settings.HEARTH_SECRETS_KEY_FALLBACKS = []
    assert Endpoint.objects.get(pk=endpoint.pk).secret == secret
    start_topic(community, member, general, title="Two")
    run()
    assert len(receiver.requests) == 2
    got = receiver.requests[1]
    assert verify(secret, got.headers["Hearth-Signature"], got.body)
    # Nothing left to do the second time.
    call_command("reencrypt_secrets", stdout=out)
    assert "Re-encrypted 0 secrets" in out.getvalue()


def test_a_wrong_key_is_a_clear_error_in_the_delivery_log_not_a_crash(
    settings,
    community,
    member,
    general,
    receiver,
    endpoint_to,
    run,
):
    settings.HEARTH_SECRETS_KEY = "the-key"
    endpoint = endpoint_to(receiver.url)
    settings.HEARTH_SECRETS_KEY = "a-different-key"
    start_topic(community, member, general)
    run()
    assert receiver.requests == []
    row = Delivery.objects.get(endpoint=endpoint)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1  # retried later
    assert "could not be decrypted" in row.last_error
    assert "HEARTH_SECRETS_KEY_FALLBACKS" in Attempt.objects.get(delivery=row).error
    endpoint.refresh_from_db()
    # Hearth's own configuration, not the receiver: it does not count toward switching off.
    assert endpoint.consecutive_failures == 0 and endpoint.is_active
    err = io.StringIO()
    with pytest.raises(Exception, match="could not be decrypted"):
        call_command("reencrypt_secrets", stdout=io.StringIO(), stderr=err)
    assert f"Webhook {endpoint.pk}" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets_and_its_reverse_decrypts(community, owner):
    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("webhooks", target)])
        return executor.loader.project_state([("webhooks", target)]).apps

    old_apps = migrate("0001_initial")
    try:
        OldEndpoint = old_apps.get_model("webhooks", "Endpoint")
        old = OldEndpoint.objects.create(
            community_id=community.pk, url="https://example.com/h", event_types=["ping"],
            secret="whsec_clear",
        )  # fmt: skip
        migrate("0004_remove_endpoint_secret")
        endpoint = Endpoint.objects.get(pk=old.pk)
        assert endpoint.secret == "whsec_clear"
        assert "whsec_clear" not in endpoint.encrypted_secret
        back = migrate("0001_initial").get_model("webhooks", "Endpoint")
        assert back.objects.get(pk=old.pk).secret == "whsec_clear"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("webhooks"))


def test_a_community_archive_carries_the_secret_encrypted(owner_actor, tmp_path):
    """The archive's row holds the token (an import on an install with the same key, or its
    key among the fallbacks, signs as before), never the secret."""
    import zipfile

    from hearth.archive.community import export_community
    from hearth.webhooks import services

    endpoint, secret = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/hooks", event_types=["topic.created"]
    )
    path = tmp_path / "garden.zip"
    export_community("garden", path)
    with zipfile.ZipFile(path) as zf:
        assert not any(secret.encode() in zf.read(name) for name in zf.namelist())
        rows = zf.read("data/webhooks.Endpoint.jsonl").decode()
    assert endpoint.encrypted_secret in rows
