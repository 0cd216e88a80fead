"""The webhook pages: owners and admins only, clear errors, the secret shown once."""

import pytest
from django.urls import reverse

from hearth.communities.models import StaffAction
from hearth.testing.factories import actor_for, community_factory, user_factory
from hearth.webhooks import services
from hearth.webhooks.models import Delivery, DeliveryStatus, Endpoint

LIST_URL = reverse("webhooks:list", args=["garden"])


def url(name, *args):
    return reverse(f"webhooks:{name}", args=["garden", *args])


def form(**changes):
    return {"url": "https://93.184.216.34/hooks", "description": "CRM",
            "event_types": ["member.joined", "post.created"], **changes}  # fmt: skip


def test_the_owner_adds_a_webhook_and_sees_its_secret_once(client, owner, community):
    client.force_login(owner)
    response = client.post(LIST_URL, form())
    assert response.status_code == 200
    endpoint = Endpoint.objects.get(community=community)
    page = response.content.decode()
    assert endpoint.secret in page
    assert endpoint.event_types == ["member.joined", "post.created"]
    assert endpoint.created_by == owner
    assert StaffAction.objects.filter(community=community, action="webhook.create").exists()
    # Never again.
    assert endpoint.secret not in client.get(LIST_URL).content.decode()
    assert endpoint.secret not in client.get(url("endpoint", endpoint.pk)).content.decode()
    assert "93.184.216.34" in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"url": "ftp://example.com/x"}, "Use an http:// or https:// URL."),
        ({"url": ""}, "This field is required."),
        ({"url": "http://127.0.0.1:8000/hook"}, "Webhooks cannot be sent to 127.0.0.1"),
        ({"url": "http://localhost:8000/hook"}, "Webhooks cannot be sent to"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "cloud metadata address"),
        ({"url": "http://[::1]/hook"}, "Webhooks cannot be sent to ::1"),
        ({"url": "http://10.0.0.8/hook"}, "Webhooks cannot be sent to 10.0.0.8"),
        ({"event_types": []}, "Choose at least one event type."),
        ({"event_types": ["post.deleted.forever"]}, "Choose event types from the list."),
        ({"url": "x" * 600}, "at most 500 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, owner, community, changes, message):
    client.force_login(owner)
    response = client.post(LIST_URL, form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_private_targets_are_accepted_where_the_operator_allows_them(
    client, owner, settings, community
):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    client.force_login(owner)
    assert client.post(LIST_URL, form(url="http://127.0.0.1:8000/hook")).status_code == 200
    # Not the metadata address, even so.
    response = client.post(LIST_URL, form(url="http://169.254.169.254/"))
    assert response.status_code == 400
    assert Endpoint.objects.count() == 1


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("moderator", 403), ("member", 403), ("newcomer", 403), ("outsider", 403),
     ("banned", 403)],
)  # fmt: skip
def test_only_owners_and_admins_manage_webhooks(client, personas, community, who, status):
    endpoint, _secret = services.endpoint_create(
        actor=actor_for(personas["owner"], community),
        url="https://93.184.216.34/x",
        event_types=["member.joined"],
    )
    client.force_login(personas[who])
    assert client.get(LIST_URL).status_code == status
    assert client.get(url("endpoint", endpoint.pk)).status_code == status
    assert client.get(url("edit", endpoint.pk)).status_code == status
    response = client.post(LIST_URL, form())
    assert response.status_code == status
    response = client.post(url("delete", endpoint.pk))
    assert response.status_code == (302 if status == 200 else status)
    assert Endpoint.objects.filter(pk=endpoint.pk).exists() is (status != 200)


def test_a_visitor_is_sent_to_sign_in(client, community):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(LIST_URL, form()).status_code == 302
    assert not Endpoint.objects.exists()


def test_another_communitys_webhook_is_not_found(client, owner, community, owner_actor):
    other_owner = user_factory(username="ozzy")
    other = community_factory(owner=other_owner, slug="orchard")
    theirs, _secret = services.endpoint_create(
        actor=actor_for(other_owner, other), url="https://93.184.216.34/x",
        event_types=["member.joined"],
    )  # fmt: skip
    client.force_login(owner)
    assert client.get(url("endpoint", theirs.pk)).status_code == 404
    assert client.post(url("edit", theirs.pk), form()).status_code == 404
    assert client.post(url("delete", theirs.pk)).status_code == 404
    assert client.post(url("ping", theirs.pk)).status_code == 404
    Delivery.objects.create(community=other, endpoint=theirs, event_type="ping", payload={})
    delivery = Delivery.objects.get(endpoint=theirs)
    assert client.get(url("delivery", delivery.pk)).status_code == 404
    assert client.post(url("redeliver", delivery.pk)).status_code == 404
    assert Endpoint.objects.filter(pk=theirs.pk).exists()


def test_the_owner_edits_and_switches_a_webhook_off(client, owner, community, owner_actor):
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/x", event_types=["member.joined"]
    )
    client.force_login(owner)
    response = client.post(
        url("edit", endpoint.pk),
        form(url="https://93.184.216.35/y", event_types=["topic.created"]),  # is_active unticked
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://93.184.216.35/y"
    assert endpoint.event_types == ["topic.created"]
    assert not endpoint.is_active
    page = client.get(url("endpoint", endpoint.pk)).content.decode()
    assert "switched off" in page
    assert "Send test ping" not in page
    bad = client.post(url("edit", endpoint.pk), form(url="http://192.168.0.1/"))
    assert bad.status_code == 400
    assert "Webhooks cannot be sent to 192.168.0.1" in bad.content.decode()


def test_rotating_the_secret_shows_the_new_one_once(client, owner, owner_actor):
    endpoint, old = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/x", event_types=["member.joined"]
    )
    client.force_login(owner)
    assert client.get(url("secret", endpoint.pk)).status_code == 405
    response = client.post(url("secret", endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()


def test_the_log_shows_codes_and_redelivers_from_the_page(
    client, owner, owner_actor, receiver, allow_private, community,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    receiver.statuses = [500, 200]
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url=receiver.url, event_types=["member.joined"]
    )
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("ping", endpoint.pk)).status_code == 302
    ping = Delivery.objects.get(endpoint=endpoint)
    assert ping.status == DeliveryStatus.FAILED
    page = client.get(url("endpoint", endpoint.pk)).content.decode()
    assert "500" in page and "Failed" in page and "Redeliver" in page
    detail = client.get(url("delivery", ping.pk)).content.decode()
    assert "answered 500" in detail
    assert "&quot;type&quot;: &quot;ping&quot;" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("redeliver", ping.pk))
    again = Delivery.objects.exclude(pk=ping.pk).get()
    assert response["Location"] == url("delivery", again.pk)
    assert again.status == DeliveryStatus.SUCCEEDED
    assert "200" in client.get(url("delivery", again.pk)).content.decode()
    assert len(receiver.requests) == 2


def test_a_switched_off_webhook_is_not_pinged_or_redelivered(client, owner, owner_actor):
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/x", event_types=["member.joined"]
    )
    services.endpoint_update(
        actor=owner_actor, endpoint=endpoint, url=endpoint.url,
        event_types=endpoint.event_types, is_active=False,
    )  # fmt: skip
    client.force_login(owner)
    response = client.post(url("ping", endpoint.pk), follow=True)
    assert "switched off. Switch it on first." in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_disabled_by_failures_notice_is_on_the_page(client, owner, owner_actor):
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/x", event_types=["member.joined"]
    )
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="failures", consecutive_failures=15
    )
    client.force_login(owner)
    page = client.get(url("endpoint", endpoint.pk)).content.decode()
    assert "switched this webhook off after 15 failed attempts" in page
    assert "Switched off after repeated failures" in client.get(LIST_URL).content.decode()


def test_deleting_asks_first(client, owner, owner_actor, community):
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url="https://93.184.216.34/x", event_types=["member.joined"]
    )
    client.force_login(owner)
    assert "Remove this webhook?" in client.get(url("delete", endpoint.pk)).content.decode()
    assert Endpoint.objects.exists()
    assert client.post(url("delete", endpoint.pk)).status_code == 302
    assert not Endpoint.objects.exists()
    assert StaffAction.objects.filter(community=community, action="webhook.delete").exists()


def test_the_manage_navigation_links_webhooks_for_admins_only(client, owner, moderator):
    client.force_login(owner)
    page = client.get(reverse("communities:manage-members", args=["garden"])).content.decode()
    assert LIST_URL in page
    client.force_login(moderator)
    page = client.get(reverse("communities:manage-members", args=["garden"])).content.decode()
    assert LIST_URL not in page


def test_an_unknown_id_is_not_found(client, owner):
    client.force_login(owner)
    assert client.get(url("endpoint", 999999)).status_code == 404
    assert client.get("/c/garden/manage/webhooks/99999999999999999999999/").status_code == 404
