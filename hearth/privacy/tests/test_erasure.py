"""Deleting an account: personal data erased, posts kept or removed as the community
chose, the event log kept with an anonymous actor so the health figures do not move."""

from datetime import UTC, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.analytics import metrics, rollups
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.conversations.models import Message
from hearth.core.models import InteractionEvent
from hearth.discussions.models import Attachment, Post, Reaction, Topic
from hearth.ideas.models import IdeaVote
from hearth.members.models import MemberProfile
from hearth.privacy import erasure, services
from hearth.privacy.models import DataExport, DeletedMessages, DeletedPosts, PrivacySettings
from hearth.search.models import PostDocument
from hearth.testing.factories import PASSWORD, actor_for, image_upload, membership_factory

pytestmark = pytest.mark.django_db


def _window():
    today = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=28), today + timedelta(days=1)


def _health(community, as_of):
    start, end = _window()
    return metrics.health_report(community, start, end, as_of=as_of)


def test_personal_data_is_erased(member, community, content, client):
    from hearth.accounts.services import profile_update

    profile_update(
        user=member, display_name="Mel Gardener", bio="I grow things", time_zone="Europe/Paris",
        avatar=image_upload("me.png"),
    )  # fmt: skip
    member.refresh_from_db()
    avatar = member.avatar
    assert avatar.storage.exists(avatar.name)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    SocialAccount.objects.create(user=member, provider="openid_connect", uid="mel-123")
    MemberProfile.objects.filter(user=member).update(bio="Hi", location="Leeds")
    services.export_build(export_id=services.export_request(user=member).export.pk)
    erasure.account_delete(user=member)
    member.refresh_from_db()
    assert member.username == f"deleted-{member.pk}"
    assert (member.email, member.display_name, member.bio, member.first_name) == ("", "", "", "")
    assert not member.avatar and not member.is_active and not member.has_usable_password()
    assert member.is_deleted and member.name == "A former member"
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not SocialAccount.objects.filter(user=member).exists()
    profile = MemberProfile.objects.get(user=member)
    assert (profile.bio, profile.location, profile.hide_from_directory) == ("", "", True)
    membership = Membership.objects.get(user=member, community=community)
    assert membership.status == MembershipStatus.LEFT
    assert not DataExport.objects.filter(user=member).exists()
    assert not client.login(username="mel", password=PASSWORD)


def test_files_are_removed_after_commit(member, django_capture_on_commit_callbacks):
    from hearth.accounts.services import profile_update

    profile_update(
        user=member, display_name="", bio="", time_zone="UTC", avatar=image_upload("me.png")
    )
    member.refresh_from_db()
    avatar = member.avatar
    services.export_build(export_id=services.export_request(user=member).export.pk)
    export_file = DataExport.objects.get(user=member).file
    assert export_file.storage.exists(export_file.name)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.account_delete(user=member)
    assert not avatar.storage.exists(avatar.name)
    assert not export_file.storage.exists(export_file.name)


def test_member_count_and_other_members_are_untouched(member, community, admin):
    before = Community.objects.get(pk=community.pk).member_count
    erasure.account_delete(user=member)
    assert Community.objects.get(pk=community.pk).member_count == before - 1
    admin.refresh_from_db()
    assert admin.username == "adam" and admin.is_active


def test_posts_are_kept_by_a_former_member_by_default(member, community, content, client):
    erasure.account_delete(user=member)
    post = Post.objects.get(topic=content.topic, number=1)
    assert post.author_id == member.pk and post.deleted_at is None
    assert post.body.startswith("My tomato secret")
    assert Reaction.objects.filter(user=member).exists()  # still counted, anonymously
    assert IdeaVote.objects.filter(user=member).exists()
    page = client.get(
        reverse("discussions:topic", args=[community.slug, content.topic.slug, content.topic.pk])
    ).content.decode()
    assert "A former member" in page
    assert "/u/mel/" not in page and ">Mel<" not in page


def test_posts_are_removed_when_the_community_chose_so(member, community, owner, content):
    services.privacy_settings_update(
        actor=actor_for(owner, community),
        deleted_posts=DeletedPosts.REMOVE,
        deleted_messages=DeletedMessages.ERASE,
    )
    assert Attachment.objects.filter(post__author=member).count() == 2
    erasure.account_delete(user=member)
    # Others replied to mel's topic: it stays, its first post says it was removed.
    first = Post.objects.get(topic=content.topic, number=1)
    assert first.deleted_at is None and first.body == ""
    assert "removed when its author deleted their account" in first.html
    assert Topic.objects.get(pk=content.topic.pk).deleted_at is None
    assert not Attachment.objects.filter(post=first).exists()
    # mel's reply in the owner's topic is gone, text and all, and out of the search index.
    reply = Post.objects.get(pk=content.mel_reply.pk)
    assert reply.deleted_at is not None and reply.body == "" and reply.html == ""
    assert not PostDocument.objects.filter(post_id=reply.pk).exists()
    assert Topic.objects.get(pk=content.owners_topic.pk).post_count == 1
    assert not PostDocument.objects.filter(body__contains="tomato").exists()


def test_a_topic_nobody_answered_goes_with_its_first_post(member, community, owner):
    from hearth.discussions import services as discussions
    from hearth.discussions.models import Category

    PrivacySettings.objects.create(community=community, deleted_posts=DeletedPosts.REMOVE)
    general = Category.objects.get(community=community, slug="general")
    topic = discussions.topic_create(
        actor=actor_for(member, community), category=general, title="Alone", body="Nobody?"
    )
    count = Category.objects.get(pk=general.pk).topic_count
    erasure.account_delete(user=member)
    topic.refresh_from_db()
    assert topic.deleted_at is not None and topic.title != "Alone"
    assert Category.objects.get(pk=general.pk).topic_count == count - 1


def test_direct_messages_are_erased_by_default(member, community, content):
    erasure.account_delete(user=member)
    sent = Message.objects.get(author=member)
    assert sent.body == "" and "erased" in sent.body_html
    assert Message.objects.get(body="Hello Mel, a private answer.")  # the owner's stays


def test_direct_messages_are_kept_when_the_community_chose_so(member, community, content):
    PrivacySettings.objects.create(community=community, deleted_messages=DeletedMessages.KEEP)
    erasure.account_delete(user=member)
    assert Message.objects.get(author=member).body == "Hello Olivia, a private word."


def test_events_are_kept_with_the_same_anonymous_actor(member, community, content):
    mine = set(InteractionEvent.objects.filter(actor=member).values_list("pk", flat=True))
    targeted = InteractionEvent.objects.filter(target_user=member).count()
    total = InteractionEvent.objects.count()
    erasure.account_delete(user=member)
    assert InteractionEvent.objects.count() == total  # nothing recorded for the deletion
    assert set(InteractionEvent.objects.filter(actor=member).values_list("pk", flat=True)) == mine
    assert InteractionEvent.objects.filter(target_user=member).count() == targeted
    assert User.objects.get(pk=member.pk).username.startswith("deleted-")


@pytest.mark.parametrize("posts", [DeletedPosts.KEEP, DeletedPosts.REMOVE])
def test_health_figures_are_the_same_after_a_deletion(member, community, owner, content, posts):
    PrivacySettings.objects.create(community=community, deleted_posts=posts)
    as_of = timezone.now() + timedelta(minutes=1)
    start, end = _window()
    before = _health(community, as_of)
    rollups.update(community, lag=timedelta(0))
    assert rollups.health_report(community, start, end, as_of=as_of) == before
    assert before.active.total == 2  # the owner and the member
    erasure.account_delete(user=member)
    after = _health(community, as_of)
    assert after == before
    rollups.update(community, lag=timedelta(0))
    assert rollups.health_report(community, start, end, as_of=as_of) == after
    rollups.rebuild(community)
    assert rollups.health_report(community, start, end, as_of=as_of) == after


def test_free_text_in_the_members_events_is_dropped(member, community, content):
    InteractionEvent.objects.filter(actor=member).update(data={"topic": 1, "reasons": "mine"})
    erasure.account_delete(user=member)
    assert all(
        e == {"topic": 1}
        for e in InteractionEvent.objects.filter(actor=member).values_list("data", flat=True)
    )


def test_api_keys_are_revoked(member, community):
    from hearth.api.models import ApiKey

    key = ApiKey.objects.create(
        community=community, name="Bot", created_by=member, prefix="p1", secret_hash="0" * 64
    )
    erasure.account_delete(user=member)
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_second_deletion_is_answered_not_an_error(member):
    erasure.account_delete(user=member)
    with pytest.raises(erasure.AccountAlreadyDeleted):
        erasure.account_delete(user=member)


def test_the_sole_owner_cannot_delete_their_account(owner, community):
    with pytest.raises(PermissionDenied, match="only owner of Garden Club"):
        erasure.account_delete(user=owner)
    owner.refresh_from_db()
    assert not owner.is_deleted


def test_an_owner_with_a_co_owner_can(owner, community, admin):
    Membership.objects.filter(user=admin, community=community).update(role=Role.OWNER)
    erasure.account_delete(user=owner)
    owner.refresh_from_db()
    assert owner.is_deleted
    assert Membership.objects.get(user=owner, community=community).role == Role.MEMBER


# The pages -------------------------------------------------------------------------------


def _delete_url():
    return reverse("privacy:account-delete")


def test_the_page_explains_and_asks_for_the_password(client, member):
    client.force_login(member)
    page = client.get(_delete_url()).content.decode()
    assert "What happens" in page and 'type="password"' in page


def test_a_wrong_password_deletes_nothing(client, member):
    client.force_login(member)
    response = client.post(_delete_url(), {"password": "nope", "understood": "on"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    member.refresh_from_db()
    assert not member.is_deleted


def test_the_box_must_be_ticked(client, member):
    client.force_login(member)
    response = client.post(_delete_url(), {"password": PASSWORD})
    assert "Tick the box" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_deleted


def test_deleting_signs_out_everywhere_and_a_double_submit_is_answered(client, member):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(member)
    client.force_login(member)
    response = client.post(_delete_url(), {"password": PASSWORD, "understood": "on"})
    assert response.status_code == 302 and response.url == reverse("privacy:account-deleted")
    member.refresh_from_db()
    assert member.is_deleted
    assert "_auth_user_id" not in client.session
    # The other browser's session is no longer signed in.
    assert elsewhere.get(reverse("privacy:home")).status_code == 302
    again = client.post(_delete_url(), {"password": PASSWORD, "understood": "on"})
    assert again.status_code == 200
    assert "already deleted" in again.content.decode()


def test_a_social_only_account_confirms_with_its_username(client, member):
    member.set_unusable_password()
    member.save()
    client.force_login(member)
    response = client.post(_delete_url(), {"confirm_username": "someone", "understood": "on"})
    assert "That is not your username." in response.content.decode()
    client.post(_delete_url(), {"confirm_username": "MEL", "understood": "on"})
    member.refresh_from_db()
    assert member.is_deleted


def test_the_sole_owner_is_told_what_to_do(client, owner, community):
    client.force_login(owner)
    page = client.get(_delete_url()).content.decode()
    assert "only owner of Garden Club" in page
    assert reverse("communities:manage-members", args=[community.slug]) in page
    response = client.post(_delete_url(), {"password": PASSWORD, "understood": "on"})
    assert response.status_code == 403
    owner.refresh_from_db()
    assert not owner.is_deleted


def test_anonymous_get_goes_to_login(client):
    response = client.get(_delete_url())
    assert response.status_code == 302 and "login" in response.url


def test_the_account_settings_link_to_your_data(client, member):
    client.force_login(member)
    page = client.get(reverse("accounts:profile-edit")).content.decode()
    assert reverse("privacy:home") in page


# The community's choice -------------------------------------------------------------------


def _settings_url(community):
    return reverse("privacy-community:settings", args=[community.slug])


def test_the_community_settings_page_shows_the_choice(client, owner, community):
    client.force_login(owner)
    page = client.get(reverse("communities:manage-settings", args=[community.slug]))
    text = page.content.decode()
    assert "When a member deletes their account" in text
    assert 'value="keep" checked' in text.replace("\n", " ") or 'value="keep"' in text


def test_an_admin_saves_the_choice(client, owner, community):
    client.force_login(owner)
    response = client.post(
        _settings_url(community), {"deleted_posts": "remove", "deleted_messages": "keep"}
    )
    assert response.status_code == 302
    row = PrivacySettings.objects.get(community=community)
    assert (row.deleted_posts, row.deleted_messages) == ("remove", "keep")


def test_a_bad_choice_is_a_clear_400(client, owner, community):
    client.force_login(owner)
    response = client.post(
        _settings_url(community), {"deleted_posts": "burn", "deleted_messages": "keep"}
    )
    assert response.status_code == 400
    assert not PrivacySettings.objects.filter(community=community).exists()


@pytest.mark.parametrize("persona, status", [("member", 403), ("moderator", 403)])
def test_others_cannot_change_it(client, personas, community, persona, status):
    client.force_login(personas[persona])
    response = client.post(
        _settings_url(community), {"deleted_posts": "remove", "deleted_messages": "keep"}
    )
    assert response.status_code == status
    assert not PrivacySettings.objects.filter(community=community).exists()


def test_an_outsider_does_not_see_it_in_a_private_community(client, outsider, db):
    from hearth.testing.factories import community_factory

    hidden = community_factory(slug="hidden", visibility="private")
    membership_factory(hidden)
    client.force_login(outsider)
    assert client.post(_settings_url(hidden), {"deleted_posts": "remove"}).status_code == 404


def test_a_taken_tombstone_name_gets_a_random_tail(member):
    from hearth.testing.factories import user_factory

    user_factory(username=f"deleted-{member.pk}")
    erasure.account_delete(user=member)
    member.refresh_from_db()
    assert member.username.startswith(f"deleted-{member.pk}-")


def test_sign_up_refuses_a_tombstone_name(client, db):
    response = client.post(
        reverse("account_signup"),
        {"username": "Deleted-7", "email": "x@example.com", "password1": "Glaze-and-Fire-42",
         "password2": "Glaze-and-Fire-42"},
    )  # fmt: skip
    assert "That username is reserved" in response.content.decode()
    assert not User.objects.filter(username__iexact="deleted-7").exists()


def test_a_deleted_members_profile_is_gone(client, member, community, content):
    erasure.account_delete(user=member)
    member.refresh_from_db()
    url = reverse("communities:profile", args=[community.slug, member.username])
    assert client.get(url).status_code == 404
